//! Sessions: whether a presented session still admits its member (revoked, member disabled, idle,
//! past its lifetime, or asked to wipe its device), which policy and terms a new session gets from
//! its member's departments, and the rules administrators' policies and new passwords must keep.

use std::collections::HashMap;
use weft_protocol::auth::{DeviceMode, Lifetimes, SessionEnd, SessionPolicy, SessionTerms};
use weft_protocol::directory::validate_new_password;
use weft_protocol::{DepartmentId, Millis};

/// How long a session's `last_seen_at` may lag before a request writes it again: often enough
/// for the devices list and the idle time (so a session may end up to a minute before its idle
/// time has fully passed), rarely enough that requests stay reads.
pub const LAST_SEEN_GRANULARITY_MS: Millis = 60_000;

const MINUTE_MS: Millis = 60_000;
const HOUR_MS: Millis = 3_600_000;

/// The longest idle time and lifetime a policy may set: 90 days and a year.
pub const MAX_IDLE_MINUTES: u32 = 90 * 24 * 60;
pub const MAX_LIFETIME_HOURS: u32 = 365 * 24;

/// What the store knows of a session a token names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionFacts {
    /// Set when the session was ended (by whom or what, if recorded).
    pub ended: Option<SessionEnd>,
    /// Whether the member may still sign in (not disabled, invited without password, or deleted).
    pub member_active: bool,
    pub last_seen_at: Millis,
    /// The idle time its policy gave it.
    pub idle_ms: Millis,
    /// When it ends whatever happens.
    pub ends_at: Millis,
    /// An administrator asked the device to wipe itself.
    pub wipe_requested: bool,
}

/// Whether the request is admitted, and whether to note that the session was seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionCheck {
    Admitted {
        note_seen: bool,
    },
    /// The session ended, for this reason: the app signs out. `newly` when this check is the
    /// first to find it (idle, expired): the store then records the end.
    Ended {
        reason: SessionEnd,
        newly: bool,
    },
    /// The device must wipe what it keeps and report it; nothing else is allowed.
    WipeRequired,
}

/// Checks a session at `now`.
pub fn check(facts: SessionFacts, now: Millis) -> SessionCheck {
    if let Some(reason) = facts.ended {
        return SessionCheck::Ended { reason, newly: false };
    }
    if facts.wipe_requested {
        return SessionCheck::WipeRequired;
    }
    if !facts.member_active {
        return SessionCheck::Ended { reason: SessionEnd::MemberDisabled, newly: true };
    }
    if now >= facts.ends_at {
        return SessionCheck::Ended { reason: SessionEnd::Expired, newly: true };
    }
    if now - facts.last_seen_at > facts.idle_ms {
        return SessionCheck::Ended { reason: SessionEnd::Idle, newly: true };
    }
    SessionCheck::Admitted { note_seen: facts.last_seen_at < now - LAST_SEEN_GRANULARITY_MS }
}

/// Words for a 401 that says why the session ended.
pub fn ended_message(reason: SessionEnd) -> &'static str {
    match reason {
        SessionEnd::SignedOut => "this session was signed out",
        SessionEnd::Administrator => "an administrator signed this session out",
        SessionEnd::Idle => "this session ended after being unused for longer than its policy allows",
        SessionEnd::Expired => "this session reached the end of its lifetime; sign in again",
        SessionEnd::MemberDisabled => "this account is disabled",
        SessionEnd::CredentialsChanged => "the account's password or role changed; sign in again",
        SessionEnd::Wiped => "this device was wiped at an administrator's request",
    }
}

/// Whether a member whose password matched may get a new session.
pub fn may_sign_in(member_active: bool) -> bool {
    member_active
}

/// The policy a member's sessions follow: for each of their departments, the nearest policy on
/// the way up to the root (the default if none); across several departments, the strictest of
/// each setting (shared forced if any forces it, the shortest times, locking if any locks).
pub fn resolve_policy(
    departments: &[DepartmentId],
    parent_of: &HashMap<DepartmentId, Option<DepartmentId>>,
    own: &HashMap<DepartmentId, SessionPolicy>,
) -> SessionPolicy {
    let inherited = |start: &DepartmentId| {
        let mut at = Some(start.clone());
        // A cycle cannot be stored, but a walk never runs longer than the tree is large.
        for _ in 0..=parent_of.len() {
            let Some(department) = at else { break };
            if let Some(policy) = own.get(&department) {
                return *policy;
            }
            at = parent_of.get(&department).cloned().flatten();
        }
        SessionPolicy::default()
    };
    departments.iter().map(inherited).reduce(strictest).unwrap_or_default()
}

fn strictest(a: SessionPolicy, b: SessionPolicy) -> SessionPolicy {
    SessionPolicy {
        force_shared: a.force_shared || b.force_shared,
        shared: strictest_lifetimes(a.shared, b.shared),
        personal: strictest_lifetimes(a.personal, b.personal),
    }
}

fn strictest_lifetimes(a: Lifetimes, b: Lifetimes) -> Lifetimes {
    // 0 means "never lock": any lock is stricter than none.
    let lock = match (a.lock_after_minutes, b.lock_after_minutes) {
        (0, other) | (other, 0) => other,
        (x, y) => x.min(y),
    };
    Lifetimes {
        lock_after_minutes: lock,
        idle_minutes: a.idle_minutes.min(b.idle_minutes),
        lifetime_hours: a.lifetime_hours.min(b.lifetime_hours),
    }
}

/// The terms a session signed in at `now` gets: shared when asked, when the browser is an
/// enrolled kiosk, or when the policy forces it; that mode's lifetimes.
pub fn terms(policy: &SessionPolicy, asked: DeviceMode, kiosk: bool, created_at: Millis) -> SessionTerms {
    let mode = if kiosk || policy.force_shared { DeviceMode::Shared } else { asked };
    let lifetimes = lifetimes_for(policy, mode);
    SessionTerms {
        mode,
        lifetimes,
        ends_at: created_at.saturating_add(Millis::from(lifetimes.lifetime_hours) * HOUR_MS),
        offline_copy: true,
        external_sharing: true,
    }
}

/// A policy's lifetimes for one mode.
pub fn lifetimes_for(policy: &SessionPolicy, mode: DeviceMode) -> Lifetimes {
    match mode {
        DeviceMode::Shared => policy.shared,
        DeviceMode::Personal => policy.personal,
    }
}

/// The idle time of these lifetimes, in milliseconds.
pub fn idle_ms(lifetimes: &Lifetimes) -> Millis {
    Millis::from(lifetimes.idle_minutes) * MINUTE_MS
}

/// Checks a policy an administrator sets; the message names the field (`shared.idle_minutes: …`).
pub fn check_policy(policy: &SessionPolicy) -> Result<(), String> {
    for (mode, lifetimes) in [("shared", &policy.shared), ("personal", &policy.personal)] {
        let Lifetimes { lock_after_minutes, idle_minutes, lifetime_hours } = *lifetimes;
        if !(1..=MAX_IDLE_MINUTES).contains(&idle_minutes) {
            return Err(format!("{mode}.idle_minutes: between 1 and {MAX_IDLE_MINUTES} minutes (90 days)"));
        }
        if !(1..=MAX_LIFETIME_HOURS).contains(&lifetime_hours) {
            return Err(format!("{mode}.lifetime_hours: between 1 and {MAX_LIFETIME_HOURS} hours (a year)"));
        }
        if u64::from(idle_minutes) > u64::from(lifetime_hours) * 60 {
            return Err(format!(
                "{mode}.idle_minutes: at most the lifetime ({} minutes)",
                u64::from(lifetime_hours) * 60
            ));
        }
        if lock_after_minutes >= idle_minutes && lock_after_minutes != 0 {
            return Err(format!(
                "{mode}.lock_after_minutes: less than the idle time ({idle_minutes} minutes), or 0 for never"
            ));
        }
    }
    Ok(())
}

/// Checks a password a member chooses for themselves; the message names `new_password`.
pub fn check_new_password(userid: &str, password: &str) -> Result<(), String> {
    validate_new_password(password)
        .map_err(|message| format!("new_password: {}", message.strip_prefix("password: ").unwrap_or(&message)))?;
    if password.trim().eq_ignore_ascii_case(userid) {
        return Err("new_password: must not be your username".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Millis = 1_700_000_000_000;
    const DAY: Millis = 24 * HOUR_MS;

    fn facts() -> SessionFacts {
        SessionFacts {
            ended: None,
            member_active: true,
            last_seen_at: NOW,
            idle_ms: 30 * MINUTE_MS,
            ends_at: NOW + DAY,
            wipe_requested: false,
        }
    }

    #[test]
    fn a_session_admits_only_while_live_and_its_member_active() {
        assert_eq!(check(facts(), NOW), SessionCheck::Admitted { note_seen: false });
        let signed_out = SessionFacts { ended: Some(SessionEnd::Administrator), ..facts() };
        assert_eq!(check(signed_out, NOW), SessionCheck::Ended { reason: SessionEnd::Administrator, newly: false });
        let disabled = SessionFacts { member_active: false, ..facts() };
        assert_eq!(check(disabled, NOW), SessionCheck::Ended { reason: SessionEnd::MemberDisabled, newly: true });
    }

    #[test]
    fn idle_time_and_lifetime_end_a_session_at_their_edge() {
        let seen = |ago: Millis| SessionFacts { last_seen_at: NOW - ago, ..facts() };
        assert_eq!(check(seen(30 * MINUTE_MS), NOW), SessionCheck::Admitted { note_seen: true });
        assert_eq!(check(seen(30 * MINUTE_MS + 1), NOW), SessionCheck::Ended { reason: SessionEnd::Idle, newly: true });
        let ending = SessionFacts { ends_at: NOW + 1, ..facts() };
        assert_eq!(check(ending, NOW), SessionCheck::Admitted { note_seen: false });
        assert_eq!(check(ending, NOW + 1), SessionCheck::Ended { reason: SessionEnd::Expired, newly: true });
    }

    #[test]
    fn a_wipe_request_outranks_everything_but_an_earlier_end() {
        let wipe = SessionFacts { wipe_requested: true, member_active: false, ends_at: NOW, ..facts() };
        assert_eq!(check(wipe, NOW), SessionCheck::WipeRequired);
        let wiped = SessionFacts { ended: Some(SessionEnd::Wiped), ..wipe };
        assert_eq!(check(wiped, NOW), SessionCheck::Ended { reason: SessionEnd::Wiped, newly: false });
    }

    #[test]
    fn last_seen_is_noted_once_it_lags_more_than_a_minute() {
        let seen = |ago: Millis| check(SessionFacts { last_seen_at: NOW - ago, ..facts() }, NOW);
        assert_eq!(seen(59_999), SessionCheck::Admitted { note_seen: false });
        assert_eq!(seen(60_000), SessionCheck::Admitted { note_seen: false });
        assert_eq!(seen(60_001), SessionCheck::Admitted { note_seen: true });
    }

    #[test]
    fn only_active_members_sign_in() {
        assert!(may_sign_in(true));
        assert!(!may_sign_in(false));
    }

    fn dept(id: &str) -> DepartmentId {
        DepartmentId(id.into())
    }

    /// root ─ eng ─ eng-fe, root ─ sales ─ desk
    fn tree() -> HashMap<DepartmentId, Option<DepartmentId>> {
        HashMap::from([
            (dept("root"), None),
            (dept("eng"), Some(dept("root"))),
            (dept("eng-fe"), Some(dept("eng"))),
            (dept("sales"), Some(dept("root"))),
            (dept("desk"), Some(dept("sales"))),
        ])
    }

    fn shared_desk() -> SessionPolicy {
        SessionPolicy {
            force_shared: true,
            shared: Lifetimes { lock_after_minutes: 2, idle_minutes: 10, lifetime_hours: 8 },
            personal: Lifetimes { lock_after_minutes: 0, idle_minutes: 60, lifetime_hours: 24 },
        }
    }

    #[test]
    fn policies_are_inherited_from_the_nearest_department_up_the_tree() {
        let own = HashMap::from([(dept("sales"), shared_desk())]);
        assert_eq!(resolve_policy(&[dept("desk")], &tree(), &own), shared_desk());
        assert_eq!(resolve_policy(&[dept("sales")], &tree(), &own), shared_desk());
        assert_eq!(resolve_policy(&[dept("eng-fe")], &tree(), &own), SessionPolicy::default());
        assert_eq!(resolve_policy(&[], &tree(), &own), SessionPolicy::default());
        // A nearer policy wins over the root's.
        let loose = SessionPolicy { force_shared: false, ..SessionPolicy::default() };
        let own = HashMap::from([(dept("root"), shared_desk()), (dept("eng"), loose)]);
        assert_eq!(resolve_policy(&[dept("eng-fe")], &tree(), &own), loose);
        assert_eq!(resolve_policy(&[dept("desk")], &tree(), &own), shared_desk());
    }

    #[test]
    fn several_departments_give_the_strictest_of_each_setting() {
        let own = HashMap::from([(dept("desk"), shared_desk())]);
        let both = resolve_policy(&[dept("eng"), dept("desk")], &tree(), &own);
        assert!(both.force_shared);
        assert_eq!(both.shared, Lifetimes { lock_after_minutes: 2, idle_minutes: 10, lifetime_hours: 8 });
        // The default personal device never locks; the desk's doesn't either; idle and lifetime shrink.
        assert_eq!(both.personal, Lifetimes { lock_after_minutes: 0, idle_minutes: 60, lifetime_hours: 24 });
        let locking = SessionPolicy {
            personal: Lifetimes { lock_after_minutes: 15, ..Lifetimes::PERSONAL_DEFAULT },
            ..SessionPolicy::default()
        };
        let own = HashMap::from([(dept("desk"), shared_desk()), (dept("eng"), locking)]);
        assert_eq!(resolve_policy(&[dept("desk"), dept("eng")], &tree(), &own).personal.lock_after_minutes, 15);
    }

    #[test]
    fn terms_follow_the_mode_asked_unless_a_kiosk_or_the_policy_forces_shared() {
        let default = SessionPolicy::default();
        let personal = terms(&default, DeviceMode::Personal, false, NOW);
        assert_eq!(personal.mode, DeviceMode::Personal);
        assert_eq!(personal.ends_at, NOW + 90 * DAY);
        assert_eq!(idle_ms(&personal.lifetimes), 14 * DAY);
        let shared = terms(&default, DeviceMode::Shared, false, NOW);
        assert_eq!((shared.mode, shared.ends_at), (DeviceMode::Shared, NOW + 12 * HOUR_MS));
        assert_eq!(idle_ms(&shared.lifetimes), 30 * MINUTE_MS);
        assert_eq!(terms(&default, DeviceMode::Personal, true, NOW).mode, DeviceMode::Shared);
        assert_eq!(terms(&shared_desk(), DeviceMode::Personal, false, NOW).mode, DeviceMode::Shared);
    }

    #[test]
    fn policies_keep_their_numbers_in_order() {
        assert_eq!(check_policy(&SessionPolicy::default()), Ok(()));
        assert_eq!(check_policy(&shared_desk()), Ok(()));
        let with = |shared: Lifetimes| SessionPolicy { shared, ..SessionPolicy::default() };
        let cases = [
            (Lifetimes { lock_after_minutes: 0, idle_minutes: 0, lifetime_hours: 1 }, "shared.idle_minutes"),
            (Lifetimes { lock_after_minutes: 0, idle_minutes: 10, lifetime_hours: 0 }, "shared.lifetime_hours"),
            (Lifetimes { lock_after_minutes: 0, idle_minutes: 10, lifetime_hours: 9000 }, "shared.lifetime_hours"),
            (Lifetimes { lock_after_minutes: 0, idle_minutes: 61, lifetime_hours: 1 }, "shared.idle_minutes"),
            (Lifetimes { lock_after_minutes: 10, idle_minutes: 10, lifetime_hours: 1 }, "shared.lock_after_minutes"),
        ];
        for (lifetimes, field) in cases {
            let refused = check_policy(&with(lifetimes)).expect_err(field);
            assert!(refused.starts_with(field), "{refused}");
        }
        let personal = SessionPolicy {
            personal: Lifetimes { lock_after_minutes: 0, idle_minutes: MAX_IDLE_MINUTES + 1, lifetime_hours: 9000 },
            ..SessionPolicy::default()
        };
        assert!(check_policy(&personal).is_err_and(|m| m.starts_with("personal.idle_minutes")));
    }

    #[test]
    fn a_new_password_is_long_enough_and_not_the_username() {
        assert_eq!(check_new_password("zhangsan", "a good passphrase"), Ok(()));
        assert!(check_new_password("zhangsan", "short").is_err_and(|m| m.starts_with("new_password: ")));
        assert!(check_new_password("zhangsan", "ZhangSan").is_err_and(|m| m.contains("username")));
    }
}
