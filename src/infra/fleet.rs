//! The server replicas and the load balancer in front of them: which replica takes a new
//! connection or request, the CPU that runs each job (with its cost drawn from the cost
//! model), crashes, restarts and health checks, scaling, and the front end's count of open
//! connections.
//!
//! Owns: every replica's [`Server`] (CPU, memory, connections), the [`Balancer`], which
//! replicas are down or out of rotation, the CPU cost draws, and the front end's open /
//! peak / admitted connection counts. Does not own: the clients and their connections, nor
//! which client sits on which replica (the simulation keeps that and asks the fleet).
//!
//! The cost table ([`crate::infra::costs`]) is read here and nowhere else ([`Fleet::cost`],
//! [`Fleet::memory_per_connection`]): the simulation says what work a job is and for which
//! endpoint and transport, the fleet says what it costs. For the
//! results it says how many replicas and cores were in service at a time
//! ([`Fleet::replicas_in_service`], [`Fleet::cores_available`], the fault plan saying
//! which are down).

use crate::engine::rng::{Stream, exponential};
use crate::ids::{BrowserId, ClientId, ReplicaId};
use crate::infra::balancer::BalancerSpec;
use crate::infra::balancer::{Asker, Balancer};
use crate::infra::costs::{CostTable, ServerTransport};
use crate::infra::server::{Server, ServerSpec};
use crate::metrics::{Imbalance, ReplicaResult, fixed};
use crate::time::{Nanos, SimTime};

/// The balancer's view of a replica under health checks: consecutive failed and passed
/// probes.
#[derive(Debug, Clone, Copy, Default)]
struct Health {
    fails: u32,
    passes: u32,
}

/// The replicas and their balancer, for one run.
#[derive(Debug, Clone)]
pub struct Fleet {
    /// The most replicas ever in service (the balancer says how many are).
    servers: Vec<Server>,
    balancer: Balancer,
    spec: BalancerSpec,
    /// The most connections (layer 4) or requests and streams (layer 7) a replica takes:
    /// `server.max_connections`, or a thread-per-connection server's thread limit if lower.
    max_connections: Option<u64>,
    /// What the I/O model adds to every job's CPU and to every connection's memory.
    io_cost_per_job: Nanos,
    io_memory_per_connection: u64,
    /// Draws of exponentially distributed CPU costs, when the costs are exponential.
    exponential_costs: bool,
    cpu_rng: Stream,
    /// Per replica: its process is down; the balancer leaves it out of rotation (at once
    /// without health checks, after failed probes with them; also while it is deployed).
    down: Vec<bool>,
    out: Vec<bool>,
    health: Vec<Health>,
    /// Client connections open at the front end, their peak, and all ever admitted.
    open: u64,
    peak: u64,
    admitted: u64,
    /// The server's costs per operation and memory per connection, per transport; a REST
    /// endpoint's cost per request, and a broker message's.
    costs: CostTable,
    rest_request: Nanos,
    broker_message: Nanos,
    /// Replicas in service at the start.
    initial: u32,
    /// The measurement window `[warmup, duration)`.
    window: (Nanos, Nanos),
}

/// One job of a replica's CPU, as the cost table sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Work {
    /// Parse and answer a request; `accept`: the first on a new connection, which also
    /// pays the accept.
    Request { accept: bool },
    /// Write one message of `bytes` payload bytes on a connection (an event, a long-poll
    /// answer); `bytes` is 0 where the payload is not known when the job starts (a
    /// long-poll answer's events are gathered when it is written).
    Push { bytes: u64 },
    /// Read a client's message of `bytes` payload bytes from its stream and publish it:
    /// a push's work and the read's own (a WebSocket frame's unmasking).
    Read { bytes: u64 },
    /// Write a heartbeat, ping or HTTP/2 PING.
    Ping,
    /// The server's part of a TLS handshake.
    TlsHandshake,
    /// Take in one message from the broker (`broker.cost`).
    BrokerMessage,
}

/// Which endpoint of the server a job or connection is for: a transport's (the one its
/// client is at), or the REST endpoint beside it (polling's row, with `rest.cost` as the
/// request cost).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Endpoint {
    Transport(ServerTransport),
    #[default]
    Rest,
}

impl Endpoint {
    /// The endpoint a client's jobs are for: a REST client's (`rest_client`) go to the
    /// REST endpoint beside the transport's, the others to `transport`'s.
    #[inline(always)]
    pub fn of(rest_client: bool, transport: ServerTransport) -> Self {
        if rest_client {
            Endpoint::Rest
        } else {
            Endpoint::Transport(transport)
        }
    }

    /// The row of the cost table the endpoint reads.
    #[inline(always)]
    pub fn transport(self) -> ServerTransport {
        match self {
            Endpoint::Transport(t) => t,
            Endpoint::Rest => ServerTransport::Polling,
        }
    }
}

impl Fleet {
    /// `replicas` replicas (the most ever in service) of `server`, measured over
    /// `[warmup, duration)`, behind a balancer of `spec` in service with
    /// `server.replicas`; `(rest_request, broker_message)`: the CPU a REST endpoint's
    /// request and a broker message cost; `balancer_rng` and `cpu_rng` are the run's
    /// streams for them.
    pub fn new(
        server: &ServerSpec,
        spec: BalancerSpec,
        replicas: u32,
        (warmup, duration): (Nanos, Nanos),
        (rest_request, broker_message): (Nanos, Nanos),
        balancer_rng: Stream,
        cpu_rng: Stream,
    ) -> Self {
        let n = replicas as usize;
        Fleet {
            servers: (0..n)
                .map(|_| Server::new(server, warmup, duration))
                .collect(),
            balancer: Balancer::new(spec.clone(), server.replicas, balancer_rng),
            spec,
            max_connections: match (server.max_connections, server.io.connection_limit()) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            }
            .map(u64::from),
            io_cost_per_job: server.io.cost_per_job(),
            io_memory_per_connection: server.io.memory_per_connection(),
            exponential_costs: server.exponential_costs,
            cpu_rng,
            down: vec![false; n],
            out: vec![false; n],
            health: vec![Health::default(); n],
            open: 0,
            peak: 0,
            admitted: 0,
            costs: server.costs,
            rest_request,
            broker_message,
            initial: server.replicas,
            window: (warmup, duration),
        }
    }

    /// The mean CPU time of `work` for `endpoint` (its transport's row of the cost table,
    /// plus the I/O model's context switch): the one place the table's CPU is read.
    #[inline]
    pub fn cost(&self, work: Work, endpoint: Endpoint) -> Nanos {
        let costs = &self.costs.row(endpoint.transport()).cpu;
        let work = match work {
            Work::Request { accept } => {
                let request = match endpoint {
                    Endpoint::Transport(_) => costs.request,
                    Endpoint::Rest => self.rest_request,
                };
                if accept {
                    request + costs.accept
                } else {
                    request
                }
            }
            Work::Push { bytes } => costs.push_of(bytes),
            Work::Read { bytes } => costs.read_of(bytes),
            Work::Ping => costs.ping,
            Work::TlsHandshake => costs.tls_handshake,
            Work::BrokerMessage => self.broker_message,
        };
        work + self.io_cost_per_job
    }

    /// Whether a push for `endpoint` costs anything per byte (if not, its payload need
    /// not be looked up).
    #[inline(always)]
    pub fn prices_bytes(&self, endpoint: Endpoint) -> bool {
        self.costs.row(endpoint.transport()).cpu.push_per_kib != 0
    }

    /// Whether reading a client's message for `endpoint` costs anything per byte.
    #[inline]
    pub fn prices_read_bytes(&self, endpoint: Endpoint) -> bool {
        let cpu = &self.costs.row(endpoint.transport()).cpu;
        cpu.push_per_kib != 0 || cpu.read_per_kib != 0
    }

    /// Bytes an open connection of `endpoint` holds at its replica: its transport's, plus
    /// its thread's stack on a thread-per-connection server.
    #[inline]
    pub fn memory_per_connection(&self, endpoint: Endpoint) -> u64 {
        self.costs.row(endpoint.transport()).memory_per_connection + self.io_memory_per_connection
    }

    /// The balancer's layer: 4 pins a connection to a replica, 7 balances each request.
    #[inline]
    pub fn layer(&self) -> u8 {
        self.balancer.layer()
    }

    /// Whether a replica that leaves service (a drain, a deploy step) closes a client's
    /// connection to it, given whether the connection is `open` and whether the client
    /// `holds_work` there (a stream, or a held long-poll request): at layer 4 every open
    /// connection, pinned to the replica; at layer 7 only one that holds work there, since
    /// the balancer sends the client's other requests elsewhere anyway.
    #[inline]
    pub fn drain_closes(&self, open: bool, holds_work: bool) -> bool {
        open && (self.layer() == 4 || holds_work)
    }

    /// Replicas in service: `0..active()`.
    #[inline]
    pub fn active(&self) -> u32 {
        self.balancer.active()
    }

    /// Every replica, in service or not.
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }

    /// Replica `r`.
    #[inline]
    pub fn server(&mut self, r: ReplicaId) -> &mut Server {
        &mut self.servers[r]
    }

    /// The balancer's pick for `client` among the replicas in rotation and below their
    /// connection limit; `None` if all are full, or if the pick is a crashed replica the
    /// balancer has not noticed yet (the connection is refused, the request answered 502).
    pub fn choose(&mut self, client: ClientId, browser: BrowserId) -> Option<ReplicaId> {
        let servers = &self.servers;
        let out = &self.out;
        let limit = self.max_connections;
        let r = self.balancer.choose(
            Asker {
                client: client.get(),
                browser: browser.get(),
            },
            |r| servers[r as usize].open_connections(),
            |r| {
                out[r as usize]
                    || limit.is_some_and(|max| servers[r as usize].open_connections() >= max)
            },
        )?;
        let r = ReplicaId::new(r);
        (!self.down[r]).then_some(r)
    }

    /// Runs `work` for `endpoint` on replica `r` from `now`: its drawn cost, and when it
    /// is done. Inlined where the work is known (the world's `start_job`), so that the
    /// cost table's row is read without a match.
    #[inline(always)]
    pub fn run(
        &mut self,
        r: ReplicaId,
        work: Work,
        endpoint: Endpoint,
        now: SimTime,
    ) -> (Nanos, SimTime) {
        self.run_with(r, work, endpoint, 0, now)
    }

    /// [`Self::run`], with `extra` CPU added to the job's drawn cost: the compression of
    /// what the job writes (`crate::transport::compression`), which is per byte, not drawn.
    #[inline(always)]
    pub fn run_with(
        &mut self,
        r: ReplicaId,
        work: Work,
        endpoint: Endpoint,
        extra: Nanos,
        now: SimTime,
    ) -> (Nanos, SimTime) {
        let mean = self.cost(work, endpoint);
        let cost = if self.exponential_costs {
            exponential(&mut self.cpu_rng, mean as f64)
        } else {
            mean
        } + extra;
        let done = self.servers[r].execute(now, cost);
        (cost, done)
    }

    /// `count` replicas are in service from `now`; every replica's imbalance window
    /// restarts.
    pub fn scale_to(&mut self, count: u32, now: SimTime) {
        self.balancer.scale_to(count);
        for server in &mut self.servers {
            server.mark(now);
        }
    }

    /// Whether replica `r`'s process is down.
    #[inline]
    pub fn is_down(&self, r: ReplicaId) -> bool {
        self.down[r]
    }

    /// Replica `r`'s process crashes at `now`: the CPU time its unfinished jobs would have
    /// used, `(from, to)` each, or `None` if it was down already (nothing happens).
    /// Without health checks the balancer takes it out of rotation at once.
    pub fn crash(&mut self, r: ReplicaId, now: SimTime) -> Option<Vec<(SimTime, SimTime)>> {
        if self.down[r] {
            return None;
        }
        self.down[r] = true;
        if self.spec.health_check.is_none() {
            self.out[r] = true;
        }
        Some(self.servers[r].crash(now))
    }

    /// Replica `r`'s process is back; without health checks, in rotation at once.
    pub fn restart(&mut self, r: ReplicaId) {
        self.down[r] = false;
        if self.spec.health_check.is_none() {
            self.out[r] = false;
        }
    }

    /// Replica `r` leaves rotation (a deploy drains it) or comes back.
    pub fn set_out(&mut self, r: ReplicaId, out: bool) {
        self.out[r] = out;
    }

    /// The balancer probes replica `r`: a crashed process fails, a running one passes;
    /// enough in a row take it out of or back into rotation. Returns when to probe next
    /// (`None` without health checks).
    pub fn probe(&mut self, r: ReplicaId) -> Option<Nanos> {
        let check = self.spec.health_check?;
        let health = &mut self.health[r];
        if self.down[r] {
            health.fails += 1;
            health.passes = 0;
            if health.fails >= check.unhealthy_threshold {
                self.out[r] = true;
            }
        } else {
            health.passes += 1;
            health.fails = 0;
            if health.passes >= check.healthy_threshold {
                self.out[r] = false;
            }
        }
        Some(check.interval)
    }

    /// A client connection was admitted at the front end.
    pub fn admit(&mut self) {
        self.open += 1;
        self.admitted += 1;
        self.peak = self.peak.max(self.open);
    }

    /// An admitted client connection closed.
    pub fn release(&mut self) {
        self.open -= 1;
    }

    /// Client connections open at the front end now, at most, and ever admitted.
    pub fn open_connections(&self) -> u64 {
        self.open
    }

    pub fn peak_connections(&self) -> u64 {
        self.peak
    }

    pub fn connections_admitted(&self) -> u64 {
        self.admitted
    }
}

/// What the fleet measured, for the run's result.
impl Fleet {
    /// When replica `r` entered service.
    fn in_service_from(&self, r: ReplicaId) -> Nanos {
        let r = r.get();
        if r < self.initial {
            return 0;
        }
        self.spec
            .scale
            .iter()
            .find(|(_, count)| *count > r)
            .map_or(Nanos::MAX, |(at, _)| *at)
    }

    /// Replicas in service at `t`: the latest scale step at or before it, else the initial
    /// count.
    pub fn replicas_in_service(&self, t: Nanos) -> u32 {
        self.spec
            .scale
            .iter()
            .rfind(|(at, _)| *at <= t)
            .map_or(self.initial, |(_, n)| *n)
    }

    /// The cores serving at `t`, for the utilisation over time: every replica in service
    /// then has the server's cores, less the replicas down (`down_count(t, in_service)`:
    /// how many of the first `in_service` replicas are down at `t`, as
    /// [`crate::infra::faults::FaultPlan::down_count`] says).
    pub fn cores_available(&self, t: Nanos, down_count: impl Fn(Nanos, u32) -> u32) -> u64 {
        let in_service = self.replicas_in_service(t);
        let cores = self.servers.first().map_or(0, Server::cores);
        cores * u64::from(in_service - down_count(t, in_service))
    }

    /// CPU utilisation of all replicas over their time in service within the window; a
    /// replica is out of service while it is down (`down(r)`: the intervals replica `r`
    /// is down).
    pub fn cpu_utilisation(&self, down: impl Fn(ReplicaId) -> Vec<(Nanos, Nanos)>) -> f64 {
        let (start, end) = self.window;
        let mut busy = 0u128;
        let mut capacity = 0u128;
        for (r, server) in self.servers.iter().enumerate() {
            let r = ReplicaId::at(r);
            let from = self.in_service_from(r).max(start);
            busy += server.busy_in_window();
            let down: Nanos = down(r)
                .iter()
                .map(|(a, b)| (*b).min(end).saturating_sub((*a).max(from)))
                .sum();
            let up = end.saturating_sub(from).saturating_sub(down);
            capacity += up as u128 * server.cores() as u128;
        }
        if capacity == 0 {
            0.0
        } else {
            busy as f64 / capacity as f64
        }
    }

    /// Mean wait of a job for a core over every replica, in milliseconds.
    pub fn mean_queueing_delay_ms(&self) -> f64 {
        let (wait, jobs) = self.servers.iter().fold((0u128, 0u64), |(w, j), s| {
            let (sw, sj) = s.queue_totals();
            (w + sw, j + sj)
        });
        if jobs == 0 {
            0.0
        } else {
            (wait / jobs as u128) as f64 / 1e6
        }
    }

    /// The peak memory of every replica, summed (bytes).
    pub fn peak_memory(&self) -> u64 {
        self.servers.iter().map(|s| s.peak_memory()).sum()
    }

    /// Each replica's figures.
    pub fn replica_results(&self) -> Vec<ReplicaResult> {
        let end = self.window.1;
        self.servers
            .iter()
            .enumerate()
            .map(|(r, server)| ReplicaResult {
                replica: r as u32,
                connections_at_end: server.open_connections(),
                peak_connections: server.peak_connections(),
                requests: server.requests_in_window(),
                cpu_utilisation: fixed(server.utilisation(), 6),
                cpu_since_last_scale: fixed(server.utilisation_since_mark(end), 6),
                mean_cpu_queueing_delay_ms: server.mean_queueing_delay() as f64 / 1e6,
                peak_memory_bytes: server.peak_memory(),
            })
            .collect()
    }

    /// max / mean over the replicas in service at the end (1 when perfectly even; 1 also
    /// when there is no load at all).
    pub fn imbalance(&self) -> Imbalance {
        let active = self.active() as usize;
        let end = self.window.1;
        let ratio = |values: Vec<f64>| {
            let max = values.iter().cloned().fold(0.0, f64::max);
            let mean = values.iter().sum::<f64>() / values.len().max(1) as f64;
            if mean == 0.0 {
                1.0
            } else {
                fixed(max / mean, 6)
            }
        };
        let servers = &self.servers[..active];
        Imbalance {
            connections: ratio(
                servers
                    .iter()
                    .map(|s| s.open_connections() as f64)
                    .collect(),
            ),
            cpu: ratio(
                servers
                    .iter()
                    .map(|s| s.utilisation_since_mark(end))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::infra::balancer::{HealthCheck, LbAlgorithm};
    use crate::infra::costs::{CpuCosts, TransportCosts};
    use crate::infra::io::{IoModel, Threads};

    const S: Nanos = 1_000_000_000;

    fn server(replicas: u32) -> ServerSpec {
        ServerSpec {
            cores: 1,
            costs: CostTable::uniform(TransportCosts {
                cpu: CpuCosts::FREE,
                memory_per_connection: 1000,
            }),
            keepalive_timeout: None,
            send_buffer: None,
            serverless: None,
            replicas,
            max_connections: Some(1),
            exponential_costs: false,
            io: IoModel::EventLoop,
        }
    }

    fn fleet(health_check: Option<HealthCheck>) -> Fleet {
        let spec = BalancerSpec {
            layer: 4,
            algorithm: LbAlgorithm::RoundRobin,
            scale: Vec::new(),
            drain: 0,
            idle_timeout: None,
            health_check,
            affinity: Default::default(),
        };
        Fleet::new(
            &server(2),
            spec,
            3,
            (0, 60 * S),
            (0, 7),
            crate::engine::rng::stream(1, "lb"),
            crate::engine::rng::stream(1, "cpu"),
        )
    }

    #[test]
    fn a_drain_closes_every_connection_at_layer_4_and_only_work_at_layer_7() {
        let layer4 = fleet(None);
        assert!(layer4.drain_closes(true, false), "pinned: closed");
        assert!(layer4.drain_closes(true, true));
        assert!(!layer4.drain_closes(false, true), "nothing open to close");
        let mut spec = layer4.spec.clone();
        spec.layer = 7;
        let rng = || crate::engine::rng::stream(1, "x");
        let layer7 = Fleet::new(&server(2), spec, 3, (0, 60 * S), (0, 0), rng(), rng());
        assert!(
            !layer7.drain_closes(true, false),
            "its requests go elsewhere"
        );
        assert!(layer7.drain_closes(true, true), "a stream or held request");
        assert!(!layer7.drain_closes(false, true));
    }

    #[test]
    fn a_job_costs_what_its_work_costs_at_its_endpoint() {
        let mut spec = server(1);
        spec.costs = CostTable::uniform(TransportCosts {
            cpu: CpuCosts {
                accept: 40,
                request: 120,
                push: 15,
                push_per_kib: 0,
                read_per_kib: 0,
                ping: 5,
                tls_handshake: 900,
            },
            memory_per_connection: 1000,
        });
        let balancer = fleet(None).spec;
        let rng = || crate::engine::rng::stream(1, "x");
        let f = Fleet::new(&spec, balancer, 1, (0, S), (70, 25), rng(), rng());
        let sse = Endpoint::Transport(ServerTransport::Sse);
        let at = |work| (f.cost(work, sse), f.cost(work, Endpoint::Rest));
        assert_eq!(at(Work::Request { accept: false }), (120, 70));
        assert_eq!(at(Work::Request { accept: true }), (160, 110));
        assert_eq!(at(Work::Push { bytes: 100 }), (15, 15));
        assert_eq!(at(Work::Ping), (5, 5));
        assert_eq!(at(Work::TlsHandshake), (900, 900));
        assert_eq!(at(Work::BrokerMessage), (25, 25));
        // A REST client's jobs are the REST endpoint's.
        assert_eq!(Endpoint::of(true, ServerTransport::Sse), Endpoint::Rest);
        assert_eq!(Endpoint::of(false, ServerTransport::Sse), sse);
    }

    #[test]
    fn a_job_reads_its_own_transports_row() {
        let mut spec = server(1);
        let row = |push, push_per_kib, memory_per_connection| TransportCosts {
            cpu: CpuCosts {
                push,
                push_per_kib,
                request: 100,
                ..CpuCosts::FREE
            },
            memory_per_connection,
        };
        *spec.costs.row_mut(ServerTransport::Sse) = row(10, 512, 4000);
        *spec.costs.row_mut(ServerTransport::WebSocket) = row(12, 0, 6000);
        *spec.costs.row_mut(ServerTransport::Polling) = row(0, 0, 2000);
        let rng = || crate::engine::rng::stream(1, "x");
        let f = Fleet::new(&spec, fleet(None).spec, 1, (0, S), (70, 0), rng(), rng());
        let (sse, ws) = (
            Endpoint::Transport(ServerTransport::Sse),
            Endpoint::Transport(ServerTransport::WebSocket),
        );
        // 10 ns + 2048 B × 512 ns / 1024 B against 12 ns flat.
        assert_eq!(f.cost(Work::Push { bytes: 2048 }, sse), 1034);
        assert_eq!(f.cost(Work::Push { bytes: 2048 }, ws), 12);
        assert_eq!(f.memory_per_connection(sse), 4000);
        assert_eq!(f.memory_per_connection(ws), 6000);
        // The REST endpoint is polling's row but for its own request cost.
        assert_eq!(f.memory_per_connection(Endpoint::Rest), 2000);
        assert_eq!(f.cost(Work::Request { accept: false }, Endpoint::Rest), 70);
    }

    #[test]
    fn threads_add_a_switch_per_job_a_stack_per_connection_and_a_limit() {
        let mut spec = server(1);
        spec.max_connections = Some(5);
        spec.io = IoModel::ThreadPerConnection(Threads {
            max: 2,
            stack: 8192,
            context_switch: 3,
        });
        let rng = || crate::engine::rng::stream(1, "x");
        let mut f = Fleet::new(&spec, fleet(None).spec, 1, (0, S), (70, 9), rng(), rng());
        let sse = Endpoint::Transport(ServerTransport::Sse);
        assert_eq!(f.cost(Work::BrokerMessage, sse), 9 + 3);
        assert_eq!(f.cost(Work::Request { accept: false }, Endpoint::Rest), 73);
        assert_eq!(f.memory_per_connection(sse), 1000 + 8192);
        // The lower of `max_connections` and the thread limit refuses the third.
        for client in 0..2 {
            let r = f
                .choose(ClientId::new(client), BrowserId::new(client))
                .unwrap();
            let memory = f.memory_per_connection(sse);
            f.server(r).connection_opened(memory);
        }
        assert_eq!(f.choose(ClientId::new(2), BrowserId::new(2)), None);
    }

    #[test]
    fn utilisation_counts_each_replica_only_while_in_service_and_up() {
        let mut spec = fleet(None).spec;
        spec.scale = vec![(10 * S, 3)];
        let rng = || crate::engine::rng::stream(1, "x");
        let mut f = Fleet::new(&server(2), spec, 3, (0, 60 * S), (0, 0), rng(), rng());
        assert_eq!(
            [
                f.replicas_in_service(0),
                f.replicas_in_service(10 * S - 1),
                f.replicas_in_service(10 * S)
            ],
            [2, 2, 3]
        );
        f.costs = f.costs.with_cpu(CpuCosts {
            push: 6 * S,
            ..CpuCosts::FREE
        });
        f.run(
            ReplicaId::new(0),
            Work::Push { bytes: 0 },
            Endpoint::Transport(ServerTransport::Polling),
            SimTime::ZERO,
        );
        // Capacity: replica 0 the whole minute, replica 1 less its 10 s down, replica 2
        // from its scale step at 10 s: 60 + 50 + 50 core-seconds for 6 busy.
        let down = |r| {
            if r == ReplicaId::new(1) {
                vec![(20 * S, 30 * S)]
            } else {
                vec![]
            }
        };
        assert!((f.cpu_utilisation(down) - 6.0 / 160.0).abs() < 1e-12);
    }

    #[test]
    fn cores_available_are_the_up_replicas_in_service_times_their_cores() {
        let mut spec = fleet(None).spec;
        spec.scale = vec![(10 * S, 3)];
        let rng = || crate::engine::rng::stream(1, "x");
        let mut four_cores = server(2);
        four_cores.cores = 4;
        let f = Fleet::new(&four_cores, spec, 3, (0, 60 * S), (0, 0), rng(), rng());
        // One replica down from 20 s to 30 s; the closure is told how many are in service.
        let down = |t: Nanos, in_service: u32| {
            assert!(in_service == 2 || in_service == 3);
            u32::from((20 * S..30 * S).contains(&t))
        };
        assert_eq!(
            [0, 10 * S - 1, 10 * S, 20 * S, 29 * S, 30 * S].map(|t| f.cores_available(t, down)),
            [8, 8, 12, 8, 8, 12]
        );
    }

    #[test]
    fn round_robin_passes_over_full_and_crashed_replicas() {
        let mut f = fleet(None);
        assert_eq!(f.active(), 2);
        assert_eq!(
            f.choose(ClientId::new(0), BrowserId::new(0)),
            Some(ReplicaId::new(0))
        );
        f.server(ReplicaId::new(0)).connection_opened(1000);
        // Replica 0 is at its limit of one: the next picks go to 1.
        assert_eq!(
            f.choose(ClientId::new(1), BrowserId::new(1)),
            Some(ReplicaId::new(1))
        );
        f.server(ReplicaId::new(1)).connection_opened(1000);
        assert_eq!(
            f.choose(ClientId::new(2), BrowserId::new(2)),
            None,
            "every replica is full"
        );
        f.server(ReplicaId::new(1)).connection_closed(1000);
        assert_eq!(
            f.crash(ReplicaId::new(1), SimTime::ZERO + S)
                .map(|v| v.len()),
            Some(0)
        );
        assert_eq!(
            f.crash(ReplicaId::new(1), SimTime::ZERO + S),
            None,
            "down already"
        );
        assert_eq!(
            f.choose(ClientId::new(3), BrowserId::new(3)),
            None,
            "out of rotation at once without health checks"
        );
        f.restart(ReplicaId::new(1));
        assert_eq!(
            f.choose(ClientId::new(4), BrowserId::new(4)),
            Some(ReplicaId::new(1))
        );
    }

    #[test]
    fn health_checks_take_a_crashed_replica_out_after_failed_probes() {
        let check = HealthCheck {
            interval: 5 * S,
            unhealthy_threshold: 2,
            healthy_threshold: 1,
        };
        let mut f = fleet(Some(check));
        f.crash(ReplicaId::new(0), SimTime::ZERO + S);
        assert!(f.is_down(ReplicaId::new(0)));
        // Still in rotation until two probes fail: the pick lands on it and is refused.
        assert_eq!(f.choose(ClientId::new(0), BrowserId::new(0)), None);
        assert_eq!(f.probe(ReplicaId::new(0)), Some(5 * S));
        assert_eq!(f.probe(ReplicaId::new(0)), Some(5 * S));
        assert_eq!(
            f.choose(ClientId::new(1), BrowserId::new(1)),
            Some(ReplicaId::new(1)),
            "out of rotation after the second failure"
        );
        f.restart(ReplicaId::new(0));
        f.probe(ReplicaId::new(0));
        assert_eq!(
            f.choose(ClientId::new(2), BrowserId::new(2)),
            Some(ReplicaId::new(0)),
            "back after one passing probe"
        );
    }

    #[test]
    fn the_front_end_counts_open_peak_and_admitted() {
        let mut f = fleet(None);
        f.admit();
        f.admit();
        f.release();
        f.admit();
        assert_eq!(
            (
                f.open_connections(),
                f.peak_connections(),
                f.connections_admitted()
            ),
            (2, 2, 3)
        );
        let (cost, done) = f.run(
            ReplicaId::new(0),
            Work::BrokerMessage,
            Endpoint::Transport(ServerTransport::Polling),
            SimTime::from_nanos(10),
        );
        assert_eq!(
            (cost, done),
            (7, SimTime::from_nanos(17)),
            "a fixed cost on an idle core"
        );
    }
}
