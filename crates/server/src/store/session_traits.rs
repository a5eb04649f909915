//! The store's traits for sessions (as members and as administrators see them) and for the
//! workspace audit log, with the values they take and give.

use super::{ActiveSession, StoreResult};
use weft_protocol::audit::{AuditAction, AuditPage};
use weft_protocol::auth::{
    AdminSessionInfo, DepartmentSessionPolicy, KioskCode, SessionEnd, SessionInfo, SessionPolicies, SessionPolicy,
    SessionTerms,
};
use weft_protocol::{DepartmentId, KioskCodeId, MemberId, Millis, SessionId};

/// A session to create: who, from where, under which terms.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub id: SessionId,
    pub member: MemberId,
    pub token_hash: &'a str,
    pub device: &'a str,
    pub address: Option<&'a str>,
    pub kiosk: Option<KioskCodeId>,
    pub terms: SessionTerms,
    pub now: Millis,
}

/// What a presented token is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenStatus {
    /// No session has this token.
    Unknown,
    Ended(SessionEnd),
    /// The device must wipe itself; only the report is allowed.
    WipeRequired(ActiveSession),
    Admitted(ActiveSession),
}

/// Signed-in sessions, as their members see them.
pub trait SessionStore {
    /// The policy the member's departments give their sessions.
    fn session_policy_of(&self, member: MemberId) -> StoreResult<SessionPolicy>;
    fn create_session(&self, session: &NewSession<'_>) -> StoreResult<()>;
    /// The session with this token hash, checked at `now`; an admitted one is marked as seen,
    /// one found idle or expired is recorded as ended.
    fn session_by_token(&self, token_hash: &str, now: Millis) -> StoreResult<TokenStatus>;
    /// Like [`Self::session_by_token`] by id, without marking it seen (for open live sockets).
    fn session_status(&self, session: SessionId, now: Millis) -> StoreResult<TokenStatus>;
    /// The terms of a live session.
    fn session_terms(&self, session: SessionId) -> StoreResult<Option<SessionTerms>>;
    /// The member's live sessions, newest use first.
    fn sessions_of(&self, member: MemberId, current: SessionId) -> StoreResult<Vec<SessionInfo>>;
    /// Ends one of the member's sessions; false when it is not theirs or already ended.
    fn revoke_session(
        &self,
        member: MemberId,
        session: SessionId,
        reason: SessionEnd,
        now: Millis,
    ) -> StoreResult<bool>;
    /// Ends every live session of the member but `keep`; returns them.
    fn revoke_other_sessions(&self, member: MemberId, keep: SessionId, now: Millis) -> StoreResult<Vec<SessionId>>;
    /// The member's own password change: the new hash, this session's new token hash; every other
    /// session ends (returned).
    fn change_own_password(
        &self,
        member: MemberId,
        session: SessionId,
        password_hash: &str,
        token_hash: &str,
        now: Millis,
    ) -> StoreResult<Vec<SessionId>>;
    /// The device of a session asked to wipe reported it done; false when no wipe was asked.
    fn report_wiped(&self, session: SessionId, now: Millis) -> StoreResult<bool>;
    /// A live, unrevoked kiosk code with this hash: its id and label.
    fn kiosk_by_code(&self, code_hash: &str) -> StoreResult<Option<(KioskCodeId, String)>>;
}

/// Sessions as administrators manage them: every member's, remote sign-out and wipe, the
/// departments' session policies, and kiosk enrolment codes.
pub trait SessionAdmin {
    /// Sessions of one member or of everyone, live only unless `include_ended` (then also the
    /// ended ones of the last 30 days), newest use first, at most 500.
    fn admin_sessions(
        &self,
        member: Option<MemberId>,
        include_ended: bool,
        now: Millis,
    ) -> StoreResult<Vec<AdminSessionInfo>>;
    /// Ends a live session; false when there is none with this id.
    fn admin_end_session(&self, session: SessionId, now: Millis) -> StoreResult<bool>;
    /// Ends every live session of a member (who must exist); returns them.
    fn admin_end_member_sessions(&self, member: MemberId, now: Millis) -> StoreResult<Option<Vec<SessionId>>>;
    /// Asks a live session's device to wipe itself; false when there is no live session with this id.
    fn request_wipe(&self, session: SessionId, now: Millis) -> StoreResult<bool>;
    fn session_policies(&self) -> StoreResult<SessionPolicies>;
    /// Sets a department's policy (`None` when the department does not exist); live sessions of
    /// the members it governs take the new idle time and end at once.
    fn set_session_policy(
        &self,
        department: &DepartmentId,
        policy: &SessionPolicy,
        now: Millis,
    ) -> StoreResult<Option<DepartmentSessionPolicy>>;
    /// Removes a department's own policy (it inherits again); false when it had none.
    fn clear_session_policy(&self, department: &DepartmentId) -> StoreResult<bool>;
    fn create_kiosk_code(&self, label: &str, code_hash: &str, actor: MemberId, now: Millis) -> StoreResult<KioskCode>;
    fn kiosk_codes(&self) -> StoreResult<Vec<KioskCode>>;
    /// Revokes a code and ends the sessions signed in with it (returned); `None` when unknown.
    fn revoke_kiosk_code(&self, id: KioskCodeId, now: Millis) -> StoreResult<Option<Vec<SessionId>>>;
}

/// One entry to append to the audit log.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub at: Millis,
    pub actor_id: Option<MemberId>,
    /// The actor's userid (for a failed sign-in, the name tried).
    pub actor: String,
    pub action: AuditAction,
    pub target: String,
    pub detail: serde_json::Value,
    pub address: Option<String>,
}

/// Most entries one page of the audit log lists.
pub const MAX_AUDIT_PAGE: usize = 500;

/// Which audit entries to list: newest first, before an id, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    pub actor: Option<String>,
    pub target: Option<String>,
    pub before: Option<u64>,
    /// Entries at or after this time.
    pub since: Option<Millis>,
    /// Entries before this time.
    pub until: Option<Millis>,
    pub limit: usize,
}

/// The workspace audit log: appended to, read by administrators, never changed.
pub trait AuditStore {
    fn record_audit(&self, record: &AuditRecord) -> StoreResult<()>;
    fn audit_log(&self, filter: &AuditFilter) -> StoreResult<AuditPage>;
    /// Removes at most `limit` of the entries older than `before` (oldest first), moving the
    /// purge line there (never back), and records the removal as an entry of its own, all in one
    /// transaction; returns how many went (0: nothing removed, nothing recorded).
    fn remove_audit_before(&self, before: Millis, retention_days: u32, now: Millis, limit: usize)
    -> StoreResult<usize>;
}
