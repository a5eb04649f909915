//! Live fan-out on one node: every accepted change is published once and each open socket
//! forwards what concerns its member. (Across nodes this becomes a NATS subject.)

use std::sync::Arc;
use tokio::sync::broadcast;
use weft_protocol::live::ServerFrame;
use weft_protocol::{MemberId, SessionId};

/// Something that happened, with who may hear of it.
#[derive(Debug, Clone)]
pub enum HubEvent {
    /// A frame for the listed members' sockets.
    ToMembers {
        members: Arc<Vec<MemberId>>,
        frame: Arc<ServerFrame>,
    },
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

    pub fn publish(&self, event: HubEvent) {
        // No subscriber means no open socket: nothing to deliver, not an error.
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<HubEvent> {
        self.sender.subscribe()
    }
}
