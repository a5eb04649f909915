//! Confidential conversations over plain values: who may turn confidentiality on or off (a
//! group's owner or an administrator; either side of a direct chat or an administrator; never the
//! Approvals conversation; never off where the workspace policy made it), what a lifetime makes
//! of a message's expiry, that confidential content is never forwarded, and which deterrent
//! reports are accepted.

use weft_protocol::chat::ConversationKind;
use weft_protocol::confidential::{
    ConfidentialSettings, Confidentiality, MAX_LIFETIME_SECONDS, MIN_LIFETIME_SECONDS, MessageLifetime,
};
use weft_protocol::{ConversationRefusal, FieldProblem, FieldRule, Millis};

use super::rules::{ConversationFacts, require_participant};
use crate::domain::Actor;

/// What a change of the setting does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingChange {
    /// Turned on, or its lifetime changed: the conversation's new state.
    On(Confidentiality),
    Off,
    /// Already as asked: nothing to save or announce.
    Unchanged,
}

/// Checks that `actor` may change the setting and what the change is. `offline_copy` is the
/// workspace policy's.
pub fn change_setting(
    conversation: &ConversationFacts,
    current: Option<Confidentiality>,
    actor: &Actor,
    settings: ConfidentialSettings,
    offline_copy: bool,
    now: Millis,
) -> Result<SettingChange, ConversationRefusal> {
    // Administrators act only where they take part, as with every group setting.
    require_participant(conversation, actor.id)?;
    match conversation.kind {
        ConversationKind::Approvals | ConversationKind::App => {
            return Err(ConversationRefusal::ApprovalsConversationFixed);
        }
        ConversationKind::Group if conversation.owner != actor.id && !actor.is_admin() => {
            return Err(ConversationRefusal::OwnerOnly);
        }
        ConversationKind::Group | ConversationKind::Direct => {}
    }
    match (current, settings.enabled) {
        (None, false) => Ok(SettingChange::Unchanged),
        (Some(on), false) if on.by_policy => Err(ConversationRefusal::ConfidentialByPolicy),
        (Some(_), false) => Ok(SettingChange::Off),
        (Some(on), true) if on.lifetime == settings.lifetime => Ok(SettingChange::Unchanged),
        (current, true) => Ok(SettingChange::On(Confidentiality {
            since: current.map_or(now, |on| on.since),
            by_policy: current.is_some_and(|on| on.by_policy),
            lifetime: settings.lifetime,
            offline_copy,
        })),
    }
}

/// Field problems of a lifetime (out of bounds).
pub fn lifetime_problems(lifetime: Option<MessageLifetime>) -> Vec<FieldProblem> {
    let Some(seconds) = lifetime.map(MessageLifetime::seconds) else { return Vec::new() };
    let rule = if seconds < MIN_LIFETIME_SECONDS {
        FieldRule::AtLeast { min: MIN_LIFETIME_SECONDS }
    } else if seconds > MAX_LIFETIME_SECONDS {
        FieldRule::AtMost { max: MAX_LIFETIME_SECONDS }
    } else {
        return Vec::new();
    };
    vec![FieldProblem { path: "lifetime.seconds".into(), rule }]
}

/// When a message sent at `sent_at` expires: only lifetimes counted from sending start at once.
pub fn expiry_at_send(lifetime: Option<MessageLifetime>, sent_at: Millis) -> Option<Millis> {
    match lifetime {
        Some(MessageLifetime::AfterSend { seconds }) => Some(sent_at + i64::from(seconds) * 1000),
        _ => None,
    }
}

/// When a message first read at `read_at` by someone other than its sender expires (its clock
/// starts once; a message already counting keeps its time).
pub fn expiry_at_first_read(lifetime: Option<MessageLifetime>, read_at: Millis) -> Option<Millis> {
    match lifetime {
        Some(MessageLifetime::AfterRead { seconds }) => Some(read_at + i64::from(seconds) * 1000),
        _ => None,
    }
}

/// Confidential content never leaves its conversation.
pub fn may_forward(source: Option<Confidentiality>) -> Result<(), ConversationRefusal> {
    match source {
        Some(_) => Err(ConversationRefusal::Confidential),
        None => Ok(()),
    }
}

/// Deterrent reports come from participants of confidential conversations only.
pub fn may_report(
    conversation: &ConversationFacts,
    current: Option<Confidentiality>,
    actor: &Actor,
) -> Result<(), ConversationRefusal> {
    require_participant(conversation, actor.id)?;
    if current.is_none() { Err(ConversationRefusal::NotConfidential) } else { Ok(()) }
}

#[cfg(test)]
#[path = "confidential_tests.rs"]
mod tests;
