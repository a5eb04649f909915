//! Native tests of the confidentiality rules: who may turn it on and off for each kind, the
//! policy's hold, lifetimes, forwarding and deterrent reports.

use super::*;
use weft_protocol::auth::Role;
use weft_protocol::{FieldRule, MemberId};

fn member(n: u128) -> MemberId {
    MemberId(uuid::Uuid::from_u128(n))
}

const OWNER: u128 = 1;
const PARTICIPANT: u128 = 2;
const ADMIN: u128 = 3;
const OUTSIDER: u128 = 4;

fn actor(n: u128) -> Actor {
    Actor::new(member(n), if n == ADMIN { Role::Admin } else { Role::Member })
}

fn conversation(kind: ConversationKind) -> ConversationFacts {
    let participants = match kind {
        ConversationKind::Group => vec![member(OWNER), member(PARTICIPANT), member(ADMIN)],
        ConversationKind::Direct => vec![member(OWNER), member(PARTICIPANT)],
        ConversationKind::Approvals | ConversationKind::App => vec![member(OWNER)],
    };
    ConversationFacts { kind, owner: member(OWNER), participants }
}

const ON: ConfidentialSettings = ConfidentialSettings { enabled: true, lifetime: None };
const OFF: ConfidentialSettings = ConfidentialSettings { enabled: false, lifetime: None };

fn on(by_policy: bool) -> Confidentiality {
    Confidentiality { since: 5, by_policy, lifetime: None, offline_copy: true }
}

#[test]
fn who_may_turn_it_on_for_each_kind() {
    let cases = [
        (ConversationKind::Group, OWNER, Ok(())),
        (ConversationKind::Group, ADMIN, Ok(())),
        (ConversationKind::Group, PARTICIPANT, Err(ConversationRefusal::OwnerOnly)),
        (ConversationKind::Group, OUTSIDER, Err(ConversationRefusal::NotFound)),
        (ConversationKind::Direct, OWNER, Ok(())),
        (ConversationKind::Direct, PARTICIPANT, Ok(())),
        (ConversationKind::Direct, OUTSIDER, Err(ConversationRefusal::NotFound)),
        (ConversationKind::Approvals, OWNER, Err(ConversationRefusal::ApprovalsConversationFixed)),
    ];
    for (kind, who, expected) in cases {
        let got = change_setting(&conversation(kind), None, &actor(who), ON, false, 10).map(drop);
        assert_eq!(got, expected, "{kind:?} by {who}");
    }
}

#[test]
fn turning_on_keeps_the_first_time_and_takes_the_policys_offline_rule() {
    let group = conversation(ConversationKind::Group);
    let first = change_setting(&group, None, &actor(OWNER), ON, false, 10);
    assert_eq!(
        first,
        Ok(SettingChange::On(Confidentiality { since: 10, by_policy: false, lifetime: None, offline_copy: false }))
    );
    let lifetime = Some(MessageLifetime::AfterRead { seconds: 30 });
    let longer = change_setting(
        &group,
        Some(on(false)),
        &actor(OWNER),
        ConfidentialSettings { enabled: true, lifetime },
        true,
        99,
    );
    assert_eq!(
        longer,
        Ok(SettingChange::On(Confidentiality { since: 5, by_policy: false, lifetime, offline_copy: true }))
    );
    assert_eq!(change_setting(&group, Some(on(false)), &actor(OWNER), ON, true, 99), Ok(SettingChange::Unchanged));
    assert_eq!(change_setting(&group, None, &actor(OWNER), OFF, true, 99), Ok(SettingChange::Unchanged));
}

#[test]
fn turning_off_needs_the_same_authority_and_never_undoes_the_policy() {
    let group = conversation(ConversationKind::Group);
    assert_eq!(change_setting(&group, Some(on(false)), &actor(OWNER), OFF, true, 9), Ok(SettingChange::Off));
    assert_eq!(change_setting(&group, Some(on(false)), &actor(ADMIN), OFF, true, 9), Ok(SettingChange::Off));
    assert_eq!(
        change_setting(&group, Some(on(false)), &actor(PARTICIPANT), OFF, true, 9),
        Err(ConversationRefusal::OwnerOnly)
    );
    let direct = conversation(ConversationKind::Direct);
    assert_eq!(
        change_setting(&direct, Some(on(true)), &actor(OWNER), OFF, true, 9),
        Err(ConversationRefusal::ConfidentialByPolicy)
    );
}

#[test]
fn lifetimes_start_at_sending_or_at_the_first_reading() {
    let after_send = Some(MessageLifetime::AfterSend { seconds: 60 });
    let after_read = Some(MessageLifetime::AfterRead { seconds: 30 });
    assert_eq!(expiry_at_send(after_send, 1_000), Some(61_000));
    assert_eq!(expiry_at_send(after_read, 1_000), None);
    assert_eq!(expiry_at_send(None, 1_000), None);
    assert_eq!(expiry_at_first_read(after_read, 2_000), Some(32_000));
    assert_eq!(expiry_at_first_read(after_send, 2_000), None);
}

#[test]
fn lifetimes_out_of_bounds_are_field_problems() {
    assert!(lifetime_problems(Some(MessageLifetime::AfterRead { seconds: 30 })).is_empty());
    assert!(lifetime_problems(None).is_empty());
    let short = lifetime_problems(Some(MessageLifetime::AfterRead { seconds: 1 }));
    assert_eq!(short[0].rule, FieldRule::AtLeast { min: MIN_LIFETIME_SECONDS });
    let long = lifetime_problems(Some(MessageLifetime::AfterSend { seconds: MAX_LIFETIME_SECONDS + 1 }));
    assert_eq!(long[0].rule, FieldRule::AtMost { max: MAX_LIFETIME_SECONDS });
}

#[test]
fn confidential_content_is_never_forwarded_and_only_it_takes_reports() {
    assert_eq!(may_forward(Some(on(false))), Err(ConversationRefusal::Confidential));
    assert_eq!(may_forward(None), Ok(()));
    let group = conversation(ConversationKind::Group);
    assert_eq!(may_report(&group, Some(on(false)), &actor(PARTICIPANT)), Ok(()));
    assert_eq!(may_report(&group, None, &actor(PARTICIPANT)), Err(ConversationRefusal::NotConfidential));
    assert_eq!(may_report(&group, Some(on(false)), &actor(OUTSIDER)), Err(ConversationRefusal::NotFound));
}
