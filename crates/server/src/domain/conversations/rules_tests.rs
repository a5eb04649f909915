//! Native tests of the conversation rules: owner, administrator, participant and outsider
//! against every group action, the direct and approvals kinds, mentions and recall.

use super::*;
use weft_protocol::auth::Role;

fn member(n: u128) -> MemberId {
    MemberId(uuid::Uuid::from_u128(n))
}

const OWNER: u128 = 1;
const PARTICIPANT: u128 = 2;
const OTHER_PARTICIPANT: u128 = 3;
/// An administrator who takes part (administrators act only where they take part).
const ADMIN: u128 = 4;
const OUTSIDER: u128 = 5;
const NEWCOMER: u128 = 6;

fn actor(n: u128) -> Actor {
    Actor::new(member(n), if n == ADMIN { Role::Admin } else { Role::Member })
}

fn conversation(kind: ConversationKind) -> ConversationFacts {
    let participants = match kind {
        ConversationKind::Group => vec![member(OWNER), member(PARTICIPANT), member(OTHER_PARTICIPANT), member(ADMIN)],
        ConversationKind::Direct => vec![member(OWNER), member(PARTICIPANT)],
        ConversationKind::Approvals | ConversationKind::App => vec![member(OWNER)],
    };
    ConversationFacts { kind, owner: member(OWNER), participants }
}

/// Every group action, by name, as one function of the actor.
type Action = fn(&ConversationFacts, &Actor) -> Result<(), ConversationRefusal>;

fn actions() -> Vec<(&'static str, Action)> {
    vec![
        ("rename", |c, a| rename(c, a)),
        ("add", |c, a| add_members(c, a, &[Candidate { id: member(NEWCOMER), addable: true }], 500).map(drop)),
        ("remove another", |c, a| remove_member(c, a, member(OTHER_PARTICIPANT)).map(drop)),
        ("leave", |c, a| remove_member(c, a, a.id).map(drop)),
        ("hand over", |c, a| transfer_owner(c, a, member(OTHER_PARTICIPANT))),
        ("mention all", |c, a| send(c, a, None, Mentions { members: &[], all: true }).map(drop)),
        ("send", |c, a| send(c, a, None, Mentions { members: &[], all: false }).map(drop)),
    ]
}

#[test]
fn group_actions_by_role() {
    use ConversationRefusal::{NotFound, OwnerOnly};
    let group = conversation(ConversationKind::Group);
    // Expected per action: owner, administrator, participant, outsider.
    #[rustfmt::skip]
    let expected: Vec<(&str, [Result<(), ConversationRefusal>; 4])> = vec![
        ("rename", [Ok(()), Ok(()), Err(OwnerOnly), Err(NotFound)]),
        ("add", [Ok(()), Ok(()), Ok(()), Err(NotFound)]),
        ("remove another", [Ok(()), Ok(()), Err(OwnerOnly), Err(NotFound)]),
        ("leave", [Ok(()), Ok(()), Ok(()), Err(NotFound)]),
        ("hand over", [Ok(()), Ok(()), Err(OwnerOnly), Err(NotFound)]),
        ("mention all", [Ok(()), Ok(()), Err(ConversationRefusal::MentionAllOwnerOnly), Err(NotFound)]),
        ("send", [Ok(()), Ok(()), Ok(()), Err(NotFound)]),
    ];
    for ((name, action), (expected_name, outcomes)) in actions().into_iter().zip(expected) {
        assert_eq!(name, expected_name);
        for (who, outcome) in [OWNER, ADMIN, PARTICIPANT, OUTSIDER].into_iter().zip(outcomes) {
            assert_eq!(action(&group, &actor(who)), outcome, "{name} by member {who}");
        }
    }
}

#[test]
fn direct_chats_the_approvals_conversation_and_app_conversations_keep_their_members() {
    let direct = conversation(ConversationKind::Direct);
    for (name, action) in actions() {
        for read_only in [ConversationKind::Approvals, ConversationKind::App] {
            let approvals = conversation(read_only);
            let (on_direct, on_approvals) = (action(&direct, &actor(OWNER)), action(&approvals, &actor(OWNER)));
            match name {
                "send" => {
                    assert_eq!(on_direct, Ok(()));
                    assert_eq!(on_approvals, Err(ConversationRefusal::ReadOnlyConversation));
                }
                "mention all" => {
                    assert_eq!(on_direct, Err(ConversationRefusal::MentionAllOwnerOnly));
                    assert_eq!(on_approvals, Err(ConversationRefusal::ReadOnlyConversation));
                }
                _ => {
                    assert_eq!(on_direct, Err(ConversationRefusal::DirectChatFixed), "{name}");
                    assert_eq!(on_approvals, Err(ConversationRefusal::ApprovalsConversationFixed), "{name}");
                }
            }
        }
    }
    assert_eq!(open_direct(member(1), member(1)), Err(ConversationRefusal::DirectChatWithSelf));
    assert_eq!(open_direct(member(1), member(2)), Ok(()));
}

#[test]
fn groups_have_two_to_max_members_and_only_addable_people() {
    assert_eq!(new_group_members(member(1), &[member(1)], 3), Err(ConversationRefusal::TooFewMembers));
    assert_eq!(new_group_members(member(2), &[member(1), member(1)], 3), Ok(vec![member(1), member(2)]));
    assert_eq!(
        new_group_members(member(1), &[member(2), member(3), member(4)], 3),
        Err(ConversationRefusal::GroupFull { max: 3 })
    );
    let group = conversation(ConversationKind::Group);
    let newcomer = Candidate { id: member(NEWCOMER), addable: true };
    assert_eq!(
        add_members(&group, &actor(PARTICIPANT), &[newcomer], 4),
        Err(ConversationRefusal::GroupFull { max: 4 })
    );
    assert_eq!(
        add_members(&group, &actor(PARTICIPANT), &[newcomer], 5).map(|after| after.len()),
        Ok(5),
        "exactly at the limit is allowed"
    );
    assert_eq!(
        add_members(&group, &actor(PARTICIPANT), &[Candidate { id: member(PARTICIPANT), addable: true }], 4),
        Ok(group.participants.iter().copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect()),
        "adding someone already there changes nothing"
    );
    let hidden = Candidate { id: member(OUTSIDER), addable: false };
    assert_eq!(
        add_members(&group, &actor(OWNER), &[newcomer, hidden], 500),
        Err(ConversationRefusal::InactiveMember { member: member(OUTSIDER) })
    );
}

#[test]
fn removing_and_handing_over() {
    let group = conversation(ConversationKind::Group);
    assert_eq!(remove_member(&group, &actor(ADMIN), member(OWNER)), Err(ConversationRefusal::RemoveOwnerFirst));
    assert_eq!(
        remove_member(&group, &actor(OWNER), member(OUTSIDER)),
        Err(ConversationRefusal::NotInGroup { member: member(OUTSIDER) })
    );
    let left = remove_member(&group, &actor(OWNER), member(OWNER)).expect("the owner leaves");
    assert_eq!(left.new_owner, Some(member(PARTICIPANT)), "the longest-standing participant");
    assert!(!left.remaining.contains(&member(OWNER)));
    let removed = remove_member(&group, &actor(OWNER), member(PARTICIPANT)).expect("removed");
    assert_eq!(removed.new_owner, None);
    assert_eq!(
        transfer_owner(&group, &actor(OWNER), member(NEWCOMER)),
        Err(ConversationRefusal::NotInGroup { member: member(NEWCOMER) })
    );
}

#[test]
fn mentions_name_participants_and_replies_must_exist() {
    let group = conversation(ConversationKind::Group);
    let mentions = [member(PARTICIPANT), member(OWNER), member(PARTICIPANT)];
    assert_eq!(
        send(&group, &actor(PARTICIPANT), Some(true), Mentions { members: &mentions, all: false }),
        Ok(vec![member(OWNER), member(PARTICIPANT)])
    );
    assert_eq!(
        send(&group, &actor(PARTICIPANT), None, Mentions { members: &[member(OUTSIDER)], all: false }),
        Err(ConversationRefusal::MentionOutsider { member: member(OUTSIDER) })
    );
    assert_eq!(
        send(&group, &actor(PARTICIPANT), Some(false), Mentions { members: &[], all: false }),
        Err(ConversationRefusal::NoSuchReply)
    );
}

#[test]
fn recall_is_for_the_sender_within_the_window() {
    let window = 24 * 3_600_000;
    let sent = SentMessage { sender: member(1), from_bot: false, sent_at: 0, recalled: false };
    assert_eq!(recall(sent, member(1), window, window), Ok(Recall::Recall), "the last moment still counts");
    assert_eq!(
        recall(sent, member(1), window, window + 1),
        Err(ConversationRefusal::RecallWindowPassed { minutes: 1440 })
    );
    assert_eq!(recall(sent, member(2), window, 1), Err(ConversationRefusal::NotTheSender));
    let again = SentMessage { recalled: true, ..sent };
    assert_eq!(recall(again, member(1), window, window * 9), Ok(Recall::AlreadyRecalled));
    // A bot's message is stored under a member but is not theirs to take back.
    let from_bot = SentMessage { from_bot: true, ..sent };
    assert_eq!(recall(from_bot, member(1), window, 1), Err(ConversationRefusal::NotTheSender));
}
