//! How the approval screens and cards word what they show: a request's status, a time, and a
//! field's problem, in the member's language.

use crate::i18n::Text;
use weft_protocol::Millis;
use weft_protocol::approval::{FieldError, RequestStatus};

/// A request's status in words.
pub fn status_text(status: RequestStatus) -> Text {
    match status {
        RequestStatus::InReview => Text::StatusInReview,
        RequestStatus::Approved => Text::StatusApproved,
        RequestStatus::Rejected => Text::StatusRejected,
        RequestStatus::Withdrawn => Text::StatusWithdrawn,
    }
}

/// `YYYY-MM-DD HH:MM` in the device's time zone.
pub fn date_time(at: Millis) -> String {
    crate::platform::date_time(at)
}

/// An error as shown beside its field, in the member's language (a rule from a newer server in
/// the protocol's words).
pub fn field_error_text(error: &FieldError, lang: crate::i18n::Lang) -> String {
    crate::i18n::field_rule_text(&error.rule, lang).unwrap_or_else(|| error.rule.to_string())
}
