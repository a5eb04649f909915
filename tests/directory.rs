//! The device's directory model: ranked search over server-made keys, highlighting, the
//! department tree (counts, paths, roots when a parent is hidden) and who the picker offers.

use wasm_bindgen_test::*;
use weft::features::directory::components::member_picker::{SHOWN_LIMIT, offered};
use weft::features::directory::model::{Directory, MatchRank, split_match};
use weft_protocol::auth::Role;
use weft_protocol::directory::{Department, DirectoryMember, MemberDepartment, MemberStatus};
use weft_protocol::{DepartmentId, MemberId};

wasm_bindgen_test_configure!(run_in_browser);

fn department(id: &str, name: &str, parent: Option<&str>, order: i64) -> Department {
    Department {
        id: DepartmentId(id.into()),
        name: name.into(),
        parent_id: parent.map(|p| DepartmentId(p.into())),
        order,
        leaders: vec![],
    }
}

fn member(n: u128, name: &str, keys: &[&str], departments: &[&str]) -> DirectoryMember {
    DirectoryMember {
        id: MemberId(uuid::Uuid::from_u128(n)),
        userid: format!("user{n}"),
        name: name.into(),
        alias: String::new(),
        position: String::new(),
        mobile: String::new(),
        email: String::new(),
        departments: departments
            .iter()
            .map(|d| MemberDepartment { department_id: DepartmentId((*d).into()), is_leader: false })
            .collect(),
        main_department_id: DepartmentId(departments[0].into()),
        direct_leader_id: None,
        status: MemberStatus::Active,
        role: Role::Member,
        admin_scope: None,
        avatar: String::new(),
        search_keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        version: 1,
        updated_at: 0,
    }
}

fn org() -> Directory {
    Directory::new(
        vec![
            department("root", "织锦科技", None, 0),
            department("eng", "研发部", Some("root"), 2),
            department("fe", "前端组", Some("eng"), 1),
            department("product", "产品部", Some("root"), 1),
        ],
        vec![
            member(1, "张三", &["张三", "zhangsan", "zs", "zhangsan@weft.example"], &["fe"]),
            member(2, "张思", &["张思", "zhangsi", "zs2"], &["fe"]),
            member(3, "李四", &["李四", "lisi", "ls"], &["product", "fe"]),
            member(4, "赵松", &["赵松", "zhaosong", "zs"], &["eng"]),
            member(5, "王子石", &["王子石", "wangzishi", "wzs"], &["root"]),
        ],
    )
}

fn names(directory: &Directory, query: &str) -> Vec<String> {
    directory.search(query, 10).iter().map(|h| directory.member(h.member_id).expect("hit").name.clone()).collect()
}

#[wasm_bindgen_test]
fn search_ranks_exact_before_prefix_before_contains_then_by_name() {
    let directory = org();
    // "zs" is exactly the initials of 张三 and 赵松, a prefix of 张思's "zs2", inside 王子石's "wzs".
    assert_eq!(names(&directory, "zs"), vec!["张三", "赵松", "张思", "王子石"]);
    let hits = directory.search("zs", 10);
    assert_eq!(
        hits.iter().map(|h| h.rank).collect::<Vec<_>>(),
        vec![MatchRank::Exact, MatchRank::Exact, MatchRank::Prefix, MatchRank::Contains]
    );
    assert_eq!((hits[3].key.as_str(), hits[3].at), ("wzs", 1));
    assert_eq!(names(&directory, "  ZHANGSAN "), vec!["张三"], "trimmed and case-insensitive");
    assert_eq!(names(&directory, "张"), vec!["张三", "张思"]);
    assert_eq!(names(&directory, "weft.example"), vec!["张三"]);
    assert!(directory.search("", 10).is_empty());
    assert!(directory.search("nobody", 10).is_empty());
    assert_eq!(directory.search("z", 2).len(), 2, "the limit holds");
}

#[wasm_bindgen_test]
fn the_match_is_split_out_for_highlighting() {
    assert_eq!(split_match("Zhang San", "san"), Some(("Zhang ", "San", "")));
    assert_eq!(split_match("张三丰", "三"), Some(("张", "三", "丰")));
    assert_eq!(split_match("张三", "li"), None);
    assert_eq!(split_match("张三", " "), None);
}

#[wasm_bindgen_test]
fn the_tree_counts_paths_and_changes() {
    let mut directory = org();
    let root = DepartmentId("root".into());
    let eng = DepartmentId("eng".into());
    let fe = DepartmentId("fe".into());
    assert_eq!(directory.roots().iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), vec!["织锦科技"]);
    // Siblings in their order: 产品部 (1) before 研发部 (2).
    assert_eq!(directory.children(&root).iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), vec!["产品部", "研发部"]);
    assert_eq!(directory.member_count_under(&root), 5);
    assert_eq!(directory.member_count_under(&eng), 4, "李四 in two departments counts once");
    assert_eq!(
        directory.members_of(&fe).iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        vec!["张三", "张思", "李四"]
    );
    assert_eq!(directory.path(&fe), vec!["织锦科技", "研发部", "前端组"]);

    directory.remove_member(MemberId(uuid::Uuid::from_u128(1)));
    assert_eq!(names(&directory, "zs"), vec!["赵松", "张思", "王子石"]);
    directory.remove_department(&root);
    // A department whose parent the member cannot see becomes a top-level one.
    assert_eq!(directory.roots().len(), 2);
    let mut renamed = department("fe", "前端组 Frontend", Some("eng"), 1);
    renamed.leaders.push(MemberId(uuid::Uuid::from_u128(2)));
    directory.put_department(renamed.clone());
    assert_eq!(directory.department(&fe), Some(&renamed));
}

#[wasm_bindgen_test]
fn the_picker_offers_active_people_not_excluded_best_match_first() {
    let mut directory = org();
    let mut disabled = member(6, "张飒", &["张飒", "zhangsa", "zs"], &["fe"]);
    disabled.status = MemberStatus::Disabled;
    directory.put_member(disabled);
    let me = MemberId(uuid::Uuid::from_u128(4));
    let offered_names =
        |filter: &str| -> Vec<String> { offered(&directory, filter, &[me]).into_iter().map(|m| m.name).collect() };
    assert_eq!(offered_names("zs"), vec!["张三", "张思", "王子石"], "not the disabled one, not me");
    assert_eq!(offered_names("").len(), 4);
    let crowd = Directory::new(
        vec![department("root", "织锦科技", None, 0)],
        (0..500).map(|n| member(100 + n, &format!("成员{n:03}"), &["chengyuan"], &["root"])).collect(),
    );
    assert_eq!(offered(&crowd, "", &[]).len(), SHOWN_LIMIT);
    assert_eq!(offered(&crowd, "chengyuan", &[]).len(), SHOWN_LIMIT);
}
