//! The change feed: every change the server accepts gets a position in the member's feed.
//! The app keeps the position of the last change it applied (its cursor) and asks for what came
//! after it, over HTTP (`GET /api/v1/changes?after=`) or the live socket. Applying a change twice
//! has no further effect, so a replay after a lost acknowledgement is harmless.

use crate::approval::ApprovalSummary;
use crate::chat::{ConversationSummary, Message};
use crate::directory::{Department, DirectoryMember};
use crate::{ConversationId, DepartmentId, MemberId};
use serde::{Deserialize, Serialize};

/// One change, as the viewing member sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Change {
    /// A new message (or its current state, if it was since recalled).
    Message { message: Message },
    /// A message was recalled: its text is gone, a marker stays.
    Recalled { conversation_id: ConversationId, seq: u64 },
    /// A message reached the end of its lifetime: delete it and its file from the device.
    Expired { conversation_id: ConversationId, seq: u64 },
    /// A conversation was created, renamed, or its members changed: its current summary.
    Conversation { summary: ConversationSummary },
    /// The member no longer takes part (removed or left): drop the conversation and its messages.
    Removed { conversation_id: ConversationId },
    /// A participant's read position moved forward.
    Read { conversation_id: ConversationId, member_id: MemberId, seq: u64 },
    /// A directory member was added or changed (or became visible to the viewer): their card.
    Member { member: DirectoryMember },
    /// The member was deleted or is no longer visible to the viewer: drop them from the device.
    MemberRemoved { member_id: MemberId },
    /// A department was created or changed (or became visible): its current state.
    Department { department: Department },
    /// The department was deleted or is no longer visible to the viewer.
    DepartmentRemoved { department_id: DepartmentId },
    /// What the viewer may see changed too much to list: download `GET /api/v1/directory` again
    /// and replace the device's copy of the directory with it; keep pulling the feed from this
    /// change's position (directory changes after it replay harmlessly over the snapshot).
    DirectoryReset,
    /// An approval request the viewer takes part in was submitted, decided, withdrawn or
    /// commented on: its current summary (`GET /api/v1/approvals/requests/{id}` has the rest).
    Approval { request: ApprovalSummary },
    /// A kind of change this build does not know (sent by a newer server): skip it.
    #[serde(other)]
    Unknown,
}

/// A change and its position in the feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeEnvelope {
    pub position: u64,
    pub change: Change,
}

/// `GET /api/v1/changes?after=<cursor>&limit=<n>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub changes: Vec<ChangeEnvelope>,
    /// The position to ask after next time (the last change's, or `after` when there is none).
    pub cursor: u64,
    pub has_more: bool,
}

/// `GET /api/v1/sync/bootstrap`: the conversation list and the cursor it is current at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bootstrap {
    pub conversations: Vec<ConversationSummary>,
    pub cursor: u64,
}

/// Largest page of changes one pull returns.
pub const MAX_PULL: u32 = 500;
