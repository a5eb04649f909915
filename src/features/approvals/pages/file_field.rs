//! A File field of a request form: a labelled file input for several files (up to the protocol's
//! nine), each uploaded as soon as it is chosen (a fresh client id per file, the name made safe,
//! the size checked first) and then listed as a chip with its name, size and a remove button.
//! Problems (too large, empty, too many, no network, the server's refusal) show beside the field.
//! Offline the input is disabled with a note: files need the server, unlike the rest of a draft.

use super::fields::{FormSignals, Slot};
use crate::api::ApiError;
use crate::features::approvals::form::{FileProblem, RawFile, RawValue, check_file};
use crate::i18n::{Lang, Text, use_i18n};
use crate::state::use_app;
use crate::sync::Connection;
use crate::ui::attachment::human_size;
use crate::ui::failure::error_text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::AttachmentId;
use weft_protocol::chat::sanitize_file_name;

fn problem_text(problem: FileProblem) -> Text {
    match problem {
        FileProblem::Empty => Text::FileEmpty,
        FileProblem::TooLarge => Text::FileTooLarge,
        FileProblem::TooMany => Text::ApprovalTooManyFiles,
    }
}

fn upload_failure(error: &ApiError, lang: Lang) -> String {
    match error {
        ApiError::Network => Text::ApprovalUploadNetwork.in_lang(lang).to_owned(),
        ApiError::Server { body, .. } => body.message.clone(),
        other => error_text(other).in_lang(lang).to_owned(),
    }
}

/// The files a slot holds.
fn held(raw: &crate::features::approvals::form::RawForm, slot: &Slot) -> Vec<RawFile> {
    match slot.read(raw) {
        Some(RawValue::Files(files)) => files,
        _ => Vec::new(),
    }
}

/// A file on its way to the server: shown as a chip until the upload ends.
#[derive(Debug, Clone, PartialEq, Eq)]
struct InFlight {
    key: u64,
    name: String,
}

pub(super) fn file_field(slot: Slot, title: String, error_id: String, form: FormSignals) -> AnyView {
    let i18n = use_i18n();
    let app = use_app();
    let dom_id = slot.dom_id();
    let (note_id, problems_id) = (format!("{dom_id}-note"), format!("{dom_id}-problems"));
    let offline = move || app.sync.connection.get() == Connection::Offline;
    let in_flight = RwSignal::new(Vec::<InFlight>::new());
    let problems = RwSignal::new(Vec::<String>::new());
    let next_key = StoredValue::new(0u64);
    let files = {
        let slot = slot.clone();
        move || form.raw.with(|raw| held(raw, &slot))
    };

    let upload = {
        let slot = slot.clone();
        move |file: web_sys::File, name: String| {
            let Some(api) = app.sync.api() else { return };
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            in_flight.update(|list| list.push(InFlight { key, name: name.clone() }));
            form.uploading.update(|count| *count += 1);
            let slot = slot.clone();
            spawn_local(async move {
                let client_id = crate::platform::new_client_id().to_string();
                let result = api.upload(&client_id, &name, &file).await;
                form.uploading.try_update(|count| *count = count.saturating_sub(1));
                in_flight.try_update(|list| list.retain(|f| f.key != key));
                match result {
                    Ok(attachment) => {
                        form.raw.try_update(|raw| {
                            let mut files = held(raw, &slot);
                            files.push(RawFile::from(&attachment));
                            slot.write(raw, RawValue::Files(files));
                        });
                    }
                    Err(error) => {
                        app.on_error(&error);
                        let message = format!("{name}: {}", upload_failure(&error, i18n.lang.get_untracked()));
                        problems.try_update(|list| list.push(message));
                    }
                }
            });
        }
    };
    let choose = {
        let slot = slot.clone();
        move |ev: leptos::ev::Event| {
            let input = event_target::<web_sys::HtmlInputElement>(&ev);
            let Some(chosen) = input.files() else { return };
            let lang = i18n.lang.get_untracked();
            problems.set(Vec::new());
            for index in 0..chosen.length() {
                let Some(file) = chosen.get(index) else { continue };
                let name = sanitize_file_name(&file.name());
                let count = form.raw.with_untracked(|raw| held(raw, &slot).len()) + in_flight.with_untracked(Vec::len);
                match check_file(file.size() as u64, count) {
                    Ok(()) => upload(file, name),
                    Err(problem) => {
                        problems.update(|list| list.push(format!("{name}: {}", problem_text(problem).in_lang(lang))))
                    }
                }
            }
            input.set_value("");
        }
    };
    let remove = {
        let slot = slot.clone();
        move |id: AttachmentId| {
            form.raw.update(|raw| {
                let files = held(raw, &slot).into_iter().filter(|f| f.id != id).collect();
                slot.write(raw, RawValue::Files(files));
            })
        }
    };

    view! {
        <label for=dom_id.clone()>{title}</label>
        <input
            id=dom_id.clone()
            type="file"
            multiple=true
            disabled=offline
            on:change=choose
            aria-describedby=format!("{error_id} {problems_id} {note_id}")
        />
        <ul class="approval-files">
            <For each=files key=|file| file.id let:file>
                {
                    let (id, name, remove) = (file.id, file.name.clone(), remove.clone());
                    view! {
                        <li class="chip approval-files__file">
                            <bdi>{file.name.clone()}</bdi>" · "{human_size(file.size)}
                            <button type="button" class="link" on:click=move |_| remove(id)
                                aria-label=move || format!("{} {name}", Text::ApprovalRemoveFile.in_lang(i18n.lang.get()))>
                                "×"
                            </button>
                        </li>
                    }
                }
            </For>
            <For each=move || in_flight.get() key=|file| file.key let:file>
                <li class="chip approval-files__file" aria-busy="true">
                    <bdi>{file.name.clone()}</bdi>" · "{i18n.t(Text::ApprovalUploading)}
                </li>
            </For>
        </ul>
        <p class="field-error" id=problems_id role="alert">{move || problems.get().join(" ")}</p>
        <p class="hint" id=note_id>{move || offline().then(|| i18n.t(Text::ApprovalFilesOffline)())}</p>
    }
    .into_any()
}
