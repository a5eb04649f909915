//! Live fan-out on one node: every accepted change wakes the sockets of the members it concerns.
//! A new message is rendered once, as the very frame its audience's sockets send, and announced
//! in feed order while the writer still holds the database (see [`FeedListener`]); a socket that
//! has everything up to the change before it sends that frame as it is. Any other change, or a
//! socket that missed one, pulls its member's feed from its own cursor, so nothing is skipped or
//! sent twice. (Across nodes this becomes a NATS subject.)

use crate::store::{CommittedMessage, FeedListener};
use axum::extract::ws::Utf8Bytes;
use std::sync::Arc;
use tokio::sync::broadcast;
use weft_protocol::live::ServerFrame;
use weft_protocol::sync::{Change, ChangeEnvelope};
use weft_protocol::{MemberId, SessionId};

/// Events a socket may fall behind by before it is closed (the client then resumes).
const BACKLOG: usize = 4096;

/// Something that happened, with who may hear of it.
#[derive(Debug, Clone)]
pub enum HubEvent {
    /// The change feed moved for these members: their sockets pull what is new.
    Changed { members: Arc<Vec<MemberId>> },
    /// A new message, rendered once for its whole audience (see [`RenderedMessage`]).
    Message(Arc<RenderedMessage>),
    /// The directory changed: every socket pulls (each sees only what its member may).
    ChangedForEveryone,
    /// A session ended: its sockets close.
    SessionEnded { session: SessionId },
}

/// A new message's change, at `position` in the feed, rendered as the `changes` frame every
/// participant's socket sends. `previous` is the feed's last position before it: a socket that
/// has seen everything up to `previous` may send `frame` directly.
#[derive(Debug)]
pub struct RenderedMessage {
    pub previous: u64,
    pub position: u64,
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
    /// Not for this member, and nothing was missed: nothing to send.
    Skip,
    /// Something may have been missed: pull the member's feed from the cursor.
    Pull,
}

impl FeedTail {
    /// Decides how `message` reaches `member`, advancing the tail when it is sent or skipped.
    pub fn on_message(&mut self, member: MemberId, message: &RenderedMessage) -> Delivery {
        let concerned = message.members.contains(&member);
        if self.head == Some(message.previous) {
            self.head = Some(message.position);
            if concerned {
                self.cursor = message.position;
                return Delivery::Send;
            }
            return Delivery::Skip;
        }
        let already_pulled = self.head.is_some_and(|head| head >= message.position);
        if concerned && !already_pulled { Delivery::Pull } else { Delivery::Skip }
    }
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
        let (sender, _) = broadcast::channel(BACKLOG);
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

/// Renders a new message once, as the frame every socket of its audience sends.
pub fn render_message(committed: &CommittedMessage<'_>) -> RenderedMessage {
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
        members: committed.recipients.to_vec(),
        frame: serde_json::to_string(&frame).unwrap_or_default().into(),
    }
}

impl FeedListener for Hub {
    fn message_committed(&self, committed: CommittedMessage<'_>) {
        if self.sender.receiver_count() > 0 {
            self.publish(HubEvent::Message(Arc::new(render_message(&committed))));
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

    fn message(previous: u64, position: u64, members: &[MemberId]) -> RenderedMessage {
        RenderedMessage { previous, position, members: members.to_vec(), frame: String::new().into() }
    }

    #[test]
    fn a_level_socket_sends_its_messages_and_steps_over_others_without_a_gap() {
        let (me, other) = (member(), member());
        let mut tail = FeedTail { cursor: 7, head: Some(10) };
        assert_eq!(tail.on_message(me, &message(10, 11, &[me, other])), Delivery::Send);
        assert_eq!(tail, FeedTail { cursor: 11, head: Some(11) });
        // Someone else's conversation: nothing to send, but the socket stays level.
        assert_eq!(tail.on_message(me, &message(11, 12, &[other])), Delivery::Skip);
        assert_eq!(tail, FeedTail { cursor: 11, head: Some(12) });
        assert_eq!(tail.on_message(me, &message(12, 14, &[me])), Delivery::Send);
        assert_eq!(tail, FeedTail { cursor: 14, head: Some(14) });
    }

    #[test]
    fn a_change_the_socket_was_not_told_of_makes_it_pull() {
        let me = member();
        let mut tail = FeedTail { cursor: 5, head: Some(5) };
        // Position 6 (a read receipt, say) came through a plain wake-up this socket ignored.
        assert_eq!(tail.on_message(me, &message(6, 7, &[me])), Delivery::Pull);
        assert_eq!(tail, FeedTail { cursor: 5, head: Some(5) }, "a pull decides the tail");
        // Not concerned: nothing to pull, and the tail stays behind until the next pull.
        assert_eq!(tail.on_message(me, &message(7, 8, &[member()])), Delivery::Skip);
        assert_eq!(tail.head, Some(5));
        // Unknown head (a resume in progress) pulls too.
        let mut fresh = FeedTail { cursor: 0, head: None };
        assert_eq!(fresh.on_message(me, &message(0, 1, &[me])), Delivery::Pull);
    }

    #[test]
    fn a_message_already_pulled_is_not_sent_twice() {
        let me = member();
        // The pull that set this tail read the feed up to 9, message 8 included.
        let mut tail = FeedTail { cursor: 8, head: Some(9) };
        assert_eq!(tail.on_message(me, &message(7, 8, &[me])), Delivery::Skip);
        assert_eq!(tail.on_message(me, &message(8, 9, &[me])), Delivery::Skip);
        assert_eq!(tail, FeedTail { cursor: 8, head: Some(9) });
        assert_eq!(tail.on_message(me, &message(9, 10, &[me])), Delivery::Send);
    }

    #[test]
    fn a_rendered_message_is_the_changes_frame_at_its_position() {
        let me = member();
        let sent = weft_protocol::chat::Message {
            id: weft_protocol::MessageId(Uuid::new_v4()),
            conversation_id: weft_protocol::ConversationId(Uuid::new_v4()),
            seq: 3,
            sender_id: me,
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
        };
        let rendered =
            render_message(&CommittedMessage { previous: 4, position: 6, message: &sent, recipients: &[me] });
        let frame: ServerFrame = serde_json::from_str(rendered.frame.as_str()).expect("a server frame");
        let expected = ServerFrame::Changes {
            changes: vec![ChangeEnvelope { position: 6, change: Change::Message { message: sent } }],
            cursor: 6,
        };
        assert_eq!(frame, expected);
        assert_eq!((rendered.previous, rendered.position, rendered.members), (4, 6, vec![me]));
    }
}
