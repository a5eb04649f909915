//! `StoreHealth`: whether the device store keeps what the app saves. A store that cannot be
//! opened (a private window, storage turned off, a database from a newer app) or a write that
//! fails is logged and reported here, and the header says so in words, instead of the app quietly
//! keeping its offline copy in memory only.

use super::{IdbStore, LocalStore, StoreError};
use leptos::prelude::*;

/// What is wrong with the device store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreProblem {
    /// IndexedDB could not be opened: this visit keeps its copy in memory and forgets it on close.
    CannotOpen,
    /// A write failed (for example the storage quota is full): the copy may be incomplete.
    WriteFailed,
}

/// The device store's health, shared through context (the first problem seen stays until the
/// member signs out, so a banner does not flicker between writes).
#[derive(Debug, Clone, Copy)]
pub struct StoreHealth(RwSignal<Option<StoreProblem>>);

impl Default for StoreHealth {
    fn default() -> Self {
        Self(RwSignal::new(None))
    }
}

impl StoreHealth {
    /// A healthy status, provided to the components below.
    pub fn provide() -> Self {
        let health = Self::default();
        provide_context(health);
        health
    }

    /// The problem, if any (reactive).
    pub fn problem(self) -> Option<StoreProblem> {
        self.0.get()
    }

    /// Logs a failed write and reports it; returns whether the write succeeded.
    pub fn check(self, what: &str, result: Result<(), StoreError>) -> bool {
        match result {
            Ok(()) => true,
            Err(error) => {
                crate::platform::log_error(&format!("could not save {what} on this device: {error}"));
                if self.0.with_untracked(Option::is_none) {
                    self.0.set(Some(StoreProblem::WriteFailed));
                }
                false
            }
        }
    }

    /// Opens the member's database (encrypted wherever WebCrypto is available); when IndexedDB
    /// refuses, logs why, reports it and keeps this visit's copy in memory.
    pub async fn open_store(self, name: &str) -> LocalStore {
        self.open_store_with(name, KeyPlace::OnDevice).await
    }

    /// [`StoreHealth::open_store`] with the key kept where `key_place` says.
    pub async fn open_store_with(self, name: &str, key_place: KeyPlace) -> LocalStore {
        match LocalStore::open_with(name, key_place).await {
            Ok(store) => store,
            Err(error) => {
                crate::platform::log_error(&format!("cannot open the device store {name}: {error}"));
                self.0.set(Some(StoreProblem::CannotOpen));
                LocalStore::Memory(Box::default())
            }
        }
    }

    /// Healthy again (signed out: the next member's store is opened afresh).
    pub fn reset(self) {
        self.0.set(None);
    }
}

/// The device-store health; provided with the app's sync state.
pub fn use_store_health() -> StoreHealth {
    use_context::<StoreHealth>().unwrap_or_default()
}

/// Where the device store's key lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPlace {
    /// Kept in the database as a non-extractable key ("my device": the copy opens offline after
    /// a restart).
    OnDevice,
    /// In this tab's memory only (a shared device): without WebCrypto nothing is written to disk.
    InMemory,
}

impl LocalStore {
    /// Opens the member's database, encrypted at rest wherever WebCrypto is available (every
    /// secure context: https and localhost). The caller decides what to do when it cannot
    /// ([`StoreHealth::open_store`] reports it and falls back to memory).
    pub async fn open(name: &str) -> Result<Self, StoreError> {
        Self::open_with(name, KeyPlace::OnDevice).await
    }

    /// [`LocalStore::open`] with the key kept where `key_place` says.
    pub async fn open_with(name: &str, key_place: KeyPlace) -> Result<Self, StoreError> {
        let encrypted = super::Cipher::available();
        match key_place {
            KeyPlace::OnDevice if encrypted => IdbStore::open_encrypted(name).await.map(LocalStore::Idb),
            KeyPlace::OnDevice => IdbStore::open(name).await.map(LocalStore::Idb),
            KeyPlace::InMemory if encrypted => IdbStore::open_encrypted_in_memory(name).await.map(LocalStore::Idb),
            KeyPlace::InMemory => Ok(LocalStore::Memory(Box::default())),
        }
    }
}
