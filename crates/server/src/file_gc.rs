//! Files nothing refers to: an upload whose message was never sent (the member gave up, the send
//! was refused) is kept for [`UNUSED_FILE_GRACE_MS`] — long enough for a device that went offline
//! between uploading and sending — then its record goes, and its bytes with it when no other
//! file shares them. Deleting a record also frees the uploader's quota. Runs every
//! [`COLLECT_EVERY`]; the blob removal is shared with the lifetime sweep (`expiry`).

use crate::AppState;
use std::time::Duration;
use weft_protocol::Millis;

/// How long an upload no message or approval carries is kept.
pub const UNUSED_FILE_GRACE_MS: Millis = 7 * 24 * 60 * 60 * 1000;
/// How often the collection runs.
pub const COLLECT_EVERY: Duration = Duration::from_secs(10 * 60);

/// Deletes the unused files older than the grace period by the state's clock (one pass);
/// returns how many went.
pub async fn collect(state: &AppState) -> usize {
    let uploaded_before = state.clock.now() - UNUSED_FILE_GRACE_MS;
    match state.db(move |store| store.collect_unused_files(uploaded_before)).await {
        Ok(unused) => {
            remove_blobs(state, unused.orphaned_blobs).await;
            unused.files
        }
        Err(err) => {
            tracing::error!(error = ?err, "cannot collect unused files");
            0
        }
    }
}

/// Removes the bytes of blobs no file refers to any more.
pub async fn remove_blobs(state: &AppState, hashes: Vec<String>) {
    if hashes.is_empty() {
        return;
    }
    let blobs = state.blobs.clone();
    let removed = tokio::task::spawn_blocking(move || {
        for hash in &hashes {
            if let Err(err) = blobs.remove(hash) {
                tracing::warn!(error = %err, "cannot remove a file's bytes");
            }
        }
    })
    .await;
    if let Err(err) = removed {
        tracing::error!(error = %err, "removing files' bytes failed");
    }
}

/// Runs [`collect`] every [`COLLECT_EVERY`] for as long as the server runs.
pub fn spawn_collector(state: AppState) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(COLLECT_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticks.tick().await;
            // A full pass may leave more behind: go again until a pass finds less than its share.
            while collect(&state).await >= crate::store::UNUSED_FILES_PER_PASS as usize {}
        }
    });
}
