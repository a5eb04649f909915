//! The admin console's plain data: what to tell the administrator after an action, and the
//! department tree in display order (pure, browser-tested).

use crate::api::ApiError;
use crate::i18n::Text;
use std::collections::{HashMap, HashSet};
use weft_protocol::DepartmentId;
use weft_protocol::directory::Department;

/// Something to tell the administrator about the last action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    Text(Text),
    /// The server refused; its own message follows "Could not be done:".
    Refused(String),
}

impl Notice {
    pub fn of(error: &ApiError) -> Self {
        match error {
            ApiError::Network => Notice::Text(Text::AdminNeedsServer),
            ApiError::Server { status: 403, .. } => Notice::Text(Text::AdminOnly),
            ApiError::Server { body, .. } => Notice::Refused(body.message.clone()),
            ApiError::Decode(_) => Notice::Text(Text::ErrorServer),
        }
    }

    pub fn render(&self, lang: crate::i18n::Lang) -> String {
        match self {
            Notice::Text(text) => text.in_lang(lang).to_owned(),
            Notice::Refused(message) => format!("{} {message}", Text::ActionFailed.in_lang(lang)),
        }
    }
}

/// One line of the department tree: the department and how deep it sits (the root is 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    pub department: Department,
    pub depth: usize,
}

/// The departments in tree order (parents before children, siblings by their order then name).
pub fn tree_rows(departments: &[Department]) -> Vec<TreeRow> {
    let known: HashSet<&DepartmentId> = departments.iter().map(|d| &d.id).collect();
    let mut children: HashMap<Option<&DepartmentId>, Vec<&Department>> = HashMap::new();
    for department in departments {
        let parent = department.parent_id.as_ref().filter(|p| known.contains(p));
        children.entry(parent).or_default().push(department);
    }
    for siblings in children.values_mut() {
        siblings.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.name.cmp(&b.name)));
    }
    let mut rows = Vec::with_capacity(departments.len());
    let mut stack: Vec<(&Department, usize)> =
        children.get(&None).map(|roots| roots.iter().rev().map(|d| (*d, 0)).collect()).unwrap_or_default();
    while let Some((department, depth)) = stack.pop() {
        rows.push(TreeRow { department: department.clone(), depth });
        if let Some(kids) = children.get(&Some(&department.id)) {
            stack.extend(kids.iter().rev().map(|d| (*d, depth + 1)));
        }
    }
    rows
}

/// A department and everything under it.
pub fn subtree(departments: &[Department], id: &DepartmentId) -> HashSet<DepartmentId> {
    let mut found = HashSet::from([id.clone()]);
    loop {
        let before = found.len();
        for department in departments {
            if department.parent_id.as_ref().is_some_and(|p| found.contains(p)) {
                found.insert(department.id.clone());
            }
        }
        if found.len() == before {
            return found;
        }
    }
}

/// The class that indents a tree line (deeper levels share the last indent).
pub fn depth_class(depth: usize) -> String {
    format!("tree-depth-{}", depth.min(6))
}

/// A department's name indented for a `<select>` option.
pub fn indented(row: &TreeRow) -> String {
    format!("{}{}", "\u{2003}".repeat(row.depth), row.department.name)
}

/// Adds `item` to the list, or removes it when present.
pub fn toggle_in<T: PartialEq + Clone>(list: &mut Vec<T>, item: &T) {
    if let Some(at) = list.iter().position(|x| x == item) {
        list.remove(at);
    } else {
        list.push(item.clone());
    }
}
