//! Simulated time: integer nanoseconds since the run began. Every layer takes its time
//! types from here (the engine, the network and server models, the scenario), so none of
//! them needs another for it. Time never comes from the wall clock (`Instant`,
//! `SystemTime`): a run's result depends only on its scenario and seed.
//!
//! Two types, as in s2n-quic-core's `time::Timestamp` beside `core::time::Duration`:
//!
//! - [`SimTime`], an instant: nanoseconds since the run began, in a type of its own so
//!   that an instant cannot be passed where a duration is meant (a timeout, a delay) nor
//!   added to another instant. `SimTime + Nanos` is an instant, `later.since(earlier)` a
//!   duration; [`SimTime::from_nanos`] and [`SimTime::as_nanos`] are for the few places
//!   that must see the number (the event queue's key, the results' serialisation, the
//!   per-second time series).
//! - [`Nanos`], a duration: a plain `u64` count of nanoseconds. It stays an alias rather
//!   than a newtype because durations are what the scenario, the cost tables and the
//!   network models compute with (sums, products, divisions by rates, `min`/`max`), and
//!   there is no unit mix-up to prevent among them that a newtype would catch; an alias
//!   keeps that arithmetic readable. The mix-up worth a type is instant versus duration.
//!
//! Where `SimTime` reaches (issue 15): the engine (`Model::handle`, `Scheduler::at`), the
//! world (`World::handle` and every world method's `now`, the world's stored instants), the
//! fleet (`Fleet::run`, `scale_to`, `crash`) and the server's run queue
//! (`infra::server`), the fault plan (`FaultPlan::at`, `deploy_steps`), the recorder, the
//! time series, the message metrics and the fault recovery (`metrics::recorder`,
//! `metrics::series`, `metrics::messages`, `metrics::faults`), the REST history
//! (`transport::History`), the invariant checker (`sim::invariants::View`), the devices'
//! radios (`energy::Devices`) and all of `net` (links, the network, connections, their ACK,
//! idle and send-buffer timers). The world hands its `now` to them as it is. Still in
//! nanoseconds, on purpose: the results-time queries on the scenario's timeline
//! (`replicas_in_service`, `down_count`, `down_intervals`, CPU utilisation, a group's radio
//! report), the workload's and the event log's times, the radio state machine (handed
//! nanoseconds by `energy::Devices`) and the webhook outcome's records (the webhook model
//! itself runs on `SimTime`).
//!
//! Owns: the time types and their arithmetic. Does not own: how a duration is written in
//! a scenario ([`crate::units`]) nor the clock of a run (the engine's scheduler).

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// A duration of simulated time in nanoseconds (also a count of nanoseconds in general:
/// a CPU cost, a timeout, a link's delay). `u64` nanoseconds last 584 years, far beyond
/// the longest run a scenario may ask for (`scenario::limits`).
pub type Nanos = u64;

/// An instant of simulated time: nanoseconds since the run began.
///
/// `Copy`, `#[repr(transparent)]` and with `#[inline]` operations, it compiles to the bare
/// `u64`. Adding a duration that would pass `u64::MAX` panics in debug builds (as `u64`
/// arithmetic does); [`SimTime::saturating_add`] is for deadlines that may be "never".
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct SimTime(u64);

impl SimTime {
    /// The instant the run begins.
    pub const ZERO: SimTime = SimTime(0);
    /// The last representable instant ("never", for a deadline that is not set).
    pub const MAX: SimTime = SimTime(u64::MAX);

    /// The instant `nanos` nanoseconds after the run began.
    #[inline]
    pub const fn from_nanos(nanos: u64) -> Self {
        SimTime(nanos)
    }

    /// The last instant of a run of `duration`: a run covers `[0, duration)`, like its
    /// measurement window `[warmup, duration)`, so what would happen at exactly `duration`
    /// (an event created then, a delivery arriving then) is after the run and left in
    /// flight, the same way for every transport (issue 18).
    #[inline]
    pub const fn last_of_run(duration: Nanos) -> Self {
        SimTime(duration.saturating_sub(1))
    }

    /// Nanoseconds since the run began.
    #[inline]
    pub const fn as_nanos(self) -> u64 {
        self.0
    }

    /// The duration from `earlier` to this instant.
    ///
    /// # Panics
    /// In debug builds, when `earlier` is later than this instant (a broken ordering of
    /// the caller's instants).
    #[inline]
    pub fn since(self, earlier: SimTime) -> Nanos {
        debug_assert!(earlier.0 <= self.0, "{earlier} is later than {self}");
        self.0.wrapping_sub(earlier.0)
    }

    /// The duration from `earlier` to this instant, or 0 when `earlier` is later.
    #[inline]
    pub const fn saturating_since(self, earlier: SimTime) -> Nanos {
        self.0.saturating_sub(earlier.0)
    }

    /// The instant `duration` after this one, or [`SimTime::MAX`] past the end of time.
    #[inline]
    pub const fn saturating_add(self, duration: Nanos) -> SimTime {
        SimTime(self.0.saturating_add(duration))
    }

    /// The instant `duration` after this one, or `None` past the end of time.
    #[inline]
    pub const fn checked_add(self, duration: Nanos) -> Option<SimTime> {
        match self.0.checked_add(duration) {
            Some(t) => Some(SimTime(t)),
            None => None,
        }
    }
}

/// An instant plus a duration is an instant (overflow panics in debug builds).
impl Add<Nanos> for SimTime {
    type Output = SimTime;
    #[inline]
    fn add(self, duration: Nanos) -> SimTime {
        SimTime(self.0 + duration)
    }
}

impl AddAssign<Nanos> for SimTime {
    #[inline]
    fn add_assign(&mut self, duration: Nanos) {
        self.0 += duration;
    }
}

/// An instant minus a duration is the instant that much earlier (before the run began
/// panics in debug builds). The difference of two instants is [`SimTime::since`].
impl Sub<Nanos> for SimTime {
    type Output = SimTime;
    #[inline]
    fn sub(self, duration: Nanos) -> SimTime {
        SimTime(self.0 - duration)
    }
}

/// Seconds since the run began, to the nanosecond: `1.500000000s`.
impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}.{:09}s",
            self.0 / 1_000_000_000,
            self.0 % 1_000_000_000
        )
    }
}

/// `SimTime(1.500000000s)`.
impl fmt::Debug for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SimTime({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Nanos = 1_000_000_000;

    #[test]
    fn an_instant_plus_a_duration_is_an_instant_and_their_difference_a_duration() {
        let start = SimTime::ZERO + 2 * S;
        let later = start + 500;
        assert_eq!(later.as_nanos(), 2 * S + 500);
        assert_eq!(later.since(start), 500);
        assert_eq!(later - 500, start);
        let mut t = start;
        t += S;
        assert_eq!(t, SimTime::from_nanos(3 * S));
        assert_eq!(
            start.saturating_since(later),
            0,
            "earlier: no negative duration"
        );
        assert_eq!(later.saturating_since(start), 500);
    }

    #[test]
    fn instants_order_by_their_nanoseconds() {
        let mut times = [
            SimTime::from_nanos(30),
            SimTime::ZERO,
            SimTime::MAX,
            SimTime::from_nanos(7),
        ];
        times.sort();
        assert_eq!(times.map(SimTime::as_nanos), [0, 7, 30, u64::MAX]);
        assert_eq!(SimTime::default(), SimTime::ZERO);
        assert!(SimTime::from_nanos(1) > SimTime::ZERO);
    }

    #[test]
    fn prints_as_seconds_to_the_nanosecond() {
        let t = SimTime::from_nanos(S + S / 2);
        assert_eq!(t.to_string(), "1.500000000s");
        assert_eq!(format!("{t:?}"), "SimTime(1.500000000s)");
        assert_eq!(SimTime::from_nanos(42).to_string(), "0.000000042s");
    }

    #[test]
    fn the_end_of_time_saturates_or_is_refused() {
        let near_end = SimTime::MAX - 10;
        assert_eq!(near_end.saturating_add(11), SimTime::MAX);
        assert_eq!(near_end.checked_add(11), None);
        assert_eq!(near_end.checked_add(10), Some(SimTime::MAX));
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "overflow")]
    fn adding_past_the_end_of_time_panics_in_debug_builds() {
        let _ = SimTime::MAX + 1;
    }

    #[test]
    #[cfg(debug_assertions)]
    #[should_panic(expected = "is later than")]
    fn a_duration_since_a_later_instant_panics_in_debug_builds() {
        SimTime::from_nanos(5).since(SimTime::from_nanos(6));
    }

    #[test]
    fn is_the_size_of_its_nanoseconds() {
        assert_eq!(size_of::<SimTime>(), size_of::<u64>());
        assert_eq!(size_of::<Option<SimTime>>(), size_of::<Option<u64>>());
    }
}
