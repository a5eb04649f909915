//! "Share…" on a message: hands its text, or its file, to another app through the device's share
//! sheet (the Web Share API of phones and installed apps). The server is asked first, which
//! refuses when the workspace turns sharing off or the conversation is confidential and records
//! every share it allows; with the network cut nothing is shared. Offered only where the browser
//! can share, the session's terms allow it and the conversation is not confidential.

use crate::api::{Api, ApiError};
use crate::i18n::share::St;
use crate::i18n::use_i18n;
use crate::session::use_session;
use crate::state::use_app;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};
use weft_protocol::chat::{Attachment, FileVariant, Message};

/// Whether this browser has a share sheet (`navigator.share`).
pub fn browser_can_share() -> bool {
    web_sys::window()
        .and_then(|window| js_sys::Reflect::get(&window.navigator(), &"share".into()).ok())
        .is_some_and(|share| share.is_function())
}

/// Why a share did not happen, as the member reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NotShared {
    Offline,
    Refused,
    Failed,
}

impl NotShared {
    fn text(self) -> St {
        match self {
            Self::Offline => St::ShareOutOffline,
            Self::Refused => St::ShareOutRefused,
            Self::Failed => St::ShareOutFailed,
        }
    }
}

/// The button and what became of the last share. Renders nothing where sharing is not offered.
#[component]
pub fn ShareOutButton(message: Message, confidential: bool) -> impl IntoView {
    let i18n = use_i18n();
    if confidential || !browser_can_share() {
        return None;
    }
    let session = use_session();
    // Follows the session's terms as they change (the server says when).
    let allowed = move || session.0.with(|s| s.as_ref().is_none_or(|s| s.shares_to_other_apps()));
    let app = use_app();
    let message = StoredValue::new(message);
    let problem = RwSignal::new(None::<NotShared>);
    let busy = RwSignal::new(false);
    let share = move |_| {
        let Some(api) = app.sync.api() else { return };
        let message = message.get_value();
        problem.set(None);
        busy.set(true);
        spawn_local(async move {
            problem.set(share_out(&api, &message).await.err());
            busy.set(false);
        });
    };
    Some(view! {
        <Show when=allowed>
            <button type="button" class="link" on:click=share disabled=move || busy.get()>{i18n.share(St::ShareOut)}</button>
        </Show>
        <Show when=move || problem.with(Option::is_some)>
            <span class="hint" role="alert">{move || problem.get().map(|p| p.text().in_lang(i18n.lang.get()))}</span>
        </Show>
    })
}

/// Asks the server, then opens the share sheet with the message's text and file.
async fn share_out(api: &Api, message: &Message) -> Result<(), NotShared> {
    match api.share_out(message.conversation_id, message.seq).await {
        Ok(()) => {}
        Err(ApiError::Network) => return Err(NotShared::Offline),
        Err(ApiError::Server { status: 403 | 404, .. }) => return Err(NotShared::Refused),
        Err(_) => return Err(NotShared::Failed),
    }
    let data = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| js_sys::Reflect::set(&data, &key.into(), value).map(drop);
    if !message.text.is_empty() {
        set("text", &message.text.as_str().into()).map_err(|_| NotShared::Failed)?;
    }
    if let Some(file) = &message.attachment {
        set("title", &file.file_name.as_str().into()).map_err(|_| NotShared::Failed)?;
        let files = js_sys::Array::of1(&fetch_file(api, file).await?.into());
        set("files", &files).map_err(|_| NotShared::Failed)?;
    }
    let navigator: JsValue = web_sys::window().ok_or(NotShared::Failed)?.navigator().into();
    if message.attachment.is_some() && !can_share(&navigator, &data) {
        // This browser cannot pass on a file of this kind: share its name (and the text).
        let _ = js_sys::Reflect::delete_property(&data, &"files".into());
        if message.text.is_empty() {
            let name = message.attachment.as_ref().map(|file| file.file_name.as_str()).unwrap_or_default();
            set("text", &name.into()).map_err(|_| NotShared::Failed)?;
        }
    }
    match crate::platform::call_promise(&navigator, "share", &[data.into()]).await {
        Ok(_) => Ok(()),
        // The member closed the share sheet: nothing to say.
        Err(err) if err.dyn_ref::<web_sys::DomException>().is_some_and(|e| e.name() == "AbortError") => Ok(()),
        Err(_) => Err(NotShared::Failed),
    }
}

/// `navigator.canShare(data)`, or true where the browser has no such check.
fn can_share(navigator: &JsValue, data: &js_sys::Object) -> bool {
    let Ok(check) = js_sys::Reflect::get(navigator, &"canShare".into()) else { return true };
    let Some(check) = check.dyn_ref::<js_sys::Function>() else { return true };
    check.call1(navigator, data).map_or(true, |answer| answer.is_truthy())
}

/// The message's file as a `File` the share sheet can carry.
async fn fetch_file(api: &Api, file: &Attachment) -> Result<web_sys::File, NotShared> {
    let signed = api.attachment_url(file.id, FileVariant::Original).await.map_err(|err| match err {
        ApiError::Network => NotShared::Offline,
        _ => NotShared::Failed,
    })?;
    let response = gloo_net::http::Request::get(&signed.url).send().await.map_err(|_| NotShared::Offline)?;
    let bytes = response.binary().await.map_err(|_| NotShared::Failed)?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let options = web_sys::FilePropertyBag::new();
    options.set_type(&file.content_type);
    web_sys::File::new_with_u8_array_sequence_and_options(&parts, &file.file_name, &options)
        .map_err(|_| NotShared::Failed)
}
