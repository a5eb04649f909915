//! How many messages each group robot may post: [`ROBOT_MESSAGES_PER_MINUTE`] in any sliding
//! minute, as WeCom allows. A robot over it is answered `45009` until its oldest message of the
//! minute falls out of the window.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use weft_protocol::bot::ROBOT_MESSAGES_PER_MINUTE;
use weft_protocol::{Millis, RobotId};

const WINDOW_MS: Millis = 60_000;
/// Past this many remembered robots, those quiet for a whole window are forgotten.
const PRUNE_AT: usize = 10_000;

#[derive(Default)]
pub struct RobotLimiter {
    sent: Mutex<HashMap<RobotId, VecDeque<Millis>>>,
}

impl RobotLimiter {
    /// Takes one message's turn at `now`, or says how many milliseconds until one frees up.
    pub fn take(&self, robot: RobotId, now: Millis) -> Result<(), Millis> {
        let mut sent = self.sent.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if sent.len() >= PRUNE_AT {
            sent.retain(|_, times| times.back().is_some_and(|last| now - last < WINDOW_MS));
        }
        let times = sent.entry(robot).or_default();
        while times.front().is_some_and(|first| now - first >= WINDOW_MS) {
            times.pop_front();
        }
        if times.len() >= ROBOT_MESSAGES_PER_MINUTE as usize {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(WINDOW_MS - (now - oldest));
        }
        times.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn twenty_a_minute_per_robot_in_a_sliding_window() {
        let limiter = RobotLimiter::default();
        let (robot, other) = (RobotId(Uuid::from_u128(1)), RobotId(Uuid::from_u128(2)));
        for second in 0..20 {
            assert_eq!(limiter.take(robot, second * 1_000), Ok(()), "message {second}");
        }
        assert_eq!(limiter.take(robot, 30_000), Err(30_000), "the 21st within the minute waits for the first");
        assert_eq!(limiter.take(other, 30_000), Ok(()), "each robot has its own allowance");
        assert_eq!(limiter.take(robot, 60_000), Ok(()), "the first message left the window");
        assert!(limiter.take(robot, 60_500).is_err());
    }
}
