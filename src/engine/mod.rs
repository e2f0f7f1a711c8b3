//! The discrete-event engine: simulated clock, event queue and the run loop.
//!
//! Events are scheduled at instants ([`SimTime`]) or after durations ([`Nanos`]); the queue
//! keys them by the instant's nanoseconds. Events run in `(time, seq)` order: equal times
//! run in the order they were scheduled. A model never touches the queue directly; it gets a
//! [`Scheduler`] that only lets it schedule at or after the current time.
//!
//! A run stops early, cleanly, when it reaches a limit of its [`Limits`] (events, wall
//! clock, memory for pending events) or when the model asks to ([`Model::halt`]); [`run`]
//! then returns what it did with [`RunStats::stopped`] saying why and at what simulated time,
//! and the caller reports the run as incomplete. The event limit and the model's halt are
//! deterministic (same stop at any thread count); the wall clock is not.

pub mod queue;
pub mod rng;

pub use crate::time::{Nanos, SimTime};
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
    fn handle(&mut self, now: SimTime, event: Self::Event, scheduler: &mut Scheduler<Self::Event>);

    /// Asked every [`CHECK_EVERY`] events: `Some` stops the run at `now` for the reason
    /// given, with a sentence for the report (a saturated server, a structure grown past its
    /// memory share). Must depend only on the model's state, so runs stay deterministic.
    fn halt(&self, _now: SimTime) -> Option<(StopReason, String)> {
        None
    }

    /// Bytes held now by what grows with overload besides the event queue (send buffers,
    /// say), counted against [`Limits::memory_bytes`]. Asked every [`CHECK_EVERY`] events.
    fn grown_bytes(&self) -> u64 {
        0
    }
}

/// The model's handle on the event queue.
pub struct Scheduler<E> {
    queue: EventQueue<u64>,
    now: SimTime,
    event: std::marker::PhantomData<E>,
}

impl<E: Packed> Scheduler<E> {
    pub fn new() -> Self {
        Scheduler {
            queue: EventQueue::new(),
            now: SimTime::ZERO,
            event: std::marker::PhantomData,
        }
    }

    /// Current simulated time.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` at absolute time `time` (>= now).
    #[inline]
    pub fn at(&mut self, time: SimTime, event: E) {
        debug_assert!(time >= self.now, "scheduling in the past");
        self.queue.push(time.max(self.now).as_nanos(), event.pack());
    }

    /// Schedules `event` after `delay`. Always inlined: its callers are in the world's
    /// event handler, where LLVM's size heuristics would otherwise put it out of line.
    #[inline(always)]
    pub fn after(&mut self, delay: Nanos, event: E) {
        self.queue
            .push(self.now.saturating_add(delay).as_nanos(), event.pack());
    }
}

impl<E: Packed> Default for Scheduler<E> {
    fn default() -> Self {
        Self::new()
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStats {
    /// Events handled.
    pub events: u64,
    /// Events still queued at the end (scheduled after the end time, or not reached when
    /// the run stopped early).
    pub pending: u64,
    /// Why the run stopped before its end time; `None` for a complete run.
    pub stopped: Option<Stop>,
}

/// How often (in events) [`run`] looks at the wall clock, the queue's size and
/// [`Model::halt`]. A power of two, so the test is one mask; at this interval the checks
/// cost nothing measurable. Being a count of events, the points where a run can stop for
/// its queue or its model are the same at any thread count.
pub const CHECK_EVERY: u64 = 4096;

/// Bytes of memory one pending event holds in the queue: a 16-byte entry, and room for the
/// buckets' high-water marks (see [`queue`]'s contract).
pub const BYTES_PER_PENDING_EVENT: u64 = 32;

/// What a run may spend. A run that reaches a limit stops cleanly: [`run`] returns what it
/// had done, with [`RunStats::stopped`] saying why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Events handled at most (deterministic: the same stop point at any thread count).
    pub max_events: u64,
    /// The wall-clock instant after which the run stops (not deterministic: where it stops
    /// depends on the machine and its load).
    pub deadline: Option<std::time::Instant>,
    /// Bytes this run may grow by: its pending events ([`BYTES_PER_PENDING_EVENT`] each)
    /// and what the model reports in [`Model::grown_bytes`] (its share of the memory
    /// budget once its fixed state is counted).
    pub memory_bytes: u64,
    /// Where the run adds the simulated time it has done, for a progress display; not a
    /// limit, and nothing in the run reads it back.
    pub progress: Option<&'static Progress>,
}

impl Limits {
    /// Only an event limit.
    pub fn events(max_events: u64) -> Self {
        Limits {
            max_events,
            deadline: None,
            memory_bytes: u64::MAX,
            progress: None,
        }
    }
}

/// Simulated time done so far by the runs that share it (summed over them), for showing
/// progress: [`run`] adds to it at each of its periodic checks and, at its end, the rest of
/// its time up to its end time (so a run that stops early, or runs out of events, counts in
/// full). Only ever written by a run, so it cannot change a result.
#[derive(Debug, Default)]
pub struct Progress {
    simulated: std::sync::atomic::AtomicU64,
}

impl Progress {
    pub const fn new() -> Self {
        Progress {
            simulated: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Nanoseconds of simulated time done, summed over the runs.
    pub fn simulated(&self) -> u64 {
        self.simulated.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn advance(&self, nanos: Nanos) {
        self.simulated
            .fetch_add(nanos, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Two displays are the same display only if they are one object.
impl PartialEq for Progress {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Progress {}

/// Why a run stopped before its end time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StopReason {
    /// `--max-events` reached.
    MaxEvents,
    /// `--max-wall` reached.
    MaxWall,
    /// The memory budget reached (pending events or other state grown with overload).
    Memory,
    /// The simulated server cannot keep up: its CPU backlog only grows.
    Saturated,
}

impl StopReason {
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::MaxEvents => "max-events",
            StopReason::MaxWall => "max-wall",
            StopReason::Memory => "memory",
            StopReason::Saturated => "saturated",
        }
    }
}

/// A run stopped early: why, at what simulated time, and a sentence for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Stop {
    pub reason: StopReason,
    /// Simulated time reached.
    pub at: SimTime,
    pub detail: String,
}

/// A run that could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineError {
    /// The model cannot run this configuration (the text says why).
    Refused(String),
    /// The run was asked to check its invariants and one broke (the text says which, when
    /// and after what event): a defect of the model, not of the scenario.
    InvariantBroken(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
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

/// Runs `model` until simulated time `end` (events at exactly `end` still run), the queue
/// empties, or a limit of `limits` (or the model's [`Model::halt`]) stops it.
pub fn run<M: Model>(
    model: &mut M,
    scheduler: &mut Scheduler<M::Event>,
    end: SimTime,
    limits: &Limits,
) -> RunStats {
    let mut events = 0u64;
    let mut pending_after_end = 0;
    let mut stopped = None;
    // Simulated time already added to `limits.progress`.
    let mut shown = scheduler.now;
    // Pop first and look at the time after: one search of the queue per event instead of a
    // peek and a pop. The one event found beyond `end` is dropped with the rest.
    while let Some((time, event)) = scheduler.queue.pop() {
        let time = SimTime::from_nanos(time);
        if time > end {
            pending_after_end = 1;
            break;
        }
        scheduler.now = time;
        if events == limits.max_events {
            // This event is not handled: it is counted as pending.
            pending_after_end = 1;
            stopped = Some(Stop {
                reason: StopReason::MaxEvents,
                at: time,
                detail: format!(
                    "the run reached its limit of {} events (--max-events)",
                    limits.max_events
                ),
            });
            break;
        }
        events += 1;
        model.handle(time, M::Event::unpack(event), scheduler);
        if events.is_multiple_of(CHECK_EVERY) {
            if let Some(progress) = limits.progress {
                progress.advance(time.since(shown));
                shown = time;
            }
            stopped = check(model, scheduler, limits, time);
            if stopped.is_some() {
                break;
            }
        }
    }
    match &stopped {
        None => scheduler.now = end,
        Some(stop) => scheduler.now = stop.at,
    }
    if let Some(progress) = limits.progress {
        progress.advance(end.saturating_since(shown));
    }
    RunStats {
        events,
        pending: scheduler.queue.len() as u64 + pending_after_end,
        stopped,
    }
}

/// The periodic checks of [`run`]: the model first and the queue next (both deterministic),
/// the wall clock last.
fn check<M: Model>(
    model: &M,
    scheduler: &Scheduler<M::Event>,
    limits: &Limits,
    now: SimTime,
) -> Option<Stop> {
    if let Some((reason, detail)) = model.halt(now) {
        return Some(Stop {
            reason,
            at: now,
            detail,
        });
    }
    let pending = scheduler.queue.len() as u64;
    let queued = pending.saturating_mul(BYTES_PER_PENDING_EVENT);
    let grown = model.grown_bytes();
    if queued.saturating_add(grown) > limits.memory_bytes {
        return Some(Stop {
            reason: StopReason::Memory,
            at: now,
            detail: format!(
                "the run reached its share of the memory budget ({} MiB, see --memory-limit) \
                 with {pending} events pending ({} MiB) and {} MiB in buffers",
                limits.memory_bytes >> 20,
                queued >> 20,
                grown >> 20
            ),
        });
    }
    if limits
        .deadline
        .is_some_and(|deadline| std::time::Instant::now() >= deadline)
    {
        return Some(Stop {
            reason: StopReason::MaxWall,
            at: now,
            detail: "the run reached its wall-clock limit (--max-wall)".to_string(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn t(nanos: u64) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    /// Records the times it sees and reschedules itself every 10 ns.
    struct Ticker {
        seen: Vec<(SimTime, u32)>,
    }

    impl Model for Ticker {
        type Event = u32;
        fn handle(&mut self, now: SimTime, event: u32, scheduler: &mut Scheduler<u32>) {
            self.seen.push((now, event));
            scheduler.after(10, event);
        }
    }

    #[test]
    fn runs_up_to_and_including_the_end_in_time_then_fifo_order() {
        let mut model = Ticker { seen: Vec::new() };
        let mut scheduler = Scheduler::new();
        scheduler.at(SimTime::ZERO, 1);
        scheduler.at(SimTime::ZERO, 2);
        let stats = run(&mut model, &mut scheduler, t(20), &Limits::events(1_000));
        assert_eq!(
            model.seen,
            vec![
                (t(0), 1),
                (t(0), 2),
                (t(10), 1),
                (t(10), 2),
                (t(20), 1),
                (t(20), 2)
            ]
        );
        assert_eq!(
            stats,
            RunStats {
                events: 6,
                pending: 2,
                stopped: None,
            }
        );
        assert_eq!(scheduler.now(), t(20));
    }

    #[test]
    fn the_event_limit_stops_a_run_cleanly_at_a_fixed_point() {
        let mut model = Ticker { seen: Vec::new() };
        let mut scheduler = Scheduler::new();
        scheduler.at(SimTime::ZERO, 1);
        let stats = run(
            &mut model,
            &mut scheduler,
            t(u64::MAX / 2),
            &Limits::events(5),
        );
        assert_eq!(stats.events, 5);
        assert_eq!(model.seen.len(), 5);
        let stop = stats.stopped.expect("stopped by the event limit");
        assert_eq!(stop.reason, StopReason::MaxEvents);
        assert_eq!(stop.at, t(50));
        assert!(stop.detail.contains("--max-events"));
        assert_eq!(scheduler.now(), t(50));
    }

    #[test]
    fn a_run_that_ends_within_its_limit_is_complete() {
        let mut model = Ticker { seen: Vec::new() };
        let mut scheduler = Scheduler::new();
        scheduler.at(SimTime::ZERO, 1);
        let stats = run(&mut model, &mut scheduler, t(40), &Limits::events(5));
        assert_eq!(stats.events, 5);
        assert_eq!(stats.stopped, None);
    }

    /// Halts once it has seen `after` events.
    struct Halting {
        seen: u64,
        after: u64,
    }

    impl Model for Halting {
        type Event = u32;
        fn handle(&mut self, _now: SimTime, event: u32, scheduler: &mut Scheduler<u32>) {
            self.seen += 1;
            scheduler.after(1, event);
        }
        fn halt(&self, _now: SimTime) -> Option<(StopReason, String)> {
            (self.seen >= self.after).then(|| (StopReason::Saturated, "full".to_string()))
        }
    }

    #[test]
    fn the_model_halts_a_run_at_the_next_check() {
        let mut model = Halting { seen: 0, after: 10 };
        let mut scheduler = Scheduler::new();
        scheduler.at(SimTime::ZERO, 1);
        let stats = run(
            &mut model,
            &mut scheduler,
            t(u64::MAX / 2),
            &Limits::events(u64::MAX),
        );
        let stop = stats.stopped.expect("halted");
        assert_eq!(stop.reason, StopReason::Saturated);
        assert_eq!(stats.events, CHECK_EVERY);
        assert_eq!(stop.at, t(CHECK_EVERY - 1));
    }

    /// The progress display is told the run's simulated time, all of it by the end (also
    /// when the queue empties early), and the run is the same as without one.
    #[test]
    fn a_run_tells_its_progress_display_its_simulated_time() {
        static PROGRESS: Progress = Progress::new();
        let end = 100 * CHECK_EVERY;
        let mut with = Ticker { seen: Vec::new() };
        let mut scheduler = Scheduler::new();
        scheduler.at(SimTime::ZERO, 1);
        let limits = Limits {
            progress: Some(&PROGRESS),
            ..Limits::events(u64::MAX)
        };
        let stats = run(&mut with, &mut scheduler, t(end), &limits);
        assert_eq!(PROGRESS.simulated(), end);
        let mut without = Ticker { seen: Vec::new() };
        let mut scheduler = Scheduler::new();
        scheduler.at(SimTime::ZERO, 1);
        assert_eq!(
            run(
                &mut without,
                &mut scheduler,
                t(end),
                &Limits::events(u64::MAX)
            ),
            stats
        );
        assert_eq!(with.seen, without.seen);
        // A run whose events run out early (here: it has none) still counts its whole time.
        let mut idle = Ticker { seen: Vec::new() };
        run(&mut idle, &mut Scheduler::new(), t(500), &limits);
        assert!(idle.seen.is_empty());
        assert_eq!(PROGRESS.simulated(), end + 500);
    }

    #[test]
    fn a_passed_deadline_stops_the_run_at_the_first_check() {
        let mut model = Ticker { seen: Vec::new() };
        let mut scheduler = Scheduler::new();
        scheduler.at(SimTime::ZERO, 1);
        let limits = Limits {
            deadline: Some(std::time::Instant::now()),
            ..Limits::events(u64::MAX)
        };
        let stats = run(&mut model, &mut scheduler, t(u64::MAX / 2), &limits);
        let stop = stats.stopped.expect("stopped by the wall clock");
        assert_eq!(stop.reason, StopReason::MaxWall);
        assert!(stop.detail.contains("--max-wall"));
        assert_eq!(stats.events, CHECK_EVERY);
    }

    #[test]
    fn a_queue_past_its_share_of_memory_stops_the_run() {
        let mut model = Ticker { seen: Vec::new() };
        let mut scheduler = Scheduler::new();
        for _ in 0..100 {
            scheduler.at(SimTime::ZERO, 1);
        }
        let limits = Limits {
            memory_bytes: 50 * BYTES_PER_PENDING_EVENT,
            ..Limits::events(u64::MAX)
        };
        let stats = run(&mut model, &mut scheduler, t(u64::MAX / 2), &limits);
        assert_eq!(stats.stopped.expect("stopped").reason, StopReason::Memory);
    }
}
