//! Deterrent reports on their way to the server. One that cannot go because the network is cut
//! is kept in the tab's memory — one per conversation and kind, with how often it was seen and
//! when first — and sent when the live connection is ready again ([`send_unsent`]), so going
//! offline before a screenshot does not keep it out of the audit log.

use crate::api::{Api, ApiError};
use leptos::task::spawn_local;
use std::cell::RefCell;
use weft_protocol::ConversationId;
use weft_protocol::confidential::DeterrentKind;

/// A report that could not be sent yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsent {
    pub conversation: ConversationId,
    pub kind: DeterrentKind,
    pub detail: String,
    /// How many times it was seen while it could not be sent.
    pub times: u32,
    /// The local date-time it was first seen ("2026-12-01 09:30").
    pub first_seen: String,
}

impl Unsent {
    /// The detail the server records: what was seen, and that it was seen offline.
    pub fn detail_text(&self) -> String {
        let times = if self.times == 1 { "once".to_owned() } else { format!("{} times", self.times) };
        format!("{} (offline, {times}, first at {})", self.detail, self.first_seen)
    }
}

thread_local! {
    static UNSENT: RefCell<Vec<Unsent>> = const { RefCell::new(Vec::new()) };
}

/// Keeps a report that could not be sent (counted with an earlier one of its kind).
pub fn keep(conversation: ConversationId, kind: DeterrentKind, detail: &str, seen_at: &str) {
    UNSENT.with(|unsent| {
        let mut unsent = unsent.borrow_mut();
        match unsent.iter_mut().find(|u| u.conversation == conversation && u.kind == kind) {
            Some(kept) => kept.times += 1,
            None => unsent.push(Unsent {
                conversation,
                kind,
                detail: detail.to_owned(),
                times: 1,
                first_seen: seen_at.to_owned(),
            }),
        }
    });
}

/// The kept reports, oldest first.
pub fn unsent() -> Vec<Unsent> {
    UNSENT.with(|unsent| unsent.borrow().clone())
}

/// Sends a report now; kept for later when the network is cut.
pub fn send(api: Api, conversation: ConversationId, kind: DeterrentKind, detail: String, seen_at: String) {
    spawn_local(async move {
        if let Err(ApiError::Network) = api.report_deterrent(conversation, kind, &detail).await {
            keep(conversation, kind, &detail, &seen_at);
        }
    });
}

/// Sends what was kept; what still cannot go stays for the next time.
pub async fn send_unsent(api: &Api) {
    let waiting = UNSENT.with(|unsent| std::mem::take(&mut *unsent.borrow_mut()));
    for report in waiting {
        // Anything but a cut network is final: sent, or refused for good (the chat is no longer
        // confidential, the member left it).
        if let Err(ApiError::Network) =
            api.report_deterrent(report.conversation, report.kind, &report.detail_text()).await
        {
            UNSENT.with(|unsent| unsent.borrow_mut().push(report));
        }
    }
}
