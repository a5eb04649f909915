//! A file in a message: images inline, other files as a download link. The bytes come through a
//! short-lived signed link fetched when shown; offline (or when the link cannot be had), the file
//! name and size stay visible.

use crate::state::use_chat;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::chat::Attachment;

/// "12.3 KB", "4.0 MB": sizes for people.
pub fn human_size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1_000.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
    }
}

#[component]
pub fn AttachmentView(file: Attachment) -> impl IntoView {
    let chat = use_chat();
    let url = RwSignal::new(None::<String>);
    let id = file.id;
    spawn_local(async move {
        if let Some(api) = chat.api()
            && let Ok(signed) = api.attachment_url(id).await
        {
            url.set(Some(signed.url));
        }
    });
    let label = format!("📎 {} ({})", file.file_name, human_size(file.size));
    let name = file.file_name.clone();
    if file.is_image() {
        view! {
            <div class="message__file">
                {move || match url.get() {
                    Some(src) => view! { <img class="message__image" src=src alt=name.clone() loading="lazy"/> }.into_any(),
                    None => view! { <span class="hint">{label.clone()}</span> }.into_any(),
                }}
            </div>
        }
        .into_any()
    } else {
        view! {
            <div class="message__file">
                {move || match url.get() {
                    Some(href) => view! { <a href=href download=name.clone()>{label.clone()}</a> }.into_any(),
                    None => view! { <span class="hint">{label.clone()}</span> }.into_any(),
                }}
            </div>
        }
        .into_any()
    }
}
