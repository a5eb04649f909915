//! `/admin/policies`: the workspace's policies in one place — the recall window, the largest
//! group, the largest file, each member's upload quota, the allowed file types, which devices keep
//! offline copies of chats, whether members may share messages to other apps and how long the
//! audit log keeps its entries — loaded from and saved to the server, which applies them at once;
//! links to the per-department session lifetimes and the confidential-chat policy. A value the
//! server refuses is shown beside its field (the server's message names the field).

use super::components::NoticeLine;
use super::model::Notice;
use super::state::use_admin;
use crate::api::ApiError;
use crate::i18n::policies::Pt;
use crate::i18n::{Lang, use_i18n};
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::policy::{OfflineCopies, WorkspacePolicies};

const KIB: u64 = 1024;
const MIB: u64 = 1024 * 1024;

/// One field of the form: its text, and the problem shown beside it.
#[derive(Clone, Copy)]
struct Field {
    /// The server's name for it (the prefix of its refusals).
    wire: &'static str,
    id: &'static str,
    label: Pt,
    hint: Option<Pt>,
    text: RwSignal<String>,
    problem: RwSignal<Option<String>>,
}

impl Field {
    fn new(wire: &'static str, id: &'static str, label: Pt, hint: Option<Pt>) -> Self {
        Self { wire, id, label, hint, text: RwSignal::new(String::new()), problem: RwSignal::new(None) }
    }

    /// The field's whole number, or its problem set.
    fn number(self, lang: Lang) -> Option<u64> {
        let parsed = self.text.get_untracked().trim().parse::<u64>().ok();
        if parsed.is_none() {
            self.problem.set(Some(Pt::WholeNumber.in_lang(lang).to_owned()));
        }
        parsed
    }
}

struct Form {
    recall: Field,
    group: Field,
    file: Field,
    quota: Field,
    types: Field,
    retention: Field,
    offline_copies: RwSignal<OfflineCopies>,
    external_sharing: RwSignal<bool>,
}

impl Form {
    fn new() -> Self {
        Self {
            recall: Field::new("recall_window_minutes", "policy-recall", Pt::RecallWindow, Some(Pt::RecallHint)),
            group: Field::new("max_group_size", "policy-group", Pt::GroupSize, None),
            file: Field::new("max_file_bytes", "policy-file", Pt::MaxFile, None),
            quota: Field::new("upload_quota_mib", "policy-quota", Pt::Quota, None),
            types: Field::new("allowed_file_types", "policy-types", Pt::FileTypes, Some(Pt::FileTypesHint)),
            retention: Field::new(
                "audit_retention_days",
                "policy-retention",
                Pt::AuditRetention,
                Some(Pt::AuditRetentionHint),
            ),
            offline_copies: RwSignal::new(OfflineCopies::default()),
            external_sharing: RwSignal::new(true),
        }
    }

    fn all(&self) -> [Field; 6] {
        [self.recall, self.group, self.file, self.quota, self.types, self.retention]
    }

    fn show(&self, policies: &WorkspacePolicies) {
        self.recall.text.set(policies.recall_window_minutes.to_string());
        self.group.text.set(policies.max_group_size.to_string());
        self.file.text.set(policies.max_file_bytes.div_ceil(KIB).to_string());
        self.quota.text.set(policies.upload_quota_mib.to_string());
        self.types.text.set(policies.allowed_file_types.join(", "));
        self.retention.text.set(policies.audit_retention_days.to_string());
        self.offline_copies.set(policies.offline_copies);
        self.external_sharing.set(policies.external_sharing);
    }

    /// The policies the form says, or None with each unreadable field's problem set.
    fn read(&self, lang: Lang) -> Option<WorkspacePolicies> {
        for field in self.all() {
            field.problem.set(None);
        }
        let recall = self.recall.number(lang);
        let group = self.group.number(lang);
        let file = self.file.number(lang);
        let quota = self.quota.number(lang);
        let retention = self.retention.number(lang);
        let types = self
            .types
            .text
            .get_untracked()
            .split([',', '，', ' ', ';'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        Some(WorkspacePolicies {
            // Out-of-range numbers go to the server, which names the field in its refusal.
            recall_window_minutes: u32::try_from(recall?).unwrap_or(u32::MAX),
            max_group_size: u32::try_from(group?).unwrap_or(u32::MAX),
            max_file_bytes: file?.saturating_mul(KIB),
            upload_quota_mib: quota?,
            allowed_file_types: types,
            offline_copies: self.offline_copies.get_untracked(),
            external_sharing: self.external_sharing.get_untracked(),
            audit_retention_days: u32::try_from(retention?).unwrap_or(u32::MAX),
        })
    }

    /// Puts a refusal beside the field it names; true when one did.
    fn place(&self, message: &str) -> bool {
        let Some(field) = self.all().into_iter().find(|f| message.starts_with(&format!("{}:", f.wire))) else {
            return false;
        };
        let text = message[field.wire.len() + 1..].trim();
        let shown = match field.wire {
            // The server counts bytes; the form, KB.
            "max_file_bytes" => {
                text.replace(&format!("{KIB} (1 KiB)"), "1 KB").replace(&format!("{} (10 MiB)", 10 * MIB), "10240 KB")
            }
            _ => text.to_owned(),
        };
        field.problem.set(Some(shown));
        true
    }
}

#[component]
pub fn PoliciesPage() -> impl IntoView {
    let i18n = use_i18n();
    let admin = use_admin();
    let form = StoredValue::new(Form::new());
    let loaded = RwSignal::new(false);
    let notice = RwSignal::new(None::<Notice>);
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    if let Some(api) = admin.api() {
        spawn_local(async move {
            match api.workspace_policies().await {
                Ok(policies) => {
                    form.with_value(|f| f.show(&policies));
                    loaded.set(true);
                }
                Err(err) => notice.set(Some(Notice::of(&err))),
            }
        });
    }
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        notice.set(None);
        let Some(policies) = form.with_value(|f| f.read(i18n.lang.get_untracked())) else { return };
        let Some(api) = admin.api() else { return };
        busy.set(true);
        spawn_local(async move {
            match api.set_workspace_policies(&policies).await {
                Ok(stored) => {
                    form.with_value(|f| f.show(&stored));
                    saved.set(true);
                }
                Err(ApiError::Server { body, .. }) if form.with_value(|f| f.place(&body.message)) => {}
                Err(err) => notice.set(Some(Notice::of(&err))),
            }
            busy.set(false);
        });
    };
    let field_view = move |field: Field| {
        let error_id = format!("{}-error", field.id);
        let hint_id = format!("{}-hint", field.id);
        let described = match field.hint {
            Some(_) => format!("{hint_id} {error_id}"),
            None => error_id.clone(),
        };
        let numeric = field.wire != "allowed_file_types";
        view! {
            <div class="policy-field">
                <label for=field.id>{i18n.policy(field.label)}</label>
                <input
                    id=field.id
                    type="text"
                    inputmode=numeric.then_some("numeric")
                    autocomplete="off"
                    prop:value=move || field.text.get()
                    on:input=move |ev| {
                        field.text.set(event_target_value(&ev));
                        field.problem.set(None);
                        saved.set(false);
                    }
                    aria-invalid=move || field.problem.with(Option::is_some).to_string()
                    aria-describedby=described
                />
                {field.hint.map(|hint| view! { <p class="hint policy-field__hint" id=hint_id>{i18n.policy(hint)}</p> })}
                <p class="field-error" id=error_id role="alert">{move || field.problem.get()}</p>
            </div>
        }
    };
    let [recall, group, file, quota, types, retention] = form.with_value(Form::all);
    let offline_copies = form.with_value(|f| f.offline_copies);
    let external_sharing = form.with_value(|f| f.external_sharing);
    let offline_choice = move |choice: OfflineCopies| {
        let id = format!("policy-offline-{}", offline_copy_value(choice));
        view! {
            <div class="policy-choice">
                <input
                    type="radio"
                    id=id.clone()
                    name="policy-offline-copies"
                    value=offline_copy_value(choice)
                    prop:checked=move || offline_copies.get() == choice
                    on:change=move |_| {
                        offline_copies.set(choice);
                        saved.set(false);
                    }
                />
                <label for=id>{i18n.policy(offline_copy_label(choice))}</label>
            </div>
        }
    };
    view! {
        <section aria-labelledby="policies-title" class="policies">
            <h2 id="policies-title">{i18n.policy(Pt::Title)}</h2>
            <p class="hint">{i18n.policy(Pt::Intro)}</p>
            <NoticeLine notice=notice/>
            <Show when=move || loaded.get()>
                <form on:submit=save novalidate=true>
                    <fieldset>
                        <legend>{i18n.policy(Pt::Messages)}</legend>
                        {field_view(recall)}
                        {field_view(group)}
                    </fieldset>
                    <fieldset>
                        <legend>{i18n.policy(Pt::Files)}</legend>
                        {field_view(file)}
                        {field_view(quota)}
                        {field_view(types)}
                    </fieldset>
                    <fieldset aria-describedby="policy-offline-hint">
                        <legend>{i18n.policy(Pt::OfflineCopies)}</legend>
                        <p class="hint policy-field__hint" id="policy-offline-hint">{i18n.policy(Pt::OfflineCopiesHint)}</p>
                        {OfflineCopies::ALL.map(offline_choice)}
                    </fieldset>
                    <fieldset>
                        <legend>{i18n.policy(Pt::Sharing)}</legend>
                        <div class="policy-choice">
                            <input
                                type="checkbox"
                                id="policy-external-sharing"
                                aria-describedby="policy-sharing-hint"
                                prop:checked=move || external_sharing.get()
                                on:change=move |ev| {
                                    external_sharing.set(event_target_checked(&ev));
                                    saved.set(false);
                                }
                            />
                            <label for="policy-external-sharing">{i18n.policy(Pt::ExternalSharing)}</label>
                        </div>
                        <p class="hint policy-field__hint" id="policy-sharing-hint">{i18n.policy(Pt::ExternalSharingHint)}</p>
                    </fieldset>
                    <fieldset>
                        <legend>{i18n.policy(Pt::AuditLog)}</legend>
                        {field_view(retention)}
                    </fieldset>
                    <button type="submit" class="primary" disabled=move || busy.get()>{i18n.policy(Pt::Save)}</button>
                    <Show when=move || saved.get()>
                        <span class="form-status" role="status">{i18n.policy(Pt::Saved)}</span>
                    </Show>
                </form>
            </Show>
            <h3>{i18n.policy(Pt::Elsewhere)}</h3>
            <ul class="policies__elsewhere">
                <li><a href="/admin/session-policies">{i18n.policy(Pt::SessionPolicies)}</a></li>
                <li><a href="/admin/confidential">{i18n.policy(Pt::ConfidentialPolicy)}</a></li>
            </ul>
        </section>
    }
}

/// The value of an offline-copy choice's radio button (the wire name).
fn offline_copy_value(choice: OfflineCopies) -> &'static str {
    match choice {
        OfflineCopies::AllDevices => "all_devices",
        OfflineCopies::PersonalDevices => "personal_devices",
        OfflineCopies::NoDevices => "no_devices",
    }
}

fn offline_copy_label(choice: OfflineCopies) -> Pt {
    match choice {
        OfflineCopies::AllDevices => Pt::OfflineAllDevices,
        OfflineCopies::PersonalDevices => Pt::OfflinePersonalDevices,
        OfflineCopies::NoDevices => Pt::OfflineNoDevices,
    }
}
