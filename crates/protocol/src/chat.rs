//! Conversations and messages: the shapes on the wire and the text rules both sides enforce.

use crate::{ClientId, ConversationId, MemberId, MessageId, Millis};
use serde::{Deserialize, Serialize};

/// Direct chats have exactly two members; groups have a name and an owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    Direct,
    Group,
}

/// A conversation as listed for one member (the title of a direct chat is the other person's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub kind: ConversationKind,
    pub title: String,
    pub member_count: u32,
    /// Sequence number of the newest message (0 when empty).
    pub last_seq: u64,
    pub last_message: Option<Message>,
    /// Time of the last activity, for sorting the list.
    pub updated_at: Millis,
}

/// A message as stored and delivered. `seq` orders messages within their conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub seq: u64,
    pub sender_id: MemberId,
    pub sender_name: String,
    pub client_id: ClientId,
    pub text: String,
    pub sent_at: Millis,
}

/// `POST /api/v1/conversations/{id}/messages`. Retrying with the same `client_id` returns the
/// message already stored instead of sending it twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendMessageRequest {
    pub client_id: ClientId,
    pub text: String,
}

/// A page of history, newest last. `has_more` says whether older messages exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessagePage {
    pub messages: Vec<Message>,
    pub has_more: bool,
}

/// Largest message text, in bytes of UTF-8.
pub const MAX_TEXT_BYTES: usize = 8 * 1024;
/// Largest page of history one request may ask for.
pub const MAX_PAGE: u32 = 200;

/// Why a message text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    Empty,
    TooLong { bytes: usize },
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::Empty => f.write_str("text: a message cannot be empty"),
            TextError::TooLong { bytes } => write!(
                f,
                "text: a message is at most {MAX_TEXT_BYTES} bytes (this one is {bytes})"
            ),
        }
    }
}

/// Checks a message text: not blank, at most [`MAX_TEXT_BYTES`]. Used by the composer and the server.
pub fn validate_text(text: &str) -> Result<(), TextError> {
    if text.trim().is_empty() {
        return Err(TextError::Empty);
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(TextError::TooLong { bytes: text.len() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_text_is_refused() {
        assert_eq!(validate_text("   \n\t"), Err(TextError::Empty));
    }

    #[test]
    fn text_at_the_limit_passes_and_one_byte_more_fails() {
        let at_limit = "a".repeat(MAX_TEXT_BYTES);
        assert_eq!(validate_text(&at_limit), Ok(()));
        let over = format!("{at_limit}b");
        assert_eq!(
            validate_text(&over),
            Err(TextError::TooLong {
                bytes: MAX_TEXT_BYTES + 1
            })
        );
    }

    #[test]
    fn limit_counts_bytes_not_characters() {
        // 张 is three bytes in UTF-8.
        let cjk = "张".repeat(MAX_TEXT_BYTES / 3 + 1);
        assert!(matches!(
            validate_text(&cjk),
            Err(TextError::TooLong { .. })
        ));
    }
}
