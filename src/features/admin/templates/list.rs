//! The approval templates page: every template members can start (icon, name, version, how many
//! fields and steps), with New, Edit, and Archive after a confirmation.

use crate::api::ApiError;
use crate::features::admin::components::{ConfirmButton, NoticeLine};
use crate::features::admin::model::Notice;
use crate::features::admin::state::use_admin;
use crate::i18n::{Text, use_i18n};
use crate::sync::Connection;
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::TemplateId;
use weft_protocol::approval::Template;

#[component]
pub fn TemplatesPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let templates = RwSignal::new(None::<Vec<Template>>);
    let notice = RwSignal::new(None::<Notice>);
    let done = admin.templates.saved;
    let confirming = RwSignal::new(None::<TemplateId>);

    let load = move || {
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            let result = api.approval_templates().await;
            // The administrator may have left the page meanwhile.
            if templates.is_disposed() {
                return;
            }
            match result {
                Ok(found) => {
                    notice.set(None);
                    templates.set(Some(found));
                }
                Err(ApiError::Network) => notice.set(Some(Notice::Text(Text::TemplatesNeedServer))),
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    load();
    // Back online after a failed load: try again by itself.
    let sync = use_sync();
    Effect::new(move |_| {
        let failed = templates.with_untracked(Option::is_none) && notice.with_untracked(Option::is_some);
        if sync.connection.get() == Connection::Online && failed {
            load();
        }
    });
    // The confirmation of a save belongs to the visit that follows it.
    on_cleanup(move || done.set(None));
    let archive = move |id: TemplateId| {
        let Some(api) = admin.api() else { return };
        notice.set(None);
        done.set(None);
        spawn_local(async move {
            let result = api.archive_template(id).await;
            if templates.is_disposed() {
                return;
            }
            match result {
                Ok(()) => {
                    confirming.set(None);
                    done.set(Some(Notice::Text(Text::TemplateArchived)));
                    load();
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };

    view! {
        <section class="admin-section" aria-labelledby="templates-title">
            <h2 id="templates-title">{i18n.t(Text::AdminTemplates)}</h2>
            <p class="hint">{i18n.t(Text::TemplatesHelp)}</p>
            <NoticeLine notice=notice/>
            <NoticeLine notice=done status=true/>
            <Show when=move || templates.with(Option::is_none) && notice.with(Option::is_some)>
                <button type="button" on:click=move |_| load()>{i18n.t(Text::Retry)}</button>
            </Show>
            <p><a class="button primary" href="/admin/templates/new">{i18n.t(Text::TemplateNew)}</a></p>
            <table class="admin-table">
                <caption class="visually-hidden">{i18n.t(Text::AdminTemplates)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{i18n.t(Text::TemplateIcon)}</th>
                        <th scope="col">{i18n.t(Text::TemplateName)}</th>
                        <th scope="col">{i18n.t(Text::TemplateVersion)}</th>
                        <th scope="col">{i18n.t(Text::TemplateFields)}</th>
                        <th scope="col">{i18n.t(Text::TemplateSteps)}</th>
                        <th scope="col">{i18n.t(Text::AdminActions)}</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || templates.get().unwrap_or_default() key=|t| (t.id, t.version) let:template>
                        {
                            let id = template.id;
                            let name = template.spec.name.clone();
                            let edit_label = {
                                let name = name.clone();
                                move || format!("{} {name}", Text::AdminEdit.in_lang(i18n.lang.get()))
                            };
                            let archive_label = {
                                let name = name.clone();
                                move || format!("{} {name}", Text::TemplateArchive.in_lang(i18n.lang.get()))
                            };
                            view! {
                                <tr>
                                    <td>{template.spec.icon.clone()}</td>
                                    <th scope="row">{name.clone()}</th>
                                    <td data-testid="template-version">{template.version}</td>
                                    <td>{template.spec.controls.len()}</td>
                                    <td>{template.spec.chain.steps.len()}</td>
                                    <td class="admin-table__actions">
                                        <a href=format!("/admin/templates/{id}") aria-label=edit_label>{i18n.t(Text::AdminEdit)}</a>
                                        " "
                                        <ConfirmButton
                                            confirming=Signal::derive(move || confirming.get() == Some(id))
                                            label=Text::TemplateArchive
                                            aria_label=Signal::derive(archive_label)
                                            question=Text::TemplateConfirmArchive
                                            yes=Text::TemplateYesArchive
                                            on_ask=Callback::new(move |()| confirming.set(Some(id)))
                                            on_yes=Callback::new(move |()| archive(id))
                                            on_cancel=Callback::new(move |()| confirming.set(None))
                                        />
                                    </td>
                                </tr>
                            }
                        }
                    </For>
                </tbody>
            </table>
            <Show when=move || templates.with(|t| t.as_ref().is_some_and(Vec::is_empty))>
                <p class="hint">{i18n.t(Text::TemplatesNone)}</p>
            </Show>
        </section>
    }
}
