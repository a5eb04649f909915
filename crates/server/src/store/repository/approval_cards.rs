//! Approval cards: each member's read-only Approvals conversation (made on its first card) and
//! posting a card there. Which cards an action posts is the workflow's rule
//! (`crate::domain::approvals::workflow::cards`). Cards are ordinary messages of that
//! conversation, so they reach devices through the change feed, count as unread and stay readable
//! offline.

use crate::store::StoreResult;
use crate::store::sql::Connection;
use weft_protocol::approval::{ApprovalCard, ApprovalDetail, CardEvent, RequestStatus, card_lines};
use weft_protocol::chat::{ConversationKind, MessageCard};
use weft_protocol::{ConversationId, MemberId, Millis};

/// The conversation's stored name (the app shows its own words for the kind).
const APPROVALS_TITLE: &str = "审批 Approvals";

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
    super::post_card(conn, conversation, sender, &fallback_text(card), &MessageCard::Approval(card.clone()), now)
}

/// The member's Approvals conversation, made (and announced on their feed) the first time.
fn approvals_conversation(conn: &Connection, member: MemberId, now: Millis) -> StoreResult<ConversationId> {
    let key = format!("approvals:{member}");
    super::conversations::member_conversation(conn, ConversationKind::Approvals, &key, APPROVALS_TITLE, member, now)
}
