//! The device's copy of the organisation directory (what the server lets this member see) and
//! searching it: departments as a tree, members by id, and a ranked search over the server-made
//! search keys (name, pinyin full spelling and initials, alias, account, email, position) that
//! runs on every keystroke, offline included.

use std::collections::HashMap;
use weft_protocol::directory::{Department, DirectoryMember, MemberStatus, normalize_query};
use weft_protocol::{DepartmentId, MemberId};

/// How well a member matched a query; lower is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MatchRank {
    /// A key is exactly the query ("zs" for 张三).
    Exact,
    /// A key starts with it.
    Prefix,
    /// A key contains it.
    Contains,
}

/// One search result: who, how well, and where in which key it matched (for highlighting).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub member_id: MemberId,
    pub rank: MatchRank,
    /// The key that matched best (the display name's own key comes first among equals).
    pub key: String,
    /// Byte offset of the match inside `key`.
    pub at: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directory {
    departments: Vec<Department>,
    members: HashMap<MemberId, DirectoryMember>,
}

impl Directory {
    pub fn new(mut departments: Vec<Department>, members: Vec<DirectoryMember>) -> Self {
        departments.sort_by(sibling_order);
        Self { departments, members: members.into_iter().map(|m| (m.id, m)).collect() }
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    pub fn member_count(&self) -> usize {
        self.members.len()
    }

    pub fn member(&self, id: MemberId) -> Option<&DirectoryMember> {
        self.members.get(&id)
    }

    pub fn department(&self, id: &DepartmentId) -> Option<&Department> {
        self.departments.iter().find(|d| &d.id == id)
    }

    /// Adds or replaces a member card.
    pub fn put_member(&mut self, member: DirectoryMember) {
        self.members.insert(member.id, member);
    }

    pub fn remove_member(&mut self, id: MemberId) {
        self.members.remove(&id);
    }

    /// Adds or replaces a department, keeping siblings in their order.
    pub fn put_department(&mut self, department: Department) {
        self.departments.retain(|d| d.id != department.id);
        self.departments.push(department);
        self.departments.sort_by(sibling_order);
    }

    pub fn remove_department(&mut self, id: &DepartmentId) {
        self.departments.retain(|d| &d.id != id);
    }

    /// Top-level departments: those without a parent, or whose parent this member cannot see.
    pub fn roots(&self) -> Vec<&Department> {
        self.departments
            .iter()
            .filter(|d| d.parent_id.as_ref().is_none_or(|parent| self.department(parent).is_none()))
            .collect()
    }

    pub fn children(&self, parent: &DepartmentId) -> Vec<&Department> {
        self.departments.iter().filter(|d| d.parent_id.as_ref() == Some(parent)).collect()
    }

    /// The department and every department under it.
    pub fn subtree(&self, root: &DepartmentId) -> Vec<DepartmentId> {
        let mut found = vec![root.clone()];
        let mut next = 0;
        while next < found.len() {
            let children: Vec<DepartmentId> = self.children(&found[next]).into_iter().map(|d| d.id.clone()).collect();
            found.extend(children);
            next += 1;
        }
        found
    }

    /// Members who belong to the department itself, by name.
    pub fn members_of(&self, department: &DepartmentId) -> Vec<&DirectoryMember> {
        let mut list: Vec<&DirectoryMember> =
            self.members.values().filter(|m| m.departments.iter().any(|d| &d.department_id == department)).collect();
        list.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.userid.cmp(&b.userid)));
        list
    }

    /// How many visible members the department and its sub-departments hold (each counted once).
    pub fn member_count_under(&self, department: &DepartmentId) -> usize {
        let subtree = self.subtree(department);
        self.members.values().filter(|m| m.departments.iter().any(|d| subtree.contains(&d.department_id))).count()
    }

    /// Department names from the top down to `department` ("织锦科技 / 研发部 / 前端组").
    pub fn path(&self, department: &DepartmentId) -> Vec<String> {
        let mut names = Vec::new();
        let mut current = self.department(department);
        while let Some(d) = current {
            if names.len() > 64 {
                break;
            }
            names.push(d.name.clone());
            current = d.parent_id.as_ref().and_then(|p| self.department(p));
        }
        names.reverse();
        names
    }

    /// Active members, by name (who can be picked for a chat).
    pub fn active_members(&self) -> Vec<&DirectoryMember> {
        let mut list: Vec<&DirectoryMember> =
            self.members.values().filter(|m| m.status == MemberStatus::Active).collect();
        list.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.userid.cmp(&b.userid)));
        list
    }

    /// Members matching `query`, best first (exact before prefix before contains, then by name),
    /// at most `limit`. (Deleted members never reach the device: the feed removes them.)
    pub fn search(&self, query: &str, limit: usize) -> Vec<SearchHit> {
        let query = normalize_query(query);
        if query.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(SearchHit, &str)> =
            self.members.values().filter_map(|m| best_match(m, &query).map(|hit| (hit, m.name.as_str()))).collect();
        hits.sort_by(|(a, a_name), (b, b_name)| a.rank.cmp(&b.rank).then_with(|| a_name.cmp(b_name)));
        hits.truncate(limit);
        hits.into_iter().map(|(hit, _)| hit).collect()
    }
}

/// Departments among their siblings: by `order`, then by name.
fn sibling_order(a: &Department, b: &Department) -> std::cmp::Ordering {
    a.order.cmp(&b.order).then_with(|| a.name.cmp(&b.name))
}

/// The member's best-matching key for an already normalised query.
fn best_match(member: &DirectoryMember, query: &str) -> Option<SearchHit> {
    let mut best: Option<SearchHit> = None;
    for key in &member.search_keys {
        let Some(at) = key.find(query) else { continue };
        let rank = if key.len() == query.len() {
            MatchRank::Exact
        } else if at == 0 {
            MatchRank::Prefix
        } else {
            MatchRank::Contains
        };
        if best.as_ref().is_none_or(|b| rank < b.rank) {
            best = Some(SearchHit { member_id: member.id, rank, key: key.clone(), at });
        }
    }
    best
}

/// Splits `text` around the first case-insensitive occurrence of `query`, for highlighting:
/// `(before, matched, after)`, or `None` when it does not occur.
pub fn split_match<'t>(text: &'t str, query: &str) -> Option<(&'t str, &'t str, &'t str)> {
    let query = normalize_query(query);
    if query.is_empty() {
        return None;
    }
    let lower = text.to_lowercase();
    // Lower-casing can change byte lengths outside ASCII; only highlight when offsets agree.
    if lower.len() != text.len() {
        return None;
    }
    let at = lower.find(&query)?;
    let end = at + query.len();
    if !text.is_char_boundary(at) || !text.is_char_boundary(end) {
        return None;
    }
    Some((&text[..at], &text[at..end], &text[end..]))
}
