//! Sessions: whether a presented session still admits its member, and when its "last seen" time
//! is worth writing down. The store loads the facts of the session a token names; requests are
//! admitted or refused here. (Idle and absolute lifetimes per device mode are the managed-sessions
//! issue's; they belong in [`check`].)

use weft_protocol::Millis;

/// How long a session's `last_seen_at` may lag before a request writes it again: often enough
/// for the devices list, rarely enough that requests stay reads.
pub const LAST_SEEN_GRANULARITY_MS: Millis = 60_000;

/// What the store knows of a session a token names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionFacts {
    /// Ended by signing out, by the member elsewhere, or by an administrator.
    pub revoked: bool,
    /// Whether the member may still sign in (not disabled, invited without password, or deleted).
    pub member_active: bool,
    pub last_seen_at: Millis,
}

/// Whether the request is admitted, and whether to note that the session was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCheck {
    Admitted {
        note_seen: bool,
    },
    /// The session ended (revoked) or its member may no longer sign in: the app signs out.
    Ended,
}

/// Checks a session at `now`.
pub fn check(facts: SessionFacts, now: Millis) -> SessionCheck {
    if facts.revoked || !facts.member_active {
        return SessionCheck::Ended;
    }
    SessionCheck::Admitted { note_seen: facts.last_seen_at < now - LAST_SEEN_GRANULARITY_MS }
}

/// Whether a member whose password matched may get a new session.
pub fn may_sign_in(member_active: bool) -> bool {
    member_active
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_700_000_000_000;

    fn facts(revoked: bool, member_active: bool, seen_ago: Millis) -> SessionFacts {
        SessionFacts { revoked, member_active, last_seen_at: NOW - seen_ago }
    }

    #[test]
    fn a_session_admits_only_while_unrevoked_and_its_member_active() {
        for revoked in [false, true] {
            for active in [false, true] {
                let outcome = check(facts(revoked, active, 0), NOW);
                if !revoked && active {
                    assert_eq!(outcome, SessionCheck::Admitted { note_seen: false });
                } else {
                    assert_eq!(outcome, SessionCheck::Ended, "revoked {revoked}, active {active}");
                }
            }
        }
    }

    #[test]
    fn last_seen_is_noted_once_it_lags_more_than_a_minute() {
        assert_eq!(check(facts(false, true, 59_999), NOW), SessionCheck::Admitted { note_seen: false });
        assert_eq!(check(facts(false, true, 60_000), NOW), SessionCheck::Admitted { note_seen: false });
        assert_eq!(check(facts(false, true, 60_001), NOW), SessionCheck::Admitted { note_seen: true });
    }

    #[test]
    fn only_active_members_sign_in() {
        assert!(may_sign_in(true));
        assert!(!may_sign_in(false));
    }
}
