//! Browser tests of the admin console's pieces: the department tree's order, the part of the tree
//! a department may not move into, the order numbers a reorder sends, and where the server's
//! typed problems with a member's fields are shown, and which sections and targets each role
//! reaches.

use wasm_bindgen_test::*;
use weft::features::admin::access::{Reach, Section, home, may_open, section_of};
use weft::features::admin::model::{subtree, tree_rows};
use weft::features::admin::pages::departments::reorder;
use weft::features::admin::pages::member_form::{MemberPlace, place_member_problem};
use weft::i18n::roles::role_label;
use weft::i18n::{Lang, Text};
use weft_protocol::auth::Role;
use weft_protocol::directory::{Department, DirectoryMember, MemberDepartment, MemberStatus};
use weft_protocol::{DepartmentId, FieldProblem, FieldRule, MemberId};

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

fn card(role: Role, departments: &[&str]) -> DirectoryMember {
    DirectoryMember {
        id: MemberId(uuid::Uuid::nil()),
        userid: "m".into(),
        name: "成员".into(),
        alias: String::new(),
        position: String::new(),
        mobile: String::new(),
        email: String::new(),
        departments: departments
            .iter()
            .map(|d| MemberDepartment { department_id: DepartmentId::from(*d), is_leader: false })
            .collect(),
        main_department_id: DepartmentId::from(departments.first().copied().unwrap_or("root")),
        direct_leader_id: None,
        status: MemberStatus::Active,
        role,
        admin_scope: None,
        avatar: String::new(),
        search_keys: Vec::new(),
        version: 1,
        updated_at: 0,
    }
}

#[wasm_bindgen_test]
fn each_role_opens_its_own_sections_of_the_console() {
    let pages = [
        ("/admin", Section::Directory),
        ("/admin/", Section::Directory),
        ("/admin/departments", Section::Directory),
        ("/admin/import", Section::Directory),
        ("/admin/visibility", Section::Directory),
        ("/admin/templates", Section::Templates),
        ("/admin/templates/new", Section::Templates),
        ("/admin/audit", Section::Audit),
        ("/admin/watermark-trace", Section::Audit),
        ("/admin/sessions", Section::Workspace),
        ("/admin/policies", Section::Workspace),
        ("/admin/integrations", Section::Workspace),
        ("/admin/archive", Section::Archive),
    ];
    for (path, section) in pages {
        assert_eq!(section_of(path), section, "{path}");
    }
    // (role, directory, templates, audit, workspace, archive): archives are the auditor's alone.
    let rights = [
        (Role::Admin, [true, true, true, true, false]),
        (Role::DepartmentAdmin, [true, false, false, false, false]),
        (Role::Auditor, [false, false, true, false, true]),
        (Role::ApprovalsAdmin, [false, true, false, false, false]),
        (Role::Member, [false, false, false, false, false]),
    ];
    for (role, expected) in rights {
        let sections = [Section::Directory, Section::Templates, Section::Audit, Section::Workspace, Section::Archive];
        assert_eq!(sections.map(|s| may_open(role, s)), expected, "{role:?}");
        // Every role's start page is one it may open.
        if role.administers() {
            assert!(may_open(role, section_of(home(role))), "{role:?}");
        }
    }
}

#[wasm_bindgen_test]
fn a_department_administrator_reaches_their_subtree_and_nothing_above_it() {
    let reach = Reach::of(Role::DepartmentAdmin, Some(&DepartmentId::from("eng")), &demo());
    assert!(reach.covers(&"eng".into()) && reach.covers(&"fe".into()) && reach.covers(&"be".into()));
    assert!(!reach.covers(&"hr".into()) && !reach.covers(&"root".into()));
    assert!(!reach.edits_department(&"eng".into()), "the top stays with the workspace administrator");
    assert!(reach.edits_department(&"fe".into()));
    assert!(reach.covers_member(&card(Role::Member, &["fe", "be"])));
    assert!(!reach.covers_member(&card(Role::Member, &["fe", "hr"])));
    assert!(!reach.covers_member(&card(Role::Auditor, &["fe"])));
    assert!(!reach.gives_roles());
    let everything = Reach::of(Role::Admin, None, &demo());
    assert!(everything.covers_member(&card(Role::Admin, &["hr"])) && everything.gives_roles());
    assert_eq!(Reach::of(Role::Auditor, None, &demo()), Reach::Nothing);
    assert_eq!(Reach::of(Role::DepartmentAdmin, None, &demo()), Reach::Nothing);
}

#[wasm_bindgen_test]
fn every_role_has_a_name_in_both_languages() {
    let mut seen = std::collections::HashSet::new();
    for role in Role::ALL {
        for lang in [Lang::En, Lang::Zh] {
            assert!(seen.insert(role_label(role, lang)), "{role:?} {lang:?}");
        }
    }
}

#[wasm_bindgen_test]
fn an_archive_request_needs_someone_and_a_date_range() {
    use weft::features::admin::archive::archive_request;
    use weft::i18n::archive::Ar;
    let member = MemberId(uuid::Uuid::from_u128(1));
    assert_eq!(archive_request(vec![], vec![], (Some(0), Some(1))), Err(Ar::ChooseSomething));
    assert_eq!(archive_request(vec![member], vec![], (None, Some(1))), Err(Ar::ChooseDates));
    assert_eq!(archive_request(vec![member], vec![], (Some(5), Some(5))), Err(Ar::ChooseDates));
    let request = archive_request(vec![member], vec![], (Some(0), Some(1))).expect("a request");
    assert_eq!((request.member_ids, request.since, request.until), (vec![member], 0, 1));
}
