//! Browser tests of the admin console's pieces: the department tree's order, the part of the tree
//! a department may not move into, the order numbers a reorder sends, and where the server's
//! typed problems with a member's fields are shown.

use wasm_bindgen_test::*;
use weft::features::admin::model::{subtree, tree_rows};
use weft::features::admin::pages::departments::reorder;
use weft::features::admin::pages::member_form::{MemberPlace, place_member_problem};
use weft::i18n::{Lang, Text};
use weft_protocol::directory::Department;
use weft_protocol::{DepartmentId, FieldProblem, FieldRule};

wasm_bindgen_test_configure!(run_in_browser);

fn department(id: &str, parent: Option<&str>, order: i64) -> Department {
    Department {
        id: id.into(),
        name: id.to_uppercase(),
        parent_id: parent.map(DepartmentId::from),
        order,
        leaders: Vec::new(),
    }
}

fn demo() -> Vec<Department> {
    vec![
        department("fe", Some("eng"), 0),
        department("root", None, 0),
        department("hr", Some("root"), 2),
        department("be", Some("eng"), 1),
        department("eng", Some("root"), 1),
        department("ceo", Some("root"), 0),
    ]
}

#[wasm_bindgen_test]
fn the_tree_lists_parents_before_children_in_sibling_order() {
    let rows: Vec<(String, usize)> = tree_rows(&demo()).into_iter().map(|r| (r.department.id.0, r.depth)).collect();
    let expected = [("root", 0), ("ceo", 1), ("eng", 1), ("fe", 2), ("be", 2), ("hr", 1)];
    assert_eq!(rows, expected.map(|(id, depth)| (id.to_owned(), depth)).to_vec());
}

#[wasm_bindgen_test]
fn a_subtree_holds_the_department_and_everything_under_it() {
    let inside = subtree(&demo(), &"eng".into());
    let mut ids: Vec<String> = inside.into_iter().map(|d| d.0).collect();
    ids.sort();
    assert_eq!(ids, vec!["be", "eng", "fe"]);
}

#[wasm_bindgen_test]
fn reordering_swaps_with_a_neighbour_and_renumbers_only_what_changes() {
    // hr moves up past eng: root's children become ceo 0, hr 1, eng 2.
    let mut changes = reorder(&demo(), &"hr".into(), -1);
    changes.sort();
    assert_eq!(changes, vec![("eng".into(), 2), ("hr".into(), 1)]);
    // The first cannot move up, the last cannot move down.
    assert!(reorder(&demo(), &"ceo".into(), -1).is_empty());
    assert!(reorder(&demo(), &"be".into(), 1).is_empty());
    // Equal order numbers are made distinct.
    let tied = vec![department("a", Some("p"), 5), department("b", Some("p"), 5), department("p", None, 0)];
    let mut changes = reorder(&tied, &"b".into(), -1);
    changes.sort();
    assert_eq!(changes, vec![("a".into(), 1), ("b".into(), 0)]);
}

#[wasm_bindgen_test]
fn typed_member_problems_are_placed_by_their_field() {
    let place = |path: &str, rule: FieldRule, lang: Lang| place_member_problem(&FieldProblem::new(path, rule), lang);
    assert_eq!(
        place("mobile", FieldRule::Taken, Lang::Zh),
        Some(MemberPlace::Text { field: "mobile", text: Text::AdminAlreadyUsed })
    );
    assert_eq!(
        place("email", FieldRule::EmailAddress, Lang::En),
        Some(MemberPlace::Text { field: "email", text: Text::AdminEmailRule })
    );
    assert_eq!(
        place("leader_of", FieldRule::NotAmongDepartments { department: "eng".into() }, Lang::Zh),
        Some(MemberPlace::Picker { field: "departments", words: "eng 不是该成员所在的部门。".into() })
    );
    assert_eq!(
        place("direct_leader_id", FieldRule::LeaderCycle, Lang::En),
        Some(MemberPlace::Picker { field: "direct_leader", words: "This would make a circle of leaders.".into() })
    );
    assert_eq!(place("nickname", FieldRule::Required, Lang::En), None, "no such field: shown as a notice");
}
