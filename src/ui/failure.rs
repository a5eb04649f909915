//! What a form shows after a failed call: the app's wording for an API failure, or the server's
//! typed refusal worded in the member's language.

use crate::api::ApiError;
use weft_protocol::ErrorCode;

/// What a form shows after a failed call: one of the app's texts, or a refusal the server gave
/// as a typed reason (worded by `i18n::refusal_text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Text(crate::i18n::Text),
    Refused(weft_protocol::Refusal),
}

impl Failure {
    /// The server's typed reason when this build can word it, else [`error_text`].
    pub fn of(error: &ApiError) -> Self {
        match error {
            ApiError::Server { body: weft_protocol::ErrorBody { reason: Some(reason), .. }, .. }
                if crate::i18n::refusal_text(reason, crate::i18n::Lang::En).is_some() =>
            {
                Failure::Refused(reason.clone())
            }
            other => Failure::Text(error_text(other)),
        }
    }

    pub fn render(&self, lang: crate::i18n::Lang) -> String {
        match self {
            Failure::Text(text) => text.in_lang(lang).to_owned(),
            Failure::Refused(reason) => crate::i18n::refusal_text(reason, lang).unwrap_or_default(),
        }
    }
}

/// The wording key for an API failure shown to the member.
pub fn error_text(error: &ApiError) -> crate::i18n::Text {
    use crate::i18n::Text;
    match error.code() {
        Some(ErrorCode::BadCredentials) => Text::ErrorBadCredentials,
        Some(ErrorCode::RateLimited) => Text::ErrorRateLimited,
        Some(ErrorCode::AccountDisabled) => Text::ErrorDisabled,
        Some(ErrorCode::Busy) => Text::ErrorBusy,
        None if *error == ApiError::Network => Text::ErrorNetwork,
        _ => Text::ErrorServer,
    }
}
