//! `/admin/integrations`: the corp id (with Copy), the apps in a table, and one form that makes a
//! new app or, after Edit, changes one (name, scopes, allowed addresses). A new app and a new
//! secret show the secret this once, with Copy. Disabling an app ends its tokens; the server
//! checks everything again and records each change in the audit log.

use super::super::components::{ChoiceBoxes, ConfirmButton, NoticeLine};
use super::super::model::Notice;
use super::super::state::use_admin;
use super::webhooks::WebhooksSection;
use crate::i18n::integrations::{It, scope_text};
use crate::i18n::{Text, use_i18n};
use crate::platform::{copy_to_clipboard, date_time};
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::integration::{
    IntegrationApp, IntegrationAppSettings, IntegrationApps, IntegrationScope, IntegrationSecret, MAX_APP_NAME_CHARS,
};

const SCOPES: [IntegrationScope; 4] = [
    IntegrationScope::DirectoryRead,
    IntegrationScope::DirectoryWrite,
    IntegrationScope::Messages,
    IntegrationScope::Approvals,
];

/// The addresses typed one per line (or separated by commas), blanks dropped.
fn addresses(text: &str) -> Vec<String> {
    text.split(['\n', ',']).map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect()
}

#[component]
pub fn IntegrationAppsPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let listing = RwSignal::new(None::<IntegrationApps>);
    let notice = RwSignal::new(None::<Notice>);
    let status = RwSignal::new(None::<Notice>);
    // The form: making an app, or changing the one being edited.
    let editing = RwSignal::new(None::<IntegrationApp>);
    let name = RwSignal::new(String::new());
    let name_problem = RwSignal::new(None::<It>);
    let scopes = RwSignal::new(Vec::<IntegrationScope>::new());
    let scopes_problem = RwSignal::new(None::<It>);
    let allowed = RwSignal::new(String::new());
    let secret = RwSignal::new(None::<IntegrationSecret>);
    let copied = RwSignal::new(false);
    let rotating = RwSignal::new(None::<u32>);

    let load = move || {
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            match api.integration_apps().await {
                Ok(list) => listing.set(Some(list)),
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    load();
    let reset_form = move || {
        editing.set(None);
        name.set(String::new());
        scopes.set(Vec::new());
        allowed.set(String::new());
        name_problem.set(None);
        scopes_problem.set(None);
    };
    let start_edit = move |app: IntegrationApp| {
        name.set(app.name.clone());
        scopes.set(app.scopes.clone());
        allowed.set(app.allowed_ips.join("\n"));
        editing.set(Some(app));
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        status.set(None);
        let wanted = name.get_untracked().trim().to_owned();
        name_problem.set((wanted.is_empty() || wanted.chars().count() > MAX_APP_NAME_CHARS).then_some(It::NameEmpty));
        scopes_problem.set(scopes.with_untracked(Vec::is_empty).then_some(It::ScopesEmpty));
        if name_problem.get_untracked().is_some() || scopes_problem.get_untracked().is_some() {
            return;
        }
        let enabled = editing.with_untracked(|e| e.as_ref().is_none_or(|app| app.enabled));
        let settings = IntegrationAppSettings {
            name: wanted,
            scopes: scopes.get_untracked(),
            allowed_ips: addresses(&allowed.get_untracked()),
            enabled,
        };
        let Some(api) = admin.api() else { return };
        let agent = editing.with_untracked(|e| e.as_ref().map(|app| app.agent_id));
        spawn_local(async move {
            let outcome = match agent {
                Some(agent) => api.update_integration_app(agent, &settings).await.map(|_| None),
                None => api.create_integration_app(&settings).await.map(Some),
            };
            match outcome {
                Ok(made) => {
                    copied.set(false);
                    if made.is_none() {
                        status.set(Some(Notice::Text(Text::AdminSaved)));
                    }
                    secret.set(made);
                    reset_form();
                    load();
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let set_enabled = move |app: IntegrationApp, enabled: bool| {
        let Some(api) = admin.api() else { return };
        let settings =
            IntegrationAppSettings { name: app.name, scopes: app.scopes, allowed_ips: app.allowed_ips, enabled };
        spawn_local(async move {
            match api.update_integration_app(app.agent_id, &settings).await {
                Ok(_) => load(),
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let rotate = move |agent: u32| {
        rotating.set(None);
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            match api.rotate_integration_secret(agent).await {
                Ok(made) => {
                    copied.set(false);
                    secret.set(Some(made));
                    load();
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let copy = move |text: String| spawn_local(async move { copied.set(copy_to_clipboard(&text).await) });

    view! {
        <section class="admin-section" aria-labelledby="integrations-title">
            <h2 id="integrations-title">{i18n.integ(It::Title)}</h2>
            <p class="hint">{i18n.integ(It::Intro)}</p>
            <p class="hint">
                <a href="/api/reference" rel="external" target="_blank">{i18n.integ(It::ApiReference)}</a>
                " — "{i18n.integ(It::ApiReferenceHint)}
            </p>
            <NoticeLine notice=notice/>
            <NoticeLine notice=status status=true/>
            {move || listing.get().map(|list| {
                let corp = list.corp_id.clone();
                view! {
                    <p class="integration-corp">
                        {i18n.integ(It::CorpId)}": "<code data-testid="corp-id">{list.corp_id.clone()}</code>" "
                        <button type="button" on:click=move |_| copy(corp.clone())>{i18n.integ(It::Copy)}</button>
                    </p>
                }
            })}
            <Show when=move || secret.with(Option::is_some)>
                <div class="kiosk-created" role="status" aria-labelledby="secret-title">
                    <h3 id="secret-title">
                        {move || secret.with(|s| s.as_ref().map(|s| format!("{} {} ({})", It::SecretFor.in_lang(i18n.lang.get()), s.app.name, s.app.agent_id)))}
                    </h3>
                    <p>{i18n.integ(It::SecretOnce)}</p>
                    <p>
                        <code data-testid="integration-secret">{move || secret.with(|s| s.as_ref().map(|s| s.secret.clone()))}</code>" "
                        <button type="button" on:click=move |_| copy(secret.with_untracked(|s| s.as_ref().map(|s| s.secret.clone()).unwrap_or_default()))>
                            {i18n.integ(It::Copy)}
                        </button>
                        <Show when=move || copied.get()>" "<span>{i18n.integ(It::Copied)}</span></Show>
                    </p>
                </div>
            </Show>
            <form class="integration-form" on:submit=submit novalidate=true aria-labelledby="integration-form-title">
                <h3 id="integration-form-title">
                    {move || if editing.with(Option::is_some) { i18n.integ(It::EditApp)() } else { i18n.integ(It::NewApp)() }}
                </h3>
                <label for="integration-name">{i18n.integ(It::Name)}</label>
                <input
                    id="integration-name"
                    maxlength=MAX_APP_NAME_CHARS.to_string()
                    aria-invalid=move || name_problem.with(Option::is_some).to_string()
                    aria-describedby="integration-name-error"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <p class="field-error" id="integration-name-error">{move || name_problem.get().map(|p| p.in_lang(i18n.lang.get()))}</p>
                <fieldset aria-describedby="integration-scopes-error">
                    <legend>{i18n.integ(It::Scopes)}</legend>
                    <ChoiceBoxes choices=SCOPES.to_vec() chosen=scopes label=scope_text/>
                    <p class="field-error" id="integration-scopes-error">{move || scopes_problem.get().map(|p| p.in_lang(i18n.lang.get()))}</p>
                </fieldset>
                <label for="integration-ips">{i18n.integ(It::AllowedAddresses)}</label>
                <textarea
                    id="integration-ips"
                    rows="2"
                    aria-describedby="integration-ips-hint"
                    prop:value=move || allowed.get()
                    on:input=move |ev| allowed.set(event_target_value(&ev))
                ></textarea>
                <p class="hint" id="integration-ips-hint">{i18n.integ(It::AllowedHint)}</p>
                <div class="form-actions">
                    <button type="submit" class="primary">
                        {move || if editing.with(Option::is_some) { i18n.integ(It::Save)() } else { i18n.integ(It::Create)() }}
                    </button>
                    <Show when=move || editing.with(Option::is_some)>
                        <button type="button" on:click=move |_| reset_form()>{i18n.integ(It::CancelEdit)}</button>
                    </Show>
                </div>
            </form>
            <Show
                when=move || listing.with(|l| l.as_ref().is_some_and(|l| !l.apps.is_empty()))
                fallback=move || view! { <p class="hint">{move || listing.with(Option::is_some).then(|| i18n.integ(It::NoApps)())}</p> }
            >
                <div class="table-scroll" role="region" tabindex="0" aria-label=i18n.integ(It::Title)>
                <table class="admin-table">
                    <caption class="visually-hidden">{i18n.integ(It::Title)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{i18n.integ(It::Name)}</th>
                            <th scope="col">{i18n.integ(It::AgentId)}</th>
                            <th scope="col">{i18n.integ(It::Scopes)}</th>
                            <th scope="col">{i18n.integ(It::AllowedAddresses)}</th>
                            <th scope="col">{i18n.integ(It::LastUsed)}</th>
                            <th scope="col">{i18n.integ(It::Status)}</th>
                            <th scope="col">{i18n.integ(It::Actions)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || listing.get().map(|l| l.apps).unwrap_or_default()
                            key=|app| (app.agent_id, app.name.clone(), app.enabled, app.scopes.clone(), app.allowed_ips.clone(), app.last_used_at, app.secret_rotated_at)
                            children=move |app: IntegrationApp| {
                                let agent = app.agent_id;
                                let (for_edit, for_toggle) = (app.clone(), app.clone());
                                let label = app.name.clone();
                                let scopes_shown = app.scopes.clone();
                                let enabled = app.enabled;
                                view! {
                                    <tr class:member--disabled=!enabled>
                                        <th scope="row"><bdi>{app.name.clone()}</bdi></th>
                                        <td>{agent}</td>
                                        <td>{move || scopes_shown.iter().map(|s| scope_text(*s, i18n.lang.get())).collect::<Vec<_>>().join("、")}</td>
                                        <td>{if app.allowed_ips.is_empty() { None } else { Some(app.allowed_ips.join(", ")) }.unwrap_or_else(|| It::AnyAddress.in_lang(i18n.lang.get_untracked()).to_owned())}</td>
                                        <td>{app.last_used_at.map(date_time).unwrap_or_else(|| It::Never.in_lang(i18n.lang.get_untracked()).to_owned())}</td>
                                        <td>{move || if enabled { i18n.integ(It::Enabled)() } else { i18n.integ(It::Disabled)() }}</td>
                                        <td class="admin-table__actions">
                                            <button type="button" class="link" aria-label=format!("{} {label}", It::Edit.in_lang(i18n.lang.get_untracked())) on:click=move |_| start_edit(for_edit.clone())>
                                                {i18n.integ(It::Edit)}
                                            </button>
                                            <button type="button" class="link" on:click=move |_| set_enabled(for_toggle.clone(), !enabled)>
                                                {move || if enabled { i18n.integ(It::Disable)() } else { i18n.integ(It::Enable)() }}
                                            </button>
                                            <ConfirmButton
                                                confirming=Signal::derive(move || rotating.get() == Some(agent))
                                                label=Text::AdminRotateSecret
                                                question=Text::AdminRotateQuestion
                                                yes=Text::AdminRotateSecret
                                                on_ask=Callback::new(move |()| rotating.set(Some(agent)))
                                                on_yes=Callback::new(move |()| rotate(agent))
                                                on_cancel=Callback::new(move |()| rotating.set(None))
                                            />
                                        </td>
                                    </tr>
                                }
                            }
                        />
                    </tbody>
                </table>
                </div>
            </Show>
        </section>
        <WebhooksSection/>
    }
}
