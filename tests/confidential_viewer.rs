//! Browser tests of the in-app viewer of confidential chats' files: the page cursor and the
//! wording, a PDF opening in a dialog inside the confidential view's content (the watermark
//! overlay stays the view's last child) with pages to step through and no link out, Esc closing
//! it with focus back on the opener, an image opening at full size, and the viewer saying it
//! needs the network when there is none. The server is a stub of `window.fetch`.

mod support;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use weft::features::confidential::view::ConfidentialView;
use weft::features::confidential::viewer::PageCursor;
use weft::i18n::Lang;
use weft::i18n::confidential::{open_file_label, page_of};
use weft::ui::attachment::AttachmentView;
use weft_protocol::chat::{Attachment, Thumbnail};
use weft_protocol::confidential::Confidentiality;
use weft_protocol::{AttachmentId, ConversationId};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function stubServer(pages) {
  window.__viewerRequests = [];
  window.fetch = async (input) => {
    const url = typeof input === 'string' ? input : input.url;
    window.__viewerRequests.push(url);
    const json = (status, body) =>
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    if (/\/attachments\/[^/]+\/pages$/.test(url)) return json(200, { pages });
    if (/\/attachments\/[^/]+\/url\?/.test(url)) return json(200, { url: png, expires_at: Date.now() + 300000 });
    return json(404, { code: 'not_found', message: 'not here' });
  };
}
export function viewerRequests() { return window.__viewerRequests.join('\n'); }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = stubServer)]
    fn stub_server(pages: u32);
    #[wasm_bindgen(js_name = viewerRequests)]
    fn viewer_requests() -> String;
}

fn document() -> web_sys::Document {
    web_sys::window().and_then(|w| w.document()).expect("document")
}

async fn settle() {
    gloo_timers::future::TimeoutFuture::new(60).await;
}

fn file(n: u128, name: &str, content_type: &str) -> Attachment {
    Attachment {
        id: AttachmentId(uuid::Uuid::from_u128(n)),
        file_name: name.into(),
        content_type: content_type.into(),
        size: 48_000,
        width: None,
        height: None,
        thumbnail: None,
    }
}

/// A confidential view holding `files`, mounted in a fresh host; `signed_in: false` has no
/// session, so nothing can reach the server.
fn mount(files: Vec<Attachment>, signed_in: bool) -> web_sys::HtmlElement {
    let host: web_sys::HtmlElement = document().create_element("div").expect("in the browser").unchecked_into();
    document().body().expect("in the browser").append_child(&host).expect("in the browser");
    let handle = leptos::mount::mount_to(host.clone(), move || {
        weft::i18n::I18n::provide();
        let session =
            weft::session::SessionContext(RwSignal::new(signed_in.then(|| support::zhangsan_session(70, None))));
        provide_context(session);
        weft::state::AppState::provide(session);
        let conversation = Memo::new(|_| Some(ConversationId(uuid::Uuid::from_u128(5))));
        let confidential = Signal::derive(|| {
            Some(Confidentiality { since: 1, by_policy: false, lifetime: None, offline_copy: false })
        });
        view! {
            <ConfidentialView conversation=conversation confidential=confidential>
                {files.clone().into_iter().map(|file| view! { <AttachmentView file=file confidential=true/> }).collect_view()}
            </ConfidentialView>
        }
    });
    handle.forget();
    host
}

fn find(host: &web_sys::HtmlElement, selector: &str) -> Option<web_sys::HtmlElement> {
    host.query_selector(selector).expect("a valid selector").map(JsCast::unchecked_into)
}

fn button(host: &web_sys::HtmlElement, text: &str) -> web_sys::HtmlButtonElement {
    let buttons = host.query_selector_all("button").expect("a valid selector");
    (0..buttons.length())
        .filter_map(|i| buttons.item(i))
        .map(JsCast::unchecked_into::<web_sys::HtmlButtonElement>)
        .find(|b| {
            b.text_content().is_some_and(|t| t.trim() == text) || b.get_attribute("aria-label").as_deref() == Some(text)
        })
        .unwrap_or_else(|| panic!("no button {text:?} in {}", host.inner_html()))
}

fn active_element() -> Option<web_sys::Element> {
    document().active_element()
}

fn press_escape() {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("an event");
    document().body().expect("in the browser").dispatch_event(&event).expect("dispatched");
}

#[wasm_bindgen_test]
fn the_page_cursor_stays_within_the_pdf_and_the_wording_is_bilingual() {
    let first = PageCursor::first(3);
    assert_eq!((first.page, first.has_previous(), first.has_next()), (1, false, true));
    assert_eq!(first.previous(), first);
    let last = first.next().next();
    assert_eq!((last.page, last.has_next(), last.has_previous()), (3, false, true));
    assert_eq!(last.next(), last);
    assert_eq!(PageCursor::first(0), PageCursor { page: 1, pages: 1 });
    assert_eq!(page_of(2, 5, Lang::En), "Page 2 of 5");
    assert_eq!(page_of(2, 5, Lang::Zh), "第 2 页，共 5 页");
    assert_eq!(open_file_label(false, "plan.png", Lang::En), "Open image: plan.png");
    assert_eq!(open_file_label(false, "plan.png", Lang::Zh), "打开图片：plan.png");
    assert_eq!(open_file_label(true, "report.pdf", Lang::En), "Open PDF: report.pdf");
    assert_eq!(open_file_label(true, "report.pdf", Lang::Zh), "打开 PDF：report.pdf");
}

#[wasm_bindgen_test]
async fn a_pdf_opens_page_by_page_inside_the_view_and_escape_gives_focus_back() {
    Lang::En.remember();
    stub_server(3);
    let host = mount(vec![file(11, "report.pdf", "application/pdf")], true);
    settle().await;
    let opener = button(&host, "Open PDF: report.pdf");
    assert!(opener.text_content().expect("text").contains("report.pdf (48.0 KB)"), "name and size are shown");
    opener.focus().expect("focusable");
    opener.click();
    settle().await;

    let dialog = find(&host, ".confidential-view__content > .file-viewer").expect("the viewer inside the content");
    assert_eq!(dialog.get_attribute("role").as_deref(), Some("dialog"));
    assert_eq!(dialog.get_attribute("aria-modal").as_deref(), Some("true"));
    assert_eq!(dialog.get_attribute("aria-label").as_deref(), Some("report.pdf"));
    let view = find(&host, ".confidential-view").expect("the view");
    let last = view.last_element_child().expect("children");
    assert!(last.class_list().contains("watermark-overlay"), "the overlay stays last: {}", view.inner_html());
    assert!(opener.closest("[inert]").expect("a valid selector").is_some(), "the content behind is inert");
    assert_eq!(active_element(), Some(button(&host, "Close").unchecked_into()), "focus moves to Close");

    assert!(dialog.text_content().expect("text").contains("Page 1 of 3"), "{}", dialog.inner_html());
    let picture = find(&dialog, "img.file-viewer__picture").expect("the page's picture");
    assert_eq!(picture.get_attribute("draggable").as_deref(), Some("false"));
    assert!(find(&dialog, "a").is_none(), "no link to download or open elsewhere: {}", dialog.inner_html());
    assert!(button(&host, "Previous page").disabled());
    button(&host, "Next page").click();
    settle().await;
    assert!(dialog.text_content().expect("text").contains("Page 2 of 3"));
    button(&host, "Next page").click();
    settle().await;
    assert!(button(&host, "Next page").disabled(), "the last page");
    let asked = viewer_requests();
    for page in 1..=3 {
        assert!(asked.contains(&format!("/url?page={page}")), "{asked}");
    }
    assert!(!asked.contains("variant=original"), "the PDF itself is never asked for: {asked}");

    press_escape();
    settle().await;
    assert!(find(&host, ".file-viewer").is_none(), "Esc closes the viewer");
    assert!(host.query_selector("[inert]").expect("a valid selector").is_none(), "the content is given back");
    assert_eq!(active_element(), Some(opener.clone().unchecked_into()), "focus is back on the opener");
    host.remove();
}

#[wasm_bindgen_test]
async fn an_image_opens_at_full_size_and_close_gives_focus_back() {
    Lang::En.remember();
    stub_server(1);
    let mut photo = file(12, "photo.png", "image/png");
    photo.thumbnail = Some(Thumbnail { width: 32, height: 24 });
    let host = mount(vec![photo], true);
    settle().await;
    let opener = button(&host, "Open image: photo.png");
    assert!(find(&opener, "img").is_some(), "the thumbnail is the opener");
    opener.click();
    settle().await;
    let dialog = find(&host, ".file-viewer").expect("the viewer");
    assert_eq!(dialog.get_attribute("aria-label").as_deref(), Some("photo.png"));
    assert!(find(&dialog, "img.file-viewer__picture").is_some(), "{}", dialog.inner_html());
    assert!(dialog.text_content().expect("text").contains("photo.png"));
    assert!(!dialog.text_content().expect("text").contains("Page"), "no pages for an image");
    assert!(viewer_requests().contains("variant=original"), "the full-size picture");
    button(&host, "Close").click();
    settle().await;
    assert!(find(&host, ".file-viewer").is_none());
    assert_eq!(active_element(), Some(opener.unchecked_into()));
    host.remove();
}

#[wasm_bindgen_test]
async fn without_the_network_the_viewer_says_it_needs_it() {
    Lang::En.remember();
    let host = mount(vec![file(13, "report.pdf", "application/pdf")], false);
    settle().await;
    button(&host, "Open PDF: report.pdf").click();
    settle().await;
    let dialog = find(&host, ".file-viewer").expect("the viewer");
    assert!(
        dialog.text_content().expect("text").contains("This needs a connection to the server."),
        "{}",
        dialog.inner_html()
    );
    host.remove();
}
