//! The outbox's I/O: every write the member makes is queued in [`Outbox`] (the delivery rules,
//! from `weft-sync-core`), stored on the device first with a client id, and delivered over HTTP
//! when the server can be reached. The server de-duplicates on the client id, so a retry after a
//! lost answer never applies twice. This module only stores, schedules and hands each entry to
//! its feature to be sent (`features::chat::outbox`, `features::approvals::sync`); which entry
//! goes next and what an outcome does to the queue is decided by [`Outbox`].

pub use weft_sync_core::{Outbox, backoff_ms, next_deliverable};
pub use weft_sync_core::{OutboxAction, OutboxEntry, Outgoing, PendingFile};

use crate::api::ApiError;
use crate::store::Store;
use crate::sync::{Connection, Features, SessionOver};
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::ErrorCode;

/// How a delivery attempt ended.
pub enum Delivery {
    Done,
    /// Could not reach the server (or it was busy): keep the entry, try again later.
    Retry,
    /// The server refused: keep the entry with this reason until the member retries or deletes it.
    Refused(String),
    SessionEnded(SessionOver),
}

/// What a failed attempt means for the entry.
fn classify(error: &ApiError) -> Delivery {
    match error {
        ApiError::Network => Delivery::Retry,
        ApiError::Server { status: 401, body } if body.code == ErrorCode::Unauthenticated => {
            Delivery::SessionEnded(SessionOver::Ended)
        }
        ApiError::Server { status: 401, body } if body.code == ErrorCode::WipeRequired => {
            Delivery::SessionEnded(SessionOver::WipeRequired)
        }
        ApiError::Server { status, .. } if *status == 429 || *status >= 500 => Delivery::Retry,
        ApiError::Server { body, .. } if body.code == ErrorCode::Internal => Delivery::Retry,
        ApiError::Server { body, .. } => Delivery::Refused(body.message.clone()),
        ApiError::Decode(message) => Delivery::Refused(message.clone()),
    }
}

/// The outbox's clock: milliseconds since the epoch.
pub(crate) fn now() -> u64 {
    u64::try_from(crate::platform::now_millis()).unwrap_or(0)
}

/// The outbox's side of the sync, for every [`Features`]: implemented once for all of them.
#[allow(async_fn_in_trait, reason = "used only on the browser's single thread, never as dyn")]
pub trait DeliverOutbox: Features {
    /// Queues a write: kept in the outbox, stored on the device, then delivered in order.
    fn enqueue(self, entry: OutboxEntry) {
        self.sync().outbox.update(|o| o.push(entry.clone()));
        spawn_local(async move {
            // Stored before the first attempt: a reload or crash from here on loses nothing.
            self.save_entry(&entry).await;
            self.flush().await;
        });
    }

    /// Sends a refused entry again (same client id, so never twice).
    fn retry(self, client_id: String) {
        if let Some(Some(entry)) = self.sync().outbox.try_update(|o| o.retry(&client_id).cloned()) {
            spawn_local(async move {
                self.save_entry(&entry).await;
                self.flush().await;
            });
        }
    }

    /// Deletes a queued entry the member gave up on.
    fn discard(self, client_id: String) {
        self.sync().outbox.update(|o| {
            o.delete(&client_id);
        });
        spawn_local(async move { self.forget_stored_entries(&[client_id]).await });
    }

    /// The entries are gone from the outbox: delete them and their files from the device.
    async fn forget_stored_entries(self, client_ids: &[String]) {
        let Some(store) = self.sync().local() else { return };
        for client_id in client_ids {
            self.sync().check_write("outbox entry", store.delete_outbox(client_id).await);
            self.sync().check_write("queued file", store.delete_upload(client_id).await);
        }
    }

    async fn save_entry(self, entry: &OutboxEntry) {
        if let Some(store) = self.sync().local() {
            self.sync().check_write("outbox entry", store.put_outbox(entry).await);
        }
    }

    /// The server may be reachable again: stop waiting out the backoff and deliver.
    fn wake_outbox(self) {
        self.sync().outbox.update_untracked(Outbox::wake);
        spawn_local(self.flush());
    }

    /// Delivers the outbox in order until it is empty, the server is out of reach (then a timer
    /// tries again after the backoff), or the session ended. Only one delivery runs at a time.
    async fn flush(self) {
        if self.sync().local().is_none() {
            return;
        }
        while let Some(Some(entry)) = self.sync().outbox.try_update_untracked(|o| o.next(now()).cloned()) {
            let client_id = entry.client_id.clone();
            match self.attempt(&entry).await {
                Delivery::Done => {
                    if self.sync().outbox.try_update(|o| o.settle(&client_id)).is_none() {
                        return; // signed out meanwhile
                    }
                    self.forget_stored_entries(&[client_id]).await;
                }
                Delivery::Retry => {
                    if let Some(Some(waiting)) = self.sync().outbox.try_update(|o| o.fail(&client_id, now()).cloned()) {
                        self.save_entry(&waiting).await;
                    }
                }
                Delivery::Refused(reason) => {
                    if let Some(Some(refused)) =
                        self.sync().outbox.try_update(|o| o.refuse(&client_id, reason).cloned())
                    {
                        self.save_entry(&refused).await;
                    }
                }
                Delivery::SessionEnded(over) => {
                    self.session_ended(over);
                    return;
                }
            }
        }
        if let Some(Some(at)) = self.sync().outbox.try_with_untracked(Outbox::retry_at) {
            self.schedule_retry(at.saturating_sub(now()));
        }
    }

    fn schedule_retry(self, delay_ms: u64) {
        let delay = u32::try_from(delay_ms).unwrap_or(u32::MAX);
        let timer = gloo_timers::callback::Timeout::new(delay, move || spawn_local(self.flush()));
        self.sync().retry_timer.set_value(Some(timer));
    }

    /// One attempt at delivering an entry, classified.
    async fn attempt(self, entry: &OutboxEntry) -> Delivery {
        let Some(api) = self.sync().api() else {
            return Delivery::SessionEnded(SessionOver::Ended);
        };
        let result = self.deliver(&api, entry).await;
        match result {
            Ok(()) => Delivery::Done,
            Err(error) => {
                if error == ApiError::Network {
                    self.sync().connection.set(Connection::Offline);
                }
                classify(&error)
            }
        }
    }
}

impl<F: Features> DeliverOutbox for F {}
