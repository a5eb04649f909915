//! `/admin/audit`: the filter form (action, actor, target, a date range), the table of entries
//! (local time, actor, action, target, details, address) with Load more, Export CSV with the
//! same filters, and the empty, failed and offline states.

use super::api::save_bytes;
use super::model::{ALL_ACTIONS, AuditQuery, action_from_value, action_value, date_range, detail_summary, local_time};
use crate::features::admin::components::NoticeLine;
use crate::features::admin::model::Notice;
use crate::features::admin::state::use_admin;
use crate::i18n::audit::{At, action_label};
use crate::i18n::use_i18n;
use crate::sync::{Connection, use_sync};
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::audit::AuditEntry;

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let sync = use_sync();
    // What is typed, and what the list shows (applied with the form's button).
    let action = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let target = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let applied = RwSignal::new(AuditQuery::default());
    let entries = RwSignal::new(None::<Vec<AuditEntry>>);
    let next_before = RwSignal::new(None::<u64>);
    let busy = RwSignal::new(false);
    let notice = RwSignal::new(None::<Notice>);
    let exported = RwSignal::new(false);
    // A memo: the list reloads when the network returns, not at every reconnection step.
    let offline = Memo::new(move |_| sync.connection.get() == Connection::Offline);

    // Loads the first page (`more`: the next one) of the applied filters.
    let load = move |more: bool| {
        let Some(api) = admin.api() else { return };
        let query = applied.get_untracked();
        let before = if more { next_before.get_untracked() } else { None };
        busy.set(true);
        notice.set(None);
        spawn_local(async move {
            match api.audit_page(&query, before).await {
                Ok(page) => {
                    next_before.set(page.next_before);
                    if more {
                        entries.update(|list| list.get_or_insert_with(Vec::new).extend(page.entries));
                    } else {
                        entries.set(Some(page.entries));
                    }
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
            busy.set(false);
        });
    };
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (since, until) = date_range(&from.get_untracked(), &to.get_untracked());
        applied.set(AuditQuery {
            action: action_from_value(&action.get_untracked()),
            actor: actor.get_untracked(),
            target: target.get_untracked(),
            since,
            until,
        });
        exported.set(false);
        load(false);
    };
    let clear = move |_| {
        for field in [action, actor, target, from, to] {
            field.set(String::new());
        }
        applied.set(AuditQuery::default());
        exported.set(false);
        load(false);
    };
    let export = move |_| {
        let Some(api) = admin.api() else { return };
        let query = applied.get_untracked();
        notice.set(None);
        exported.set(false);
        spawn_local(async move {
            match api.audit_csv(&query).await {
                Ok(bytes) => match save_bytes("weft-audit.csv", &bytes, "text/csv;charset=utf-8") {
                    Ok(()) => exported.set(true),
                    Err(_) => notice.set(Some(Notice::Text(crate::i18n::Text::ErrorServer))),
                },
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    // The first page once the page opens, and again when the connection comes back.
    Effect::new(move |_| {
        if !offline.get() {
            load(false);
        }
    });
    let exported_text = move || exported.get().then(|| i18n.audit(At::Exported)());

    view! {
        <section class="admin-section audit-log" aria-labelledby="audit-title">
            <h2 id="audit-title">{i18n.audit(At::Title)}</h2>
            <Show when=move || offline.get()>
                <p class="form-error" role="status">{i18n.audit(At::Offline)}</p>
            </Show>
            <form class="admin-filters audit-log__filters" aria-label=i18n.audit(At::Filters) on:submit=apply>
                <div>
                    <label for="audit-action">{i18n.audit(At::Action)}</label>
                    <select id="audit-action" on:change=move |ev| action.set(event_target_value(&ev))>
                        <option value="" selected=move || action.with(String::is_empty)>{i18n.audit(At::AnyAction)}</option>
                        {ALL_ACTIONS
                            .into_iter()
                            .map(|a| {
                                let value = action_value(a);
                                let chosen = value.clone();
                                view! {
                                    <option value=value selected=move || action.with(|v| *v == chosen)>
                                        {move || action_label(a, i18n.lang.get())}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                </div>
                <div>
                    <label for="audit-actor">{i18n.audit(At::Actor)}</label>
                    <input id="audit-actor" type="search" autocomplete="off" prop:value=move || actor.get()
                        on:input=move |ev| actor.set(event_target_value(&ev))/>
                </div>
                <div>
                    <label for="audit-target">{i18n.audit(At::Target)}</label>
                    <input id="audit-target" type="search" autocomplete="off" prop:value=move || target.get()
                        on:input=move |ev| target.set(event_target_value(&ev))/>
                </div>
                <div>
                    <label for="audit-from">{i18n.audit(At::From)}</label>
                    <input id="audit-from" type="date" prop:value=move || from.get()
                        on:input=move |ev| from.set(event_target_value(&ev))/>
                </div>
                <div>
                    <label for="audit-to">{i18n.audit(At::To)}</label>
                    <input id="audit-to" type="date" prop:value=move || to.get()
                        on:input=move |ev| to.set(event_target_value(&ev))/>
                </div>
                <button type="submit" disabled=move || offline.get()>{i18n.audit(At::Apply)}</button>
                <button type="button" class="link" disabled=move || offline.get() on:click=clear>{i18n.audit(At::Clear)}</button>
                <button type="button" disabled=move || offline.get() on:click=export>{i18n.audit(At::Export)}</button>
            </form>
            <NoticeLine notice=notice/>
            <p class="form-status" role="status">{exported_text}</p>
            <Show
                when=move || entries.with(|e| e.as_ref().is_some_and(|e| !e.is_empty()))
                fallback=move || view! {
                    <p class="hint" role="status">
                        {move || match entries.with(|e| e.as_ref().map(Vec::is_empty)) {
                            Some(true) => Some(i18n.audit(At::Empty)()),
                            _ if busy.get() => Some(i18n.audit(At::Loading)()),
                            _ => None,
                        }}
                    </p>
                }
            >
                <div class="audit-log__scroll">
                    <table class="admin-table audit-log__table">
                        <caption class="visually-hidden">{i18n.audit(At::Title)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{i18n.audit(At::Time)}</th>
                                <th scope="col">{i18n.audit(At::Actor)}</th>
                                <th scope="col">{i18n.audit(At::Action)}</th>
                                <th scope="col">{i18n.audit(At::Target)}</th>
                                <th scope="col">{i18n.audit(At::Details)}</th>
                                <th scope="col">{i18n.audit(At::Address)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            <For each=move || entries.get().unwrap_or_default() key=|e| e.id let:entry>
                                {
                                    let kind = entry.action;
                                    let detail = entry.detail.clone();
                                    view! {
                                        <tr data-audit=entry.id.to_string()>
                                            <td><time>{local_time(entry.at)}</time></td>
                                            <td><bdi>{entry.actor.clone()}</bdi></td>
                                            <td>{move || action_label(kind, i18n.lang.get())}</td>
                                            <td><bdi>{entry.target.clone()}</bdi></td>
                                            <td class="audit-log__detail">{move || detail_summary(&detail, i18n.lang.get())}</td>
                                            <td>{entry.address.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                        </tr>
                                    }
                                }
                            </For>
                        </tbody>
                    </table>
                </div>
                <p class="hint" aria-live="polite">
                    {move || format!("{}: {}", i18n.audit(At::Entries)(), entries.with(|e| e.as_ref().map_or(0, Vec::len)))}
                </p>
                <Show when=move || next_before.with(Option::is_some)>
                    <button type="button" disabled=move || busy.get() || offline.get() on:click=move |_| load(true)>
                        {i18n.audit(At::LoadMore)}
                    </button>
                </Show>
            </Show>
        </section>
    }
}
