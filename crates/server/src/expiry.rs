//! Message lifetimes at work: once a second, messages whose lifetime ended are deleted with their
//! files (`ConfidentialStore::expire_due`), the bytes no file needs any more are removed, and
//! the participants' devices are woken to delete their copies (offline ones at their next sync).

use crate::AppState;
use std::time::Duration;

/// How often the sweep runs: the longest an expired message outlives its time on the server.
pub const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// Deletes what expired by the state's clock; returns how many members were told.
pub async fn sweep(state: &AppState) -> usize {
    let now = state.clock.now();
    let expired = match state.db(move |store| store.expire_due(now)).await {
        Ok(expired) => expired,
        Err(err) => {
            tracing::error!(error = ?err, "cannot delete expired messages");
            return 0;
        }
    };
    if !expired.orphaned_blobs.is_empty() {
        let blobs = state.blobs.clone();
        let removed = tokio::task::spawn_blocking(move || {
            for hash in &expired.orphaned_blobs {
                if let Err(err) = blobs.remove(hash) {
                    tracing::warn!(error = %err, "cannot remove an expired file's bytes");
                }
            }
        })
        .await;
        if let Err(err) = removed {
            tracing::error!(error = %err, "removing expired files failed");
        }
    }
    let told = expired.recipients.len();
    state.hub.changed(expired.recipients);
    told
}

/// Runs [`sweep`] every [`SWEEP_EVERY`] for as long as the server runs.
pub fn spawn_sweeper(state: AppState) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(SWEEP_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticks.tick().await;
            sweep(&state).await;
        }
    });
}
