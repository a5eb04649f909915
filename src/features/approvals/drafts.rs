//! Approval drafts on the device: read from the store when a form opens, saved as the member types
//! (once typing pauses), deleted once the request is sent, and moved out of `localStorage`, where
//! earlier versions kept them in clear.

use crate::features::approvals::form::RawForm;
use crate::store::{Store, StoreError};
use crate::sync::SyncState;
use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use leptos::task::spawn_local;
use weft_protocol::{MemberId, TemplateId};

/// How long typing must pause before the draft is saved.
pub const SAVE_DELAY_MS: u32 = 300;

/// The start of the `localStorage` keys earlier versions kept a member's drafts under
/// (`weft.approval-draft.<member>.<template>`, the draft's JSON in clear).
pub fn local_storage_drafts_prefix(member: MemberId) -> String {
    format!("weft.approval-draft.{member}.")
}

/// Moves a member's drafts from `localStorage` into the store and removes them from
/// `localStorage`; entries that cannot be read (not a template id, not a form) are removed too.
/// A draft already in the store is newer and is kept. Returns how many drafts were moved.
pub async fn move_local_storage_drafts(store: &impl Store, member: MemberId) -> Result<usize, StoreError> {
    let prefix = local_storage_drafts_prefix(member);
    let mut moved = 0;
    for key in crate::platform::local_keys_with_prefix(&prefix) {
        let template = key[prefix.len()..].parse::<TemplateId>().ok();
        let draft = crate::platform::local_get(&key).and_then(|json| serde_json::from_str::<RawForm>(&json).ok());
        if let (Some(template), Some(draft)) = (template, draft)
            && store.draft::<RawForm>(template).await?.is_none()
        {
            store.put_draft(template, &draft).await?;
            moved += 1;
        }
        crate::platform::local_remove(&key);
    }
    Ok(moved)
}

/// The draft saved for a template, or an empty form.
pub async fn load_draft(sync: SyncState, template: TemplateId) -> RawForm {
    match sync.opened_store().await {
        Some(store) => store.draft::<RawForm>(template).await.ok().flatten().unwrap_or_default(),
        None => RawForm::new(),
    }
}

/// Saves one template's draft to the device store once typing pauses for [`SAVE_DELAY_MS`].
/// Owned by the form: its values go with the form's reactive owner.
#[derive(Clone, Copy)]
pub struct DraftSaver {
    sync: SyncState,
    template: TemplateId,
    /// The form typed since the last save.
    unsaved: StoredValue<Option<RawForm>>,
    timer: StoredValue<Option<Timeout>, LocalStorage>,
    /// True once everything typed is in the store (the form says "Draft saved").
    pub saved: RwSignal<bool>,
}

impl DraftSaver {
    pub fn new(sync: SyncState, template: TemplateId) -> Self {
        Self {
            sync,
            template,
            unsaved: StoredValue::new(None),
            timer: StoredValue::new_local(None),
            saved: RwSignal::new(false),
        }
    }

    /// The form changed: save it once typing pauses (a newer change restarts the wait).
    pub fn changed(self, form: RawForm) {
        self.unsaved.set_value(Some(form));
        self.saved.set(false);
        // Replacing the timer cancels the previous one.
        self.timer.set_value(Some(Timeout::new(SAVE_DELAY_MS, move || self.save_now())));
    }

    /// Saves what is unsaved at once (the timer fired, or the form is closing).
    pub fn save_now(self) {
        let Some(form) = self.unsaved.try_update_value(Option::take).flatten() else { return };
        let Some(store) = self.sync.local() else { return };
        let template = self.template;
        let saved = self.saved;
        let sync = self.sync;
        spawn_local(async move {
            let result = store.put_draft(template, &form).await;
            let stored = result.is_ok();
            sync.check_write("approval draft", result);
            if stored && self.unsaved.try_with_value(Option::is_none).unwrap_or(false) {
                saved.try_set(true);
            }
        });
    }

    /// The request was sent: drop unsaved changes and delete the saved draft.
    pub fn discard(self) {
        self.unsaved.try_set_value(None);
        self.timer.try_set_value(None);
        let Some(store) = self.sync.local() else { return };
        let template = self.template;
        let sync = self.sync;
        spawn_local(async move { sync.check_write("approval draft", store.delete_draft(template).await) });
    }
}
