//! The in-app viewer of a confidential chat's files: an image at full size, or a PDF page by
//! page, each drawn by the server with the viewer's invisible mark. It fills the confidential
//! view (inside its content, so the watermark stays on top) and offers no download, no link out
//! and nothing to drag; Close or Esc puts focus back on the file that opened it.

use crate::api::ApiError;
use crate::i18n::confidential::{Ct, page_of};
use crate::i18n::{Text, use_i18n};
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::ConversationId;
use weft_protocol::chat::{Attachment, FileVariant, SignedUrl};

/// The file open in the viewer of the confidential view on screen, and what opened it.
#[derive(Clone, Copy)]
pub struct FileViewer {
    opened: RwSignal<Option<Attachment>>,
    opener: StoredValue<Option<web_sys::HtmlElement>, LocalStorage>,
    /// The content beside the open dialog, made inert so focus stays in the dialog.
    background: StoredValue<Vec<web_sys::Element>, LocalStorage>,
}

impl FileViewer {
    /// Provides a closed viewer below the confidential view; it closes when `conversation`
    /// changes.
    pub fn provide(conversation: Memo<Option<ConversationId>>) -> Self {
        let viewer = Self {
            opened: RwSignal::new(None),
            opener: StoredValue::new_local(None),
            background: StoredValue::new_local(Vec::new()),
        };
        provide_context(viewer);
        Effect::new(move |before: Option<Option<ConversationId>>| {
            let now = conversation.get();
            if before.is_some_and(|before| before != now) {
                viewer.opened.set(None);
                viewer.opener.set_value(None);
            }
            now
        });
        viewer
    }

    /// Shows `file`; `opener` gets the focus back when the viewer closes.
    pub fn open(self, file: Attachment, opener: Option<web_sys::HtmlElement>) {
        self.opener.set_value(opener);
        self.opened.set(Some(file));
    }

    /// Closes the viewer and puts focus back on what opened it.
    pub fn close(self) {
        self.release_background();
        self.opened.set(None);
        if let Some(opener) = self.opener.try_update_value(Option::take).flatten() {
            let _ = opener.focus();
        }
    }

    /// Makes the siblings of `dialog` inert while it is open.
    fn hold_background(self, dialog: &web_sys::Element) {
        self.release_background();
        let Some(parent) = dialog.parent_element() else { return };
        let siblings = parent.children();
        let held: Vec<web_sys::Element> = (0..siblings.length())
            .filter_map(|i| siblings.item(i))
            .filter(|sibling| sibling != dialog && !sibling.has_attribute("inert"))
            .collect();
        for sibling in &held {
            let _ = sibling.set_attribute("inert", "");
        }
        self.background.set_value(held);
    }

    /// Gives the content beside the dialog back (before focus returns to the opener there).
    fn release_background(self) {
        for sibling in self.background.try_update_value(std::mem::take).unwrap_or_default() {
            let _ = sibling.remove_attribute("inert");
        }
    }

    /// The file shown, if any (tracked).
    pub fn opened(self) -> Option<Attachment> {
        self.opened.get()
    }
}

/// The viewer of the confidential view around the caller, if there is one.
pub fn use_file_viewer() -> Option<FileViewer> {
    use_context::<FileViewer>()
}

/// Which page of a PDF is shown, of how many (pages count from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageCursor {
    pub page: u32,
    pub pages: u32,
}

impl PageCursor {
    /// The first page of `pages` (a PDF has at least one).
    pub fn first(pages: u32) -> Self {
        Self { page: 1, pages: pages.max(1) }
    }

    pub fn has_previous(self) -> bool {
        self.page > 1
    }

    pub fn has_next(self) -> bool {
        self.page < self.pages
    }

    /// The page before, or this one on the first page.
    pub fn previous(self) -> Self {
        Self { page: self.page.saturating_sub(1).max(1), ..self }
    }

    /// The page after, or this one on the last page.
    pub fn next(self) -> Self {
        Self { page: (self.page + 1).min(self.pages), ..self }
    }
}

/// What the viewer's body shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    Loading,
    Picture(String),
    /// No answer from the server: the viewer needs the network.
    Offline,
    /// The server refused or failed; its explanation when it gave one.
    Failed(Option<String>),
}

impl Shown {
    fn from_error(err: &ApiError) -> Self {
        match err {
            ApiError::Network => Self::Offline,
            ApiError::Server { body, .. } => Self::Failed(Some(body.message.clone())),
            ApiError::Decode(_) => Self::Failed(None),
        }
    }
}

/// Where the confidential view's content puts the viewer: the open file's dialog, or nothing.
#[component]
pub fn FileViewerPanel() -> impl IntoView {
    let Some(viewer) = use_file_viewer() else {
        leptos::logging::error!("FileViewerPanel needs FileViewer::provide in the confidential view");
        return ().into_any();
    };
    let confidential = super::view::use_confidential();
    let shown = move || viewer.opened().filter(|_| confidential.with(Option::is_some));
    (move || shown().map(|file| view! { <ViewerDialog file=file viewer=viewer/> })).into_any()
}

#[component]
fn ViewerDialog(file: Attachment, viewer: FileViewer) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let pdf = file.is_pdf();
    let id = file.id;
    let shown = RwSignal::new(Shown::Loading);
    let cursor = RwSignal::new(None::<PageCursor>);
    let close_button = NodeRef::<leptos::html::Button>::new();
    let dialog = NodeRef::<leptos::html::Div>::new();

    // A page's answer counts only while that page is still the one asked for.
    let settle = move |page: Option<u32>, answer: Result<SignedUrl, ApiError>| {
        if page.is_some() && cursor.try_get_untracked().flatten().map(|c| c.page) != page {
            return;
        }
        shown.try_set(match answer {
            Ok(signed) => Shown::Picture(signed.url),
            Err(err) => Shown::from_error(&err),
        });
    };
    let api = sync.api();
    if api.is_none() {
        shown.set(Shown::Offline);
    }
    if let Some(api) = api.clone().filter(|_| pdf) {
        let counting = api.clone();
        spawn_local(async move {
            match counting.pdf_pages(id).await {
                Ok(pages) => {
                    cursor.try_set(Some(PageCursor::first(pages.pages)));
                }
                Err(err) => {
                    shown.try_set(Shown::from_error(&err));
                }
            }
        });
        Effect::new(move |_| {
            let Some(page) = cursor.get().map(|c| c.page) else { return };
            shown.set(Shown::Loading);
            let api = api.clone();
            spawn_local(async move { settle(Some(page), api.pdf_page_url(id, page).await) });
        });
    } else if let Some(api) = api {
        spawn_local(async move { settle(None, api.attachment_url(id, FileVariant::Original).await) });
    }

    // Esc closes; PageUp/PageDown and the left and right arrows turn a PDF's pages.
    let closing = window_event_listener(leptos::ev::keydown, move |ev| {
        let turned = |at: PageCursor| match ev.key().as_str() {
            "ArrowLeft" | "PageUp" => Some(at.previous()),
            "ArrowRight" | "PageDown" => Some(at.next()),
            _ => None,
        };
        if ev.key() == "Escape" {
            ev.prevent_default();
            viewer.close();
        } else if let Some(next) = cursor.get_untracked().and_then(turned) {
            ev.prevent_default();
            if cursor.get_untracked() != Some(next) {
                cursor.set(Some(next));
            }
        }
    });
    on_cleanup(move || {
        closing.remove();
        viewer.release_background();
    });
    Effect::new(move |_| {
        if let Some(element) = dialog.get() {
            viewer.hold_background(&element);
        }
        if let Some(button) = close_button.get() {
            let _ = button.focus();
        }
    });

    let name = file.file_name.clone();
    let (alt, dialog_label) = (name.clone(), name.clone());
    let body = move || match shown.get() {
        Shown::Loading => view! { <p class="hint" role="status">{i18n.c(Ct::ViewerLoading)}</p> }.into_any(),
        Shown::Offline => view! { <p class="hint" role="status">{i18n.t(Text::NeedsNetwork)}</p> }.into_any(),
        Shown::Failed(message) => view! {
            <p class="hint" role="status">{i18n.c(Ct::ViewerFailed)}" "{message}</p>
        }
        .into_any(),
        Shown::Picture(src) => view! {
            <img class="file-viewer__picture" src=src alt=alt.clone() draggable="false"
                on:error=move |_| shown.set(Shown::Offline)/>
        }
        .into_any(),
    };
    let pages = move || {
        cursor.get().map(|at| {
            view! {
                <button type="button" disabled=!at.has_previous() on:click=move |_| cursor.set(Some(at.previous()))>
                    {i18n.c(Ct::PreviousPage)}
                </button>
                <span class="file-viewer__page" aria-live="polite">{move || page_of(at.page, at.pages, i18n.lang.get())}</span>
                <button type="button" disabled=!at.has_next() on:click=move |_| cursor.set(Some(at.next()))>
                    {i18n.c(Ct::NextPage)}
                </button>
            }
        })
    };
    view! {
        <div class="file-viewer" class:file-viewer--pdf=pdf role="dialog" aria-modal="true" aria-label=dialog_label node_ref=dialog>
            <div class="file-viewer__bar">
                <span class="file-viewer__name">{name}</span>
                {pages}
                <button type="button" node_ref=close_button on:click=move |_| viewer.close()>
                    {i18n.c(Ct::ViewerClose)}
                </button>
            </div>
            <div class="file-viewer__body">{body}</div>
        </div>
    }
}
