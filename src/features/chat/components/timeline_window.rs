//! Which slice of a long timeline is in the page: at most [`WINDOW`] messages around what the
//! member is reading, moved [`STEP`] messages at a time as they scroll. A conversation of any
//! length keeps the same small DOM; the messages outside the slice stay in memory and on the
//! device.

use std::ops::Range;

/// The most messages rendered at once.
pub const WINDOW: usize = 120;
/// How far the window moves when the member reaches its top or bottom.
pub const STEP: usize = 40;

/// The rendered slice, named by its last message; `None` follows the newest message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimelineWindow {
    last_seq: Option<u64>,
}

impl TimelineWindow {
    /// Follows the newest message (what a conversation shows when opened).
    pub fn newest() -> Self {
        Self { last_seq: None }
    }

    /// True while the slice ends at the newest loaded message and follows new ones.
    pub fn follows_newest(&self) -> bool {
        self.last_seq.is_none()
    }

    /// The indexes of `seqs` (ascending sequence numbers of the loaded messages) to render.
    pub fn range(&self, seqs: &[u64]) -> Range<usize> {
        let end = match self.last_seq {
            None => seqs.len(),
            // The slice keeps ending at its last message, even if that one was removed.
            Some(last) => seqs.partition_point(|seq| *seq <= last).max(WINDOW.min(seqs.len())),
        };
        end.saturating_sub(WINDOW)..end
    }

    /// Moves towards older messages; `false` when the oldest loaded one is already rendered
    /// (the caller then loads an older page).
    pub fn earlier(&mut self, seqs: &[u64]) -> bool {
        let range = self.range(seqs);
        if range.start == 0 {
            return false;
        }
        let end = range.end - STEP.min(range.start);
        self.last_seq = Some(seqs[end - 1]);
        true
    }

    /// Moves towards newer messages, following the newest once it reaches it; `false` when it
    /// already does.
    pub fn later(&mut self, seqs: &[u64]) -> bool {
        let range = self.range(seqs);
        if self.follows_newest() {
            return false;
        }
        let end = (range.end + STEP).min(seqs.len());
        self.last_seq = if end >= seqs.len() { None } else { Some(seqs[end - 1]) };
        true
    }
}
