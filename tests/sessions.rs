//! Browser tests of managed sessions on the device: where a session is kept by mode, the
//! in-memory key of a shared session's store, the wipe (databases, storage keys, data caches),
//! leftover shared databases at start, the idle rules, calls owed to the server, unsent writes,
//! and the settings and sign-in helpers.

mod support;

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use weft::api::ApiError;
use weft::features::session::pages::devices::sort_sessions;
use weft::features::session::pages::password::{new_password_problem, place_refusal};
use weft::features::sign_in::kiosk::code_error;
use weft::i18n::Text;
use weft::session::kiosk::clean_code;
use weft::session::lock::{Idleness, idleness};
use weft::session::pending::is_settled;
use weft::session::{Session, tabs, wipe};
use weft::sign_out::unsent_writes;
use weft::store::{IdbStore, Store};
use weft::sync::outbox::{Outbox, OutboxAction, OutboxEntry};
use weft_protocol::auth::{DeviceMode, Lifetimes, SessionInfo, SessionTerms};
use weft_protocol::{ClientId, ConversationId, ErrorBody, ErrorCode, MemberId, SessionId};

wasm_bindgen_test_configure!(run_in_browser);

fn session(mode: DeviceMode) -> Session {
    let lifetimes = if mode == DeviceMode::Shared { Lifetimes::SHARED_DEFAULT } else { Lifetimes::PERSONAL_DEFAULT };
    support::zhangsan_session(
        7,
        Some(SessionTerms { mode, lifetimes, ends_at: 0, offline_copy: true, external_sharing: true }),
    )
}

fn local() -> web_sys::Storage {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten()).expect("local storage")
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}-{}", js_sys::Date::now(), js_sys::Math::random())
}

async fn database_names() -> Vec<String> {
    let factory = js_sys::Reflect::get(&web_sys::window().expect("window"), &"indexedDB".into()).expect("indexedDB");
    let list = wipe_call(&factory, "databases").await;
    js_sys::Array::from(&list)
        .iter()
        .filter_map(|info| js_sys::Reflect::get(&info, &"name".into()).ok()?.as_string())
        .collect()
}

async fn wipe_call(target: &wasm_bindgen::JsValue, method: &str) -> wasm_bindgen::JsValue {
    let function: js_sys::Function = js_sys::Reflect::get(target, &method.into()).expect(method).unchecked_into();
    let promise: js_sys::Promise = function.call0(target).expect(method).unchecked_into();
    JsFuture::from(promise).await.expect(method)
}

fn send_entry(n: u128, action: OutboxAction) -> OutboxEntry {
    OutboxEntry::new(
        Some(ConversationId(uuid::Uuid::from_u128(1))),
        ClientId(uuid::Uuid::from_u128(n)),
        action,
        n as f64,
    )
}

fn server_error(status: u16, code: ErrorCode, message: &str) -> ApiError {
    ApiError::Server { status, body: ErrorBody::new(code, message) }
}

#[wasm_bindgen_test]
fn a_shared_session_is_never_kept_in_local_storage() {
    Session::forget();
    session(DeviceMode::Shared).save();
    assert_eq!(local().get_item("weft.session").expect("read"), None);
    assert_eq!(Session::load(), None);

    let mine = session(DeviceMode::Personal);
    mine.save();
    assert_eq!(Session::load(), Some(mine));
    Session::forget();
}

#[wasm_bindgen_test]
fn databases_are_per_member_on_my_device_and_per_session_when_shared() {
    let personal = session(DeviceMode::Personal);
    let shared = session(DeviceMode::Shared);
    assert_eq!(personal.database_name(), format!("weft-{}", personal.me.id));
    assert_eq!(shared.database_name(), format!("weft-shared-{}", shared.session_id));
    // A session kept by an earlier version has no terms: my device, its defaults.
    let old = Session { terms: None, ..personal };
    assert!(!old.is_shared());
    assert_eq!(old.lifetimes(), Lifetimes::PERSONAL_DEFAULT);
}

#[wasm_bindgen_test]
async fn a_shared_store_cannot_be_read_once_its_key_is_gone() {
    let name = unique("weft-shared-test-");
    let store = IdbStore::open_encrypted_in_memory(&name).await.expect("open");
    let entry = send_entry(
        1,
        OutboxAction::Send {
            text: "机密 secret".into(),
            reply_to: None,
            mentions: vec![],
            mention_all: false,
            file: None,
        },
    );
    store.put_outbox(&entry).await.expect("write");
    assert_eq!(store.outbox().await.expect("read").len(), 1);
    store.close();
    // Opened again (a reload, another tab), without the key that lived in memory.
    let again = IdbStore::open_encrypted(&name).await.expect("reopen");
    assert!(again.outbox().await.is_err(), "rows sealed with a key that was never kept must not open");
    again.close();
    IdbStore::delete(&name).await.expect("delete");
}

#[wasm_bindgen_test]
async fn a_wipe_removes_the_persons_database_keys_and_data_caches() {
    let name = unique("weft-wipe-test-");
    let store = IdbStore::open_encrypted(&name).await.expect("open");
    store.set_cursor(5).await.expect("write");
    store.close();
    let storage = local();
    for key in ["weft.session", "weft.approval-draft.x.y", "weft.locked.abc", "weft.lang", "weft.kiosk", "other.app"] {
        storage.set_item(key, "1").expect("set");
    }
    let session_storage = web_sys::window().and_then(|w| w.session_storage().ok().flatten()).expect("session storage");
    session_storage.set_item("weft.scroll", "1").expect("set");
    let caches = js_sys::Reflect::get(&web_sys::window().expect("window"), &"caches".into()).expect("caches");
    for cache in ["weft-shell-test", "weft-data-test"] {
        let open: js_sys::Function = js_sys::Reflect::get(&caches, &"open".into()).expect("open").unchecked_into();
        JsFuture::from(open.call1(&caches, &cache.into()).expect("open").unchecked_into::<js_sys::Promise>())
            .await
            .expect("cache");
    }

    wipe::wipe_person(&name).await;

    assert!(!database_names().await.contains(&name), "the person's database is deleted");
    for gone in ["weft.session", "weft.approval-draft.x.y", "weft.locked.abc"] {
        assert_eq!(storage.get_item(gone).expect("read"), None, "{gone} is wiped");
    }
    for kept in ["weft.lang", "weft.kiosk", "other.app"] {
        assert!(storage.get_item(kept).expect("read").is_some(), "{kept} stays");
        storage.remove_item(kept).expect("clean");
    }
    assert_eq!(session_storage.get_item("weft.scroll").expect("read"), None);
    let names: Vec<String> =
        js_sys::Array::from(&wipe_call(&caches, "keys").await).iter().filter_map(|n| n.as_string()).collect();
    assert!(names.contains(&"weft-shell-test".to_owned()), "the app's own shell stays: {names:?}");
    assert!(!names.contains(&"weft-data-test".to_owned()), "data caches go: {names:?}");
}

#[wasm_bindgen_test]
async fn leftover_shared_databases_go_unless_a_tab_still_holds_them() {
    let left = unique("weft-shared-left-");
    let held = unique("weft-shared-held-");
    for name in [&left, &held] {
        IdbStore::open(name).await.expect("create").close();
    }
    let lock = tabs::hold_database(&held);
    // The lock request is granted asynchronously.
    gloo_timers::future::TimeoutFuture::new(50).await;
    wipe::delete_leftover_shared_databases().await;
    let names = database_names().await;
    assert!(!names.contains(&left), "a database no tab holds is deleted");
    assert!(names.contains(&held), "a database in use is kept");
    lock.release();
    gloo_timers::future::TimeoutFuture::new(50).await;
    wipe::delete_leftover_shared_databases().await;
    assert!(!database_names().await.contains(&held));
}

#[wasm_bindgen_test]
fn idleness_locks_then_signs_out_and_zero_means_never() {
    let minute = 60_000;
    assert_eq!(idleness(4 * minute, 5, 30), Idleness::Active);
    assert_eq!(idleness(5 * minute, 5, 30), Idleness::Lock);
    assert_eq!(idleness(30 * minute, 5, 30), Idleness::SignOut);
    assert_eq!(idleness(1_000 * minute, 0, 0), Idleness::Active);
    assert_eq!(idleness(10 * minute, 0, 30), Idleness::Active);
}

#[wasm_bindgen_test]
fn calls_owed_to_the_server_are_settled_by_success_or_401_only() {
    assert!(is_settled(&Ok(())));
    assert!(is_settled(&Err(server_error(401, ErrorCode::Unauthenticated, "gone"))));
    assert!(!is_settled(&Err(ApiError::Network)));
    assert!(!is_settled(&Err(server_error(503, ErrorCode::Busy, "busy"))));
}

#[wasm_bindgen_test]
fn unsent_writes_count_what_the_member_wrote_not_read_markers() {
    let text = |t: &str| OutboxAction::Send {
        text: t.into(),
        reply_to: None,
        mentions: vec![],
        mention_all: false,
        file: None,
    };
    let outbox = Outbox::new(vec![
        send_entry(1, text("one")),
        send_entry(2, OutboxAction::Read { seq: 3 }),
        send_entry(3, text("two")),
        send_entry(4, OutboxAction::Prefs { muted: true, pinned: false }),
        send_entry(5, OutboxAction::Recall { seq: 2 }),
    ]);
    assert_eq!(unsent_writes(&outbox), 3);
    assert_eq!(unsent_writes(&Outbox::default()), 0);
}

#[wasm_bindgen_test]
fn the_new_password_is_checked_before_it_is_sent() {
    assert_eq!(new_password_problem("short", "short", "zhangsan"), (Some(Text::PasswordTooShort), None));
    assert_eq!(new_password_problem("ZhangSan", "ZhangSan", "zhangsan"), (Some(Text::PasswordSameAsUsername), None));
    assert_eq!(new_password_problem("long enough", "long enouhg", "zhangsan"), (None, Some(Text::PasswordMismatch)));
    assert_eq!(new_password_problem("long enough", "long enough", "zhangsan"), (None, None));
}

#[wasm_bindgen_test]
fn the_servers_password_refusals_land_next_to_their_field() {
    let wrong = server_error(422, ErrorCode::InvalidField, "current_password: does not match");
    assert_eq!(place_refusal(&wrong), Some((Some(Text::PasswordWrong), None)));
    let short = server_error(422, ErrorCode::InvalidField, "new_password: must be at least 8 bytes");
    assert_eq!(place_refusal(&short), Some((None, Some(Text::PasswordTooShort))));
    let same = server_error(422, ErrorCode::InvalidField, "new_password: must not be the username");
    assert_eq!(place_refusal(&same), Some((None, Some(Text::PasswordSameAsUsername))));
    assert_eq!(place_refusal(&ApiError::Network), None);
    assert_eq!(wrong.invalid_field(), Some(("current_password", "does not match")));
}

#[wasm_bindgen_test]
fn this_session_is_listed_first_then_the_most_recent() {
    let info = |n: u128, current: bool, last_seen_at: i64| SessionInfo {
        id: SessionId(uuid::Uuid::from_u128(n)),
        device: format!("device {n}"),
        created_at: 0,
        last_seen_at,
        current,
        mode: DeviceMode::Personal,
        address: None,
        push: false,
    };
    let mut list = vec![info(1, false, 10), info(2, true, 5), info(3, false, 20)];
    sort_sessions(&mut list);
    let order: Vec<_> = list.iter().map(|s| s.device.as_str()).collect();
    assert_eq!(order, ["device 2", "device 3", "device 1"]);
}

#[wasm_bindgen_test]
fn kiosk_codes_are_trimmed_and_refusals_worded() {
    assert_eq!(clean_code("  ABCD-1234 \n"), Some("ABCD-1234".into()));
    assert_eq!(clean_code("   "), None);
    assert_eq!(code_error(&server_error(404, ErrorCode::NotFound, "unknown")), Text::KioskCodeUnknown);
    assert_eq!(code_error(&ApiError::Network), Text::ErrorNetwork);
    assert!(server_error(401, ErrorCode::WipeRequired, "wipe").ends_session());
    assert!(server_error(401, ErrorCode::WipeRequired, "wipe").is_wipe_required());
}

#[wasm_bindgen_test]
fn a_policy_draft_round_trips_and_flags_numbers_that_are_not() {
    use weft::features::admin::sessions::policies::{FieldProblem, PolicyDraft, server_field_problem};
    use weft_protocol::auth::SessionPolicy;
    let policy = SessionPolicy { force_shared: true, ..SessionPolicy::default() };
    let mut draft = PolicyDraft::from_policy(&policy);
    assert_eq!(draft.numbers["shared.idle_minutes"], "30");
    assert_eq!(draft.to_policy(), Ok(policy));
    draft.numbers.insert("shared.idle_minutes".into(), " 45 ".into());
    assert_eq!(draft.to_policy().expect("valid").shared.idle_minutes, 45);
    draft.numbers.insert("personal.lifetime_hours".into(), "-1".into());
    draft.numbers.insert("shared.lock_after_minutes".into(), "five".into());
    let problems = draft.to_policy().expect_err("two bad numbers");
    assert_eq!(
        problems.keys().map(String::as_str).collect::<Vec<_>>(),
        ["personal.lifetime_hours", "shared.lock_after_minutes"]
    );
    assert_eq!(problems["shared.lock_after_minutes"], FieldProblem::Text(Text::AdminNumberInvalid));
    assert_eq!(
        server_field_problem("shared.idle_minutes: must be at least 1"),
        Some(("shared.idle_minutes".into(), FieldProblem::Server("must be at least 1".into())))
    );
    assert_eq!(server_field_problem("department_id: unknown"), None);
}

#[wasm_bindgen_test]
fn an_admin_session_row_says_how_it_ended_and_when_it_was_wiped() {
    use weft::features::admin::sessions::list::state_line;
    use weft::i18n::Lang;
    use weft_protocol::auth::{AdminSessionInfo, SessionEnd};
    let live = AdminSessionInfo {
        id: SessionId(uuid::Uuid::from_u128(1)),
        member_id: MemberId(uuid::Uuid::from_u128(2)),
        userid: "zhangsan".into(),
        name: "张三".into(),
        device: "Chrome on Linux".into(),
        mode: DeviceMode::Shared,
        address: Some("127.0.0.1".into()),
        kiosk: None,
        created_at: 0,
        last_seen_at: 0,
        ended: None,
        ended_at: None,
        wipe_requested_at: None,
        wiped_at: None,
    };
    assert_eq!(state_line(&live, Lang::En), "Live");
    let asked = AdminSessionInfo { wipe_requested_at: Some(1), ..live.clone() };
    assert_eq!(state_line(&asked, Lang::En), "Live · Wipe requested");
    let at = 1_700_000_000_000;
    let wiped = AdminSessionInfo {
        ended: Some(SessionEnd::Wiped),
        ended_at: Some(at),
        wipe_requested_at: Some(1),
        wiped_at: Some(at),
        ..live
    };
    let line = state_line(&wiped, Lang::Zh);
    assert!(line.starts_with("已擦除 "), "{line}");
    assert!(line.contains(&format!("擦除于 {}", weft::platform::date_time(at))), "{line}");
}

/// Mounts the unsent-writes dialog over an app signed in as `session`, returning the app and the
/// host element.
fn mount_unsent_dialog(
    signed_in: Session,
) -> (weft::state::AppState, weft::i18n::I18n, web_sys::HtmlElement, weft::session::SessionContext) {
    use leptos::prelude::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use weft::features::session::idle::IdleLock;
    use weft::features::session::unsent_dialog::UnsentDialog;
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let host: web_sys::HtmlElement = document.create_element("div").expect("div").unchecked_into();
    document.body().expect("body").append_child(&host).expect("append");
    let provided = Rc::new(Cell::new(None));
    let inside = Rc::clone(&provided);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        let i18n = weft::i18n::I18n::provide();
        let session = weft::session::SessionContext(RwSignal::new(Some(signed_in)));
        provide_context(session);
        let app = weft::state::AppState::provide(session);
        IdleLock::provide(app);
        inside.set(Some((app, i18n, session)));
        view! { <UnsentDialog/> }
    });
    handle.forget();
    let (app, i18n, session) = provided.take().expect("mounted");
    (app, i18n, host, session)
}

fn dialog_buttons(host: &web_sys::HtmlElement) -> Vec<String> {
    let buttons = host.query_selector_all("[role=alertdialog] button").expect("query");
    (0..buttons.length()).filter_map(|i| buttons.item(i)?.text_content()).collect()
}

fn queued_message(n: u128, text: &str) -> OutboxEntry {
    send_entry(
        n,
        OutboxAction::Send { text: text.into(), reply_to: None, mentions: vec![], mention_all: false, file: None },
    )
}

#[wasm_bindgen_test]
async fn signing_out_with_unsent_messages_asks_first_and_cancel_keeps_the_session() {
    use leptos::prelude::*;
    use weft::session::EndCause;
    let (app, i18n, host, signed_in) = mount_unsent_dialog(session(DeviceMode::Personal));
    i18n.lang.set(weft::i18n::Lang::En);
    app.sync.outbox.update(|outbox| {
        for (n, text) in [(1, "第一条"), (2, "second")] {
            outbox.push(queued_message(n, text));
        }
        outbox.push(send_entry(3, OutboxAction::Read { seq: 4 }));
    });
    app.end_session(EndCause::SignedOut);
    leptos::task::tick().await;
    let dialog = host.query_selector("[role=alertdialog]").expect("query").expect("the dialog is shown");
    let title = host.query_selector("#unsent-title").expect("query").and_then(|t| t.text_content());
    assert_eq!(title.as_deref(), Some("2 messages not sent"));
    let text = dialog.text_content().unwrap_or_default();
    assert!(text.contains("第一条") && text.contains("second"), "the unsent texts are listed: {text}");
    assert_eq!(dialog_buttons(&host), ["Send now", "Discard", "Cancel"]);
    assert!(signed_in.0.with_untracked(Option::is_some), "nothing ended before the choice");

    i18n.lang.set(weft::i18n::Lang::Zh);
    leptos::task::tick().await;
    let title = host.query_selector("#unsent-title").expect("query").and_then(|t| t.text_content());
    assert_eq!(title.as_deref(), Some("2 条消息未发送"));
    i18n.lang.set(weft::i18n::Lang::En);

    // Cancel: still signed in, the writes still queued.
    let cancel: web_sys::HtmlElement =
        host.query_selector("[role=alertdialog] button.link").expect("query").expect("cancel").unchecked_into();
    cancel.click();
    leptos::task::tick().await;
    assert!(host.query_selector("[role=alertdialog]").expect("query").is_none());
    assert!(signed_in.0.with_untracked(Option::is_some));
    assert_eq!(app.sync.outbox.with_untracked(unsent_writes), 2);
}

#[wasm_bindgen_test]
async fn an_ended_session_offers_only_discard_and_discard_signs_out() {
    use leptos::prelude::*;
    use weft::session::EndCause;
    let (app, i18n, host, signed_in) = mount_unsent_dialog(session(DeviceMode::Shared));
    i18n.lang.set(weft::i18n::Lang::En);
    app.sync.outbox.update(|outbox| outbox.push(queued_message(1, "still here")));
    app.end_session(EndCause::Ended);
    leptos::task::tick().await;
    assert_eq!(dialog_buttons(&host), ["Discard"], "an ended session cannot send");
    let title = host.query_selector("#unsent-title").expect("query").and_then(|t| t.text_content());
    assert_eq!(title.as_deref(), Some("1 message not sent"));
    let discard: web_sys::HtmlElement =
        host.query_selector("[role=alertdialog] button.danger").expect("query").expect("discard").unchecked_into();
    discard.click();
    leptos::task::tick().await;
    assert!(signed_in.0.with_untracked(Option::is_none), "Discard ends the session");
    assert!(host.query_selector("[role=alertdialog]").expect("query").is_none());
    assert_eq!(app.sync.outbox.with_untracked(unsent_writes), 0);
}

/// Mounts the sign-in page (inside a router, signed out), returning its host element.
fn mount_sign_in() -> web_sys::HtmlElement {
    use leptos::prelude::*;
    use leptos_router::components::Router;
    use weft::features::sign_in::page::SignInPage;
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let host: web_sys::HtmlElement = document.create_element("div").expect("div").unchecked_into();
    document.body().expect("body").append_child(&host).expect("append");
    let handle = leptos::mount::mount_to(host.clone(), move || {
        weft::i18n::I18n::provide().lang.set(weft::i18n::Lang::En);
        provide_context(weft::session::SessionContext(RwSignal::new(None)));
        view! {
            <Router>
                <SignInPage/>
            </Router>
        }
    });
    handle.forget();
    host
}

fn checked(host: &web_sys::HtmlElement, id: &str) -> Option<bool> {
    let input = host.query_selector(&format!("#{id}")).expect("query")?;
    Some(input.unchecked_into::<web_sys::HtmlInputElement>().checked())
}

#[wasm_bindgen_test]
async fn sign_in_offers_my_device_by_default_and_an_enrolled_kiosk_offers_no_choice() {
    use weft::session::kiosk::KioskEnrolment;
    KioskEnrolment::forget();
    let host = mount_sign_in();
    leptos::task::tick().await;
    let legend = host.query_selector("fieldset.device-mode legend").expect("query").and_then(|l| l.text_content());
    assert_eq!(legend.as_deref(), Some("Which device is this?"));
    assert_eq!(checked(&host, "mode-personal"), Some(true), "My device is the default");
    assert_eq!(checked(&host, "mode-shared"), Some(false));
    let label = host.query_selector("label[for=mode-shared]").expect("query").and_then(|l| l.text_content());
    assert_eq!(label.as_deref(), Some("Shared device"));
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("Set up this browser as a kiosk"), "{text}");
    host.remove();

    KioskEnrolment { code: "K-123".into(), label: "Front desk 2".into() }.save();
    let host = mount_sign_in();
    leptos::task::tick().await;
    assert_eq!(checked(&host, "mode-personal"), None, "an enrolled kiosk offers no mode");
    let name = host.query_selector("[data-testid=kiosk-label]").expect("query").and_then(|l| l.text_content());
    assert_eq!(name.as_deref(), Some("Front desk 2"));
    let text = host.text_content().unwrap_or_default();
    assert!(!text.contains("Set up this browser as a kiosk"), "already a kiosk: {text}");
    assert!(!text.contains("Stop using this browser as a kiosk"), "leaving is offered only once the code is refused");
    host.remove();
    KioskEnrolment::forget();
}
