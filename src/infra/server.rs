//! The server: cores behind one FIFO run queue, open connections and their memory.
//!
//! Jobs run in the order they arrive, each on the core that frees first, so when work
//! arrives faster than the cores finish it, it waits: CPU cost becomes queueing delay.
//! Because jobs arrive in simulated-time order, a job's start and end are known the moment
//! it is submitted; only its completion needs an event.
//!
//! A server whose jobs wait more than [`SATURATION_WAIT`] for a core is *saturated*: work
//! arrives faster than the cores finish it and nothing in the model sheds it, so the wait
//! (and the simulator's pending events with it) would only grow. The server records the
//! first moment, with the load offered to it, in [`Server::saturation`]; the run stops there
//! (see [`crate::engine::Model::halt`]) rather than simulate an unbounded queue. A real
//! server would refuse work instead (a full listen backlog, 503s); modelling that would
//! change every overloaded scenario's results, so saturation ends the run.
//!
//! Instants (a job's submission, its start and end, when a core is free, a crash, a scale
//! step's mark) are [`SimTime`]; CPU costs and waits are durations ([`Nanos`]). The
//! measurement window is given as the scenario's warmup and duration.

use serde::Serialize;

/// The cost table is its own module; the server's spec holds it.
pub use crate::infra::costs::{CostTable, CpuCosts, ServerTransport, TransportCosts};
pub use crate::infra::io::{IoModel, Threads};
/// The send buffer's spec is the connection layer's (it applies the policy); the server's
/// spec names it.
pub use crate::net::send_buffer::{SendBuffer, SlowConsumerPolicy};
use crate::time::{Nanos, SimTime};

/// The longest a job may wait for a core before the server counts as saturated: half a
/// minute, past a user's patience and the usual request timeouts of proxies and clients, and
/// far beyond the queueing of a server that is only briefly overloaded (no example scenario
/// comes near it).
pub const SATURATION_WAIT: Nanos = 30 * 1_000_000_000;

const SECOND: Nanos = 1_000_000_000;
const MS: Nanos = 1_000_000;
const US: Nanos = 1_000;

/// Server cores. An assumption: a small application server.
pub const DEFAULT_CORES: u32 = 4;
/// CPU per accepted connection, request, pushed message and heartbeat. rtsim's
/// assumptions for an event-loop application server (order of magnitude of published
/// Node.js / Go HTTP benchmarks: a few thousand to tens of thousands of requests per
/// second per core); every scenario that asks a CPU question should set its own.
pub const DEFAULT_COST_ACCEPT: Nanos = 40 * US;
pub const DEFAULT_COST_REQUEST: Nanos = 120 * US;
pub const DEFAULT_COST_PUSH: Nanos = 15 * US;
pub const DEFAULT_COST_PING: Nanos = 5 * US;
/// The application's CPU per KiB of a message: none beyond `push` (the base push cost
/// covers a small message; what grows with the bytes is the protocols' framing, in
/// [`crate::infra::costs::protocol`]).
pub const DEFAULT_COST_PUSH_PER_KIB: Nanos = 0;
/// Server CPU for a handshake: an ECDHE key exchange and an ECDSA P-256 signature take
/// on the order of 100-300 us in OpenSSL's `speed` benchmarks on one core.
pub const DEFAULT_COST_TLS_HANDSHAKE: Nanos = 200 * US;
/// Memory per open connection: kernel socket buffers plus a user-space connection
/// object; an assumption in the range reported for tuned Linux servers holding a million
/// connections (roughly 10 to 50 KiB each).
pub const DEFAULT_MEMORY_PER_CONNECTION: u64 = 32 * 1024;
/// nginx's default `keepalive_timeout` (75 s).
pub const DEFAULT_KEEPALIVE_TIMEOUT: Nanos = 75_000 * MS;

/// A server replica's resources and costs (every replica has the same).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ServerSpec {
    /// Replicas in service at the start.
    pub replicas: u32,
    /// Connections a replica accepts at most (layer 4).
    pub max_connections: Option<u32>,
    /// Default [`DEFAULT_CORES`].
    pub cores: u32,
    /// CPU per job and memory per connection, per transport (defaults: the
    /// `DEFAULT_COST_*` and [`DEFAULT_MEMORY_PER_CONNECTION`] as the base of every row,
    /// plus each transport's protocol work).
    pub costs: CostTable,
    /// Whether operation costs are fixed or exponentially distributed around them.
    pub exponential_costs: bool,
    /// An event loop, or a thread per connection (its stack, context switches and limit).
    pub io: IoModel,
    /// Idle time after which the server closes a keep-alive connection; none: never.
    /// Default [`DEFAULT_KEEPALIVE_TIMEOUT`].
    pub keepalive_timeout: Option<Nanos>,
    /// Streams' send buffer, if modelled.
    pub send_buffer: Option<SendBuffer>,
    /// `kind: serverless`: an instance per invocation instead of fixed replicas
    /// ([`crate::infra::serverless`]); `None`: the fixed fleet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serverless: Option<crate::infra::serverless::ServerlessSpec>,
}

/// The moment a server became saturated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Saturation {
    /// Simulated time of the first job that had to wait longer than [`SATURATION_WAIT`].
    pub at: SimTime,
    /// How long it would have waited for a core.
    pub wait: Nanos,
    /// CPU work offered per second over the last whole second before it, in cores (a
    /// server of `cores` cores keeps up only while this stays below `cores`).
    pub offered_cores: f64,
}

/// CPU and connection state of the server.
#[derive(Debug, Clone)]
pub struct Server {
    /// When each core finishes the work it has been given.
    core_free: Vec<SimTime>,
    window_start: SimTime,
    window_end: SimTime,
    /// Core-nanoseconds busy within the measurement window.
    busy_in_window: u128,
    /// Total wait in the run queue of jobs submitted within the window, and their count.
    wait_in_window: u128,
    jobs_in_window: u64,
    open_connections: u64,
    peak_connections: u64,
    /// Bytes held by the open connections (each as its transport's row says).
    connection_memory: u64,
    /// Requests that arrived within the window.
    requests_in_window: u64,
    /// Start of the current imbalance period (the last scale step) and the busy time since.
    mark: SimTime,
    busy_since_mark: u128,
    /// Bytes waiting in send buffers now, and the peak of connection memory plus them.
    buffered: u64,
    peak_memory: u64,
    /// CPU work submitted in the current simulated second and in the one before it.
    second: u64,
    work_this_second: u128,
    work_last_second: u128,
    saturation: Option<Saturation>,
}

impl Server {
    /// A server of `spec` measuring the window `[window_start, window_end)` (the
    /// scenario's warmup and duration).
    pub fn new(spec: &ServerSpec, window_start: Nanos, window_end: Nanos) -> Self {
        let (window_start, window_end) = (SimTime::ZERO + window_start, SimTime::ZERO + window_end);
        Server {
            core_free: vec![SimTime::ZERO; spec.cores as usize],
            window_start,
            window_end,
            busy_in_window: 0,
            wait_in_window: 0,
            jobs_in_window: 0,
            open_connections: 0,
            peak_connections: 0,
            connection_memory: 0,
            requests_in_window: 0,
            mark: window_start,
            busy_since_mark: 0,
            buffered: 0,
            peak_memory: 0,
            second: 0,
            work_this_second: 0,
            work_last_second: 0,
            saturation: None,
        }
    }

    /// Submits a job of `cost` CPU time at `now`; returns when it completes.
    pub fn execute(&mut self, now: SimTime, cost: Nanos) -> SimTime {
        // The earliest-free core; ties go to the lowest index, so the choice is deterministic.
        let mut core = 0;
        for (i, free) in self.core_free.iter().enumerate() {
            if *free < self.core_free[core] {
                core = i;
            }
        }
        let start = now.max(self.core_free[core]);
        self.offer(now, start, cost);
        let done = start + cost;
        self.core_free[core] = done;
        let busy_to = done.min(self.window_end);
        let busy_from = start.max(self.window_start);
        if busy_to > busy_from {
            self.busy_in_window += busy_to.since(busy_from) as u128;
        }
        let since_mark = start.max(self.mark);
        if busy_to > since_mark {
            self.busy_since_mark += busy_to.since(since_mark) as u128;
        }
        if now >= self.window_start && now < self.window_end {
            self.wait_in_window += start.since(now) as u128;
            self.jobs_in_window += 1;
        }
        done
    }

    /// Counts `cost` of work offered at `now`, and notes saturation when it must wait until
    /// `start`.
    #[inline]
    fn offer(&mut self, now: SimTime, start: SimTime, cost: Nanos) {
        let second = now.as_nanos() / SECOND;
        if second != self.second {
            self.work_last_second = if second == self.second + 1 {
                self.work_this_second
            } else {
                0
            };
            self.work_this_second = 0;
            self.second = second;
        }
        self.work_this_second += cost as u128;
        if start.since(now) > SATURATION_WAIT && self.saturation.is_none() {
            self.saturation = Some(Saturation {
                at: now,
                wait: start.since(now),
                offered_cores: self.work_last_second as f64 / SECOND as f64,
            });
        }
    }

    /// When the server became saturated, if it did (see the module's doc).
    pub fn saturation(&self) -> Option<Saturation> {
        self.saturation
    }

    /// The process crashes at `now`: the work queued on its cores is lost (and its busy
    /// time past `now` no longer counts). Returns each core's voided busy interval (a core
    /// is busy without a gap from `now` until it would have been free).
    pub fn crash(&mut self, now: SimTime) -> Vec<(SimTime, SimTime)> {
        let voided = self
            .core_free
            .iter()
            .filter(|free| **free > now)
            .map(|free| (now, *free))
            .collect();
        for core in 0..self.core_free.len() {
            let free = self.core_free[core];
            if free <= now {
                continue;
            }
            let window_from = now.max(self.window_start);
            let window_to = free.min(self.window_end);
            if window_to > window_from {
                self.busy_in_window = self
                    .busy_in_window
                    .saturating_sub(window_to.since(window_from) as u128);
            }
            let mark_from = now.max(self.mark);
            if window_to > mark_from {
                // (Work queued before the last mark was never counted since it.)
                self.busy_since_mark = self
                    .busy_since_mark
                    .saturating_sub(window_to.since(mark_from) as u128);
            }
            self.core_free[core] = now;
        }
        voided
    }

    /// Connections (or, behind a layer-7 balancer, active requests and streams) open now.
    pub fn open_connections(&self) -> u64 {
        self.open_connections
    }

    /// Counts a request.
    pub fn request_arrived(&mut self, in_window: bool) {
        self.requests_in_window += u64::from(in_window);
    }

    pub fn requests_in_window(&self) -> u64 {
        self.requests_in_window
    }

    /// Restarts the imbalance period at `now` (a scale step). Busy time already committed
    /// past `now` by queued jobs is not moved; the period is long against one job.
    pub fn mark(&mut self, now: SimTime) {
        self.mark = now.max(self.window_start);
        self.busy_since_mark = 0;
    }

    /// CPU utilisation since the last scale step (or the window's start), to `end` (the
    /// scenario's duration: a results-time query).
    pub fn utilisation_since_mark(&self, end: Nanos) -> f64 {
        let span = (SimTime::ZERO + end).saturating_since(self.mark) as u128
            * self.core_free.len() as u128;
        if span == 0 {
            0.0
        } else {
            self.busy_since_mark as f64 / span as f64
        }
    }

    /// A connection that held `memory` bytes closed.
    pub fn connection_closed(&mut self, memory: u64) {
        self.open_connections -= 1;
        self.connection_memory -= memory;
    }

    /// A connection opened; it holds `memory` bytes while open.
    pub fn connection_opened(&mut self, memory: u64) {
        self.open_connections += 1;
        self.connection_memory += memory;
        self.peak_connections = self.peak_connections.max(self.open_connections);
        self.note_memory();
    }

    /// Share of the cores' time busy within the window, 0 to 1.
    pub fn utilisation(&self) -> f64 {
        let capacity =
            self.window_end.since(self.window_start) as u128 * self.core_free.len() as u128;
        if capacity == 0 {
            0.0
        } else {
            self.busy_in_window as f64 / capacity as f64
        }
    }

    /// Mean time a job waited for a core, over jobs submitted in the window.
    pub fn mean_queueing_delay(&self) -> Nanos {
        if self.jobs_in_window == 0 {
            0
        } else {
            (self.wait_in_window / self.jobs_in_window as u128) as Nanos
        }
    }

    /// Core-nanoseconds busy within the window.
    pub fn busy_in_window(&self) -> u128 {
        self.busy_in_window
    }

    /// Total run-queue wait and number of jobs submitted within the window.
    pub fn queue_totals(&self) -> (u128, u64) {
        (self.wait_in_window, self.jobs_in_window)
    }

    pub fn cores(&self) -> u64 {
        self.core_free.len() as u64
    }

    pub fn peak_connections(&self) -> u64 {
        self.peak_connections
    }

    /// Bytes waiting in connections' send buffers changed by `delta`.
    pub fn buffered_changed(&mut self, delta: i64) {
        self.buffered = self.buffered.saturating_add_signed(delta);
        self.note_memory();
    }

    fn note_memory(&mut self) {
        let now = self.connection_memory + self.buffered;
        self.peak_memory = self.peak_memory.max(now);
    }

    /// Bytes waiting in send buffers now.
    pub fn buffered(&self) -> u64 {
        self.buffered
    }

    /// Peak memory held for connections and their buffered bytes.
    pub fn peak_memory(&self) -> u64 {
        self.peak_memory
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The instant `nanos` nanoseconds into the run.
    fn t(nanos: u64) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    fn spec(cores: u32) -> ServerSpec {
        ServerSpec {
            cores,
            costs: CostTable::uniform(TransportCosts {
                cpu: CpuCosts::FREE,
                memory_per_connection: 1000,
            }),
            keepalive_timeout: None,
            send_buffer: None,
            serverless: None,
            replicas: 1,
            max_connections: None,
            exponential_costs: false,
            io: IoModel::EventLoop,
        }
    }

    #[test]
    fn jobs_queue_when_cores_are_busy() {
        let mut s = Server::new(&spec(2), 0, 1_000);
        assert_eq!(s.execute(t(0), 100), t(100));
        assert_eq!(s.execute(t(0), 100), t(100));
        // Third job waits for the first free core.
        assert_eq!(s.execute(t(10), 100), t(200));
        assert_eq!(s.mean_queueing_delay(), 30);
        assert!((s.utilisation() - 300.0 / 2000.0).abs() < 1e-12);
    }

    #[test]
    fn busy_time_outside_the_window_is_not_counted() {
        let mut s = Server::new(&spec(1), 100, 200);
        s.execute(t(50), 100); // busy 50..150, of which 50 in the window
        assert!((s.utilisation() - 0.5).abs() < 1e-12);
    }

    #[test]
    fn a_run_queue_that_only_grows_is_saturation() {
        let mut s = Server::new(&spec(1), 0, 1_000 * SECOND);
        // 1 ms jobs, 2 a millisecond: twice what one core does.
        let mut now = SimTime::ZERO;
        while s.saturation().is_none() {
            s.execute(now, 1_000_000);
            s.execute(now, 1_000_000);
            now += 1_000_000;
            assert!(now < t(200 * SECOND), "never saturated");
        }
        let saturation = s.saturation().unwrap();
        assert!(saturation.wait > SATURATION_WAIT);
        // The wait grows by one second a second.
        assert!((t(SATURATION_WAIT)..t(SATURATION_WAIT + SECOND)).contains(&saturation.at));
        assert!((saturation.offered_cores - 2.0).abs() < 1e-9);
    }

    #[test]
    fn a_briefly_overloaded_server_is_not_saturated() {
        let mut s = Server::new(&spec(1), 0, 1_000 * SECOND);
        // 20 s of work at once, then it drains.
        for _ in 0..20_000 {
            s.execute(t(0), 1_000_000);
        }
        s.execute(t(25 * SECOND), 1_000_000);
        assert_eq!(s.saturation(), None);
    }

    #[test]
    fn memory_follows_peak_connections() {
        let mut s = Server::new(&spec(1), 0, 1);
        s.connection_opened(1000);
        s.connection_opened(3000);
        s.connection_closed(1000);
        s.connection_opened(500);
        assert_eq!(s.peak_connections(), 2);
        assert_eq!(
            s.peak_memory(),
            4000,
            "each connection holds its own transport's"
        );
    }
}
