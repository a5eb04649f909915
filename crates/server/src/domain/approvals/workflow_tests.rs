//! Native tests of the approval workflow: every actor role against every request state, for
//! deciding and withdrawing, and the transitions and cards of the accepted actions.

use super::*;
use weft_protocol::approval::{ApproverState, AuditEntry, CcEntry, StepState};
use weft_protocol::auth::Role;
use weft_protocol::{ApprovalId, ClientId, TemplateId};

const NOW: Millis = 1_000;

fn member(n: u128) -> MemberId {
    MemberId(uuid::Uuid::from_u128(n))
}

/// The cast: an applicant, a leader step decided by any one of two, a finance step that all of
/// two approve, a CC'd member copied on submission and one copied on completion, an
/// administrator and an outsider.
struct Cast;
impl Cast {
    const APPLICANT: u128 = 1;
    const LEADER_1: u128 = 2;
    const LEADER_2: u128 = 3;
    const FINANCE_1: u128 = 4;
    const FINANCE_2: u128 = 5;
    const CC_SUBMIT: u128 = 6;
    const CC_DONE: u128 = 7;
    const ADMIN: u128 = 8;
    const OUTSIDER: u128 = 9;
}

fn actor(n: u128) -> Actor {
    Actor::new(member(n), if n == Cast::ADMIN { Role::Admin } else { Role::Member })
}

fn approver(n: u128, decision: Option<Decision>, at: Millis) -> ApproverState {
    ApproverState {
        member_id: member(n),
        name: String::new(),
        decision,
        decided_at: decision.map(|_| at),
        comment: None,
    }
}

fn step(name: &str, mode: ApprovalMode, status: StepStatus, approvers: Vec<ApproverState>) -> StepState {
    StepState { name: name.into(), mode, status, fallback: false, approvers }
}

fn audit(n: u128, name: &str, action: AuditAction, step: Option<u32>) -> AuditEntry {
    AuditEntry { actor_id: member(n), actor_name: name.into(), action, step, comment: String::new(), at: 0 }
}

/// The request states the tables walk through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// In review at step 1 (leaders), nobody decided.
    AtLeaders,
    /// Leader 1 approved; at step 2 (finance), nobody decided there.
    AtFinance,
    /// Finance 1 approved too; finance 2 is the last.
    FinanceHalfDone,
    Approved,
    Rejected,
    Withdrawn,
}

fn request(state: State) -> ApprovalRequest {
    use ApprovalMode::{All, AnyOne};
    use StepStatus::*;
    let leaders_decided = !matches!(state, State::AtLeaders | State::Withdrawn | State::Rejected);
    let leader_1 = match state {
        State::Rejected => Some(Decision::Reject),
        _ if leaders_decided => Some(Decision::Approve),
        _ => None,
    };
    let finance_1 = matches!(state, State::FinanceHalfDone | State::Approved).then_some(Decision::Approve);
    let finance_2 = (state == State::Approved).then_some(Decision::Approve);
    let (status, current, leaders, finance) = match state {
        State::AtLeaders => (RequestStatus::InReview, Some(0), Active, Waiting),
        State::AtFinance | State::FinanceHalfDone => (RequestStatus::InReview, Some(1), Approved, Active),
        State::Approved => (RequestStatus::Approved, None, Approved, Approved),
        State::Rejected => (RequestStatus::Rejected, None, Rejected, Cancelled),
        State::Withdrawn => (RequestStatus::Withdrawn, None, Cancelled, Cancelled),
    };
    let mut trail = vec![audit(Cast::APPLICANT, "申请人", AuditAction::Submitted, None)];
    if let Some(decision) = leader_1 {
        let action = if decision == Decision::Reject { AuditAction::Rejected } else { AuditAction::Approved };
        trail.push(audit(Cast::LEADER_1, "李一", action, Some(0)));
    }
    ApprovalRequest {
        id: ApprovalId(uuid::Uuid::from_u128(100)),
        template_id: TemplateId(uuid::Uuid::from_u128(200)),
        template_version: 1,
        applicant_id: member(Cast::APPLICANT),
        applicant_name: "申请人".into(),
        client_id: ClientId(uuid::Uuid::from_u128(300)),
        status,
        current_step: current,
        form: Default::default(),
        steps: vec![
            step(
                "Leader",
                AnyOne,
                leaders,
                vec![approver(Cast::LEADER_1, leader_1, 10), approver(Cast::LEADER_2, None, 0)],
            ),
            step(
                "Finance",
                All,
                finance,
                vec![approver(Cast::FINANCE_1, finance_1, 20), approver(Cast::FINANCE_2, finance_2, 30)],
            ),
        ],
        cc: vec![
            CcEntry { member_id: member(Cast::CC_SUBMIT), when: CcWhen::Submit, notified: true },
            CcEntry { member_id: member(Cast::CC_DONE), when: CcWhen::Completion, notified: state == State::Approved },
        ],
        audit: trail,
        submitted_at: 0,
        updated_at: 0,
    }
}

/// What an action came to, in a form a table can spell.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Outcome {
    Accepted,
    Refused(ApprovalRefusal),
}

fn outcome(result: Result<Transition, ApprovalRefusal>) -> Outcome {
    match result {
        Ok(_) => Outcome::Accepted,
        Err(refusal) => Outcome::Refused(refusal),
    }
}

fn not_started() -> Outcome {
    Outcome::Refused(ApprovalRefusal::StepNotStarted { step: 1, step_name: "Finance".into(), current_step: 0 })
}

fn decided(step: u32, current: u32) -> Outcome {
    let step_name = if step == 0 { "Leader" } else { "Finance" }.to_owned();
    Outcome::Refused(ApprovalRefusal::AlreadyDecided {
        step,
        step_name,
        decision: Decision::Approve,
        current_step: Some(current),
    })
}

fn refused(refusal: ApprovalRefusal) -> Outcome {
    Outcome::Refused(refusal)
}

#[test]
fn who_may_decide_in_each_state() {
    use Outcome::Accepted;
    use State::*;
    let finished = |status| refused(ApprovalRefusal::RequestFinished { status });
    let by_leader_1 = refused(ApprovalRefusal::AlreadyDecidedByOther {
        step: 0,
        step_name: "Leader".into(),
        by: member(Cast::LEADER_1),
        by_name: "李一".into(),
        current_step: 1,
    });
    let not_approver = || refused(ApprovalRefusal::NotAnApprover);
    let hidden = || refused(ApprovalRefusal::NotFound);
    #[rustfmt::skip]
    let table: Vec<(State, u128, Outcome)> = vec![
        (AtLeaders, Cast::APPLICANT, not_approver()),
        (AtLeaders, Cast::LEADER_1, Accepted),
        (AtLeaders, Cast::LEADER_2, Accepted),
        (AtLeaders, Cast::FINANCE_1, not_started()),
        (AtLeaders, Cast::CC_SUBMIT, not_approver()),
        (AtLeaders, Cast::CC_DONE, hidden()),
        (AtLeaders, Cast::ADMIN, not_approver()),
        (AtLeaders, Cast::OUTSIDER, hidden()),
        (AtFinance, Cast::APPLICANT, not_approver()),
        (AtFinance, Cast::LEADER_1, decided(0, 1)),
        (AtFinance, Cast::LEADER_2, by_leader_1.clone()),
        (AtFinance, Cast::FINANCE_1, Accepted),
        (AtFinance, Cast::FINANCE_2, Accepted),
        (AtFinance, Cast::ADMIN, not_approver()),
        (AtFinance, Cast::OUTSIDER, hidden()),
        (FinanceHalfDone, Cast::LEADER_2, by_leader_1),
        (FinanceHalfDone, Cast::FINANCE_1, decided(1, 1)),
        (FinanceHalfDone, Cast::FINANCE_2, Accepted),
        (FinanceHalfDone, Cast::CC_DONE, hidden()),
        (Approved, Cast::LEADER_2, finished(RequestStatus::Approved)),
        (Approved, Cast::FINANCE_2, finished(RequestStatus::Approved)),
        (Approved, Cast::APPLICANT, not_approver()),
        (Approved, Cast::CC_DONE, not_approver()),
        (Approved, Cast::OUTSIDER, hidden()),
        (Rejected, Cast::LEADER_1, finished(RequestStatus::Rejected)),
        (Rejected, Cast::FINANCE_1, finished(RequestStatus::Rejected)),
        (Rejected, Cast::ADMIN, not_approver()),
        (Withdrawn, Cast::LEADER_1, refused(ApprovalRefusal::Withdrawn)),
        (Withdrawn, Cast::FINANCE_2, refused(ApprovalRefusal::Withdrawn)),
        (Withdrawn, Cast::OUTSIDER, hidden()),
    ];
    for (state, who, expected) in table {
        for decision in [Decision::Approve, Decision::Reject] {
            let got = outcome(decide(&request(state), &actor(who), decision, "", NOW));
            assert_eq!(got, expected, "{state:?}, member {who}, {decision:?}");
        }
    }
}

#[test]
fn who_may_withdraw_in_each_state() {
    use Outcome::Accepted;
    use State::*;
    let not_in_review = |status| refused(ApprovalRefusal::NotInReview { status });
    let not_applicant = || refused(ApprovalRefusal::NotTheApplicant);
    #[rustfmt::skip]
    let table: Vec<(State, u128, Outcome)> = vec![
        (AtLeaders, Cast::APPLICANT, Accepted),
        (AtFinance, Cast::APPLICANT, Accepted),
        (FinanceHalfDone, Cast::APPLICANT, Accepted),
        (Approved, Cast::APPLICANT, not_in_review(RequestStatus::Approved)),
        (Rejected, Cast::APPLICANT, not_in_review(RequestStatus::Rejected)),
        (Withdrawn, Cast::APPLICANT, not_in_review(RequestStatus::Withdrawn)),
        (AtLeaders, Cast::LEADER_1, not_applicant()),
        (AtFinance, Cast::FINANCE_1, not_applicant()),
        (AtLeaders, Cast::CC_SUBMIT, not_applicant()),
        (AtLeaders, Cast::ADMIN, not_applicant()),
        (Approved, Cast::ADMIN, not_applicant()),
        (AtLeaders, Cast::CC_DONE, refused(ApprovalRefusal::NotFound)),
        (AtLeaders, Cast::OUTSIDER, refused(ApprovalRefusal::NotFound)),
        (Withdrawn, Cast::OUTSIDER, refused(ApprovalRefusal::NotFound)),
    ];
    for (state, who, expected) in table {
        assert_eq!(outcome(withdraw(&request(state), &actor(who), NOW)), expected, "{state:?}, member {who}");
    }
}

#[test]
fn readers_are_the_applicant_every_approver_the_notified_cc_and_administrators() {
    let at_leaders = request(State::AtLeaders);
    for (who, may) in [
        (Cast::APPLICANT, true),
        (Cast::LEADER_2, true),
        (Cast::FINANCE_2, true),
        (Cast::CC_SUBMIT, true),
        (Cast::CC_DONE, false),
        (Cast::ADMIN, true),
        (Cast::OUTSIDER, false),
    ] {
        assert_eq!(may_read(&at_leaders, &actor(who)), may, "member {who}");
    }
    assert!(may_read(&request(State::Approved), &actor(Cast::CC_DONE)), "copied on completion");
    assert!(!readers(&at_leaders).contains(&member(Cast::ADMIN)), "administrators read, but are not addressed");
    assert!(comment(&at_leaders, &actor(Cast::ADMIN), " noted ").is_ok_and(|t| t.audit.comment == "noted"));
    assert_eq!(comment(&at_leaders, &actor(Cast::OUTSIDER), "hi"), Err(ApprovalRefusal::NotFound));
}

#[test]
fn one_leader_approving_moves_an_any_one_step_on_and_asks_every_finance_approver() {
    let before = request(State::AtLeaders);
    let t = decide(&before, &actor(Cast::LEADER_2), Decision::Approve, "ok", NOW).expect("accepted");
    assert_eq!(
        t.decision,
        Some(ApproverDecision {
            step: 0,
            member: member(Cast::LEADER_2),
            decision: Decision::Approve,
            comment: "ok".into()
        })
    );
    assert_eq!(t.steps, vec![(0, StepStatus::Approved), (1, StepStatus::Active)]);
    assert_eq!((t.status, t.current_step, t.notify_cc), (RequestStatus::InReview, Some(1), None));
    assert_eq!(t.audit.action, AuditAction::Approved);
    let asked: Vec<_> = t.cards.iter().map(|c| (c.to, c.sender, c.event)).collect();
    assert_eq!(
        asked,
        vec![
            (member(Cast::FINANCE_1), member(Cast::APPLICANT), CardEvent::AwaitingYou { step: 1 }),
            (member(Cast::FINANCE_2), member(Cast::APPLICANT), CardEvent::AwaitingYou { step: 1 }),
        ]
    );
}

#[test]
fn an_all_step_waits_for_everyone_and_the_last_approval_approves_and_copies_completion() {
    let first = decide(&request(State::AtFinance), &actor(Cast::FINANCE_1), Decision::Approve, "", NOW).expect("ok");
    assert!(first.steps.is_empty(), "finance 2 has not approved yet");
    assert_eq!((first.status, first.current_step), (RequestStatus::InReview, Some(1)));
    assert!(first.cards.is_empty());
    let last =
        decide(&request(State::FinanceHalfDone), &actor(Cast::FINANCE_2), Decision::Approve, "", NOW).expect("ok");
    assert_eq!(last.steps, vec![(1, StepStatus::Approved)]);
    assert_eq!(
        (last.status, last.current_step, last.notify_cc),
        (RequestStatus::Approved, None, Some(CcWhen::Completion))
    );
    let sent: Vec<_> = last.cards.iter().map(|c| (c.to, c.sender, c.event)).collect();
    assert_eq!(
        sent,
        vec![
            (member(Cast::APPLICANT), member(Cast::FINANCE_2), CardEvent::Finished { status: RequestStatus::Approved }),
            (member(Cast::CC_DONE), member(Cast::FINANCE_2), CardEvent::Copied),
        ]
    );
    let after = last.apply(&request(State::FinanceHalfDone), NOW);
    assert!(after.cc.iter().all(|cc| cc.notified));
    assert_eq!(after.steps[1].approvers[1].decided_at, Some(NOW));
}

#[test]
fn a_rejection_ends_the_request_and_cancels_later_steps() {
    let t = decide(&request(State::AtLeaders), &actor(Cast::LEADER_1), Decision::Reject, "no", NOW).expect("ok");
    assert_eq!(t.steps, vec![(0, StepStatus::Rejected), (1, StepStatus::Cancelled)]);
    assert_eq!((t.status, t.current_step, t.notify_cc), (RequestStatus::Rejected, None, None));
    let sent: Vec<_> = t.cards.iter().map(|c| (c.to, c.event)).collect();
    assert_eq!(sent, vec![(member(Cast::APPLICANT), CardEvent::Finished { status: RequestStatus::Rejected })]);
}

#[test]
fn withdrawing_cancels_the_open_steps_and_posts_no_card() {
    let t = withdraw(&request(State::AtFinance), &actor(Cast::APPLICANT), NOW).expect("ok");
    assert_eq!(t.steps, vec![(1, StepStatus::Cancelled)], "the approved leader step stays approved");
    assert_eq!((t.status, t.current_step), (RequestStatus::Withdrawn, None));
    assert!(t.cards.is_empty());
}

#[test]
fn starting_activates_the_first_step_or_approves_a_chain_left_without_steps() {
    let mut fresh = request(State::AtLeaders);
    fresh.current_step = None;
    fresh.steps.iter_mut().for_each(|s| s.status = StepStatus::Waiting);
    let t = start(&fresh, NOW);
    assert_eq!((t.steps.clone(), t.current_step), (vec![(0, StepStatus::Active)], Some(0)));
    let sent: Vec<_> = t.cards.iter().map(|c| (c.to, c.event)).collect();
    assert_eq!(
        sent,
        vec![
            (member(Cast::LEADER_1), CardEvent::AwaitingYou { step: 0 }),
            (member(Cast::LEADER_2), CardEvent::AwaitingYou { step: 0 }),
            (member(Cast::CC_SUBMIT), CardEvent::Copied),
        ]
    );
    fresh.steps.clear();
    let at_once = start(&fresh, NOW);
    assert_eq!((at_once.status, at_once.notify_cc), (RequestStatus::Approved, Some(CcWhen::Completion)));
    let sent: Vec<_> = at_once.cards.iter().map(|c| (c.to, c.event)).collect();
    assert_eq!(
        sent,
        vec![
            (member(Cast::APPLICANT), CardEvent::Finished { status: RequestStatus::Approved }),
            (member(Cast::CC_SUBMIT), CardEvent::Copied),
            (member(Cast::CC_DONE), CardEvent::Copied),
        ]
    );
}

#[test]
fn comments_are_required_when_alone_and_limited_in_length() {
    assert_eq!(check_comment("text", "  ", true), Err(FieldProblem::new("text", FieldRule::Required)));
    assert_eq!(check_comment("comment", "", false), Ok(()));
    let long = "字".repeat(MAX_TEXTAREA_CHARS + 1);
    assert!(matches!(check_comment("comment", &long, false), Err(FieldProblem { rule: FieldRule::Length { .. }, .. })));
}

#[test]
fn an_approver_who_leaves_is_replaced_or_skipped() {
    let admin = member(Cast::ADMIN);
    // Alone in a step: the stand-in takes it and, the step being current, is asked.
    let mut alone = request(State::AtLeaders);
    alone.steps[0].approvers.truncate(1);
    let t =
        release_departed(&alone, 0, (member(Cast::LEADER_1), "李一"), (admin, "管理员"), admin, NOW).expect("released");
    assert_eq!(
        t.approvers,
        vec![
            ApproverChange::Remove { step: 0, member: member(Cast::LEADER_1) },
            ApproverChange::StandIn { step: 0, member: admin }
        ]
    );
    assert_eq!(t.audit.comment, "李一 left; step 1 goes to 管理员");
    assert_eq!(
        t.cards.iter().map(|c| (c.to, c.event)).collect::<Vec<_>>(),
        vec![(admin, CardEvent::AwaitingYou { step: 0 })]
    );
    // The others of a current "all" step approved already: it is approved and the request moves on.
    let half = request(State::FinanceHalfDone);
    let t = release_departed(&half, 1, (member(Cast::FINANCE_2), "财二"), (admin, "管理员"), admin, NOW).expect("ok");
    assert_eq!(t.steps, vec![(1, StepStatus::Approved)]);
    assert_eq!(t.status, RequestStatus::Approved);
    assert_eq!(t.audit.comment, "财二 left; step 2 is approved by the others");
    // Others still to decide: they do.
    let t = release_departed(
        &request(State::AtFinance),
        1,
        (member(Cast::FINANCE_2), "财二"),
        (admin, "管理员"),
        admin,
        NOW,
    )
    .expect("ok");
    assert!(t.steps.is_empty() && t.cards.is_empty());
    assert_eq!(t.audit.comment, "财二 left step 2; the other approvers decide it");
    // Nothing to release once decided or finished.
    assert!(
        release_departed(&request(State::Approved), 1, (member(Cast::FINANCE_2), ""), (admin, ""), admin, NOW)
            .is_none()
    );
    assert!(release_departed(&half, 1, (member(Cast::FINANCE_1), ""), (admin, ""), admin, NOW).is_none());
}

#[test]
fn the_stand_in_is_the_active_fallback_approver_else_the_oldest_administrator() {
    let (fallback, departed, admin_1, admin_2) = (member(20), member(21), member(22), member(23));
    assert_eq!(stand_in(Some((fallback, true)), departed, &[admin_1]), Some(fallback));
    assert_eq!(stand_in(Some((fallback, false)), departed, &[admin_1, admin_2]), Some(admin_1));
    assert_eq!(stand_in(Some((departed, true)), departed, &[departed, admin_2]), Some(admin_2));
    assert_eq!(stand_in(None, departed, &[]), None);
}
