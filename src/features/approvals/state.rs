//! The approvals feature's reactive state: the requests as the feed and the lists last described
//! them (cards and open screens refresh from it), and what this visit learned about the outbox's
//! approval actions — the requests submissions created, the server's typed refusals and the
//! form problems of refused submissions. Changed only through the methods below.

use leptos::prelude::*;
use std::collections::HashMap;
use weft_protocol::approval::ApprovalSummary;
use weft_protocol::{ApprovalId, ClientId, FieldProblem, Refusal};

/// Shared through context; all fields are cheap handles.
#[derive(Clone, Copy)]
pub struct ApprovalsState {
    /// Approval requests as the feed last described them (by id), so open lists and details
    /// refresh when one changes.
    pub summaries: RwSignal<HashMap<ApprovalId, ApprovalSummary>>,
    /// Submissions the server accepted during this visit: the outbox client id and the new
    /// request's id (so the form that sent one can open it).
    pub submitted: RwSignal<HashMap<ClientId, ApprovalId>>,
    /// Why the server refused outbox entries during this visit, by client id, when it said so
    /// with a typed reason (the entry itself keeps the server's message).
    pub refusals: RwSignal<HashMap<String, Refusal>>,
    /// The typed field problems the server gave for refused form submissions during this visit,
    /// by client id (placed beside the fields when the form is open).
    pub form_problems: RwSignal<HashMap<String, Vec<FieldProblem>>>,
}

pub fn use_approvals() -> ApprovalsState {
    use_context::<ApprovalsState>().expect("ApprovalsState is provided by App; a component was mounted outside it")
}

impl ApprovalsState {
    pub fn provide() -> Self {
        let state = Self {
            summaries: RwSignal::new(HashMap::new()),
            submitted: RwSignal::new(HashMap::new()),
            refusals: RwSignal::new(HashMap::new()),
            form_problems: RwSignal::new(HashMap::new()),
        };
        provide_context(state);
        state
    }

    /// Signed out: nothing of this visit is kept.
    pub(crate) fn reset(self) {
        self.summaries.set(HashMap::new());
        self.submitted.set(HashMap::new());
        self.refusals.set(HashMap::new());
        self.form_problems.set(HashMap::new());
    }

    /// Keeps each summary unless the same or a newer one is known; open lists and cards hear of
    /// it once per batch, and not at all when nothing changed.
    pub(crate) fn remember(self, summaries: Vec<ApprovalSummary>) {
        self.summaries.maybe_update(|all| {
            let mut changed = false;
            for summary in summaries {
                if all.get(&summary.id).is_none_or(|known| {
                    known.updated_at < summary.updated_at || *known != summary && known.updated_at == summary.updated_at
                }) {
                    all.insert(summary.id, summary);
                    changed = true;
                }
            }
            changed
        });
    }

    /// The server no longer shows the request to this member.
    pub(crate) fn forget(self, request: ApprovalId) {
        self.summaries.update(|all| {
            all.remove(&request);
        });
    }

    /// The server accepted a submission and created this request.
    pub(crate) fn submission_accepted(self, client_id: ClientId, request: ApprovalId) {
        self.submitted.update(|all| {
            all.insert(client_id, request);
        });
    }

    /// The server refused an outbox entry with a typed reason.
    pub(crate) fn refused(self, client_id: ClientId, reason: Refusal) {
        self.refusals.update(|all| {
            all.insert(client_id.to_string(), reason);
        });
    }

    /// The server refused a submission's form with these typed problems.
    pub(crate) fn form_refused(self, client_id: ClientId, problems: Vec<FieldProblem>) {
        self.form_problems.update(|all| {
            all.insert(client_id.to_string(), problems);
        });
    }
}
