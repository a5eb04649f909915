//! A group's robots on its settings page: the list (name, who added it), adding one by name (its
//! webhook address is shown this once, with Copy), and removing one (offered to whoever added it,
//! the owner and administrators; the server decides). Robots live on the server only: offline,
//! the section says it needs a connection.

use crate::api::{Api, ApiError};
use crate::i18n::bots::Bt;
use crate::i18n::{Text, use_i18n};
use crate::platform::{copy_to_clipboard, date_time, origin};
use crate::session::use_session;
use crate::ui::failure::Failure;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::bot::{MAX_ROBOT_NAME_CHARS, Robot, validate_robot_name};
use weft_protocol::{ConversationId, MemberId};

#[component]
pub fn GroupRobots(
    conversation: Memo<Option<ConversationId>>,
    /// The member is the group's owner or an administrator.
    #[prop(into)]
    can_manage: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let robots = RwSignal::new(None::<Vec<Robot>>);
    let failure = RwSignal::new(None::<Failure>);
    let name = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let webhook = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);
    let api = move || session.0.with_untracked(|s| s.as_ref().map(|s| Api::with_token(&s.token)));
    let me = move || session.0.with(|s| s.as_ref().map(|s| s.me.id));
    let show_failure = move |err: ApiError| {
        failure.set(Some(if err == ApiError::Network { Failure::Text(Text::NeedsNetwork) } else { Failure::of(&err) }));
    };
    let load = move || {
        let (Some(api), Some(id)) = (api(), conversation.get_untracked()) else { return };
        spawn_local(async move {
            match api.robots(id).await {
                Ok(list) => {
                    failure.set(None);
                    robots.set(Some(list));
                }
                Err(err) => show_failure(err),
            }
        });
    };
    Effect::new(move |_| {
        if conversation.get().is_some() {
            load();
        }
    });
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let wanted = name.get_untracked();
        if validate_robot_name(&wanted).is_err() {
            let lang = i18n.lang.get_untracked();
            let words = match lang {
                crate::i18n::Lang::Zh => format!("请填写机器人名称（最多 {MAX_ROBOT_NAME_CHARS} 个字）。"),
                crate::i18n::Lang::En => format!("Name the robot (at most {MAX_ROBOT_NAME_CHARS} characters)."),
            };
            name_error.set(Some(words));
            return;
        }
        name_error.set(None);
        let (Some(api), Some(id)) = (api(), conversation.get_untracked()) else { return };
        busy.set(true);
        spawn_local(async move {
            match api.add_robot(id, &wanted).await {
                Ok(added) => {
                    name.set(String::new());
                    copied.set(false);
                    webhook.set(Some(format!("{}{}", origin(), added.webhook_path)));
                    robots.update(|list| list.get_or_insert_with(Vec::new).push(added.robot));
                }
                Err(err) => show_failure(err),
            }
            busy.set(false);
        });
    };
    let remove = move |robot: weft_protocol::RobotId| {
        let (Some(api), Some(id)) = (api(), conversation.get_untracked()) else { return };
        spawn_local(async move {
            match api.remove_robot(id, robot).await {
                Ok(()) => robots.update(|list| {
                    if let Some(list) = list {
                        list.retain(|r| r.id != robot);
                    }
                }),
                Err(err) => show_failure(err),
            }
        });
    };
    let may_remove = move |added_by: MemberId| can_manage.get() || me() == Some(added_by);
    view! {
        <section class="group-robots" aria-labelledby="robots-title">
            <h3 id="robots-title">{i18n.bot(Bt::Robots)}</h3>
            <p class="hint">{i18n.bot(Bt::RobotsHint)}</p>
            <p class="form-error" role="alert">{move || failure.with(|f| f.as_ref().map(|f| f.render(i18n.lang.get())))}</p>
            <Show when=move || robots.with(|r| r.as_ref().is_some_and(Vec::is_empty))>
                <p class="hint">{i18n.bot(Bt::NoRobots)}</p>
            </Show>
            <ul class="participants">
                <For each=move || robots.get().unwrap_or_default() key=|r| r.id let:robot>
                    {
                        let (id, added_by) = (robot.id, robot.added_by);
                        let label = format!("{} {}", Bt::RemoveRobot.in_lang(i18n.lang.get_untracked()), robot.name);
                        view! {
                            <li class="participant">
                                <span>{robot.name.clone()}" "<span class="hint">{move || i18n.bot(Bt::AddedBy)()}" "{robot.added_by_name.clone()}" · "{date_time(robot.added_at)}</span></span>
                                <Show when=move || may_remove(added_by)>
                                    <button type="button" class="link danger" aria-label=label.clone() on:click=move |_| remove(id)>
                                        {i18n.bot(Bt::RemoveRobot)}
                                    </button>
                                </Show>
                            </li>
                        }
                    }
                </For>
            </ul>
            <Show when=move || webhook.with(Option::is_some)>
                <div class="robot-webhook" role="status">
                    <p>{i18n.bot(Bt::WebhookOnce)}</p>
                    <label for="robot-webhook">{i18n.bot(Bt::WebhookAddress)}</label>
                    <input id="robot-webhook" readonly prop:value=move || webhook.get().unwrap_or_default()/>
                    <button type="button" on:click=move |_| {
                        let address = webhook.get_untracked().unwrap_or_default();
                        spawn_local(async move { copied.set(copy_to_clipboard(&address).await) });
                    }>{i18n.bot(Bt::CopyWebhook)}</button>
                    <Show when=move || copied.get()><span class="hint">{i18n.bot(Bt::Copied)}</span></Show>
                    <button type="button" class="primary" on:click=move |_| webhook.set(None)>{i18n.bot(Bt::Done)}</button>
                </div>
            </Show>
            <form class="inline-form" on:submit=add>
                <label for="robot-name">{i18n.bot(Bt::RobotName)}</label>
                <input
                    id="robot-name"
                    maxlength=MAX_ROBOT_NAME_CHARS.to_string()
                    aria-invalid=move || name_error.with(Option::is_some).to_string()
                    aria-describedby="robot-name-error"
                    prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev))
                />
                <button type="submit" class="primary" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.bot(Bt::Adding)() } else { i18n.bot(Bt::AddRobot)() }}
                </button>
                <p id="robot-name-error" class="field-error" role="alert">{move || name_error.get()}</p>
            </form>
        </section>
    }
}
