//! The approval form's pure helpers: money typed as decimals, typed forms into protocol values
//! (uploaded files included, kept through a draft), the checks on a chosen file, and the server's
//! 422's typed problems placed beside fields and worded; drafts moved out of `localStorage`.

use std::collections::BTreeMap;
use uuid::Uuid;
use wasm_bindgen_test::wasm_bindgen_test;
use weft::features::approvals::drafts::{local_storage_drafts_prefix, move_local_storage_drafts};
use weft::features::approvals::form::{
    FileProblem, RawFile, RawForm, RawValue, check_file, format_money, parse_money, place_server_problems, to_values,
};
use weft::features::approvals::sync::{may_decide, refusal_text, refusal_words};
use weft::features::approvals::words::field_error_text;
use weft::i18n::{Lang, Text};
use weft::store::{MemoryStore, Store};
use weft::sync::outbox::{OutboxAction, OutboxEntry};
use weft_protocol::approval::{
    ApprovalSummary, Control, ControlKind, Decimal, Decision, FieldError, FieldValue, MAX_FILES, TemplateSpec, validate,
};
use weft_protocol::chat::{Attachment, MAX_ATTACHMENT_BYTES};
use weft_protocol::{ApprovalId, AttachmentId, FieldProblem, FieldRule, MemberId, TemplateId};

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn control(id: &str, required: bool, kind: ControlKind) -> Control {
    Control { id: id.into(), title: id.into(), placeholder: String::new(), required, kind }
}

#[wasm_bindgen_test]
fn money_reads_decimals_as_cents() {
    assert_eq!(parse_money("12000.00"), Some(1_200_000));
    assert_eq!(parse_money("12,000.5"), Some(1_200_050));
    assert_eq!(parse_money(" 7 "), Some(700));
    assert_eq!(parse_money("0.01"), Some(1));
    assert_eq!(parse_money("1.234"), None);
    assert_eq!(parse_money("-5"), None);
    assert_eq!(parse_money("12."), None);
    assert_eq!(parse_money("abc"), None);
}

#[wasm_bindgen_test]
fn money_is_shown_grouped_with_two_decimals() {
    assert_eq!(format_money(1_200_000), "12,000.00");
    assert_eq!(format_money(5), "0.05");
    assert_eq!(format_money(123_456_789), "1,234,567.89");
}

#[wasm_bindgen_test]
fn a_typed_form_becomes_values_and_unreadable_cells_name_their_row() {
    let money = ControlKind::Money { currency: "CNY".into() };
    let controls = vec![
        control("amount", true, money.clone()),
        control("reason", true, ControlKind::Textarea),
        control("items", false, ControlKind::Table { columns: vec![control("price", true, money)] }),
    ];
    let mut raw = BTreeMap::new();
    raw.insert("amount".to_owned(), RawValue::Text("12000.00".into()));
    raw.insert("reason".to_owned(), RawValue::Text("   ".into()));
    let row = |price: &str| BTreeMap::from([("price".to_owned(), RawValue::Text(price.into()))]);
    raw.insert("items".to_owned(), RawValue::Rows(vec![row("1.5"), row("x")]));
    let (values, errors) = to_values(&controls, &raw, None);
    assert_eq!(values.get("amount"), Some(&FieldValue::Money(1_200_000)));
    assert_eq!(values.get("reason"), None, "blank text is left out so `validate` calls it required");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0], FieldError::cell("items", 1, "price", FieldRule::NotAnAmount));
}

#[wasm_bindgen_test]
fn the_servers_typed_problems_are_placed_beside_fields_and_cells() {
    let controls = vec![
        control("amount", true, ControlKind::Money { currency: "CNY".into() }),
        control("items", false, ControlKind::Table { columns: vec![control("qty", true, ControlKind::Text)] }),
    ];
    let problems = vec![
        FieldProblem::new("form.amount", FieldRule::Required),
        FieldProblem::new("form.items[1].qty", FieldRule::NotBelow { min: Decimal::parse("1").expect("decimal") }),
        FieldProblem::new("form", FieldRule::UnknownMember { member: MemberId(Uuid::from_u128(9)) }),
        FieldProblem::new("form.gone", FieldRule::Required),
    ];
    let found = place_server_problems(&controls, &problems);
    assert_eq!(
        found.placed,
        vec![
            FieldError::field("amount", FieldRule::Required),
            FieldError::cell("items", 1, "qty", FieldRule::NotBelow { min: Decimal::parse("1").expect("decimal") }),
        ]
    );
    assert_eq!(found.elsewhere, problems[2..].to_vec(), "not a field of this form: shown above it");
    // Worded in the member's language beside the field.
    assert_eq!(field_error_text(&found.placed[0], Lang::Zh), "必填。");
    assert_eq!(field_error_text(&found.placed[1], Lang::En), "At least 1.");
    assert_eq!(field_error_text(&found.placed[1], Lang::Zh), "不能小于 1。");
    // A rule from a newer server keeps the protocol's words.
    assert_eq!(field_error_text(&FieldError::field("amount", FieldRule::Unknown), Lang::Zh), "not accepted");
}

fn file(n: u128, name: &str) -> RawFile {
    RawFile { id: AttachmentId(Uuid::from_u128(n)), name: name.into(), size: 1_000 + n as u64 }
}

#[wasm_bindgen_test]
fn uploaded_files_become_file_values_in_fields_and_table_cells() {
    let controls = vec![
        control("receipts", true, ControlKind::File),
        control("items", false, ControlKind::Table { columns: vec![control("scan", false, ControlKind::File)] }),
        control("extra", false, ControlKind::File),
    ];
    let mut raw = RawForm::new();
    raw.insert("receipts".to_owned(), RawValue::Files(vec![file(1, "发票.pdf"), file(2, "taxi.png")]));
    let row = |files: Vec<RawFile>| BTreeMap::from([("scan".to_owned(), RawValue::Files(files))]);
    raw.insert("items".to_owned(), RawValue::Rows(vec![row(vec![file(3, "scan.jpg")]), row(vec![])]));
    raw.insert("extra".to_owned(), RawValue::Files(vec![]));
    let (values, errors) = to_values(&controls, &raw, None);
    assert!(errors.is_empty(), "{errors:?}");
    let ids = |ns: &[u128]| FieldValue::Files(ns.iter().map(|n| AttachmentId(Uuid::from_u128(*n))).collect());
    assert_eq!(values.get("receipts"), Some(&ids(&[1, 2])), "in the order chosen");
    match values.get("items") {
        Some(FieldValue::Rows(rows)) => {
            assert_eq!(rows[0].get("scan"), Some(&ids(&[3])));
            assert_eq!(rows[1].get("scan"), None, "a cell without files is left out");
        }
        other => panic!("expected rows, got {other:?}"),
    }
    assert_eq!(values.get("extra"), None, "a field whose files were all removed is empty");

    // With nothing uploaded, a required File field is reported as required by `validate`.
    let spec = |controls: Vec<Control>| TemplateSpec {
        name: "t".into(),
        icon: "t".into(),
        description: String::new(),
        controls,
        chain: serde_json::from_value(serde_json::json!({
            "steps": [], "fallback_approver": "00000000-0000-0000-0000-000000000001"
        }))
        .expect("chain"),
    };
    let (empty, _) = to_values(&controls, &RawForm::new(), None);
    let refused = validate(&spec(controls.clone()), &empty).expect_err("required");
    assert_eq!((refused[0].control_id.as_str(), &refused[0].rule), ("receipts", &FieldRule::Required));
    assert_eq!(validate(&spec(controls), &values), Ok(()));
}

#[wasm_bindgen_test]
fn a_draft_keeps_its_files_names_and_sizes() {
    let mut raw = RawForm::new();
    raw.insert("receipts".to_owned(), RawValue::Files(vec![file(1, "发票 March.pdf")]));
    raw.insert("amount".to_owned(), RawValue::Text("12000.".into()));
    let json = serde_json::to_string(&raw).expect("json");
    let back: RawForm = serde_json::from_str(&json).expect("draft");
    assert_eq!(back, raw);
    // A draft written before files existed still reads.
    let old: RawForm = serde_json::from_str(r#"{"amount":{"Text":"5"}}"#).expect("old draft");
    assert_eq!(old.get("amount"), Some(&RawValue::Text("5".into())));

    let uploaded = Attachment {
        id: AttachmentId(Uuid::from_u128(4)),
        file_name: "receipt.png".into(),
        content_type: "image/png".into(),
        size: 2048,
        width: Some(10),
        height: Some(10),
        thumbnail: None,
    };
    assert_eq!(RawFile::from(&uploaded), RawFile { id: uploaded.id, name: "receipt.png".into(), size: 2048 });
}

#[wasm_bindgen_test]
fn chosen_files_are_checked_before_uploading() {
    let limit = MAX_ATTACHMENT_BYTES as u64;
    assert_eq!(check_file(1, 0), Ok(()));
    assert_eq!(check_file(limit, MAX_FILES - 1), Ok(()));
    assert_eq!(check_file(0, 0), Err(FileProblem::Empty));
    assert_eq!(check_file(limit + 1, 0), Err(FileProblem::TooLarge));
    assert_eq!(check_file(1, MAX_FILES), Err(FileProblem::TooMany));
}

fn random_id() -> uuid::Uuid {
    weft::platform::new_client_id().0
}

#[wasm_bindgen_test]
async fn drafts_kept_in_local_storage_move_into_the_store() {
    let storage = web_sys::window().expect("window").local_storage().expect("storage").expect("local storage");
    let (me, other) = (MemberId(random_id()), MemberId(random_id()));
    let (expense, leave, purchase) = (TemplateId(random_id()), TemplateId(random_id()), TemplateId(random_id()));
    let form = |text: &str| RawForm::from([("reason".to_owned(), RawValue::Text(text.into()))]);
    let json = |text: &str| serde_json::to_string(&form(text)).expect("json");
    let key = |member: MemberId, template: &str| format!("{}{template}", local_storage_drafts_prefix(member));
    storage.set_item(&key(me, &expense.to_string()), &json("出差 trip")).expect("set");
    storage.set_item(&key(me, &leave.to_string()), &json("older")).expect("set");
    storage.set_item(&key(me, &purchase.to_string()), "not a form").expect("set");
    storage.set_item(&key(me, "expense"), &json("not a template id")).expect("set");
    storage.set_item(&key(other, &expense.to_string()), &json("someone else's")).expect("set");
    let store = MemoryStore::default();
    store.put_draft(leave, &form("newer")).await.expect("put");

    assert_eq!(move_local_storage_drafts(&store, me).await.expect("moved"), 1);
    assert_eq!(store.draft(expense).await.expect("get"), Some(form("出差 trip")));
    assert_eq!(store.draft(leave).await.expect("get"), Some(form("newer")), "the store's draft is newer");
    assert_eq!(store.draft::<RawForm>(purchase).await.expect("get"), None);
    let count = storage.length().expect("length");
    let keys: Vec<String> = (0..count).filter_map(|i| storage.key(i).ok().flatten()).collect();
    assert!(!keys.iter().any(|k| k.starts_with(&local_storage_drafts_prefix(me))), "{keys:?}");
    assert!(keys.contains(&key(other, &expense.to_string())), "another member's drafts wait for them");
    storage.remove_item(&key(other, &expense.to_string())).expect("tidy up");
    assert_eq!(move_local_storage_drafts(&store, me).await.expect("nothing left"), 0);
}

fn summary(status: weft_protocol::approval::RequestStatus, step: Option<u32>, waiting: &[MemberId]) -> ApprovalSummary {
    ApprovalSummary {
        id: ApprovalId(Uuid::from_u128(9)),
        template_id: TemplateId(Uuid::from_u128(7)),
        template_name: "报销 Expense".into(),
        applicant_id: MemberId(Uuid::from_u128(2)),
        applicant_name: "张三".into(),
        status,
        current_step: step,
        waiting_on: waiting.to_vec(),
        submitted_at: 1,
        updated_at: 2,
    }
}

#[wasm_bindgen_test]
fn a_card_offers_the_decision_only_while_the_step_waits_on_the_member() {
    use weft_protocol::approval::RequestStatus::*;
    let (me, other) = (MemberId(Uuid::from_u128(5)), MemberId(Uuid::from_u128(6)));
    assert!(may_decide(&summary(InReview, Some(1), &[other, me]), me, 1));
    assert!(!may_decide(&summary(InReview, Some(1), &[other]), me, 1), "decided already (an all-approve step)");
    assert!(!may_decide(&summary(InReview, Some(2), &[me]), me, 1), "the request moved on");
    assert!(!may_decide(&summary(Withdrawn, None, &[]), me, 1));
}

#[wasm_bindgen_test]
fn refused_decisions_are_explained_from_the_requests_current_state() {
    use weft_protocol::approval::RequestStatus::*;
    let request_id = ApprovalId(Uuid::from_u128(9));
    let decide =
        OutboxAction::DecideApproval { request_id, step: Some(0), decision: Decision::Approve, comment: "".into() };
    let me = MemberId(Uuid::from_u128(5));
    assert_eq!(refusal_text(&decide, Some(&summary(Withdrawn, None, &[]))), Text::ApprovalConflictWithdrawn);
    assert_eq!(refusal_text(&decide, Some(&summary(Rejected, None, &[]))), Text::ApprovalConflictFinished);
    assert_eq!(refusal_text(&decide, Some(&summary(InReview, Some(1), &[me]))), Text::ApprovalConflictMovedOn);
    assert_eq!(refusal_text(&decide, Some(&summary(InReview, Some(0), &[]))), Text::ApprovalConflictDecided);
    assert_eq!(refusal_text(&decide, None), Text::ApprovalRefused, "the device does not know the request");
    let withdraw = OutboxAction::WithdrawApproval { request_id };
    assert_eq!(refusal_text(&withdraw, Some(&summary(Approved, None, &[]))), Text::ApprovalConflictFinished);
    assert_eq!(
        Text::ApprovalConflictWithdrawn.in_lang(weft::i18n::Lang::Zh),
        "未能生效：申请人已在你的审批送达前撤回了该申请。"
    );
}

#[wasm_bindgen_test]
fn a_typed_refusal_is_explained_in_the_members_words_before_the_state_is_consulted() {
    use weft::i18n::Lang;
    use weft_protocol::approval::RequestStatus::InReview;
    let request_id = ApprovalId(Uuid::from_u128(9));
    let decide =
        OutboxAction::DecideApproval { request_id, step: Some(0), decision: Decision::Approve, comment: "".into() };
    let reason = weft_protocol::Refusal::Approval(weft_protocol::ApprovalRefusal::AlreadyDecidedByOther {
        step: 0,
        step_name: "财务 Finance".into(),
        by: MemberId(Uuid::from_u128(7)),
        by_name: "吴霞".into(),
        current_step: 1,
    });
    let current = summary(InReview, Some(1), &[]);
    let zh = refusal_words(&decide, Some(&reason), Some(&current), Lang::Zh);
    assert_eq!(zh, "未能生效：吴霞 已审批通过第 1 步（财务 Finance，一人同意即可），申请已进入第 2 步。");
    let en = refusal_words(&decide, Some(&reason), Some(&current), Lang::En);
    assert!(en.contains("吴霞 already approved step 1"), "{en}");
    // Without a reason (after a reload) or with one this build does not know: judged from the state.
    let judged = Text::ApprovalConflictMovedOn.in_lang(Lang::En);
    assert_eq!(refusal_words(&decide, None, Some(&current), Lang::En), judged);
    let newer = weft_protocol::Refusal::Approval(weft_protocol::ApprovalRefusal::Unknown);
    assert_eq!(refusal_words(&decide, Some(&newer), Some(&current), Lang::En), judged);
}

#[wasm_bindgen_test]
fn a_group_refusal_is_worded_from_its_reason_and_other_failures_keep_the_apps_text() {
    use weft::api::ApiError;
    use weft::i18n::Lang;
    use weft::ui::failure::Failure;
    use weft_protocol::{ConversationRefusal, ErrorBody, ErrorCode, Refusal};
    let body = ErrorBody {
        reason: Some(Refusal::Conversation(ConversationRefusal::GroupFull { max: 500 })),
        ..ErrorBody::new(ErrorCode::InvalidField, "members: a group has at most 500 members")
    };
    let full = Failure::of(&ApiError::Server { status: 422, body });
    assert_eq!(full.render(Lang::Zh), "群成员最多 500 人。");
    assert_eq!(full.render(Lang::En), "A group has at most 500 members.");
    let plain = Failure::of(&ApiError::Server { status: 500, body: ErrorBody::new(ErrorCode::Internal, "x") });
    assert_eq!(plain, Failure::Text(Text::ErrorServer));
    let newer = ErrorBody { reason: Some(Refusal::Unknown), ..ErrorBody::new(ErrorCode::Conflict, "new") };
    assert_eq!(Failure::of(&ApiError::Server { status: 409, body: newer }), Failure::Text(Text::ErrorServer));
}

#[wasm_bindgen_test]
fn outbox_entries_stored_by_earlier_builds_still_read() {
    // Before approvals went through the outbox every entry named its conversation.
    let json = r#"{"client_id":"00000000-0000-0000-0000-000000000001","order":5.0,
        "conversation_id":"00000000-0000-0000-0000-000000000003",
        "action":{"type":"read","seq":4},"attempts":0,"failed":null}"#;
    let entry: OutboxEntry = serde_json::from_str(json).expect("old entry");
    assert_eq!(entry.conversation_id, Some(weft_protocol::ConversationId(Uuid::from_u128(3))));
    let submit = OutboxAction::SubmitApproval {
        template_id: TemplateId(Uuid::from_u128(7)),
        template_version: 2,
        template_name: "报销 Expense".into(),
        form: BTreeMap::from([("amount".to_owned(), FieldValue::Money(1_200_000))]),
    };
    let entry = OutboxEntry::new(None, weft_protocol::ClientId(Uuid::from_u128(1)), submit, 1.0);
    let back: OutboxEntry = serde_json::from_str(&serde_json::to_string(&entry).expect("json")).expect("read");
    assert_eq!(back, entry);
    assert_eq!(back.action.approval(), None, "a new request is not yet a request");
}
