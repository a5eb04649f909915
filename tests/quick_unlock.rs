//! Browser tests of a shared device's quick unlock and Switch person: the PIN's shape, its
//! PBKDF2 verifier and the count of wrong PINs (five drop it), the lock state kept in memory for
//! shared sessions, and the recent names (cap, order, dedupe, removal, personal sign-ins left
//! out) with their list on the sign-in page.

use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use weft::session::lock;
use weft::session::pin::{self, PinOutcome, PinProblem, PinVerifier, new_pin_problem, pin_problem};
use weft::session::recent::{self, MAX_RECENT, RECENT_KEY, RecentPerson, with_newest};
use weft::session::wipe::key_survives_wipe;
use weft_protocol::SessionId;
use weft_protocol::auth::DeviceMode;

wasm_bindgen_test_configure!(run_in_browser);

fn session_id(n: u128) -> SessionId {
    SessionId(uuid::Uuid::from_u128(n))
}

fn local() -> web_sys::Storage {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten()).expect("local storage")
}

fn person(name: &str, account: &str) -> RecentPerson {
    RecentPerson { name: name.into(), account: account.into() }
}

fn accounts(people: &[RecentPerson]) -> Vec<&str> {
    people.iter().map(|p| p.account.as_str()).collect()
}

#[wasm_bindgen_test]
fn a_pin_is_four_to_eight_ascii_digits_and_confirmed() {
    assert_eq!(pin_problem(""), Some(PinProblem::Empty));
    assert_eq!(pin_problem("12a4"), Some(PinProblem::NotDigits));
    assert_eq!(pin_problem("12 34"), Some(PinProblem::NotDigits));
    assert_eq!(pin_problem("١٢٣٤"), Some(PinProblem::NotDigits), "other scripts' digits are refused");
    assert_eq!(pin_problem("123"), Some(PinProblem::TooShort));
    assert_eq!(pin_problem("123456789"), Some(PinProblem::TooLong));
    assert_eq!(pin_problem("1234"), None);
    assert_eq!(pin_problem("12345678"), None);
    assert_eq!(new_pin_problem("2468", "2469"), Some(PinProblem::Mismatch));
    assert_eq!(new_pin_problem("24x8", "24x8"), Some(PinProblem::NotDigits), "the PIN's own problem first");
    assert_eq!(new_pin_problem("2468", "2468"), None);
}

#[wasm_bindgen_test]
async fn the_verifier_knows_the_right_pin_and_refuses_others() {
    let verifier = PinVerifier::create("2468").await.expect("a verifier");
    assert_eq!(verifier.matches("2468").await, Ok(true));
    assert_eq!(verifier.matches("2469").await, Ok(false));
    assert_eq!(verifier.matches("24680").await, Ok(false));
    assert_eq!(verifier.matches("24a8").await, Err(PinProblem::NotDigits));
    let again = PinVerifier::create("2468").await.expect("a verifier");
    assert_ne!(verifier, again, "each verifier has its own salt");
    assert_eq!(PinVerifier::create("abcd").await, Err(PinProblem::NotDigits));
    assert_eq!(format!("{verifier:?}"), "PinVerifier(..)", "debug output shows nothing of it");
}

#[wasm_bindgen_test]
async fn the_right_pin_unlocks_wrong_ones_count_and_five_drop_it() {
    let id = session_id(41);
    pin::forget_pin();
    assert_eq!(pin::try_pin(id, "1357").await, PinOutcome::NoPin);
    assert_eq!(pin::set_pin(id, "1357", "1358").await, Err(PinProblem::Mismatch));
    assert!(!pin::has_pin(id), "a mismatch sets nothing");
    pin::set_pin(id, "1357", "1357").await.expect("set");
    assert!(pin::has_pin(id));
    assert!(!pin::has_pin(session_id(42)), "the PIN belongs to its session");
    assert_eq!(pin::try_pin(session_id(42), "1357").await, PinOutcome::NoPin);

    assert_eq!(pin::try_pin(id, "0000").await, PinOutcome::Wrong { left: 4 });
    assert_eq!(pin::try_pin(id, "12ab").await, PinOutcome::Refused(PinProblem::NotDigits), "not counted");
    assert_eq!(pin::try_pin(id, "0000").await, PinOutcome::Wrong { left: 3 });
    assert_eq!(pin::try_pin(id, "1357").await, PinOutcome::Unlocked);
    // The right PIN starts the count again.
    for left in (1..=4).rev() {
        assert_eq!(pin::try_pin(id, "9999").await, PinOutcome::Wrong { left });
    }
    assert_eq!(pin::try_pin(id, "9999").await, PinOutcome::Dropped, "the fifth wrong PIN in a row");
    assert!(!pin::has_pin(id));
    assert_eq!(pin::try_pin(id, "1357").await, PinOutcome::NoPin, "only the password unlocks now");
}

#[wasm_bindgen_test]
async fn signing_out_forgets_the_pin_and_a_new_one_replaces_the_old() {
    let id = session_id(43);
    pin::set_pin(id, "1111", "1111").await.expect("set");
    pin::set_pin(id, "2222", "2222").await.expect("replace");
    assert_eq!(pin::try_pin(id, "1111").await, PinOutcome::Wrong { left: 4 });
    assert_eq!(pin::try_pin(id, "2222").await, PinOutcome::Unlocked);
    pin::forget_pin();
    assert!(!pin::has_pin(id));
}

#[wasm_bindgen_test]
fn a_shared_sessions_lock_state_stays_in_memory() {
    let shared = session_id(51);
    let personal = session_id(52);
    lock::keep_in_memory(shared);
    lock::set_locked(shared, true);
    lock::set_last_active(shared, 1_000);
    assert!(lock::is_locked(shared));
    assert_eq!(lock::last_active(shared), Some(1_000));
    let keys: Vec<String> = (0..local().length().unwrap_or(0)).filter_map(|i| local().key(i).ok().flatten()).collect();
    assert!(!keys.iter().any(|k| k.contains(&shared.to_string())), "nothing on disk: {keys:?}");

    lock::set_locked(personal, true);
    assert!(local().get_item(&format!("weft.locked.{personal}")).ok().flatten().is_some(), "my device: on disk");
    lock::forget(personal);
    lock::forget(shared);
    assert!(!lock::is_locked(shared) && !lock::is_locked(personal));
    assert_eq!(lock::last_active(shared), None);
}

#[wasm_bindgen_test]
fn recent_people_are_newest_first_without_repeats_and_at_most_five() {
    let mut people = Vec::new();
    for n in 1..=7 {
        people = with_newest(people, person(&format!("Person {n}"), &format!("p{n}")));
    }
    assert_eq!(people.len(), MAX_RECENT);
    assert_eq!(accounts(&people), ["p7", "p6", "p5", "p4", "p3"]);
    let people = with_newest(people, person("Person 5, renamed", "p5"));
    assert_eq!(accounts(&people), ["p5", "p7", "p6", "p4", "p3"], "an account comes back to the top once");
    assert_eq!(people[0].name, "Person 5, renamed");
}

#[wasm_bindgen_test]
fn only_shared_sign_ins_are_noted_and_the_list_survives_a_wipe() {
    local().remove_item(RECENT_KEY).expect("clear");
    recent::note_sign_in(DeviceMode::Personal, "张三", "zhangsan");
    assert_eq!(recent::recent_people(), [], "a personal sign-in is not noted");
    recent::note_sign_in(DeviceMode::Shared, "李四", "lisi");
    recent::note_sign_in(DeviceMode::Shared, "王五", "wangwu");
    recent::note_sign_in(DeviceMode::Shared, "李四", "lisi");
    assert_eq!(recent::recent_people(), [person("李四", "lisi"), person("王五", "wangwu")]);
    let kept = local().get_item(RECENT_KEY).ok().flatten().expect("kept");
    assert_eq!(
        kept, r#"[{"name":"李四","account":"lisi"},{"name":"王五","account":"wangwu"}]"#,
        "name and account only"
    );
    assert!(key_survives_wipe(RECENT_KEY));
    recent::remove("lisi");
    assert_eq!(recent::recent_people(), [person("王五", "wangwu")]);
    recent::remove("wangwu");
    assert_eq!(local().get_item(RECENT_KEY).ok().flatten(), None, "an empty list leaves no key");
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

#[wasm_bindgen_test]
async fn the_sign_in_page_lists_recent_names_fills_the_account_and_removes_one() {
    local().remove_item(RECENT_KEY).expect("clear");
    recent::note_sign_in(DeviceMode::Shared, "王五", "wangwu");
    recent::note_sign_in(DeviceMode::Shared, "李四", "lisi");
    let host = mount_sign_in();
    leptos::task::tick().await;
    let names: Vec<String> = {
        let list = host.query_selector_all(".recent-people__name").expect("query");
        (0..list.length()).filter_map(|i| list.get(i)?.text_content()).collect()
    };
    assert_eq!(names, ["李四", "王五"], "newest first");
    let heading = host.query_selector("#recent-people-title").expect("query").and_then(|h| h.text_content());
    assert_eq!(heading.as_deref(), Some("Recently signed in here"));

    let first: web_sys::HtmlElement =
        host.query_selector(".recent-people__name").expect("query").expect("a name").unchecked_into();
    first.click();
    leptos::task::tick().await;
    let username: web_sys::HtmlInputElement =
        host.query_selector("#username").expect("query").expect("username").unchecked_into();
    assert_eq!(username.value(), "lisi");
    let focused = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element()).map(|e| e.id());
    assert_eq!(focused.as_deref(), Some("password"), "the password is next");

    let remove = host.query_selector("[aria-label='Remove 王五 from this list']").expect("query").expect("×");
    remove.unchecked_into::<web_sys::HtmlElement>().click();
    leptos::task::tick().await;
    assert_eq!(host.query_selector_all(".recent-people__name").expect("query").length(), 1);
    assert_eq!(recent::recent_people(), [person("李四", "lisi")]);
    host.remove();
    local().remove_item(RECENT_KEY).expect("clear");
}

fn shared_session(n: u128) -> weft::session::Session {
    use weft_protocol::auth::{Lifetimes, MemberProfile, Role, SessionTerms};
    weft::session::Session {
        token: "secret-token".into(),
        session_id: session_id(n),
        me: MemberProfile {
            id: weft_protocol::MemberId(uuid::Uuid::from_u128(3)),
            userid: "wuxia".into(),
            name: "吴霞".into(),
            alias: "Wu Xia".into(),
            position: String::new(),
            department: String::new(),
            role: Role::Member,
            admin_scope: None,
        },
        terms: Some(SessionTerms {
            mode: DeviceMode::Shared,
            lifetimes: Lifetimes::SHARED_DEFAULT,
            ends_at: 0,
            offline_copy: true,
            external_sharing: true,
        }),
    }
}

/// Mounts the lock screen over a locked shared session; returns the host, the lock and the session.
fn mount_locked(
    signed_in: weft::session::Session,
) -> (web_sys::HtmlElement, weft::features::session::idle::IdleLock, weft::session::SessionContext) {
    use leptos::prelude::*;
    use std::cell::Cell;
    use std::rc::Rc;
    use weft::features::session::idle::IdleLock;
    use weft::features::session::lock_screen::LockScreen;
    lock::keep_in_memory(signed_in.session_id);
    lock::set_locked(signed_in.session_id, true);
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let host: web_sys::HtmlElement = document.create_element("div").expect("div").unchecked_into();
    document.body().expect("body").append_child(&host).expect("append");
    let provided = Rc::new(Cell::new(None));
    let inside = Rc::clone(&provided);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        weft::i18n::I18n::provide().lang.set(weft::i18n::Lang::En);
        let session = weft::session::SessionContext(RwSignal::new(Some(signed_in)));
        provide_context(session);
        let app = weft::state::AppState::provide(session);
        let idle = IdleLock::provide(app);
        inside.set(Some((idle, session)));
        view! { <LockScreen/> }
    });
    handle.forget();
    let (idle, session) = provided.take().expect("mounted");
    (host, idle, session)
}

fn text_of(host: &web_sys::HtmlElement, selector: &str) -> String {
    host.query_selector(selector).expect("query").and_then(|e| e.text_content()).unwrap_or_default()
}

/// Types `value` into the input `selector` and submits its form; waits for the PIN check.
async fn submit(host: &web_sys::HtmlElement, selector: &str, value: &str) {
    let input: web_sys::HtmlInputElement =
        host.query_selector(selector).expect("query").expect(selector).unchecked_into();
    input.set_value(value);
    input.dispatch_event(&web_sys::Event::new("input").expect("event")).expect("input");
    let form = input.closest("form").expect("closest").expect("a form");
    let button: web_sys::HtmlElement =
        form.query_selector("button[type=submit]").expect("query").expect("submit").unchecked_into();
    button.click();
    // PBKDF2 runs in WebCrypto: give it time.
    gloo_timers::future::TimeoutFuture::new(400).await;
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn the_lock_screen_asks_for_the_pin_first_and_falls_back_to_the_password() {
    use leptos::prelude::*;
    let signed_in = shared_session(61);
    let id = signed_in.session_id;
    pin::set_pin(id, "2468", "2468").await.expect("set");
    let (host, idle, session) = mount_locked(signed_in);
    leptos::task::tick().await;
    assert!(idle.locked.get_untracked());
    assert!(host.query_selector("#unlock-pin").expect("query").is_some(), "the PIN first");
    assert!(host.query_selector("#unlock-password").expect("query").is_none());
    assert!(text_of(&host, ".lock-screen").contains("Switch person"), "a shared device switches person");

    submit(&host, "#unlock-pin", "24a8").await;
    assert_eq!(text_of(&host, "#unlock-pin-error"), "Digits only.");
    submit(&host, "#unlock-pin", "1111").await;
    assert_eq!(text_of(&host, "#unlock-pin-error"), "That PIN is not right.");
    assert!(text_of(&host, ".lock-screen").contains("4 more tries before the PIN is removed."));
    submit(&host, "#unlock-pin", "2468").await;
    assert!(!idle.locked.get_untracked(), "the right PIN unlocks");
    assert!(!lock::is_locked(id));
    assert!(host.query_selector(".lock-screen").expect("query").is_none());

    // Locked again: five wrong PINs leave only the password.
    lock::set_locked(id, true);
    idle.locked.set(true);
    leptos::task::tick().await;
    for _ in 0..5 {
        submit(&host, "#unlock-pin", "1111").await;
    }
    assert!(host.query_selector("#unlock-password").expect("query").is_some(), "the password now");
    assert!(text_of(&host, ".lock-screen").contains("Too many wrong PINs: the PIN was removed."));
    assert!(!text_of(&host, ".lock-screen").contains("Use PIN instead"));
    assert!(!pin::has_pin(id));

    // Switch person is the sign-out.
    let switch = host.query_selector_all(".lock-screen button.link").expect("query");
    let switch: web_sys::HtmlElement = (0..switch.length())
        .filter_map(|i| switch.item(i))
        .find(|b| b.text_content().as_deref() == Some("Switch person"))
        .expect("Switch person")
        .unchecked_into();
    switch.click();
    leptos::task::tick().await;
    assert!(session.0.with_untracked(Option::is_none), "signed out");
    assert!(host.query_selector(".lock-screen").expect("query").is_none());
    host.remove();
}

#[wasm_bindgen_test]
async fn settings_sets_and_removes_the_pin_with_problems_beside_the_fields() {
    use leptos::prelude::*;
    use weft::features::session::pin_form::PinSettings;
    pin::forget_pin();
    let signed_in = shared_session(71);
    let id = signed_in.session_id;
    let document = web_sys::window().and_then(|w| w.document()).expect("document");
    let host: web_sys::HtmlElement = document.create_element("div").expect("div").unchecked_into();
    document.body().expect("body").append_child(&host).expect("append");
    let handle = leptos::mount::mount_to(host.clone(), move || {
        weft::i18n::I18n::provide().lang.set(weft::i18n::Lang::En);
        let session = weft::session::SessionContext(RwSignal::new(Some(signed_in)));
        provide_context(session);
        let app = weft::state::AppState::provide(session);
        weft::features::session::idle::IdleLock::provide(app);
        view! { <PinSettings/> }
    });
    handle.forget();
    leptos::task::tick().await;
    assert_eq!(text_of(&host, "#pin-title"), "Set a PIN for quick unlock");

    let confirm: web_sys::HtmlInputElement =
        host.query_selector("#confirm-pin").expect("query").expect("confirm").unchecked_into();
    confirm.set_value("13579");
    confirm.dispatch_event(&web_sys::Event::new("input").expect("event")).expect("input");
    submit(&host, "#new-pin", "1357").await;
    assert_eq!(text_of(&host, "#confirm-pin-error"), "The two PINs differ.");
    assert_eq!(text_of(&host, "#new-pin-error"), "");
    assert!(!pin::has_pin(id));

    confirm.set_value("1357");
    confirm.dispatch_event(&web_sys::Event::new("input").expect("event")).expect("input");
    submit(&host, "#new-pin", "1357").await;
    assert!(pin::has_pin(id), "set");
    let text = text_of(&host, ".pin-settings");
    assert!(text.contains("PIN set. The lock screen asks for it first.") && text.contains("A PIN is set"), "{text}");

    let buttons = host.query_selector_all(".pin-settings button").expect("query");
    let remove: web_sys::HtmlElement = (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .find(|b| b.text_content().as_deref() == Some("Remove PIN"))
        .expect("Remove PIN")
        .unchecked_into();
    remove.click();
    leptos::task::tick().await;
    assert!(!pin::has_pin(id));
    assert!(text_of(&host, ".pin-settings").contains("PIN removed"));
    assert!(host.query_selector("#new-pin").expect("query").is_some(), "a new one can be set");
    host.remove();
}

#[wasm_bindgen_test]
fn the_new_words_exist_in_chinese_and_english() {
    use weft::i18n::{Lang, Text, pin_tries_left, remove_recent_label};
    assert_eq!(Text::SwitchPerson.in_lang(Lang::Zh), "切换用户");
    assert_eq!(Text::SwitchPerson.in_lang(Lang::En), "Switch person");
    assert_eq!(Text::PinTitle.in_lang(Lang::Zh), "设置快速解锁 PIN");
    assert_eq!(Text::PinTitle.in_lang(Lang::En), "Set a PIN for quick unlock");
    assert_eq!(Text::UsePassword.in_lang(Lang::Zh), "改用密码");
    assert_eq!(Text::UsePassword.in_lang(Lang::En), "Use password instead");
    assert_eq!(pin_tries_left(1, Lang::En), "1 more try before the PIN is removed.");
    assert_eq!(pin_tries_left(3, Lang::Zh), "再错 3 次，PIN 将被移除。");
    assert_eq!(remove_recent_label("李四", Lang::Zh), "从列表中移除李四");
}
