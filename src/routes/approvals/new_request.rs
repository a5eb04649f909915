//! A new request: the template's form, saved as a draft in the device store (per template, sealed
//! like the rest of the member's data) while the member types, checked with the protocol's
//! `validate` before sending, and the server's refusals shown beside the fields they name.
//! Sending needs the network.

use super::fields::field_view;
use crate::api::ApiError;
use crate::approval_drafts::{DraftSaver, load_draft};
use crate::approval_form::{RawForm, parse_server_errors, to_values};
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::state::{error_text, use_chat};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use weft_protocol::ErrorCode;
use weft_protocol::TemplateId;
use weft_protocol::approval::{FieldError, SubmitApprovalRequest, Template, validate};

#[component]
pub fn NewApprovalPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let template_id = Memo::new(move |_| params.with(|p| p.get("template").and_then(|t| t.parse::<TemplateId>().ok())));
    let template = RwSignal::new(None::<Template>);
    let draft = RwSignal::new(None::<RawForm>);
    let load_error = RwSignal::new(None::<Text>);
    let chat = use_chat();
    Effect::new(move |_| {
        draft.set(None);
        if let Some(id) = template_id.get() {
            spawn_local(async move {
                let loaded = load_draft(chat, id).await;
                // The member may have moved on to another form meanwhile.
                if template_id.get_untracked() == Some(id) {
                    draft.set(Some(loaded));
                }
            });
        }
    });
    Effect::new(move |_| {
        let Some(id) = template_id.get() else {
            load_error.set(Some(Text::ApprovalNotFound));
            return;
        };
        let Some(api) = session.0.with_untracked(|s| s.as_ref().map(|s| crate::api::Api::with_token(&s.token))) else {
            return;
        };
        spawn_local(async move {
            match api.approval_template(id).await {
                Ok(found) => template.set(Some(found)),
                Err(ApiError::Network) => load_error.set(Some(Text::ApprovalNeedsNetwork)),
                Err(error) => load_error.set(Some(error_text(&error))),
            }
        });
    });
    view! {
        <section class="conversation page" aria-labelledby="approval-new-title">
            <header class="conversation__header">
                <a class="back" href="/approvals" aria-label=i18n.t(Text::Back)>"‹"</a>
                <h2 id="approval-new-title">
                    {move || template.with(|t| t.as_ref().map(|t| t.spec.name.clone()))
                        .unwrap_or_else(|| Text::ApprovalNewRequest.in_lang(i18n.lang.get()).to_owned())}
                </h2>
            </header>
            <p class="form-error" role="alert">{move || load_error.get().map(|t| t.in_lang(i18n.lang.get()))}</p>
            {move || template.get().zip(draft.get()).map(|(t, d)| view! { <RequestForm template=t draft=d/> })}
        </section>
    }
}

#[component]
fn RequestForm(template: Template, draft: RawForm) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let raw = RwSignal::new(draft);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let form_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // One client id per form, so pressing twice never submits twice.
    let client_id = StoredValue::new(crate::platform::new_client_id());
    let saver = DraftSaver::new(use_chat(), template.id);
    // Saved once typing pauses (not when the form opens: nothing was typed yet), and at once when
    // the form closes.
    Effect::new(move |opened: Option<()>| {
        let form = raw.get();
        if opened.is_some() {
            saver.changed(form);
        }
    });
    on_cleanup(move || saver.save_now());
    let spec = StoredValue::new(template.spec.clone());
    let (id, version) = (template.id, template.version);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (values, mut found) = spec.with_value(|spec| raw.with_untracked(|r| to_values(&spec.controls, r, None)));
        if let Err(invalid) = spec.with_value(|spec| validate(spec, &values)) {
            let fresh: Vec<FieldError> = invalid
                .into_iter()
                .filter(|e| !found.iter().any(|f| f.control_id == e.control_id && f.row == e.row))
                .collect();
            found.extend(fresh);
        }
        errors.set(found.clone());
        if !found.is_empty() {
            form_error.set(Some(Text::ApprovalFixFields.in_lang(i18n.lang.get_untracked()).to_owned()));
            return;
        }
        form_error.set(None);
        let Some(api) = session.0.with_untracked(|s| s.as_ref().map(|s| crate::api::Api::with_token(&s.token))) else {
            return;
        };
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let request = SubmitApprovalRequest {
                client_id: client_id.get_value(),
                template_id: id,
                template_version: version,
                form: values,
            };
            let result = api.submit_approval(&request).await;
            busy.set(false);
            let lang = i18n.lang.get_untracked();
            match result {
                Ok(detail) => {
                    saver.discard();
                    navigate(&format!("/approvals/{}", detail.request.id), Default::default());
                }
                Err(ApiError::Network) => form_error.set(Some(Text::ApprovalNeedsNetwork.in_lang(lang).to_owned())),
                Err(ApiError::Server { body, .. }) if body.code == ErrorCode::InvalidField => {
                    match spec.with_value(|spec| parse_server_errors(&spec.controls, &body.message)) {
                        Some(found) => {
                            errors.set(found);
                            form_error.set(Some(Text::ApprovalFixFields.in_lang(lang).to_owned()));
                        }
                        None => form_error.set(Some(body.message)),
                    }
                }
                Err(ApiError::Server { body, .. }) if body.code == ErrorCode::Conflict => {
                    form_error.set(Some(body.message))
                }
                Err(error) => form_error.set(Some(error_text(&error).in_lang(lang).to_owned())),
            }
        });
    };
    let fields = template.spec.controls.iter().cloned().map(|control| field_view(control, raw, errors)).collect_view();
    view! {
        <form class="page__body approval-form" on:submit=submit novalidate=true>
            <p class="hint">{template.spec.description.clone()}</p>
            {fields}
            <p class="hint">{i18n.t(Text::ApprovalDraftKept)}</p>
            <p class="form-error" role="alert">{move || form_error.get()}</p>
            <button type="submit" class="primary" disabled=move || busy.get()>{i18n.t(Text::ApprovalSubmit)}</button>
        </form>
    }
}
