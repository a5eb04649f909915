//! Starting a chat: pick one person for a direct chat, or several and a name for a group. Both
//! need the server (it assigns the conversation); offline, the page says so and keeps the choice.

use crate::features::directory::components::member_picker::MemberPicker;
use crate::i18n::{Text, use_i18n};
use crate::session::use_session;
use crate::state::use_app;
use crate::ui::failure::Failure;
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use weft_protocol::MemberId;
use weft_protocol::chat::CreateGroupRequest;

#[component]
pub fn NewChatPage() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let session = use_session();
    let navigate = use_navigate();
    let selected = RwSignal::new(Vec::<MemberId>::new());
    let name = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<Text>);
    let pick_error = RwSignal::new(None::<Text>);
    let form_error = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    // One client id per attempt, so pressing twice never makes two groups.
    let client_id = StoredValue::new(crate::platform::new_client_id());
    let me = Signal::derive(move || session.0.with(|s| s.as_ref().map(|s| vec![s.me.id]).unwrap_or_default()));

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let picked = selected.get_untracked();
        let group_name = name.get_untracked().trim().to_owned();
        pick_error.set(picked.is_empty().then_some(Text::PickSomeone));
        name_error.set((picked.len() > 1 && group_name.is_empty()).then_some(Text::NameNeeded));
        form_error.set(None);
        if picked.is_empty() || (picked.len() > 1 && group_name.is_empty()) || busy.get_untracked() {
            return;
        }
        let Some(api) = session.0.with_untracked(|s| s.as_ref().map(|s| crate::api::Api::with_token(&s.token))) else {
            return;
        };
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = if picked.len() == 1 && group_name.is_empty() {
                api.open_direct(picked[0]).await
            } else {
                let request =
                    CreateGroupRequest { client_id: client_id.get_value(), name: group_name, members: picked };
                api.create_group(&request).await
            };
            busy.set(false);
            match result {
                Ok(detail) => navigate(&app.adopt_for_display(detail), Default::default()),
                Err(crate::api::ApiError::Network) => form_error.set(Some(Failure::Text(Text::NeedsNetwork))),
                Err(error) => form_error.set(Some(Failure::of(&error))),
            }
        });
    };

    let show = move |error: RwSignal<Option<Text>>| move || error.get().map(|t| t.in_lang(i18n.lang.get()));
    view! {
        <section class="conversation page" aria-labelledby="new-chat-title">
            <header class="conversation__header">
                <a class="back" href="/" aria-label=i18n.t(Text::Back)>"‹"</a>
                <h2 id="new-chat-title">{i18n.t(Text::NewChat)}</h2>
            </header>
            <form class="page__body" on:submit=submit novalidate=true>
                <TextField id="group-name" label=Text::GroupName value=name error=name_error maxlength=60/>
                <MemberPicker exclude=me selected=selected/>
                <p class="field-error" role="alert">{show(pick_error)}</p>
                <p class="form-error" role="alert">
                    {move || form_error.with(|e| e.as_ref().map(|e| e.render(i18n.lang.get())))}
                </p>
                <button type="submit" class="primary" disabled=move || busy.get()>{i18n.t(Text::StartChat)}</button>
            </form>
        </section>
    }
}
