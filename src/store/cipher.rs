//! The value cipher of the offline store: AES-GCM with a 256-bit key through WebCrypto, so rows
//! written to disk are unreadable without the member's device key. The key is created on the
//! device as a non-extractable `CryptoKey`: page script can ask the browser to use it, never to
//! hand over its bytes.

use super::StoreError;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

/// Bytes of the random nonce stored in front of every sealed value.
const NONCE_LEN: usize = 12;
const ALGORITHM: &str = "AES-GCM";

/// Encrypts and decrypts stored values with one key.
#[derive(Clone)]
pub struct Cipher {
    key: CryptoKey,
}

impl Cipher {
    /// Whether this page may use WebCrypto (a secure context: https or localhost).
    pub fn available() -> bool {
        subtle().is_ok()
    }

    /// A new random key, usable for encrypt/decrypt and never exportable.
    pub async fn generate() -> Result<Self, StoreError> {
        let algorithm = object(&[("name", ALGORITHM.into()), ("length", 256.into())])?;
        let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
        let promise = subtle()?.generate_key_with_object(&algorithm, false, &usages).map_err(crypto_error)?;
        let key = JsFuture::from(promise).await.map_err(crypto_error)?;
        Ok(Self { key: key.dyn_into().map_err(crypto_error)? })
    }

    /// A cipher over a key kept earlier (for example read back from IndexedDB).
    pub fn from_key(key: CryptoKey) -> Self {
        Self { key }
    }

    /// The key, for keeping it (browsers store a `CryptoKey` without exposing its bytes).
    pub fn key(&self) -> &CryptoKey {
        &self.key
    }

    /// Encrypts `plain`: a fresh random nonce followed by the ciphertext and its tag.
    pub async fn seal(&self, plain: &[u8]) -> Result<Vec<u8>, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        web_sys::window()
            .ok_or_else(|| StoreError::Cipher("no window".into()))?
            .crypto()
            .map_err(crypto_error)?
            .get_random_values_with_u8_array(&mut nonce)
            .map_err(crypto_error)?;
        let params = gcm_params(&nonce)?;
        let promise = subtle()?.encrypt_with_object_and_u8_array(&params, &self.key, plain).map_err(crypto_error)?;
        let sealed = Uint8Array::new(&JsFuture::from(promise).await.map_err(crypto_error)?);
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.length() as usize);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed.to_vec());
        Ok(out)
    }

    /// Decrypts what [`Cipher::seal`] produced; a wrong key or altered bytes are refused.
    pub async fn open(&self, sealed: &[u8]) -> Result<Vec<u8>, StoreError> {
        if sealed.len() < NONCE_LEN {
            return Err(StoreError::Cipher("sealed value is too short".into()));
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let params = gcm_params(nonce)?;
        let promise = subtle()?.decrypt_with_object_and_u8_array(&params, &self.key, body).map_err(crypto_error)?;
        let plain = JsFuture::from(promise).await.map_err(crypto_error)?;
        Ok(Uint8Array::new(&plain).to_vec())
    }
}

fn subtle() -> Result<SubtleCrypto, StoreError> {
    let crypto =
        web_sys::window().ok_or_else(|| StoreError::Cipher("no window".into()))?.crypto().map_err(crypto_error)?;
    let subtle = crypto.subtle();
    // Outside a secure context `crypto.subtle` is undefined.
    if subtle.is_undefined() {
        return Err(StoreError::Cipher("WebCrypto is not available (insecure context)".into()));
    }
    Ok(subtle)
}

fn gcm_params(nonce: &[u8]) -> Result<Object, StoreError> {
    object(&[("name", ALGORITHM.into()), ("iv", Uint8Array::from(nonce).into())])
}

fn object(fields: &[(&str, JsValue)]) -> Result<Object, StoreError> {
    let object = Object::new();
    for (name, value) in fields {
        Reflect::set(&object, &(*name).into(), value).map_err(crypto_error)?;
    }
    Ok(object)
}

fn crypto_error(err: JsValue) -> StoreError {
    let message = err
        .dyn_ref::<web_sys::DomException>()
        .map(|e| format!("{}: {}", e.name(), e.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "WebCrypto failed".into());
    StoreError::Cipher(message)
}
