//! `/me` (我): the member's own page, a list of sections, each a component below: the profile
//! (from the signed-in session), the language, the colour theme, notifications (Web Push:
//! `features::notifications::settings`), the devices they are signed in on (the Settings →
//! Devices page of the managed sessions), the notice that work communications may be archived
//! under the organisation's policy, and about. A new section is one more component and
//! one more line in [`MePage`].

use crate::i18n::archive::Ar;
use crate::i18n::nav::Nt;
use crate::i18n::{Lang, use_i18n};
use crate::platform::theme::Theme;
use crate::session::use_session;
use leptos::prelude::*;

#[component]
pub fn MePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="conversation page me" aria-labelledby="me-title">
            <header class="conversation__header">
                <h2 id="me-title">{i18n.nav(Nt::Me)}</h2>
            </header>
            // The sections, in the order shown.
            <div class="page__body me__body">
                <ProfileSection/>
                <LanguageSection/>
                <ThemeSection/>
                <crate::features::notifications::settings::NotificationSettings/>
                <DevicesSection/>
                <ArchiveNoticeSection/>
                <AboutSection/>
            </div>
        </section>
    }
}

/// One titled section of the Me page (`id` names its heading).
#[component]
pub fn MeSection(id: &'static str, title: Nt, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="me-section" aria-labelledby=id>
            <h3 id=id>{i18n.nav(title)}</h3>
            {children()}
        </section>
    }
}

/// Name, account, department and position, as the server described the member at sign-in.
#[component]
fn ProfileSection() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = move || session.0.with(|s| s.as_ref().map(|s| s.me.clone()));
    let field = move |read: fn(&weft_protocol::auth::MemberProfile) -> String| {
        move || me().map(|me| read(&me)).filter(|v| !v.is_empty()).unwrap_or_else(|| "—".to_owned())
    };
    view! {
        <MeSection id="me-profile" title=Nt::Profile>
            <p class="me__name">
                <bdi>{field(|me| me.name.clone())}</bdi>
                <Show when=move || me().is_some_and(|me| !me.alias.is_empty())>
                    " " <bdi class="me__alias">{field(|me| me.alias.clone())}</bdi>
                </Show>
            </p>
            <dl class="me__facts">
                <dt>{i18n.nav(Nt::Userid)}</dt>
                <dd>{field(|me| me.userid.clone())}</dd>
                <dt>{i18n.nav(Nt::Department)}</dt>
                <dd>{field(|me| me.department.clone())}</dd>
                <dt>{i18n.nav(Nt::Position)}</dt>
                <dd>{field(|me| me.position.clone())}</dd>
            </dl>
        </MeSection>
    }
}

/// English or Chinese, each named in its own language; remembered on this device.
#[component]
fn LanguageSection() -> impl IntoView {
    let i18n = use_i18n();
    let choose = move |lang: Lang| {
        if i18n.lang.get_untracked() != lang {
            i18n.toggle();
        }
    };
    view! {
        <MeSection id="me-language" title=Nt::Language>
            <fieldset class="me__choices">
                <legend class="visually-hidden">{i18n.nav(Nt::Language)}</legend>
                <label class="me__choice" lang="en">
                    <input
                        type="radio"
                        name="me-language"
                        prop:checked=move || i18n.lang.get() == Lang::En
                        on:change=move |_| choose(Lang::En)
                    />
                    "English"
                </label>
                <label class="me__choice" lang="zh-CN">
                    <input
                        type="radio"
                        name="me-language"
                        prop:checked=move || i18n.lang.get() == Lang::Zh
                        on:change=move |_| choose(Lang::Zh)
                    />
                    "中文"
                </label>
            </fieldset>
        </MeSection>
    }
}

/// The device's theme, or light or dark; remembered on this device.
#[component]
fn ThemeSection() -> impl IntoView {
    let i18n = use_i18n();
    let chosen = RwSignal::new(Theme::load());
    let words = |theme: Theme| match theme {
        Theme::System => Nt::ThemeSystem,
        Theme::Light => Nt::ThemeLight,
        Theme::Dark => Nt::ThemeDark,
    };
    view! {
        <MeSection id="me-theme" title=Nt::Theme>
            <fieldset class="me__choices">
                <legend class="visually-hidden">{i18n.nav(Nt::Theme)}</legend>
                {Theme::ALL
                    .into_iter()
                    .map(|theme| {
                        view! {
                            <label class="me__choice">
                                <input
                                    type="radio"
                                    name="me-theme"
                                    prop:checked=move || chosen.get() == theme
                                    on:change=move |_| {
                                        theme.choose();
                                        chosen.set(theme);
                                    }
                                />
                                {i18n.nav(words(theme))}
                            </label>
                        }
                    })
                    .collect_view()}
            </fieldset>
        </MeSection>
    }
}

/// Where the member is signed in, and the password: the Settings → Devices page.
#[component]
fn DevicesSection() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <MeSection id="me-devices" title=Nt::Devices>
            <a class="me__link" href="/settings">{i18n.nav(Nt::DevicesLink)}</a>
        </MeSection>
    }
}

/// The notice that work communications may be archived under the organisation's policy.
#[component]
fn ArchiveNoticeSection() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="me-section" aria-labelledby="me-archive">
            <h3 id="me-archive">{i18n.archive(Ar::NoticeTitle)}</h3>
            <p data-testid="archive-notice">{i18n.archive(Ar::Notice)}</p>
        </section>
    }
}

/// What Weft is, and which version of the app this is.
#[component]
fn AboutSection() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <MeSection id="me-about" title=Nt::About>
            <p>{i18n.nav(Nt::AboutText)}</p>
            <dl class="me__facts">
                <dt>{i18n.nav(Nt::Version)}</dt>
                <dd>{env!("CARGO_PKG_VERSION")}</dd>
            </dl>
        </MeSection>
    }
}
