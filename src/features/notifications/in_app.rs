//! In-app notifications. The service worker tells every open window of each push
//! (`{type: "weft-push", payload}`) and shows the system notification only when no window of
//! the app is visible; the app shows the push as a banner here (a hidden tab finds it on return,
//! besides the system notification). A click on a system notification arrives as
//! `{type: "weft-open", url}`: the app routes there without reloading.

use crate::i18n::notifications::Nt;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use weft_protocol::push::PushPayload;

/// How long a banner stays.
const SHOWN_MS: u32 = 8_000;

/// An app path from a message: same-origin paths only.
fn app_path(url: &str) -> Option<String> {
    let origin = web_sys::window()?.location().origin().ok()?;
    let path = url.strip_prefix(&origin).unwrap_or(url);
    (path.starts_with('/') && !path.starts_with("//")).then(|| path.to_owned())
}

#[component]
pub fn InAppNotifications() -> impl IntoView {
    let i18n = use_i18n();
    let banner = RwSignal::new(None::<PushPayload>);
    let navigate = use_navigate();
    let location = use_location();
    let shown = StoredValue::new(0u32);

    if let Some(window) = web_sys::window() {
        let container = window.navigator().service_worker();
        let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let Ok(json) = js_sys::JSON::stringify(&event.data()) else { return };
            let Some(json) = json.as_string() else { return };
            let Ok(message) = serde_json::from_str::<serde_json::Value>(&json) else { return };
            match message["type"].as_str() {
                Some("weft-push") => {
                    let Ok(payload) = serde_json::from_value::<PushPayload>(message["payload"].clone()) else { return };
                    let here = location.pathname.get_untracked() == payload.url;
                    let visible = web_sys::window()
                        .and_then(|w| w.document())
                        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible);
                    if here && visible {
                        return;
                    }
                    banner.set(Some(payload));
                    let ticket = shown.get_value().wrapping_add(1);
                    shown.set_value(ticket);
                    leptos::task::spawn_local(async move {
                        gloo_timers::future::TimeoutFuture::new(SHOWN_MS).await;
                        if shown.get_value() == ticket {
                            banner.set(None);
                        }
                    });
                }
                Some("weft-open") => {
                    if let Some(path) = message["url"].as_str().and_then(app_path) {
                        banner.set(None);
                        navigate(&path, Default::default());
                    }
                }
                _ => {}
            }
        });
        container.add_event_listener_with_callback("message", on_message.as_ref().unchecked_ref()).ok();
        // Lives as long as the page.
        on_message.forget();
    }

    view! {
        <div class="in-app-notifications" role="region" aria-label=i18n.nt(Nt::InAppRegion)>
            <div role="status" aria-live="polite">
                {move || {
                    banner
                        .get()
                        .map(|payload| {
                            let url = payload.url.clone();
                            view! {
                                <div class="in-app-notification">
                                    <a class="in-app-notification__open" href=url on:click=move |_| banner.set(None)>
                                        <strong>{payload.title.clone()}</strong>
                                        <span>{payload.body.clone()}</span>
                                    </a>
                                    <button
                                        type="button"
                                        class="link"
                                        aria-label=i18n.nt(Nt::Dismiss)
                                        on:click=move |_| banner.set(None)
                                    >
                                        "×"
                                    </button>
                                </div>
                            }
                        })
                }}
            </div>
        </div>
    }
}
