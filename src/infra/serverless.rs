//! A serverless server (`server.kind: serverless`): an instance per concurrent invocation,
//! each invocation's start (cold when no warm instance is idle, warm otherwise), the
//! idle instances kept warm for `keep_warm`, the concurrency limit beyond which an
//! invocation is refused (throttled, `429`), and what the invocations add up to for the
//! result and the bill (count, cold and warm starts, billed duration).
//!
//! An invocation is one request from its arrival at the function to its answer: a poll,
//! a long poll's whole hold, a stream's (SSE, WebSocket held by the function) whole life.
//! Behind a managed WebSocket gateway ([`crate::infra::gateway`]) an invocation is also a
//! route's or a push's run of known length, tied to no request ([`Functions::invoke_for`]).
//! Owns: the pool of instances (busy count, idle ones with the time each became idle),
//! each client's invocation in progress (when it started, the start delay its first job
//! still owes), the counts. Does not own: when an invocation starts or ends (the
//! simulation says: a request arrived, a request or stream ended), the cut of a long hold
//! or a stream at `max_duration` (the simulation schedules it; this says the limit), nor
//! the prices ([`crate::cost`]).
//!
//! Which idle instance takes an invocation: the one idle the shortest time (the newest),
//! so the pool stays small as a platform that reuses its warmest instance does; instances
//! idle longer than `keep_warm` are gone. Only the count of warm instances matters to the
//! results, not which one serves.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use serde::Serialize;

use crate::time::{Nanos, SimTime};

const MS: Nanos = 1_000_000;
const S: Nanos = 1_000_000_000;

/// A cold start: 300 ms. A Node.js function of 128 MB measured on 2026 AWS Lambda:
/// `Init Duration: 303.63 ms` in its REPORT line (kkloudtarus.net, "Cold Start: Measure It
/// for Real", read 2026-12-07); AWS's own "Operating Lambda: performance optimization"
/// (AWS Compute Blog, 2021) gives "from under 100 ms to over 1 second". An input: set your
/// runtime's figure.
pub const DEFAULT_COLD_START: Nanos = 300 * MS;
/// A warm start: 0. A warm invocation thaws an initialised environment and calls the
/// handler at once (AWS Lambda developer guide, "Lambda execution environment lifecycle",
/// read 2026-12-07); its handler's work is the request's CPU cost. An input.
pub const DEFAULT_WARM_START: Nanos = 0;
/// How long an idle instance stays warm: 45 min. Not documented by AWS; measured by Yan
/// Cui ("Finding coldstarts: how long does AWS Lambda keep your idle functions around?",
/// theburningmonk.com, June 2017): 45–60 min of inactivity, sometimes less. An input:
/// the platform may change it without notice.
pub const DEFAULT_KEEP_WARM: Nanos = 45 * 60 * S;
/// Concurrent invocations at most: 1,000, AWS Lambda's default concurrency quota per
/// account and region (AWS Lambda developer guide, "Lambda quotas", read 2026-12-07).
pub const DEFAULT_CONCURRENCY: u32 = 1000;
/// The longest an invocation may run: 29 s, API Gateway's maximum integration timeout
/// for REST APIs (AWS API Gateway developer guide, "Amazon API Gateway quotas", read
/// 2026-12-07): a request held longer is cut (the gateway answers `504`).
pub const DEFAULT_MAX_DURATION: Nanos = 29 * S;
/// The longest `max_duration` rtsim accepts: 15 min, AWS Lambda's maximum function
/// timeout (AWS Lambda developer guide, "Lambda quotas", read 2026-12-07).
pub const MAX_MAX_DURATION: Nanos = 15 * 60 * S;

/// The serverless platform's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ServerlessSpec {
    /// Added before an invocation's first job when no warm instance is idle.
    pub cold_start: Nanos,
    /// Added before an invocation's first job on a warm instance.
    pub warm_start: Nanos,
    /// An instance idle this long is gone.
    pub keep_warm: Nanos,
    /// Invocations in progress at most; one more is throttled.
    pub concurrency: u32,
    /// An invocation (a long poll's hold, a stream) is cut this long after it starts.
    pub max_duration: Nanos,
    /// The managed WebSocket gateway's limits, when given (`None`: its defaults, for the
    /// variants it carries).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway: Option<crate::infra::gateway::GatewaySpec>,
}

/// How an invocation started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// On a new instance: it pays the cold start.
    Cold,
    /// On an idle warm instance.
    Warm,
    /// Refused: the concurrency limit is reached.
    Throttled,
}

/// What the invocations added up to, within the measurement window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Invocations {
    pub cold: u64,
    pub warm: u64,
    pub throttled: u64,
    /// Duration of the invocations that started in the window, each rounded up to the
    /// billing step.
    pub billed_ns: u128,
    /// Invocations in progress at once, at most (whole run).
    pub peak_concurrency: u32,
    /// Long polls answered at `max_duration` instead of their timeout or an event.
    pub cut_holds: u64,
    /// Streams closed at `max_duration`.
    pub cut_streams: u64,
}

/// Lambda bills each invocation's duration rounded up to 1 ms (AWS Lambda pricing page).
pub const BILLING_STEP: Nanos = crate::cost::prices::SERVERLESS_BILLING_STEP_NS;

/// The instances of one run.
#[derive(Debug, Clone)]
pub struct Functions {
    spec: ServerlessSpec,
    busy: u32,
    /// When each idle instance became idle, oldest first.
    idle: VecDeque<SimTime>,
    /// When each instance running an invocation of known length ([`Self::invoke_for`])
    /// is done, soonest first; counted in `busy` until then.
    held: BinaryHeap<Reverse<SimTime>>,
    /// Per client: when its invocation in progress started, and whether it counts (in the
    /// window); `None`: none in progress.
    running: Vec<Option<(SimTime, bool)>>,
    /// Per client: the start delay its invocation's first job still owes.
    owed: Vec<Nanos>,
    /// Per client: its long poll's hold is shorter than the transport's timeout (the
    /// limit cuts it if no event comes first).
    hold_cut: Vec<bool>,
    counts: Invocations,
    window: (Nanos, Nanos),
}

impl Functions {
    /// The instances for `clients` clients, measured over `[warmup, duration)`.
    pub fn new(spec: ServerlessSpec, clients: usize, window: (Nanos, Nanos)) -> Self {
        Functions {
            spec,
            busy: 0,
            idle: VecDeque::new(),
            held: BinaryHeap::new(),
            running: vec![None; clients],
            owed: vec![0; clients],
            hold_cut: vec![false; clients],
            counts: Invocations::default(),
            window,
        }
    }

    pub fn spec(&self) -> &ServerlessSpec {
        &self.spec
    }

    fn in_window(&self, now: SimTime) -> bool {
        (self.window.0..self.window.1).contains(&now.as_nanos())
    }

    /// Client `client`'s request arrives at `now`: an invocation starts on a warm
    /// instance, a new one, or is throttled. An invocation already in progress for the
    /// client (a request on it while a stream runs) is not a new one: `Warm` with nothing
    /// owed.
    pub fn invoke(&mut self, client: usize, now: SimTime) -> Start {
        if self.running[client].is_some() {
            return Start::Warm;
        }
        let (start, owed) = self.take_instance(now);
        if start != Start::Throttled {
            self.owed[client] = owed;
            self.running[client] = Some((now, self.in_window(now)));
        }
        start
    }

    /// An invocation tied to no client's request (a gateway route's, a push's sender's)
    /// starts at `now` and runs `work` after its start: it holds an instance until then
    /// and is billed at once. Returns how it started and its start delay (0 if
    /// throttled).
    pub fn invoke_for(&mut self, now: SimTime, work: Nanos) -> (Start, Nanos) {
        let (start, owed) = self.take_instance(now);
        if start != Start::Throttled {
            self.held.push(Reverse(now + owed + work));
            if self.in_window(now) {
                self.counts.billed_ns += u128::from(billed(owed + work));
            }
        }
        (start, owed)
    }

    /// An instance for an invocation starting at `now`: a warm one, a new one, or none at
    /// the concurrency limit (counted). Returns the start and its delay.
    fn take_instance(&mut self, now: SimTime) -> (Start, Nanos) {
        self.release_held(now);
        let counted = self.in_window(now);
        if self.busy >= self.spec.concurrency {
            self.counts.throttled += u64::from(counted);
            return (Start::Throttled, 0);
        }
        // Instances idle longer than keep_warm are gone (the oldest are at the front).
        while let Some(&since) = self.idle.front() {
            if now.since(since) > self.spec.keep_warm {
                self.idle.pop_front();
            } else {
                break;
            }
        }
        let taken = match self.idle.pop_back() {
            Some(_) => {
                self.counts.warm += u64::from(counted);
                (Start::Warm, self.spec.warm_start)
            }
            None => {
                self.counts.cold += u64::from(counted);
                (Start::Cold, self.spec.cold_start)
            }
        };
        self.busy += 1;
        self.counts.peak_concurrency = self.counts.peak_concurrency.max(self.busy);
        taken
    }

    /// Instances whose invocation of known length is done by `now` go idle, each at its
    /// own end, in time order among the idle ones.
    fn release_held(&mut self, now: SimTime) {
        while let Some(&Reverse(done)) = self.held.peek() {
            if done > now {
                break;
            }
            self.held.pop();
            self.busy -= 1;
            let at = self.idle.partition_point(|&since| since <= done);
            self.idle.insert(at, done);
        }
    }

    /// The start delay `client`'s invocation still owes before its first job (taken once).
    #[inline]
    pub fn take_start(&mut self, client: usize) -> Nanos {
        std::mem::take(&mut self.owed[client])
    }

    /// `client`'s invocation ended at `now` (answered, or its connection gone): its
    /// instance is idle from now; its duration is billed. Nothing if none was in progress.
    pub fn finish(&mut self, client: usize, now: SimTime) {
        let Some((started, counted)) = self.running[client].take() else {
            return;
        };
        self.owed[client] = 0;
        self.release_held(now);
        self.busy -= 1;
        self.idle.push_back(now);
        if counted {
            self.counts.billed_ns += u128::from(billed(now.since(started)));
        }
    }

    /// How long `client`'s invocation may still run at `now` (`max_duration` less what
    /// it has run; the whole limit if none is in progress).
    pub fn remaining(&self, client: usize, now: SimTime) -> Nanos {
        let ran = self.running[client].map_or(0, |(started, _)| now.since(started));
        self.spec.max_duration.saturating_sub(ran)
    }

    /// `client`'s long poll is held at `now` for at most `timeout`: for at most what its
    /// invocation may still run. Returns the hold; notes whether the limit shortens it.
    pub fn hold(&mut self, client: usize, timeout: Nanos, now: SimTime) -> Nanos {
        let remaining = self.remaining(client, now);
        self.hold_cut[client] = remaining < timeout;
        timeout.min(remaining)
    }

    /// `client`'s held long poll timed out at `now`: counted as cut if the limit had
    /// shortened it.
    pub fn hold_timed_out(&mut self, client: usize, now: SimTime) {
        if std::mem::take(&mut self.hold_cut[client]) && self.in_window(now) {
            self.counts.cut_holds += 1;
        }
    }

    /// A stream was closed at `max_duration` at `now`.
    pub fn stream_cut(&mut self, now: SimTime) {
        if self.in_window(now) {
            self.counts.cut_streams += 1;
        }
    }

    /// The counts at the run's end `end`: invocations still in progress are billed to it.
    pub fn result(&self, end: SimTime) -> Invocations {
        let mut counts = self.counts;
        for (started, counted) in self.running.iter().flatten() {
            if *counted {
                counts.billed_ns += u128::from(billed(end.since(*started)));
            }
        }
        counts
    }
}

/// `duration` rounded up to the billing step (at least one step).
pub fn billed(duration: Nanos) -> Nanos {
    duration.div_ceil(BILLING_STEP).max(1) * BILLING_STEP
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> ServerlessSpec {
        ServerlessSpec {
            cold_start: 300 * MS,
            warm_start: MS,
            keep_warm: 10 * S,
            concurrency: 2,
            max_duration: 29 * S,
            gateway: None,
        }
    }

    fn at(s: u64) -> SimTime {
        SimTime::from_nanos(s * S)
    }

    #[test]
    fn an_idle_instance_is_warm_until_keep_warm_then_cold() {
        let mut f = Functions::new(spec(), 2, (0, 1000 * S));
        assert_eq!(f.invoke(0, at(0)), Start::Cold);
        assert_eq!(f.take_start(0), 300 * MS);
        assert_eq!(f.take_start(0), 0, "owed once");
        f.finish(0, at(1));
        // Idle since 1 s: warm at 11 s (10 s idle), gone at 12 s.
        assert_eq!(f.invoke(1, at(11)), Start::Warm);
        assert_eq!(f.take_start(1), MS);
        f.finish(1, at(11));
        assert_eq!(f.invoke(0, at(22)), Start::Cold);
        let counts = f.result(at(23));
        assert_eq!((counts.cold, counts.warm, counts.throttled), (2, 1, 0));
        // Billed: 1 s, 1 ms (a zero-length invocation is one step), 1 s still running.
        assert_eq!(counts.billed_ns, u128::from(2 * S + MS));
    }

    #[test]
    fn beyond_the_concurrency_limit_an_invocation_is_throttled() {
        let mut f = Functions::new(spec(), 3, (0, 1000 * S));
        assert_eq!(f.invoke(0, at(0)), Start::Cold);
        assert_eq!(f.invoke(1, at(0)), Start::Cold);
        assert_eq!(f.invoke(2, at(0)), Start::Throttled);
        assert_eq!(
            f.invoke(0, at(0)),
            Start::Warm,
            "already running: not a new one"
        );
        f.finish(0, at(1));
        assert_eq!(f.invoke(2, at(1)), Start::Warm);
        let counts = f.result(at(1));
        assert_eq!((counts.cold, counts.warm, counts.throttled), (2, 1, 1));
        assert_eq!(counts.peak_concurrency, 2);
    }

    #[test]
    fn only_invocations_started_in_the_window_count() {
        let mut f = Functions::new(spec(), 1, (5 * S, 10 * S));
        f.invoke(0, at(1));
        f.finish(0, at(6));
        f.invoke(0, at(7));
        f.finish(0, at(8));
        let counts = f.result(at(10));
        assert_eq!((counts.cold, counts.warm), (0, 1));
        assert_eq!(counts.billed_ns, u128::from(S));
    }

    #[test]
    fn a_hold_is_cut_at_what_the_invocation_may_still_run() {
        let mut f = Functions::new(spec(), 1, (0, 1000 * S));
        f.invoke(0, at(10));
        // 1 s after the start, a 60 s hold is cut to the 28 s left of 29 s.
        assert_eq!(f.hold(0, 60 * S, at(11)), 28 * S);
        f.hold_timed_out(0, at(39));
        assert_eq!(f.hold(0, 20 * S, at(11)), 20 * S, "a hold within the limit");
        f.hold_timed_out(0, at(31));
        assert_eq!(f.result(at(40)).cut_holds, 1);
    }

    #[test]
    fn an_invocation_of_known_length_holds_its_instance_until_it_is_done() {
        let mut f = Functions::new(spec(), 3, (0, 1000 * S));
        // Cold at 0 s: 300 ms start + 200 ms work, busy until 0.5 s, billed 500 ms.
        assert_eq!(f.invoke_for(at(0), 200 * MS), (Start::Cold, 300 * MS));
        // At 0 s the only instance is busy: a second one is cold too.
        assert_eq!(f.invoke_for(at(0), 0), (Start::Cold, 300 * MS));
        // Concurrency 2: a third at 0 s is throttled.
        assert_eq!(f.invoke(2, at(0)), Start::Throttled);
        // At 1 s both are idle (since 0.3 s and 0.5 s): a request is warm.
        assert_eq!(f.invoke(0, at(1)), Start::Warm);
        assert_eq!(f.take_start(0), MS);
        f.finish(0, at(2));
        let counts = f.result(at(2));
        assert_eq!((counts.cold, counts.warm, counts.throttled), (2, 1, 1));
        // Billed: 500 ms + 300 ms + the request's 1 s.
        assert_eq!(counts.billed_ns, u128::from(1800 * MS));
        assert_eq!(counts.peak_concurrency, 2);
    }

    #[test]
    fn billing_rounds_up_to_the_millisecond() {
        assert_eq!(billed(1), MS);
        assert_eq!(billed(MS), MS);
        assert_eq!(billed(MS + 1), 2 * MS);
        assert_eq!(billed(0), MS);
    }
}
