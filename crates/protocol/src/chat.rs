//! Conversations and messages: the shapes on the wire and the text rules both sides enforce.

use crate::{AttachmentId, ClientId, ConversationId, MemberId, MessageId, Millis};
use serde::{Deserialize, Serialize};

/// Direct chats have exactly two members; groups have a name and an owner. Each member also has
/// one read-only "Approvals" conversation of their own, where the server posts approval cards,
/// and one read-only conversation with each integration app that messaged them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConversationKind {
    Direct,
    Group,
    Approvals,
    App,
}

impl ConversationKind {
    /// Nobody types into it: the server posts (approval cards, an app's messages).
    pub fn is_read_only(self) -> bool {
        matches!(self, ConversationKind::Approvals | ConversationKind::App)
    }
}

/// A conversation as listed for one member (the title of a direct chat is the other person's name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationSummary {
    pub id: ConversationId,
    pub kind: ConversationKind,
    pub title: String,
    pub owner_id: MemberId,
    pub member_count: u32,
    /// Sequence number of the newest message (0 when empty).
    pub last_seq: u64,
    pub last_message: Option<Message>,
    /// Time of the last activity, for sorting the list.
    pub updated_at: Millis,
    /// The viewer's read position: every message up to this `seq` has been seen.
    #[serde(default)]
    pub read_seq: u64,
    /// Messages from others after `read_seq` that are not recalled.
    #[serde(default)]
    pub unread: u32,
    /// The viewer silenced it: no alerts, a grey badge.
    #[serde(default)]
    pub muted: bool,
    /// The viewer keeps it at the top of the list.
    #[serde(default)]
    pub pinned: bool,
    /// Set when the conversation is confidential: watermarked, no copy, forward or download.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidential: Option<crate::confidential::Confidentiality>,
}

/// A message as stored and delivered. `seq` orders messages within their conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub seq: u64,
    pub sender_id: MemberId,
    pub sender_name: String,
    pub client_id: ClientId,
    /// Empty once recalled.
    pub text: String,
    pub sent_at: Millis,
    /// The sender took the message back; only a "message recalled" marker remains.
    #[serde(default)]
    pub recalled: bool,
    /// The message this one answers, if any.
    #[serde(default)]
    pub reply_to: Option<ReplyPreview>,
    /// Members mentioned with @.
    #[serde(default)]
    pub mentions: Vec<MemberId>,
    /// @all: everyone in the group is mentioned.
    #[serde(default)]
    pub mention_all: bool,
    /// A file or image sent with the message (gone once recalled).
    #[serde(default)]
    pub attachment: Option<Attachment>,
    /// Structured content the app renders as a card (posted by the server, never by members);
    /// `text` then holds a plain-text fallback for previews and search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<MessageCard>,
    /// When the conversation's message lifetime deletes it (set once its clock started).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Millis>,
}

impl Message {
    /// The bot that posted it, if an integration app or a robot did.
    pub fn bot(&self) -> Option<&crate::bot::BotMessage> {
        match &self.card {
            Some(MessageCard::Bot(bot)) => Some(bot),
            _ => None,
        }
    }

    /// Whether `member` wrote it. A bot's message is stored under a member (the recipient of an
    /// app's message, whoever added a robot) but is nobody's own: it counts as unread for them
    /// too, and they cannot recall it.
    pub fn sent_by(&self, member: MemberId) -> bool {
        self.sender_id == member && self.bot().is_none()
    }
}

/// A card posted into a member's Approvals conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum MessageCard {
    Approval(crate::approval::ApprovalCard),
    /// Something the server announces in the conversation (a suspected screenshot, a setting).
    Notice(crate::confidential::Notice),
    /// Posted by an integration app or a group robot.
    Bot(crate::bot::BotMessage),
}

/// An uploaded file as messages show it. The bytes are fetched through a short-lived signed URL
/// (`GET /api/v1/attachments/{id}/url`), which only participants of a conversation holding the
/// file (and its uploader) can obtain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: AttachmentId,
    pub file_name: String,
    /// Decided by the server from the file's first bytes, never from the uploader's claim.
    pub content_type: String,
    pub size: u64,
    /// The image's width in pixels as shown (after its EXIF orientation), when the server could
    /// decode it; absent for other files and for files stored before thumbnails existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// The image's height in pixels as shown; present exactly when `width` is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// A small copy made by the server, fetched with `?variant=thumbnail` on the URL request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<Thumbnail>,
}

/// The size of an image's thumbnail: it fits in [`THUMBNAIL_MAX_SIDE`] on both sides, keeps the
/// image's aspect ratio and is never larger than the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Thumbnail {
    pub width: u32,
    pub height: u32,
}

/// Longest side of a thumbnail, in pixels.
pub const THUMBNAIL_MAX_SIDE: u32 = 320;

impl Attachment {
    /// Images are shown inline; everything else is offered as a download.
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }

    /// PDFs are shown page by page, as pictures, in a confidential conversation.
    pub fn is_pdf(&self) -> bool {
        self.content_type == "application/pdf"
    }
}

/// Which bytes of an attachment a signed URL serves: the file as uploaded, or its thumbnail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FileVariant {
    #[default]
    Original,
    Thumbnail,
}

impl FileVariant {
    /// The name used in query strings (`?variant=thumbnail`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Original => "original",
            Self::Thumbnail => "thumbnail",
        }
    }

    /// Parses a query value; `None` for anything but the two names.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "original" => Some(Self::Original),
            "thumbnail" => Some(Self::Thumbnail),
            _ => None,
        }
    }
}

/// `GET /api/v1/attachments/{id}/url`: where to fetch the bytes, until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedUrl {
    pub url: String,
    pub expires_at: Millis,
}

/// `GET /api/v1/attachments/{id}/pages`: how many pages a PDF in a confidential conversation
/// has. Each page is fetched as a picture through `GET /api/v1/attachments/{id}/url?page=N`
/// (1-based), drawn for the viewer with their watermark; the PDF itself is never handed out there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PdfPages {
    pub pages: u32,
}

/// Most pages a PDF may have to be shown page by page in a confidential conversation.
pub const MAX_PDF_PAGES: u32 = 200;

/// Largest file one upload may carry.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;
/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 120;

/// A file name safe to store and show: no folders (`../`, `C:\`), no control or bidirectional
/// override characters, at most [`MAX_FILE_NAME_CHARS`]; "file" when nothing is left.
pub fn sanitize_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
        })
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    if trimmed.is_empty() { "file".to_owned() } else { trimmed.to_owned() }
}

/// What a reply shows of the message it answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReplyPreview {
    pub seq: u64,
    pub sender_name: String,
    /// The start of the quoted text (empty when that message was recalled).
    pub excerpt: String,
    pub recalled: bool,
}

/// Longest quoted excerpt, in characters.
pub const REPLY_EXCERPT_CHARS: usize = 80;

/// `POST /api/v1/conversations/{id}/messages`. Retrying with the same `client_id` returns the
/// message already stored instead of sending it twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SendMessageRequest {
    pub client_id: ClientId,
    pub text: String,
    #[serde(default)]
    pub reply_to: Option<u64>,
    #[serde(default)]
    pub mentions: Vec<MemberId>,
    #[serde(default)]
    pub mention_all: bool,
    /// A file uploaded first with `POST /api/v1/attachments`.
    #[serde(default)]
    pub attachment_id: Option<AttachmentId>,
}

/// `PUT /api/v1/conversations/{id}/prefs`: the viewer's own settings for a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationPrefs {
    pub muted: bool,
    pub pinned: bool,
}

/// `POST /api/v1/conversations/{id}/read`: everything up to `seq` has been seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkReadRequest {
    pub seq: u64,
}

/// A participant as a conversation shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Participant {
    pub id: MemberId,
    pub name: String,
    pub alias: String,
    /// How far this participant has read.
    pub read_seq: u64,
}

/// `GET /api/v1/conversations/{id}`: the summary, who takes part, and how far each has read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConversationDetail {
    pub summary: ConversationSummary,
    pub participants: Vec<Participant>,
}

impl ConversationDetail {
    /// How many participants other than the sender have read message `seq` ("read by 3 of 5").
    pub fn read_count(&self, seq: u64, sender: MemberId) -> (usize, usize) {
        let others = self.participants.iter().filter(|p| p.id != sender);
        let total = others.clone().count();
        let read = others.filter(|p| p.read_seq >= seq).count();
        (read, total)
    }
}

/// `POST /api/v1/conversations`: a new group with the creator as owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateGroupRequest {
    pub client_id: ClientId,
    pub name: String,
    pub members: Vec<MemberId>,
}

/// `POST /api/v1/conversations/direct`: the one direct chat with `member` (created on first use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenDirectRequest {
    pub member: MemberId,
}

/// `PATCH /api/v1/conversations/{id}`: rename a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RenameRequest {
    pub name: String,
}

/// `POST /api/v1/conversations/{id}/members`: add members to a group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddMembersRequest {
    pub members: Vec<MemberId>,
}

/// `POST /api/v1/conversations/{id}/owner`: hand the group to another participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TransferOwnerRequest {
    pub member: MemberId,
}

/// Longest group name, in characters.
pub const MAX_GROUP_NAME_CHARS: usize = 60;

/// Checks a group name: not blank, at most [`MAX_GROUP_NAME_CHARS`] characters.
pub fn validate_group_name(name: &str) -> Result<(), String> {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        return Err("name: a group needs a name".into());
    }
    if trimmed.chars().count() > MAX_GROUP_NAME_CHARS {
        return Err(format!("name: at most {MAX_GROUP_NAME_CHARS} characters"));
    }
    Ok(())
}

/// The quoted start of a text, cut at a character boundary.
pub fn excerpt(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(REPLY_EXCERPT_CHARS).collect();
    if chars.next().is_some() { format!("{head}…") } else { head }
}

/// One search hit: the message and the conversation's title for the viewer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub conversation_title: String,
    pub message: Message,
}

/// A page of history, newest last. `has_more` says whether older messages exist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MessagePage {
    pub messages: Vec<Message>,
    pub has_more: bool,
}

/// Largest message text, in bytes of UTF-8.
pub const MAX_TEXT_BYTES: usize = 8 * 1024;
/// Largest page of history one request may ask for.
pub const MAX_PAGE: u32 = 200;

/// Why a message text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextError {
    Empty,
    TooLong { bytes: usize },
}

impl std::fmt::Display for TextError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TextError::Empty => f.write_str("text: a message cannot be empty"),
            TextError::TooLong { bytes } => {
                write!(f, "text: a message is at most {MAX_TEXT_BYTES} bytes (this one is {bytes})")
            }
        }
    }
}

/// Checks a message body: text may be empty only when a file goes with it.
pub fn validate_body(text: &str, has_attachment: bool) -> Result<(), TextError> {
    if has_attachment && text.trim().is_empty() {
        return Ok(());
    }
    validate_text(text)
}

/// Checks a message text: not blank, at most [`MAX_TEXT_BYTES`]. Used by the composer and the server.
pub fn validate_text(text: &str) -> Result<(), TextError> {
    if text.trim().is_empty() {
        return Err(TextError::Empty);
    }
    if text.len() > MAX_TEXT_BYTES {
        return Err(TextError::TooLong { bytes: text.len() });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_folders_controls_and_overrides() {
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_file_name("C:\\Users\\me\\报告.pdf"), "报告.pdf");
        assert_eq!(sanitize_file_name("evil\u{202E}gnp.exe"), "evilgnp.exe");
        assert_eq!(sanitize_file_name("a\nb\0c.txt"), "abc.txt");
        assert_eq!(sanitize_file_name("..."), "file");
        assert_eq!(sanitize_file_name(".hidden"), "hidden");
        assert_eq!(sanitize_file_name(&"长".repeat(300)).chars().count(), MAX_FILE_NAME_CHARS);
    }

    #[test]
    fn a_file_may_go_without_text() {
        assert_eq!(validate_body("", true), Ok(()));
        assert_eq!(validate_body(" ", false), Err(TextError::Empty));
    }

    #[test]
    fn blank_text_is_refused() {
        assert_eq!(validate_text("   \n\t"), Err(TextError::Empty));
    }

    #[test]
    fn text_at_the_limit_passes_and_one_byte_more_fails() {
        let at_limit = "a".repeat(MAX_TEXT_BYTES);
        assert_eq!(validate_text(&at_limit), Ok(()));
        let over = format!("{at_limit}b");
        assert_eq!(validate_text(&over), Err(TextError::TooLong { bytes: MAX_TEXT_BYTES + 1 }));
    }

    #[test]
    fn limit_counts_bytes_not_characters() {
        // 张 is three bytes in UTF-8.
        let cjk = "张".repeat(MAX_TEXT_BYTES / 3 + 1);
        assert!(matches!(validate_text(&cjk), Err(TextError::TooLong { .. })));
    }
}
