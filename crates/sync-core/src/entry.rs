//! One queued write as the device keeps it: what to do on the server, its client id (the key the
//! server de-duplicates on), its place in the delivery order, and how its delivery went so far.

use serde::{Deserialize, Serialize};
use weft_protocol::approval::{Decision, FormValues};
use weft_protocol::chat::{Attachment, SendMessageRequest};
use weft_protocol::{ApprovalId, ClientId, ConversationId, MemberId, TemplateId};

/// What the composer hands over when the member sends a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub text: String,
    pub mentions: Vec<MemberId>,
    pub mention_all: bool,
}

impl Outgoing {
    /// The outbox action that sends it (as an answer to `reply_to`, if given).
    pub fn into_action(self, reply_to: Option<u64>) -> OutboxAction {
        let Outgoing { text, mentions, mention_all } = self;
        OutboxAction::Send { text, reply_to, mentions, mention_all, file: None }
    }
}

/// What to do on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OutboxAction {
    Send {
        text: String,
        #[serde(default)]
        reply_to: Option<u64>,
        #[serde(default)]
        mentions: Vec<MemberId>,
        #[serde(default)]
        mention_all: bool,
        /// A file to upload first; its bytes wait in the device store under the entry's client id.
        #[serde(default)]
        file: Option<PendingFile>,
    },
    Recall {
        seq: u64,
    },
    Read {
        seq: u64,
    },
    /// The member's own mute/pin settings for the conversation.
    Prefs {
        muted: bool,
        pinned: bool,
    },
    /// A new approval request, filled in with this template version.
    SubmitApproval {
        template_id: TemplateId,
        template_version: u32,
        /// Shown while it waits (the template may be gone from the device by then).
        template_name: String,
        form: FormValues,
    },
    /// Approve or reject the step `step` (from 0) the member saw when deciding; the server
    /// refuses if the request has moved on, and the app explains why.
    DecideApproval {
        request_id: ApprovalId,
        step: Option<u32>,
        decision: Decision,
        #[serde(default)]
        comment: String,
    },
    WithdrawApproval {
        request_id: ApprovalId,
    },
    CommentApproval {
        request_id: ApprovalId,
        text: String,
    },
}

impl OutboxAction {
    /// The approval request an action is about (none for chat actions and new requests).
    pub fn approval(&self) -> Option<ApprovalId> {
        match self {
            Self::DecideApproval { request_id, .. }
            | Self::WithdrawApproval { request_id }
            | Self::CommentApproval { request_id, .. } => Some(*request_id),
            _ => None,
        }
    }
}

/// A file waiting to go with a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingFile {
    pub file_name: String,
    pub size: u64,
    /// Set once the upload succeeded (so a retry sends the message without uploading again).
    #[serde(default)]
    pub uploaded: Option<Attachment>,
}

/// One queued write. `client_id` is its key in the device store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub client_id: String,
    /// Delivery order: milliseconds at creation × 1000 + a counter.
    pub order: f64,
    /// The conversation a chat action is for; `None` for approval actions.
    pub conversation_id: Option<ConversationId>,
    pub action: OutboxAction,
    pub attempts: u32,
    /// Why the server refused it (shown with "Retry" and "Delete"); `None` while it will be retried.
    pub failed: Option<String>,
}

impl OutboxEntry {
    pub fn new(conversation_id: Option<ConversationId>, client_id: ClientId, action: OutboxAction, order: f64) -> Self {
        Self { client_id: client_id.to_string(), order, conversation_id, action, attempts: 0, failed: None }
    }

    pub fn client_id(&self) -> ClientId {
        ClientId(self.client_id.parse().unwrap_or_default())
    }

    /// The send request, for `Send` entries.
    pub fn send_request(&self) -> Option<SendMessageRequest> {
        match &self.action {
            OutboxAction::Send { text, reply_to, mentions, mention_all, file } => Some(SendMessageRequest {
                client_id: self.client_id(),
                text: text.clone(),
                reply_to: *reply_to,
                mentions: mentions.clone(),
                mention_all: *mention_all,
                attachment_id: file.as_ref().and_then(|f| f.uploaded.as_ref()).map(|a| a.id),
            }),
            _ => None,
        }
    }
}
