//! The audit log's retention: when the workspace's policy keeps entries for a number of days,
//! those older are removed every [`PURGE_EVERY`], [`ENTRIES_PER_PASS`] at a time, each pass on the
//! record as an entry of its own ("Audit entries removed"). With the policy at 0 nothing goes.

use crate::AppState;
use crate::domain::policies::audit_purge_line;
use std::time::Duration;

/// How often the removal runs.
pub const PURGE_EVERY: Duration = Duration::from_secs(60 * 60);
/// Most entries one pass removes (one transaction).
pub const ENTRIES_PER_PASS: usize = 5_000;

/// Removes the entries past the retention by the state's clock (one pass); returns how many went.
pub async fn purge(state: &AppState) -> usize {
    let policies = state.policies.current();
    let now = state.clock.now();
    let Some(before) = audit_purge_line(&policies, now) else { return 0 };
    let days = policies.audit_retention_days;
    match state.db(move |store| store.remove_audit_before(before, days, now, ENTRIES_PER_PASS)).await {
        Ok(removed) => removed,
        Err(err) => {
            tracing::error!(error = ?err, "cannot remove audit entries past the retention");
            0
        }
    }
}

/// Passes of [`purge`] until one removes less than its share (a full pass may leave more behind).
pub async fn purge_all(state: &AppState) {
    while purge(state).await >= ENTRIES_PER_PASS {}
}

/// Runs [`purge_all`] every [`PURGE_EVERY`] for as long as the server runs.
pub fn spawn_purger(state: AppState) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(PURGE_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            ticks.tick().await;
            purge_all(&state).await;
        }
    });
}
