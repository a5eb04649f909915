//! How often one session's deterrent reports of one kind, in one conversation, are taken: a held
//! PrintScreen key or a flickering window must not flood the conversation with notices or the
//! audit log with entries. Reports within [`REPORT_GAP_MS`] of the last one taken are refused
//! with 429.

use std::collections::HashMap;
use std::sync::Mutex;
use weft_protocol::confidential::DeterrentKind;
use weft_protocol::{ConversationId, Millis, SessionId};

/// Shortest time between two reports taken for the same session, conversation and kind.
pub const REPORT_GAP_MS: Millis = 5_000;
/// Past this many remembered reports, the ones older than the gap are forgotten.
const PRUNE_AT: usize = 10_000;

type Key = (SessionId, ConversationId, DeterrentKind);

#[derive(Default)]
pub struct DeterrentLimiter {
    last_taken: Mutex<HashMap<Key, Millis>>,
}

impl DeterrentLimiter {
    /// Takes a report at `now`, or says how many milliseconds to wait.
    pub fn take(
        &self,
        session: SessionId,
        conversation: ConversationId,
        kind: DeterrentKind,
        now: Millis,
    ) -> Result<(), Millis> {
        let mut last_taken = self.last_taken.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if last_taken.len() >= PRUNE_AT {
            last_taken.retain(|_, at| now - *at < REPORT_GAP_MS);
        }
        let key = (session, conversation, kind);
        match last_taken.get(&key) {
            Some(at) if now - at < REPORT_GAP_MS => Err(REPORT_GAP_MS - (now - at)),
            _ => {
                last_taken.insert(key, now);
                Ok(())
            }
        }
    }
}

impl DeterrentLimiter {
    /// Gives back a report's turn (the report was refused, so nothing was taken).
    pub fn release(&self, session: SessionId, conversation: ConversationId, kind: DeterrentKind) {
        let mut last_taken = self.last_taken.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        last_taken.remove(&(session, conversation, kind));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn one_report_per_gap_for_each_session_conversation_and_kind() {
        let limiter = DeterrentLimiter::default();
        let (session, other_session) = (SessionId(Uuid::from_u128(1)), SessionId(Uuid::from_u128(2)));
        let conversation = ConversationId(Uuid::from_u128(3));
        let shot = DeterrentKind::ScreenshotShortcut;
        assert_eq!(limiter.take(session, conversation, shot, 1_000), Ok(()));
        assert_eq!(limiter.take(session, conversation, shot, 2_000), Err(4_000));
        assert_eq!(limiter.take(session, conversation, DeterrentKind::CopyAttempt, 2_000), Ok(()));
        assert_eq!(limiter.take(other_session, conversation, shot, 2_000), Ok(()));
        assert_eq!(limiter.take(session, conversation, shot, 6_000), Ok(()));
        limiter.release(session, conversation, shot);
        assert_eq!(limiter.take(session, conversation, shot, 6_001), Ok(()), "a refused report takes no turn");
    }
}
