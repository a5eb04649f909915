//! What integration apps and group robots post. An app's message lands in each recipient's
//! read-only conversation with that app (kind `app`, made on first use); an app's group chat is an
//! ordinary group remembered under the chat id the app chose; a robot belongs to one group. Their
//! messages are stored under a member (the recipient, the robot's adder: `messages.sender_id`
//! names a member) and marked `from_bot`, so they are nobody's own.

use super::approvals::actor;
use super::changes::{StoredChange, record};
use super::conversations::{candidates, facts, insert_participants, member_conversation, participant_ids};
use super::{ServerMessage, SqlStore, post_server_message, uuid_at};
use crate::domain::conversations::rules;
use crate::store::sql::{Connection, OptionalExtension, params};
use crate::store::{AppChat, BotStore, Limits, NewAppChat, Recipients, RobotByKey, StoreError, StoreResult};
use uuid::Uuid;
use weft_protocol::bot::{BotContent, BotMessage, BotSender, Robot, validate_robot_name};
use weft_protocol::chat::{ConversationKind, MessageCard};
use weft_protocol::integration::IntegrationApp;
use weft_protocol::{AttachmentId, ConversationId, ConversationRefusal, MemberId, Millis, RobotId};

/// A bot's message about to be appended.
struct Posting<'a> {
    conversation: ConversationId,
    /// The member it is stored under (it is nobody's own).
    stored_under: MemberId,
    message: &'a BotMessage,
    mentions: &'a [MemberId],
    mention_all: bool,
    attachment: Option<AttachmentId>,
}

/// Appends a bot's message, marked as a bot's, with its change-feed row, inside the caller's
/// transaction.
fn post(conn: &Connection, posting: &Posting<'_>, now: Millis) -> StoreResult<()> {
    let card = MessageCard::Bot(posting.message.clone());
    let fallback = posting.message.plain_text();
    let message = ServerMessage {
        conversation: posting.conversation,
        sender: posting.stored_under,
        fallback: &fallback,
        card: &card,
        from_bot: true,
        mentions: posting.mentions,
        mention_all: posting.mention_all,
        attachment: posting.attachment,
    };
    post_server_message(conn, &message, now)
}

/// The member's conversation with the app, made (and announced on their feed) the first time;
/// it carries the app's current name.
fn app_conversation(
    conn: &Connection,
    app: &IntegrationApp,
    member: MemberId,
    now: Millis,
) -> StoreResult<ConversationId> {
    let key = format!("app:{}:{member}", app.agent_id);
    member_conversation(conn, ConversationKind::App, &key, &app.name, member, now)
}

fn app_sender(app: &IntegrationApp) -> BotSender {
    BotSender::App { agent_id: app.agent_id, name: app.name.clone() }
}

fn robot_from_row(row: &crate::store::sql::Row<'_>) -> crate::store::sql::Result<Robot> {
    Ok(Robot {
        id: RobotId(uuid_at(row, 0)?),
        name: row.get(1)?,
        added_by_name: row.get(2)?,
        added_at: row.get(3)?,
        added_by: MemberId(uuid_at(row, 4)?),
    })
}

const ROBOTS: &str = "SELECT r.id, r.name, m.name, r.added_at, r.added_by FROM robots r JOIN members m ON m.id = r.added_by \
     WHERE r.conversation_id = ?1 AND r.removed_at IS NULL";

impl BotStore for SqlStore {
    fn post_app_message(
        &self,
        app: &IntegrationApp,
        recipients: &[MemberId],
        content: &BotContent,
        now: Millis,
    ) -> StoreResult<Recipients> {
        let message = BotMessage { sender: app_sender(app), content: content.clone() };
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        for member in recipients {
            let conversation = app_conversation(&tx, app, *member, now)?;
            let posting = Posting {
                conversation,
                stored_under: *member,
                message: &message,
                mentions: &[],
                mention_all: false,
                attachment: None,
            };
            post(&tx, &posting, now)?;
        }
        tx.commit()?;
        Ok(recipients.to_vec())
    }

    fn create_app_chat(&self, chat: &NewAppChat<'_>, limits: Limits, now: Millis) -> StoreResult<Recipients> {
        let everyone = rules::new_group_members(chat.owner, chat.members, limits.max_group_size)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let taken: Option<i64> =
            tx.query_row("SELECT 1 FROM app_chats WHERE chat_id = ?1", [chat.chat_id], |row| row.get(0)).optional()?;
        if taken.is_some() {
            return Err(StoreError::Duplicate("chatid"));
        }
        rules::check_candidates(&candidates(&tx, chat.owner, &everyone)?)?;
        let id = ConversationId(Uuid::now_v7());
        tx.execute(
            "INSERT INTO conversations (id, kind, name, owner_id, created_at, updated_at) VALUES (?1, 'group', ?2, ?3, ?4, ?4)",
            params![id.to_string(), chat.name.trim(), chat.owner.to_string(), now],
        )?;
        insert_participants(&tx, id, &everyone, now)?;
        tx.execute(
            "INSERT INTO app_chats (chat_id, agent_id, conversation_id) VALUES (?1, ?2, ?3)",
            params![chat.chat_id, i64::from(chat.agent_id), id.to_string()],
        )?;
        record(&tx, id, None, &StoredChange::Conversation, now)?;
        tx.commit()?;
        Ok(everyone)
    }

    fn app_chat(&self, agent_id: u32, chat_id: &str) -> StoreResult<Option<AppChat>> {
        let conn = self.read();
        let found = conn
            .query_row(
                "SELECT c.id, c.name, c.owner_id FROM app_chats a JOIN conversations c ON c.id = a.conversation_id \
                 WHERE a.chat_id = ?1 AND a.agent_id = ?2",
                params![chat_id, i64::from(agent_id)],
                |row| Ok((ConversationId(uuid_at(row, 0)?), row.get::<_, String>(1)?, MemberId(uuid_at(row, 2)?))),
            )
            .optional()?;
        let Some((conversation, name, owner)) = found else { return Ok(None) };
        let members = participant_ids(&conn, conversation)?;
        Ok(Some(AppChat { chat_id: chat_id.to_owned(), conversation, name, owner, members }))
    }

    fn post_to_app_chat(
        &self,
        app: &IntegrationApp,
        chat: &AppChat,
        content: &BotContent,
        now: Millis,
    ) -> StoreResult<Recipients> {
        let message = BotMessage { sender: app_sender(app), content: content.clone() };
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current = facts(&tx, chat.conversation)?;
        let posting = Posting {
            conversation: chat.conversation,
            stored_under: current.owner,
            message: &message,
            mentions: &[],
            mention_all: false,
            attachment: None,
        };
        post(&tx, &posting, now)?;
        tx.commit()?;
        Ok(current.participants)
    }

    fn add_robot(
        &self,
        conversation: ConversationId,
        actor_id: MemberId,
        name: &str,
        key_hash: &str,
        now: Millis,
    ) -> StoreResult<Robot> {
        validate_robot_name(name).map_err(StoreError::Invalid)?;
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        rules::add_robot(&facts(&tx, conversation)?, &actor(&tx, actor_id)?)?;
        let id = RobotId(Uuid::now_v7());
        tx.execute(
            "INSERT INTO robots (id, conversation_id, name, key_hash, added_by, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id.to_string(), conversation.to_string(), name.trim(), key_hash, actor_id.to_string(), now],
        )?;
        let robot = tx.query_row(
            &format!("{ROBOTS} AND r.id = ?2"),
            params![conversation.to_string(), id.to_string()],
            robot_from_row,
        )?;
        tx.commit()?;
        Ok(robot)
    }

    fn robots(&self, conversation: ConversationId, viewer: MemberId) -> StoreResult<Vec<Robot>> {
        let conn = self.read();
        let current = facts(&conn, conversation)?;
        if !current.participants.contains(&viewer) {
            return Err(ConversationRefusal::NotFound.into());
        }
        let mut stmt = conn.prepare_cached(&format!("{ROBOTS} ORDER BY r.added_at, r.id"))?;
        let rows = stmt.query_map([conversation.to_string()], robot_from_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn remove_robot(
        &self,
        conversation: ConversationId,
        robot: RobotId,
        actor_id: MemberId,
        now: Millis,
    ) -> StoreResult<()> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current = facts(&tx, conversation)?;
        let added_by = tx
            .query_row(
                "SELECT added_by FROM robots WHERE id = ?1 AND conversation_id = ?2 AND removed_at IS NULL",
                params![robot.to_string(), conversation.to_string()],
                |row| Ok(MemberId(uuid_at(row, 0)?)),
            )
            .optional()?;
        // Whether the robot exists is for participants to know.
        if !current.participants.contains(&actor_id) {
            return Err(ConversationRefusal::NotFound.into());
        }
        let added_by = added_by.ok_or(StoreError::NotFound("robot"))?;
        rules::remove_robot(&current, &actor(&tx, actor_id)?, added_by)?;
        tx.execute("UPDATE robots SET removed_at = ?2 WHERE id = ?1", params![robot.to_string(), now])?;
        tx.commit()?;
        Ok(())
    }

    fn robot_by_key(&self, key_hash: &str) -> StoreResult<Option<RobotByKey>> {
        let conn = self.read();
        Ok(conn
            .query_row(
                "SELECT r.id, r.conversation_id, r.name, r.added_by FROM robots r JOIN conversations c ON c.id = r.conversation_id \
                 WHERE r.key_hash = ?1 AND r.removed_at IS NULL AND c.kind = 'group'",
                [key_hash],
                |row| {
                    Ok(RobotByKey {
                        id: RobotId(uuid_at(row, 0)?),
                        conversation: ConversationId(uuid_at(row, 1)?),
                        name: row.get(2)?,
                        added_by: MemberId(uuid_at(row, 3)?),
                    })
                },
            )
            .optional()?)
    }

    fn post_robot_message(
        &self,
        robot: &RobotByKey,
        content: &BotContent,
        mentions: &[MemberId],
        mention_all: bool,
        attachment: Option<AttachmentId>,
        now: Millis,
    ) -> StoreResult<Recipients> {
        let message = BotMessage { sender: BotSender::Robot { name: robot.name.clone() }, content: content.clone() };
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current = facts(&tx, robot.conversation)?;
        if current.kind != ConversationKind::Group {
            return Err(StoreError::NotFound("robot"));
        }
        let mut mentioned: Vec<MemberId> =
            mentions.iter().copied().filter(|member| current.participants.contains(member)).collect();
        mentioned.sort();
        mentioned.dedup();
        let posting = Posting {
            conversation: robot.conversation,
            stored_under: robot.added_by,
            message: &message,
            mentions: &mentioned,
            mention_all,
            attachment,
        };
        post(&tx, &posting, now)?;
        tx.commit()?;
        Ok(current.participants)
    }
}
