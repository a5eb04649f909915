//! The server's persistent state behind traits, so SQLite (embedded default) and, later,
//! PostgreSQL share one conformance suite. Methods are synchronous: handlers call them through
//! [`crate::AppState::db`], which runs them on the blocking pool.
//!
//! `StoreError` is the one error type of this layer: the domain's typed refusals (`Refused`) and
//! field problems (`Problems`), older refusals that still carry a message (`NotFound`,
//! `Forbidden`, `Invalid`, `Conflict`), and internal failures.

mod archive_traits;
mod attachment_traits;
mod bot_traits;
mod confidential_traits;
mod integration_traits;
mod migrations;
mod policy_traits;
mod push_traits;
mod repository;
mod session_traits;
pub mod sql;
mod webhook_traits;

pub use archive_traits::{ArchiveStore, StoredArchiveMessage};
pub use attachment_traits::{AttachmentStore, StoredAttachment, StoredThumbnail, UNUSED_FILES_PER_PASS, UnusedFiles};
pub use bot_traits::{AppChat, BotStore, NewAppChat, RobotByKey};
pub use confidential_traits::{ConfidentialStore, DeterrentOutcome, Expired};
pub use integration_traits::{ApprovalNumberQuery, IntegrationStore, TokenLookup, WecomDepartment, WecomMember};
pub use policy_traits::PolicyStore;
pub use push_traits::{PushStore, PushTarget, StoredPushSubscription};
pub use repository::SqlStore;
pub use session_traits::{
    AuditFilter, AuditRecord, AuditStore, MAX_AUDIT_PAGE, NewSession, SessionAdmin, SessionStore, TokenStatus,
};
pub use sql::PostgresTarget;
pub use webhook_traits::{AttemptOutcome, DueDelivery, WebhookStore};

use crate::domain::admin_scope::{DirectoryActor, Reach};
use std::sync::Arc;
use weft_protocol::DepartmentId;
use weft_protocol::approval::{
    ApprovalBox, ApprovalDetail, ApprovalSummary, CommentRequest, DecisionRequest, ListCursor, RequestStatus,
    SubmitApprovalRequest, Template, TemplateSpec,
};
use weft_protocol::auth::{MemberProfile, Role};
use weft_protocol::chat::{ConversationDetail, ConversationKind, ConversationSummary, Message, MessagePage, SearchHit};
use weft_protocol::directory::{
    CsvRowError, Department, DirectoryMember, DirectorySnapshot, HideMemberRequest, ImportSummary,
    MemberStatus as DirectoryStatus, UpdateDepartmentRequest, VisibilityRules,
};
use weft_protocol::sync::PullResponse;
use weft_protocol::{
    ApprovalId, ApprovalRefusal, AttachmentId, ClientId, ConversationId, ConversationRefusal, DirectoryRefusal,
    FieldProblem, MemberId, Millis, Refusal, SessionId, TemplateId,
};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sql::Error),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    /// A unique field (`userid`, `mobile`, `email`) is already someone else's; names the field.
    #[error("{0}: already used by another member")]
    Duplicate(&'static str),
    /// The thing does not exist, or the caller may not know it does.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The caller may see it but not do this.
    #[error("{0}")]
    Forbidden(String),
    /// A field is wrong; the message starts with the field's name.
    #[error("{0}")]
    Invalid(String),
    /// The request conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// A domain rule refused the action (see `crate::domain`); the HTTP layer picks the status.
    #[error("{0}")]
    Refused(Refusal),
    /// Fields break these rules.
    #[error("{}", weft_protocol::refusal::problems_message(.0))]
    Problems(Vec<FieldProblem>),
    /// An approval form's values break these rules (sent as `form.*` problems, with the message
    /// older apps read: `"amount: required; qty (row 2): at least 1"`).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    FormInvalid(Vec<weft_protocol::approval::FieldError>),
}

impl From<ApprovalRefusal> for StoreError {
    fn from(refusal: ApprovalRefusal) -> Self {
        Self::Refused(refusal.into())
    }
}

impl From<ConversationRefusal> for StoreError {
    fn from(refusal: ConversationRefusal) -> Self {
        Self::Refused(refusal.into())
    }
}

impl From<DirectoryRefusal> for StoreError {
    fn from(refusal: DirectoryRefusal) -> Self {
        Self::Refused(refusal.into())
    }
}

impl From<FieldProblem> for StoreError {
    fn from(problem: FieldProblem) -> Self {
        Self::Problems(vec![problem])
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A member's account status; only `Active` members may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberStatus {
    Active,
    Disabled,
}

/// What sign-in needs to know about an account.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub member_id: MemberId,
    pub password_hash: String,
    pub status: MemberStatus,
}

/// A member's directory fields, validated and normalised (see `crate::directory::member_input`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInput {
    pub name: String,
    pub alias: String,
    pub position: String,
    pub mobile: String,
    pub email: String,
    /// At least one, without repeats; `main_department` is among them.
    pub departments: Vec<DepartmentId>,
    pub main_department: DepartmentId,
    /// A subset of `departments`.
    pub leader_of: Vec<DepartmentId>,
    pub direct_leader: Option<MemberId>,
    pub avatar: String,
    pub role: Role,
    /// A department administrator's department (their subtree is what they manage).
    pub admin_scope: Option<DepartmentId>,
}

/// A new member, as created by seeding, the admin API or an import.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub id: MemberId,
    pub userid: String,
    pub input: MemberInput,
    /// Empty for none (the member is then `invited`, unless `status` says otherwise).
    pub password_hash: String,
    pub status: DirectoryStatus,
}

/// One validated row of a CSV import: departments are resolved by the store from their paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The spreadsheet row number (the header is row 1).
    pub row: usize,
    pub userid: String,
    pub name: String,
    pub alias: String,
    pub position: String,
    pub mobile: String,
    pub email: String,
    pub departments: Vec<String>,
    /// Empty: the first of `departments`.
    pub main_department: String,
    pub leader_of: Vec<String>,
    /// A userid (existing or in the same file), or empty.
    pub direct_leader: String,
    /// `None`: keep an existing member's status; new members become active with a password,
    /// invited without.
    pub status: Option<DirectoryStatus>,
    /// `None`: keep an existing member's role (and scope); new members are members.
    pub role: Option<Role>,
    /// A department administrator's department, as a path; empty for other roles.
    pub admin_scope: String,
    /// The argon2 hash of the row's initial password, if it gave one.
    pub password_hash: Option<String>,
}

/// An import's result: applied (with the sessions ended by rows that disabled someone), or every
/// row the directory refuses (nothing applied).
pub type ImportOutcome = Result<(ImportSummary, Vec<SessionId>), Vec<CsvRowError>>;

/// One member as exported to CSV (department paths from the root, leader as a userid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportRow {
    pub userid: String,
    pub name: String,
    pub alias: String,
    pub position: String,
    pub mobile: String,
    pub email: String,
    pub departments: Vec<String>,
    pub main_department: String,
    pub leader_of: Vec<String>,
    pub direct_leader: String,
    pub status: DirectoryStatus,
    pub role: Role,
    /// A department administrator's department, as a path; empty otherwise.
    pub admin_scope: String,
}

/// A session found by its token hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveSession {
    pub id: SessionId,
    pub member_id: MemberId,
    pub role: Role,
}

/// Who must hear that the feed moved: their sockets pull what is new.
pub type Recipients = Vec<MemberId>;

/// The result of storing a message: `created` is false when the client id had been seen before
/// and the earlier message is returned instead.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    pub message: Message,
    pub created: bool,
    pub recipients: Recipients,
    /// Whether the store's [`FeedListener`] was told (then the sockets need no other wake-up).
    pub announced: bool,
}

/// A message to store.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    pub conversation: ConversationId,
    pub sender: MemberId,
    pub client_id: ClientId,
    pub text: &'a str,
    pub reply_to: Option<u64>,
    pub mentions: &'a [MemberId],
    pub mention_all: bool,
    pub attachment: Option<AttachmentId>,
    pub now: Millis,
}

/// Limits that are configuration, not schema.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long after sending a message its sender may recall it.
    pub recall_window_ms: i64,
    /// Most participants a group may have.
    pub max_group_size: usize,
    /// Most bytes of files one member may have uploaded (each upload is at most 25 MiB).
    pub upload_quota_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { recall_window_ms: 24 * 60 * 60 * 1000, max_group_size: 500, upload_quota_bytes: 5 * 1024 * 1024 * 1024 }
    }
}

/// Accounts and departments.
pub trait MemberStore {
    /// True when no member exists yet (first start: seed the demo organisation).
    fn is_empty(&self) -> StoreResult<bool>;
    fn insert_department(&self, id: &str, name: &str, parent: Option<&str>, order: i64) -> StoreResult<()>;
    fn insert_member(&self, member: &NewMember) -> StoreResult<()>;
    fn credentials(&self, userid: &str) -> StoreResult<Option<Credentials>>;
    fn member_profile(&self, id: MemberId) -> StoreResult<Option<MemberProfile>>;
    /// The active members `viewer` may see (for picking people to chat with).
    fn visible_active_members(&self, viewer: MemberId) -> StoreResult<Vec<MemberProfile>>;
    /// Fills in search keys missing after a migration (they need pinyin, which SQL lacks).
    fn refresh_search_keys(&self) -> StoreResult<usize>;
}

/// The directory as members see it: every answer holds only people the viewer may see
/// (see `crate::visibility`).
pub trait DirectoryStore {
    /// Visible departments and members, and the feed position they are current at.
    fn directory_snapshot(&self, viewer: MemberId) -> StoreResult<DirectorySnapshot>;
    /// `NotFound` when the member does not exist or the viewer may not see them.
    fn directory_member(&self, viewer: MemberId, member: MemberId) -> StoreResult<DirectoryMember>;
    /// Visible members whose search keys contain the (normalised) query, by name.
    fn search_directory(&self, viewer: MemberId, query: &str, limit: u32) -> StoreResult<Vec<DirectoryMember>>;
}

/// The administrator's changes to the directory. Each records its changes in the feed in the same
/// transaction, including removals for viewers who can no longer see someone (or a directory
/// reset when too much changed for one viewer to list). `actor` is the administrator.
pub trait DirectoryAdmin {
    fn create_member(&self, actor: &DirectoryActor, member: &NewMember, now: Millis) -> StoreResult<DirectoryMember>;
    /// A changed role ends the member's sessions (returned): rights never outlive a token.
    fn update_member(
        &self,
        actor: &DirectoryActor,
        member: MemberId,
        input: &MemberInput,
        now: Millis,
    ) -> StoreResult<(DirectoryMember, Vec<SessionId>)>;
    /// Sets the status; disabling revokes every session of the member and returns them (their
    /// live sockets must be closed).
    fn set_member_status(
        &self,
        actor: &DirectoryActor,
        member: MemberId,
        status: DirectoryStatus,
        now: Millis,
    ) -> StoreResult<(DirectoryMember, Vec<SessionId>)>;
    /// Removes the member from the directory (the row stays for message history, with the
    /// userid, mobile and email freed); returns the sessions it ended.
    fn delete_member(&self, actor: &DirectoryActor, member: MemberId, now: Millis) -> StoreResult<Vec<SessionId>>;
    /// Sets a new password hash (an invited member becomes active); ends the member's sessions.
    fn set_password(
        &self,
        actor: &DirectoryActor,
        member: MemberId,
        password_hash: &str,
        now: Millis,
    ) -> StoreResult<Vec<SessionId>>;
    fn create_department(
        &self,
        actor: &DirectoryActor,
        name: &str,
        parent: &DepartmentId,
        order: Option<i64>,
        now: Millis,
    ) -> StoreResult<Department>;
    fn update_department(
        &self,
        actor: &DirectoryActor,
        department: &DepartmentId,
        change: &UpdateDepartmentRequest,
        now: Millis,
    ) -> StoreResult<Department>;
    fn delete_department(&self, actor: &DirectoryActor, department: &DepartmentId, now: Millis) -> StoreResult<()>;
    fn visibility_rules(&self) -> StoreResult<VisibilityRules>;
    /// Sets (replaces) a department's scope; `visible` may be empty (members see only themselves).
    fn set_department_scope(
        &self,
        actor: &DirectoryActor,
        department: &DepartmentId,
        visible: &[DepartmentId],
        now: Millis,
    ) -> StoreResult<()>;
    fn clear_department_scope(&self, actor: &DirectoryActor, department: &DepartmentId, now: Millis)
    -> StoreResult<()>;
    fn hide_member(
        &self,
        actor: &DirectoryActor,
        member: MemberId,
        allow: &HideMemberRequest,
        now: Millis,
    ) -> StoreResult<()>;
    fn unhide_member(&self, actor: &DirectoryActor, member: MemberId, now: Millis) -> StoreResult<()>;
    /// Creates or updates (by userid) every row in one transaction, or nothing: `Ok(Err(rows))`
    /// lists every row the current directory refuses (for a department administrator, rows
    /// outside their reach too).
    /// On success, also the sessions ended by rows that disabled someone. With `dry_run` every
    /// check runs and the summary is what the import would do, but nothing is written.
    fn import_members(
        &self,
        actor: &DirectoryActor,
        rows: &[ImportRow],
        now: Millis,
        dry_run: bool,
    ) -> StoreResult<ImportOutcome>;
    /// Every member not deleted within the administrator's reach, ordered by main department and
    /// userid.
    fn export_members(&self, actor: &DirectoryActor) -> StoreResult<Vec<ExportRow>>;
    /// How far a directory administrator reaches: `None` when the member administers no part of
    /// the directory.
    fn directory_reach(&self, member: MemberId) -> StoreResult<Option<Reach>>;
}

/// Conversations and who takes part in them.
pub trait ConversationStore {
    /// Creates a conversation as seeded data (no permission checks, no change recorded).
    fn seed_conversation(
        &self,
        id: ConversationId,
        kind: ConversationKind,
        name: &str,
        owner: MemberId,
        members: &[MemberId],
        now: Millis,
    ) -> StoreResult<()>;
    /// A new group owned by `creator`; a retry with the same client id returns the same group.
    fn create_group(
        &self,
        creator: MemberId,
        client_id: ClientId,
        name: &str,
        members: &[MemberId],
        limits: Limits,
        now: Millis,
    ) -> StoreResult<(ConversationId, Recipients)>;
    /// The direct chat between two members, created on first use.
    fn open_direct(&self, me: MemberId, other: MemberId, now: Millis) -> StoreResult<(ConversationId, Recipients)>;
    fn conversations_of(&self, member: MemberId) -> StoreResult<Vec<ConversationSummary>>;
    /// `NotFound` unless `viewer` takes part.
    fn conversation_detail(&self, conversation: ConversationId, viewer: MemberId) -> StoreResult<ConversationDetail>;
    fn is_participant(&self, conversation: ConversationId, member: MemberId) -> StoreResult<bool>;
    fn participants(&self, conversation: ConversationId) -> StoreResult<Vec<MemberId>>;
    fn rename_group(
        &self,
        conversation: ConversationId,
        actor: MemberId,
        name: &str,
        now: Millis,
    ) -> StoreResult<Recipients>;
    fn add_members(
        &self,
        conversation: ConversationId,
        actor: MemberId,
        members: &[MemberId],
        limits: Limits,
        now: Millis,
    ) -> StoreResult<Recipients>;
    /// Removes `member` (by the owner or an admin), or the actor themself when leaving.
    fn remove_member(
        &self,
        conversation: ConversationId,
        actor: MemberId,
        member: MemberId,
        now: Millis,
    ) -> StoreResult<Recipients>;
    /// Saves the member's own mute/pin settings; only they hear of it.
    fn set_prefs(
        &self,
        conversation: ConversationId,
        member: MemberId,
        muted: bool,
        pinned: bool,
        now: Millis,
    ) -> StoreResult<Recipients>;
    fn transfer_owner(
        &self,
        conversation: ConversationId,
        actor: MemberId,
        new_owner: MemberId,
        now: Millis,
    ) -> StoreResult<Recipients>;
}

/// Messages, read positions and search.
pub trait MessageStore {
    /// Messages before `before_seq` (or the newest), oldest first, at most `limit`.
    fn messages(&self, conversation: ConversationId, before_seq: Option<u64>, limit: u32) -> StoreResult<MessagePage>;
    /// Appends a message with the next sequence number, de-duplicated on (sender, client id).
    fn append_message(&self, message: NewMessage<'_>) -> StoreResult<StoredMessage>;
    /// Recalls the sender's own message within the window; recalling it again changes nothing.
    fn recall_message(
        &self,
        conversation: ConversationId,
        seq: u64,
        actor: MemberId,
        limits: Limits,
        now: Millis,
    ) -> StoreResult<Recipients>;
    /// Moves the member's read position forward (never back, never past the newest message).
    fn mark_read(
        &self,
        conversation: ConversationId,
        member: MemberId,
        seq: u64,
        now: Millis,
    ) -> StoreResult<Recipients>;
    /// Messages containing `query` (case-insensitive for Latin letters; any script), newest first.
    fn search(&self, member: MemberId, query: &str, limit: u32) -> StoreResult<Vec<SearchHit>>;
}

/// The per-member change feed.
pub trait ChangeFeed {
    /// Changes visible to `member` after position `after`, in order, at most `limit`.
    fn pull(&self, member: MemberId, after: u64, limit: u32) -> StoreResult<PullResponse>;
    /// The newest position in the feed (where a fresh client starts).
    fn current_position(&self) -> StoreResult<u64>;
    /// Like `pull`, with the feed's head as well: when the page has no more after it, every
    /// change of the member's feed up to that head is in the page or at or before `after`.
    fn pull_with_head(&self, member: MemberId, after: u64, limit: u32) -> StoreResult<(PullResponse, u64)> {
        // The head read first is a lower bound: everything up to it was committed before the pull.
        let head = self.current_position()?;
        Ok((self.pull(member, after, limit)?, head))
    }
    /// Tells `listener` of every new message from now on, in feed order (see [`FeedListener`]).
    /// A store that cannot leaves it untold: sockets then wake through the hub and pull.
    fn set_feed_listener(&self, listener: Arc<dyn FeedListener>) {
        let _ = listener;
    }
}

/// Hears of each new message as it is committed, before the next write can commit, so
/// announcements arrive in feed order (the hub renders each once for its audience).
pub trait FeedListener: Send + Sync {
    fn message_committed(&self, committed: CommittedMessage<'_>);
}

/// A message just committed: its change at `position`, the feed's last position before it
/// (`previous`), and the members whose feeds it is in.
#[derive(Debug, Clone, Copy)]
pub struct CommittedMessage<'a> {
    pub previous: u64,
    pub position: u64,
    pub message: &'a Message,
    pub recipients: &'a [MemberId],
}

/// Which requests a list shows.
#[derive(Debug, Clone, Copy)]
pub struct ApprovalFilter {
    pub list: ApprovalBox,
    pub template: Option<TemplateId>,
    pub status: Option<RequestStatus>,
    /// Only rows after this one in the list's order (the next page).
    pub before: Option<ListCursor>,
    pub limit: u32,
}

/// The result of an approval action: the request now, whether the action was new (false for a
/// retry with a client id already used, which changes nothing), and who must hear of it.
#[derive(Debug, Clone)]
pub struct ApprovalOutcome {
    pub detail: ApprovalDetail,
    pub created: bool,
    pub recipients: Recipients,
}

/// Approval templates (versioned) and requests (see `crate::approvals` for the chain rules).
/// Read access to a request: its applicant, the approvers of every step, members copied on it
/// (once notified) and administrators; anyone else gets `NotFound`.
pub trait ApprovalStore {
    /// A new template at version 1 (the spec is already checked by `validate_template`; the
    /// store checks that the members and departments it names exist).
    fn create_template(&self, actor: MemberId, spec: &TemplateSpec, now: Millis) -> StoreResult<Template>;
    /// Stores the spec as the template's next version; requests keep the version they were
    /// submitted with.
    fn update_template(
        &self,
        actor: MemberId,
        id: TemplateId,
        spec: &TemplateSpec,
        now: Millis,
    ) -> StoreResult<Template>;
    /// Takes the template out of the list; no new requests, existing ones go on.
    fn archive_template(&self, id: TemplateId, now: Millis) -> StoreResult<()>;
    /// Templates members can submit, each at its current version.
    fn templates(&self) -> StoreResult<Vec<Template>>;
    /// The current version of a template that is not archived.
    fn template(&self, id: TemplateId) -> StoreResult<Template>;
    /// Validates the form, checks picked contacts exist and are visible to the applicant,
    /// resolves and stores the chain. Idempotent on (applicant, client id).
    fn submit_approval(
        &self,
        applicant: MemberId,
        request: &SubmitApprovalRequest,
        now: Millis,
    ) -> StoreResult<ApprovalOutcome>;
    /// Approve or reject by an approver of the current step; idempotent on the client id.
    fn decide_approval(
        &self,
        actor: MemberId,
        id: ApprovalId,
        request: &DecisionRequest,
        now: Millis,
    ) -> StoreResult<ApprovalOutcome>;
    /// Withdraws the applicant's own request while it is in review.
    fn withdraw_approval(
        &self,
        actor: MemberId,
        id: ApprovalId,
        client_id: ClientId,
        now: Millis,
    ) -> StoreResult<ApprovalOutcome>;
    /// A comment by anyone who may read the request.
    fn comment_approval(
        &self,
        actor: MemberId,
        id: ApprovalId,
        request: &CommentRequest,
        now: Millis,
    ) -> StoreResult<ApprovalOutcome>;
    fn approval(&self, viewer: MemberId, id: ApprovalId) -> StoreResult<ApprovalDetail>;
    fn approvals(&self, viewer: MemberId, filter: ApprovalFilter) -> StoreResult<Vec<ApprovalSummary>>;
}

/// Everything the API needs from persistence.
pub trait Store:
    MemberStore
    + DirectoryStore
    + DirectoryAdmin
    + SessionStore
    + SessionAdmin
    + AuditStore
    + ConversationStore
    + ConfidentialStore
    + IntegrationStore
    + BotStore
    + WebhookStore
    + PushStore
    + PolicyStore
    + ArchiveStore
    + MessageStore
    + AttachmentStore
    + ApprovalStore
    + ChangeFeed
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: MemberStore
        + DirectoryStore
        + DirectoryAdmin
        + SessionStore
        + SessionAdmin
        + AuditStore
        + ConversationStore
        + ConfidentialStore
        + IntegrationStore
        + BotStore
        + WebhookStore
        + PushStore
        + PolicyStore
        + ArchiveStore
        + MessageStore
        + AttachmentStore
        + ApprovalStore
        + ChangeFeed
        + Send
        + Sync
        + 'static
{
}
