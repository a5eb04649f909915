//! The quick-unlock PIN of a shared-device session: 4–8 digits the member may set after
//! unlocking with their password, so the idle lock opens without the server. The PIN itself is
//! never kept nor sent: only a salted PBKDF2-SHA-256 verifier, in this tab's memory and for this
//! session only (a reload, a sign-out or another person's session has none). After
//! [`MAX_WRONG`] wrong PINs in a row the verifier is dropped and only the password unlocks.

use js_sys::{Array, Object, Reflect, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use weft_protocol::SessionId;

pub const MIN_DIGITS: usize = 4;
pub const MAX_DIGITS: usize = 8;
/// Wrong PINs in a row after which the PIN is dropped.
pub const MAX_WRONG: u32 = 5;
/// PBKDF2 iterations (WebCrypto, SHA-256): slows guessing a copy of the verifier from memory.
pub const ITERATIONS: u32 = 210_000;
const SALT_LEN: usize = 16;
const BITS: u32 = 256;

/// What is wrong with a typed PIN (said next to the field).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinProblem {
    Empty,
    NotDigits,
    TooShort,
    TooLong,
    /// The confirmation differs.
    Mismatch,
    /// WebCrypto is unavailable or failed (an insecure context).
    Unavailable,
}

/// Checks the shape of a PIN: digits only, [`MIN_DIGITS`]–[`MAX_DIGITS`] of them.
pub fn pin_problem(pin: &str) -> Option<PinProblem> {
    if pin.is_empty() {
        Some(PinProblem::Empty)
    } else if !pin.chars().all(|c| c.is_ascii_digit()) {
        Some(PinProblem::NotDigits)
    } else if pin.len() < MIN_DIGITS {
        Some(PinProblem::TooShort)
    } else if pin.len() > MAX_DIGITS {
        Some(PinProblem::TooLong)
    } else {
        None
    }
}

/// Checks a new PIN and its confirmation: the problem of the PIN first, then a mismatch.
pub fn new_pin_problem(pin: &str, confirm: &str) -> Option<PinProblem> {
    pin_problem(pin).or((pin != confirm).then_some(PinProblem::Mismatch))
}

/// A salted PBKDF2 hash of a PIN: enough to check one, not to recover it cheaply.
#[derive(Clone, PartialEq, Eq)]
pub struct PinVerifier {
    salt: [u8; SALT_LEN],
    hash: Vec<u8>,
}

impl std::fmt::Debug for PinVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PinVerifier(..)")
    }
}

impl PinVerifier {
    /// A verifier for `pin` with a fresh random salt; a badly shaped PIN is refused.
    pub async fn create(pin: &str) -> Result<Self, PinProblem> {
        if let Some(problem) = pin_problem(pin) {
            return Err(problem);
        }
        let mut salt = [0u8; SALT_LEN];
        crypto()?.get_random_values_with_u8_array(&mut salt).map_err(|_| PinProblem::Unavailable)?;
        let hash = derive(pin, &salt).await?;
        Ok(Self { salt, hash })
    }

    /// Whether `pin` is the PIN this verifier was made from.
    pub async fn matches(&self, pin: &str) -> Result<bool, PinProblem> {
        if let Some(problem) = pin_problem(pin) {
            return Err(problem);
        }
        let hash = derive(pin, &self.salt).await?;
        // Compared without an early exit.
        Ok(hash.len() == self.hash.len() && hash.iter().zip(&self.hash).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0)
    }
}

fn crypto() -> Result<web_sys::Crypto, PinProblem> {
    web_sys::window().and_then(|w| w.crypto().ok()).ok_or(PinProblem::Unavailable)
}

async fn derive(pin: &str, salt: &[u8]) -> Result<Vec<u8>, PinProblem> {
    let fail = |_| PinProblem::Unavailable;
    let subtle = crypto()?.subtle();
    if subtle.is_undefined() {
        return Err(PinProblem::Unavailable);
    }
    let secret = Uint8Array::from(pin.as_bytes());
    let usages = Array::of1(&"deriveBits".into());
    let algorithm = object(&[("name", "PBKDF2".into())])?;
    let key = subtle.import_key_with_object("raw", &secret, &algorithm, false, &usages).map_err(fail)?;
    let key: web_sys::CryptoKey = JsFuture::from(key).await.map_err(fail)?.dyn_into().map_err(fail)?;
    let params = object(&[
        ("name", "PBKDF2".into()),
        ("hash", "SHA-256".into()),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", ITERATIONS.into()),
    ])?;
    let bits =
        JsFuture::from(subtle.derive_bits_with_object(&params, &key, BITS).map_err(fail)?).await.map_err(fail)?;
    Ok(Uint8Array::new(&bits).to_vec())
}

fn object(fields: &[(&str, JsValue)]) -> Result<Object, PinProblem> {
    let object = Object::new();
    for (name, value) in fields {
        Reflect::set(&object, &(*name).into(), value).map_err(|_| PinProblem::Unavailable)?;
    }
    Ok(object)
}

/// The outcome of unlocking with a PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinOutcome {
    /// Right: unlock (the count of wrong tries starts again).
    Unlocked,
    /// Wrong; `left` more tries before the PIN is dropped.
    Wrong { left: u32 },
    /// Wrong for the last time: the PIN is gone, only the password unlocks now.
    Dropped,
    /// Not a PIN at all (not counted).
    Refused(PinProblem),
    /// This session has no PIN (never set, or dropped).
    NoPin,
}

/// The PIN of the session in this tab, with its count of wrong tries.
struct Held {
    session: SessionId,
    verifier: PinVerifier,
    wrong: u32,
}

thread_local! {
    static HELD: RefCell<Option<Held>> = const { RefCell::new(None) };
}

/// Sets (or replaces) the PIN of `session` after checking it and its confirmation.
pub async fn set_pin(session: SessionId, pin: &str, confirm: &str) -> Result<(), PinProblem> {
    if let Some(problem) = new_pin_problem(pin, confirm) {
        return Err(problem);
    }
    let verifier = PinVerifier::create(pin).await?;
    HELD.with_borrow_mut(|held| *held = Some(Held { session, verifier, wrong: 0 }));
    Ok(())
}

/// Whether `session` has a PIN in this tab.
pub fn has_pin(session: SessionId) -> bool {
    HELD.with_borrow(|held| held.as_ref().is_some_and(|h| h.session == session))
}

/// Drops the PIN (the member removed it, or their session ended).
pub fn forget_pin() {
    HELD.with_borrow_mut(|held| *held = None);
}

/// Tries `pin` against the session's PIN, counting wrong ones.
pub async fn try_pin(session: SessionId, pin: &str) -> PinOutcome {
    let Some(verifier) =
        HELD.with_borrow(|held| held.as_ref().filter(|h| h.session == session).map(|h| h.verifier.clone()))
    else {
        return PinOutcome::NoPin;
    };
    let right = match verifier.matches(pin).await {
        Ok(right) => right,
        Err(problem) => return PinOutcome::Refused(problem),
    };
    HELD.with_borrow_mut(|held| {
        // Dropped or replaced meanwhile: this try no longer counts.
        let Some(h) = held.as_mut().filter(|h| h.session == session && h.verifier == verifier) else {
            return PinOutcome::NoPin;
        };
        if right {
            h.wrong = 0;
            return PinOutcome::Unlocked;
        }
        h.wrong += 1;
        if h.wrong >= MAX_WRONG {
            *held = None;
            PinOutcome::Dropped
        } else {
            PinOutcome::Wrong { left: MAX_WRONG - h.wrong }
        }
    })
}
