//! The workspace audit log as administrators read it: who did what to which target, when and
//! from where. Entries are appended by the server and never changed.

use crate::{MemberId, Millis};
use serde::{Deserialize, Serialize};

/// What an audit entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    SignedIn,
    SignInFailed,
    /// A sign-in was refused for coming too often from one address (429).
    SignInDelayed,
    SignedOut,
    /// A member signed out their own other sessions, or one of them.
    SessionsSignedOutByMember,
    PasswordChanged,
    /// An administrator signed sessions out.
    SessionsSignedOutByAdmin,
    WipeRequested,
    WipeReported,
    MemberCreated,
    MemberUpdated,
    RoleChanged,
    MemberDisabled,
    MemberEnabled,
    MemberDeleted,
    PasswordSetByAdmin,
    MembersImported,
    MembersExported,
    DepartmentCreated,
    DepartmentUpdated,
    DepartmentDeleted,
    VisibilityChanged,
    SessionPolicyChanged,
    KioskCodeCreated,
    KioskCodeRevoked,
    /// An administrator downloaded the audit log.
    AuditExported,
    /// A conversation was made confidential, or its lifetime changed (target: the conversation).
    ConfidentialTurnedOn,
    ConfidentialTurnedOff,
    ConfidentialPolicyChanged,
    /// Deterrent events of confidential views (target: the conversation; detail: what was seen).
    ScreenshotSuspected,
    PrintAttempted,
    WatermarkTampered,
    CopyAttempted,
    ViewHidden,
    /// Forwarding a confidential message was refused.
    ForwardRefused,
    /// An administrator decoded a picture's watermark (detail: whose mark, if any).
    WatermarkDecoded,
    /// Integration apps (target: the agent id): made, changed, given a new secret.
    IntegrationAppCreated,
    IntegrationAppChanged,
    IntegrationSecretRotated,
    /// An integration app signed in with its secret (`gettoken`), or was refused.
    IntegrationTokenIssued,
    IntegrationTokenRefused,
    /// An integration app submitted an approval request in a member's name (`oa/applyevent`;
    /// target: the request).
    IntegrationApprovalSubmitted,
    /// An outgoing webhook was registered, changed or removed (target: its id; the detail says
    /// which and its address).
    WebhookChanged,
    /// The workspace's policies were changed on the Policies page (detail: before and after).
    WorkspacePoliciesChanged,
    /// An administration route refused the member: their role lacks the right, or the target is
    /// outside the departments they administer (target: the route; detail: method and why).
    AccessRefused,
    /// An auditor exported a compliance archive (target: its manifest's SHA-256; detail: what it
    /// covers).
    ArchiveExported,
    /// A member shared a message to another app on their device (target: the conversation;
    /// detail: the message's seq, the file's name if any, the session).
    SharedToAnotherApp,
    /// Entries older than the workspace's audit-log retention were removed (actor: the server;
    /// detail: how many, and the retention in days).
    AuditEntriesRemoved,
}

impl AuditAction {
    /// Every action, in the order the console's filter lists them (sign-ins, sessions,
    /// administrators' writes, confidential chats, integration apps).
    pub const ALL: [Self; 48] = {
        use AuditAction::*;
        [
            SignedIn,
            SignInFailed,
            SignInDelayed,
            SignedOut,
            SessionsSignedOutByMember,
            PasswordChanged,
            SessionsSignedOutByAdmin,
            WipeRequested,
            WipeReported,
            MemberCreated,
            MemberUpdated,
            RoleChanged,
            MemberDisabled,
            MemberEnabled,
            MemberDeleted,
            PasswordSetByAdmin,
            MembersImported,
            MembersExported,
            DepartmentCreated,
            DepartmentUpdated,
            DepartmentDeleted,
            VisibilityChanged,
            SessionPolicyChanged,
            KioskCodeCreated,
            KioskCodeRevoked,
            AuditExported,
            AuditEntriesRemoved,
            ArchiveExported,
            ConfidentialTurnedOn,
            ConfidentialTurnedOff,
            ConfidentialPolicyChanged,
            WorkspacePoliciesChanged,
            AccessRefused,
            ScreenshotSuspected,
            PrintAttempted,
            WatermarkTampered,
            CopyAttempted,
            ViewHidden,
            ForwardRefused,
            SharedToAnotherApp,
            WatermarkDecoded,
            IntegrationAppCreated,
            IntegrationAppChanged,
            IntegrationSecretRotated,
            IntegrationTokenIssued,
            IntegrationTokenRefused,
            IntegrationApprovalSubmitted,
            WebhookChanged,
        ]
    };
}

/// One entry of `GET /api/v1/admin/audit`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Increasing; pages go backwards from the newest.
    pub id: u64,
    pub at: Millis,
    /// The member who acted (absent for a sign-in attempt with an unknown username).
    pub actor_id: Option<MemberId>,
    /// The actor's userid as typed or stored (a failed sign-in records the name tried).
    pub actor: String,
    pub action: AuditAction,
    /// What was acted on: a member's userid, a department id, a session id, a file name.
    pub target: String,
    /// Details of the action (e.g. the old and new role, the rows an import changed).
    pub detail: serde_json::Value,
    /// The client's address, when known.
    pub address: Option<String>,
}

/// A page of the audit log, newest first; `next_before` continues it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next_before: Option<u64>,
}
