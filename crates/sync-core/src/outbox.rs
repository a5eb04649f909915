//! The outbox's delivery rules: entries go one at a time, oldest first; a failure to reach the
//! server (network, 429, 5xx) keeps the entry and waits 1 s, 2 s, … up to 30 s before the next
//! attempt; a refusal keeps the entry with the server's reason (for Retry or Delete) and lets the
//! entries behind it go; an accepted entry, or one whose client id comes back on the feed, is done.
//! Times are milliseconds from any fixed origin (the app passes `Date.now()`).

use crate::entry::OutboxEntry;
use weft_protocol::ConversationId;
use weft_protocol::chat::Attachment;

/// The queued writes in delivery order, and the state of their delivery.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outbox {
    /// Sorted by `order`; one entry per client id.
    entries: Vec<OutboxEntry>,
    /// The client id handed out by [`Outbox::next`] whose outcome is not known yet.
    in_flight: Option<String>,
    /// After a failure to reach the server: no attempt before this time.
    wait_until: Option<u64>,
}

impl Outbox {
    /// An outbox holding `entries` (as read from the device), put in delivery order.
    pub fn new(entries: Vec<OutboxEntry>) -> Self {
        let mut outbox = Self::default();
        for entry in entries {
            outbox.push(entry);
        }
        outbox
    }

    /// The entries in delivery order (refused ones included).
    pub fn iter(&self) -> std::slice::Iter<'_, OutboxEntry> {
        self.entries.iter()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, client_id: &str) -> Option<&OutboxEntry> {
        self.entries.iter().find(|e| e.client_id == client_id)
    }

    /// Queues an entry in its place by `order`, replacing any entry with the same client id
    /// (a newer read position or mute/pin setting for a conversation replaces the waiting one).
    pub fn push(&mut self, entry: OutboxEntry) {
        self.entries.retain(|e| e.client_id != entry.client_id);
        let at = self.entries.partition_point(|e| e.order.total_cmp(&entry.order).is_le());
        self.entries.insert(at, entry);
    }

    /// The entry to deliver now, marked as in flight: the oldest not refused, unless one is in
    /// flight already or the outbox is waiting after a failure. The caller reports its outcome
    /// with [`settle`](Self::settle), [`fail`](Self::fail) or [`refuse`](Self::refuse).
    pub fn next(&mut self, now: u64) -> Option<&OutboxEntry> {
        if self.in_flight.is_some() || self.wait_until.is_some_and(|until| now < until) {
            return None;
        }
        self.wait_until = None;
        let entry = next_deliverable(&self.entries)?;
        self.in_flight = Some(entry.client_id.clone());
        Some(entry)
    }

    /// When a waiting outbox may deliver again: `Some` only while entries wait for a backoff to
    /// end (so the app knows when to set its timer).
    pub fn retry_at(&self) -> Option<u64> {
        if self.in_flight.is_some() || next_deliverable(&self.entries).is_none() {
            return None;
        }
        self.wait_until
    }

    /// True while a delivery's outcome is awaited.
    pub fn is_delivering(&self) -> bool {
        self.in_flight.is_some()
    }

    /// The entry is done: the server accepted it, or the feed carried a change with its client
    /// id. Returns the entry if it was still queued.
    pub fn settle(&mut self, client_id: &str) -> Option<OutboxEntry> {
        self.finish(client_id);
        let at = self.entries.iter().position(|e| e.client_id == client_id)?;
        Some(self.entries.remove(at))
    }

    /// The server could not be reached (or was busy): the entry stays first in line and the
    /// outbox waits [`backoff_ms`] before trying again.
    pub fn fail(&mut self, client_id: &str, now: u64) -> Option<&OutboxEntry> {
        self.finish(client_id);
        let entry = self.entries.iter_mut().find(|e| e.client_id == client_id);
        let attempts = match entry {
            Some(entry) => {
                entry.attempts = entry.attempts.saturating_add(1);
                entry.attempts
            }
            None => 1,
        };
        self.wait_until = Some(now.saturating_add(u64::from(backoff_ms(attempts - 1))));
        self.get(client_id)
    }

    /// The server refused the entry: it stays with the reason until the member retries or
    /// deletes it, and the entries behind it are delivered meanwhile.
    pub fn refuse(&mut self, client_id: &str, reason: String) -> Option<&OutboxEntry> {
        self.finish(client_id);
        let entry = self.entries.iter_mut().find(|e| e.client_id == client_id)?;
        entry.failed = Some(reason);
        Some(entry)
    }

    /// The member asks to send a refused entry again (same client id, so never twice): it takes
    /// its old place in line, and the outbox stops waiting.
    pub fn retry(&mut self, client_id: &str) -> Option<&OutboxEntry> {
        let entry = self.entries.iter_mut().find(|e| e.client_id == client_id)?;
        entry.failed = None;
        entry.attempts = 0;
        self.wait_until = None;
        Some(entry)
    }

    /// The member gave up on an entry. If it is in flight, its outcome is still awaited (so a
    /// second delivery never starts beside it).
    pub fn delete(&mut self, client_id: &str) -> Option<OutboxEntry> {
        let at = self.entries.iter().position(|e| e.client_id == client_id)?;
        Some(self.entries.remove(at))
    }

    /// Drops every entry for a conversation the member no longer takes part in; returns their
    /// client ids.
    pub fn drop_conversation(&mut self, conversation: ConversationId) -> Vec<String> {
        let (dropped, kept) = std::mem::take(&mut self.entries)
            .into_iter()
            .partition::<Vec<_>, _>(|e| e.conversation_id == Some(conversation));
        self.entries = kept;
        dropped.into_iter().map(|e| e.client_id).collect()
    }

    /// Something suggests the server is reachable again (the browser is online, the live socket
    /// connected): stop waiting out the backoff.
    pub fn wake(&mut self) {
        self.wait_until = None;
    }

    /// Records that an entry's file was uploaded, so its message is sent next without uploading
    /// again. Returns the updated entry.
    pub fn record_upload(&mut self, client_id: &str, attachment: Attachment) -> Option<&OutboxEntry> {
        let entry = self.entries.iter_mut().find(|e| e.client_id == client_id)?;
        if let crate::entry::OutboxAction::Send { file: Some(pending), .. } = &mut entry.action {
            pending.uploaded = Some(attachment);
        }
        Some(entry)
    }

    fn finish(&mut self, client_id: &str) {
        if self.in_flight.as_deref() == Some(client_id) {
            self.in_flight = None;
        }
    }
}

/// The next entry to deliver: the oldest that has not been refused.
pub fn next_deliverable(entries: &[OutboxEntry]) -> Option<&OutboxEntry> {
    entries.iter().filter(|e| e.failed.is_none()).min_by(|a, b| a.order.total_cmp(&b.order))
}

/// Wait before retry number `attempts` (1 s doubling, at most 30 s).
pub fn backoff_ms(attempts: u32) -> u32 {
    1_000u32.saturating_mul(1 << attempts.min(5)).min(30_000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entry::OutboxAction;
    use uuid::Uuid;
    use weft_protocol::ClientId;

    fn conversation(n: u128) -> ConversationId {
        ConversationId(Uuid::from_u128(n))
    }

    fn entry(n: u128, order: f64) -> OutboxEntry {
        OutboxEntry::new(Some(conversation(1)), ClientId(Uuid::from_u128(n)), OutboxAction::Recall { seq: 1 }, order)
    }

    fn id(n: u128) -> String {
        Uuid::from_u128(n).to_string()
    }

    fn next_id(outbox: &mut Outbox, now: u64) -> Option<String> {
        outbox.next(now).map(|e| e.client_id.clone())
    }

    #[test]
    fn delivers_in_order_whatever_order_they_were_queued_or_read_in() {
        let mut outbox = Outbox::new(vec![entry(3, 30.0), entry(1, 10.0)]);
        outbox.push(entry(2, 20.0));
        assert_eq!(outbox.iter().map(|e| e.order).collect::<Vec<_>>(), vec![10.0, 20.0, 30.0]);
        for expected in 1..=3 {
            assert_eq!(next_id(&mut outbox, 0), Some(id(expected)));
            assert!(outbox.settle(&id(expected)).is_some());
        }
        assert_eq!(next_id(&mut outbox, 0), None);
        assert!(outbox.is_empty());
    }

    #[test]
    fn one_delivery_at_a_time() {
        let mut outbox = Outbox::new(vec![entry(1, 1.0), entry(2, 2.0)]);
        assert_eq!(next_id(&mut outbox, 0), Some(id(1)));
        assert!(outbox.is_delivering());
        assert_eq!(next_id(&mut outbox, 0), None, "a second delivery never starts beside the first");
        outbox.settle(&id(1));
        assert_eq!(next_id(&mut outbox, 0), Some(id(2)));
    }

    #[test]
    fn a_same_client_id_replaces_the_waiting_entry() {
        let mut outbox = Outbox::new(vec![entry(1, 1.0)]);
        let mut newer = entry(1, 5.0);
        newer.action = OutboxAction::Read { seq: 9 };
        outbox.push(newer.clone());
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox.get(&id(1)), Some(&newer));
    }

    #[test]
    fn failures_back_off_from_one_second_to_thirty_and_keep_the_entry_first() {
        let mut outbox = Outbox::new(vec![entry(1, 1.0), entry(2, 2.0)]);
        let mut now = 1_000_000;
        let mut waits = Vec::new();
        for _ in 0..7 {
            assert_eq!(next_id(&mut outbox, now), Some(id(1)), "the failed entry stays first in line");
            outbox.fail(&id(1), now);
            let at = outbox.retry_at().expect("waiting");
            assert_eq!(next_id(&mut outbox, at - 1), None, "nothing goes before the wait is over");
            waits.push(at - now);
            now = at;
        }
        assert_eq!(waits, vec![1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
        assert_eq!(outbox.get(&id(1)).map(|e| e.attempts), Some(7));
        assert_eq!(next_id(&mut outbox, now), Some(id(1)));
        outbox.settle(&id(1));
        assert_eq!(next_id(&mut outbox, now), Some(id(2)));
    }

    #[test]
    fn waking_ends_the_wait() {
        let mut outbox = Outbox::new(vec![entry(1, 1.0)]);
        outbox.next(0);
        outbox.fail(&id(1), 0);
        assert_eq!(next_id(&mut outbox, 10), None);
        outbox.wake();
        assert_eq!(outbox.retry_at(), None);
        assert_eq!(next_id(&mut outbox, 10), Some(id(1)));
    }

    #[test]
    fn a_refusal_keeps_the_entry_and_lets_the_others_go() {
        let mut outbox = Outbox::new(vec![entry(1, 1.0), entry(2, 2.0), entry(3, 3.0)]);
        outbox.next(0);
        let refused = outbox.refuse(&id(1), "not a member".into()).cloned();
        assert_eq!(refused.and_then(|e| e.failed), Some("not a member".into()));
        assert_eq!(outbox.retry_at(), None, "a refusal is not a reason to wait");
        assert_eq!(next_id(&mut outbox, 0), Some(id(2)));
        outbox.settle(&id(2));
        assert_eq!(next_id(&mut outbox, 0), Some(id(3)));
        outbox.settle(&id(3));
        assert_eq!(next_id(&mut outbox, 0), None, "a refused entry waits for the member");
        assert_eq!(outbox.len(), 1);
    }

    #[test]
    fn retry_puts_a_refused_entry_back_in_its_place() {
        let mut outbox = Outbox::new(vec![entry(1, 1.0), entry(2, 2.0)]);
        outbox.next(0);
        outbox.fail(&id(1), 0);
        outbox.next(60_000);
        outbox.refuse(&id(1), "too long".into());
        let retried = outbox.retry(&id(1)).cloned().expect("queued");
        assert_eq!((retried.failed, retried.attempts), (None, 0));
        assert_eq!(next_id(&mut outbox, 60_000), Some(id(1)), "older than entry 2, so first again");
    }

    #[test]
    fn delete_removes_an_entry_but_an_answer_in_flight_is_still_awaited() {
        let mut outbox = Outbox::new(vec![entry(1, 1.0), entry(2, 2.0)]);
        outbox.next(0);
        assert!(outbox.delete(&id(1)).is_some());
        assert_eq!(next_id(&mut outbox, 0), None, "entry 1's request may still arrive");
        assert!(outbox.settle(&id(1)).is_none(), "already gone");
        assert_eq!(next_id(&mut outbox, 0), Some(id(2)));
        assert!(outbox.delete(&id(9)).is_none());
    }

    #[test]
    fn settling_by_the_feed_removes_an_entry_not_in_flight() {
        let mut outbox = Outbox::new(vec![entry(1, 1.0), entry(2, 2.0)]);
        outbox.next(0);
        assert!(outbox.settle(&id(2)).is_some(), "the feed carried entry 2's client id");
        assert!(outbox.is_delivering(), "entry 1 is still awaited");
        outbox.settle(&id(1));
        assert_eq!(next_id(&mut outbox, 0), None);
        assert!(outbox.settle(&id(2)).is_none(), "settling twice changes nothing");
    }

    #[test]
    fn leaving_a_conversation_drops_its_entries() {
        let mut other = entry(3, 3.0);
        other.conversation_id = Some(conversation(2));
        let mut outbox = Outbox::new(vec![entry(1, 1.0), entry(2, 2.0), other]);
        assert_eq!(outbox.drop_conversation(conversation(1)), vec![id(1), id(2)]);
        assert_eq!(outbox.iter().map(|e| e.client_id.clone()).collect::<Vec<_>>(), vec![id(3)]);
    }

    #[test]
    fn an_upload_is_recorded_in_the_entry() {
        use crate::entry::PendingFile;
        use weft_protocol::AttachmentId;
        let mut send = entry(1, 1.0);
        send.action = OutboxAction::Send {
            text: String::new(),
            reply_to: None,
            mentions: Vec::new(),
            mention_all: false,
            file: Some(PendingFile { file_name: "a.txt".into(), size: 3, uploaded: None }),
        };
        let mut outbox = Outbox::new(vec![send]);
        let attachment = Attachment {
            id: AttachmentId(Uuid::from_u128(7)),
            file_name: "a.txt".into(),
            content_type: "text/plain".into(),
            size: 3,
            width: None,
            height: None,
            thumbnail: None,
        };
        let updated = outbox.record_upload(&id(1), attachment).cloned().expect("queued");
        let request = updated.send_request().expect("a send");
        assert_eq!(request.attachment_id, Some(AttachmentId(Uuid::from_u128(7))));
    }

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        assert_eq!(backoff_ms(0), 1_000);
        assert_eq!(backoff_ms(1), 2_000);
        assert_eq!(backoff_ms(4), 16_000);
        assert_eq!(backoff_ms(5), 30_000);
        assert_eq!(backoff_ms(40), 30_000);
    }
}
