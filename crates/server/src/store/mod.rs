//! The server's persistent state behind one trait, so SQLite (embedded default) and, later,
//! PostgreSQL share one conformance suite. Methods are synchronous: handlers call them through
//! [`crate::AppState::db`], which runs them on the blocking pool.

mod migrations;
mod sqlite;

pub use sqlite::SqliteStore;

use weft_protocol::auth::{MemberProfile, Role, SessionInfo};
use weft_protocol::chat::{ConversationKind, ConversationSummary, Message, MessagePage};
use weft_protocol::{ClientId, ConversationId, MemberId, Millis, SessionId};

/// Errors of the storage layer. Never shown to clients: the API maps them to `internal`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    #[error("{0} already exists")]
    Duplicate(&'static str),
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

/// A new member, as created by seeding or (later) the admin API.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub id: MemberId,
    pub userid: String,
    pub name: String,
    pub alias: String,
    pub position: String,
    pub department_id: String,
    pub role: Role,
    pub password_hash: String,
}

/// A session found by its token hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveSession {
    pub id: SessionId,
    pub member_id: MemberId,
}

/// The result of storing a message: `created` is false when the client id had been seen before
/// and the earlier message is returned instead.
#[derive(Debug, Clone)]
pub struct StoredMessage {
    pub message: Message,
    pub created: bool,
}

/// Everything the API needs from persistence.
pub trait Store: Send + Sync + 'static {
    /// True when no member exists yet (first start: seed the demo organisation).
    fn is_empty(&self) -> StoreResult<bool>;

    fn insert_department(
        &self,
        id: &str,
        name: &str,
        parent: Option<&str>,
        order: i64,
    ) -> StoreResult<()>;
    fn insert_member(&self, member: &NewMember) -> StoreResult<()>;
    fn credentials(&self, userid: &str) -> StoreResult<Option<Credentials>>;
    fn member_profile(&self, id: MemberId) -> StoreResult<Option<MemberProfile>>;

    fn create_session(
        &self,
        id: SessionId,
        member: MemberId,
        token_hash: &str,
        device: &str,
        now: Millis,
    ) -> StoreResult<()>;
    /// The live (not revoked) session with this token hash; marks it as seen at `now`.
    fn session_by_token(&self, token_hash: &str, now: Millis)
    -> StoreResult<Option<ActiveSession>>;
    fn sessions_of(&self, member: MemberId, current: SessionId) -> StoreResult<Vec<SessionInfo>>;
    /// Revokes one of the member's sessions; false when it is not theirs or already ended.
    fn revoke_session(
        &self,
        member: MemberId,
        session: SessionId,
        now: Millis,
    ) -> StoreResult<bool>;

    fn create_conversation(
        &self,
        id: ConversationId,
        kind: ConversationKind,
        name: &str,
        owner: MemberId,
        members: &[MemberId],
        now: Millis,
    ) -> StoreResult<()>;
    fn conversations_of(&self, member: MemberId) -> StoreResult<Vec<ConversationSummary>>;
    fn is_participant(&self, conversation: ConversationId, member: MemberId) -> StoreResult<bool>;
    fn participants(&self, conversation: ConversationId) -> StoreResult<Vec<MemberId>>;
    /// Messages before `before_seq` (or the newest), oldest first, at most `limit`.
    fn messages(
        &self,
        conversation: ConversationId,
        before_seq: Option<u64>,
        limit: u32,
    ) -> StoreResult<MessagePage>;
    /// Appends a message with the next sequence number, de-duplicated on (sender, client id).
    fn append_message(
        &self,
        conversation: ConversationId,
        sender: MemberId,
        client_id: ClientId,
        text: &str,
        now: Millis,
    ) -> StoreResult<StoredMessage>;
}
