//! Changing one's own password (current, new, confirm): checked here first (at least 8 bytes,
//! not the username, both new ones alike), then by the server, whose refusal lands next to the
//! field it names. The server answers this session's new token, which replaces the kept one;
//! the member's other sessions end.

use crate::api::ApiError;
use crate::i18n::{Text, use_i18n};
use crate::state::use_app;
use crate::ui::failure::error_text;
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::auth::ChangePasswordRequest;
use weft_protocol::directory::MIN_PASSWORD_LEN;

/// What is wrong with the new password as typed, before asking the server.
pub fn new_password_problem(new: &str, confirm: &str, username: &str) -> (Option<Text>, Option<Text>) {
    let new_problem = if new.len() < MIN_PASSWORD_LEN {
        Some(Text::PasswordTooShort)
    } else if new.eq_ignore_ascii_case(username) {
        Some(Text::PasswordSameAsUsername)
    } else {
        None
    };
    let confirm_problem = (new_problem.is_none() && new != confirm).then_some(Text::PasswordMismatch);
    (new_problem, confirm_problem)
}

/// Where the server's refusal goes: (`current`, `new`) field problems, or `None` for the form.
pub fn place_refusal(error: &ApiError) -> Option<(Option<Text>, Option<Text>)> {
    let (field, message) = error.invalid_field()?;
    match field {
        "current_password" => Some((Some(Text::PasswordWrong), None)),
        "new_password" if message.contains("username") => Some((None, Some(Text::PasswordSameAsUsername))),
        "new_password" => Some((None, Some(Text::PasswordTooShort))),
        _ => None,
    }
}

#[component]
pub fn ChangePasswordForm(on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let current_problem = RwSignal::new(None::<Text>);
    let new_problem = RwSignal::new(None::<Text>);
    let confirm_problem = RwSignal::new(None::<Text>);
    let form_problem = RwSignal::new(None::<Text>);
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        done.set(false);
        form_problem.set(None);
        let username =
            app.sync.session.0.with_untracked(|s| s.as_ref().map(|s| s.me.userid.clone())).unwrap_or_default();
        let (new_wrong, confirm_wrong) =
            new_password_problem(&new.get_untracked(), &confirm.get_untracked(), &username);
        current_problem.set(current.with_untracked(String::is_empty).then_some(Text::ErrorPasswordEmpty));
        new_problem.set(new_wrong);
        confirm_problem.set(confirm_wrong);
        if current_problem.get_untracked().is_some() || new_wrong.is_some() || confirm_wrong.is_some() {
            return;
        }
        let Some(api) = app.sync.api() else { return };
        let request =
            ChangePasswordRequest { current_password: current.get_untracked(), new_password: new.get_untracked() };
        busy.set(true);
        spawn_local(async move {
            match api.change_password(&request).await {
                Ok(reply) => {
                    app.replace_token(reply.token);
                    for field in [current, new, confirm] {
                        field.set(String::new());
                    }
                    done.set(true);
                    on_changed.run(());
                }
                Err(error) => match place_refusal(&error) {
                    Some((on_current, on_new)) => {
                        current_problem.set(on_current);
                        new_problem.set(on_new);
                    }
                    None => {
                        app.on_error(&error);
                        form_problem.set(Some(if error == ApiError::Network {
                            Text::SettingsNeedNetwork
                        } else {
                            error_text(&error)
                        }));
                    }
                },
            }
            busy.set(false);
        });
    };

    view! {
        <form class="settings__password" on:submit=submit novalidate=true aria-labelledby="password-title">
            <h3 id="password-title">{i18n.t(Text::ChangePassword)}</h3>
            <TextField
                id="current-password"
                label=Text::CurrentPassword
                value=current
                error=current_problem
                input_type="password"
                autocomplete="current-password"
            />
            <TextField
                id="new-password"
                label=Text::NewPassword
                value=new
                error=new_problem
                input_type="password"
                autocomplete="new-password"
            />
            <TextField
                id="confirm-password"
                label=Text::ConfirmPassword
                value=confirm
                error=confirm_problem
                input_type="password"
                autocomplete="new-password"
            />
            <p class="form-error" role="alert">{move || form_problem.get().map(|text| text.in_lang(i18n.lang.get()))}</p>
            <Show when=move || done.get()>
                <p class="notice" role="status">{i18n.t(Text::PasswordChanged)}</p>
            </Show>
            <button type="submit" class="primary" disabled=move || busy.get()>{i18n.t(Text::ChangePassword)}</button>
        </form>
    }
}
