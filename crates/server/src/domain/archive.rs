//! Compliance archives as plain rules: what a request must say, which conversations an archive
//! holds (confidential ones only when the confidential policy says so, and then marked), and the
//! manifest that lists every entry with its SHA-256.

use sha2::{Digest, Sha256};
use weft_protocol::ConversationId;
use weft_protocol::archive::{
    ARCHIVE_FORMAT, ArchiveManifest, ArchiveRequest, ArchivedConversation, MAX_ARCHIVE_SUBJECTS, ManifestEntry,
};
use weft_protocol::refusal::{FieldProblem, FieldRule};

/// A request names someone or something, at most [`MAX_ARCHIVE_SUBJECTS`] of each, over a time
/// range that is not empty.
pub fn check_request(request: &ArchiveRequest) -> Result<(), Vec<FieldProblem>> {
    let mut problems = Vec::new();
    if request.member_ids.is_empty() && request.conversation_ids.is_empty() {
        problems.push(FieldProblem::new("conversation_ids", FieldRule::Required));
    }
    let most = u32::try_from(MAX_ARCHIVE_SUBJECTS).unwrap_or(u32::MAX);
    for (path, count) in
        [("member_ids", request.member_ids.len()), ("conversation_ids", request.conversation_ids.len())]
    {
        if count > MAX_ARCHIVE_SUBJECTS {
            problems.push(FieldProblem::new(path, FieldRule::AtMost { max: most }));
        }
    }
    if request.since >= request.until {
        problems.push(FieldProblem::new("until", FieldRule::MinAboveMax));
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

/// The conversations an archive holds, and the confidential ones it leaves out: confidential
/// conversations are included only when the policy says archives include them.
pub fn split_confidential(
    conversations: Vec<ArchivedConversation>,
    include_confidential: bool,
) -> (Vec<ArchivedConversation>, Vec<ConversationId>) {
    let (confidential, ordinary): (Vec<_>, Vec<_>) = conversations.into_iter().partition(|c| c.confidential);
    if include_confidential {
        let mut all = ordinary;
        all.extend(confidential);
        all.sort_by_key(|c| c.id);
        (all, Vec::new())
    } else {
        (ordinary, confidential.into_iter().map(|c| c.id).collect())
    }
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|byte| format!("{byte:02x}")).collect()
}

/// The manifest of an archive whose other entries are `entries` (path, bytes): what `facts`
/// says, in this build's format, with each entry's size and SHA-256.
pub fn manifest(facts: ArchiveManifest, entries: &[(String, Vec<u8>)]) -> ArchiveManifest {
    ArchiveManifest {
        format: ARCHIVE_FORMAT.to_owned(),
        entries: entries
            .iter()
            .map(|(path, bytes)| ManifestEntry {
                path: path.clone(),
                bytes: bytes.len() as u64,
                sha256: sha256_hex(bytes),
            })
            .collect(),
        ..facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;
    use weft_protocol::chat::ConversationKind;
    use weft_protocol::{MemberId, Millis};

    fn request(members: usize, conversations: usize, since: Millis, until: Millis) -> ArchiveRequest {
        ArchiveRequest {
            member_ids: (0..members).map(|n| MemberId(Uuid::from_u128(n as u128))).collect(),
            conversation_ids: (0..conversations).map(|n| ConversationId(Uuid::from_u128(n as u128))).collect(),
            since,
            until,
        }
    }

    fn conversation(n: u128, confidential: bool) -> ArchivedConversation {
        ArchivedConversation {
            id: ConversationId(Uuid::from_u128(n)),
            kind: ConversationKind::Group,
            title: format!("群 {n}"),
            confidential,
            participants: Vec::new(),
        }
    }

    #[test]
    fn a_request_names_someone_over_a_range_that_is_not_empty() {
        assert_eq!(check_request(&request(1, 0, 0, 1)), Ok(()));
        assert_eq!(check_request(&request(0, 1, 0, 1)), Ok(()));
        let paths = |r: &ArchiveRequest| -> Vec<String> {
            check_request(r).err().unwrap_or_default().into_iter().map(|p| p.path).collect()
        };
        assert_eq!(paths(&request(0, 0, 0, 1)), ["conversation_ids"]);
        assert_eq!(paths(&request(1, 0, 5, 5)), ["until"]);
        assert_eq!(paths(&request(MAX_ARCHIVE_SUBJECTS + 1, 0, 0, 1)), ["member_ids"]);
    }

    #[test]
    fn confidential_conversations_follow_the_policy() {
        let all = vec![conversation(1, false), conversation(2, true), conversation(3, false)];
        let (kept, left_out) = split_confidential(all.clone(), false);
        assert_eq!(kept.iter().map(|c| c.id).collect::<Vec<_>>(), [all[0].id, all[2].id]);
        assert_eq!(left_out, [all[1].id]);
        let (kept, left_out) = split_confidential(all.clone(), true);
        assert_eq!(kept.len(), 3);
        assert!(kept.iter().find(|c| c.id == all[1].id).is_some_and(|c| c.confidential), "marked");
        assert!(left_out.is_empty());
    }

    #[test]
    fn the_manifest_lists_each_entry_with_its_sha256() {
        let facts = ArchiveManifest {
            format: String::new(),
            entries: Vec::new(),
            created_at: 1,
            created_by: "huangli".into(),
            request: request(1, 0, 0, 1),
            conversations: 1,
            messages: 0,
            excluded_confidential: Vec::new(),
        };
        let manifest = manifest(facts, &[("messages.jsonl".into(), b"abc".to_vec())]);
        assert_eq!(manifest.format, ARCHIVE_FORMAT);
        assert_eq!(manifest.entries[0].bytes, 3);
        // SHA-256 of "abc" (FIPS 180-2's first example).
        assert_eq!(manifest.entries[0].sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
