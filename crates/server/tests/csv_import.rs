//! The member CSV: the template, all-or-nothing imports that list every bad row, updates by
//! userid, export → import changing nothing, a large import in one go, and a rule narrowing so
//! much that viewers get a directory reset.

mod common;

use axum::http::{Method, StatusCode};
use common::TestApp;
use serde_json::{Value, json};
use std::time::Instant;

const ROOT: &str = "织锦科技 Weft Demo Co.";
const IMPORT: &str = "/api/v1/admin/members/import";

async fn import(app: &TestApp, admin: &str, csv: String) -> common::Reply {
    app.send_bytes(Method::POST, IMPORT, Some(admin), "text/csv", csv.into_bytes()).await
}

async fn directory_size(app: &TestApp, token: &str) -> usize {
    let reply = app.call(Method::GET, "/api/v1/directory", Some(token), None).await;
    reply.body["members"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn the_template_names_the_columns() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let (status, text) = app.get_text("/api/v1/admin/members/template.csv", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        text.trim_start_matches('\u{feff}').trim_end(),
        "userid,name,alias,position,mobile,email,departments,main_department,leader_of,direct_leader,status,role,admin_scope,password"
    );
}

#[tokio::test]
async fn a_file_with_bad_rows_imports_nothing_and_lists_every_problem() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let before = directory_size(&app, &admin).await;
    let csv = format!(
        "userid,name,mobile,email,departments,direct_leader,status,password\n\
         good1,好人一,13900000001,good1@x.cn,{ROOT}/研发部 Engineering,,,\n\
         good1,重复,,,{ROOT}/研发部 Engineering,,,\n\
         bad id,坏人,,,{ROOT}/研发部 Engineering,,,\n\
         good2,好人二,13800000001,,{ROOT}/研发部 Engineering,,,\n\
         good3,好人三,,zhangsan@weft.example,{ROOT}/不存在,,,\n\
         good4,好人四,,,{ROOT}/研发部 Engineering,nobody,,\n\
         good5,好人五,,,{ROOT}/研发部 Engineering,,active,\n\
         good6,好人六,,,{ROOT}/研发部 Engineering,good7,,\n\
         good7,好人七,,,{ROOT}/研发部 Engineering,good6,,\n\
         good8,,,not-mail,{ROOT}/研发部 Engineering,,boss,short\n"
    );
    let reply = import(&app, &admin, csv).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.body["code"], "invalid_field");
    assert!(reply.body["message"].as_str().is_some_and(|m| m.contains("nothing was imported")));
    // Field problems are found first (row 4 and 11 here); the file is refused before the
    // directory is consulted.
    let rows: Vec<(u64, String)> = reply.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["row"].as_u64().unwrap_or(0), e["field"].as_str().unwrap_or("").to_owned()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (4, "userid".into()),
            (11, "name".into()),
            (11, "email".into()),
            (11, "status".into()),
            (11, "password".into())
        ]
    );
    // With the field problems fixed, the directory's own checks list the rest.
    let csv = format!(
        "userid,name,mobile,email,departments,direct_leader,status\n\
         good1,好人一,13900000001,good1@x.cn,{ROOT}/研发部 Engineering,,\n\
         GOOD1,重复,,,{ROOT}/研发部 Engineering,,\n\
         good2,好人二,13800000001,,{ROOT}/研发部 Engineering,,\n\
         good3,好人三,,zhangsan@weft.example,{ROOT}/不存在,,\n\
         good4,好人四,,,{ROOT}/研发部 Engineering,nobody,\n\
         good5,好人五,,,{ROOT}/研发部 Engineering,,active\n\
         good6,好人六,,,{ROOT}/研发部 Engineering,good7,\n\
         good7,好人七,,,{ROOT}/研发部 Engineering,good6,\n\
         good9,好人九,13900000001,,{ROOT}/研发部 Engineering,,\n"
    );
    let reply = import(&app, &admin, csv).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    let errors = reply.body["errors"].as_array().expect("errors").clone();
    let rows: Vec<(u64, &str)> =
        errors.iter().map(|e| (e["row"].as_u64().unwrap_or(0), e["field"].as_str().unwrap_or(""))).collect();
    assert_eq!(
        rows,
        vec![
            (3, "userid"),
            (4, "mobile"),
            (5, "departments"),
            (5, "email"),
            (6, "direct_leader"),
            (7, "status"),
            (8, "direct_leader"),
            (9, "direct_leader"),
            (10, "mobile"),
        ],
        "{errors:?}"
    );
    assert!(
        errors.iter().all(|e| e["message"].as_str().is_some_and(|m| m.starts_with(e["field"].as_str().unwrap_or("?"))))
    );
    assert!(
        errors[1]["message"].as_str().is_some_and(|m| m.contains("高远")),
        "names who holds the mobile: {}",
        errors[1]
    );
    assert_eq!(directory_size(&app, &admin).await, before, "nothing was imported");
}

#[tokio::test]
async fn importing_the_export_changes_nothing_and_rows_update_by_userid() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let (status, exported) = app.get_text("/api/v1/admin/members.csv", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(exported.lines().count(), 21, "{exported}");
    assert!(exported.contains(&format!("lisi,李四,Li Si,产品经理 Product Manager,13800000006,lisi@weft.example,{ROOT}/产品部 Product;{ROOT}/研发部 Engineering/前端组 Frontend,{ROOT}/产品部 Product,{ROOT}/产品部 Product,gaoyuan,active,")), "{exported}");
    let viewer = app.login("lisi").await;
    let start = app.cursor(&viewer).await;
    let reply = import(&app, &admin, exported.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body, json!({ "created": 0, "updated": 0, "unchanged": 20 }));
    assert!(app.pull_all(&viewer, start).await.is_empty(), "no change at all");
    let (_, again) = app.get_text("/api/v1/admin/members.csv", &admin).await;
    assert_eq!(again, exported);

    // Edit one row, disable another, add one: only those change.
    let edited = exported
        .replace("赵六,Zhao Liu,后端工程师 Backend Engineer", "赵六,Zhao Liu,资深后端 Senior Backend")
        .replace("heyun@weft.example,织锦科技 Weft Demo Co./财务部 Finance,织锦科技 Weft Demo Co./财务部 Finance,,huangli,active", "heyun@weft.example,织锦科技 Weft Demo Co./财务部 Finance,织锦科技 Weft Demo Co./财务部 Finance,,huangli,disabled")
        + &format!("newhire,新同学,,,,new@weft.example,{ROOT}/研发部 Engineering/后端组 Backend,,,zhaoliu,,,,start-here-1\n");
    let heyun = app.login("heyun").await;
    let reply = import(&app, &admin, edited).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body, json!({ "created": 1, "updated": 2, "unchanged": 18 }));
    let changes = app.pull_all(&viewer, start).await;
    let names: Vec<&str> =
        changes.iter().filter(|c| c["type"] == "member").filter_map(|c| c["member"]["userid"].as_str()).collect();
    assert_eq!(names, vec!["zhaoliu", "heyun", "newhire"], "{changes:?}");
    let reply = app.call(Method::GET, "/api/v1/me", Some(&heyun), None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "disabling by import ends sessions");
    let reply = app.try_login("newhire", "start-here-1").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let card = app.call(Method::GET, "/api/v1/directory/search?q=newhire", Some(&viewer), None).await;
    let ids = app.member_ids(&admin).await;
    assert_eq!(card.body[0]["direct_leader_id"], Value::String(ids["zhaoliu"].clone()));
}

const DRY_RUN: &str = "/api/v1/admin/members/import?dry_run=true";

async fn dry_run(app: &TestApp, admin: &str, csv: String) -> common::Reply {
    app.send_bytes(Method::POST, DRY_RUN, Some(admin), "text/csv", csv.into_bytes()).await
}

#[tokio::test]
async fn a_dry_run_reports_what_an_import_would_do_and_writes_nothing() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let (_, exported) = app.get_text("/api/v1/admin/members.csv", &admin).await;
    let viewer = app.login("lisi").await;
    let start = app.cursor(&viewer).await;
    let edited = exported.replace("赵六,Zhao Liu,后端工程师 Backend Engineer", "赵六,Zhao Liu,资深后端 Senior Backend")
        + &format!(
            "newhire,新同学,,,,new@weft.example,{ROOT}/研发部 Engineering/后端组 Backend,,,zhaoliu,,,,start-here-1\n"
        );

    let reply = dry_run(&app, &admin, edited.clone()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body, json!({ "created": 1, "updated": 1, "unchanged": 19 }));
    // Nothing was written: no change in the feed, the export is as before, no new account.
    assert!(app.pull_all(&viewer, start).await.is_empty(), "a dry run records no change");
    let (_, after) = app.get_text("/api/v1/admin/members.csv", &admin).await;
    assert_eq!(after, exported);
    let login = json!({ "username": "newhire", "password": "start-here-1" });
    let reply = app.call(Method::POST, "/api/v1/auth/login", None, Some(login.clone())).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{}", reply.body);

    // The same file imported for real does what the dry run said.
    let reply = import(&app, &admin, edited).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body, json!({ "created": 1, "updated": 1, "unchanged": 19 }));
    let reply = app.call(Method::POST, "/api/v1/auth/login", None, Some(login)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn a_dry_run_lists_every_bad_row_like_the_import() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let before = directory_size(&app, &admin).await;
    // Field problems (row 3: userid, row 4: email) and directory problems (row 5: an existing
    // member's mobile, row 6: no such department) are both reported.
    let field_errors = format!(
        "userid,name,mobile,email,departments,password\n\
         fine1,好人一,,,{ROOT}/研发部 Engineering,\n\
         bad id,坏人,,,{ROOT}/研发部 Engineering,\n\
         fine2,好人二,,not-mail,{ROOT}/研发部 Engineering,short\n"
    );
    let reply = dry_run(&app, &admin, field_errors.clone()).await;
    let real = import(&app, &admin, field_errors).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert_eq!(reply.body, real.body, "the dry run refuses exactly like the import");
    let fields: Vec<(u64, &str)> = reply.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["row"].as_u64().unwrap_or(0), e["field"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(fields, vec![(3, "userid"), (4, "email"), (4, "password")]);

    let directory_errors = format!(
        "userid,name,mobile,departments\n\
         fine1,好人一,13800000006,{ROOT}/研发部 Engineering\n\
         fine2,好人二,,{ROOT}/不存在\n"
    );
    let reply = dry_run(&app, &admin, directory_errors).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    let fields: Vec<(u64, &str)> = reply.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["row"].as_u64().unwrap_or(0), e["field"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(fields, vec![(2, "mobile"), (3, "departments")]);
    assert_eq!(directory_size(&app, &admin).await, before, "nothing was imported");
}

#[tokio::test]
async fn a_dry_run_is_for_administrators_and_takes_only_its_flag() {
    let app = TestApp::new();
    let member = app.login("zhangsan").await;
    let csv = format!("userid,name,departments\nfine1,好人一,{ROOT}/研发部 Engineering\n");
    let reply = dry_run(&app, &member, csv.clone()).await;
    common::assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
    let admin = app.login("admin").await;
    let reply = app
        .send_bytes(Method::POST, &format!("{IMPORT}?dry_run=yes"), Some(&admin), "text/csv", csv.clone().into_bytes())
        .await;
    common::assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
    let reply = app
        .send_bytes(Method::POST, &format!("{IMPORT}?dry_run=false"), Some(&admin), "text/csv", csv.into_bytes())
        .await;
    assert_eq!(reply.body, json!({ "created": 1, "updated": 0, "unchanged": 0 }), "dry_run=false imports");
}

/// `count` new members in 市场部, a few leading each other, in one file.
fn big_file(count: usize) -> String {
    let mut csv = String::from("userid,name,alias,position,mobile,email,departments,direct_leader\n");
    let surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"];
    for n in 0..count {
        let leader = if n % 100 == 0 { String::new() } else { format!("user{:05}", n - n % 100) };
        csv.push_str(&format!(
            "user{n:05},{}{}号,User {n},销售 Sales,139{n:08},user{n:05}@big.example,{ROOT}/市场部 Sales & Marketing,{leader}\n",
            surnames[n % surnames.len()],
            n
        ));
    }
    csv
}

#[tokio::test]
async fn ten_thousand_rows_import_in_one_go() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let csv = big_file(10_000);
    let started = Instant::now();
    let reply = import(&app, &admin, csv).await;
    let took = started.elapsed();
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.body["created"], 10_000);
    println!("imported 10,000 rows in {took:?} (this build's profile)");
    let viewer = app.login("zhangsan").await;
    let started = Instant::now();
    assert_eq!(directory_size(&app, &viewer).await, 10_020);
    println!("snapshot of 10,020 members in {:?}", started.elapsed());
    let hit = app.call(Method::GET, "/api/v1/directory/search?q=user09999", Some(&viewer), None).await;
    assert_eq!(hit.body[0]["userid"], "user09999");
}

#[tokio::test]
async fn narrowing_past_the_listing_limit_sends_a_directory_reset() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let reply = import(&app, &admin, big_file(250)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let viewer = app.login("huangli").await;
    let start = app.cursor(&viewer).await;
    let reply = app.scope_department(&admin, "finance", &["finance"]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    let changes = app.pull_all(&viewer, start).await;
    let kinds: Vec<&str> = changes.iter().filter_map(|c| c["type"].as_str()).collect();
    assert_eq!(kinds, vec!["directory_reset"]);
    assert_eq!(directory_size(&app, &viewer).await, 3, "the snapshot to download holds only 财务部");
}

/// Measures a 20,000-member organisation: the import, the snapshot a new device downloads, a
/// search, and the admin's rule change that recomputes everyone's directory. Run with
/// `cargo test --release -p weft-server --test csv_import -- --ignored --nocapture`.
#[tokio::test]
#[ignore = "a measurement; run in release"]
async fn twenty_thousand_members_measured() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let mut csv = big_file(19_980);
    // Give a thousand of them passwords so they count as viewers when rules change.
    csv = csv.replace(
        "userid,name,alias,position,mobile,email,departments,direct_leader\n",
        "userid,name,alias,position,mobile,email,departments,direct_leader,password\n",
    );
    let csv: String = csv
        .lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                format!("{line}\n")
            } else if i <= 1000 {
                format!("{line},imported-pass-1\n")
            } else {
                format!("{line},\n")
            }
        })
        .collect();
    let started = Instant::now();
    let reply = import(&app, &admin, csv).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    println!("import of 19,980 rows: {:?}", started.elapsed());
    let viewer = app.login("zhangsan").await;
    for round in 1..=3 {
        let started = Instant::now();
        let (status, _, bytes) = app
            .raw(
                axum::http::Request::builder()
                    .uri("/api/v1/directory")
                    .header("authorization", format!("Bearer {viewer}"))
                    .body(axum::body::Body::empty())
                    .expect("request"),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        println!("snapshot of 20,000 members, round {round}: {:?}, {} bytes of JSON", started.elapsed(), bytes.len());
    }
    let started = Instant::now();
    let hits = app.call(Method::GET, "/api/v1/directory/search?q=zhang", Some(&viewer), None).await;
    println!(
        "search 'zhang' over 20,000: {:?} ({} hits returned)",
        started.elapsed(),
        hits.body.as_array().map_or(0, Vec::len)
    );
    let started = Instant::now();
    let reply = app.scope_department(&admin, "sales", &["sales"]).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    println!("scope rule over 20,000 members and 1,020 active viewers: {:?}", started.elapsed());
    let started = Instant::now();
    let all = app.pull_all(&viewer, 0).await;
    println!("feed pull from zero ({} changes): {:?}", all.len(), started.elapsed());
}

const HEADER: &str = "userid,name,alias,position,mobile,email,departments,main_department,leader_of,direct_leader,status,role,admin_scope,password";

#[tokio::test]
async fn a_password_set_by_import_ends_the_members_sessions() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let member = app.login("maqiang").await;
    let csv = format!(
        "{HEADER}\nmaqiang,马强,Ma Qiang,运维工程师 SRE,,,{ROOT}/研发部 Engineering/后端组 Backend,,,,,,,a new password 1\n"
    );
    let reply = import(&app, &admin, csv).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let me = app.call(Method::GET, "/api/v1/me", Some(&member), None).await;
    common::assert_error(&me, StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!(app.try_login("maqiang", "a new password 1").await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_import_cannot_disable_the_last_active_administrator() {
    let app = TestApp::new();
    let admin = app.login("admin").await;
    let row = format!("admin,管理员,Administrator,系统管理员 IT Administrator,,,{ROOT}/总经办 CEO Office,,,,disabled,");
    let reply = import(&app, &admin, format!("{HEADER}\n{row}\n")).await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    assert!(reply.body.to_string().contains("without an active administrator"), "{}", reply.body);
    assert_eq!(app.call(Method::GET, "/api/v1/me", Some(&admin), None).await.status, StatusCode::OK);
}
