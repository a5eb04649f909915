//! Sign-in, the signed-in member, and the session list.

use crate::{MemberId, Millis, SessionId};
use serde::{Deserialize, Serialize};

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// A short description of the device ("Chrome on Linux"), shown in the session list.
    #[serde(default)]
    pub device: Option<String>,
    /// "My device" or "Shared device"; the member's policy may force shared.
    #[serde(default)]
    pub mode: DeviceMode,
    /// A kiosk enrolment code kept by this browser: the session is then always shared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kiosk_code: Option<String>,
}

/// Reply to a successful sign-in. The token is shown once and stored only hashed on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub token: String,
    pub session_id: SessionId,
    pub me: MemberProfile,
    /// The terms the session was given (the mode may be shared although personal was asked).
    pub terms: SessionTerms,
}

/// How a device is used: kept by one person, or shared by many (front desk, ward, kiosk).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceMode {
    #[default]
    Personal,
    Shared,
}

/// How long sessions in one device mode last. Minutes and hours, as administrators set them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lifetimes {
    /// The app locks its screen after this many idle minutes (0: never).
    pub lock_after_minutes: u32,
    /// The server ends a session unused for this many minutes.
    pub idle_minutes: u32,
    /// The server ends a session this many hours after sign-in, used or not.
    pub lifetime_hours: u32,
}

impl Lifetimes {
    /// Shared devices: lock after 5 idle minutes, end after 30, and 12 hours after sign-in.
    pub const SHARED_DEFAULT: Self = Self { lock_after_minutes: 5, idle_minutes: 30, lifetime_hours: 12 };
    /// Personal devices: never lock, end after 14 idle days, and 90 days after sign-in.
    pub const PERSONAL_DEFAULT: Self =
        Self { lock_after_minutes: 0, idle_minutes: 14 * 24 * 60, lifetime_hours: 90 * 24 };
}

/// The session policy of a department (and of its sub-departments without their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionPolicy {
    /// Members of the department always sign in in shared mode.
    pub force_shared: bool,
    pub shared: Lifetimes,
    pub personal: Lifetimes,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { force_shared: false, shared: Lifetimes::SHARED_DEFAULT, personal: Lifetimes::PERSONAL_DEFAULT }
    }
}

/// The terms one session runs under: its mode and that mode's lifetimes under the member's policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionTerms {
    pub mode: DeviceMode,
    pub lifetimes: Lifetimes,
    /// When the session ends whatever happens (sign-in plus the lifetime).
    pub ends_at: Millis,
    /// Whether the device may keep an offline copy of chats (the workspace's offline-copy
    /// policy for this mode). Absent from older servers: yes.
    #[serde(default = "allowed_by_default")]
    pub offline_copy: bool,
    /// Whether the member may share messages to other apps (the workspace's external-sharing
    /// policy). Absent from older servers: yes.
    #[serde(default = "allowed_by_default")]
    pub external_sharing: bool,
}

fn allowed_by_default() -> bool {
    true
}

/// `GET /api/v1/auth/session`: the session making the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrentSession {
    pub id: SessionId,
    pub terms: SessionTerms,
}

/// `POST /api/v1/auth/password`: a member changes their own password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Reply to a password change: this session's new token (the old one stops working, as do the
/// member's other sessions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordResponse {
    pub token: String,
}

/// `POST /api/v1/auth/unlock`: the member's password, to lift a shared device's idle lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnlockRequest {
    pub password: String,
}

/// `POST /api/v1/auth/kiosk-check`: whether an enrolment code is valid, before a browser keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskCheckRequest {
    pub code: String,
}

/// A valid enrolment code's label ("Front desk 2").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskCheckResponse {
    pub label: String,
}

/// Why a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionEnd {
    /// Signed out on the device, or by the member from another session.
    SignedOut,
    /// Signed out by an administrator.
    Administrator,
    /// Unused for longer than its idle time.
    Idle,
    /// Past its lifetime.
    Expired,
    /// Its member was disabled or deleted.
    MemberDisabled,
    /// Its member's password or role changed.
    CredentialsChanged,
    /// An administrator asked for a wipe, and the device reported it done.
    Wiped,
}

/// What the organisation says about a member, as seen by a colleague.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberProfile {
    pub id: MemberId,
    /// The organisation's stable account name (e.g. `zhangsan`).
    pub userid: String,
    pub name: String,
    /// English or other alias (e.g. "Zhang San").
    pub alias: String,
    pub position: String,
    pub department: String,
    pub role: Role,
    /// The department whose subtree a department administrator manages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_scope: Option<crate::DepartmentId>,
}

/// A member's role in the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    /// The workspace administrator: everything in the console.
    Admin,
    /// Manages members, departments and visibility within one department's subtree (the
    /// member's `admin_scope`).
    DepartmentAdmin,
    /// Reads the audit log and exports compliance archives; changes nothing.
    Auditor,
    /// Manages approval templates only.
    ApprovalsAdmin,
}

impl Role {
    /// Every role, in the order the console lists them.
    pub const ALL: [Self; 5] = [Self::Member, Self::Admin, Self::DepartmentAdmin, Self::Auditor, Self::ApprovalsAdmin];

    /// The role's name on the wire and in CSV files (`department_admin`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Member => "member",
            Self::Admin => "admin",
            Self::DepartmentAdmin => "department_admin",
            Self::Auditor => "auditor",
            Self::ApprovalsAdmin => "approvals_admin",
        }
    }

    /// The role a name stands for (as [`Role::name`] writes it).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.name() == name)
    }

    /// Whether the role opens the administration console at all.
    pub fn administers(self) -> bool {
        self != Self::Member
    }

    /// Members, departments and visibility (a department administrator within their scope).
    pub fn manages_directory(self) -> bool {
        matches!(self, Self::Admin | Self::DepartmentAdmin)
    }

    /// The audit log (reading it and its CSV).
    pub fn reads_audit_log(self) -> bool {
        matches!(self, Self::Admin | Self::Auditor)
    }

    /// Approval templates.
    pub fn manages_templates(self) -> bool {
        matches!(self, Self::Admin | Self::ApprovalsAdmin)
    }
}

/// One entry of `GET /api/v1/auth/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: SessionId,
    pub device: String,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    /// True for the session that made this request.
    pub current: bool,
    pub mode: DeviceMode,
    /// The address the session signed in from (behind a trusted proxy, the client's).
    #[serde(default)]
    pub address: Option<String>,
    /// Whether the device receives Web Push notifications through this session.
    #[serde(default)]
    pub push: bool,
}

/// One entry of `GET /api/v1/admin/sessions`: any member's session, live or ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminSessionInfo {
    pub id: SessionId,
    pub member_id: MemberId,
    pub userid: String,
    pub name: String,
    pub device: String,
    pub mode: DeviceMode,
    pub address: Option<String>,
    /// The enrolment code's label when the browser is an enrolled kiosk.
    pub kiosk: Option<String>,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    /// `None` while the session is live.
    pub ended: Option<SessionEnd>,
    pub ended_at: Option<Millis>,
    /// An administrator asked this device to wipe itself at its next contact.
    pub wipe_requested_at: Option<Millis>,
    /// When the device reported the wipe done.
    pub wiped_at: Option<Millis>,
}

/// `GET /api/v1/admin/session-policies`: every department's own policy, and the default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionPolicies {
    pub default: SessionPolicy,
    pub departments: Vec<DepartmentSessionPolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentSessionPolicy {
    pub department_id: crate::DepartmentId,
    pub department_name: String,
    pub policy: SessionPolicy,
}

/// `POST /api/v1/admin/kiosk-codes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewKioskCode {
    pub label: String,
}

/// An enrolment code for kiosk browsers. `code` is shown only in the reply that creates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KioskCode {
    pub id: crate::KioskCodeId,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub created_at: Millis,
    pub revoked_at: Option<Millis>,
}

/// Upper bounds the server enforces on sign-in fields.
pub const MAX_USERNAME_LEN: usize = 64;
pub const MAX_PASSWORD_LEN: usize = 256;
pub const MAX_DEVICE_LEN: usize = 120;
pub const MAX_KIOSK_LABEL_LEN: usize = 80;
