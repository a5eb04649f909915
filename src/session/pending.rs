//! Calls the server must still hear about a session this device already ended: a sign-out made
//! offline (`POST /auth/logout`) and a wipe done on an administrator's request (`POST
//! /auth/wiped`). The device wipes at once; each call is kept in local storage and retried at
//! start and whenever the network returns, until the server answers 2xx or 401 (the session is
//! gone either way). Only the token of an already wiped session is kept here.

use crate::api::{Api, ApiError};
use serde::{Deserialize, Serialize};

const PENDING_KEY: &str = "weft.pending-session-calls";

/// What the server still has to be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PendingKind {
    /// End the session (the member signed out while the server was out of reach).
    SignOut,
    /// The device wiped itself as an administrator asked.
    Wiped,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCall {
    pub token: String,
    pub kind: PendingKind,
}

/// The calls not yet acknowledged, oldest first.
pub fn pending_calls() -> Vec<PendingCall> {
    crate::platform::local_get(PENDING_KEY).and_then(|text| serde_json::from_str(&text).ok()).unwrap_or_default()
}

fn keep(calls: &[PendingCall]) {
    if calls.is_empty() {
        crate::platform::local_remove(PENDING_KEY);
    } else if let Ok(text) = serde_json::to_string(calls) {
        crate::platform::local_set(PENDING_KEY, &text);
    }
}

/// Whether a call is settled: done, or the server no longer knows the session (401).
pub fn is_settled(result: &Result<(), ApiError>) -> bool {
    match result {
        Ok(()) => true,
        Err(ApiError::Server { status, .. }) => *status == 401,
        Err(_) => false,
    }
}

async fn send(call: &PendingCall) -> Result<(), ApiError> {
    let api = Api::with_token(&call.token);
    match call.kind {
        PendingKind::SignOut => api.logout().await,
        PendingKind::Wiped => api.report_wiped().await,
    }
}

/// Keeps a call (first, so a page closed meanwhile does not lose it), tries it now, and forgets
/// it once the server settled it.
pub async fn send_or_keep(call: PendingCall) {
    let mut calls = pending_calls();
    if !calls.contains(&call) {
        calls.push(call.clone());
        keep(&calls);
    }
    if is_settled(&send(&call).await) {
        let mut left = pending_calls();
        left.retain(|kept| kept != &call);
        keep(&left);
    }
}

/// Sends every kept call once (at start and when the network returns); keeps the unsettled.
pub async fn flush() {
    let mut settled = Vec::new();
    for call in pending_calls() {
        if is_settled(&send(&call).await) {
            settled.push(call);
        }
    }
    // Calls added meanwhile (another sign-out) stay.
    let mut left = pending_calls();
    left.retain(|call| !settled.contains(call));
    keep(&left);
}

/// The storage key, which a wipe keeps (it must outlive the person's data).
pub fn storage_key() -> &'static str {
    PENDING_KEY
}
