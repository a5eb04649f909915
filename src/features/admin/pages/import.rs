//! The CSV page: download the template or the export, choose a file, see the server's dry run —
//! every bad row (row, column, problem), or what the import would do — and only then import it.
//! The file is read once, so what is imported is exactly what was checked.

use crate::features::admin::api::ImportAnswer;
use crate::features::admin::components::NoticeLine;
use crate::features::admin::model::Notice;
use crate::features::admin::state::use_admin;
use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use weft_protocol::directory::{CsvImportError, ImportSummary};

/// The chosen file's bytes and name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Chosen {
    name: String,
    bytes: Vec<u8>,
}

/// What the page knows about the chosen file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Preview {
    Checking,
    Refused(CsvImportError),
    Ready(ImportSummary),
    Imported(ImportSummary),
}

/// Hands text to the browser as a file download (a Blob URL on a temporary link).
fn save_file(name: &str, text: &str) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(name);
    link.click();
    web_sys::Url::revoke_object_url(&url)
}

/// Reads a chosen file's bytes.
async fn read(file: web_sys::File) -> Option<Chosen> {
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await.ok()?;
    Some(Chosen { name: file.name(), bytes: js_sys::Uint8Array::new(&buffer).to_vec() })
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let chosen = RwSignal::new(None::<Chosen>);
    let preview = RwSignal::new(None::<Preview>);
    let notice = RwSignal::new(None::<Notice>);

    let download = move |path: &'static str, name: &'static str| {
        let Some(api) = admin.api() else { return };
        notice.set(None);
        spawn_local(async move {
            match api.download_text(path).await {
                Ok(text) => {
                    if save_file(name, &text).is_err() {
                        notice.set(Some(Notice::Text(Text::ErrorServer)));
                    }
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    // Sends the chosen file: as a dry run first, for real once the administrator confirms.
    let send = move |dry_run: bool| {
        let (Some(api), Some(file)) = (admin.api(), chosen.get_untracked()) else { return };
        notice.set(None);
        if dry_run {
            preview.set(Some(Preview::Checking));
        }
        spawn_local(async move {
            match api.import_members(&file.bytes, dry_run).await {
                Ok(ImportAnswer::Refused(refused)) => preview.set(Some(Preview::Refused(refused))),
                Ok(ImportAnswer::Accepted(summary)) if dry_run => preview.set(Some(Preview::Ready(summary))),
                Ok(ImportAnswer::Accepted(summary)) => {
                    preview.set(Some(Preview::Imported(summary)));
                    chosen.set(None);
                    admin.reload();
                }
                Err(error) => {
                    // Keep the file and its preview: the administrator retries when connected.
                    if dry_run {
                        preview.set(None);
                    }
                    notice.set(Some(Notice::of(&error)));
                }
            }
        });
    };
    let choose = move |event: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = event.target().and_then(|t| t.dyn_into().ok());
        let Some(file) = input.as_ref().and_then(|i| i.files()).and_then(|files| files.get(0)) else { return };
        if let Some(input) = input {
            // The same file chosen again after a fix still counts as a change.
            input.set_value("");
        }
        preview.set(None);
        spawn_local(async move {
            chosen.set(read(file).await);
            send(true);
        });
    };

    let summary_text = move |summary: &ImportSummary| {
        let lang = i18n.lang.get();
        format!(
            "{} {} · {} {} · {} {}",
            summary.created,
            Text::AdminCreated.in_lang(lang),
            summary.updated,
            Text::AdminUpdated.in_lang(lang),
            summary.unchanged,
            Text::AdminUnchanged.in_lang(lang)
        )
    };

    view! {
        <section class="admin-section" aria-labelledby="import-title">
            <h2 id="import-title">{i18n.t(Text::AdminImport)}</h2>
            <p class="hint">{i18n.t(Text::AdminImportHelp)}</p>
            <div class="inline-form">
                <button type="button" on:click=move |_| download("/admin/members/template.csv", "members-template.csv")>
                    {i18n.t(Text::AdminDownloadTemplate)}
                </button>
                <button type="button" on:click=move |_| download("/admin/members.csv", "members.csv")>
                    {i18n.t(Text::AdminExport)}
                </button>
            </div>
            <label for="import-file">{i18n.t(Text::AdminCsvFile)}</label>
            <input id="import-file" type="file" accept=".csv,text/csv" on:change=choose/>
            <p class="hint">{move || chosen.get().map(|c| c.name)}</p>
            <NoticeLine notice=notice/>
            {move || match preview.get() {
                None => ().into_any(),
                Some(Preview::Checking) => view! { <p class="hint" role="status">{i18n.t(Text::AdminChecking)}</p> }.into_any(),
                Some(Preview::Refused(refused)) => view! {
                    <p class="form-error" role="alert">
                        {format!("{} {}", Text::AdminRowsWithProblems.in_lang(i18n.lang.get()), refused.errors.len())}
                    </p>
                    <table class="admin-table">
                        <caption>{i18n.t(Text::AdminProblemsInFile)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{i18n.t(Text::AdminRow)}</th>
                                <th scope="col">{i18n.t(Text::AdminColumn)}</th>
                                <th scope="col">{i18n.t(Text::AdminProblem)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {refused.errors.into_iter().map(|e| view! {
                                <tr><td>{e.row}</td><td>{e.field}</td><td>{e.message}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                Some(Preview::Ready(summary)) => {
                    let count = summary.created + summary.updated;
                    view! {
                        <div role="status" class="import-preview">
                            <h3>{i18n.t(Text::AdminPreview)}</h3>
                            <p>{summary_text(&summary)}</p>
                        </div>
                        <button type="button" class="primary" disabled=count == 0 on:click=move |_| send(false)>
                            {move || format!("{} {count} {}", Text::AdminImportVerb.in_lang(i18n.lang.get()), Text::AdminMembersNoun.in_lang(i18n.lang.get()))}
                        </button>
                    }.into_any()
                }
                Some(Preview::Imported(summary)) => view! {
                    <div role="status" class="import-preview">
                        <h3>{i18n.t(Text::AdminImported)}</h3>
                        <p>{summary_text(&summary)}</p>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
