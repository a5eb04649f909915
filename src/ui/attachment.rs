//! A file in a message: images as their server-made thumbnail (sized from the metadata, so the
//! timeline does not jump) linking to the full image, other files as a download link. The bytes
//! come through short-lived signed links fetched when shown and fetched again before a stale one
//! is followed; offline (or when a link cannot be had), the file name and size stay visible.

use crate::features::confidential::viewer::use_file_viewer;
use crate::i18n::confidential::open_file_label;
use crate::i18n::{Text, use_i18n};
use crate::platform::now_millis;
use crate::sync::{SyncState, use_sync};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use weft_protocol::AttachmentId;
use weft_protocol::chat::{Attachment, FileVariant, SignedUrl};

/// A link counts as stale this long before it expires (time to click it and load the file).
const STALE_BEFORE_MS: i64 = 30_000;

/// "12.3 KB", "4.0 MB": sizes for people.
pub fn human_size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1_000.0),
        _ => format!("{:.1} MB", bytes as f64 / 1_000_000.0),
    }
}

/// A signed link to one variant of a file, fetched when created.
#[derive(Clone, Copy)]
struct Link {
    sync: SyncState,
    id: AttachmentId,
    variant: FileVariant,
    signed: RwSignal<Option<SignedUrl>>,
}

impl Link {
    fn new(sync: SyncState, id: AttachmentId, variant: FileVariant) -> Self {
        let link = Self { sync, id, variant, signed: RwSignal::new(None) };
        link.fetch();
        link
    }

    fn fetch(self) {
        spawn_local(async move {
            if let Some(api) = self.sync.api()
                && let Ok(signed) = api.attachment_url(self.id, self.variant).await
            {
                self.signed.set(Some(signed));
            }
        });
    }

    fn url(self) -> Option<String> {
        self.signed.with(|signed| signed.as_ref().map(|s| s.url.clone()))
    }

    /// Called when the pointer or focus reaches the link: a fresh one replaces a stale one.
    fn refresh_if_stale(self) {
        let stale = self
            .signed
            .with_untracked(|signed| signed.as_ref().is_none_or(|s| s.expires_at - now_millis() < STALE_BEFORE_MS));
        if stale {
            self.fetch();
        }
    }
}

#[component]
pub fn AttachmentView(
    file: Attachment,
    /// In a confidential chat: images show inside the watermarked view with no link out; other
    /// files are not offered at all.
    #[prop(optional)]
    confidential: bool,
) -> impl IntoView {
    let sync = use_sync();
    let i18n = use_i18n();
    if confidential {
        return confidential_view(sync, file).into_any();
    }
    let original = Link::new(sync, file.id, FileVariant::Original);
    let label = format!("📎 {} ({})", file.file_name, human_size(file.size));
    let name = file.file_name.clone();
    match (file.is_image(), file.thumbnail) {
        (true, Some(size)) => {
            let thumbnail = Link::new(sync, file.id, FileVariant::Thumbnail);
            let open_label = {
                let name = name.clone();
                move || format!("{}: {name}", i18n.t(Text::OpenFullImage)())
            };
            view! {
                <div class="message__file">
                    <a
                        class="message__image-link"
                        href=move || original.url()
                        target="_blank"
                        rel="noopener"
                        aria-label=open_label
                        title=i18n.t(Text::OpenFullImage)
                        on:pointerenter=move |_| original.refresh_if_stale()
                        on:focus=move |_| original.refresh_if_stale()
                    >
                        {move || match thumbnail.url() {
                            Some(src) => view! {
                                <img class="message__image message__image--thumb" src=src alt=name.clone()
                                    width=size.width height=size.height loading="lazy"/>
                            }
                            .into_any(),
                            // Same box as the picture, so nothing moves when it arrives.
                            None => view! {
                                <span class="message__image message__image--thumb message__image--pending"
                                    style:width=format!("{}px", size.width)
                                    style:aspect-ratio=format!("{} / {}", size.width, size.height)>
                                    {label.clone()}
                                </span>
                            }
                            .into_any(),
                        }}
                    </a>
                </div>
            }
            .into_any()
        }
        // Images stored before thumbnails existed, or that the server could not decode.
        (true, None) => view! {
            <div class="message__file">
                {move || match original.url() {
                    Some(src) => view! { <img class="message__image" src=src alt=name.clone() loading="lazy"/> }.into_any(),
                    None => view! { <span class="hint">{label.clone()}</span> }.into_any(),
                }}
            </div>
        }
        .into_any(),
        // The link stays one element while its address is refreshed, so a click is never lost.
        (false, _) => view! {
            <div class="message__file">
                <a
                    href=move || original.url()
                    class:hint=move || original.signed.with(Option::is_none)
                    download=name
                    on:pointerenter=move |_| original.refresh_if_stale()
                    on:focus=move |_| original.refresh_if_stale()
                >
                    {label}
                </a>
            </div>
        }
        .into_any(),
    }
}

/// A file of a confidential chat: an image is shown (the server serves a copy carrying the
/// viewer's invisible mark) with no link to open or save it, and opens in the confidential view's
/// viewer at full size; a PDF opens there page by page; other files are refused.
fn confidential_view(sync: SyncState, file: Attachment) -> impl IntoView {
    let i18n = use_i18n();
    let label = format!("📎 {} ({})", file.file_name, human_size(file.size));
    let viewer = use_file_viewer();
    let opens = viewer.is_some() && (file.is_image() || file.is_pdf());
    let open_label = {
        let (pdf, name) = (file.is_pdf(), file.file_name.clone());
        move || open_file_label(pdf, &name, i18n.lang.get())
    };
    let open = {
        let file = file.clone();
        move |ev: web_sys::MouseEvent| {
            if let Some(viewer) = viewer {
                let opener = ev.current_target().and_then(|target| target.dyn_into::<web_sys::HtmlElement>().ok());
                viewer.open(file.clone(), opener);
            }
        }
    };
    if file.is_pdf() && opens {
        return view! {
            <div class="message__file">
                <button type="button" class="message__file-open" aria-label=open_label on:click=open>{label}</button>
            </div>
        }
        .into_any();
    }
    if !file.is_image() {
        return view! {
            <div class="message__file message__file--refused">
                <span class="hint">{label}</span>" "
                <span class="hint">{move || crate::i18n::confidential::Ct::FileRefused.in_lang(i18n.lang.get())}</span>
            </div>
        }
        .into_any();
    }
    let variant = if file.thumbnail.is_some() { FileVariant::Thumbnail } else { FileVariant::Original };
    let link = Link::new(sync, file.id, variant);
    let name = file.file_name.clone();
    let picture = move || match link.url() {
        Some(src) => view! { <img class="message__image" src=src alt=name.clone() draggable="false"/> }.into_any(),
        None => view! { <span class="hint">{label.clone()}</span> }.into_any(),
    };
    if opens {
        view! {
            <div class="message__file">
                <button type="button" class="message__image-open" aria-label=open_label on:click=open>{picture}</button>
            </div>
        }
        .into_any()
    } else {
        view! { <div class="message__file">{picture}</div> }.into_any()
    }
}
