//! Live fan-out on one node. A new message is rendered once, as the very frame its audience's
//! sockets send, and handed to those members' sockets in feed order while the writer still holds
//! the database (see [`FeedListener`]); a socket that provably has everything before it sends that
//! frame as it is. Every other change wakes the sockets of the members it concerns through a
//! broadcast, and they pull their member's feed from their own cursor, as does a socket that
//! cannot prove it missed nothing; so nothing is skipped or sent twice. (Across nodes this
//! becomes a NATS subject.)

use crate::store::{CommittedMessage, FeedListener};
use axum::extract::ws::Utf8Bytes;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{broadcast, mpsc};
use weft_protocol::live::ServerFrame;
use weft_protocol::sync::{Change, ChangeEnvelope};
use weft_protocol::{MemberId, SessionId};

/// Wake-ups a socket may fall behind by before it is closed (the client then resumes).
const BACKLOG: usize = 1024;
/// New messages a socket may fall behind by before it is closed.
const INBOX: usize = 1024;

/// Something that happened, with who may hear of it.
#[derive(Debug, Clone)]
pub enum HubEvent {
    /// The change feed moved for these members: their sockets pull what is new.
    Changed { members: Arc<Vec<MemberId>> },
    /// The directory changed: every socket pulls (each sees only what its member may).
    ChangedForEveryone,
    /// A session ended: its sockets close.
    SessionEnded { session: SessionId },
    /// The policies changed what sessions may do: every socket tells its app to ask again.
    TermsChanged,
}

/// A new message's change, at `position` in the feed, rendered as the `changes` frame every
/// participant's socket sends. `previous` is the feed's last position before it, and every change
/// after `chain_start` up to `previous` was itself an announced message: a socket that has its
/// member's feed up to `chain_start` or later, and has handled every message announced to it,
/// misses nothing by sending `frame` as it is.
#[derive(Debug)]
pub struct RenderedMessage {
    pub previous: u64,
    pub position: u64,
    pub chain_start: u64,
    pub members: Vec<MemberId>,
    pub frame: Utf8Bytes,
}

/// Where one socket stands in the feed: `cursor` is the last position it delivered (what the
/// client resumes from), `head` the feed position up to which it knows it has delivered
/// everything of its member's feed (`None`: not known, pull first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedTail {
    pub cursor: u64,
    pub head: Option<u64>,
}

/// What a socket does with a rendered message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Send the rendered frame as it is.
    Send,
    /// Already delivered (by a pull), or not for this member: nothing to send.
    Skip,
    /// Something may have been missed: pull the member's feed from the cursor.
    Pull,
}

impl FeedTail {
    /// Decides how `message`, announced to `member`'s socket, reaches it; advances the tail when
    /// the frame is sent. The socket must hand this every message announced to it, in order.
    pub fn on_message(&mut self, member: MemberId, message: &RenderedMessage) -> Delivery {
        let Some(head) = self.head else { return Delivery::Pull };
        if head >= message.position || !message.members.contains(&member) {
            return Delivery::Skip;
        }
        if head < message.chain_start {
            // A change that was not announced lies after what this socket has: pull.
            return Delivery::Pull;
        }
        self.head = Some(message.position);
        self.cursor = message.position;
        Delivery::Send
    }
}

/// The announced messages' unbroken run: `start` is where it began (a change that was not
/// announced, or the feed when the hub started), `last` the position last announced.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Chain {
    start: u64,
    last: u64,
}

impl Chain {
    /// Records a message announced at `position` after `previous`; returns where its run began.
    fn advance(&mut self, previous: u64, position: u64) -> u64 {
        if previous != self.last {
            self.start = previous;
        }
        self.last = position;
        self.start
    }
}

type Inbox = mpsc::Sender<Arc<RenderedMessage>>;

#[derive(Default)]
struct Registry {
    chain: Chain,
    /// Each member's open sockets: (socket number, its inbox).
    sockets: HashMap<MemberId, Vec<(u64, Inbox)>>,
}

#[derive(Clone)]
pub struct Hub {
    sender: broadcast::Sender<HubEvent>,
    registry: Arc<Mutex<Registry>>,
    next_socket: Arc<AtomicU64>,
}

impl Default for Hub {
    fn default() -> Self {
        Self::new()
    }
}

/// A socket's place in the hub: the new messages announced to its member arrive here, in feed
/// order; dropping it unregisters the socket. `recv` gives `None` once the socket fell too far
/// behind (it should close; the client resumes from its cursor).
pub struct MessageInbox {
    receiver: mpsc::Receiver<Arc<RenderedMessage>>,
    registry: Arc<Mutex<Registry>>,
    member: MemberId,
    socket: u64,
}

impl MessageInbox {
    pub async fn recv(&mut self) -> Option<Arc<RenderedMessage>> {
        self.receiver.recv().await
    }
}

impl Drop for MessageInbox {
    fn drop(&mut self) {
        let mut registry = lock(&self.registry);
        if let Some(list) = registry.sockets.get_mut(&self.member) {
            list.retain(|(socket, _)| *socket != self.socket);
            if list.is_empty() {
                registry.sockets.remove(&self.member);
            }
        }
    }
}

fn lock(registry: &Mutex<Registry>) -> MutexGuard<'_, Registry> {
    // Every update of the registry is complete before it can panic: a poisoned lock is fine.
    registry.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Hub {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(BACKLOG);
        Self { sender, registry: Arc::default(), next_socket: Arc::new(AtomicU64::new(1)) }
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

    /// Every socket tells its app that its session's terms may have changed.
    pub fn terms_changed(&self) {
        self.publish(HubEvent::TermsChanged);
    }

    pub fn publish(&self, event: HubEvent) {
        // No subscriber means no open socket: nothing to deliver, not an error.
        let _ = self.sender.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<HubEvent> {
        self.sender.subscribe()
    }

    /// Registers a socket of `member` for new messages; register before reading the feed's
    /// position, so every message after that read reaches the inbox.
    pub fn register(&self, member: MemberId) -> MessageInbox {
        let (inbox, receiver) = mpsc::channel(INBOX);
        let socket = self.next_socket.fetch_add(1, Ordering::Relaxed);
        lock(&self.registry).sockets.entry(member).or_default().push((socket, inbox));
        MessageInbox { receiver, registry: Arc::clone(&self.registry), member, socket }
    }
}

/// Renders a new message once, as the frame every socket of its audience sends.
pub fn render_message(committed: &CommittedMessage<'_>, chain_start: u64) -> RenderedMessage {
    let frame = ServerFrame::Changes {
        changes: vec![ChangeEnvelope {
            position: committed.position,
            change: Change::Message { message: committed.message.clone() },
        }],
        cursor: committed.position,
    };
    RenderedMessage {
        previous: committed.previous,
        position: committed.position,
        chain_start,
        members: committed.recipients.to_vec(),
        frame: serde_json::to_string(&frame).unwrap_or_default().into(),
    }
}

impl FeedListener for Hub {
    fn message_committed(&self, committed: CommittedMessage<'_>) {
        let mut registry = lock(&self.registry);
        let chain_start = registry.chain.advance(committed.previous, committed.position);
        if !committed.recipients.iter().any(|member| registry.sockets.contains_key(member)) {
            return;
        }
        let rendered = Arc::new(render_message(&committed, chain_start));
        for member in committed.recipients {
            let Some(list) = registry.sockets.get_mut(member) else { continue };
            // A full inbox is a socket too far behind: dropping its sender closes it.
            list.retain(|(_, inbox)| inbox.try_send(Arc::clone(&rendered)).is_ok());
            if list.is_empty() {
                registry.sockets.remove(member);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn member() -> MemberId {
        MemberId(Uuid::new_v4())
    }

    fn message(chain_start: u64, previous: u64, position: u64, members: &[MemberId]) -> RenderedMessage {
        RenderedMessage { previous, position, chain_start, members: members.to_vec(), frame: String::new().into() }
    }

    #[test]
    fn a_socket_in_the_run_of_announced_messages_sends_them_without_a_gap() {
        let me = member();
        let mut tail = FeedTail { cursor: 7, head: Some(10) };
        assert_eq!(tail.on_message(me, &message(10, 10, 11, &[me])), Delivery::Send);
        assert_eq!(tail, FeedTail { cursor: 11, head: Some(11) });
        // 12 and 13 were messages to others, announced in the same run: nothing missed.
        assert_eq!(tail.on_message(me, &message(10, 13, 14, &[me, member()])), Delivery::Send);
        assert_eq!(tail, FeedTail { cursor: 14, head: Some(14) });
    }

    #[test]
    fn a_change_that_was_not_announced_makes_the_socket_pull() {
        let me = member();
        let mut tail = FeedTail { cursor: 5, head: Some(5) };
        // Position 6 (a read receipt, say) was not announced: the run restarts at 6.
        assert_eq!(tail.on_message(me, &message(6, 6, 7, &[me])), Delivery::Pull);
        assert_eq!(tail, FeedTail { cursor: 5, head: Some(5) }, "a pull decides the tail");
        // Unknown head (a resume in progress) pulls too.
        let mut fresh = FeedTail { cursor: 0, head: None };
        assert_eq!(fresh.on_message(me, &message(0, 0, 1, &[me])), Delivery::Pull);
    }

    #[test]
    fn a_message_already_pulled_or_not_for_the_member_is_not_sent() {
        let me = member();
        // The pull that set this tail read the feed up to 9, message 8 included.
        let mut tail = FeedTail { cursor: 8, head: Some(9) };
        assert_eq!(tail.on_message(me, &message(7, 7, 8, &[me])), Delivery::Skip);
        assert_eq!(tail.on_message(me, &message(7, 8, 9, &[me])), Delivery::Skip);
        assert_eq!(tail.on_message(me, &message(7, 9, 10, &[member()])), Delivery::Skip);
        assert_eq!(tail, FeedTail { cursor: 8, head: Some(9) });
        assert_eq!(tail.on_message(me, &message(7, 10, 11, &[me])), Delivery::Send);
    }

    #[test]
    fn the_run_restarts_at_every_change_that_was_not_announced() {
        let mut chain = Chain::default();
        assert_eq!(chain.advance(0, 1), 0, "an empty feed: the run starts at the beginning");
        assert_eq!(chain.advance(1, 2), 0);
        assert_eq!(chain.advance(4, 5), 4, "3 and 4 were not announced");
        assert_eq!(chain.advance(5, 7), 4, "a gap in positions (a rolled-back write) is no change");
    }

    #[tokio::test]
    async fn announced_messages_reach_only_their_audience_in_order_and_a_full_inbox_closes() {
        let hub = Hub::new();
        let (me, other) = (member(), member());
        let mut mine = hub.register(me);
        let mut theirs = hub.register(other);
        let sent = sample_message(me);
        for position in 1..=3 {
            hub.message_committed(CommittedMessage {
                previous: position - 1,
                position,
                message: &sent,
                recipients: &[me],
            });
        }
        for position in 1..=3 {
            let got = mine.recv().await.expect("a message");
            assert_eq!((got.position, got.chain_start), (position, 0));
        }
        assert!(theirs.receiver.try_recv().is_err(), "not in the audience");
        // Fill the other socket's inbox: the next message drops it, and it reads the end.
        for position in 4..(4 + INBOX as u64 + 1) {
            hub.message_committed(CommittedMessage {
                previous: position - 1,
                position,
                message: &sent,
                recipients: &[other],
            });
        }
        let mut received = 0;
        while theirs.recv().await.is_some() {
            received += 1;
        }
        assert_eq!(received, INBOX);
        drop(mine);
        assert!(lock(&hub.registry).sockets.is_empty(), "closed sockets are unregistered");
    }

    fn sample_message(sender: MemberId) -> weft_protocol::chat::Message {
        weft_protocol::chat::Message {
            id: weft_protocol::MessageId(Uuid::new_v4()),
            conversation_id: weft_protocol::ConversationId(Uuid::new_v4()),
            seq: 3,
            sender_id: sender,
            sender_name: "张三".into(),
            client_id: weft_protocol::ClientId(Uuid::new_v4()),
            text: "hello".into(),
            sent_at: 1,
            recalled: false,
            reply_to: None,
            mentions: Vec::new(),
            mention_all: false,
            attachment: None,
            card: None,
            expires_at: None,
        }
    }

    #[test]
    fn a_rendered_message_is_the_changes_frame_at_its_position() {
        let me = member();
        let sent = sample_message(me);
        let rendered =
            render_message(&CommittedMessage { previous: 4, position: 6, message: &sent, recipients: &[me] }, 2);
        let frame: ServerFrame = serde_json::from_str(rendered.frame.as_str()).expect("a server frame");
        let expected = ServerFrame::Changes {
            changes: vec![ChangeEnvelope { position: 6, change: Change::Message { message: sent } }],
            cursor: 6,
        };
        assert_eq!(frame, expected);
        assert_eq!((rendered.previous, rendered.position, rendered.chain_start, rendered.members), (4, 6, 2, vec![me]));
    }
}
