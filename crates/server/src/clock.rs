//! The server's "now" for sessions: the system clock, or a manual clock that tests move by hand
//! (so idle times and lifetimes are tested without waiting).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use weft_protocol::Millis;

#[derive(Clone, Default)]
pub struct Clock {
    manual: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock that stands at `start` until [`Clock::advance`] moves it.
    pub fn manual(start: Millis) -> Self {
        Self { manual: Some(Arc::new(AtomicI64::new(start))) }
    }

    pub fn now(&self) -> Millis {
        match &self.manual {
            Some(at) => at.load(Ordering::SeqCst),
            None => crate::now_millis(),
        }
    }

    /// Moves a manual clock forward; the system clock moves by itself and ignores this.
    pub fn advance(&self, by: Millis) {
        if let Some(at) = &self.manual {
            at.fetch_add(by, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let clock = Clock::manual(1_000);
        assert_eq!(clock.now(), 1_000);
        clock.advance(30 * 60_000);
        assert_eq!(clock.now(), 1_000 + 30 * 60_000);
        let system = Clock::system();
        let before = crate::now_millis();
        system.advance(1_000_000);
        assert!(system.now() - before < 1_000_000);
    }
}
