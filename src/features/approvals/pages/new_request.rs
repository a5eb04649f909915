//! A new request: the template's form, saved as a draft in the device store (per template, sealed
//! like the rest of the member's data) while the member types, checked with the protocol's
//! `validate` before sending, then queued in the outbox (sent at once when online, or when the
//! device is; it waits for files still uploading). The draft is deleted once the server has the
//! request; a refusal is shown beside the fields it names.

use super::fields::{FormSignals, field_view};
use crate::api::ApiError;
use crate::features::approvals::drafts::{DraftSaver, load_draft};
use crate::features::approvals::form::{RawForm, place_server_problems, to_values};
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;
use crate::sync::Connection;
use crate::sync::outbox::OutboxAction;
use crate::ui::failure::error_text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map};
use weft_protocol::approval::{FieldError, Template, validate};
use weft_protocol::{ClientId, TemplateId};

#[component]
pub fn NewApprovalPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let template_id = Memo::new(move |_| params.with(|p| p.get("template").and_then(|t| t.parse::<TemplateId>().ok())));
    let template = RwSignal::new(None::<Template>);
    let draft = RwSignal::new(None::<RawForm>);
    let load_error = RwSignal::new(None::<Text>);
    let app = use_app();
    Effect::new(move |_| {
        draft.set(None);
        if let Some(id) = template_id.get() {
            spawn_local(async move {
                let loaded = load_draft(app.sync, id).await;
                // The member may have moved on to another form meanwhile.
                if template_id.try_get_untracked() == Some(Some(id)) {
                    draft.try_set(Some(loaded));
                }
            });
        }
    });
    Effect::new(move |_| {
        let Some(id) = template_id.get() else {
            load_error.set(Some(Text::ApprovalNotFound));
            return;
        };
        spawn_local(async move {
            let result = app.approval_template(id).await;
            // The member may have left the page meanwhile.
            if template.is_disposed() {
                return;
            }
            match result {
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
    let navigate = use_navigate();
    let form = FormSignals::new(draft);
    let FormSignals { raw, errors, uploading } = form;
    let form_error = RwSignal::new(None::<String>);
    let app = use_app();
    let saver = DraftSaver::new(app.sync, template.id);
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
    let template_for_submit = StoredValue::new(template.clone());
    // A submission of this form the server refused: its reasons, beside the fields they name.
    let refused = app.pending_submissions().into_iter().find_map(|entry| match (&entry.action, entry.failed) {
        (OutboxAction::SubmitApproval { template_id, .. }, Some(reason)) if *template_id == template.id => {
            Some((entry.client_id, reason))
        }
        _ => None,
    });
    // The server's typed problems go beside the fields they name (the others above the form, in
    // the member's words); a typed reason is worded too; otherwise (after a reload, or from an
    // older server) its message is shown above the form.
    let show_refusal = move |client_id: &str, message: &str| {
        let lang = i18n.lang.get_untracked();
        let problems =
            app.approvals.form_problems.with_untracked(|all| all.get(client_id).cloned()).unwrap_or_default();
        if problems.is_empty() {
            let reason = app.approvals.refusals.with_untracked(|all| all.get(client_id).cloned());
            let worded = reason.and_then(|reason| crate::i18n::refusal_text(&reason, lang));
            form_error.set(Some(worded.unwrap_or_else(|| message.to_owned())));
            return;
        }
        let found = spec.with_value(|spec| place_server_problems(&spec.controls, &problems));
        let above: Vec<String> = found
            .elsewhere
            .iter()
            .map(|problem| crate::i18n::field_rule_text(&problem.rule, lang).unwrap_or_else(|| problem.to_string()))
            .collect();
        errors.set(found.placed);
        let fix = Text::ApprovalFixFields.in_lang(lang).to_owned();
        form_error.set(Some(std::iter::once(fix).chain(above).collect::<Vec<_>>().join(" ")));
    };
    if let Some((client_id, reason)) = refused {
        show_refusal(&client_id, &reason);
    }
    let sending = RwSignal::new(None::<ClientId>);
    let navigate_after = navigate.clone();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if uploading.get_untracked() > 0 {
            form_error.set(Some(Text::ApprovalWaitForUploads.in_lang(i18n.lang.get_untracked()).to_owned()));
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
        // Queued like a message: submitted now when online, or as soon as the device is. The
        // draft stays until the server has the request (a refusal is corrected from it).
        let client_id = app.submit_approval(&template_for_submit.get_value(), values);
        if app.sync.connection.get_untracked() == Connection::Online {
            sending.set(Some(client_id));
        } else {
            navigate("/approvals", Default::default());
        }
    };
    // Online, the form waits for the server: the new request opens once accepted; a refusal
    // puts its reasons beside the fields; if the network drops meanwhile it stays queued.
    {
        let navigate = navigate_after;
        Effect::new(move |_| {
            let Some(client_id) = sending.get() else { return };
            if let Some(request) = app.approvals.submitted.with(|all| all.get(&client_id).copied()) {
                sending.set(None);
                saver.discard();
                navigate(&format!("/approvals/{request}"), Default::default());
                return;
            }
            let key = client_id.to_string();
            let state =
                app.sync.outbox.with(|o| o.iter().find(|e| e.client_id == key).map(|e| (e.failed.clone(), e.attempts)));
            match state {
                Some((Some(reason), _)) => {
                    sending.set(None);
                    show_refusal(&key, &reason);
                }
                // The server could not be reached after all: it waits in the outbox, listed.
                Some((None, attempts)) if attempts > 0 => {
                    sending.set(None);
                    navigate("/approvals", Default::default());
                }
                _ => {}
            }
        });
    }
    let fields = template.spec.controls.iter().cloned().map(|control| field_view(control, form)).collect_view();
    view! {
        <form class="page__body approval-form" on:submit=submit novalidate=true>
            <p class="hint">{template.spec.description.clone()}</p>
            {fields}
            <p class="hint" role="status" data-testid="draft-state">
                {move || if saver.saved.get() { i18n.t(Text::ApprovalDraftSaved)() } else { i18n.t(Text::ApprovalDraftKept)() }}
            </p>
            <p class="form-error" role="alert">{move || form_error.get()}</p>
            <Show when=move || sending.with(Option::is_some)>
                <p class="hint" role="status">{i18n.t(Text::Sending)}</p>
            </Show>
            <button type="submit" class="primary" disabled=move || sending.with(Option::is_some)>{i18n.t(Text::ApprovalSubmit)}</button>
        </form>
    }
}
