//! Browser tests of confidential chats (issue #13) on the app side: the invisible mark's canvas
//! matches `weft_protocol::watermark::tile` pixel for pixel, the guarded overlay comes back
//! within 100 ms whatever is done to it (and says so), copying out of a confidential view leaves
//! nothing, "no offline copy" keeps nothing of the conversation in the raw IndexedDB records,
//! and `Effect::Expired` deletes the message from the store, the timeline and the list preview.

mod support;

use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use weft::features::chat::state::Timeline;
use weft::features::confidential::deterrents::{Deterrents, RateLimit, Seen, is_screenshot_shortcut};
use weft::features::confidential::guard::WatermarkGuard;
use weft::features::confidential::watermark::{Layers, VisibleText, invisible_canvas};
use weft::store::{IdbStore, LocalStore, NoCopy, Store};
use weft::sync::Features;
use weft::sync::engine::ApplyFeed;
use weft::sync::outbox::{OutboxAction, OutboxEntry};
use weft_protocol::chat::{ConversationKind, ConversationSummary, Message};
use weft_protocol::confidential::{Confidentiality, DeterrentKind};
use weft_protocol::watermark::{TILE_CELLS, tile};
use weft_protocol::{ClientId, ConversationId, MemberId, MessageId};
use weft_sync_core::Effect;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export async function dumpDatabase(name) {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const lines = [];
  for (const store of Array.from(db.objectStoreNames)) {
    const rows = await new Promise((resolve, reject) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const keys = await new Promise((resolve, reject) => {
      const request = db.transaction(store).objectStore(store).getAllKeys();
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    rows.forEach((row, i) => {
      const text = JSON.stringify(row, (_, v) => (v instanceof Blob ? '[blob ' + v.size + ']' : v));
      lines.push(store + ' ' + JSON.stringify(keys[i]) + ' ' + text);
    });
  }
  db.close();
  return lines.join('\n');
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = dumpDatabase)]
    async fn dump_database(name: &str) -> JsValue;
}

fn id(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}-{}", js_sys::Date::now(), js_sys::Math::random())
}

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("document")
}

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

fn summary(n: u128, confidential: Option<Confidentiality>, last: Option<Message>) -> ConversationSummary {
    ConversationSummary {
        id: ConversationId(id(n)),
        kind: ConversationKind::Group,
        title: format!("群聊 {n}"),
        owner_id: MemberId(id(7)),
        member_count: 2,
        last_seq: last.as_ref().map_or(0, |m| m.seq),
        last_message: last,
        updated_at: 1_700_000_000_000,
        read_seq: 0,
        unread: 0,
        muted: false,
        pinned: false,
        confidential,
    }
}

fn message(conversation: u128, seq: u64, text: &str) -> Message {
    Message {
        id: MessageId(id(conversation * 1_000_000 + u128::from(seq))),
        conversation_id: ConversationId(id(conversation)),
        seq,
        sender_id: MemberId(id(7)),
        sender_name: "张三".into(),
        client_id: ClientId(id(conversation * 1_000_000 + u128::from(seq) + 500_000)),
        text: text.into(),
        sent_at: 1_700_000_000_000 + seq as i64,
        recalled: false,
        reply_to: None,
        mentions: vec![],
        mention_all: false,
        attachment: None,
        card: None,
        expires_at: None,
    }
}

fn no_copy() -> Option<Confidentiality> {
    Some(Confidentiality { since: 1, by_policy: false, lifetime: None, offline_copy: false })
}

// ---- the invisible mark ------------------------------------------------------------------------

fn assert_tile_drawn(mark: u32, ratio: f64) {
    let canvas = invisible_canvas(mark, ratio).expect("canvas");
    let cell = (16.0 * ratio).round() as u32;
    assert_eq!(canvas.width(), cell * TILE_CELLS as u32);
    let context: web_sys::CanvasRenderingContext2d =
        canvas.get_context("2d").expect("2d").expect("context").unchecked_into();
    let side = f64::from(canvas.width());
    let pixels = context.get_image_data(0.0, 0.0, side, side).expect("pixels").data();
    let expected = tile(mark);
    for (index, dark) in expected.iter().enumerate() {
        let (row, column) = ((index / TILE_CELLS) as u32, (index % TILE_CELLS) as u32);
        // Every pixel of the cell, not just its centre: no blur, no spill into neighbours.
        for (dy, dx) in [(0, 0), (0, cell - 1), (cell - 1, 0), (cell - 1, cell - 1), (cell / 2, cell / 2)] {
            let (x, y) = (column * cell + dx, row * cell + dy);
            let at = ((y * canvas.width() + x) * 4) as usize;
            let (r, g, b, a) = (pixels[at], pixels[at + 1], pixels[at + 2], pixels[at + 3]);
            // ALPHA = 0.035 of 255 is about 9.
            assert!((6..=12).contains(&a), "cell {index} alpha {a}");
            if *dark {
                assert!(r < 40 && g < 40 && b < 40, "cell {index} should be dark: {r},{g},{b}");
            } else {
                assert!(r > 215 && g > 215 && b > 215, "cell {index} should be light: {r},{g},{b}");
            }
        }
    }
}

#[wasm_bindgen_test]
fn the_invisible_tile_is_the_marks_pattern_cell_for_cell_at_each_pixel_ratio() {
    for mark in [0xDEAD_BEEF, 1, 0x0102_0304] {
        assert_tile_drawn(mark, 1.0);
    }
    assert_tile_drawn(0xDEAD_BEEF, 2.0);
    assert_tile_drawn(0xDEAD_BEEF, 1.5);
}

#[wasm_bindgen_test]
fn the_overlay_carries_both_layers_at_their_sizes() {
    let text = VisibleText {
        name: "张三".into(),
        userid: "zhangsan".into(),
        date_time: "2026-11-30 20:41".into(),
        session_short: "1a2b3c4d".into(),
    };
    let layers = Layers::draw(&text, Some(42));
    assert!(layers.visible.starts_with("data:image/png"));
    assert!(layers.invisible.starts_with("data:image/png"));
    assert!(layers.css().contains("256px 256px"));
    assert_eq!(text.line(), "张三 · zhangsan · 2026-11-30 20:41 · 1a2b3c4d");
}

// ---- the guard ---------------------------------------------------------------------------------

struct Guarded {
    container: web_sys::HtmlElement,
    guard: WatermarkGuard,
    reports: Rc<RefCell<Vec<String>>>,
}

fn guarded() -> Guarded {
    let container: web_sys::HtmlElement = document().create_element("div").expect("div").unchecked_into();
    container.set_attribute("style", "position:relative;width:300px;height:200px").expect("style");
    container.set_inner_html("<p>机密内容 secret content</p>");
    document().body().expect("body").append_child(&container).expect("append");
    let reports = Rc::new(RefCell::new(Vec::new()));
    let seen = Rc::clone(&reports);
    let text = VisibleText {
        name: "张三".into(),
        userid: "zhangsan".into(),
        date_time: "2026-11-30 20:41".into(),
        session_short: "1a2b3c4d".into(),
    };
    let guard = WatermarkGuard::start(container.clone(), &Layers::draw(&text, Some(7)), text.line(), move |what| {
        seen.borrow_mut().push(what)
    })
    .expect("guard");
    Guarded { container, guard, reports }
}

fn assert_intact(g: &Guarded) {
    let overlay = g.guard.overlay();
    assert_eq!(overlay.parent_element().as_ref(), Some(g.container.as_ref()), "overlay is back in place");
    assert!(overlay.next_element_sibling().is_none(), "nothing above it");
    let style = web_sys::window()
        .expect("in the browser")
        .get_computed_style(&overlay)
        .expect("in the browser")
        .expect("in the browser");
    assert_eq!(style.get_property_value("display").expect("in the browser"), "block");
    assert_eq!(style.get_property_value("visibility").expect("in the browser"), "visible");
    assert_eq!(style.get_property_value("opacity").expect("in the browser"), "1");
    assert_eq!(style.get_property_value("pointer-events").expect("in the browser"), "none");
    assert!(style.get_property_value("background-image").expect("in the browser").matches("url(").count() == 2);
    assert_eq!(overlay.get_attribute("aria-hidden").as_deref(), Some("true"));
    assert!(overlay.get_attribute("data-watermark").expect("in the browser").contains("张三"));
}

#[wasm_bindgen_test]
async fn the_overlay_comes_back_within_100_ms_after_removal_hiding_restyling_or_covering() {
    let g = guarded();
    assert_intact(&g);
    sleep(60).await;
    assert!(g.reports.borrow().is_empty(), "an untouched overlay reports nothing: {:?}", g.reports.borrow());

    g.guard.overlay().remove();
    sleep(100).await;
    assert_intact(&g);
    assert_eq!(g.reports.borrow().len(), 1, "removal reported");

    g.guard.overlay().style().set_property("display", "none").expect("in the browser");
    sleep(100).await;
    assert_intact(&g);

    g.guard.overlay().set_attribute("style", "opacity:0").expect("in the browser");
    sleep(100).await;
    assert_intact(&g);

    g.guard.overlay().set_attribute("class", "").expect("in the browser");
    sleep(100).await;
    assert_intact(&g);

    // A stylesheet rule (as from DevTools) loses to the pinned inline declarations.
    let sheet = document().create_element("style").expect("in the browser");
    sheet.set_text_content(Some(".watermark-overlay { display: none !important; opacity: 0 !important; }"));
    document().head().expect("in the browser").append_child(&sheet).expect("in the browser");
    sleep(100).await;
    assert_intact(&g);
    sheet.remove();

    // A sibling put above it: the overlay goes back on top.
    let sibling = document().create_element("div").expect("in the browser");
    g.container.append_child(&sibling).expect("in the browser");
    sleep(100).await;
    assert_intact(&g);

    // An element laid over the view from outside it is taken away.
    let cover: web_sys::HtmlElement = document().create_element("div").expect("in the browser").unchecked_into();
    cover.set_attribute("style", "position:fixed;inset:0;z-index:2147483647;background:white").expect("in the browser");
    document().body().expect("in the browser").append_child(&cover).expect("in the browser");
    sleep(100).await;
    let shown = web_sys::window()
        .expect("in the browser")
        .get_computed_style(&cover)
        .expect("in the browser")
        .expect("in the browser");
    assert_eq!(shown.get_property_value("display").expect("in the browser"), "none", "the cover was hidden");
    assert!(g.reports.borrow().iter().any(|r| r.contains("covering")), "{:?}", g.reports.borrow());
    assert!(g.reports.borrow().len() >= 6, "each tampering was reported: {:?}", g.reports.borrow());
    cover.remove();
    drop(g.guard);
    g.container.remove();
}

#[wasm_bindgen_test]
async fn dropping_the_guard_removes_the_overlay_and_stops_watching() {
    let g = guarded();
    let overlay = g.guard.overlay();
    drop(g.guard);
    assert!(!overlay.is_connected());
    sleep(80).await;
    assert!(!overlay.is_connected(), "not put back once the view closed");
    g.container.remove();
}

// ---- deterrents --------------------------------------------------------------------------------

fn copy_event(name: &str) -> (web_sys::ClipboardEvent, web_sys::DataTransfer) {
    let data = web_sys::DataTransfer::new().expect("data transfer");
    let init = web_sys::ClipboardEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_clipboard_data(Some(&data));
    (web_sys::ClipboardEvent::new_with_event_init_dict(name, &init).expect("event"), data)
}

#[wasm_bindgen_test]
fn copying_or_cutting_in_a_confidential_view_puts_nothing_on_the_clipboard() {
    let view: web_sys::HtmlElement = document().create_element("div").expect("in the browser").unchecked_into();
    view.set_inner_html("<p id='secret-line'>机密 secret</p>");
    document().body().expect("in the browser").append_child(&view).expect("in the browser");
    let seen = Rc::new(RefCell::new(Vec::new()));
    let heard = Rc::clone(&seen);
    let listening = Deterrents::install(view.clone(), move |s| heard.borrow_mut().push(s)).expect("installed");
    let line = document().get_element_by_id("secret-line").expect("in the browser");
    for name in ["copy", "cut"] {
        let (event, data) = copy_event(name);
        // What a page script or the browser's own copy would have put there.
        data.set_data("text/plain", "机密 secret").expect("in the browser");
        line.dispatch_event(&event).expect("in the browser");
        assert!(event.default_prevented(), "{name} was stopped");
        assert_eq!(data.get_data("text/plain").expect("in the browser"), "", "{name} leaves the clipboard empty");
    }
    assert_eq!(*seen.borrow(), vec![Seen::Copy, Seen::Copy]);

    // Outside the view a copy is left alone.
    let outside = document().create_element("p").expect("in the browser");
    document().body().expect("in the browser").append_child(&outside).expect("in the browser");
    let (event, _) = copy_event("copy");
    outside.dispatch_event(&event).expect("in the browser");
    assert!(!event.default_prevented());
    drop(listening);
    let (event, _) = copy_event("copy");
    line.dispatch_event(&event).expect("in the browser");
    assert!(!event.default_prevented(), "listeners go with the view");
    view.remove();
    outside.remove();
}

#[wasm_bindgen_test]
fn screenshot_shortcuts_hiding_and_printing_are_heard_and_reports_are_rate_limited() {
    assert!(is_screenshot_shortcut("PrintScreen", "PrintScreen", false, false));
    assert!(is_screenshot_shortcut("S", "KeyS", true, true));
    assert!(is_screenshot_shortcut("#", "Digit3", true, true));
    assert!(is_screenshot_shortcut("%", "Digit5", true, true));
    assert!(!is_screenshot_shortcut("s", "KeyS", false, true));
    assert!(!is_screenshot_shortcut("3", "Digit3", false, false));

    let view: web_sys::HtmlElement = document().create_element("div").expect("in the browser").unchecked_into();
    document().body().expect("in the browser").append_child(&view).expect("in the browser");
    let seen = Rc::new(RefCell::new(Vec::new()));
    let heard = Rc::clone(&seen);
    let listening = Deterrents::install(view.clone(), move |s| heard.borrow_mut().push(s)).expect("installed");
    let window = web_sys::window().expect("in the browser");
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("PrintScreen");
    init.set_code("PrintScreen");
    window
        .dispatch_event(
            &web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keyup", &init).expect("in the browser"),
        )
        .expect("in the browser");
    window.dispatch_event(&web_sys::Event::new("blur").expect("in the browser")).expect("in the browser");
    window.dispatch_event(&web_sys::Event::new("beforeprint").expect("in the browser")).expect("in the browser");
    assert_eq!(*seen.borrow(), vec![Seen::Screenshot, Seen::Hidden, Seen::Print]);
    drop(listening);
    view.remove();

    let mut limit = RateLimit::default();
    assert!(limit.allow(DeterrentKind::CopyAttempt, 0.0));
    assert!(!limit.allow(DeterrentKind::CopyAttempt, 4_999.0));
    assert!(limit.allow(DeterrentKind::ViewHidden, 4_999.0), "kinds are limited apart");
    assert!(limit.allow(DeterrentKind::CopyAttempt, 5_000.0));
}

// ---- no offline copy ---------------------------------------------------------------------------

fn send_entry(conversation: u128, n: u128, text: &str) -> OutboxEntry {
    OutboxEntry::new(
        Some(ConversationId(id(conversation))),
        ClientId(id(900 + n)),
        OutboxAction::Send { text: text.into(), reply_to: None, mentions: vec![], mention_all: false, file: None },
        n as f64,
    )
}

#[wasm_bindgen_test]
async fn with_no_offline_copy_the_raw_records_hold_nothing_of_the_conversation() {
    let name = unique("weft-confidential-");
    let store = NoCopy::new(IdbStore::open(&name).await.expect("open"));
    let secret = message(1, 1, "SECRET-PLAN 机密计划");
    store
        .replace_conversations(&[
            summary(1, no_copy(), Some(secret.clone())),
            summary(2, None, Some(message(2, 1, "ordinary words"))),
        ])
        .await
        .expect("in the browser");
    store
        .put_messages(&[secret.clone(), message(1, 2, "SECRET-SECOND"), message(2, 1, "ordinary words")])
        .await
        .expect("in the browser");
    store.put_outbox(&send_entry(1, 1, "SECRET-QUEUED")).await.expect("in the browser");
    store.put_outbox(&send_entry(2, 2, "ordinary queued")).await.expect("in the browser");
    let file = web_sys::Blob::new().expect("in the browser");
    store.put_upload_for(Some(ConversationId(id(1))), "secret-file", &file).await.expect("in the browser");

    let dump = dump_database(&name).await.as_string().expect("text");
    assert!(dump.contains("ordinary words") && dump.contains("ordinary queued"), "the scan sees stored rows:\n{dump}");
    assert!(!dump.contains("SECRET"), "nothing of the confidential conversation's content:\n{dump}");
    assert!(!dump.contains("secret-file"), "its queued file stays in memory:\n{dump}");
    let conversation_key = format!("{}:", id(1));
    assert!(!dump.contains(&conversation_key), "no message row of it:\n{dump}");
    assert!(!dump.contains(&ClientId(id(901)).to_string()), "no outbox row of it:\n{dump}");

    // In memory it is all still there for this visit.
    assert_eq!(store.outbox().await.expect("in the browser").len(), 2);
    assert!(store.upload("secret-file").await.expect("in the browser").is_some());
    assert!(store.messages(ConversationId(id(1)), None, 50).await.expect("in the browser").is_empty());

    // A conversation that becomes no-copy loses what the device kept of it.
    store.put_messages(&[message(2, 2, "LATER-SECRET")]).await.expect("in the browser");
    store.put_conversation(&summary(2, no_copy(), Some(message(2, 2, "LATER-SECRET")))).await.expect("in the browser");
    let dump = dump_database(&name).await.as_string().expect("text");
    assert!(!dump.contains("LATER-SECRET") && !dump.contains("ordinary"), "purged:\n{dump}");
    assert_eq!(store.outbox().await.expect("in the browser").len(), 2, "its queued entry moved to memory, not lost");
    store.close();
}

/// The workspace's offline-copy policy bars a whole device: what it kept of every conversation
/// goes (summaries stay, without their last message), and nothing arrives on it after.
#[wasm_bindgen_test]
async fn a_device_barred_by_the_offline_copy_policy_keeps_no_chat_at_all() {
    let name = unique("weft-device-barred-");
    let store = NoCopy::new(IdbStore::open(&name).await.expect("open"));
    store.replace_conversations(&[summary(2, None, Some(message(2, 1, "KEPT-BEFORE")))]).await.expect("in the browser");
    store.put_messages(&[message(2, 1, "KEPT-BEFORE")]).await.expect("in the browser");
    store.put_outbox(&send_entry(2, 2, "QUEUED-BEFORE")).await.expect("in the browser");
    assert!(dump_database(&name).await.as_string().expect("text").contains("KEPT-BEFORE"));

    store.set_device_barred(true).await.expect("in the browser");
    store.put_messages(&[message(2, 2, "ARRIVED-AFTER")]).await.expect("in the browser");
    store.put_outbox(&send_entry(2, 3, "QUEUED-AFTER")).await.expect("in the browser");
    store.put_conversation(&summary(3, None, Some(message(3, 1, "NEW-CHAT")))).await.expect("in the browser");
    let dump = dump_database(&name).await.as_string().expect("text");
    for text in ["KEPT-BEFORE", "QUEUED-BEFORE", "ARRIVED-AFTER", "QUEUED-AFTER", "NEW-CHAT"] {
        assert!(!dump.contains(text), "{text} is not on the device:\n{dump}");
    }
    assert_eq!(store.conversations().await.expect("in the browser").len(), 2, "the list itself stays");
    assert_eq!(store.outbox().await.expect("in the browser").len(), 2, "unsent messages wait in memory");

    // Lifting the bar keeps what arrives from then on.
    store.set_device_barred(false).await.expect("in the browser");
    store.put_messages(&[message(2, 4, "KEPT-AGAIN")]).await.expect("in the browser");
    assert!(dump_database(&name).await.as_string().expect("text").contains("KEPT-AGAIN"));
    store.close();
}

// ---- expiry ------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn an_expired_message_leaves_the_store_the_timeline_and_the_list_preview() {
    let host: web_sys::HtmlElement = document().create_element("div").expect("in the browser").unchecked_into();
    document().body().expect("in the browser").append_child(&host).expect("in the browser");
    let provided = Rc::new(Cell::new(None));
    let inside = Rc::clone(&provided);
    let handle = leptos::mount::mount_to(host.clone(), move || {
        weft::i18n::I18n::provide();
        let session = weft::session::SessionContext(RwSignal::new(Some(support::zhangsan_session(70, None))));
        provide_context(session);
        inside.set(Some(weft::state::AppState::provide(session)));
    });
    handle.forget();
    let app = provided.take().expect("mounted");
    let name = unique("weft-expiry-");
    let store = Rc::new(NoCopy::new(LocalStore::Idb(IdbStore::open(&name).await.expect("open"))));
    app.sync.adopt_store(Rc::clone(&store));
    let conversation = ConversationId(id(5));
    let (first, second) = (message(5, 1, "stays"), message(5, 2, "GOES-AWAY"));
    store.put_messages(&[first.clone(), second.clone()]).await.expect("in the browser");
    app.apply_summary(summary(5, None, Some(second.clone()))).await;
    app.chat.timelines.update(|t| {
        let mut timeline = Timeline::default();
        timeline.merge(&[first.clone(), second.clone()]);
        t.insert(conversation, timeline);
    });

    app.apply(Effect::Expired { conversation_id: conversation, seq: 2 }).await;

    assert_eq!(store.message(conversation, 2).await.expect("in the browser"), None, "gone from the device");
    assert_eq!(store.message(conversation, 1).await.expect("in the browser"), Some(first.clone()), "the other stays");
    let shown: Vec<u64> =
        app.chat.timelines.with_untracked(|t| t[&conversation].messages.iter().map(|m| m.seq).collect());
    assert_eq!(shown, vec![1]);
    let preview = app.chat.conversations.with_untracked(|c| c[0].last_message.clone());
    assert_eq!(preview.map(|m| m.seq), Some(1), "the list shows the message before it");
    let stored = store.conversations().await.expect("in the browser");
    assert_eq!(stored[0].last_message.as_ref().map(|m| m.seq), Some(1));
    let dump = dump_database(&name).await.as_string().expect("in the browser");
    assert!(!dump.contains("GOES-AWAY"), "{dump}");

    // Local expiry: a message whose time passed goes without waiting for the feed.
    let mut timed = message(5, 3, "TIMED");
    timed.expires_at = Some(1_000);
    store.put_messages(&[timed.clone()]).await.expect("in the browser");
    app.chat.timelines.update(|t| t.get_mut(&conversation).expect("in the browser").merge(&[timed]));
    app.sweep_expired(conversation, 2_000).await;
    assert_eq!(store.message(conversation, 3).await.expect("in the browser"), None);
    assert!(app.chat.timelines.with_untracked(|t| t[&conversation].messages.iter().all(|m| m.seq != 3)));
    if let LocalStore::Idb(idb) = &**store {
        idb.close();
    }
    host.remove();
}

// ---- reports kept while offline ----------------------------------------------------------------

#[wasm_bindgen_test]
fn reports_that_cannot_go_are_kept_one_per_conversation_and_kind_with_a_count() {
    use weft::features::confidential::reports::{keep, unsent};
    let (first, second) = (ConversationId(id(81)), ConversationId(id(82)));
    keep(first, DeterrentKind::ScreenshotShortcut, "screenshot shortcut", "2026-12-01 09:30");
    keep(first, DeterrentKind::ScreenshotShortcut, "screenshot shortcut", "2026-12-01 09:31");
    keep(first, DeterrentKind::CopyAttempt, "copy or cut", "2026-12-01 09:32");
    keep(second, DeterrentKind::ScreenshotShortcut, "screenshot shortcut", "2026-12-01 09:33");
    let kept: Vec<_> = unsent().into_iter().filter(|u| u.conversation == first || u.conversation == second).collect();
    assert_eq!(kept.len(), 3, "{kept:?}");
    assert_eq!(kept[0].times, 2);
    assert_eq!(kept[0].detail_text(), "screenshot shortcut (offline, 2 times, first at 2026-12-01 09:30)");
    assert_eq!(kept[1].detail_text(), "copy or cut (offline, once, first at 2026-12-01 09:32)");
    assert_eq!(kept[2].conversation, second);
}
