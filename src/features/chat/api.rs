//! Chat's own calls: starting a direct chat or a group, managing a group (rename, add and remove
//! people, hand it over, leave, its robots) and searching messages on the server. The calls the sync makes
//! (snapshot, messages, sending, read positions) are in the shared `crate::api`.

use crate::api::{Api, ApiError, decode, url};
use gloo_net::http::Request;
use weft_protocol::bot::{AddedRobot, NewRobot, Robot};
use weft_protocol::chat::{
    AddMembersRequest, ConversationDetail, CreateGroupRequest, OpenDirectRequest, RenameRequest, SearchHit,
    TransferOwnerRequest,
};
use weft_protocol::{ConversationId, MemberId, RobotId};

impl Api {
    /// Asks to share one message to another app (the server records it, or refuses).
    pub async fn share_out(&self, conversation: ConversationId, seq: u64) -> Result<(), ApiError> {
        self.post_empty::<()>(&format!("/conversations/{conversation}/messages/{seq}/share-out"), None).await
    }

    pub async fn create_group(&self, request: &CreateGroupRequest) -> Result<ConversationDetail, ApiError> {
        self.post("/conversations", request).await
    }

    pub async fn open_direct(&self, member: MemberId) -> Result<ConversationDetail, ApiError> {
        self.post("/conversations/direct", &OpenDirectRequest { member }).await
    }

    pub async fn rename(&self, conversation: ConversationId, name: &str) -> Result<ConversationDetail, ApiError> {
        let request = Request::patch(&url(&format!("/conversations/{conversation}")));
        self.send_json(request, &RenameRequest { name: name.to_owned() }).await
    }

    pub async fn add_members(
        &self,
        conversation: ConversationId,
        members: Vec<MemberId>,
    ) -> Result<ConversationDetail, ApiError> {
        self.post(&format!("/conversations/{conversation}/members"), &AddMembersRequest { members }).await
    }

    pub async fn remove_member(&self, conversation: ConversationId, member: MemberId) -> Result<(), ApiError> {
        let request = self.authorise(Request::delete(&url(&format!("/conversations/{conversation}/members/{member}"))));
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        if response.ok() { Ok(()) } else { decode::<()>(response).await }
    }

    pub async fn leave(&self, conversation: ConversationId) -> Result<(), ApiError> {
        self.post_empty::<()>(&format!("/conversations/{conversation}/leave"), None).await
    }

    pub async fn transfer_owner(
        &self,
        conversation: ConversationId,
        member: MemberId,
    ) -> Result<ConversationDetail, ApiError> {
        self.post(&format!("/conversations/{conversation}/owner"), &TransferOwnerRequest { member }).await
    }

    pub async fn robots(&self, conversation: ConversationId) -> Result<Vec<Robot>, ApiError> {
        self.get(&format!("/conversations/{conversation}/robots")).await
    }

    pub async fn add_robot(&self, conversation: ConversationId, name: &str) -> Result<AddedRobot, ApiError> {
        self.post(&format!("/conversations/{conversation}/robots"), &NewRobot { name: name.trim().to_owned() }).await
    }

    pub async fn remove_robot(&self, conversation: ConversationId, robot: RobotId) -> Result<(), ApiError> {
        let request = self.authorise(Request::delete(&url(&format!("/conversations/{conversation}/robots/{robot}"))));
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        if response.ok() { Ok(()) } else { decode::<()>(response).await }
    }

    pub async fn search(&self, query: &str) -> Result<Vec<SearchHit>, ApiError> {
        let encoded = js_sys::encode_uri_component(query);
        self.get(&format!("/search/messages?q={encoded}")).await
    }
}
