//! Live fan-out on one node: every accepted change wakes the sockets of the members it concerns,
//! and each socket pulls its member's feed from its own cursor, so nothing is skipped or sent
//! twice. (Across nodes this becomes a NATS subject.)

use std::sync::Arc;
use tokio::sync::broadcast;
use weft_protocol::{MemberId, SessionId};

/// Something that happened, with who may hear of it.
#[derive(Debug, Clone)]
pub enum HubEvent {
    /// The change feed moved for these members: their sockets pull what is new.
    Changed { members: Arc<Vec<MemberId>> },
    /// The directory changed: every socket pulls (each sees only what its member may).
    ChangedForEveryone,
    /// A session ended: its sockets close.
    SessionEnded { session: SessionId },
}

#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<HubEvent>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

impl Hub {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(1024);
        Self { sender }
    }

    /// Wakes the sockets of `members` (nothing to do for an empty list).
    pub fn changed(&self, members: Vec<MemberId>) {
        if !members.is_empty() {
            self.publish(HubEvent::Changed { members: Arc::new(members) });
        }
    }

    /// Wakes every socket (after a directory change).
    pub fn changed_for_everyone(&self) {
        self.publish(HubEvent::ChangedForEveryone);
    }

    pub fn publish(&self, event: HubEvent) {
        // No subscriber means no open socket: nothing to deliver, not an error.
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<HubEvent> {
        self.sender.subscribe()
    }
}
