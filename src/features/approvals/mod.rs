//! Approvals (审批), the member's side: the calls (`api`), a form as typed and its helpers
//! (`form`), drafts on the device (`drafts`), the reactive state the feed keeps current
//! (`state`), the outbox actions and the device copy of templates and requests (`sync`), the
//! wording (`words`), the screens (`pages`) and the card in the Approvals conversation
//! (`components`). Designing templates is the administrators' part, in `features::admin::templates`.

pub mod api;
pub mod components;
pub mod drafts;
pub mod form;
pub mod pages;
pub mod state;
pub mod sync;
pub mod words;
