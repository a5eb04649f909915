//! The template editor's pure helpers: generated control ids (stable, unique, tables included),
//! moving and removing, the draft built into a `TemplateSpec` the protocol accepts, problems placed
//! beside what they concern (the protocol's, the editor's own and the server's 422), and an
//! existing template read back without loss.

use uuid::Uuid;
use wasm_bindgen_test::wasm_bindgen_test;
use weft::features::admin::templates::draft::{
    CcList, KindChoice, Place, Problem, Settings, SourceKind, TemplateDraft, Wording,
};
use weft::i18n::Text;
use weft_protocol::approval::{
    ApprovalMode, ApproverSource, CompareOp, Condition, ControlKind, Decimal, Template, validate_template,
};
use weft_protocol::{ErrorBody, ErrorCode, FieldProblem, FieldRule, MemberId, TemplateId};

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn member(n: u128) -> MemberId {
    MemberId(Uuid::from_u128(n))
}

/// The e2e's travel template: text, money and date range; the direct leader, then a fixed member
/// when the amount is over 5000.
fn travel() -> TemplateDraft {
    let mut draft = TemplateDraft::new(Some(member(1)));
    draft.name = "差旅申请 Travel".into();
    for (kind, title) in [
        (KindChoice::Text, "目的地 Destination"),
        (KindChoice::Money, "金额 Amount"),
        (KindChoice::DateRange, "日期 Dates"),
    ] {
        let id = draft.add_control(kind);
        draft.control_mut(&id).expect("added").title = title.into();
    }
    draft.steps[0].name = "直属上级 Leader".into();
    let key = draft.add_step();
    let step = draft.step_mut(key).expect("added");
    step.name = "财务 Finance".into();
    step.approvers.members = vec![member(2)];
    step.condition.control = "money_3".into();
    step.condition.value = "5,000".into();
    draft
}

fn texts(problems: &[Problem]) -> Vec<(Place, Option<Text>)> {
    problems
        .iter()
        .map(|p| {
            let text = match p.wording {
                Wording::Rule(text) => Some(text),
                Wording::Server(_) => None,
            };
            (p.place.clone(), text)
        })
        .collect()
}

#[wasm_bindgen_test]
fn ids_come_from_the_kind_and_a_counter_and_never_repeat() {
    let mut draft = TemplateDraft::new(None);
    let text = draft.add_control(KindChoice::Text);
    let money = draft.add_control(KindChoice::Money);
    let table = draft.add_control(KindChoice::Table);
    let column = draft.add_column(&table, KindChoice::Number).expect("a table takes columns");
    assert_eq!([text.as_str(), money.as_str(), table.as_str()], ["text_2", "money_3", "table_4"]);
    assert_eq!(column, "number_5");
    assert_eq!(draft.add_column(&table, KindChoice::Table), None, "no table in a table");
    assert_eq!(draft.add_column(&text, KindChoice::Text), None, "only tables have columns");
    // Titles never change ids, and a removed id is not handed out again.
    draft.control_mut(&text).expect("text").title = "Money".into();
    draft.remove_control(&money);
    assert_eq!(draft.add_control(KindChoice::Money), "money_6");
    // A template whose ids look generated: new ones skip them.
    let mut spec = travel().to_spec().expect("valid");
    spec.controls[0].id = "text_3".into();
    let template = Template { id: TemplateId(Uuid::from_u128(9)), version: 1, spec, created_at: 0 };
    let mut loaded = TemplateDraft::from_template(&template);
    assert_eq!(loaded.add_control(KindChoice::Text), "text_4");
}

#[wasm_bindgen_test]
fn controls_and_columns_move_within_their_list_and_removing_clears_conditions() {
    let mut draft = travel();
    let ids = |d: &TemplateDraft| d.controls.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    assert!(draft.move_control("money_3", -1));
    assert_eq!(ids(&draft), ["money_3", "text_2", "date_range_4"]);
    assert!(!draft.move_control("money_3", -1), "already first");
    assert!(!draft.move_control("date_range_4", 1), "already last");
    assert_eq!(draft.position("text_2"), Some((1, 3)));
    let table = draft.add_control(KindChoice::Table);
    let a = draft.add_column(&table, KindChoice::Text).expect("column");
    let b = draft.add_column(&table, KindChoice::Money).expect("column");
    assert!(draft.move_control(&b, -1));
    let Some(Settings::Table { columns }) = draft.control(&table).map(|c| &c.settings) else { panic!("a table") };
    assert_eq!(columns.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), [b.as_str(), a.as_str()]);
    assert_eq!(draft.position(&a), Some((1, 2)));
    // The finance step tested the amount: removing the amount makes that step unconditional.
    draft.remove_control("money_3");
    assert!(draft.steps[1].condition.control.is_empty());
    assert_eq!(draft.control("money_3"), None);
    // Steps move by key.
    let (first, second) = (draft.steps[0].key, draft.steps[1].key);
    assert!(draft.move_step(second, -1));
    assert_eq!(draft.steps.iter().map(|s| s.key).collect::<Vec<_>>(), [second, first]);
}

#[wasm_bindgen_test]
fn a_complete_draft_becomes_the_template_the_protocol_accepts() {
    let mut draft = travel();
    let cc = draft.add_cc(CcList::OnCompletion);
    draft.source_mut(cc).expect("entry").kind = SourceKind::DirectLeader;
    let spec = draft.to_spec().expect("valid");
    assert_eq!(validate_template(&spec), Ok(()));
    assert_eq!(spec.name, "差旅申请 Travel");
    assert_eq!(spec.controls.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), ["text_2", "money_3", "date_range_4"]);
    assert_eq!(spec.controls[1].kind, ControlKind::Money { currency: "CNY".into() });
    assert_eq!(spec.chain.steps.len(), 2);
    assert_eq!(spec.chain.steps[0].approvers, ApproverSource::DirectLeader);
    assert_eq!(spec.chain.steps[1].approvers, ApproverSource::Members { members: vec![member(2)] });
    assert_eq!(spec.chain.steps[1].mode, ApprovalMode::AnyOne);
    assert_eq!(
        spec.chain.steps[1].condition,
        Some(Condition::Compare {
            control_id: "money_3".into(),
            op: CompareOp::Gt,
            value: Decimal { units: 5000, scale: 0 }
        })
    );
    assert_eq!(spec.chain.cc_on_completion, vec![ApproverSource::DirectLeader]);
    assert_eq!(spec.chain.fallback_approver, member(1));
    // Read back, the same template comes out.
    let template = Template { id: TemplateId(Uuid::from_u128(7)), version: 3, spec: spec.clone(), created_at: 0 };
    let loaded = TemplateDraft::from_template(&template);
    assert_eq!(loaded.editing, Some((template.id, 3)));
    assert_eq!(loaded.to_spec(), Ok(spec));
}

#[wasm_bindgen_test]
fn problems_are_placed_beside_the_field_step_or_section_they_concern() {
    let mut draft = travel();
    draft.control_mut("text_2").expect("text").title = "  ".into();
    let selector = draft.add_control(KindChoice::Selector);
    draft.control_mut(&selector).expect("selector").title = "类型 Kind".into();
    let number = draft.add_control(KindChoice::Number);
    if let Some(Settings::Number { min, max, .. }) = draft.control_mut(&number).map(|c| &mut c.settings) {
        *min = "10".into();
        *max = "abc".into();
    }
    draft.control_mut(&number).expect("number").title = "数量 Count".into();
    let (leader, finance) = (draft.steps[0].key, draft.steps[1].key);
    draft.step_mut(leader).expect("step").name.clear();
    draft.step_mut(finance).expect("step").condition.value = "lots".into();
    draft.fallback = None;
    let problems = draft.to_spec().expect_err("invalid");
    let found = texts(&problems);
    for expected in [
        (Place::ControlTitle("text_2".into()), Some(Text::TemplateTitleRule)),
        (Place::Control(selector.clone()), Some(Text::TemplateOptionsRule)),
        (Place::Control(number.clone()), Some(Text::TemplateNumberRule)),
        (Place::StepName(leader), Some(Text::TemplateStepNameRule)),
        (Place::Step(finance), Some(Text::TemplateConditionValueRule)),
        (Place::Fallback, Some(Text::TemplateFallbackRule)),
    ] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    // An empty draft: the sections say what is missing.
    let mut empty = TemplateDraft::new(Some(member(1)));
    let only = empty.steps[0].key;
    empty.remove_step(only);
    let found = texts(&empty.to_spec().expect_err("empty"));
    for expected in [
        (Place::Name, Some(Text::TemplateNameRule)),
        (Place::Controls, Some(Text::TemplateNeedsControl)),
        (Place::Steps, Some(Text::TemplateNeedsStep)),
    ] {
        assert!(found.contains(&expected), "{expected:?} in {found:?}");
    }
    // A fixed-members step with nobody picked.
    let mut nobody = travel();
    let finance = nobody.steps[1].key;
    nobody.step_mut(finance).expect("step").approvers.members.clear();
    assert!(
        texts(&nobody.to_spec().expect_err("nobody"))
            .contains(&(Place::Step(finance), Some(Text::TemplatePickMembers)))
    );
}

#[wasm_bindgen_test]
fn the_servers_refusal_is_placed_by_the_same_rules() {
    let draft = travel();
    let finance = draft.steps[1].key;
    let stranger = MemberId(Uuid::from_u128(2));
    let refused = ErrorBody {
        problems: vec![
            FieldProblem::new("controls.money_3.currency", FieldRule::CurrencyCode),
            FieldProblem::new("chain.steps[1].members", FieldRule::AtLeastOne),
            FieldProblem::new("chain", FieldRule::UnknownMember { member: stranger }),
        ],
        ..ErrorBody::new(ErrorCode::InvalidField, "three problems")
    };
    let problems = draft.server_problems(&refused);
    assert_eq!(
        texts(&problems),
        vec![
            (Place::Control("money_3".into()), Some(Text::TemplateCurrencyRule)),
            (Place::Step(finance), Some(Text::TemplatePickMembers)),
            (Place::Form, None),
        ]
    );
    assert_eq!(
        problems[2].wording,
        Wording::Server("chain: member 00000000-0000-0000-0000-000000000002 does not exist".into())
    );
    // A control the draft does not have is listed at the top, in the server's words.
    let unknown = draft.place_problem(&FieldProblem::new("controls.gone", FieldRule::DuplicateId));
    assert_eq!(unknown.place, Place::Form);
    // A body without typed problems is shown whole at the top.
    let plain = draft.server_problems(&ErrorBody::new(ErrorCode::InvalidField, "name: taken"));
    assert_eq!(plain, vec![Problem { place: Place::Form, wording: Wording::Server("name: taken".into()) }]);
}
