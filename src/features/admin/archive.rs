//! `/admin/archive` (auditors only): a compliance archive of the members and conversations the
//! auditor chooses over a date range, fetched with the session token and handed to the browser as
//! a download (`weft-archive-<time>.tar`). The server signs it and records the export; offline
//! the page says it needs a connection.

use super::audit::api::save_bytes;
use super::audit::model::date_range;
use super::components::{MemberChecklist, NoticeLine};
use super::model::Notice;
use super::state::use_admin;
use crate::api::{Api, ApiError, decode, url};
use crate::i18n::archive::Ar;
use crate::i18n::{Text, use_i18n};
use crate::sync::{Connection, use_sync};
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::archive::{ArchiveCandidate, ArchiveRequest};
use weft_protocol::{ConversationId, MemberId, Millis};

impl Api {
    /// Conversations matching `query`, for choosing what to archive.
    pub async fn archive_candidates(&self, query: &str) -> Result<Vec<ArchiveCandidate>, ApiError> {
        let query: String = js_sys::encode_uri_component(query).into();
        self.get(&format!("/admin/archives/conversations?q={query}")).await
    }

    /// The archive's bytes, as the server sends them.
    pub async fn export_archive(&self, request: &ArchiveRequest) -> Result<Vec<u8>, ApiError> {
        let builder = self.authorise(gloo_net::http::Request::post(&url("/admin/archives")));
        let request = builder.json(request).map_err(|err| ApiError::Decode(err.to_string()))?;
        let response = request.send().await.map_err(|_| ApiError::Network)?;
        if !response.ok() {
            return decode::<()>(response).await.map(|()| Vec::new());
        }
        response.binary().await.map_err(|err| ApiError::Decode(err.to_string()))
    }
}

/// What the form asks for, or the problem to show: a subject and a date range.
pub fn archive_request(
    members: Vec<MemberId>,
    conversations: Vec<ConversationId>,
    range: (Option<Millis>, Option<Millis>),
) -> Result<ArchiveRequest, Ar> {
    if members.is_empty() && conversations.is_empty() {
        return Err(Ar::ChooseSomething);
    }
    match range {
        (Some(since), Some(until)) if since < until => {
            Ok(ArchiveRequest { member_ids: members, conversation_ids: conversations, since, until })
        }
        _ => Err(Ar::ChooseDates),
    }
}

#[component]
pub fn ArchivePage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let sync = use_sync();
    let members = RwSignal::new(Vec::<MemberId>::new());
    let conversations = RwSignal::new(Vec::<ConversationId>::new());
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(None::<Vec<ArchiveCandidate>>);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Ar>);
    let notice = RwSignal::new(None::<Notice>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let offline = move || sync.connection.get() == Connection::Offline;
    let directory = Signal::derive(move || {
        let mut all = admin.members();
        all.sort_by(|a, b| a.userid.cmp(&b.userid));
        all
    });

    let search = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(api) = admin.api() else { return };
        let text = query.get_untracked();
        notice.set(None);
        spawn_local(async move {
            match api.archive_candidates(&text).await {
                Ok(list) => found.set(Some(list)),
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let export = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        done.set(false);
        notice.set(None);
        let range = date_range(&from.get_untracked(), &to.get_untracked());
        let request = match archive_request(members.get_untracked(), conversations.get_untracked(), range) {
            Ok(request) => request,
            Err(text) => {
                problem.set(Some(text));
                return;
            }
        };
        problem.set(None);
        let Some(api) = admin.api() else { return };
        busy.set(true);
        spawn_local(async move {
            let result = api.export_archive(&request).await;
            busy.set(false);
            match result {
                Ok(bytes) => {
                    let name = format!("weft-archive-{}.tar", js_sys::Date::now() as i64);
                    if save_bytes(&name, &bytes, "application/x-tar").is_ok() {
                        done.set(true);
                    }
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };

    view! {
        <section class="admin-section" aria-labelledby="archive-title">
            <h2 id="archive-title">{i18n.archive(Ar::Title)}</h2>
            <p class="hint">{i18n.archive(Ar::Intro)}</p>
            <Show when=offline>
                <p class="offline-banner" role="status">{i18n.archive(Ar::NeedsConnection)}</p>
            </Show>
            <form class="admin-form" on:submit=search role="search">
                <label for="archive-find">{i18n.archive(Ar::FindConversations)}</label>
                <input id="archive-find" type="search" autocomplete="off" prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))/>
                <button type="submit">{i18n.archive(Ar::Search)}</button>
            </form>
            <form class="admin-form" on:submit=export novalidate=true aria-labelledby="archive-title">
                <fieldset class="checklist">
                    <legend>{i18n.archive(Ar::Conversations)}</legend>
                    <Show when=move || found.with(|f| f.as_ref().is_some_and(Vec::is_empty))>
                        <p class="hint">{i18n.archive(Ar::NoConversations)}</p>
                    </Show>
                    <ul class="checklist__list">
                        <For each=move || found.get().unwrap_or_default() key=|c| c.id let:candidate>
                            {
                                let id = candidate.id;
                                let input_id = format!("archive-conversation-{id}");
                                view! {
                                    <li>
                                        <input
                                            type="checkbox"
                                            id=input_id.clone()
                                            prop:checked=move || conversations.with(|c| c.contains(&id))
                                            on:change=move |_| conversations.update(|c| {
                                                if let Some(at) = c.iter().position(|x| *x == id) { c.remove(at); } else { c.push(id); }
                                            })
                                        />
                                        <label for=input_id>
                                            {candidate.title.clone()}
                                            {candidate.confidential.then(|| view! { " " <span class="badge">{i18n.archive(Ar::Confidential)}</span> })}
                                        </label>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                </fieldset>
                <MemberChecklist id="archive-members" legend=Text::AdminMembers members=directory selected=members/>
                <div class="admin-filters">
                    <div>
                        <label for="archive-from">{i18n.archive(Ar::From)}</label>
                        <input id="archive-from" type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))
                            aria-describedby="archive-problem"/>
                    </div>
                    <div>
                        <label for="archive-to">{i18n.archive(Ar::To)}</label>
                        <input id="archive-to" type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))
                            aria-describedby="archive-problem"/>
                    </div>
                </div>
                <p class="field-error" id="archive-problem" role="alert">
                    {move || problem.get().map(|text| text.in_lang(i18n.lang.get()))}
                </p>
                <NoticeLine notice=notice/>
                <button type="submit" class="primary" disabled=move || busy.get() || offline()>
                    {move || if busy.get() { Ar::Exporting } else { Ar::Export }.in_lang(i18n.lang.get())}
                </button>
                <Show when=move || done.get()>
                    <p role="status">{i18n.archive(Ar::Exported)}</p>
                </Show>
            </form>
        </section>
    }
}
