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
    crate::file_gc::remove_blobs(state, expired.orphaned_blobs).await;
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
