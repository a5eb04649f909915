//! Picks colleagues from the device's directory: a search box (name, pinyin, initials, alias,
//! account, position — the directory's ranked search) and a checkbox per person, with the chosen
//! ones listed on top. Used to start chats and to add people to a group; works offline.

use crate::features::directory::model::Directory;
use crate::features::directory::state::use_directory;
use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use weft_protocol::MemberId;
use weft_protocol::directory::{DirectoryMember, MemberStatus};

/// Most people listed at once; a search narrows the rest.
pub const SHOWN_LIMIT: usize = 100;

/// Pickers made so far: each one's search box gets its own element id, so several on one page
/// (two Contact fields of a form) keep their labels.
static PICKERS: AtomicUsize = AtomicUsize::new(0);

/// A fresh element id for a picker's search box.
pub fn filter_dom_id() -> String {
    format!("member-filter-{}", PICKERS.fetch_add(1, Ordering::Relaxed))
}

/// Who the picker offers for `filter`: active members not excluded, best matches first (by name
/// without a filter), at most [`SHOWN_LIMIT`].
pub fn offered(directory: &Directory, filter: &str, exclude: &[MemberId]) -> Vec<DirectoryMember> {
    let pickable = |m: &&DirectoryMember| m.status == MemberStatus::Active && !exclude.contains(&m.id);
    if filter.trim().is_empty() {
        return directory.active_members().into_iter().filter(pickable).take(SHOWN_LIMIT).cloned().collect();
    }
    directory
        .search(filter, usize::MAX)
        .into_iter()
        .filter_map(|hit| directory.member(hit.member_id))
        .filter(pickable)
        .take(SHOWN_LIMIT)
        .cloned()
        .collect()
}

#[component]
pub fn MemberPicker(
    /// People not offered (the member themself, people already in the group).
    #[prop(into)]
    exclude: Signal<Vec<MemberId>>,
    selected: RwSignal<Vec<MemberId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let directory = use_directory();
    let filter = RwSignal::new(String::new());
    let filter_id = filter_dom_id();
    let shown = Memo::new(move |_| {
        let filter = filter.get();
        let exclude = exclude.get();
        directory.copy.with(|d| offered(d, &filter, &exclude))
    });
    let chosen = Memo::new(move |_| {
        selected.with(|ids| {
            directory
                .copy
                .with(|d| ids.iter().filter_map(|id| d.member(*id).map(|m| (m.id, m.name.clone()))).collect::<Vec<_>>())
        })
    });
    let department_of = move |member: &DirectoryMember| -> String {
        directory.copy.with_untracked(|d| d.path(&member.main_department_id).last().cloned().unwrap_or_default())
    };
    let toggle = move |id: MemberId| {
        selected.update(|s| {
            if let Some(at) = s.iter().position(|x| *x == id) {
                s.remove(at);
            } else {
                s.push(id);
            }
        })
    };
    view! {
        <div class="member-picker">
            <label for=filter_id.clone()>{i18n.t(Text::FilterMembers)}</label>
            <input
                id=filter_id
                type="search"
                autocomplete="off"
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))
            />
            <p class="hint" aria-live="polite">
                {move || format!("{} {}", selected.with(Vec::len), Text::Selected.in_lang(i18n.lang.get()))}
            </p>
            <ul class="member-picker__chosen" aria-label=i18n.t(Text::Selected)>
                <For each=move || chosen.get() key=|(id, _)| *id let:person>
                    <li>
                        <button type="button" class="chip" on:click=move |_| toggle(person.0)
                            aria-label=move || format!("{} {}", Text::Remove.in_lang(i18n.lang.get()), person.1)>
                            <bdi>{person.1.clone()}</bdi>" ×"
                        </button>
                    </li>
                </For>
            </ul>
            <ul class="member-picker__list">
                <For each=move || shown.get() key=|m| (m.id, m.version) let:member>
                    {
                        let id = member.id;
                        let checked = move || selected.with(|s| s.contains(&id));
                        let detail = [member.alias.clone(), member.position.clone(), department_of(&member)]
                            .into_iter()
                            .filter(|s| !s.is_empty())
                            .collect::<Vec<_>>()
                            .join(" · ");
                        view! {
                            <li>
                                <label class="member-picker__item">
                                    <input type="checkbox" prop:checked=checked on:change=move |_| toggle(id)/>
                                    <span class="member-picker__name">{member.name.clone()}</span>
                                    <span class="hint">{detail}</span>
                                </label>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || shown.with(|s| s.len() == SHOWN_LIMIT)>
                <p class="hint">{i18n.t(Text::NarrowSearch)}</p>
            </Show>
        </div>
    }
}
