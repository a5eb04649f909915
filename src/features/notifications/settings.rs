//! `NotificationSettings`: the notifications section of the Me page — push on this device (the browser's subscription, raced against a timeout:
//! a browser whose push service never answers shows "Push unavailable"), whether @mentions
//! break through muted chats, and quiet hours in the member's local time.

use crate::api::ApiError;
use crate::i18n::notifications::Nt;
use crate::i18n::use_i18n;
use crate::platform::push::{self, PushUnavailable};
use crate::state::use_app;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::push::{PushSettings, QuietHours};

/// Where push stands on this device.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DevicePush {
    Checking,
    On,
    Off,
    Working,
    Unavailable(PushUnavailable),
}

/// "HH:MM" as minutes after midnight.
pub fn parse_time(value: &str) -> Option<u16> {
    let (hours, minutes) = value.split_once(':')?;
    let (hours, minutes): (u16, u16) = (hours.parse().ok()?, minutes.get(..2)?.parse().ok()?);
    (hours < 24 && minutes < 60).then_some(hours * 60 + minutes)
}

/// Minutes after midnight as "HH:MM".
pub fn format_time(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// This browser's offset from UTC in minutes east (UTC+8 → 480).
fn utc_offset_minutes() -> i16 {
    i16::try_from(-js_sys::Date::new_0().get_timezone_offset().round() as i32).unwrap_or_default()
}

#[component]
pub fn NotificationSettings() -> impl IntoView {
    let i18n = use_i18n();
    let app = use_app();
    let device = RwSignal::new(DevicePush::Checking);
    let settings = RwSignal::new(None::<PushSettings>);
    let quiet_on = RwSignal::new(false);
    let from = RwSignal::new("22:00".to_owned());
    let until = RwSignal::new("07:00".to_owned());
    let note = RwSignal::new(None::<Nt>);

    let failed = move |error: ApiError| {
        app.on_error(&error);
        note.set(Some(if error == ApiError::Network { Nt::NeedNetwork } else { Nt::PushUnavailable }));
    };
    // What the server keeps, and whether this browser is subscribed (a subscription made in an
    // earlier session is registered again for this one).
    if let Some(api) = app.sync.api() {
        let api_for_device = api.clone();
        spawn_local(async move {
            match api.push_settings().await {
                Ok(saved) => {
                    if let Some(quiet) = saved.quiet_hours {
                        quiet_on.set(true);
                        from.set(format_time(quiet.start));
                        until.set(format_time(quiet.end));
                    }
                    settings.set(Some(saved));
                }
                Err(error) => failed(error),
            }
        });
        spawn_local(async move {
            if !push::supported() {
                device.set(DevicePush::Unavailable(PushUnavailable::Unsupported));
                return;
            }
            match push::current().await {
                Some(subscription) => {
                    let saved = api_for_device.save_push_subscription(&subscription).await;
                    device.set(if saved.is_ok() { DevicePush::On } else { DevicePush::Off });
                }
                None => device.set(DevicePush::Off),
            }
        });
    }

    let turn_on = move || {
        let Some(api) = app.sync.api() else { return };
        device.set(DevicePush::Working);
        note.set(None);
        spawn_local(async move {
            let key = match api.push_key().await {
                Ok(key) => key,
                Err(error) => {
                    device.set(DevicePush::Off);
                    failed(error);
                    return;
                }
            };
            match push::subscribe(&key.public_key).await {
                Ok(subscription) => match api.save_push_subscription(&subscription).await {
                    Ok(()) => device.set(DevicePush::On),
                    Err(error) => {
                        device.set(DevicePush::Off);
                        failed(error);
                    }
                },
                Err(why) => device.set(DevicePush::Unavailable(why)),
            }
        });
    };
    let turn_off = move || {
        let Some(api) = app.sync.api() else { return };
        device.set(DevicePush::Working);
        spawn_local(async move {
            if let Some(endpoint) = push::unsubscribe().await {
                // Already gone on the server (404) is fine: the device is off either way.
                let _ = api.remove_push_subscription(&endpoint).await;
            }
            device.set(DevicePush::Off);
        });
    };
    let save = move |next: PushSettings| {
        let Some(api) = app.sync.api() else { return };
        spawn_local(async move {
            match api.save_push_settings(&next).await {
                Ok(saved) => {
                    settings.set(Some(saved));
                    note.set(Some(Nt::Saved));
                }
                Err(error) => failed(error),
            }
        });
    };
    let current = move || {
        let mut now = settings.get_untracked().unwrap_or_default();
        now.utc_offset_minutes = utc_offset_minutes();
        now
    };
    let save_quiet = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut next = current();
        next.quiet_hours = if quiet_on.get_untracked() {
            match (parse_time(&from.get_untracked()), parse_time(&until.get_untracked())) {
                (Some(start), Some(end)) => Some(QuietHours { start, end }),
                _ => return,
            }
        } else {
            None
        };
        save(next);
    };
    let status = move || match device.get() {
        DevicePush::Checking => None,
        DevicePush::On => Some(Nt::PushOn),
        DevicePush::Off => Some(Nt::PushOff),
        DevicePush::Working => Some(Nt::Enabling),
        DevicePush::Unavailable(PushUnavailable::Unsupported) => Some(Nt::PushUnsupported),
        DevicePush::Unavailable(PushUnavailable::Denied) => Some(Nt::PushDenied),
        DevicePush::Unavailable(PushUnavailable::NoService) => Some(Nt::PushUnavailable),
    };

    view! {
        <section class="me-section notification-settings" aria-labelledby="notifications-title">
            <h3 id="notifications-title">{i18n.nt(Nt::Notifications)}</h3>
            <p class="device-mode__hint">{i18n.nt(Nt::NotificationsHint)}</p>
            <p class="setting-row">
                <input
                    type="checkbox"
                    id="push-this-device"
                    prop:checked=move || device.get() == DevicePush::On
                    disabled=move || {
                        matches!(
                            device.get(),
                            DevicePush::Checking | DevicePush::Working | DevicePush::Unavailable(PushUnavailable::Unsupported)
                        )
                    }
                    on:change=move |ev| if event_target_checked(&ev) { turn_on() } else { turn_off() }
                />
                <label for="push-this-device">{i18n.nt(Nt::PushOnThisDevice)}</label>
            </p>
            <p class="device-mode__hint" role="status">
                {move || status().map(|text| text.in_lang(i18n.lang.get()))}
            </p>
            <p class="setting-row">
                <input
                    type="checkbox"
                    id="push-mentions-break-mute"
                    prop:checked=move || settings.with(|s| s.as_ref().is_none_or(|s| s.mentions_break_mute))
                    disabled=move || settings.with(Option::is_none)
                    on:change=move |ev| {
                        let mut next = current();
                        next.mentions_break_mute = event_target_checked(&ev);
                        save(next);
                    }
                />
                <label for="push-mentions-break-mute">{i18n.nt(Nt::MentionsBreakMute)}</label>
            </p>
            <form class="quiet-hours" on:submit=save_quiet>
                <p class="setting-row">
                    <input
                        type="checkbox"
                        id="push-quiet-hours"
                        prop:checked=move || quiet_on.get()
                        on:change=move |ev| quiet_on.set(event_target_checked(&ev))
                    />
                    <label for="push-quiet-hours">{i18n.nt(Nt::QuietHours)}</label>
                </p>
                <p class="quiet-hours__times">
                    <label>
                        {i18n.nt(Nt::QuietFrom)}
                        " "
                        <input
                            type="time"
                            required=true
                            disabled=move || !quiet_on.get()
                            prop:value=move || from.get()
                            on:input=move |ev| from.set(event_target_value(&ev))
                        />
                    </label>
                    <label>
                        {i18n.nt(Nt::QuietUntil)}
                        " "
                        <input
                            type="time"
                            required=true
                            disabled=move || !quiet_on.get()
                            prop:value=move || until.get()
                            on:input=move |ev| until.set(event_target_value(&ev))
                        />
                    </label>
                </p>
                <button type="submit" disabled=move || settings.with(Option::is_none)>
                    {i18n.nt(Nt::SaveQuietHours)}
                </button>
            </form>
            <p class="device-mode__hint" role="status" aria-live="polite">
                {move || note.get().map(|text| text.in_lang(i18n.lang.get()))}
            </p>
        </section>
    }
}
