//! The life of an approval request after submit, over the plain [`ApprovalRequest`] the store
//! loads: who may read it, starting its first step, deciding (any one / all, a rejection ends
//! it, the last approval approves it, CC on completion), withdrawing, commenting, an approver
//! leaving, and the cards each change posts. Every action returns a [`Transition`] — what to
//! write — or a typed [`ApprovalRefusal`]; [`Transition::apply`] shows the request afterwards.

use weft_protocol::approval::{
    ApprovalMode, ApprovalRequest, AuditAction, CardEvent, CcWhen, Decision, MAX_TEXTAREA_CHARS, RequestStatus,
    StepStatus,
};
use weft_protocol::{ApprovalRefusal, FieldProblem, FieldRule, MemberId, Millis};

use crate::domain::Actor;

/// One approver's decision to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApproverDecision {
    pub step: u32,
    pub member: MemberId,
    pub decision: Decision,
    pub comment: String,
}

/// A card to post in `to`'s Approvals conversation, sent in `sender`'s name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardToPost {
    pub to: MemberId,
    pub sender: MemberId,
    pub event: CardEvent,
}

/// The audit entry an action appends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub actor: MemberId,
    pub action: AuditAction,
    pub step: Option<u32>,
    pub comment: String,
}

/// A change to who approves a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApproverChange {
    /// The member's undecided place in the step is removed.
    Remove { step: u32, member: MemberId },
    /// The member takes a step left with nobody (the step becomes a fallback step).
    StandIn { step: u32, member: MemberId },
}

/// What an action changes, for the store to write in one transaction (with the audit entry, the
/// feed rows for every reader and the cards).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// A decision to record on the actor's place.
    pub decision: Option<ApproverDecision>,
    /// Places removed or added (an approver who left, and who stands in).
    pub approvers: Vec<ApproverChange>,
    /// Steps whose status changes, in order, with their new status.
    pub steps: Vec<(u32, StepStatus)>,
    /// The request's status and current step afterwards.
    pub status: RequestStatus,
    pub current_step: Option<u32>,
    /// CC entries of this phase become notified (the completion list on approval).
    pub notify_cc: Option<CcWhen>,
    pub audit: AuditRecord,
    /// Cards to post, comparing the request before and after.
    pub cards: Vec<CardToPost>,
}

impl Transition {
    fn unchanged(request: &ApprovalRequest, audit: AuditRecord) -> Self {
        Self {
            decision: None,
            approvers: Vec::new(),
            steps: Vec::new(),
            status: request.status,
            current_step: request.current_step,
            notify_cc: None,
            audit,
            cards: Vec::new(),
        }
    }

    /// The request as it is after this transition (without the new audit entry).
    pub fn apply(&self, request: &ApprovalRequest, now: Millis) -> ApprovalRequest {
        let mut after = request.clone();
        for change in &self.approvers {
            match *change {
                ApproverChange::Remove { step, member } => {
                    if let Some(state) = after.steps.get_mut(step as usize) {
                        state.approvers.retain(|a| a.member_id != member || a.decision.is_some());
                    }
                }
                ApproverChange::StandIn { step, member } => {
                    if let Some(state) = after.steps.get_mut(step as usize) {
                        state.approvers.insert(
                            0,
                            weft_protocol::approval::ApproverState {
                                member_id: member,
                                name: String::new(),
                                decision: None,
                                decided_at: None,
                                comment: None,
                            },
                        );
                        state.fallback = true;
                    }
                }
            }
        }
        if let Some(decision) = &self.decision
            && let Some(place) = after
                .steps
                .get_mut(decision.step as usize)
                .and_then(|s| s.approvers.iter_mut().find(|a| a.member_id == decision.member))
        {
            place.decision = Some(decision.decision);
            place.decided_at = Some(now);
            place.comment = Some(decision.comment.clone()).filter(|c| !c.is_empty());
        }
        for (step, status) in &self.steps {
            if let Some(state) = after.steps.get_mut(*step as usize) {
                state.status = *status;
            }
        }
        after.status = self.status;
        after.current_step = self.current_step;
        if let Some(phase) = self.notify_cc {
            after.cc.iter_mut().filter(|cc| cc.when == phase).for_each(|cc| cc.notified = true);
        }
        after
    }

    /// Moves on from a finished `step`: the next step becomes active, or the request is approved
    /// (notifying the completion CC list) when there is none.
    fn advance_past(&mut self, request: &ApprovalRequest, step: Option<u32>) {
        let next = step.map_or(0, |s| s + 1);
        if (next as usize) < request.steps.len() {
            self.steps.push((next, StepStatus::Active));
            self.status = RequestStatus::InReview;
            self.current_step = Some(next);
        } else {
            self.status = RequestStatus::Approved;
            self.current_step = None;
            self.notify_cc = Some(CcWhen::Completion);
        }
    }

    /// Fills in the cards, comparing `before` (`None` on submission) with the result.
    fn with_cards(mut self, before: Option<&ApprovalRequest>, request: &ApprovalRequest, now: Millis) -> Self {
        let after = self.apply(request, now);
        self.cards = cards(before, &after, self.audit.actor);
        self
    }
}

/// Members who may read the request besides administrators: the applicant, the approvers of
/// every step and the CC'd members already notified. These hear of every change.
pub fn readers(request: &ApprovalRequest) -> Vec<MemberId> {
    let mut readers = vec![request.applicant_id];
    readers.extend(request.steps.iter().flat_map(|s| s.approvers.iter().map(|a| a.member_id)));
    readers.extend(request.cc.iter().filter(|cc| cc.notified).map(|cc| cc.member_id));
    readers.sort();
    readers.dedup();
    readers
}

/// Whether `actor` may read the request: its readers and administrators. Anyone else is told
/// it does not exist.
pub fn may_read(request: &ApprovalRequest, actor: &Actor) -> bool {
    actor.is_admin() || readers(request).contains(&actor.id)
}

fn readable(request: &ApprovalRequest, actor: &Actor) -> Result<(), ApprovalRefusal> {
    if may_read(request, actor) { Ok(()) } else { Err(ApprovalRefusal::NotFound) }
}

/// Starts a request just stored with every step waiting: its first step becomes active, or it
/// is approved at once when conditions left no step. Cards: "awaiting you" to the first step's
/// approvers, "copied" to the CC list notified on submission (and the completion list when it is
/// approved at once), "finished" to the applicant when approved at once.
pub fn start(request: &ApprovalRequest, now: Millis) -> Transition {
    let audit =
        AuditRecord { actor: request.applicant_id, action: AuditAction::Submitted, step: None, comment: String::new() };
    let mut transition = Transition::unchanged(request, audit);
    transition.advance_past(request, None);
    transition.with_cards(None, request, now)
}

/// A comment, or a decision's note: the problem with it, if any (`field` names it).
pub fn check_comment(field: &str, text: &str, required: bool) -> Result<(), FieldProblem> {
    if required && text.trim().is_empty() {
        return Err(FieldProblem::new(field, FieldRule::Required));
    }
    if text.chars().count() > MAX_TEXTAREA_CHARS {
        let max = u32::try_from(MAX_TEXTAREA_CHARS).unwrap_or(u32::MAX);
        return Err(FieldProblem::new(field, FieldRule::Length { min: u32::from(required), max }));
    }
    Ok(())
}

/// Approve or reject by an approver of the current step.
///
/// Refused: `NotFound` for members who may not read it; `NotAnApprover` for readers who approve
/// no step; `Withdrawn` / `RequestFinished` when it is over; `AlreadyDecided` when the actor
/// decided this step (an "all" step waiting for the others) or their earlier step;
/// `StepNotStarted` when their step comes later; `AlreadyDecidedByOther` when someone else's
/// approval finished their "any one" step; `StepFinished` when it finished without them.
pub fn decide(
    request: &ApprovalRequest,
    actor: &Actor,
    decision: Decision,
    comment: &str,
    now: Millis,
) -> Result<Transition, ApprovalRefusal> {
    readable(request, actor)?;
    let mine: Vec<(u32, Option<Decision>)> = request
        .steps
        .iter()
        .zip(0u32..)
        .filter_map(|(step, index)| {
            step.approvers.iter().find(|a| a.member_id == actor.id).map(|place| (index, place.decision))
        })
        .collect();
    let Some(&(first_step, first_decision)) = mine.first() else { return Err(ApprovalRefusal::NotAnApprover) };
    let current = match (request.status, request.current_step) {
        (RequestStatus::InReview, Some(current)) => current,
        (RequestStatus::Withdrawn, _) => return Err(ApprovalRefusal::Withdrawn),
        (status, _) => return Err(ApprovalRefusal::RequestFinished { status }),
    };
    let step_name = |step: u32| request.steps.get(step as usize).map(|s| s.name.clone()).unwrap_or_default();
    match mine.iter().find(|(step, _)| *step == current) {
        Some(&(_, Some(decided))) => {
            return Err(ApprovalRefusal::AlreadyDecided {
                step: current,
                step_name: step_name(current),
                decision: decided,
                current_step: Some(current),
            });
        }
        Some(_) => {}
        None => return Err(refuse_other_step(request, first_step, first_decision, current)),
    }
    let mut transition = Transition::unchanged(
        request,
        AuditRecord {
            actor: actor.id,
            action: if decision == Decision::Reject { AuditAction::Rejected } else { AuditAction::Approved },
            step: Some(current),
            comment: comment.to_owned(),
        },
    );
    transition.decision =
        Some(ApproverDecision { step: current, member: actor.id, decision, comment: comment.to_owned() });
    match decision {
        Decision::Reject => {
            transition.steps.push((current, StepStatus::Rejected));
            let count = u32::try_from(request.steps.len()).unwrap_or(u32::MAX);
            transition.steps.extend((current + 1..count).map(|later| (later, StepStatus::Cancelled)));
            transition.status = RequestStatus::Rejected;
            transition.current_step = None;
        }
        Decision::Approve => {
            let step = &request.steps[current as usize];
            let others_pending = step.approvers.iter().any(|a| a.member_id != actor.id && a.decision.is_none());
            if step.mode == ApprovalMode::AnyOne || !others_pending {
                transition.steps.push((current, StepStatus::Approved));
                transition.advance_past(request, Some(current));
            }
        }
    }
    Ok(transition.with_cards(Some(request), request, now))
}

/// Why an approver may not decide: their (first) step is not the current one.
fn refuse_other_step(request: &ApprovalRequest, step: u32, decided: Option<Decision>, current: u32) -> ApprovalRefusal {
    let state = &request.steps[step as usize];
    let step_name = state.name.clone();
    if step > current {
        return ApprovalRefusal::StepNotStarted { step, step_name, current_step: current };
    }
    if let Some(decision) = decided {
        return ApprovalRefusal::AlreadyDecided { step, step_name, decision, current_step: Some(current) };
    }
    let first_decider = state.approvers.iter().filter(|a| a.decision.is_some()).min_by_key(|a| a.decided_at);
    match first_decider {
        Some(by) if state.mode == ApprovalMode::AnyOne => ApprovalRefusal::AlreadyDecidedByOther {
            step,
            step_name,
            by: by.member_id,
            by_name: name_in_audit(request, by.member_id),
            current_step: current,
        },
        _ => ApprovalRefusal::StepFinished { step, step_name, current_step: current },
    }
}

/// A member's name as the request's audit trail recorded it.
fn name_in_audit(request: &ApprovalRequest, member: MemberId) -> String {
    request
        .audit
        .iter()
        .find(|entry| entry.actor_id == member)
        .map(|entry| entry.actor_name.clone())
        .unwrap_or_default()
}

/// The applicant withdraws their request while it is in review: its open steps are cancelled.
pub fn withdraw(request: &ApprovalRequest, actor: &Actor, now: Millis) -> Result<Transition, ApprovalRefusal> {
    readable(request, actor)?;
    if request.applicant_id != actor.id {
        return Err(ApprovalRefusal::NotTheApplicant);
    }
    if request.status != RequestStatus::InReview {
        return Err(ApprovalRefusal::NotInReview { status: request.status });
    }
    let audit = AuditRecord { actor: actor.id, action: AuditAction::Withdrawn, step: None, comment: String::new() };
    let mut transition = Transition::unchanged(request, audit);
    transition.steps = (0u32..)
        .zip(&request.steps)
        .filter(|(_, s)| matches!(s.status, StepStatus::Active | StepStatus::Waiting))
        .map(|(i, _)| (i, StepStatus::Cancelled))
        .collect();
    transition.status = RequestStatus::Withdrawn;
    transition.current_step = None;
    Ok(transition.with_cards(Some(request), request, now))
}

/// A comment by anyone who may read the request (the text already checked, trimmed here).
pub fn comment(request: &ApprovalRequest, actor: &Actor, text: &str) -> Result<Transition, ApprovalRefusal> {
    readable(request, actor)?;
    let audit =
        AuditRecord { actor: actor.id, action: AuditAction::Commented, step: None, comment: text.trim().to_owned() };
    Ok(Transition::unchanged(request, audit))
}

/// Who takes a step nobody is left to decide when its approver leaves: the template's fallback
/// approver when active and not the one who left, else the longest-standing active
/// administrator (`admins`, oldest first).
pub fn stand_in(fallback: Option<(MemberId, bool)>, departed: MemberId, admins: &[MemberId]) -> Option<MemberId> {
    match fallback {
        Some((member, true)) if member != departed => Some(member),
        _ => admins.iter().copied().find(|admin| *admin != departed),
    }
}

/// `departed` (disabled or deleted by `actor`) leaves their undecided place in `step` of a
/// request in review: a step left with nobody goes to `stand_in` (marked as a fallback step); a
/// current step whose other approvers all approved is approved and the request moves on;
/// otherwise the others decide. `names` gives the audit comment's wording. `None` when the
/// member has no undecided place there (nothing to do).
pub fn release_departed(
    request: &ApprovalRequest,
    step: u32,
    departed: (MemberId, &str),
    stand_in: (MemberId, &str),
    actor: MemberId,
    now: Millis,
) -> Option<Transition> {
    let state = request.steps.get(step as usize)?;
    let (departed, departed_name) = departed;
    let open = matches!(state.status, StepStatus::Active | StepStatus::Waiting);
    let undecided_place = state.approvers.iter().any(|a| a.member_id == departed && a.decision.is_none());
    if request.status != RequestStatus::InReview || !open || !undecided_place {
        return None;
    }
    let others: Vec<_> = state.approvers.iter().filter(|a| a.member_id != departed).collect();
    let current = request.current_step == Some(step);
    let mut transition = Transition::unchanged(
        request,
        AuditRecord { actor, action: AuditAction::Reassigned, step: Some(step), comment: String::new() },
    );
    transition.approvers.push(ApproverChange::Remove { step, member: departed });
    let number = step + 1;
    transition.audit.comment = if others.is_empty() {
        transition.approvers.push(ApproverChange::StandIn { step, member: stand_in.0 });
        format!("{departed_name} left; step {number} goes to {}", stand_in.1)
    } else if current && others.iter().all(|a| a.decision.is_some()) {
        transition.steps.push((step, StepStatus::Approved));
        transition.advance_past(request, Some(step));
        format!("{departed_name} left; step {number} is approved by the others")
    } else {
        format!("{departed_name} left step {number}; the other approvers decide it")
    };
    let mut transition = transition.with_cards(Some(request), request, now);
    // The stand-in of the current step is asked too (the step did not change, so the comparison
    // above does not).
    if others.is_empty() && current {
        transition.cards.push(CardToPost {
            to: stand_in.0,
            sender: request.applicant_id,
            event: CardEvent::AwaitingYou { step },
        });
    }
    Some(transition)
}

/// The cards a change posts, comparing the request before (`None`: just submitted) and after:
/// "awaiting you" to the undecided approvers of a step that became current (in the applicant's
/// name); "finished" to the applicant when it was approved or rejected (in the actor's name);
/// "copied" to the CC'd members notified by submission, or the completion list on approval.
pub fn cards(before: Option<&ApprovalRequest>, after: &ApprovalRequest, actor: MemberId) -> Vec<CardToPost> {
    let was = before.map(|b| (b.status, b.current_step));
    let mut cards = Vec::new();
    let finished = match (after.status, after.current_step) {
        (RequestStatus::InReview, Some(step)) if was != Some((RequestStatus::InReview, Some(step))) => {
            let approvers = after.steps.get(step as usize).map(|s| s.approvers.as_slice()).unwrap_or_default();
            cards.extend(approvers.iter().filter(|a| a.decision.is_none()).map(|a| CardToPost {
                to: a.member_id,
                sender: after.applicant_id,
                event: CardEvent::AwaitingYou { step },
            }));
            None
        }
        (status @ (RequestStatus::Approved | RequestStatus::Rejected), _)
            if was.is_none_or(|(old, _)| old == RequestStatus::InReview) =>
        {
            cards.push(CardToPost { to: after.applicant_id, sender: actor, event: CardEvent::Finished { status } });
            Some(status)
        }
        _ => None,
    };
    let mut copied: Vec<MemberId> = after
        .cc
        .iter()
        .filter(|cc| {
            cc.notified
                && (was.is_none() || (finished == Some(RequestStatus::Approved) && cc.when == CcWhen::Completion))
        })
        .map(|cc| cc.member_id)
        .collect();
    copied.sort();
    copied.dedup();
    cards.extend(copied.into_iter().map(|to| CardToPost { to, sender: actor, event: CardEvent::Copied }));
    cards
}

#[cfg(test)]
#[path = "workflow_tests.rs"]
mod tests;
