//! A colleague's card: name, position, departments (as paths), contact fields, leaders, and a
//! "Message" button that opens (or creates) the direct chat — which needs the server; offline
//! the card says so and stays.

use crate::features::directory::model::Directory;
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;
use crate::ui::failure::error_text;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use weft_protocol::MemberId;
use weft_protocol::directory::{DirectoryMember, MemberStatus};

/// What the card shows, worked out from the directory (leaders the member cannot see are left
/// out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardFacts {
    pub departments: Vec<String>,
    pub leads: Vec<String>,
    pub direct_leader: Option<String>,
}

pub fn card_facts(directory: &Directory, member: &DirectoryMember) -> CardFacts {
    let mut departments: Vec<&weft_protocol::directory::MemberDepartment> = member.departments.iter().collect();
    // The main department first.
    departments.sort_by_key(|d| d.department_id != member.main_department_id);
    CardFacts {
        departments: departments.iter().map(|d| directory.path(&d.department_id).join(" / ")).collect(),
        leads: departments
            .iter()
            .filter(|d| d.is_leader)
            .filter_map(|d| directory.department(&d.department_id).map(|dep| dep.name.clone()))
            .collect(),
        direct_leader: member.direct_leader_id.and_then(|id| directory.member(id)).map(|l| l.name.clone()),
    }
}

#[component]
pub fn ProfileCard(member_id: MemberId, #[prop(into)] me: Signal<Option<MemberId>>) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let navigate = use_navigate();
    let member = Memo::new(move |_| app.directory.copy.with(|d| d.member(member_id).cloned()));
    let facts = Memo::new(move |_| member.get().map(|m| app.directory.copy.with(|d| card_facts(d, &m))));
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<Text>);
    let message = move |_| {
        let Some(api) = app.sync.api() else { return };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        problem.set(None);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = api.open_direct(member_id).await;
            busy.set(false);
            match result {
                Ok(detail) => navigate(&app.adopt_for_display(detail), Default::default()),
                Err(error) => problem.set(Some(error_text(&error))),
            }
        });
    };
    let field = move |label: Text, value: String| {
        (!value.is_empty()).then(|| {
            view! {
                <dt>{i18n.t(label)}</dt>
                <dd><bdi>{value}</bdi></dd>
            }
        })
    };
    view! {
            {move || {
                let message = message.clone();
                let (Some(m), Some(facts)) = (member.get(), facts.get()) else {
                    return view! { <p class="hint">{i18n.t(Text::PersonNotVisible)}</p> }.into_any();
                };
                let status = match m.status {
                    MemberStatus::Disabled => Some(Text::StatusDisabled),
                    MemberStatus::Invited => Some(Text::StatusInvited),
                    _ => None,
                };
                let can_message = me.get() != Some(m.id) && m.status == MemberStatus::Active;
                view! {
                    <article class="profile-card" aria-labelledby="profile-name" data-testid="profile-card">
                        <h3 id="profile-name"><bdi>{m.name.clone()}</bdi>
                            {(!m.alias.is_empty()).then(|| view! { <span class="hint">" ("{m.alias.clone()}")"</span> })}
                        </h3>
                        {status.map(|s| view! { <p class="hint">{i18n.t(s)}</p> })}
                        <dl class="profile-card__fields">
                            {field(Text::Position, m.position.clone())}
                            {field(Text::Departments, facts.departments.join("; "))}
                            {field(Text::LeaderOf, facts.leads.join(", "))}
                            {field(Text::DirectLeader, facts.direct_leader.clone().unwrap_or_default())}
                            {field(Text::Account, m.userid.clone())}
                            {field(Text::Mobile, m.mobile.clone())}
                            {field(Text::Email, m.email.clone())}
                        </dl>
                        {can_message.then(|| view! {
                            <button type="button" class="primary" on:click=message disabled=move || busy.get()>
                                {i18n.t(Text::SendMessage)}
                            </button>
                        })}
                        <Show when=move || problem.with(Option::is_some)>
                            <p class="field-error" role="alert">{move || problem.get().map(|p| i18n.t(p)())}</p>
                        </Show>
                    </article>
                }
                .into_any()
            }}
    }
}
