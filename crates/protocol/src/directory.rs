//! The organisation directory: departments (a tree), members' directory cards with their search
//! keys, the snapshot a device downloads once, the administrator's requests, the CSV import's
//! per-row errors, and the field rules both sides check.
//!
//! Visibility is decided by the server: every card, snapshot, search result and directory change a
//! member receives holds only people they may see. Search keys (lower-cased name, pinyin full
//! spelling and initials of Chinese names, alias, userid, email, position) are computed by the
//! server, so the app needs no pinyin tables: it matches with [`DirectoryMember::matches`].

use crate::auth::Role;
use crate::error::ErrorCode;
use crate::{MemberId, Millis};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A department. Seeded departments have short readable ids (`eng`); new ones get UUIDs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct DepartmentId(pub String);

impl fmt::Display for DepartmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for DepartmentId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

/// A department as a viewer sees it. The root has no parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
    pub parent_id: Option<DepartmentId>,
    /// Position among its siblings (ascending).
    pub order: i64,
    /// Members marked as leaders of this department (only those the viewer may see).
    pub leaders: Vec<MemberId>,
}

/// A member's account status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// May sign in.
    Active,
    /// Left or suspended: cannot sign in; stays in the directory, greyed out, for history.
    Disabled,
    /// Created (e.g. imported) without a password: cannot sign in until an administrator sets one.
    Invited,
}

impl MemberStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Disabled => "disabled",
            Self::Invited => "invited",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(Self::Active),
            "disabled" => Some(Self::Disabled),
            "invited" => Some(Self::Invited),
            _ => None,
        }
    }
}

/// One of a member's departments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberDepartment {
    pub department_id: DepartmentId,
    /// The member leads this department.
    pub is_leader: bool,
}

/// A member's directory card, as a viewer who may see them gets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectoryMember {
    pub id: MemberId,
    /// The organisation's stable account name; unique (case-insensitively).
    pub userid: String,
    pub name: String,
    pub alias: String,
    pub position: String,
    pub mobile: String,
    pub email: String,
    /// Every department the member belongs to, the main one among them.
    pub departments: Vec<MemberDepartment>,
    pub main_department_id: DepartmentId,
    /// The member's direct leader, when the viewer may see them.
    pub direct_leader_id: Option<MemberId>,
    pub status: MemberStatus,
    pub role: Role,
    /// The department whose subtree a department administrator manages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_scope: Option<DepartmentId>,
    /// A picture's URL, or empty.
    pub avatar: String,
    /// Lower-case strings a search should match by substring (see the module doc).
    pub search_keys: Vec<String>,
    /// Bumped on every change of the card.
    pub version: u64,
    pub updated_at: Millis,
}

impl DirectoryMember {
    /// Whether this member matches what someone typed (see [`normalize_query`]).
    pub fn matches(&self, query: &str) -> bool {
        keys_match(&self.search_keys, &normalize_query(query))
    }
}

/// Lower-cases and trims a search query. Searching is a substring match over search keys.
pub fn normalize_query(query: &str) -> String {
    query.trim().to_lowercase()
}

/// Whether any key contains the normalised query (an empty query matches everything).
pub fn keys_match(keys: &[String], normalized: &str) -> bool {
    normalized.is_empty() || keys.iter().any(|key| key.contains(normalized))
}

/// `GET /api/v1/directory`: every department and member the viewer may see, and the feed cursor
/// the snapshot is current at. The app then follows the change feed from `cursor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectorySnapshot {
    pub departments: Vec<Department>,
    pub members: Vec<DirectoryMember>,
    pub cursor: u64,
}

/// `POST /api/v1/admin/members`: the userid, the fields, and an optional initial password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateMemberRequest {
    pub userid: String,
    #[serde(flatten)]
    pub fields: MemberFields,
    /// The initial password; without one the member is `invited` and cannot sign in yet.
    #[serde(default)]
    pub password: Option<String>,
}

/// The editable fields of a member (`PUT /api/v1/admin/members/{id}` takes exactly these).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberFields {
    pub name: String,
    #[serde(default)]
    pub alias: String,
    #[serde(default)]
    pub position: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub email: String,
    /// At least one department.
    pub departments: Vec<DepartmentId>,
    /// One of `departments`; the first one when absent.
    #[serde(default)]
    pub main_department_id: Option<DepartmentId>,
    /// Departments (among `departments`) the member leads.
    #[serde(default)]
    pub leader_of: Vec<DepartmentId>,
    #[serde(default)]
    pub direct_leader_id: Option<MemberId>,
    #[serde(default)]
    pub avatar: String,
    /// `member` when absent.
    #[serde(default)]
    pub role: Option<Role>,
    /// Required for a `department_admin`: the department whose subtree they manage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_scope: Option<DepartmentId>,
}

/// `POST /api/v1/admin/members/{id}/password`: sets a new password (an invited member becomes
/// active) and ends the member's sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetPasswordRequest {
    pub password: String,
}

/// `POST /api/v1/admin/departments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateDepartmentRequest {
    pub name: String,
    pub parent_id: DepartmentId,
    /// After the last sibling when absent.
    #[serde(default)]
    pub order: Option<i64>,
}

/// `PATCH /api/v1/admin/departments/{id}`: rename, reorder, or move under another parent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateDepartmentRequest {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub parent_id: Option<DepartmentId>,
    #[serde(default)]
    pub order: Option<i64>,
}

/// A department-scope rule: members of `department_id` (and of its sub-departments, unless one
/// of them has its own rule) see only members of `visible_department_ids` and their
/// sub-departments (and themselves).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DepartmentScope {
    pub department_id: DepartmentId,
    pub visible_department_ids: Vec<DepartmentId>,
}

/// A hidden member: nobody sees them but members of `allowed_department_ids` (with their
/// sub-departments), the `allowed_member_ids`, administrators and themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HiddenMember {
    pub member_id: MemberId,
    pub allowed_department_ids: Vec<DepartmentId>,
    pub allowed_member_ids: Vec<MemberId>,
}

/// `GET /api/v1/admin/visibility`: every rule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisibilityRules {
    pub department_scopes: Vec<DepartmentScope>,
    pub hidden_members: Vec<HiddenMember>,
}

/// `PUT /api/v1/admin/visibility/departments/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SetDepartmentScopeRequest {
    pub visible_department_ids: Vec<DepartmentId>,
}

/// `PUT /api/v1/admin/visibility/members/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HideMemberRequest {
    #[serde(default)]
    pub allowed_department_ids: Vec<DepartmentId>,
    #[serde(default)]
    pub allowed_member_ids: Vec<MemberId>,
}

/// The columns of the member CSV (import template and export), in order. `departments` and
/// `leader_of` hold `;`-separated department paths from the root (`织锦科技/研发部/前端组`);
/// `main_department` is one path; `direct_leader` a userid. `password` is only read on import
/// (exported empty).
pub const CSV_HEADERS: [&str; 14] = [
    "userid",
    "name",
    "alias",
    "position",
    "mobile",
    "email",
    "departments",
    "main_department",
    "leader_of",
    "direct_leader",
    "status",
    "role",
    "admin_scope",
    "password",
];

/// Most data rows one CSV import takes.
pub const MAX_IMPORT_ROWS: usize = 20_000;

/// One problem in an imported CSV file. `row` is the line's number as a spreadsheet shows it (the
/// header is row 1); `field` is a column name (or `file` for the whole file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsvRowError {
    pub row: usize,
    pub field: String,
    pub message: String,
}

/// The 422 body of a refused import: an [`crate::ErrorBody`] with every problem found.
/// Nothing was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CsvImportError {
    pub code: ErrorCode,
    pub message: String,
    pub errors: Vec<CsvRowError>,
}

/// A successful import: everything was applied in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Longest userid, in bytes.
pub const MAX_USERID_LEN: usize = 64;
/// Longest name, alias, position or department name, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Longest email, in bytes.
pub const MAX_EMAIL_LEN: usize = 254;
/// Longest avatar URL, in bytes.
pub const MAX_AVATAR_LEN: usize = 2048;

/// A userid: 1–64 ASCII letters, digits, `.`, `_`, `-` or `@`, starting with a letter or digit.
pub fn validate_userid(userid: &str) -> Result<(), String> {
    if userid.is_empty() {
        return Err("userid: enter an account name".into());
    }
    if userid.len() > MAX_USERID_LEN {
        return Err(format!("userid: at most {MAX_USERID_LEN} characters"));
    }
    let mut chars = userid.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    if !first_ok || !userid.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@')) {
        return Err("userid: use letters, digits, '.', '_', '-' or '@', starting with a letter or digit".into());
    }
    Ok(())
}

/// A name-like field (`name`, `alias`, `position`): at most 64 characters, no control
/// characters; `name` must not be blank.
pub fn validate_text_field(field: &str, value: &str, required: bool) -> Result<(), String> {
    if required && value.trim().is_empty() {
        return Err(format!("{field}: cannot be empty"));
    }
    if value.chars().count() > MAX_NAME_CHARS {
        return Err(format!("{field}: at most {MAX_NAME_CHARS} characters"));
    }
    if value.chars().any(char::is_control) {
        return Err(format!("{field}: no control characters"));
    }
    Ok(())
}

/// A department name: like a name, and without `/` or `;` (they separate CSV paths).
pub fn validate_department_name(name: &str) -> Result<(), String> {
    validate_text_field("name", name, true)?;
    if name.contains(['/', ';']) {
        return Err("name: a department name cannot contain '/' or ';'".into());
    }
    if name.trim() != name {
        return Err("name: no spaces at the start or end".into());
    }
    Ok(())
}

/// An email address (empty means none): one `@`, a non-empty local part, a domain with a dot,
/// no spaces.
pub fn validate_email(email: &str) -> Result<(), String> {
    if email.is_empty() {
        return Ok(());
    }
    let bad = || Err(format!("email: {email:?} is not an email address"));
    if email.len() > MAX_EMAIL_LEN {
        return Err(format!("email: at most {MAX_EMAIL_LEN} characters"));
    }
    let Some((local, domain)) = email.split_once('@') else { return bad() };
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || email.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return bad();
    }
    Ok(())
}

/// A mobile number (empty means none): digits with an optional leading `+`, 5 to 20 digits.
/// Spaces and dashes are not stored: pass the number through [`normalize_mobile`] first.
pub fn validate_mobile(mobile: &str) -> Result<(), String> {
    if mobile.is_empty() {
        return Ok(());
    }
    let digits = mobile.strip_prefix('+').unwrap_or(mobile);
    if !(5..=20).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("mobile: {mobile:?} is not a phone number (digits, optionally starting with +)"));
    }
    Ok(())
}

/// Drops spaces and dashes from a phone number (`138 0013-8000` → `13800138000`).
pub fn normalize_mobile(mobile: &str) -> String {
    mobile.trim().chars().filter(|c| !matches!(c, ' ' | '-')).collect()
}

/// Shortest password an administrator may set.
pub const MIN_PASSWORD_LEN: usize = 8;

/// A password an administrator sets: 8 to 256 bytes, not blank.
pub fn validate_new_password(password: &str) -> Result<(), String> {
    if password.len() < MIN_PASSWORD_LEN || password.trim().is_empty() {
        return Err(format!("password: at least {MIN_PASSWORD_LEN} characters"));
    }
    if password.len() > crate::auth::MAX_PASSWORD_LEN {
        return Err(format!("password: at most {} bytes", crate::auth::MAX_PASSWORD_LEN));
    }
    Ok(())
}

/// An avatar: empty, or an `https://`/`http://` URL or a path on this server (`/…`).
pub fn validate_avatar(avatar: &str) -> Result<(), String> {
    if avatar.is_empty() {
        return Ok(());
    }
    if avatar.len() > MAX_AVATAR_LEN {
        return Err(format!("avatar: at most {MAX_AVATAR_LEN} characters"));
    }
    let ok = (avatar.starts_with("https://") || avatar.starts_with("http://") || avatar.starts_with('/'))
        && !avatar.starts_with("//")
        && !avatar.chars().any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<' || c == '>');
    if !ok {
        return Err("avatar: an http(s) URL or a path on this server".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userids() {
        for good in ["zhangsan", "li.si", "wang_wu-2", "a", "x@corp"] {
            assert!(validate_userid(good).is_ok(), "{good}");
        }
        for bad in ["", "-x", "张三", "has space", "a/b", &"a".repeat(65)] {
            let err = validate_userid(bad).expect_err(bad);
            assert!(err.starts_with("userid:"), "{err}");
        }
    }

    #[test]
    fn emails_and_mobiles() {
        assert!(validate_email("").is_ok());
        assert!(validate_email("zhang.san@weft.example").is_ok());
        for bad in ["zhang", "@x.cn", "a@b", "a@b.", "a b@c.cn", "a@@b.cn"] {
            assert!(validate_email(bad).is_err(), "{bad}");
        }
        assert_eq!(normalize_mobile(" 138 0013-8000 "), "13800138000");
        assert!(validate_mobile("13800138000").is_ok());
        assert!(validate_mobile("+8613800138000").is_ok());
        assert!(validate_mobile("").is_ok());
        for bad in ["12", "abc12345", "++123456", "1380013800012345678901"] {
            assert!(validate_mobile(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn department_names_and_avatars() {
        assert!(validate_department_name("前端组").is_ok());
        assert!(validate_department_name("a/b").is_err());
        assert!(validate_department_name(" x").is_err());
        assert!(validate_department_name("").is_err());
        assert!(validate_avatar("https://cdn.example/a.png").is_ok());
        assert!(validate_avatar("/api/v1/files/x").is_ok());
        assert!(validate_avatar("javascript:alert(1)").is_err());
        assert!(validate_avatar("//evil.example/x").is_err());
    }

    #[test]
    fn matching_is_a_substring_of_any_key() {
        let keys = vec!["张三".to_owned(), "zhangsan".to_owned(), "zs".to_owned()];
        assert!(keys_match(&keys, &normalize_query(" ZS ")));
        assert!(keys_match(&keys, "angs"));
        assert!(keys_match(&keys, "张"));
        assert!(!keys_match(&keys, "lisi"));
    }
}
