//! `/admin/watermark-trace`: an auditor uploads a leaked picture (PNG or JPEG) and the server's
//! decoder says whose invisible mark it carries — member, session and when the mark was issued —
//! or that none was found.

use super::super::components::NoticeLine;
use super::super::model::Notice;
use super::super::state::use_admin;
use crate::i18n::confidential::{Ct, trace_owner_text};
use crate::i18n::use_i18n;
use crate::platform::date_time;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use weft_protocol::confidential::WatermarkDecode;

#[component]
pub fn WatermarkTracePage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let result = RwSignal::new(None::<WatermarkDecode>);
    let checking = RwSignal::new(false);
    let notice = RwSignal::new(None::<Notice>);
    let chosen = move |ev: leptos::ev::Event| {
        let Some(file) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0))
        else {
            return;
        };
        let Some(api) = admin.api() else { return };
        result.set(None);
        notice.set(None);
        checking.set(true);
        spawn_local(async move {
            match api.decode_watermark(&file).await {
                Ok(found) => result.set(Some(found)),
                Err(err) => notice.set(Some(Notice::of(&err))),
            }
            checking.set(false);
        });
    };
    let answer = move || {
        result.get().map(|found| match found.owner {
            Some(owner) => format!(
                "{}: {}",
                Ct::TraceFound.in_lang(i18n.lang.get()),
                trace_owner_text(
                    &owner.name,
                    &owner.userid,
                    &owner.session_id.to_string().chars().take(8).collect::<String>(),
                    &date_time(owner.issued_at),
                    i18n.lang.get()
                )
            ),
            None => Ct::TraceNoMark.in_lang(i18n.lang.get()).to_owned(),
        })
    };
    view! {
        <section aria-labelledby="watermark-trace-title">
            <h2 id="watermark-trace-title">{i18n.c(Ct::TraceTitle)}</h2>
            <p class="hint">{i18n.c(Ct::Honest)}</p>
            <label for="watermark-trace-file">{i18n.c(Ct::TraceUpload)}</label>
            <input id="watermark-trace-file" type="file" accept="image/png,image/jpeg" on:change=chosen/>
            <NoticeLine notice=notice/>
            <Show when=move || checking.get()>
                <p class="hint" role="status">{i18n.c(Ct::TraceChecking)}</p>
            </Show>
            <p class="watermark-trace__result" role="status" data-testid="trace-result">{answer}</p>
        </section>
    }
}
