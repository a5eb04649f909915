//! The store's trait for what integration apps and group robots post: an app's messages in each
//! recipient's conversation with it, the group chats an app made, and the robots of groups.

use super::{Limits, Recipients, StoreResult};
use weft_protocol::bot::{BotContent, Robot};
use weft_protocol::integration::IntegrationApp;
use weft_protocol::{AttachmentId, ConversationId, MemberId, Millis, RobotId};

/// A group an integration app made (`appchat/create`), as `appchat/get` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppChat {
    pub chat_id: String,
    pub conversation: ConversationId,
    pub name: String,
    pub owner: MemberId,
    /// Longest-standing first.
    pub members: Vec<MemberId>,
}

/// A new app group chat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppChat<'a> {
    pub agent_id: u32,
    pub chat_id: &'a str,
    pub name: &'a str,
    pub owner: MemberId,
    /// Everyone in it, the owner included.
    pub members: &'a [MemberId],
}

/// The robot a webhook key names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RobotByKey {
    pub id: RobotId,
    pub conversation: ConversationId,
    pub name: String,
    /// Its messages are stored under this member (they are nobody's own).
    pub added_by: MemberId,
}

pub trait BotStore {
    /// Posts `content` from `app` into each recipient's conversation with it (made, and announced
    /// on their feed, the first time), in one transaction. Returns whom to wake.
    fn post_app_message(
        &self,
        app: &IntegrationApp,
        recipients: &[MemberId],
        content: &BotContent,
        now: Millis,
    ) -> StoreResult<Recipients>;
    /// A group the app made, owned by `owner`, with the rules of any new group (members the owner
    /// may see, the size limit). A chat id already used answers `Duplicate("chatid")`.
    fn create_app_chat(&self, chat: &NewAppChat<'_>, limits: Limits, now: Millis) -> StoreResult<Recipients>;
    /// A group this app made.
    fn app_chat(&self, agent_id: u32, chat_id: &str) -> StoreResult<Option<AppChat>>;
    /// Posts into a group the app made (it must still exist). Returns whom to wake.
    fn post_to_app_chat(
        &self,
        app: &IntegrationApp,
        chat: &AppChat,
        content: &BotContent,
        now: Millis,
    ) -> StoreResult<Recipients>;
    /// A participant adds a robot to a group; its webhook key is stored hashed.
    fn add_robot(
        &self,
        conversation: ConversationId,
        actor: MemberId,
        name: &str,
        key_hash: &str,
        now: Millis,
    ) -> StoreResult<Robot>;
    /// The group's robots, for a participant.
    fn robots(&self, conversation: ConversationId, viewer: MemberId) -> StoreResult<Vec<Robot>>;
    /// Whoever added it, the group's owner or an administrator removes a robot; its key stops
    /// working.
    fn remove_robot(
        &self,
        conversation: ConversationId,
        robot: RobotId,
        actor: MemberId,
        now: Millis,
    ) -> StoreResult<()>;
    /// The robot (not removed, its group still a group) whose key this is.
    fn robot_by_key(&self, key_hash: &str) -> StoreResult<Option<RobotByKey>>;
    /// Posts a robot's message, mentioning participants, with the picture it sent (an attachment
    /// stored first). Returns whom to wake.
    fn post_robot_message(
        &self,
        robot: &RobotByKey,
        content: &BotContent,
        mentions: &[MemberId],
        mention_all: bool,
        attachment: Option<AttachmentId>,
        now: Millis,
    ) -> StoreResult<Recipients>;
}
