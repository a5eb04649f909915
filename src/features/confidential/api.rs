//! Confidential chats' calls: marking a conversation, reporting deterrent events, the session's
//! watermark mark, forwarding (ordinary conversations only), a PDF's pages for the viewer, and
//! the admin policy and decoder.

use crate::api::{Api, ApiError, decode, url};
use gloo_net::http::Request;
use weft_protocol::chat::{ConversationSummary, Message, PdfPages, SignedUrl};
use weft_protocol::confidential::{
    ConfidentialPolicy, ConfidentialSettings, DeterrentKind, DeterrentReport, ForwardRequest, WatermarkDecode,
    WatermarkMark,
};
use weft_protocol::{AttachmentId, ClientId, ConversationId};

impl Api {
    pub async fn set_confidential(
        &self,
        conversation: ConversationId,
        settings: &ConfidentialSettings,
    ) -> Result<ConversationSummary, ApiError> {
        self.send_json(Request::put(&url(&format!("/conversations/{conversation}/confidential"))), settings).await
    }

    pub async fn report_deterrent(
        &self,
        conversation: ConversationId,
        kind: DeterrentKind,
        detail: &str,
    ) -> Result<(), ApiError> {
        let detail: String = detail.chars().take(weft_protocol::confidential::MAX_DETERRENT_DETAIL_CHARS).collect();
        self.post_empty(&format!("/conversations/{conversation}/deterrents"), Some(&DeterrentReport { kind, detail }))
            .await
    }

    pub async fn watermark(&self) -> Result<WatermarkMark, ApiError> {
        self.get("/watermark").await
    }

    /// How many pages a PDF of a confidential chat has (it is shown page by page).
    pub async fn pdf_pages(&self, id: AttachmentId) -> Result<PdfPages, ApiError> {
        self.get(&format!("/attachments/{id}/pages")).await
    }

    /// A signed link to page `page` (from 1) of a confidential chat's PDF, drawn with the
    /// viewer's mark.
    pub async fn pdf_page_url(&self, id: AttachmentId, page: u32) -> Result<SignedUrl, ApiError> {
        self.get(&format!("/attachments/{id}/url?page={page}")).await
    }

    pub async fn forward(
        &self,
        conversation: ConversationId,
        seq: u64,
        to: Vec<ConversationId>,
        client_id: ClientId,
    ) -> Result<Vec<Message>, ApiError> {
        self.post(&format!("/conversations/{conversation}/messages/{seq}/forward"), &ForwardRequest { to, client_id })
            .await
    }

    pub async fn confidential_policy(&self) -> Result<ConfidentialPolicy, ApiError> {
        self.get("/admin/confidential-policy").await
    }

    pub async fn set_confidential_policy(&self, policy: &ConfidentialPolicy) -> Result<ConfidentialPolicy, ApiError> {
        self.send_json(Request::put(&url("/admin/confidential-policy")), policy).await
    }

    /// Sends a picture to the decoder (its media type is the file's).
    pub async fn decode_watermark(&self, picture: &web_sys::Blob) -> Result<WatermarkDecode, ApiError> {
        let media_type = picture.type_();
        let request = self
            .authorise(Request::post(&url("/admin/watermark/decode")))
            .header("Content-Type", if media_type.is_empty() { "image/png" } else { &media_type })
            .body(wasm_bindgen::JsValue::from(picture.clone()))
            .map_err(|err| ApiError::Decode(err.to_string()))?;
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        decode(response).await
    }
}
