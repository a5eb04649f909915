//! Approval pieces shown outside the approval screens: the card in the Approvals conversation
//! and the queued actions on a request.

pub mod approval_card;
