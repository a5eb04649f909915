//! Share into Weft: the message a share's words make, and the device's share inbox read from
//! real Cache Storage the way the service worker (`public/sw.js`) writes it.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use weft::features::share::inbox::{self, SHARE_CACHE, Share, SharedFile};
use weft::platform::call_promise;

wasm_bindgen_test_configure!(run_in_browser);

fn share(title: &str, text: &str, url: &str) -> Share {
    Share { title: title.into(), text: text.into(), url: url.into(), ..Share::default() }
}

#[wasm_bindgen_test]
fn the_message_holds_title_text_and_link_once_each() {
    assert_eq!(share("周报", "本周进展", "https://example.com/r").message(), "周报\n本周进展\nhttps://example.com/r");
    // The link already inside the text, and a title repeated by the text, are not said twice.
    assert_eq!(
        share("", "看看这个 https://example.com/a", "https://example.com/a").message(),
        "看看这个 https://example.com/a"
    );
    assert_eq!(share("Release notes", "Release notes", "").message(), "Release notes");
    assert_eq!(share("  ", "\n", "").message(), "");
    assert_eq!(share("", "", " https://example.com ").message(), "https://example.com");
}

#[wasm_bindgen_test]
fn only_the_workers_ids_name_a_share() {
    assert!(inbox::valid_id("mabc123-x9y8z7w6"));
    for hostile in ["", "../sw.js", "a/b", "ABC", "a?b", &"a".repeat(41), "x%2F..%2F"] {
        assert!(!inbox::valid_id(hostile), "{hostile}");
    }
}

async fn cache() -> JsValue {
    let caches = Reflect::get(&js_sys::global(), &"caches".into()).expect("caches");
    call_promise(&caches, "open", &[SHARE_CACHE.into()]).await.expect("open")
}

async fn put(path: &str, body: &JsValue, content_type: &str) {
    let response_class: js_sys::Function =
        Reflect::get(&js_sys::global(), &"Response".into()).expect("Response").unchecked_into();
    let init = Object::new();
    let headers = Object::new();
    Reflect::set(&headers, &"content-type".into(), &content_type.into()).expect("set");
    Reflect::set(&init, &"headers".into(), &headers).expect("set");
    let response = Reflect::construct(&response_class, &Array::of2(body, &init)).expect("new Response");
    call_promise(&cache().await, "put", &[path.into(), response]).await.expect("put");
}

async fn keys() -> Vec<String> {
    let requests: Array = call_promise(&cache().await, "keys", &[]).await.expect("keys").unchecked_into();
    requests
        .iter()
        .map(|r| Reflect::get(&r, &"url".into()).expect("url").as_string().expect("string"))
        .map(|url| url[url.find("/share-inbox/").expect("inbox path")..].to_owned())
        .collect()
}

#[wasm_bindgen_test]
async fn a_kept_share_is_read_newest_first_and_discarded_whole() {
    let older = r#"{"title":"","text":"旧的 old","url":"","files":[],"received_at":1000}"#;
    let newer = r#"{"title":"图","text":"看看 look","url":"","files":[{"name":"图片 photo.png","type":"image/png","size":4}],"received_at":2000}"#;
    put("/share-inbox/old-1", &older.into(), "application/json").await;
    put("/share-inbox/new-2", &newer.into(), "application/json").await;
    put("/share-inbox/new-2/0", &"\u{89}PNG".into(), "image/png").await;

    assert_eq!(inbox::newest().await.expect("newest").as_deref(), Some("new-2"));
    let opened = inbox::open("new-2").await.expect("open").expect("kept");
    assert_eq!(opened.files, vec![SharedFile { name: "图片 photo.png".into(), mime: "image/png".into(), size: 4 }]);
    assert_eq!(opened.message(), "图\n看看 look");
    let blob = inbox::file("new-2", 0).await.expect("file").expect("kept");
    assert!(blob.size() > 0.0);
    assert_eq!(blob.type_(), "image/png");
    assert!(inbox::file("new-2", 1).await.expect("file").is_none(), "no second file");
    assert!(inbox::open("../new-2").await.expect("open").is_none(), "a hostile id names nothing");

    inbox::discard("new-2").await.expect("discard");
    assert_eq!(keys().await, vec!["/share-inbox/old-1".to_owned()]);
    assert!(inbox::open("new-2").await.expect("open").is_none());
    assert_eq!(inbox::newest().await.expect("newest").as_deref(), Some("old-1"));
    inbox::discard("old-1").await.expect("discard");
    assert!(inbox::newest().await.expect("newest").is_none());
}
