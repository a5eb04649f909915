//! Approvals: `validate` for every control kind (allowed and refused), template checks,
//! conditions, and the frozen JSON of the approval wire types.

use std::collections::BTreeMap;
use uuid::Uuid;
use weft_protocol::approval::*;
use weft_protocol::auth::Role;
use weft_protocol::{ApprovalId, AttachmentId, ClientId, DepartmentId, FieldProblem, FieldRule, MemberId, TemplateId};

fn member(n: u128) -> MemberId {
    MemberId(Uuid::from_u128(n))
}

fn control(id: &str, required: bool, kind: ControlKind) -> Control {
    Control { id: id.into(), title: format!("{id} title"), placeholder: String::new(), required, kind }
}

fn spec(controls: Vec<Control>) -> TemplateSpec {
    TemplateSpec {
        name: "Test".into(),
        icon: "test".into(),
        description: String::new(),
        controls,
        chain: ApproverChain {
            steps: vec![StepTemplate {
                name: "Leader".into(),
                approvers: ApproverSource::DirectLeader,
                mode: ApprovalMode::AnyOne,
                condition: None,
            }],
            cc_on_submit: vec![],
            cc_on_completion: vec![],
            fallback_approver: member(1),
        },
    }
}

fn form(entries: Vec<(&str, FieldValue)>) -> FormValues {
    entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn dec(text: &str) -> Decimal {
    Decimal::parse(text).expect("decimal")
}

/// The messages `validate` gives for one field set to `value` in a template of `kind`.
fn check(kind: ControlKind, value: Option<FieldValue>) -> Vec<String> {
    let template = spec(vec![control("f", true, kind)]);
    let values = form(value.into_iter().map(|v| ("f", v)).collect());
    match validate(&template, &values) {
        Ok(()) => vec![],
        Err(errors) => errors.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn ok(kind: ControlKind, value: FieldValue) {
    assert_eq!(check(kind.clone(), Some(value.clone())), Vec::<String>::new(), "{kind:?} with {value:?}");
}

fn refused(kind: ControlKind, value: Option<FieldValue>, expected: &str) {
    let messages = check(kind.clone(), value.clone());
    assert!(messages.iter().any(|m| m.contains(expected)), "{kind:?} with {value:?}: {messages:?}, want {expected}");
}

#[test]
fn decimals_parse_compare_and_print_exactly() {
    assert_eq!(dec("12.50"), Decimal { units: 1250, scale: 2 });
    assert_eq!(dec("-0.5").to_string(), "-0.5");
    assert_eq!(dec("10000.00").to_string(), "10000.00");
    assert_eq!(dec("7").to_string(), "7");
    assert!(dec("0.1") < dec("0.10000001"));
    assert_eq!(dec("1.50"), dec("1.5"), "equal by value");
    assert_eq!(dec("1.50").to_string(), "1.50", "printed as written");
    assert_eq!(dec("1.50").significant_decimals(), 1);
    for bad in ["", "-", "1.", ".5", "1e3", "1,5", "0x10", "99999999999999999999"] {
        assert_eq!(Decimal::parse(bad), None, "{bad}");
    }
    assert!(Decimal::from_cents(1_000_001) > dec("10000.00"));
    assert!(serde_json::from_str::<Decimal>("1.5").is_err(), "a JSON number is refused: strings only");
}

#[test]
fn text_and_textarea() {
    ok(ControlKind::Text, FieldValue::Text("午饭".into()));
    refused(ControlKind::Text, None, "required");
    refused(ControlKind::Text, Some(FieldValue::Text("   ".into())), "required");
    refused(ControlKind::Text, Some(FieldValue::Text("a\nb".into())), "single line");
    refused(ControlKind::Text, Some(FieldValue::Text("字".repeat(MAX_TEXT_CHARS + 1))), "at most 200");
    refused(ControlKind::Text, Some(FieldValue::Money(5)), "another kind");
    ok(ControlKind::Textarea, FieldValue::Text("第一行\n第二行".into()));
    refused(ControlKind::Textarea, Some(FieldValue::Text("x".repeat(MAX_TEXTAREA_CHARS + 1))), "at most 2000");
}

#[test]
fn numbers_check_range_and_decimals() {
    let kind = ControlKind::Number { min: Some(dec("1")), max: Some(dec("100")), decimals: 1 };
    ok(kind.clone(), FieldValue::Number(dec("1")));
    ok(kind.clone(), FieldValue::Number(dec("99.5")));
    ok(kind.clone(), FieldValue::Number(dec("100.00")));
    refused(kind.clone(), Some(FieldValue::Number(dec("0.9"))), "at least 1");
    refused(kind.clone(), Some(FieldValue::Number(dec("100.1"))), "at most 100");
    refused(kind.clone(), Some(FieldValue::Number(dec("2.25"))), "at most 1 decimals");
    refused(kind.clone(), Some(FieldValue::Text("5".into())), "expected a number");
    refused(kind, None, "required");
}

#[test]
fn money_is_cents_and_never_negative() {
    let kind = ControlKind::Money { currency: "CNY".into() };
    ok(kind.clone(), FieldValue::Money(0));
    ok(kind.clone(), FieldValue::Money(1_234_567));
    refused(kind.clone(), Some(FieldValue::Money(-1)), "negative");
    refused(kind, Some(FieldValue::Number(dec("12.5"))), "expected an amount in cents");
}

#[test]
fn dates_are_real_calendar_days_in_order() {
    let day = ControlKind::Date { precision: DatePrecision::Day };
    ok(day.clone(), FieldValue::Date("2024-02-29".into()));
    refused(day.clone(), Some(FieldValue::Date("2025-02-29".into())), "no such date");
    refused(day.clone(), Some(FieldValue::Date("2025-13-01".into())), "no such date");
    refused(day.clone(), Some(FieldValue::Date("2025-1-01".into())), "YYYY-MM-DD");
    refused(day.clone(), Some(FieldValue::Date("2025-01-01T09:00".into())), "YYYY-MM-DD");
    refused(day, None, "required");
    let hour = ControlKind::Date { precision: DatePrecision::Hour };
    ok(hour.clone(), FieldValue::Date("2025-01-01T09:00".into()));
    refused(hour.clone(), Some(FieldValue::Date("2025-01-01T24:00".into())), "YYYY-MM-DDTHH:00");
    refused(hour, Some(FieldValue::Date("2025-01-01T09:30".into())), "YYYY-MM-DDTHH:00");
    let range = ControlKind::DateRange { precision: DatePrecision::Day };
    let span = |start: &str, end: &str| FieldValue::DateRange { start: start.into(), end: end.into() };
    ok(range.clone(), span("2025-03-01", "2025-03-01"));
    ok(range.clone(), span("2025-03-01", "2025-03-05"));
    refused(range.clone(), Some(span("2025-03-05", "2025-03-01")), "end is before the start");
    refused(range.clone(), Some(span("2025-03-05", "2025-03-32")), "no such date");
    refused(range, Some(FieldValue::Date("2025-03-01".into())), "another kind");
    let hours = ControlKind::DateRange { precision: DatePrecision::Hour };
    ok(hours.clone(), span("2025-03-01T09:00", "2025-03-01T18:00"));
    refused(hours, Some(span("2025-03-01T18:00", "2025-03-01T09:00")), "before the start");
}

#[test]
fn selectors_accept_only_their_options() {
    let options = vec![
        SelectOption { id: "annual".into(), label: "年假".into() },
        SelectOption { id: "sick".into(), label: "病假".into() },
    ];
    let single = ControlKind::Selector { multi: false, options: options.clone() };
    ok(single.clone(), FieldValue::Selected(vec!["sick".into()]));
    refused(single.clone(), Some(FieldValue::Selected(vec![])), "required");
    refused(single.clone(), Some(FieldValue::Selected(vec!["annual".into(), "sick".into()])), "only one");
    refused(single, Some(FieldValue::Selected(vec!["party".into()])), "not one of the options");
    let multi = ControlKind::Selector { multi: true, options };
    ok(multi.clone(), FieldValue::Selected(vec!["annual".into(), "sick".into()]));
    refused(multi, Some(FieldValue::Selected(vec!["sick".into(), "sick".into()])), "twice");
}

#[test]
fn contacts_pick_members_or_departments() {
    let one = ControlKind::Contact { target: ContactTarget::Members, multi: false };
    ok(one.clone(), FieldValue::Members(vec![member(5)]));
    refused(one.clone(), Some(FieldValue::Members(vec![member(5), member(6)])), "only one");
    refused(one, Some(FieldValue::Departments(vec![DepartmentId::from("eng")])), "another kind");
    let many = ControlKind::Contact { target: ContactTarget::Departments, multi: true };
    ok(many.clone(), FieldValue::Departments(vec!["eng".into(), "hr".into()]));
    refused(many.clone(), Some(FieldValue::Departments(vec!["eng".into(), "eng".into()])), "twice");
    refused(many, Some(FieldValue::Members(vec![member(5)])), "another kind");
}

#[test]
fn files_are_limited_in_number() {
    let file = |n: u128| AttachmentId(Uuid::from_u128(n));
    ok(ControlKind::File, FieldValue::Files(vec![file(1), file(2)]));
    refused(ControlKind::File, Some(FieldValue::Files((0..10).map(file).collect())), "at most 9 files");
    refused(ControlKind::File, Some(FieldValue::Files(vec![])), "required");
}

#[test]
fn tables_check_every_row_and_name_the_cell() {
    let columns = vec![
        control("name", true, ControlKind::Text),
        control("qty", true, ControlKind::Number { min: Some(dec("1")), max: None, decimals: 0 }),
        control("price", false, ControlKind::Money { currency: "CNY".into() }),
    ];
    let template = spec(vec![control("items", true, ControlKind::Table { columns })]);
    let row = |name: &str, qty: &str| {
        form(vec![("name", FieldValue::Text(name.into())), ("qty", FieldValue::Number(dec(qty)))])
    };
    let good = form(vec![("items", FieldValue::Rows(vec![row("键盘", "2"), row("鼠标", "1")]))]);
    assert_eq!(validate(&template, &good), Ok(()));
    let bad = form(vec![("items", FieldValue::Rows(vec![row("键盘", "2"), row("", "0.5")]))]);
    let errors = validate(&template, &bad).expect_err("refused");
    assert_eq!(
        errors,
        vec![
            FieldError::cell("items", 1, "name", FieldRule::Required),
            FieldError::cell("items", 1, "qty", FieldRule::Decimals { max: 0 }),
        ]
    );
    assert_eq!(errors[1].to_string(), "qty (row 2): at most 0 decimals");
    let problems: Vec<FieldProblem> = errors.iter().map(FieldError::problem).collect();
    assert_eq!(problems[1], FieldProblem::new("form.items[1].qty", FieldRule::Decimals { max: 0 }));
    let read_back: Vec<FieldError> = problems.iter().filter_map(FieldError::from_problem).collect();
    assert_eq!(read_back, errors, "paths read back into the same cells");
    assert_eq!(FieldError::from_problem(&FieldProblem::new("name", FieldRule::Required)), None);
    let empty = form(vec![("items", FieldValue::Rows(vec![]))]);
    assert!(validate(&template, &empty).is_err(), "a required table needs a row");
    let too_many = form(vec![("items", FieldValue::Rows(vec![row("x", "1"); MAX_TABLE_ROWS + 1]))]);
    assert!(validate(&template, &too_many).is_err());
}

#[test]
fn unknown_fields_are_refused_and_optional_fields_may_be_empty() {
    let template = spec(vec![control("note", false, ControlKind::Text)]);
    assert_eq!(validate(&template, &BTreeMap::new()), Ok(()));
    let stray = form(vec![("other", FieldValue::Text("x".into()))]);
    let errors = validate(&template, &stray).expect_err("refused");
    assert_eq!(errors[0].control_id, "other");
}

#[test]
fn templates_are_checked_before_they_are_stored() {
    let mut template = spec(vec![
        control("a", true, ControlKind::Text),
        control("a", true, ControlKind::Money { currency: "rmb".into() }),
        control(
            "t",
            false,
            ControlKind::Table { columns: vec![control("inner", false, ControlKind::Table { columns: vec![] })] },
        ),
        control("s", false, ControlKind::Selector { multi: false, options: vec![] }),
        control("n", false, ControlKind::Number { min: Some(dec("5")), max: Some(dec("1")), decimals: 9 }),
    ]);
    template.chain.steps.push(StepTemplate {
        name: "Finance".into(),
        approvers: ApproverSource::DepartmentLeader { level: 0 },
        mode: ApprovalMode::All,
        condition: Some(Condition::Compare { control_id: "s".into(), op: CompareOp::Gt, value: dec("1") }),
    });
    let problems = validate_template(&template).expect_err("refused");
    for expected in [
        FieldProblem::new("controls.a", FieldRule::DuplicateId),
        FieldProblem::new("controls.a.currency", FieldRule::CurrencyCode),
        FieldProblem::new("controls.inner", FieldRule::NestedTable),
        FieldProblem::new("controls.s.options", FieldRule::UniqueOptions),
        FieldProblem::new("controls.n.decimals", FieldRule::AtMost { max: 6 }),
        FieldProblem::new("controls.n", FieldRule::MinAboveMax),
        FieldProblem::new("chain.steps[1].level", FieldRule::AtLeast { min: 1 }),
        FieldProblem::new("chain.steps[1].condition", FieldRule::ConditionField { control_id: "s".into() }),
    ] {
        assert!(problems.contains(&expected), "{expected:?} in {problems:?}");
    }
    assert_eq!(problems.len(), 8, "{problems:?}");
    let sentence = weft_protocol::refusal::problems_message(&problems);
    assert!(sentence.contains("controls.n: min is above max; chain.steps[1].level: 1 or more"), "{sentence}");
    assert_eq!(validate_template(&spec(vec![control("a", true, ControlKind::Text)])), Ok(()));
}

#[test]
fn conditions_compare_money_exactly_and_test_options() {
    let over = Condition::Compare { control_id: "amount".into(), op: CompareOp::Gt, value: dec("10000.00") };
    assert!(!over.holds(&form(vec![("amount", FieldValue::Money(1_000_000))])), "10000.00 is not above itself");
    assert!(over.holds(&form(vec![("amount", FieldValue::Money(1_000_001))])));
    assert!(!over.holds(&BTreeMap::new()), "an empty field does not hold");
    let at_least = Condition::Compare { control_id: "days".into(), op: CompareOp::Ge, value: dec("3") };
    assert!(at_least.holds(&form(vec![("days", FieldValue::Number(dec("3.0")))])));
    assert!(!at_least.holds(&form(vec![("days", FieldValue::Number(dec("2.9")))])));
    let sick = Condition::Selected { control_id: "type".into(), option: "sick".into() };
    assert!(sick.holds(&form(vec![("type", FieldValue::Selected(vec!["sick".into()]))])));
    assert!(!sick.holds(&form(vec![("type", FieldValue::Selected(vec!["annual".into()]))])));
}

#[test]
fn picked_contacts_include_table_cells() {
    let values = form(vec![
        ("who", FieldValue::Members(vec![member(1)])),
        ("rows", FieldValue::Rows(vec![form(vec![("dept", FieldValue::Departments(vec!["hr".into()]))])])),
    ]);
    assert_eq!(picked_contacts(&values), (vec![member(1)], vec![DepartmentId::from("hr")]));
}

#[test]
fn request_status_is_a_number() {
    assert_eq!(serde_json::to_string(&RequestStatus::Withdrawn).expect("json"), "4");
    assert_eq!(serde_json::from_str::<RequestStatus>("2").expect("json"), RequestStatus::Approved);
    assert!(serde_json::from_str::<RequestStatus>("5").is_err());
}

#[test]
fn list_cursors_read_back_what_they_write() {
    let cursor = ListCursor { updated_at: 1_764_000_000_000, id: ApprovalId(Uuid::from_u128(9)) };
    assert_eq!(cursor.to_string(), "1764000000000:00000000-0000-0000-0000-000000000009");
    assert_eq!(cursor.to_string().parse::<ListCursor>(), Ok(cursor));
    for bad in ["", "17", "x:00000000-0000-0000-0000-000000000009", "-1:00000000-0000-0000-0000-000000000009", "5:nope"]
    {
        let refused = bad.parse::<ListCursor>().expect_err(bad);
        assert!(refused.starts_with("before: expected <updated_at>:<request id>"), "{refused}");
    }
}

#[test]
fn wire_template() {
    let template = Template {
        id: TemplateId(Uuid::from_u128(7)),
        version: 2,
        spec: TemplateSpec {
            name: "报销 Expense".into(),
            icon: "expense".into(),
            description: "差旅和日常报销".into(),
            controls: vec![
                control("amount", true, ControlKind::Money { currency: "CNY".into() }),
                control("days", false, ControlKind::Number { min: Some(dec("0.5")), max: None, decimals: 1 }),
                control("when", true, ControlKind::DateRange { precision: DatePrecision::Day }),
                control(
                    "type",
                    true,
                    ControlKind::Selector {
                        multi: false,
                        options: vec![SelectOption { id: "travel".into(), label: "差旅".into() }],
                    },
                ),
                control("who", false, ControlKind::Contact { target: ContactTarget::Members, multi: true }),
                control("items", false, ControlKind::Table { columns: vec![control("name", true, ControlKind::Text)] }),
            ],
            chain: ApproverChain {
                steps: vec![
                    StepTemplate {
                        name: "直属上级".into(),
                        approvers: ApproverSource::DirectLeader,
                        mode: ApprovalMode::AnyOne,
                        condition: None,
                    },
                    StepTemplate {
                        name: "财务".into(),
                        approvers: ApproverSource::Members { members: vec![member(3), member(4)] },
                        mode: ApprovalMode::All,
                        condition: Some(Condition::Compare {
                            control_id: "amount".into(),
                            op: CompareOp::Gt,
                            value: dec("10000.00"),
                        }),
                    },
                    StepTemplate {
                        name: "部门负责人".into(),
                        approvers: ApproverSource::DepartmentLeader { level: 2 },
                        mode: ApprovalMode::AnyOne,
                        condition: Some(Condition::Selected { control_id: "type".into(), option: "travel".into() }),
                    },
                    StepTemplate {
                        name: "管理员".into(),
                        approvers: ApproverSource::Role { role: Role::Admin },
                        mode: ApprovalMode::AnyOne,
                        condition: None,
                    },
                ],
                cc_on_submit: vec![],
                cc_on_completion: vec![ApproverSource::LeaderOf { department_id: "finance".into() }],
                fallback_approver: member(1),
            },
        },
        created_at: 1_764_000_000_000,
    };
    insta::assert_json_snapshot!(template, @r#"
        {
          "id": "00000000-0000-0000-0000-000000000007",
          "version": 2,
          "name": "报销 Expense",
          "icon": "expense",
          "description": "差旅和日常报销",
          "controls": [
            {
              "id": "amount",
              "title": "amount title",
              "placeholder": "",
              "required": true,
              "kind": "money",
              "currency": "CNY"
            },
            {
              "id": "days",
              "title": "days title",
              "placeholder": "",
              "required": false,
              "kind": "number",
              "min": "0.5",
              "decimals": 1
            },
            {
              "id": "when",
              "title": "when title",
              "placeholder": "",
              "required": true,
              "kind": "date_range",
              "precision": "day"
            },
            {
              "id": "type",
              "title": "type title",
              "placeholder": "",
              "required": true,
              "kind": "selector",
              "multi": false,
              "options": [
                {
                  "id": "travel",
                  "label": "差旅"
                }
              ]
            },
            {
              "id": "who",
              "title": "who title",
              "placeholder": "",
              "required": false,
              "kind": "contact",
              "target": "members",
              "multi": true
            },
            {
              "id": "items",
              "title": "items title",
              "placeholder": "",
              "required": false,
              "kind": "table",
              "columns": [
                {
                  "id": "name",
                  "title": "name title",
                  "placeholder": "",
                  "required": true,
                  "kind": "text"
                }
              ]
            }
          ],
          "chain": {
            "steps": [
              {
                "name": "直属上级",
                "approvers": {
                  "source": "direct_leader"
                },
                "mode": "any_one"
              },
              {
                "name": "财务",
                "approvers": {
                  "source": "members",
                  "members": [
                    "00000000-0000-0000-0000-000000000003",
                    "00000000-0000-0000-0000-000000000004"
                  ]
                },
                "mode": "all",
                "condition": {
                  "test": "compare",
                  "control_id": "amount",
                  "op": "gt",
                  "value": "10000.00"
                }
              },
              {
                "name": "部门负责人",
                "approvers": {
                  "source": "department_leader",
                  "level": 2
                },
                "mode": "any_one",
                "condition": {
                  "test": "selected",
                  "control_id": "type",
                  "option": "travel"
                }
              },
              {
                "name": "管理员",
                "approvers": {
                  "source": "role",
                  "role": "admin"
                },
                "mode": "any_one"
              }
            ],
            "cc_on_submit": [],
            "cc_on_completion": [
              {
                "source": "leader_of",
                "department_id": "finance"
              }
            ],
            "fallback_approver": "00000000-0000-0000-0000-000000000001"
          },
          "created_at": 1764000000000
        }
    "#);
}

#[test]
fn wire_request() {
    let request = ApprovalRequest {
        id: ApprovalId(Uuid::from_u128(9)),
        template_id: TemplateId(Uuid::from_u128(7)),
        template_version: 2,
        applicant_id: member(2),
        applicant_name: "张三".into(),
        client_id: ClientId(Uuid::from_u128(10)),
        status: RequestStatus::InReview,
        current_step: Some(1),
        form: form(vec![
            ("amount", FieldValue::Money(1_250_050)),
            ("days", FieldValue::Number(dec("1.5"))),
            ("when", FieldValue::DateRange { start: "2025-03-01".into(), end: "2025-03-02".into() }),
            ("type", FieldValue::Selected(vec!["travel".into()])),
            ("who", FieldValue::Members(vec![member(5)])),
            ("items", FieldValue::Rows(vec![form(vec![("name", FieldValue::Text("机票".into()))])])),
        ]),
        steps: vec![
            StepState {
                name: "直属上级".into(),
                mode: ApprovalMode::AnyOne,
                status: StepStatus::Approved,
                fallback: false,
                approvers: vec![ApproverState {
                    member_id: member(3),
                    name: String::new(),
                    decision: Some(Decision::Approve),
                    decided_at: Some(1_764_000_100_000),
                    comment: Some("同意".into()),
                }],
            },
            StepState {
                name: "财务".into(),
                mode: ApprovalMode::All,
                status: StepStatus::Active,
                fallback: true,
                approvers: vec![ApproverState {
                    member_id: member(1),
                    name: String::new(),
                    decision: None,
                    decided_at: None,
                    comment: None,
                }],
            },
        ],
        cc: vec![CcEntry { member_id: member(6), when: CcWhen::Completion, notified: false }],
        audit: vec![AuditEntry {
            actor_id: member(2),
            actor_name: "张三".into(),
            action: AuditAction::Submitted,
            step: None,
            comment: String::new(),
            at: 1_764_000_000_000,
        }],
        submitted_at: 1_764_000_000_000,
        updated_at: 1_764_000_100_000,
    };
    insta::assert_json_snapshot!(request, @r#"
        {
          "id": "00000000-0000-0000-0000-000000000009",
          "template_id": "00000000-0000-0000-0000-000000000007",
          "template_version": 2,
          "applicant_id": "00000000-0000-0000-0000-000000000002",
          "applicant_name": "张三",
          "client_id": "00000000-0000-0000-0000-00000000000a",
          "status": 1,
          "current_step": 1,
          "form": {
            "amount": {
              "kind": "money",
              "value": 1250050
            },
            "days": {
              "kind": "number",
              "value": "1.5"
            },
            "items": {
              "kind": "rows",
              "value": [
                {
                  "name": {
                    "kind": "text",
                    "value": "机票"
                  }
                }
              ]
            },
            "type": {
              "kind": "selected",
              "value": [
                "travel"
              ]
            },
            "when": {
              "kind": "date_range",
              "value": {
                "start": "2025-03-01",
                "end": "2025-03-02"
              }
            },
            "who": {
              "kind": "members",
              "value": [
                "00000000-0000-0000-0000-000000000005"
              ]
            }
          },
          "steps": [
            {
              "name": "直属上级",
              "mode": "any_one",
              "status": "approved",
              "fallback": false,
              "approvers": [
                {
                  "member_id": "00000000-0000-0000-0000-000000000003",
                  "decision": "approve",
                  "decided_at": 1764000100000,
                  "comment": "同意"
                }
              ]
            },
            {
              "name": "财务",
              "mode": "all",
              "status": "active",
              "fallback": true,
              "approvers": [
                {
                  "member_id": "00000000-0000-0000-0000-000000000001"
                }
              ]
            }
          ],
          "cc": [
            {
              "member_id": "00000000-0000-0000-0000-000000000006",
              "when": "completion",
              "notified": false
            }
          ],
          "audit": [
            {
              "actor_id": "00000000-0000-0000-0000-000000000002",
              "actor_name": "张三",
              "action": "submitted",
              "at": 1764000000000
            }
          ],
          "submitted_at": 1764000000000,
          "updated_at": 1764000100000
        }
    "#);
}

#[test]
fn wire_approval_change() {
    let change = weft_protocol::sync::Change::Approval {
        request: ApprovalSummary {
            id: ApprovalId(Uuid::from_u128(9)),
            template_id: TemplateId(Uuid::from_u128(7)),
            template_name: "报销 Expense".into(),
            applicant_id: member(2),
            applicant_name: "张三".into(),
            status: RequestStatus::InReview,
            current_step: Some(0),
            waiting_on: vec![member(3)],
            submitted_at: 1,
            updated_at: 1,
        },
    };
    insta::assert_json_snapshot!(change, @r#"
        {
          "type": "approval",
          "request": {
            "id": "00000000-0000-0000-0000-000000000009",
            "template_id": "00000000-0000-0000-0000-000000000007",
            "template_name": "报销 Expense",
            "applicant_id": "00000000-0000-0000-0000-000000000002",
            "applicant_name": "张三",
            "status": 1,
            "current_step": 0,
            "waiting_on": [
              "00000000-0000-0000-0000-000000000003"
            ],
            "submitted_at": 1,
            "updated_at": 1
          }
        }
    "#);
}

#[test]
fn wire_actions() {
    let client_id = ClientId(Uuid::from_u128(10));
    insta::assert_json_snapshot!(DecisionRequest { client_id, decision: Decision::Reject, comment: "金额不对".into() }, @r#"
        {
          "client_id": "00000000-0000-0000-0000-00000000000a",
          "decision": "reject",
          "comment": "金额不对"
        }
    "#);
    insta::assert_json_snapshot!(SubmitApprovalRequest {
        client_id,
        template_id: TemplateId(Uuid::from_u128(7)),
        template_version: 1,
        form: form(vec![("reason", FieldValue::Text("出差".into()))]),
    }, @r#"
        {
          "client_id": "00000000-0000-0000-0000-00000000000a",
          "template_id": "00000000-0000-0000-0000-000000000007",
          "template_version": 1,
          "form": {
            "reason": {
              "kind": "text",
              "value": "出差"
            }
          }
        }
    "#);
    insta::assert_json_snapshot!(ApprovalSummary {
        id: ApprovalId(Uuid::from_u128(9)),
        template_id: TemplateId(Uuid::from_u128(7)),
        template_name: "请假 Leave".into(),
        applicant_id: member(2),
        applicant_name: "张三".into(),
        status: RequestStatus::Rejected,
        current_step: None,
        waiting_on: Vec::new(),
        submitted_at: 1,
        updated_at: 2,
    }, @r#"
        {
          "id": "00000000-0000-0000-0000-000000000009",
          "template_id": "00000000-0000-0000-0000-000000000007",
          "template_name": "请假 Leave",
          "applicant_id": "00000000-0000-0000-0000-000000000002",
          "applicant_name": "张三",
          "status": 3,
          "submitted_at": 1,
          "updated_at": 2
        }
    "#);
}

#[test]
fn wire_approval_card_message() {
    let card = weft_protocol::chat::MessageCard::Approval(weft_protocol::approval::ApprovalCard {
        request_id: ApprovalId(Uuid::from_u128(9)),
        template_name: "报销 Expense".into(),
        icon: "expense".into(),
        applicant_id: member(2),
        applicant_name: "张三".into(),
        event: weft_protocol::approval::CardEvent::AwaitingYou { step: 1 },
        lines: vec![weft_protocol::approval::CardLine { label: "金额 Amount".into(), value: "CNY 12,000.00".into() }],
    });
    insta::assert_json_snapshot!(card, @r#"
        {
          "type": "approval",
          "request_id": "00000000-0000-0000-0000-000000000009",
          "template_name": "报销 Expense",
          "icon": "expense",
          "applicant_id": "00000000-0000-0000-0000-000000000002",
          "applicant_name": "张三",
          "event": {
            "kind": "awaiting_you",
            "step": 1
          },
          "lines": [
            {
              "label": "金额 Amount",
              "value": "CNY 12,000.00"
            }
          ]
        }
    "#);
    let finished = weft_protocol::approval::CardEvent::Finished { status: RequestStatus::Approved };
    insta::assert_json_snapshot!(finished, @r#"
        {
          "kind": "finished",
          "status": 2
        }
    "#);
}

#[test]
fn card_lines_show_the_first_simple_fields_as_text() {
    let spec: TemplateSpec = serde_json::from_value(serde_json::json!({
        "name": "报销 Expense",
        "icon": "expense",
        "controls": [
            { "id": "who", "required": false, "title": "同行 With", "kind": "contact", "target": "members", "multi": true },
            { "id": "amount", "required": false, "title": "金额 Amount", "kind": "money", "currency": "CNY" },
            { "id": "kind", "required": false, "title": "类别 Kind", "kind": "selector", "multi": false,
              "options": [{ "id": "t", "label": "交通 Travel" }] },
            { "id": "days", "required": false, "title": "日期 Dates", "kind": "date_range", "precision": "day" },
            { "id": "note", "required": false, "title": "备注 Note", "kind": "text" },
        ],
        "chain": { "steps": [], "fallback_approver": member(1) },
    }))
    .expect("spec");
    let values = form(vec![
        ("amount", FieldValue::Money(1_200_050)),
        ("kind", FieldValue::Selected(vec!["t".into()])),
        ("days", FieldValue::DateRange { start: "2026-03-01".into(), end: "2026-03-03".into() }),
        ("note", FieldValue::Text("not shown: three lines at most".into())),
    ]);
    let lines: Vec<(String, String)> =
        weft_protocol::approval::card_lines(&spec, &values).into_iter().map(|l| (l.label, l.value)).collect();
    assert_eq!(
        lines,
        vec![
            ("金额 Amount".into(), "CNY 12,000.50".into()),
            ("类别 Kind".into(), "交通 Travel".into()),
            ("日期 Dates".into(), "2026-03-01 ~ 2026-03-03".into()),
        ]
    );
    assert_eq!(weft_protocol::approval::money_text(-5), "-0.05");
    assert_eq!(weft_protocol::approval::money_text(100_000_000), "1,000,000.00");
}
