//! The store's trait for integration apps and the WeCom-compatible API's view of the directory
//! (integer department ids, members flat as that API shows them, approvals without a viewer).

use super::StoreResult;
use weft_protocol::approval::{ApprovalDetail, RequestStatus};
use weft_protocol::integration::{IntegrationApp, IntegrationAppSettings};
use weft_protocol::{ApprovalId, DepartmentId, MemberId, Millis, TemplateId};

/// What a presented access token is worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenLookup {
    Unknown,
    Expired,
    App(IntegrationApp),
}

/// A department as the WeCom-compatible API names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WecomDepartment {
    pub id: i64,
    pub name: String,
    /// 0 for the root.
    pub parent_id: i64,
    pub order: i64,
    /// Userids of its leaders.
    pub leaders: Vec<String>,
    /// Weft's own id for it.
    pub department_id: DepartmentId,
}

/// A member as the WeCom-compatible API shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WecomMember {
    pub userid: String,
    pub name: String,
    pub alias: String,
    pub position: String,
    pub mobile: String,
    pub email: String,
    /// Their departments' integer ids, main department first.
    pub departments: Vec<i64>,
    /// Their order in each of those departments.
    pub orders: Vec<i64>,
    /// 1 where they lead that department.
    pub is_leader_in_dept: Vec<i64>,
    pub main_department: i64,
    pub direct_leader: Vec<String>,
    /// 1 active, 2 disabled, 4 not activated (invited).
    pub status: i64,
    pub avatar: String,
}

pub trait IntegrationStore {
    /// The workspace's corp id, made on first use.
    fn corp_id(&self) -> StoreResult<String>;
    fn integration_apps(&self) -> StoreResult<Vec<IntegrationApp>>;
    fn create_integration_app(
        &self,
        settings: &IntegrationAppSettings,
        secret_hash: &str,
        created_by: MemberId,
        now: Millis,
    ) -> StoreResult<IntegrationApp>;
    /// Renames, rescopes, enables or disables an app; disabling ends its tokens.
    fn update_integration_app(
        &self,
        agent_id: u32,
        settings: &IntegrationAppSettings,
        now: Millis,
    ) -> StoreResult<IntegrationApp>;
    /// A new secret; the old one and every token issued with it stop working.
    fn rotate_integration_secret(&self, agent_id: u32, secret_hash: &str, now: Millis) -> StoreResult<IntegrationApp>;
    /// The enabled app whose secret this is.
    fn app_by_secret(&self, secret_hash: &str) -> StoreResult<Option<IntegrationApp>>;
    /// Stores an access token (forgetting expired ones) and notes the app was used.
    fn issue_integration_token(
        &self,
        agent_id: u32,
        token_hash: &str,
        expires_at: Millis,
        now: Millis,
    ) -> StoreResult<()>;
    fn app_by_token(&self, token_hash: &str, now: Millis) -> StoreResult<TokenLookup>;
    /// Every department, numbered on first use (the root is 1).
    fn wecom_departments(&self) -> StoreResult<Vec<WecomDepartment>>;
    /// The department an integer id names.
    fn department_by_wecom_id(&self, id: i64) -> StoreResult<Option<DepartmentId>>;
    /// Gives a department an integer id: `wanted` (refused as a duplicate when taken) or the next
    /// free one. Returns the id.
    fn number_department(&self, department: &DepartmentId, wanted: Option<i64>) -> StoreResult<i64>;
    /// The administrator who made the app: the WeCom-compatible API's writes act with their
    /// authority (and are recorded as the app's).
    fn integration_app_creator(&self, agent_id: u32) -> StoreResult<MemberId>;
    /// The member (not deleted) with this userid.
    fn member_id_by_userid(&self, userid: &str) -> StoreResult<Option<MemberId>>;
    /// Members not deleted, or only the one with this userid.
    fn wecom_members(&self, userid: Option<&str>) -> StoreResult<Vec<WecomMember>>;
    /// Userids and names of these members (deleted ones too: a request keeps its history).
    fn wecom_names(&self, members: &[MemberId]) -> StoreResult<Vec<(MemberId, String, String)>>;
    /// Requests for `oa/getapprovalinfo`, oldest first.
    fn approval_numbers(&self, query: &ApprovalNumberQuery) -> StoreResult<Vec<ApprovalId>>;
    /// A request as an integration app reads it: with no viewer, the app's approvals scope
    /// being its permission.
    fn approval_for_app(&self, id: ApprovalId) -> StoreResult<ApprovalDetail>;
}

/// Which requests `oa/getapprovalinfo` lists: submitted in `[from, until)`, with optional
/// filters, `offset` rows in, at most `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalNumberQuery {
    pub from: Millis,
    pub until: Millis,
    pub template: Option<TemplateId>,
    pub applicant: Option<MemberId>,
    /// Requests by members of this department (main or not).
    pub department: Option<DepartmentId>,
    pub status: Option<RequestStatus>,
    pub offset: u32,
    pub limit: u32,
}
