//! Credentials and tokens: argon2id password hashes checked a few at a time (with a bounded
//! queue), opaque random session tokens (stored only as SHA-256 hashes), and signed links.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, mpsc};

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
pub const PASSWORD_THREADS: usize = 2;

/// Password checks waiting or running at most; beyond it the caller is told to come back
/// (503 with `Retry-After`) instead of queueing without bound. 32 waiting checks are about 16 s
/// of work on two threads.
pub const PASSWORD_QUEUE_LIMIT: usize = 32;

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

/// Checks queued or running now, and the most that ever ran at once (for tests and figures).
static PASSWORD_PENDING: AtomicUsize = AtomicUsize::new(0);
static PASSWORD_RUNNING: AtomicUsize = AtomicUsize::new(0);
static PASSWORD_PEAK_RUNNING: AtomicUsize = AtomicUsize::new(0);
static PASSWORD_PEAK_PENDING: AtomicUsize = AtomicUsize::new(0);

/// The most password checks that ever ran at the same time in this process.
pub fn peak_concurrent_password_checks() -> usize {
    PASSWORD_PEAK_RUNNING.load(Ordering::SeqCst)
}

/// The most password checks that were ever queued or running at the same time.
pub fn peak_pending_password_checks() -> usize {
    PASSWORD_PEAK_PENDING.load(Ordering::SeqCst)
}

/// Why a password job did not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordJobError {
    /// [`PASSWORD_QUEUE_LIMIT`] checks are already waiting or running.
    Busy,
    /// The password threads are gone.
    Failed,
}

/// Leaves the pending count when the job ends or is dropped unrun.
struct PendingSlot;

impl Drop for PendingSlot {
    fn drop(&mut self) {
        PASSWORD_PENDING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `job` (hashing or verifying a password) on one of the password threads, unless the
/// queue is full.
pub async fn on_password_thread<T: Send + 'static>(
    job: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PasswordJobError> {
    let admitted = PASSWORD_PENDING.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |pending| {
        (pending < PASSWORD_QUEUE_LIMIT).then_some(pending + 1)
    });
    let Ok(before) = admitted else { return Err(PasswordJobError::Busy) };
    PASSWORD_PEAK_PENDING.fetch_max(before + 1, Ordering::SeqCst);
    let slot = PendingSlot;
    let (done, result) = tokio::sync::oneshot::channel();
    let job: PasswordJob = Box::new(move || {
        let _slot = slot;
        let running = PASSWORD_RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        PASSWORD_PEAK_RUNNING.fetch_max(running, Ordering::SeqCst);
        let output = job();
        PASSWORD_RUNNING.fetch_sub(1, Ordering::SeqCst);
        let _ = done.send(output);
    });
    PASSWORD_JOBS.send(job).map_err(|_| PasswordJobError::Failed)?;
    result.await.map_err(|_| PasswordJobError::Failed)
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
}

/// HMAC-SHA256 of `message` under `key`, hex-encoded (RFC 2104), for signed download links.
pub fn sign(key: &[u8; 32], message: &str) -> String {
    hmac_sha256_hex(key, message.as_bytes())
}

/// HMAC-SHA256 of `message` under a key of any length, hex-encoded (RFC 2104: keys longer than
/// the 64-byte block are hashed first).
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    let hashed;
    let key = if key.len() > 64 {
        hashed = Sha256::digest(key);
        hashed.as_slice()
    } else {
        key
    };
    let mut inner_key = [0x36u8; 64];
    let mut outer_key = [0x5cu8; 64];
    for (i, byte) in key.iter().enumerate() {
        inner_key[i] ^= byte;
        outer_key[i] ^= byte;
    }
    let inner = Sha256::new().chain_update(inner_key).chain_update(message).finalize();
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

    #[test]
    fn hmac_of_any_key_length_matches_rfc_4231() {
        // Test case 2 (a short key) and test case 6 (a key longer than the block, hashed first).
        assert_eq!(
            hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hmac_sha256_hex(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }
}
