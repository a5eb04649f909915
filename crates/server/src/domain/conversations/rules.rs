//! Conversation rules over plain values: who takes part (others are told the conversation does
//! not exist), the kinds (a direct chat has exactly its two members; the Approvals conversation
//! is read-only and fixed), group rules (any participant adds people up to the size limit; the
//! owner or an administrator renames, removes and hands over; anyone leaves, and an owner who
//! leaves hands the group to the longest-standing participant; @all is for the owner or
//! administrators), mentions, and the recall window.

use weft_protocol::chat::ConversationKind;
use weft_protocol::{ConversationRefusal, MemberId, Millis};

use crate::domain::Actor;

/// What the rules need to know of a conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationFacts {
    pub kind: ConversationKind,
    pub owner: MemberId,
    /// Longest-standing first.
    pub participants: Vec<MemberId>,
}

/// A member an action would bring into a conversation, as the directory shows them to the actor:
/// `addable` when active and visible to the actor (anyone else is refused as if they did not
/// exist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub id: MemberId,
    pub addable: bool,
}

/// Refuses members who are not active or not visible to the actor.
pub fn check_candidates(candidates: &[Candidate]) -> Result<(), ConversationRefusal> {
    match candidates.iter().find(|c| !c.addable) {
        Some(c) => Err(ConversationRefusal::InactiveMember { member: c.id }),
        None => Ok(()),
    }
}

/// The members of a new group (the creator and the picked members, without repeats, sorted):
/// at least two, at most `max`.
pub fn new_group_members(
    creator: MemberId,
    picked: &[MemberId],
    max: usize,
) -> Result<Vec<MemberId>, ConversationRefusal> {
    let mut everyone: Vec<MemberId> = std::iter::once(creator).chain(picked.iter().copied()).collect();
    everyone.sort();
    everyone.dedup();
    if everyone.len() < 2 {
        return Err(ConversationRefusal::TooFewMembers);
    }
    if everyone.len() > max {
        return Err(group_full(max));
    }
    Ok(everyone)
}

fn group_full(max: usize) -> ConversationRefusal {
    ConversationRefusal::GroupFull { max: u32::try_from(max).unwrap_or(u32::MAX) }
}

/// A direct chat needs another member.
pub fn open_direct(me: MemberId, other: MemberId) -> Result<(), ConversationRefusal> {
    if me == other { Err(ConversationRefusal::DirectChatWithSelf) } else { Ok(()) }
}

/// Only participants reach a conversation; anyone else is told it does not exist.
pub fn require_participant(conversation: &ConversationFacts, member: MemberId) -> Result<(), ConversationRefusal> {
    if conversation.participants.contains(&member) { Ok(()) } else { Err(ConversationRefusal::NotFound) }
}

/// A participant's access to a group's settings: refused for the other kinds.
fn group(conversation: &ConversationFacts, actor: &Actor) -> Result<(), ConversationRefusal> {
    require_participant(conversation, actor.id)?;
    match conversation.kind {
        ConversationKind::Group => Ok(()),
        ConversationKind::Approvals | ConversationKind::App => Err(ConversationRefusal::ApprovalsConversationFixed),
        ConversationKind::Direct => Err(ConversationRefusal::DirectChatFixed),
    }
}

/// The owner or an administrator, of a group.
fn manager(conversation: &ConversationFacts, actor: &Actor) -> Result<(), ConversationRefusal> {
    group(conversation, actor)?;
    if conversation.owner == actor.id || actor.is_admin() { Ok(()) } else { Err(ConversationRefusal::OwnerOnly) }
}

/// Renaming is for the owner or an administrator.
pub fn rename(conversation: &ConversationFacts, actor: &Actor) -> Result<(), ConversationRefusal> {
    manager(conversation, actor)
}

/// Any participant adds people (active, visible to them) up to `max`; returns everyone after.
pub fn add_members(
    conversation: &ConversationFacts,
    actor: &Actor,
    candidates: &[Candidate],
    max: usize,
) -> Result<Vec<MemberId>, ConversationRefusal> {
    group(conversation, actor)?;
    check_candidates(candidates)?;
    let mut after = conversation.participants.clone();
    after.extend(candidates.iter().map(|c| c.id));
    after.sort();
    after.dedup();
    if after.len() > max {
        return Err(group_full(max));
    }
    Ok(after)
}

/// What removing someone does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    /// The participants left, longest-standing first.
    pub remaining: Vec<MemberId>,
    /// The new owner when the owner left (the longest-standing participant left).
    pub new_owner: Option<MemberId>,
}

/// Anyone leaves (`member` is the actor); the owner or an administrator removes others, but not
/// the owner (who must hand the group over first).
pub fn remove_member(
    conversation: &ConversationFacts,
    actor: &Actor,
    member: MemberId,
) -> Result<Removal, ConversationRefusal> {
    if actor.id == member {
        group(conversation, actor)?
    } else {
        manager(conversation, actor)?
    }
    if !conversation.participants.contains(&member) {
        return Err(ConversationRefusal::NotInGroup { member });
    }
    if member == conversation.owner && actor.id != member {
        return Err(ConversationRefusal::RemoveOwnerFirst);
    }
    let remaining: Vec<MemberId> = conversation.participants.iter().copied().filter(|p| *p != member).collect();
    let new_owner = if member == conversation.owner { remaining.first().copied() } else { None };
    Ok(Removal { remaining, new_owner })
}

/// Handing over is for the owner or an administrator, to someone in the group.
pub fn transfer_owner(
    conversation: &ConversationFacts,
    actor: &Actor,
    new_owner: MemberId,
) -> Result<(), ConversationRefusal> {
    manager(conversation, actor)?;
    if conversation.participants.contains(&new_owner) {
        Ok(())
    } else {
        Err(ConversationRefusal::NotInGroup { member: new_owner })
    }
}

/// What a message mentions, as sent.
#[derive(Debug, Clone, Copy)]
pub struct Mentions<'a> {
    pub members: &'a [MemberId],
    pub all: bool,
}

/// Sending: participants only, never into the Approvals conversation; mentions name
/// participants (returned sorted, without repeats); @all is for a group's owner or an
/// administrator. `reply_found` tells whether the message replied to (if any) is in the
/// conversation.
pub fn send(
    conversation: &ConversationFacts,
    sender: &Actor,
    reply_found: Option<bool>,
    mentions: Mentions<'_>,
) -> Result<Vec<MemberId>, ConversationRefusal> {
    require_participant(conversation, sender.id)?;
    if conversation.kind.is_read_only() {
        return Err(ConversationRefusal::ReadOnlyConversation);
    }
    if reply_found == Some(false) {
        return Err(ConversationRefusal::NoSuchReply);
    }
    let mut mentioned = mentions.members.to_vec();
    mentioned.sort();
    mentioned.dedup();
    if let Some(stranger) = mentioned.iter().find(|m| !conversation.participants.contains(m)) {
        return Err(ConversationRefusal::MentionOutsider { member: *stranger });
    }
    let may_mention_all =
        conversation.kind == ConversationKind::Group && (conversation.owner == sender.id || sender.is_admin());
    if mentions.all && !may_mention_all {
        return Err(ConversationRefusal::MentionAllOwnerOnly);
    }
    Ok(mentioned)
}

/// Adding a robot: any participant of a group.
pub fn add_robot(conversation: &ConversationFacts, actor: &Actor) -> Result<(), ConversationRefusal> {
    group(conversation, actor)
}

/// Removing a robot: whoever added it, the group's owner or an administrator, taking part.
pub fn remove_robot(
    conversation: &ConversationFacts,
    actor: &Actor,
    added_by: MemberId,
) -> Result<(), ConversationRefusal> {
    group(conversation, actor)?;
    if actor.id == added_by || conversation.owner == actor.id || actor.is_admin() {
        Ok(())
    } else {
        Err(ConversationRefusal::OwnerOnly)
    }
}

/// A message as recall needs it.
#[derive(Debug, Clone, Copy)]
pub struct SentMessage {
    pub sender: MemberId,
    /// An app or a robot posted it: nobody's own, so nobody recalls it.
    pub from_bot: bool,
    pub sent_at: Millis,
    pub recalled: bool,
}

/// Whether a recall changes anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recall {
    /// Recall it now.
    Recall,
    /// It was recalled already: nothing changes (a retry).
    AlreadyRecalled,
}

/// Only the sender recalls, within `window_ms` of sending; recalling again changes nothing.
pub fn recall(
    message: SentMessage,
    actor: MemberId,
    window_ms: i64,
    now: Millis,
) -> Result<Recall, ConversationRefusal> {
    if message.sender != actor || message.from_bot {
        return Err(ConversationRefusal::NotTheSender);
    }
    if message.recalled {
        return Ok(Recall::AlreadyRecalled);
    }
    if now - message.sent_at > window_ms {
        let minutes = u32::try_from(window_ms / 60_000).unwrap_or(u32::MAX);
        return Err(ConversationRefusal::RecallWindowPassed { minutes });
    }
    Ok(Recall::Recall)
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
