//! "3 messages not sent — Send now / Discard": shown over everything when a session is about to
//! end (Sign out, idle, ended by the server) while writes still wait in the outbox, so nothing
//! is wiped without the member seeing it. When the session already ended, sending is no longer
//! possible: the texts are listed so they can be copied, and Discard is the way on.

use crate::i18n::{Text, unsent_title, use_i18n};
use crate::session::EndCause;
use crate::sign_out::is_unsent_write;
use crate::state::use_app;
use crate::sync::Connection;
use crate::sync::outbox::{OutboxAction, OutboxEntry};
use leptos::prelude::*;

/// What the dialog lists for an entry: a message's text, an approval's name, or a general line.
fn entry_line(entry: &OutboxEntry) -> Option<String> {
    match &entry.action {
        OutboxAction::Send { text, file, .. } => {
            let file = file.as_ref().map(|f| format!("📎 {}", f.file_name));
            Some(
                [Some(text.clone()).filter(|t| !t.is_empty()), file]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        }
        OutboxAction::SubmitApproval { template_name, .. } => Some(template_name.clone()),
        OutboxAction::CommentApproval { text, .. } => Some(text.clone()),
        _ => None,
    }
}

#[component]
pub fn UnsentDialog() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let ending = app.sync.ending;
    let lines = move || {
        app.sync.outbox.with(|outbox| {
            outbox
                .iter()
                .filter(|entry| is_unsent_write(entry))
                .map(|entry| entry_line(entry).unwrap_or_else(|| Text::UnsentOther.in_lang(i18n.lang.get()).to_owned()))
                .collect::<Vec<_>>()
        })
    };
    // Over a locked screen someone else may be looking: the count only.
    let locked = super::idle::use_idle_lock().locked;
    let can_send = move || ending.get().is_some_and(|cause| cause.can_still_send());
    let offline = move || app.sync.connection.get() == Connection::Offline;
    view! {
        <Show when=move || ending.get().is_some()>
            <div class="modal-backdrop">
                <div
                    class="modal"
                    role="alertdialog"
                    aria-modal="true"
                    aria-labelledby="unsent-title"
                    aria-describedby="unsent-hint"
                >
                    <h2 id="unsent-title">{move || unsent_title(lines().len(), i18n.lang.get())}</h2>
                    <p id="unsent-hint">
                        {move || if can_send() { i18n.t(Text::UnsentCanSend)() } else { i18n.t(Text::UnsentEnded)() }}
                    </p>
                    <ul class="unsent-list" hidden=move || locked.get()>
                        {move || lines().into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                    <Show when=move || can_send() && offline()>
                        <p class="hint" role="status">{i18n.t(Text::UnsentOfflineHint)}</p>
                    </Show>
                    <div class="modal__actions">
                        <Show when=can_send>
                            <button type="button" class="primary" autofocus=true on:click=move |_| app.send_unsent_then_end()>
                                {i18n.t(Text::SendNow)}
                            </button>
                        </Show>
                        <button type="button" class="danger" on:click=move |_| app.discard_unsent_and_end()>
                            {i18n.t(Text::Discard)}
                        </button>
                        // Only the member's own Sign out can be taken back.
                        <Show when=move || ending.get() == Some(EndCause::SignedOut)>
                            <button type="button" class="link" on:click=move |_| ending.set(None)>
                                {i18n.t(Text::Cancel)}
                            </button>
                        </Show>
                    </div>
                </div>
            </div>
        </Show>
    }
}
