//! `/admin/kiosk-codes`: enrolment codes for kiosk browsers. Creating one with a terminal name
//! shows its code once, with Copy; the list shows every code's name, when it was made and
//! whether it was revoked; revoking one (after a confirmation) also ends the sessions signed in
//! with it.

use super::super::components::{ConfirmButton, NoticeLine};
use super::super::model::Notice;
use super::super::state::use_admin;
use crate::i18n::{Text, use_i18n};
use crate::platform::{copy_to_clipboard, date_time};
use crate::ui::text_field::TextField;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::KioskCodeId;
use weft_protocol::auth::{KioskCode, MAX_KIOSK_LABEL_LEN};

#[component]
pub fn KioskCodesPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let codes = RwSignal::new(None::<Vec<KioskCode>>);
    let label = RwSignal::new(String::new());
    let label_problem = RwSignal::new(None::<Text>);
    let created = RwSignal::new(None::<KioskCode>);
    let copied = RwSignal::new(false);
    let notice = RwSignal::new(None::<Notice>);
    let confirming = RwSignal::new(None::<KioskCodeId>);

    let load = move || {
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            match api.kiosk_codes().await {
                Ok(mut list) => {
                    list.sort_by_key(|c| std::cmp::Reverse(c.created_at));
                    codes.set(Some(list));
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    load();
    let create = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        notice.set(None);
        let name = label.get_untracked().trim().to_owned();
        if name.is_empty() {
            label_problem.set(Some(Text::AdminKioskLabelEmpty));
            return;
        }
        label_problem.set(None);
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            match api.create_kiosk_code(&name).await {
                Ok(code) => {
                    label.set(String::new());
                    copied.set(false);
                    created.set(Some(code));
                    load();
                }
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };
    let copy = move |_| {
        let Some(code) = created.with_untracked(|c| c.as_ref().and_then(|c| c.code.clone())) else { return };
        spawn_local(async move { copied.set(copy_to_clipboard(&code).await) });
    };
    let revoke = move |id: KioskCodeId| {
        confirming.set(None);
        let Some(api) = admin.api() else { return };
        spawn_local(async move {
            match api.revoke_kiosk_code(id).await {
                Ok(()) => load(),
                Err(error) => notice.set(Some(Notice::of(&error))),
            }
        });
    };

    view! {
        <section class="admin-section" aria-labelledby="kiosk-title">
            <h2 id="kiosk-title">{i18n.t(Text::AdminKioskCodes)}</h2>
            <form class="kiosk-create" on:submit=create novalidate=true>
                <TextField
                    id="kiosk-label"
                    label=Text::AdminKioskLabel
                    value=label
                    error=label_problem
                    maxlength=MAX_KIOSK_LABEL_LEN as u32
                />
                <button type="submit" class="primary">{i18n.t(Text::AdminKioskCreate)}</button>
            </form>
            <NoticeLine notice=notice/>
            <Show when=move || created.with(Option::is_some)>
                <div class="kiosk-created" role="status" aria-labelledby="kiosk-created-title">
                    <h3 id="kiosk-created-title">{i18n.t(Text::AdminNewKioskCode)}</h3>
                    <p>{i18n.t(Text::AdminKioskCodeOnce)}</p>
                    <p>
                        <code data-testid="kiosk-code">{move || created.with(|c| c.as_ref().and_then(|c| c.code.clone()))}</code>
                        " "
                        <button type="button" on:click=copy>{i18n.t(Text::AdminCopy)}</button>
                        <Show when=move || copied.get()>
                            " "<span>{i18n.t(Text::AdminCopied)}</span>
                        </Show>
                    </p>
                </div>
            </Show>
            <Show
                when=move || codes.with(|c| c.as_ref().is_some_and(|c| !c.is_empty()))
                fallback=move || view! { <p class="hint">{move || codes.with(Option::is_some).then(|| i18n.t(Text::AdminNoKioskCodes)())}</p> }
            >
                <table class="admin-table">
                    <thead>
                        <tr>
                            <th scope="col">{i18n.t(Text::AdminKioskLabel)}</th>
                            <th scope="col">{i18n.t(Text::AdminCreatedAt)}</th>
                            <th scope="col">{i18n.t(Text::AdminSessionState)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For
                            each=move || codes.get().unwrap_or_default()
                            key=|c| (c.id, c.revoked_at)
                            children=move |c: KioskCode| {
                                let id = c.id;
                                view! {
                                    <tr>
                                        <td><bdi>{c.label.clone()}</bdi></td>
                                        <td>{date_time(c.created_at)}</td>
                                        <td class="admin-table__actions">
                                            {match c.revoked_at {
                                                Some(at) => view! { <span>{move || format!("{} {}", Text::AdminRevoked.in_lang(i18n.lang.get()), date_time(at))}</span> }.into_any(),
                                                None => view! {
                                                    <ConfirmButton
                                                        confirming=Signal::derive(move || confirming.get() == Some(id))
                                                        label=Text::AdminRevoke
                                                        aria_label=Signal::derive(move || format!("{} {}", Text::AdminRevoke.in_lang(i18n.lang.get()), c.label))
                                                        question=Text::AdminRevokeQuestion
                                                        yes=Text::AdminRevoke
                                                        on_ask=Callback::new(move |()| confirming.set(Some(id)))
                                                        on_yes=Callback::new(move |()| revoke(id))
                                                        on_cancel=Callback::new(move |()| confirming.set(None))
                                                    />
                                                }.into_any(),
                                            }}
                                        </td>
                                    </tr>
                                }
                            }
                        />
                    </tbody>
                </table>
            </Show>
        </section>
    }
}
