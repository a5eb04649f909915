//! Sign-in protection that an attacker cannot turn against a member: failures count per address
//! (too many from one address refuse that address for a while) and per account *from* an address
//! (after a few, each further try from there waits longer: 1 s, 2 s, 4 s … up to 15 minutes). An
//! account is never locked for everybody: the member signs in from their own address while an
//! attacker's address waits. Addresses come from [`crate::extract::ClientIp`], which reads
//! `X-Forwarded-For` only from configured trusted proxies.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed sign-ins remembered per address and per account at an address.
pub struct SignInGuard {
    window: Duration,
    per_address: u32,
    free_tries: u32,
    max_delay: Duration,
    failures: Mutex<HashMap<Key, Failures>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(Option<IpAddr>),
    AccountAt(String, Option<IpAddr>),
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    first: Instant,
    last: Instant,
    count: u32,
}

impl SignInGuard {
    /// Within `window`: at most `per_address` failures from one address; `free_tries` failures on
    /// one account from one address before tries from there are spaced out.
    pub fn new(window: Duration, per_address: u32, free_tries: u32) -> Self {
        Self { window, per_address, free_tries, max_delay: Duration::from_secs(15 * 60), failures: Mutex::default() }
    }

    fn account_key(userid: &str, address: Option<IpAddr>) -> Key {
        Key::AccountAt(userid.trim().to_lowercase(), address)
    }

    fn delay_after(&self, count: u32) -> Duration {
        let extra = (count + 1).saturating_sub(self.free_tries);
        if extra == 0 {
            return Duration::ZERO;
        }
        Duration::from_secs(1u64 << (extra - 1).min(20)).min(self.max_delay)
    }

    /// `Err(wait)` when sign-ins to this account from this address must wait.
    pub fn check(&self, userid: &str, address: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let window = self.window;
        failures.retain(|_, record| now.saturating_duration_since(record.last) < window);
        if let Some(record) = failures.get(&Key::Address(address))
            && record.count >= self.per_address
        {
            return Err(window.saturating_sub(now.saturating_duration_since(record.first)).max(Duration::from_secs(1)));
        }
        if let Some(record) = failures.get(&Self::account_key(userid, address)) {
            let ready = record.last + self.delay_after(record.count);
            if now < ready {
                return Err(ready - now);
            }
        }
        Ok(())
    }

    pub fn record_failure(&self, userid: &str, address: Option<IpAddr>, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for key in [Key::Address(address), Self::account_key(userid, address)] {
            let record = failures.entry(key).or_insert(Failures { first: now, last: now, count: 0 });
            record.count += 1;
            record.last = now;
        }
    }

    /// A right password from this address clears the account's failures there.
    pub fn record_success(&self, userid: &str, address: Option<IpAddr>) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.remove(&Self::account_key(userid, address));
    }
}

/// Whole seconds to put in `Retry-After` (at least one).
pub fn retry_after_seconds(wait: Duration) -> u64 {
    wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ATTACKER: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(203, 0, 113, 9)));
    const MEMBER: Option<IpAddr> = Some(IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 4)));

    fn guard() -> SignInGuard {
        SignInGuard::new(Duration::from_secs(15 * 60), 50, 5)
    }

    #[test]
    fn tries_are_spaced_out_progressively_after_the_free_ones() {
        let guard = guard();
        let start = Instant::now();
        let mut now = start;
        for _ in 0..5 {
            assert_eq!(guard.check("lisi", ATTACKER, now), Ok(()));
            guard.record_failure("lisi", ATTACKER, now);
        }
        for expected in [1, 2, 4, 8, 16] {
            assert_eq!(guard.check("LiSi", ATTACKER, now), Err(Duration::from_secs(expected)));
            now += Duration::from_secs(expected);
            assert_eq!(guard.check("lisi", ATTACKER, now), Ok(()));
            guard.record_failure("lisi", ATTACKER, now);
        }
    }

    #[test]
    fn an_attackers_failures_do_not_stop_the_member_from_their_own_address() {
        let guard = guard();
        let now = Instant::now();
        for _ in 0..40 {
            guard.record_failure("lisi", ATTACKER, now);
        }
        assert!(guard.check("lisi", ATTACKER, now).is_err());
        assert_eq!(guard.check("lisi", MEMBER, now), Ok(()));
        // Another account from the attacker's address is not spaced out (yet): only its own count is.
        assert_eq!(guard.check("wangwu", ATTACKER, now), Ok(()));
    }

    #[test]
    fn too_many_failures_from_one_address_refuse_that_address_for_the_window() {
        let guard = guard();
        let now = Instant::now();
        for n in 0..50 {
            guard.record_failure(&format!("user{n}"), ATTACKER, now);
        }
        let wait = guard.check("zhangsan", ATTACKER, now).expect_err("address refused");
        assert_eq!(wait, Duration::from_secs(15 * 60));
        assert_eq!(guard.check("zhangsan", MEMBER, now), Ok(()));
        let later = now + Duration::from_secs(15 * 60);
        assert_eq!(guard.check("zhangsan", ATTACKER, later), Ok(()));
    }

    #[test]
    fn a_right_password_clears_the_account_at_that_address_only() {
        let guard = guard();
        let now = Instant::now();
        for _ in 0..6 {
            guard.record_failure("lisi", ATTACKER, now);
            guard.record_failure("lisi", MEMBER, now);
        }
        guard.record_success("lisi", MEMBER);
        assert_eq!(guard.check("lisi", MEMBER, now), Ok(()));
        assert!(guard.check("lisi", ATTACKER, now).is_err());
    }

    #[test]
    fn retry_after_rounds_up() {
        assert_eq!(retry_after_seconds(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_seconds(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_seconds(Duration::from_millis(2001)), 3);
    }
}
