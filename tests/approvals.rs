//! The approval form's pure helpers: money typed as decimals, typed forms into protocol values,
//! and the server's 422 message read back as field errors; drafts moved out of `localStorage`.

use std::collections::BTreeMap;
use wasm_bindgen_test::wasm_bindgen_test;
use weft::approval_drafts::{local_storage_drafts_prefix, move_local_storage_drafts};
use weft::approval_form::{RawForm, RawValue, format_money, parse_money, parse_server_errors, to_values};
use weft::store::{MemoryStore, Store};
use weft_protocol::approval::{Control, ControlKind, FieldValue};
use weft_protocol::{MemberId, TemplateId};

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
    assert_eq!((errors[0].control_id.as_str(), errors[0].row), ("price", Some(1)));
}

#[wasm_bindgen_test]
fn the_servers_refusal_reads_back_as_field_errors() {
    let controls = vec![
        control("amount", true, ControlKind::Money { currency: "CNY".into() }),
        control("items", false, ControlKind::Table { columns: vec![control("qty", true, ControlKind::Text)] }),
    ];
    let errors = parse_server_errors(&controls, "amount: required; qty (row 2): at least 1").expect("fields");
    assert_eq!(errors.len(), 2);
    assert_eq!(
        (errors[1].control_id.as_str(), errors[1].row, errors[1].message.as_str()),
        ("qty", Some(1), "at least 1")
    );
    assert_eq!(parse_server_errors(&controls, "members: not visible to you"), None);
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
    assert_eq!(store.draft(purchase).await.expect("get"), None);
    let count = storage.length().expect("length");
    let keys: Vec<String> = (0..count).filter_map(|i| storage.key(i).ok().flatten()).collect();
    assert!(!keys.iter().any(|k| k.starts_with(&local_storage_drafts_prefix(me))), "{keys:?}");
    assert!(keys.contains(&key(other, &expense.to_string())), "another member's drafts wait for them");
    storage.remove_item(&key(other, &expense.to_string())).expect("tidy up");
    assert_eq!(move_local_storage_drafts(&store, me).await.expect("nothing left"), 0);
}
