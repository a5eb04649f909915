//! Browser tests of the app's pieces: the composer's keyboard rules, the timeline merge and the
//! device-store health banner.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use weft::features::chat::components::composer::{Composer, Outgoing, mention_query};
use weft::features::chat::state::Timeline;
use weft::i18n::{I18n, Lang};
use weft::store::{IdbStore, LocalStore, StoreError, StoreHealth, StoreProblem};
use weft::sync::outbox::{OutboxAction, OutboxEntry, backoff_ms, next_deliverable};
use weft_protocol::chat::{Message, Participant, TextError, validate_text};
use weft_protocol::{ClientId, ConversationId, MemberId, MessageId};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("document")
}

/// Mounts a composer whose sends are collected, returning the textarea and the sent texts.
fn mount_composer() -> (web_sys::HtmlTextAreaElement, RwSignal<Vec<String>>, web_sys::HtmlElement) {
    let (textarea, sent, host, _) = mount_composer_with(Vec::new());
    (textarea, sent, host)
}

/// The textarea, the texts sent, the host element, and the mentions sent with each text.
type MountedComposer =
    (web_sys::HtmlTextAreaElement, RwSignal<Vec<String>>, web_sys::HtmlElement, RwSignal<Vec<Vec<MemberId>>>);

/// Mounts a composer that offers `people` for @mentions; also returns the mentions sent.
fn mount_composer_with(people: Vec<Participant>) -> MountedComposer {
    let host: web_sys::HtmlElement = document().create_element("div").expect("div").unchecked_into();
    document().body().expect("body").append_child(&host).expect("append");
    let sent = RwSignal::new(Vec::<String>::new());
    let mentioned = RwSignal::new(Vec::<Vec<MemberId>>::new());
    let handle = leptos::mount::mount_to(host.clone(), move || {
        I18n::provide();
        let on_send = Callback::new(move |outgoing: Outgoing| -> Result<(), TextError> {
            validate_text(&outgoing.text)?;
            sent.update(|s| s.push(outgoing.text));
            mentioned.update(|m| m.push(outgoing.mentions));
            Ok(())
        });
        let people = Signal::derive(move || people.clone());
        view! { <Composer on_send=on_send people=people/> }
    });
    handle.forget();
    let textarea: web_sys::HtmlTextAreaElement =
        host.query_selector("textarea").expect("query").expect("textarea").unchecked_into();
    (textarea, sent, host, mentioned)
}

fn type_text(textarea: &web_sys::HtmlTextAreaElement, text: &str) {
    textarea.set_value(text);
    let event = web_sys::Event::new("input").expect("event");
    textarea.dispatch_event(&event).expect("dispatch");
}

fn press_enter(textarea: &web_sys::HtmlTextAreaElement, shift: bool, composing: bool) {
    press_key(textarea, "Enter", shift, composing);
}

fn press_key(textarea: &web_sys::HtmlTextAreaElement, key: &str, shift: bool, composing: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_shift_key(shift);
    init.set_is_composing(composing);
    init.set_cancelable(true);
    init.set_bubbles(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("keyboard event");
    textarea.dispatch_event(&event).expect("dispatch");
}

#[wasm_bindgen_test]
async fn enter_sends_and_clears_the_composer() {
    let (textarea, sent, _host) = mount_composer();
    type_text(&textarea, "你好，世界");
    press_enter(&textarea, false, false);
    leptos::task::tick().await;
    assert_eq!(sent.get_untracked(), vec!["你好，世界".to_owned()]);
    assert_eq!(textarea.value(), "");
}

#[wasm_bindgen_test]
async fn shift_enter_and_input_method_composition_do_not_send() {
    let (textarea, sent, _host) = mount_composer();
    type_text(&textarea, "zhong");
    press_enter(&textarea, false, true);
    press_enter(&textarea, true, false);
    leptos::task::tick().await;
    assert!(sent.get_untracked().is_empty());
    assert_eq!(textarea.value(), "zhong", "nothing typed is lost");
}

#[wasm_bindgen_test]
async fn an_oversize_message_is_refused_next_to_the_field_and_kept() {
    let (textarea, sent, host) = mount_composer();
    let long = "长".repeat(3000);
    type_text(&textarea, &long);
    leptos::task::tick().await;
    press_enter(&textarea, false, false);
    leptos::task::tick().await;
    assert!(sent.get_untracked().is_empty());
    assert_eq!(textarea.value(), long);
    let error = host.query_selector("#composer-error").expect("query").expect("error element");
    assert!(error.text_content().unwrap_or_default().contains("8 KB"));
    assert_eq!(textarea.get_attribute("aria-invalid").as_deref(), Some("true"));
}

fn message(seq: u64, client: u128) -> Message {
    Message {
        id: MessageId(uuid::Uuid::from_u128(seq.into())),
        conversation_id: ConversationId(uuid::Uuid::from_u128(1)),
        seq,
        sender_id: MemberId(uuid::Uuid::from_u128(2)),
        sender_name: "李四".into(),
        client_id: ClientId(uuid::Uuid::from_u128(client)),
        text: format!("m{seq}"),
        sent_at: 0,
        recalled: false,
        reply_to: None,
        mentions: vec![],
        mention_all: false,
        attachment: None,
        card: None,
        expires_at: None,
    }
}

#[wasm_bindgen_test]
fn merging_keeps_sequence_order_without_duplicates() {
    let mut timeline = Timeline::default();
    timeline.merge(&[message(3, 3), message(1, 1)]);
    timeline.merge(&[message(2, 2), message(3, 3)]);
    let mut recalled = message(5, 99);
    timeline.merge(&[recalled.clone()]);
    recalled.recalled = true;
    recalled.text.clear();
    timeline.merge(&[recalled]);
    let seqs: Vec<u64> = timeline.messages.iter().map(|m| m.seq).collect();
    assert_eq!(seqs, vec![1, 2, 3, 5]);
    assert!(timeline.messages[3].recalled, "a replayed change replaces the stored copy");
    assert_eq!(timeline.oldest_seq(), Some(1));
}

fn entry(order: f64, failed: bool) -> OutboxEntry {
    let mut entry = OutboxEntry::new(
        Some(ConversationId(uuid::Uuid::from_u128(1))),
        ClientId(uuid::Uuid::from_u128(order as u128)),
        OutboxAction::Send {
            text: format!("m{order}"),
            reply_to: None,
            mentions: vec![],
            mention_all: false,
            file: None,
        },
        order,
    );
    entry.failed = failed.then(|| "refused".to_owned());
    entry
}

#[wasm_bindgen_test]
fn the_outbox_delivers_oldest_first_and_skips_refused_entries() {
    let entries = vec![entry(30.0, false), entry(10.0, true), entry(20.0, false)];
    assert_eq!(next_deliverable(&entries).map(|e| e.order), Some(20.0));
    assert_eq!(next_deliverable(&[entry(1.0, true)]).map(|e| e.order), None);
    let request = entries[0].send_request().expect("a send");
    assert_eq!(request.client_id, entries[0].client_id());
    assert_eq!(request.text, "m30");
}

#[wasm_bindgen_test]
fn retries_back_off_up_to_thirty_seconds() {
    assert_eq!(backoff_ms(0), 1_000);
    assert_eq!(backoff_ms(1), 2_000);
    assert_eq!(backoff_ms(4), 16_000);
    assert_eq!(backoff_ms(5), 30_000);
    assert_eq!(backoff_ms(40), 30_000);
}

#[wasm_bindgen_test]
async fn typing_at_offers_people_and_enter_picks_one_as_a_mention() {
    let lisi = MemberId(uuid::Uuid::from_u128(42));
    let people = vec![
        Participant { id: lisi, name: "李四".into(), alias: "Li Si".into(), read_seq: 0 },
        Participant {
            id: MemberId(uuid::Uuid::from_u128(43)),
            name: "王五".into(),
            alias: "Wang Wu".into(),
            read_seq: 0,
        },
    ];
    let (textarea, sent, host, mentioned) = mount_composer_with(people);
    type_text(&textarea, "@li");
    leptos::task::tick().await;
    let options = host.query_selector_all("[role=option]").expect("query");
    assert_eq!(options.length(), 1, "only 李四 matches 'li'");
    press_enter(&textarea, false, false);
    leptos::task::tick().await;
    assert_eq!(textarea.value(), "@李四 ", "Enter picks, it does not send");
    assert!(sent.get_untracked().is_empty());
    type_text(&textarea, "@李四 明天见");
    press_enter(&textarea, false, false);
    leptos::task::tick().await;
    assert_eq!(sent.get_untracked(), vec!["@李四 明天见".to_owned()]);
    assert_eq!(mentioned.get_untracked(), vec![vec![lisi]]);
}

#[wasm_bindgen_test]
async fn escape_closes_the_suggestions() {
    let people = vec![Participant {
        id: MemberId(uuid::Uuid::from_u128(42)),
        name: "李四".into(),
        alias: "Li Si".into(),
        read_seq: 0,
    }];
    let (textarea, sent, host, _) = mount_composer_with(people);
    type_text(&textarea, "hi @l");
    leptos::task::tick().await;
    assert_eq!(host.query_selector_all("[role=option]").expect("query").length(), 1);
    press_key(&textarea, "Escape", false, false);
    leptos::task::tick().await;
    assert_eq!(host.query_selector_all("[role=option]").expect("query").length(), 0);
    press_enter(&textarea, false, false);
    leptos::task::tick().await;
    assert_eq!(sent.get_untracked(), vec!["hi @l".to_owned()]);
}

#[wasm_bindgen_test]
fn the_mention_being_typed_is_found_at_the_end_only() {
    assert_eq!(mention_query("hello @li"), Some("li"));
    assert_eq!(mention_query("@"), Some(""));
    assert_eq!(mention_query("mail me@example.com"), None);
    assert_eq!(mention_query("@li done"), None);
}

/// Mounts the device-store banner; returns the health it reads, the language and the host.
fn mount_store_banner() -> (StoreHealth, I18n, web_sys::HtmlElement) {
    use std::cell::Cell;
    use std::rc::Rc;
    use weft::ui::store_health_banner::StoreHealthBanner;
    let host: web_sys::HtmlElement = document().create_element("div").expect("div").unchecked_into();
    document().body().expect("body").append_child(&host).expect("append");
    let provided: Rc<Cell<Option<(StoreHealth, I18n)>>> = Rc::new(Cell::new(None));
    let inside = Rc::clone(&provided);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        inside.set(Some((StoreHealth::provide(), I18n::provide())));
        view! { <StoreHealthBanner/> }
    });
    handle.forget();
    let (health, i18n) = provided.take().expect("mounted");
    (health, i18n, host)
}

fn store_banner_text(host: &web_sys::HtmlElement) -> Option<String> {
    host.query_selector("[role=status][data-testid=store-health]").expect("query").and_then(|b| b.text_content())
}

fn database_error() -> StoreError {
    StoreError::Database { name: "QuotaExceededError".into(), message: "the quota has been exceeded".into() }
}

#[wasm_bindgen_test]
async fn a_failed_device_store_write_shows_a_status_banner_in_both_languages() {
    let (health, i18n, host) = mount_store_banner();
    i18n.lang.set(Lang::En);
    assert!(health.check("messages", Ok(())));
    leptos::task::tick().await;
    assert_eq!(health.problem(), None);
    assert_eq!(store_banner_text(&host), None, "no banner while every write succeeds");

    assert!(!health.check("messages", Err(database_error())));
    leptos::task::tick().await;
    assert_eq!(health.problem(), Some(StoreProblem::WriteFailed));
    let english = store_banner_text(&host).expect("banner shown");
    assert!(english.contains("This device cannot save offline copies"), "{english}");

    i18n.lang.set(Lang::Zh);
    leptos::task::tick().await;
    let chinese = store_banner_text(&host).expect("banner shown");
    assert!(chinese.contains("此设备无法保存离线副本"), "{chinese}");

    health.reset();
    leptos::task::tick().await;
    assert_eq!(store_banner_text(&host), None, "signing out clears it");
}

#[wasm_bindgen_test]
async fn a_device_store_that_cannot_open_is_reported_not_silently_replaced() {
    use indexed_db_futures::database::Database;
    let (health, _, host) = mount_store_banner();
    // A database left by a newer app version: IndexedDB refuses to open it at this schema.
    let name = format!("weft-health-{}", js_sys::Math::random());
    let newer = Database::open(name.as_str()).with_version(99u32).await.expect("open at version 99");
    newer.close();
    assert!(LocalStore::open(&name).await.is_err());
    let store = health.open_store(&name).await;
    assert!(matches!(store, LocalStore::Memory(_)), "this visit keeps its copy in memory");
    assert_eq!(health.problem(), Some(StoreProblem::CannotOpen));
    // A later write failure does not hide the larger problem.
    health.check("messages", Err(database_error()));
    assert_eq!(health.problem(), Some(StoreProblem::CannotOpen));
    leptos::task::tick().await;
    assert!(store_banner_text(&host).is_some());
    IdbStore::delete(&name).await.expect("delete");
}

#[wasm_bindgen_test]
async fn a_device_store_that_opens_is_healthy() {
    let health = StoreHealth::default();
    let name = format!("weft-health-{}", js_sys::Math::random());
    let store = health.open_store(&name).await;
    assert!(matches!(store, LocalStore::Idb(_)));
    assert_eq!(health.problem(), None);
    if let LocalStore::Idb(idb) = store {
        idb.close();
    }
    IdbStore::delete(&name).await.expect("delete");
}

#[wasm_bindgen_test]
fn only_a_mostly_sideways_swipe_to_the_right_means_back() {
    use weft::ui::edge_swipe::is_back_swipe;
    assert!(is_back_swipe(120, 10));
    assert!(is_back_swipe(72, 36));
    assert!(!is_back_swipe(60, 0), "too short");
    assert!(!is_back_swipe(100, 80), "too steep: a scroll");
    assert!(!is_back_swipe(-150, 0), "leftwards");
}
