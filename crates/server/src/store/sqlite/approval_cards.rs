//! Approval cards: each member's read-only Approvals conversation (made on its first card) and
//! the cards an action posts there — "awaiting you" to the approvers of a step when it becomes
//! active, "finished" to the applicant when their request is approved or rejected, "copied" to
//! CC'd members when they are notified. Cards are ordinary messages of that conversation, so they
//! reach devices through the change feed, count as unread and stay readable offline.

use super::changes::{StoredChange, record};
use super::{corrupt, uuid_at};
use crate::store::StoreResult;
use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;
use weft_protocol::approval::{ApprovalCard, ApprovalDetail, CardEvent, CcWhen, RequestStatus, card_lines};
use weft_protocol::chat::MessageCard;
use weft_protocol::{ClientId, ConversationId, MemberId, MessageId, Millis};

/// The conversation's stored name (the app shows its own words for the kind).
const APPROVALS_TITLE: &str = "审批 Approvals";

/// Where a request stood before an action (`None` before it was submitted).
pub(super) type Before = Option<(RequestStatus, Option<u32>)>;

/// Posts the cards an action calls for, comparing the request before and after it.
pub(super) fn post_cards(
    conn: &Connection,
    detail: &ApprovalDetail,
    before: Before,
    actor: MemberId,
    now: Millis,
) -> StoreResult<()> {
    let request = &detail.request;
    let card = |event: CardEvent| card_of(detail, event);
    let finished = match (request.status, request.current_step) {
        (RequestStatus::InReview, Some(step)) if before != Some((RequestStatus::InReview, Some(step))) => {
            let approvers = request.steps.get(step as usize).map(|s| s.approvers.as_slice()).unwrap_or_default();
            for approver in approvers.iter().filter(|a| a.decision.is_none()) {
                post(conn, approver.member_id, request.applicant_id, &card(CardEvent::AwaitingYou { step }), now)?;
            }
            None
        }
        (status @ (RequestStatus::Approved | RequestStatus::Rejected), _)
            if before.is_none_or(|(old, _)| old == RequestStatus::InReview) =>
        {
            post(conn, request.applicant_id, actor, &card(CardEvent::Finished { status }), now)?;
            Some(status)
        }
        _ => None,
    };
    // Copied: on submission everyone notified so far; on approval the completion list.
    let mut copied: Vec<MemberId> = request
        .cc
        .iter()
        .filter(|cc| {
            cc.notified
                && (before.is_none() || (finished == Some(RequestStatus::Approved) && cc.when == CcWhen::Completion))
        })
        .map(|cc| cc.member_id)
        .collect();
    copied.sort();
    copied.dedup();
    for member in copied {
        post(conn, member, actor, &card(CardEvent::Copied), now)?;
    }
    Ok(())
}

/// The card for a request and an event.
pub(super) fn card_of(detail: &ApprovalDetail, event: CardEvent) -> ApprovalCard {
    let request = &detail.request;
    ApprovalCard {
        request_id: request.id,
        template_name: detail.template.spec.name.clone(),
        icon: detail.template.spec.icon.clone(),
        applicant_id: request.applicant_id,
        applicant_name: request.applicant_name.clone(),
        event,
        lines: card_lines(&detail.template.spec, &request.form),
    }
}

/// The plain-text stand-in for a card (previews, search, old app builds).
fn fallback_text(card: &ApprovalCard) -> String {
    let (name, who) = (&card.template_name, &card.applicant_name);
    match card.event {
        CardEvent::AwaitingYou { .. } => {
            format!("{who}的「{name}」等待你审批 · {name} from {who} awaits your approval")
        }
        CardEvent::Finished { status: RequestStatus::Approved } => {
            format!("你的「{name}」已通过 · Your {name} was approved")
        }
        CardEvent::Finished { .. } => format!("你的「{name}」未通过 · Your {name} was rejected"),
        CardEvent::Copied => format!("{who}的「{name}」抄送给你 · {name} from {who} is copied to you"),
    }
}

/// Appends a card to `member`'s Approvals conversation, sent in the name of `sender` (whoever
/// the card is about: the applicant, or the approver who finished the request).
pub(super) fn post(
    conn: &Connection,
    member: MemberId,
    sender: MemberId,
    card: &ApprovalCard,
    now: Millis,
) -> StoreResult<()> {
    let conversation = approvals_conversation(conn, member, now)?;
    let seq: i64 = conn.query_row(
        "UPDATE conversations SET last_seq = last_seq + 1, updated_at = MAX(updated_at, ?2) WHERE id = ?1 RETURNING last_seq",
        params![conversation.to_string(), now],
        |row| row.get(0),
    )?;
    let json = serde_json::to_string(&MessageCard::Approval(card.clone())).map_err(|err| corrupt(&err.to_string()))?;
    conn.execute(
        "INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, body, sent_at, card) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            MessageId(Uuid::now_v7()).to_string(),
            conversation.to_string(),
            seq,
            sender.to_string(),
            ClientId(Uuid::now_v7()).to_string(),
            fallback_text(card),
            now,
            json
        ],
    )?;
    record(conn, conversation, None, &StoredChange::Message { seq: u64::try_from(seq).unwrap_or(0) }, now)?;
    Ok(())
}

/// The member's Approvals conversation, made (and announced on their feed) the first time.
fn approvals_conversation(conn: &Connection, member: MemberId, now: Millis) -> StoreResult<ConversationId> {
    let key = format!("approvals:{member}");
    let existing = conn
        .query_row("SELECT id FROM conversations WHERE direct_key = ?1", [&key], |row| uuid_at(row, 0))
        .optional()?;
    if let Some(id) = existing {
        return Ok(ConversationId(id));
    }
    let id = ConversationId(Uuid::now_v7());
    conn.execute(
        "INSERT INTO conversations (id, kind, name, owner_id, created_at, updated_at, direct_key) \
         VALUES (?1, 'approvals', ?2, ?3, ?4, ?4, ?5)",
        params![id.to_string(), APPROVALS_TITLE, member.to_string(), now, key],
    )?;
    conn.execute(
        "INSERT INTO participants (conversation_id, member_id, joined_at) VALUES (?1, ?2, ?3)",
        params![id.to_string(), member.to_string(), now],
    )?;
    record(conn, id, None, &StoredChange::Conversation, now)?;
    Ok(id)
}
