//! Who may see whom in the directory: the one place the rules live. The store loads the facts
//! (the department tree, the rules, members' departments and roles) into an [`OrgModel`]; every
//! directory response, search, member detail, `GET /members` and the change feed ask it.
//!
//! The rules:
//! - Administrators see everyone; everyone sees themselves; deleted members are seen by nobody.
//! - A **department scope** on department D lists departments. A member of D — or of a
//!   sub-department of D without a scope of its own (the nearest scoped ancestor wins) — sees only
//!   members of the listed departments and their sub-departments. A member of several departments
//!   sees the union of what each allows; one department without any scope above it means no limit.
//! - A **hidden member** is seen only by members of the allowed departments (with their
//!   sub-departments), the allowed members, administrators and themselves.
//! - Departments: a limited viewer sees the departments inside their scope and the ancestors of
//!   those (so the tree can be drawn from the root); others see every department.

use std::collections::{BTreeSet, HashMap, HashSet};
use weft_protocol::directory::MemberDepartment;
use weft_protocol::{DepartmentId, MemberId};

/// What the model needs to know about one member.
#[derive(Debug, Clone)]
pub struct MemberFacts {
    /// In the member's order; the main department is among them.
    pub departments: Vec<MemberDepartment>,
    pub admin: bool,
    /// Deleted members are in nobody's directory.
    pub deleted: bool,
}

/// What a viewer's scope allows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    All,
    /// Members of these departments' sub-trees.
    Within(BTreeSet<DepartmentId>),
}

/// Everything that decides what a viewer sees, apart from themselves: viewers with equal keys
/// see the same people, so work is done once per key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ViewerKey {
    pub admin: bool,
    pub scope: Scope,
    /// The hidden members this viewer is allowed to see.
    pub allowed_hidden: BTreeSet<MemberId>,
}

/// A viewer, resolved once per request.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub id: MemberId,
    pub key: ViewerKey,
}

/// Who may see a hidden member besides administrators and themselves.
#[derive(Debug, Clone, Default)]
pub struct HiddenAllow {
    pub departments: Vec<DepartmentId>,
    pub members: HashSet<MemberId>,
}

/// The facts the rules are decided from. `members` may hold every member (for snapshots and
/// diffs) or only those a request concerns.
#[derive(Debug, Clone, Default)]
pub struct OrgModel {
    pub parent: HashMap<DepartmentId, Option<DepartmentId>>,
    /// Departments with a scope, and the departments they allow.
    pub scopes: HashMap<DepartmentId, Vec<DepartmentId>>,
    pub hidden: HashMap<MemberId, HiddenAllow>,
    pub members: HashMap<MemberId, MemberFacts>,
}

/// Members and departments a key may see (the viewer themself is added by the caller).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VisibleSets {
    pub members: HashSet<MemberId>,
    pub departments: HashSet<DepartmentId>,
}

/// How one viewer's directory changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewerDiff {
    pub lost_members: Vec<MemberId>,
    pub gained_members: Vec<MemberId>,
    pub lost_departments: Vec<DepartmentId>,
    pub gained_departments: Vec<DepartmentId>,
}

impl ViewerDiff {
    pub fn is_empty(&self) -> bool {
        self.size() == 0
    }

    pub fn size(&self) -> usize {
        self.lost_members.len()
            + self.gained_members.len()
            + self.lost_departments.len()
            + self.gained_departments.len()
    }
}

impl OrgModel {
    /// `department` and its ancestors, nearest first (bounded, so a corrupt cycle cannot hang).
    pub fn ancestors_or_self<'a>(&'a self, department: &'a DepartmentId) -> impl Iterator<Item = &'a DepartmentId> {
        let limit = self.parent.len() + 1;
        std::iter::successors(Some(department), move |d| self.parent.get(*d).and_then(Option::as_ref)).take(limit)
    }

    /// Whether `department` is one of `roots` or below one of them.
    pub fn is_within(&self, department: &DepartmentId, roots: &BTreeSet<DepartmentId>) -> bool {
        !roots.is_empty() && self.ancestors_or_self(department).any(|d| roots.contains(d))
    }

    /// The scope of a member of these departments.
    pub fn scope_of(&self, departments: &[MemberDepartment]) -> Scope {
        let mut roots = BTreeSet::new();
        for membership in departments {
            match self.ancestors_or_self(&membership.department_id).find_map(|d| self.scopes.get(d)) {
                Some(allowed) => roots.extend(allowed.iter().cloned()),
                None => return Scope::All,
            }
        }
        if departments.is_empty() {
            // A member in no department (not normally possible) is limited to themselves.
            return Scope::Within(BTreeSet::new());
        }
        Scope::Within(roots)
    }

    /// The key of a viewer with these facts.
    pub fn key_of(&self, id: MemberId, facts: &MemberFacts) -> ViewerKey {
        let allowed_hidden = self
            .hidden
            .iter()
            .filter(|(_, allow)| {
                allow.members.contains(&id)
                    || facts
                        .departments
                        .iter()
                        .any(|m| self.ancestors_or_self(&m.department_id).any(|d| allow.departments.contains(d)))
            })
            .map(|(hidden, _)| *hidden)
            .collect();
        ViewerKey {
            admin: facts.admin,
            scope: if facts.admin { Scope::All } else { self.scope_of(&facts.departments) },
            allowed_hidden,
        }
    }

    /// The viewer `id`, whose facts must be loaded; `None` when they are not.
    pub fn viewer(&self, id: MemberId) -> Option<Viewer> {
        self.members.get(&id).map(|facts| Viewer { id, key: self.key_of(id, facts) })
    }

    /// Whether a viewer with `key` (who is not `member`) sees `member`.
    fn key_sees(&self, key: &ViewerKey, member: MemberId, facts: &MemberFacts) -> bool {
        if facts.deleted {
            return false;
        }
        if key.admin {
            return true;
        }
        if self.hidden.contains_key(&member) && !key.allowed_hidden.contains(&member) {
            return false;
        }
        match &key.scope {
            Scope::All => true,
            Scope::Within(roots) => facts.departments.iter().any(|m| self.is_within(&m.department_id, roots)),
        }
    }

    /// Whether `viewer` sees `member` (whose facts must be loaded; unknown members are unseen).
    pub fn can_see(&self, viewer: &Viewer, member: MemberId) -> bool {
        match self.members.get(&member) {
            Some(facts) if member == viewer.id => !facts.deleted,
            Some(facts) => self.key_sees(&viewer.key, member, facts),
            None => false,
        }
    }

    fn key_sees_department(&self, key: &ViewerKey, department: &DepartmentId) -> bool {
        if !self.parent.contains_key(department) {
            return false;
        }
        match &key.scope {
            Scope::All => true,
            Scope::Within(roots) => {
                self.is_within(department, roots)
                    || roots.iter().any(|r| self.ancestors_or_self(r).any(|a| a == department))
            }
        }
    }

    /// Whether `viewer` sees the department.
    pub fn can_see_department(&self, viewer: &Viewer, department: &DepartmentId) -> bool {
        self.key_sees_department(&viewer.key, department)
    }

    /// What a key sees, over every loaded member and department.
    pub fn visible_for(&self, key: &ViewerKey) -> VisibleSets {
        VisibleSets {
            members: self
                .members
                .iter()
                .filter(|(id, facts)| self.key_sees(key, **id, facts))
                .map(|(id, _)| *id)
                .collect(),
            departments: self.parent.keys().filter(|d| self.key_sees_department(key, d)).cloned().collect(),
        }
    }
}

/// How each viewer's directory changed between two complete models (before and after a write).
/// Viewers whose directory did not change are left out. Work is done once per pair of keys.
pub fn diff_viewers(before: &OrgModel, after: &OrgModel, viewers: &[MemberId]) -> Vec<(MemberId, ViewerDiff)> {
    let mut sets_before: HashMap<ViewerKey, VisibleSets> = HashMap::new();
    let mut sets_after: HashMap<ViewerKey, VisibleSets> = HashMap::new();
    let mut diffs: HashMap<(ViewerKey, ViewerKey), ViewerDiff> = HashMap::new();
    let mut out = Vec::new();
    for &viewer in viewers {
        let (Some(facts_before), Some(facts_after)) = (before.members.get(&viewer), after.members.get(&viewer)) else {
            // A member who did not exist before has no copy to correct.
            continue;
        };
        let key_before = before.key_of(viewer, facts_before);
        let key_after = after.key_of(viewer, facts_after);
        let pair = (key_before, key_after);
        if !diffs.contains_key(&pair) {
            let b = sets_before.entry(pair.0.clone()).or_insert_with(|| before.visible_for(&pair.0)).clone();
            let a = sets_after.entry(pair.1.clone()).or_insert_with(|| after.visible_for(&pair.1));
            let mut diff = ViewerDiff {
                lost_members: b.members.difference(&a.members).copied().collect(),
                gained_members: a.members.difference(&b.members).copied().collect(),
                lost_departments: b.departments.difference(&a.departments).cloned().collect(),
                gained_departments: a.departments.difference(&b.departments).cloned().collect(),
            };
            diff.lost_members.sort();
            diff.gained_members.sort();
            diff.lost_departments.sort();
            diff.gained_departments.sort();
            diffs.insert(pair.clone(), diff);
        }
        let mut diff = diffs.get(&pair).cloned().unwrap_or_default();
        // A viewer always sees themself, whatever the rules say.
        diff.lost_members.retain(|m| *m != viewer);
        diff.gained_members.retain(|m| *m != viewer);
        if !diff.is_empty() {
            out.push((viewer, diff));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn dept(id: &str) -> DepartmentId {
        DepartmentId(id.to_owned())
    }

    fn member(n: u128) -> MemberId {
        MemberId(Uuid::from_u128(n))
    }

    /// root ── eng ── fe
    ///      └─ fin
    fn model() -> OrgModel {
        let mut model = OrgModel::default();
        model.parent.insert(dept("root"), None);
        model.parent.insert(dept("eng"), Some(dept("root")));
        model.parent.insert(dept("fe"), Some(dept("eng")));
        model.parent.insert(dept("fin"), Some(dept("root")));
        for (n, d, admin) in [(1, "fe", false), (2, "eng", false), (3, "fin", false), (4, "root", true)] {
            model.members.insert(
                member(n),
                MemberFacts {
                    departments: vec![MemberDepartment { department_id: dept(d), is_leader: false }],
                    admin,
                    deleted: false,
                },
            );
        }
        model
    }

    fn sees(model: &OrgModel, viewer: u128, target: u128) -> bool {
        let viewer = model.viewer(member(viewer)).expect("viewer");
        model.can_see(&viewer, member(target))
    }

    #[test]
    fn without_rules_everyone_sees_everyone() {
        let model = model();
        for v in 1..=4 {
            for t in 1..=4 {
                assert!(sees(&model, v, t), "{v} → {t}");
            }
        }
    }

    #[test]
    fn a_scope_applies_to_sub_departments_and_the_nearest_scope_wins() {
        let mut model = model();
        model.scopes.insert(dept("eng"), vec![dept("eng")]);
        assert!(sees(&model, 1, 2), "fe is inside eng, which sees eng");
        assert!(!sees(&model, 1, 3));
        assert!(!sees(&model, 2, 3));
        assert!(sees(&model, 3, 1), "fin has no rule");
        assert!(sees(&model, 4, 3), "admins see everyone");
        model.scopes.insert(dept("fe"), vec![dept("fin")]);
        assert!(!sees(&model, 1, 2), "fe's own scope overrides eng's");
        assert!(sees(&model, 1, 3));
        assert!(sees(&model, 1, 1), "everyone sees themself");
        let viewer = model.viewer(member(1)).expect("viewer");
        assert!(model.can_see_department(&viewer, &dept("root")), "ancestors of the scope are drawn");
        assert!(model.can_see_department(&viewer, &dept("fin")));
        assert!(!model.can_see_department(&viewer, &dept("eng")));
    }

    #[test]
    fn several_departments_see_the_union() {
        let mut model = model();
        model.scopes.insert(dept("eng"), vec![dept("eng")]);
        model.scopes.insert(dept("fin"), vec![dept("fin")]);
        if let Some(facts) = model.members.get_mut(&member(1)) {
            facts.departments.push(MemberDepartment { department_id: dept("fin"), is_leader: false });
        }
        assert!(sees(&model, 1, 2) && sees(&model, 1, 3));
        assert!(!sees(&model, 2, 3));
    }

    #[test]
    fn hidden_members_are_seen_only_by_the_allowed() {
        let mut model = model();
        model
            .hidden
            .insert(member(3), HiddenAllow { departments: vec![dept("eng")], members: HashSet::from([member(2)]) });
        assert!(sees(&model, 1, 3), "fe is inside the allowed eng");
        assert!(sees(&model, 2, 3));
        model.hidden.insert(member(3), HiddenAllow { departments: vec![], members: HashSet::from([member(2)]) });
        assert!(!sees(&model, 1, 3));
        assert!(sees(&model, 2, 3));
        assert!(sees(&model, 3, 3));
        assert!(sees(&model, 4, 3));
    }

    #[test]
    fn diffs_list_what_each_viewer_lost_and_gained() {
        let before = model();
        let mut after = model();
        after.scopes.insert(dept("eng"), vec![dept("eng")]);
        let viewers: Vec<MemberId> = (1..=4).map(member).collect();
        let diffs = diff_viewers(&before, &after, &viewers);
        let who: Vec<MemberId> = diffs.iter().map(|(v, _)| *v).collect();
        assert_eq!(who, vec![member(1), member(2)]);
        for (_, diff) in &diffs {
            // fin's member and the administrator in the root are outside eng.
            assert_eq!(diff.lost_members, vec![member(3), member(4)]);
            assert!(diff.gained_members.is_empty());
            assert_eq!(diff.lost_departments, vec![dept("fin")]);
        }
        let back = diff_viewers(&after, &before, &viewers);
        assert_eq!(back[0].1.gained_members, vec![member(3), member(4)]);
    }
}
