//! The discrete-event engine: simulated clock, event queue and the run loop.
//!
//! Time is integer nanoseconds ([`Nanos`]). Events run in `(time, seq)` order: equal times
//! run in the order they were scheduled. A model never touches the queue directly; it gets a
//! [`Scheduler`] that only lets it schedule at or after the current time.

pub mod queue;
pub mod rng;

pub use crate::scenario::Nanos;
use queue::EventQueue;

/// An event that travels through the queue packed into 8 bytes, so that queue entries stay
/// 16 bytes (time and event) however rich the event type is.
pub trait Packed: Sized {
    fn pack(self) -> u64;
    fn unpack(packed: u64) -> Self;
}

impl Packed for u32 {
    fn pack(self) -> u64 {
        self as u64
    }
    fn unpack(packed: u64) -> Self {
        packed as u32
    }
}

/// What a simulated system implements to be driven by [`run`].
pub trait Model {
    type Event: Packed;
    /// Handles one event at time `now`, scheduling any follow-up through `scheduler`.
    fn handle(&mut self, now: Nanos, event: Self::Event, scheduler: &mut Scheduler<Self::Event>);
}

/// The model's handle on the event queue.
pub struct Scheduler<E> {
    queue: EventQueue<u64>,
    now: Nanos,
    event: std::marker::PhantomData<E>,
}

impl<E: Packed> Scheduler<E> {
    pub fn new() -> Self {
        Scheduler {
            queue: EventQueue::new(),
            now: 0,
            event: std::marker::PhantomData,
        }
    }

    /// Current simulated time.
    pub fn now(&self) -> Nanos {
        self.now
    }

    /// Schedules `event` at absolute time `time` (>= now).
    #[inline]
    pub fn at(&mut self, time: Nanos, event: E) {
        debug_assert!(time >= self.now, "scheduling in the past");
        self.queue.push(time.max(self.now), event.pack());
    }

    /// Schedules `event` after `delay`.
    #[inline]
    pub fn after(&mut self, delay: Nanos, event: E) {
        self.queue
            .push(self.now.saturating_add(delay), event.pack());
    }
}

impl<E: Packed> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunStats {
    /// Events handled.
    pub events: u64,
    /// Events still queued at the end (scheduled after the end time).
    pub pending: u64,
}

/// A run stopped by a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// More than `max_events` events were handled before the end time.
    TooManyEvents { max_events: u64, at: Nanos },
    /// The model cannot run this configuration (the text says why).
    Refused(String),
    /// The run was asked to check its invariants and one broke (the text says which, when
    /// and after what event): a defect of the model, not of the scenario.
    InvariantBroken(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::TooManyEvents { max_events, at } => write!(
                f,
                "the run reached its limit of {max_events} events at simulated time {:.3} s; \
                 shorten the duration, reduce the clients or raise --max-events",
                *at as f64 / 1e9
            ),
            EngineError::Refused(reason) => write!(f, "the run cannot start: {reason}"),
            EngineError::InvariantBroken(what) => write!(
                f,
                "an invariant of the simulation broke (a defect of rtsim: please report it \
                 with the scenario and seed): {what}"
            ),
        }
    }
}

impl std::error::Error for EngineError {}

/// Runs `model` until simulated time `end` (events at exactly `end` still run) or the
/// queue empties.
pub fn run<M: Model>(
    model: &mut M,
    scheduler: &mut Scheduler<M::Event>,
    end: Nanos,
    max_events: u64,
) -> Result<RunStats, EngineError> {
    let mut events = 0u64;
    let mut pending_after_end = 0;
    // Pop first and look at the time after: one search of the queue per event instead of a
    // peek and a pop. The one event found beyond `end` is dropped with the rest.
    while let Some((time, event)) = scheduler.queue.pop() {
        if time > end {
            pending_after_end = 1;
            break;
        }
        scheduler.now = time;
        events += 1;
        if events > max_events {
            return Err(EngineError::TooManyEvents {
                max_events,
                at: time,
            });
        }
        model.handle(time, M::Event::unpack(event), scheduler);
    }
    scheduler.now = end;
    Ok(RunStats {
        events,
        pending: scheduler.queue.len() as u64 + pending_after_end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records the times it sees and reschedules itself every 10 ns.
    struct Ticker {
        seen: Vec<(Nanos, u32)>,
    }

    impl Model for Ticker {
        type Event = u32;
        fn handle(&mut self, now: Nanos, event: u32, scheduler: &mut Scheduler<u32>) {
            self.seen.push((now, event));
            scheduler.after(10, event);
        }
    }

    #[test]
    fn runs_up_to_and_including_the_end_in_time_then_fifo_order() {
        let mut model = Ticker { seen: Vec::new() };
        let mut scheduler = Scheduler::new();
        scheduler.at(0, 1);
        scheduler.at(0, 2);
        let stats = run(&mut model, &mut scheduler, 20, 1_000).unwrap();
        assert_eq!(
            model.seen,
            vec![(0, 1), (0, 2), (10, 1), (10, 2), (20, 1), (20, 2)]
        );
        assert_eq!(
            stats,
            RunStats {
                events: 6,
                pending: 2
            }
        );
        assert_eq!(scheduler.now(), 20);
    }

    #[test]
    fn the_event_limit_stops_a_run_with_an_error() {
        let mut model = Ticker { seen: Vec::new() };
        let mut scheduler = Scheduler::new();
        scheduler.at(0, 1);
        let error = run(&mut model, &mut scheduler, u64::MAX / 2, 5).unwrap_err();
        assert_eq!(
            error,
            EngineError::TooManyEvents {
                max_events: 5,
                at: 50
            }
        );
        assert!(error.to_string().contains("--max-events"));
    }
}
