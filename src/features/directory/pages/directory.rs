//! The directory: a search box that searches the device's copy on every keystroke (name, pinyin,
//! initials, alias, account, email, position; ranked; keyboard navigable; the match
//! highlighted), the department tree with member counts, the members of the chosen department,
//! and the chosen person's card. Everything here works with the network cut.

use crate::features::directory::components::profile_card::ProfileCard;
use crate::features::directory::model::{SearchHit, split_match};
use crate::features::directory::state::use_directory;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use leptos::prelude::*;
use std::collections::HashSet;
use weft_protocol::directory::DirectoryMember;
use weft_protocol::{DepartmentId, MemberId};

/// Most results listed for one query.
const RESULT_LIMIT: usize = 50;

#[component]
pub fn DirectoryPage() -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_directory();
    let session = use_session();
    let me = Signal::derive(move || session.0.with(|s| s.as_ref().map(|s| s.me.id)));
    let query = RwSignal::new(String::new());
    let active = RwSignal::new(0usize);
    let chosen_member = RwSignal::new(None::<MemberId>);
    let chosen_department = RwSignal::new(None::<DepartmentId>);
    let expanded = RwSignal::new(HashSet::<DepartmentId>::new());

    // The query goes with its results, so every keystroke redraws (and re-highlights) the list.
    let hits = Memo::new(move |_| {
        let query = query.get();
        let found = directory.copy.with(|d| d.search(&query, RESULT_LIMIT));
        (query, found)
    });
    let searching = move || !query.with(|q| q.trim().is_empty());
    let choose_hit = move |index: usize| {
        if let Some(hit) = hits.with_untracked(|(_, h)| h.get(index).cloned()) {
            chosen_member.set(Some(hit.member_id));
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        let count = hits.with_untracked(|(_, h)| h.len());
        match ev.key().as_str() {
            "ArrowDown" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = (*a + 1).min(count - 1));
            }
            "ArrowUp" if count > 0 => {
                ev.prevent_default();
                active.update(|a| *a = a.saturating_sub(1));
            }
            "Enter" => {
                ev.prevent_default();
                choose_hit(active.get_untracked());
            }
            "Escape" => query.set(String::new()),
            _ => {}
        }
    };
    let count_label = move || {
        let count = directory.copy.with(|d| d.member_count());
        format!("{count} {}", Text::People.in_lang(i18n.lang.get()))
    };

    view! {
        <section class="conversation page directory" aria-labelledby="directory-title">
            <header class="conversation__header">
                <a class="back" href="/" aria-label=i18n.t(Text::Back)>"‹"</a>
                <h2 id="directory-title">{i18n.t(Text::Directory)}</h2>
                <span class="conversation__members" data-testid="directory-count">{count_label}</span>
            </header>
            <div class="page__body directory__body">
                <label for="directory-search">{i18n.t(Text::SearchPeople)}</label>
                <input
                    id="directory-search"
                    type="search"
                    autocomplete="off"
                    role="combobox"
                    aria-expanded=move || searching().to_string()
                    aria-controls="directory-results"
                    aria-activedescendant=move || searching().then(|| format!("directory-hit-{}", active.get()))
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        query.set(event_target_value(&ev));
                        active.set(0);
                    }
                    on:keydown=on_keydown
                />
                <Show when=move || directory.copy.with(|d| d.is_empty())>
                    <p class="hint" role="status">{i18n.t(Text::DirectoryNotYet)}</p>
                </Show>
                <Show
                    when=searching
                    fallback=move || view! { <Browse chosen_department=chosen_department chosen_member=chosen_member expanded=expanded/> }
                >
                    <Show when=move || hits.with(|(_, h)| h.is_empty())>
                        <p class="hint" role="status">{i18n.t(Text::NoPeopleFound)}</p>
                    </Show>
                    // `data-results-for` names the query the list shows (benchmarks wait for it).
                    <ul
                        id="directory-results"
                        class="directory__results"
                        role="listbox"
                        aria-label=i18n.t(Text::PeopleFound)
                        data-results-for=move || hits.with(|(q, _)| q.clone())
                    >
                        <For
                            each=move || {
                                let (query, found) = hits.get();
                                found.into_iter().enumerate().map(move |(i, h)| (i, h, query.clone()))
                            }
                            key=|(i, h, query)| (*i, h.member_id, query.clone())
                            let:item
                        >
                            {
                                let (index, hit, _) = item;
                                view! {
                                    <li
                                        id=format!("directory-hit-{index}")
                                        role="option"
                                        class="directory__hit"
                                        aria-selected=move || (active.get() == index).to_string()
                                        on:click=move |_| {
                                            active.set(index);
                                            choose_hit(index);
                                        }
                                    >
                                        <HitLine hit=hit query=query/>
                                    </li>
                                }
                            }
                        </For>
                    </ul>
                </Show>
                {move || chosen_member.get().map(|id| view! { <ProfileCard member_id=id me=me/> })}
            </div>
        </section>
    }
}

/// One search result: the name (the matched part marked), and the key that matched when it was
/// not the name itself, with position and main department.
#[component]
fn HitLine(hit: SearchHit, query: RwSignal<String>) -> impl IntoView {
    let directory = use_directory();
    let Some((member, department)) = directory.copy.with_untracked(|d| {
        d.member(hit.member_id).map(|m| (m.clone(), d.path(&m.main_department_id).last().cloned().unwrap_or_default()))
    }) else {
        return ().into_any();
    };
    let q = query.get_untracked();
    let name = match split_match(&member.name, &q) {
        Some((before, matched, after)) => {
            view! { <bdi class="directory__name">{before.to_owned()}<mark>{matched.to_owned()}</mark>{after.to_owned()}</bdi> }
                .into_any()
        }
        None => view! { <bdi class="directory__name">{member.name.clone()}</bdi> }.into_any(),
    };
    let key_shown = split_match(&member.name, &q).is_none().then(|| {
        let end = (hit.at + q.trim().len()).min(hit.key.len());
        let (before, matched, after) = if hit.key.is_char_boundary(hit.at) && hit.key.is_char_boundary(end) {
            (hit.key[..hit.at].to_owned(), hit.key[hit.at..end].to_owned(), hit.key[end..].to_owned())
        } else {
            (hit.key.clone(), String::new(), String::new())
        };
        view! { <span class="directory__key">{before}<mark>{matched}</mark>{after}</span> }
    });
    view! {
        {name}
        {key_shown}
        <span class="hint">{[member.position.clone(), department].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ")}</span>
    }
    .into_any()
}

/// Browsing without a query: the tree on one side, the chosen department's people on the other.
#[component]
fn Browse(
    chosen_department: RwSignal<Option<DepartmentId>>,
    chosen_member: RwSignal<Option<MemberId>>,
    expanded: RwSignal<HashSet<DepartmentId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_directory();
    let roots =
        Memo::new(move |_| directory.copy.with(|d| d.roots().into_iter().map(|r| r.id.clone()).collect::<Vec<_>>()));
    let people = Memo::new(move |_| -> Vec<DirectoryMember> {
        let Some(department) = chosen_department.get() else { return Vec::new() };
        directory.copy.with(|d| d.members_of(&department).into_iter().cloned().collect())
    });
    view! {
        <div class="directory__browse">
            <nav class="directory__tree" aria-label=i18n.t(Text::Departments)>
                <ul role="tree" aria-label=i18n.t(Text::Departments)>
                    <For each=move || roots.get() key=|id| id.clone() let:id>
                        <DepartmentNode id=id depth=0 chosen=chosen_department expanded=expanded/>
                    </For>
                </ul>
            </nav>
            <Show when=move || chosen_department.with(Option::is_some)>
                <ul class="directory__people" aria-label=i18n.t(Text::Members)>
                    <For each=move || people.get() key=|m| (m.id, m.version) let:member>
                        {
                            let id = member.id;
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="directory__person"
                                        aria-pressed=move || (chosen_member.get() == Some(id)).to_string()
                                        on:click=move |_| chosen_member.set(Some(id))
                                    >
                                        <bdi class="directory__name">{member.name.clone()}</bdi>
                                        <span class="hint">{member.position.clone()}</span>
                                    </button>
                                </li>
                            }
                        }
                    </For>
                </ul>
            </Show>
        </div>
    }
}

/// One department in the tree: a button choosing it (with its member count) and, expanded, its
/// sub-departments.
#[component]
fn DepartmentNode(
    id: DepartmentId,
    depth: usize,
    chosen: RwSignal<Option<DepartmentId>>,
    expanded: RwSignal<HashSet<DepartmentId>>,
) -> impl IntoView {
    let directory = use_directory();
    let facts = {
        let id = id.clone();
        Memo::new(move |_| {
            directory.copy.with(|d| {
                let name = d.department(&id).map(|dep| dep.name.clone()).unwrap_or_default();
                let children: Vec<DepartmentId> = d.children(&id).into_iter().map(|c| c.id.clone()).collect();
                (name, d.member_count_under(&id), children)
            })
        })
    };
    let is_open = {
        let id = id.clone();
        move || depth == 0 || expanded.with(|e| e.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            chosen.set(Some(id.clone()));
            expanded.update(|e| {
                if !e.remove(&id) {
                    e.insert(id.clone());
                }
            })
        }
    };
    let selected = {
        let id = id.clone();
        move || chosen.with(|c| c.as_ref() == Some(&id))
    };
    let has_children = move || facts.with(|(_, _, children)| !children.is_empty());
    let is_open_for_aria = is_open.clone();
    view! {
        <li role="treeitem" aria-expanded=move || has_children().then(|| is_open_for_aria().to_string()) aria-selected=move || selected().to_string()>
            <button type="button" class="directory__department" class:directory__department--chosen=selected.clone() style:padding-left=format!("{}rem", 0.5 + depth as f32) on:click=toggle>
                <span>{move || facts.with(|(name, _, _)| name.clone())}</span>
                <span class="hint">{move || format!(" ({})", facts.with(|(_, count, _)| *count))}</span>
            </button>
            <Show when=move || is_open() && has_children()>
                <ul role="group">
                    <For each=move || facts.with(|(_, _, children)| children.clone()) key=|c| c.clone() let:child>
                        {view! { <DepartmentNode id=child depth=depth + 1 chosen=chosen expanded=expanded/> }.into_any()}
                    </For>
                </ul>
            </Show>
        </li>
    }
}
