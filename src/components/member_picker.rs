//! Picks colleagues from a list: a filter box (name, alias, account, position, department) and a
//! checkbox per person. Used to start chats and to add people to a group.

use crate::i18n::{Text, use_i18n};
use leptos::prelude::*;
use weft_protocol::MemberId;
use weft_protocol::auth::MemberProfile;

/// True when `member` matches every word of `filter` in one of its fields (case-insensitive).
pub fn matches(member: &MemberProfile, filter: &str) -> bool {
    let haystack =
        format!("{} {} {} {} {}", member.name, member.alias, member.userid, member.position, member.department)
            .to_lowercase();
    filter.to_lowercase().split_whitespace().all(|word| haystack.contains(word))
}

#[component]
pub fn MemberPicker(
    /// Everyone who can be picked.
    #[prop(into)]
    members: Signal<Vec<MemberProfile>>,
    /// People not offered (the member themself, people already in the group).
    #[prop(into)]
    exclude: Signal<Vec<MemberId>>,
    selected: RwSignal<Vec<MemberId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(String::new());
    let shown = move || {
        let filter = filter.get();
        let exclude = exclude.get();
        members.get().into_iter().filter(|m| !exclude.contains(&m.id) && matches(m, &filter)).collect::<Vec<_>>()
    };
    view! {
        <div class="member-picker">
            <label for="member-filter">{i18n.t(Text::FilterMembers)}</label>
            <input
                id="member-filter"
                type="search"
                autocomplete="off"
                prop:value=move || filter.get()
                on:input=move |ev| filter.set(event_target_value(&ev))
            />
            <p class="hint" aria-live="polite">
                {move || format!("{} {}", selected.with(Vec::len), Text::Selected.in_lang(i18n.lang.get()))}
            </p>
            <ul class="member-picker__list">
                <For each=shown key=|m| m.id let:member>
                    {
                        let id = member.id;
                        let checked = move || selected.with(|s| s.contains(&id));
                        view! {
                            <li>
                                <label class="member-picker__item">
                                    <input
                                        type="checkbox"
                                        prop:checked=checked
                                        on:change=move |_| selected.update(|s| {
                                            if let Some(at) = s.iter().position(|x| *x == id) {
                                                s.remove(at);
                                            } else {
                                                s.push(id);
                                            }
                                        })
                                    />
                                    <span class="member-picker__name">{member.name.clone()}</span>
                                    <span class="hint">{format!("{} · {}", member.alias, member.position)}</span>
                                </label>
                            </li>
                        }
                    }
                </For>
            </ul>
        </div>
    }
}
