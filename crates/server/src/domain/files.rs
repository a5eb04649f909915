//! Files: who may fetch an uploaded file. The store gathers where the file was used; the rule
//! is here.

use weft_protocol::MemberId;

/// Where a file was used, as seen from one viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileUse {
    pub owner: MemberId,
    /// Posted in a conversation the viewer takes part in now.
    pub in_viewers_conversation: bool,
    /// Attached to an approval request the viewer may read (`approvals::workflow::may_read`).
    pub in_readable_request: bool,
}

/// The uploader, anyone in a conversation it was posted to, and anyone who may read a request it
/// is attached to may fetch a file; everyone else gets "not found" (its existence is not revealed).
pub fn may_fetch(file: FileUse, viewer: MemberId) -> bool {
    file.owner == viewer || file.in_viewers_conversation || file.in_readable_request
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn the_uploader_and_readers_of_where_it_was_used_fetch_it_and_nobody_else() {
        let (owner, viewer) = (MemberId(Uuid::new_v4()), MemberId(Uuid::new_v4()));
        for in_conversation in [false, true] {
            for in_request in [false, true] {
                let file = FileUse { owner, in_viewers_conversation: in_conversation, in_readable_request: in_request };
                assert!(may_fetch(file, owner), "the uploader always");
                assert_eq!(may_fetch(file, viewer), in_conversation || in_request, "{file:?}");
            }
        }
    }
}
