//! The retry policy: when a failed attempt is tried again, and when the sender gives up.
//!
//! Delays count from the moment the previous attempt failed (its timeout fired or its
//! reset arrived), as senders that retry from a queue do. Attempts are numbered from 1.

use crate::time::{Nanos, SimTime};

const SECOND: Nanos = 1_000_000_000;
const HOUR: Nanos = 3_600 * SECOND;

/// How failed deliveries are retried.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetrySchedule {
    /// Attempt k+2 starts `delays[k]` after attempt k+1 failed; the sender gives up when
    /// the list is exhausted, or when the next attempt would start later than the event's
    /// creation plus `max_age` (if set).
    Fixed {
        delays: Vec<Nanos>,
        max_age: Option<Nanos>,
    },
    /// Attempt k+2 starts `initial × factor^k` (at most `cap`) after attempt k+1 failed;
    /// the sender gives up after `max_attempts` attempts, or when the next attempt would
    /// start later than the event's creation plus `max_age`.
    Exponential {
        initial: Nanos,
        factor: u32,
        cap: Nanos,
        max_attempts: u32,
        max_age: Nanos,
    },
}

/// Exponential from 10 s doubling to at most 1 h, for up to 3 days: Stripe documents
/// retrying webhooks with exponential back-off for up to three days, so the age binds
/// (after about 80 attempts); the attempt limit of 100 only bounds the work. The first
/// delay and the cap are assumptions.
impl Default for RetrySchedule {
    fn default() -> Self {
        RetrySchedule::Exponential {
            initial: 10 * SECOND,
            factor: 2,
            cap: HOUR,
            max_attempts: 100,
            max_age: 72 * HOUR,
        }
    }
}

impl RetrySchedule {
    /// When attempt `failed + 1` starts, given that attempt number `failed` (from 1) of an
    /// event created at `created` failed at `now`; `None`: the sender gives up.
    pub fn next_attempt(&self, failed: u32, created: SimTime, now: SimTime) -> Option<SimTime> {
        let (delay, max_age) = match self {
            RetrySchedule::Fixed { delays, max_age } => {
                let index = usize::try_from(failed.checked_sub(1)?).ok()?;
                (*delays.get(index)?, *max_age)
            }
            RetrySchedule::Exponential {
                initial,
                factor,
                cap,
                max_attempts,
                max_age,
            } => {
                if failed >= *max_attempts {
                    return None;
                }
                let growth = (*factor as u64).checked_pow(failed.saturating_sub(1));
                let delay = growth.map_or(*cap, |g| initial.saturating_mul(g).min(*cap));
                (delay, Some(*max_age))
            }
        };
        let next = now.saturating_add(delay);
        match max_age {
            Some(age) if next > created.saturating_add(age) => None,
            _ => Some(next),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The instant `nanos` after the run began.
    fn t(nanos: Nanos) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    #[test]
    fn exponential_doubles_up_to_the_cap_and_stops() {
        let schedule = RetrySchedule::Exponential {
            initial: 10 * SECOND,
            factor: 2,
            cap: 60 * SECOND,
            max_attempts: 5,
            max_age: HOUR,
        };
        // Failures at time 100 s: delays 10, 20, 40, then the 60 s cap.
        let at = |failed| schedule.next_attempt(failed, t(0), t(100 * SECOND));
        assert_eq!(at(1), Some(t(110 * SECOND)));
        assert_eq!(at(2), Some(t(120 * SECOND)));
        assert_eq!(at(3), Some(t(140 * SECOND)));
        assert_eq!(at(4), Some(t(160 * SECOND)));
        assert_eq!(at(5), None, "five attempts made");
        // Too old: the next attempt would start after creation + max_age.
        assert_eq!(schedule.next_attempt(1, t(0), t(HOUR - 5 * SECOND)), None);
        assert_eq!(
            schedule.next_attempt(1, t(0), t(HOUR - 10 * SECOND)),
            Some(t(HOUR)),
            "exactly at the age limit is still allowed"
        );
    }

    #[test]
    fn a_huge_exponent_saturates_to_the_cap() {
        let schedule = RetrySchedule::Exponential {
            initial: SECOND,
            factor: 10,
            cap: HOUR,
            max_attempts: u32::MAX,
            max_age: u64::MAX,
        };
        assert_eq!(schedule.next_attempt(500, t(0), t(0)), Some(t(HOUR)));
    }

    #[test]
    fn fixed_uses_its_list_then_gives_up() {
        let schedule = RetrySchedule::Fixed {
            delays: vec![SECOND, 5 * SECOND],
            max_age: Some(4 * SECOND),
        };
        assert_eq!(schedule.next_attempt(1, t(0), t(0)), Some(t(SECOND)));
        assert_eq!(schedule.next_attempt(2, t(0), t(0)), None, "beyond max_age");
        assert_eq!(schedule.next_attempt(3, t(0), t(0)), None, "list exhausted");
        let unlimited = RetrySchedule::Fixed {
            delays: vec![SECOND, 5 * SECOND],
            max_age: None,
        };
        assert_eq!(unlimited.next_attempt(2, t(0), t(0)), Some(t(5 * SECOND)));
    }
}
