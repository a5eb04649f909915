//! Turns a template's approver chain into concrete steps for one applicant and form, over a
//! snapshot of the organisation ([`OrgChart`]). Pure: the store loads the chart and stores the
//! result when the request is submitted, so later directory changes do not move a request.
//!
//! Rules:
//! - Steps whose condition does not hold for the form are left out; the others keep their order.
//! - Only active members approve or are copied; each list keeps its first-seen order, no repeats.
//! - `DepartmentLeader { level }`: level 1 is the applicant's main department, level 2 its parent,
//!   and so on. When the applicant is the only active leader of that department, the walk goes on
//!   up to the next department (a team lead asking "my leader" means the leader above them).
//! - The applicant never approves their own request: they are removed from every step. A step left
//!   with nobody (no leader, no one with the role, a level above the root, only the applicant) goes
//!   to the template's fallback approver — it is never skipped. Only when the fallback approver is
//!   the applicant themself is that unavoidable, and the step is theirs (`fallback: true` shows it).
//! - A fallback approver who is not active makes the chain unresolvable ([`ChainError`]): the
//!   submit is refused until an administrator fixes the template.
//! - CC lists resolve the same sources, without fallback and without the applicant.

use std::collections::HashMap;
use weft_protocol::approval::{ApprovalMode, ApproverChain, ApproverSource, FormValues};
use weft_protocol::auth::Role;
use weft_protocol::{DepartmentId, MemberId};

/// A department as chain resolution needs it.
#[derive(Debug, Clone, Default)]
pub struct DepartmentNode {
    pub parent: Option<DepartmentId>,
    /// Its leaders (active or not; resolution filters).
    pub leaders: Vec<MemberId>,
}

/// A member as chain resolution needs it.
#[derive(Debug, Clone)]
pub struct MemberNode {
    pub main_department: DepartmentId,
    pub direct_leader: Option<MemberId>,
    pub role: Role,
    pub active: bool,
}

/// The organisation's tree, leaders, roles and statuses.
#[derive(Debug, Clone, Default)]
pub struct OrgChart {
    pub departments: HashMap<DepartmentId, DepartmentNode>,
    pub members: HashMap<MemberId, MemberNode>,
}

/// One concrete step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedStep {
    pub name: String,
    pub mode: ApprovalMode,
    pub approvers: Vec<MemberId>,
    /// The template's approvers resolved to nobody; the fallback approver stands in.
    pub fallback: bool,
}

/// The concrete chain of one request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResolvedChain {
    pub steps: Vec<ResolvedStep>,
    pub cc_on_submit: Vec<MemberId>,
    pub cc_on_completion: Vec<MemberId>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error("the applicant is not an active member")]
    UnknownApplicant,
    #[error("step {step:?} has no approver and the template's fallback approver is not an active member")]
    NoApprover { step: String },
}

impl OrgChart {
    fn is_active(&self, member: MemberId) -> bool {
        self.members.get(&member).is_some_and(|m| m.active)
    }

    fn active_leaders(&self, department: &DepartmentId) -> Vec<MemberId> {
        self.departments
            .get(department)
            .map(|d| d.leaders.iter().copied().filter(|m| self.is_active(*m)).collect())
            .unwrap_or_default()
    }

    /// The department `level` steps up from `from` (level 1 is `from`), if the tree goes that high.
    fn department_up(&self, from: &DepartmentId, level: u8) -> Option<DepartmentId> {
        let mut current = from.clone();
        for _ in 1..level {
            current = self.departments.get(&current)?.parent.clone()?;
        }
        self.departments.contains_key(&current).then_some(current)
    }

    /// Who a source names for this applicant (active members; may include the applicant).
    fn candidates(&self, source: &ApproverSource, applicant: MemberId) -> Vec<MemberId> {
        let Some(me) = self.members.get(&applicant) else { return Vec::new() };
        let found = match source {
            ApproverSource::Members { members } => members.clone(),
            ApproverSource::DirectLeader => me.direct_leader.into_iter().collect(),
            ApproverSource::DepartmentLeader { level } => {
                let mut department = self.department_up(&me.main_department, *level);
                let mut leaders = Vec::new();
                // Bounded by the tree's size, so a corrupt cycle cannot hang.
                for _ in 0..=self.departments.len() {
                    let Some(current) = department else { break };
                    leaders = self.active_leaders(&current);
                    if leaders != [applicant] {
                        break;
                    }
                    department = self.departments.get(&current).and_then(|d| d.parent.clone());
                    leaders = Vec::new();
                }
                leaders
            }
            ApproverSource::LeaderOf { department_id } => self.active_leaders(department_id),
            ApproverSource::Role { role } => {
                let mut members: Vec<MemberId> =
                    self.members.iter().filter(|(_, m)| m.role == *role).map(|(id, _)| *id).collect();
                members.sort();
                members
            }
        };
        let mut out = Vec::with_capacity(found.len());
        for member in found {
            if self.is_active(member) && !out.contains(&member) {
                out.push(member);
            }
        }
        out
    }
}

/// Resolves `chain` for `applicant` and their (validated) form.
pub fn resolve(
    chain: &ApproverChain,
    applicant: MemberId,
    form: &FormValues,
    org: &OrgChart,
) -> Result<ResolvedChain, ChainError> {
    if !org.is_active(applicant) {
        return Err(ChainError::UnknownApplicant);
    }
    let mut resolved = ResolvedChain::default();
    for step in &chain.steps {
        if step.condition.as_ref().is_some_and(|condition| !condition.holds(form)) {
            continue;
        }
        let mut approvers = org.candidates(&step.approvers, applicant);
        approvers.retain(|m| *m != applicant);
        let fallback = approvers.is_empty();
        if fallback {
            if !org.is_active(chain.fallback_approver) {
                return Err(ChainError::NoApprover { step: step.name.clone() });
            }
            approvers.push(chain.fallback_approver);
        }
        resolved.steps.push(ResolvedStep { name: step.name.clone(), mode: step.mode, approvers, fallback });
    }
    let cc = |sources: &[ApproverSource]| {
        let mut out: Vec<MemberId> = Vec::new();
        for member in sources.iter().flat_map(|source| org.candidates(source, applicant)) {
            if member != applicant && !out.contains(&member) {
                out.push(member);
            }
        }
        out
    };
    resolved.cc_on_submit = cc(&chain.cc_on_submit);
    resolved.cc_on_completion = cc(&chain.cc_on_completion);
    Ok(resolved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;
    use weft_protocol::approval::{CompareOp, Condition, Decimal, FieldValue, StepTemplate};

    fn m(n: u128) -> MemberId {
        MemberId(Uuid::from_u128(n))
    }

    const CEO: u128 = 1;
    const ENG_HEAD: u128 = 2;
    const FE_LEAD: u128 = 3;
    const DEV: u128 = 4;
    const ADMIN: u128 = 5;
    const FINANCE_A: u128 = 6;
    const FINANCE_B: u128 = 7;
    const FALLBACK: u128 = 8;
    const LONELY: u128 = 9;

    /// root (CEO) > eng (ENG_HEAD) > fe (FE_LEAD: DEV); root > finance (no leader: A, B);
    /// root > ops (no leader: LONELY, without a direct leader); ADMIN in root.
    fn org() -> OrgChart {
        let mut chart = OrgChart::default();
        for (id, parent, leaders) in [
            ("root", None, vec![m(CEO)]),
            ("eng", Some("root"), vec![m(ENG_HEAD)]),
            ("fe", Some("eng"), vec![m(FE_LEAD)]),
            ("finance", Some("root"), vec![]),
            ("ops", Some("root"), vec![]),
        ] {
            chart.departments.insert(id.into(), DepartmentNode { parent: parent.map(DepartmentId::from), leaders });
        }
        for (id, department, leader, role) in [
            (CEO, "root", None, Role::Member),
            (ENG_HEAD, "eng", Some(CEO), Role::Member),
            (FE_LEAD, "fe", Some(ENG_HEAD), Role::Member),
            (DEV, "fe", Some(FE_LEAD), Role::Member),
            (ADMIN, "root", Some(CEO), Role::Admin),
            (FINANCE_A, "finance", Some(CEO), Role::Member),
            (FINANCE_B, "finance", Some(CEO), Role::Member),
            (FALLBACK, "root", Some(CEO), Role::Member),
            (LONELY, "ops", None, Role::Member),
        ] {
            chart.members.insert(
                m(id),
                MemberNode { main_department: department.into(), direct_leader: leader.map(m), role, active: true },
            );
        }
        chart
    }

    fn step(name: &str, approvers: ApproverSource, mode: ApprovalMode) -> StepTemplate {
        StepTemplate { name: name.into(), approvers, mode, condition: None }
    }

    fn chain(steps: Vec<StepTemplate>) -> ApproverChain {
        ApproverChain { steps, cc_on_submit: vec![], cc_on_completion: vec![], fallback_approver: m(FALLBACK) }
    }

    fn approvers(resolved: &ResolvedChain) -> Vec<(Vec<MemberId>, bool)> {
        resolved.steps.iter().map(|s| (s.approvers.clone(), s.fallback)).collect()
    }

    fn level(level: u8) -> StepTemplate {
        step("leader", ApproverSource::DepartmentLeader { level }, ApprovalMode::AnyOne)
    }

    #[test]
    fn leaders_one_and_two_levels_up() {
        let org = org();
        let resolved =
            resolve(&chain(vec![level(1), level(2), level(3)]), m(DEV), &FormValues::new(), &org).expect("resolves");
        assert_eq!(
            approvers(&resolved),
            vec![(vec![m(FE_LEAD)], false), (vec![m(ENG_HEAD)], false), (vec![m(CEO)], false)]
        );
    }

    #[test]
    fn a_leader_asking_for_their_leader_gets_the_one_above() {
        let org = org();
        let resolved = resolve(&chain(vec![level(1)]), m(FE_LEAD), &FormValues::new(), &org).expect("resolves");
        assert_eq!(approvers(&resolved), vec![(vec![m(ENG_HEAD)], false)]);
    }

    #[test]
    fn nobody_to_approve_goes_to_the_fallback_never_skipped() {
        let org = org();
        // finance has no leader; level 4 is above the root; LONELY has no direct leader.
        let resolved =
            resolve(&chain(vec![level(1), level(4)]), m(FINANCE_A), &FormValues::new(), &org).expect("resolves");
        assert_eq!(approvers(&resolved), vec![(vec![m(FALLBACK)], true), (vec![m(FALLBACK)], true)]);
        let direct = step("direct", ApproverSource::DirectLeader, ApprovalMode::AnyOne);
        let resolved = resolve(&chain(vec![direct]), m(LONELY), &FormValues::new(), &org).expect("resolves");
        assert_eq!(approvers(&resolved), vec![(vec![m(FALLBACK)], true)]);
    }

    #[test]
    fn an_inactive_leader_counts_as_none() {
        let mut org = org();
        if let Some(lead) = org.members.get_mut(&m(FE_LEAD)) {
            lead.active = false;
        }
        let resolved = resolve(&chain(vec![level(1)]), m(DEV), &FormValues::new(), &org).expect("resolves");
        assert_eq!(approvers(&resolved), vec![(vec![m(FALLBACK)], true)]);
    }

    #[test]
    fn the_applicant_is_removed_and_only_approves_when_they_are_the_fallback() {
        let org = org();
        let admins = step("admins", ApproverSource::Role { role: Role::Admin }, ApprovalMode::AnyOne);
        let resolved = resolve(&chain(vec![admins.clone()]), m(ADMIN), &FormValues::new(), &org).expect("resolves");
        assert_eq!(approvers(&resolved), vec![(vec![m(FALLBACK)], true)], "an admin does not approve their own");
        let resolved = resolve(&chain(vec![admins]), m(FALLBACK), &FormValues::new(), &org).expect("resolves");
        assert_eq!(approvers(&resolved), vec![(vec![m(ADMIN)], false)]);
        let fixed = step("fixed", ApproverSource::Members { members: vec![m(FALLBACK)] }, ApprovalMode::AnyOne);
        let resolved = resolve(&chain(vec![fixed]), m(FALLBACK), &FormValues::new(), &org).expect("resolves");
        assert_eq!(approvers(&resolved), vec![(vec![m(FALLBACK)], true)], "unavoidable: the fallback applies");
    }

    #[test]
    fn an_inactive_fallback_refuses_the_chain() {
        let mut org = org();
        if let Some(fallback) = org.members.get_mut(&m(FALLBACK)) {
            fallback.active = false;
        }
        let error = resolve(&chain(vec![level(1)]), m(FINANCE_A), &FormValues::new(), &org).expect_err("refused");
        assert_eq!(error, ChainError::NoApprover { step: "leader".into() });
        assert_eq!(
            resolve(&chain(vec![level(1)]), m(999), &FormValues::new(), &org),
            Err(ChainError::UnknownApplicant)
        );
    }

    #[test]
    fn conditional_steps_follow_the_money_and_modes_are_kept() {
        let org = org();
        let mut finance =
            step("finance", ApproverSource::Members { members: vec![m(FINANCE_A), m(FINANCE_B)] }, ApprovalMode::All);
        finance.condition = Some(Condition::Compare {
            control_id: "amount".into(),
            op: CompareOp::Gt,
            value: Decimal::parse("10000.00").expect("decimal"),
        });
        let template = chain(vec![step("direct", ApproverSource::DirectLeader, ApprovalMode::AnyOne), finance]);
        let amount = |cents| FormValues::from([("amount".to_owned(), FieldValue::Money(cents))]);
        let small = resolve(&template, m(DEV), &amount(1_000_000), &org).expect("resolves");
        assert_eq!(approvers(&small), vec![(vec![m(FE_LEAD)], false)]);
        let large = resolve(&template, m(DEV), &amount(1_000_001), &org).expect("resolves");
        assert_eq!(approvers(&large), vec![(vec![m(FE_LEAD)], false), (vec![m(FINANCE_A), m(FINANCE_B)], false)]);
        assert_eq!(
            large.steps.iter().map(|s| s.mode).collect::<Vec<_>>(),
            vec![ApprovalMode::AnyOne, ApprovalMode::All]
        );
    }

    #[test]
    fn role_steps_and_cc_lists() {
        let org = org();
        let mut template = chain(vec![step("admin", ApproverSource::Role { role: Role::Admin }, ApprovalMode::All)]);
        template.cc_on_submit = vec![ApproverSource::DirectLeader, ApproverSource::Members { members: vec![m(DEV)] }];
        template.cc_on_completion = vec![ApproverSource::LeaderOf { department_id: "eng".into() }];
        let resolved = resolve(&template, m(DEV), &FormValues::new(), &org).expect("resolves");
        assert_eq!(approvers(&resolved), vec![(vec![m(ADMIN)], false)]);
        assert_eq!(resolved.cc_on_submit, vec![m(FE_LEAD)], "the applicant is not copied to themself");
        assert_eq!(resolved.cc_on_completion, vec![m(ENG_HEAD)]);
    }
}
