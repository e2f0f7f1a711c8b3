//! Internal service tiers: the replicas behind the front servers that a front job calls
//! before it completes (`services:` in a scenario), and the connections those calls take.
//!
//! A tier is a set of replicas, each with its own cores behind one FIFO run queue (a
//! [`Server`], as a front replica is), a CPU cost per call, and one way of carrying calls:
//! - **gRPC unary** over HTTP/2: one connection per (front replica, service replica) pair,
//!   opened at its first call; calls are multiplexed on it and balanced per call over the
//!   replicas (grpc-go's `round_robin` policy, or the replica with the fewest calls in
//!   progress). Bytes from [`crate::transport::grpc`]'s unary sizing: HPACK-indexed
//!   headers after the first call, a 5-byte prefix, the message as protobuf
//!   ([`crate::workload::protobuf_size`]).
//! - **REST/JSON** over HTTP/1.1 keep-alive: each front replica keeps a pool of at most
//!   `max_connections` connections to the tier, each pinned at its opening to the replica
//!   the balancing picks (a layer-4 service address) and carrying one call at a time; a
//!   call finding every connection busy and the pool full waits for one, in order. Bytes
//!   from [`crate::transport::http`]: header text as written, the body as JSON.
//!
//! A new connection costs one round trip (SYN, SYN-ACK) before its first call leaves. The
//! CPU of a call: the tier's `cost` plus the encoding's work per KiB of the request and the
//! reply (JSON or protobuf), on the service; the same encoding work on the front, added to
//! the job that makes the calls.
//!
//! Owns: the tiers' replicas, connections, waiting calls and counts, and the sizes of a
//! call. Does not own: which front job calls (the simulation keeps the job waiting and
//! resumes it, `sim::world::calls`), the front replicas ([`crate::infra::fleet`]).
//! Not modelled: the internal link's bandwidth, loss and TCP windows (a call is one
//! latency each way), TLS between tiers, connection idle timeouts (connections stay open),
//! faults of a service replica, gRPC streaming between tiers.

use std::collections::VecDeque;

use serde::Serialize;

use crate::ids::ClientId;
use crate::infra::costs::{CostTable, TransportCosts};
use crate::infra::io::IoModel;
use crate::infra::server::{Saturation, Server, ServerSpec};
use crate::metrics::{ServiceResult, fixed};
use crate::time::{Nanos, SimTime};
use crate::transport::message::ConnInfo;
use crate::transport::spec::HttpHeaders;

/// How a tier's calls travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceTransport {
    /// gRPC unary calls, one HTTP/2 connection per (front replica, service replica).
    Grpc,
    /// REST/JSON over a keep-alive pool of at most `max_connections` per front replica.
    Rest { max_connections: u32 },
}

impl ServiceTransport {
    pub fn name(self) -> &'static str {
        match self {
            ServiceTransport::Grpc => "grpc",
            ServiceTransport::Rest { .. } => "rest",
        }
    }
}

/// Which replica of the tier takes a call (gRPC) or a new connection (REST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceBalancing {
    RoundRobin,
    /// The replica with the fewest calls in progress (lowest index on a tie).
    LeastOutstanding,
}

/// One service tier, as the scenario gives it.
#[derive(Debug, Clone, Serialize)]
pub struct ServiceSpec {
    pub name: String,
    pub replicas: u32,
    pub cores: u32,
    /// CPU per call on the service (the handler), before the encoding's work.
    pub cost: Nanos,
    /// CPU per KiB of JSON and of protobuf encoded or decoded (service and front alike).
    pub json_per_kib: Nanos,
    pub protobuf_per_kib: Nanos,
    /// One-way latency between the front and the tier.
    pub latency: Nanos,
    /// A call's request and reply bodies as JSON (protobuf: [`crate::workload::protobuf_size`]).
    pub request: u64,
    pub response: u64,
    pub transport: ServiceTransport,
    pub balancing: ServiceBalancing,
    /// Calls per front request (a poll, a long-poll request, a subscribe or upgrade, a
    /// REST call) and per client message handled.
    pub per_request: u32,
    pub per_message: u32,
    /// Variants (by label) whose calls replace those two: `(label, per request, per
    /// message)`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub per_variant: Vec<(String, u32, u32)>,
    /// The calls' header texts; HTTP/2 parameters for gRPC.
    pub http: HttpHeaders,
}

impl ServiceSpec {
    /// The tier as variant `label` calls it: its calls per request and per message set
    /// to the variant's; `None` if the variant does not call it.
    pub fn for_variant(&self, label: &str) -> Option<ServiceSpec> {
        let (per_request, per_message) = (self.per_variant.iter())
            .find(|(l, _, _)| l == label)
            .map_or((self.per_request, self.per_message), |(_, r, m)| (*r, *m));
        (per_request + per_message > 0).then(|| ServiceSpec {
            per_request,
            per_message,
            per_variant: Vec::new(),
            ..self.clone()
        })
    }

    /// `(request, reply)` body bytes in the tier's encoding.
    pub fn bodies(&self) -> (u64, u64) {
        match self.transport {
            ServiceTransport::Grpc => (
                crate::workload::protobuf_size(self.request),
                crate::workload::protobuf_size(self.response),
            ),
            ServiceTransport::Rest { .. } => (self.request, self.response),
        }
    }

    /// CPU of encoding or decoding one call's request and reply (each side pays it once).
    pub fn codec_cpu(&self) -> Nanos {
        let (request, reply) = self.bodies();
        let per_kib = match self.transport {
            ServiceTransport::Grpc => self.protobuf_per_kib,
            ServiceTransport::Rest { .. } => self.json_per_kib,
        };
        // Below 2^64 for any scenario the bounds admit (checked when the scenario is read).
        ((request + reply) as u128 * per_kib as u128 / 1024).min(u64::MAX as u128) as Nanos
    }

    /// CPU of one call on the service: the handler and the encoding.
    pub fn call_cpu(&self) -> Nanos {
        self.cost.saturating_add(self.codec_cpu())
    }

    /// `(request, reply)` bytes of a call on a connection that carried `before` calls
    /// before it (HTTP/2's first call carries the preface and spelled-out headers).
    pub fn call_bytes(&self, before: u32) -> (u64, u64) {
        let conn = ConnInfo {
            requests_before: before,
            responses_before: before,
            client: ClientId::new(0),
            stage: 0,
        };
        let (request, reply) = self.bodies();
        match self.transport {
            ServiceTransport::Grpc => (
                crate::transport::grpc::unary_request_framing(&self.http, conn) + request,
                crate::transport::grpc::unary_response_framing(&self.http, reply, conn) + reply,
            ),
            ServiceTransport::Rest { .. } => {
                let (payload, framing) = crate::transport::http::response_with_body(
                    &self.http,
                    self.http.response,
                    reply,
                    0,
                    conn,
                );
                (
                    self.http.request_bytes(self.http.request, conn) + request,
                    payload + framing,
                )
            }
        }
    }
}

/// A connection from a front replica to a service replica.
#[derive(Debug, Clone, Copy)]
struct Conn {
    replica: u32,
    /// Calls sent on it so far.
    calls: u32,
    /// REST: a call is on it.
    busy: bool,
}

/// Where a call goes: the replica, the connection, and when it reaches the replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dispatch {
    pub replica: u32,
    pub conn: u32,
    pub arrives: SimTime,
}

/// One tier during a run.
#[derive(Debug, Clone)]
pub struct Tier {
    spec: ServiceSpec,
    servers: Vec<Server>,
    /// Calls in progress per replica (for `least_outstanding`).
    outstanding: Vec<u32>,
    next: u32,
    /// gRPC: per (front replica × replicas + replica) its connection's index in `conns`.
    pairs: Vec<Option<u32>>,
    /// REST: per front replica, its pool (indices in `conns`) and the calls waiting.
    pools: Vec<Vec<u32>>,
    waiting: Vec<VecDeque<u32>>,
    conns: Vec<Conn>,
    window: (SimTime, SimTime),
    calls: u64,
    bytes_up: u64,
    bytes_down: u64,
    /// Calls ended in the window: their total time from the front's send to the reply's
    /// arrival, and their wait for a pooled connection.
    ended: u64,
    call_time: u128,
    pool_wait: u128,
}

impl Tier {
    /// The tier of `spec` behind `fronts` front replicas, measured over `[warmup, duration)`.
    pub fn new(spec: &ServiceSpec, fronts: u32, (warmup, duration): (Nanos, Nanos)) -> Self {
        let server = ServerSpec {
            replicas: spec.replicas,
            max_connections: None,
            cores: spec.cores,
            costs: CostTable::uniform(TransportCosts::FREE),
            exponential_costs: false,
            io: IoModel::EventLoop,
            keepalive_timeout: None,
            send_buffer: None,
            serverless: None,
        };
        let n = spec.replicas as usize;
        Tier {
            servers: (0..n)
                .map(|_| Server::new(&server, warmup, duration))
                .collect(),
            outstanding: vec![0; n],
            next: 0,
            pairs: match spec.transport {
                ServiceTransport::Grpc => vec![None; fronts as usize * n],
                ServiceTransport::Rest { .. } => Vec::new(),
            },
            pools: vec![Vec::new(); fronts as usize],
            waiting: vec![VecDeque::new(); fronts as usize],
            conns: Vec::new(),
            window: (SimTime::ZERO + warmup, SimTime::ZERO + duration),
            calls: 0,
            bytes_up: 0,
            bytes_down: 0,
            ended: 0,
            call_time: 0,
            pool_wait: 0,
            spec: spec.clone(),
        }
    }

    pub fn spec(&self) -> &ServiceSpec {
        &self.spec
    }

    fn in_window(&self, t: SimTime) -> bool {
        t >= self.window.0 && t < self.window.1
    }

    /// The replica the balancing picks now.
    fn pick(&mut self) -> u32 {
        match self.spec.balancing {
            ServiceBalancing::RoundRobin => {
                let r = self.next;
                self.next = (self.next + 1) % self.spec.replicas;
                r
            }
            ServiceBalancing::LeastOutstanding => {
                let mut best = 0;
                for (r, n) in self.outstanding.iter().enumerate() {
                    if *n < self.outstanding[best] {
                        best = r;
                    }
                }
                best as u32
            }
        }
    }

    /// A new connection to replica `replica`: its index.
    fn open(&mut self, replica: u32) -> u32 {
        self.conns.push(Conn {
            replica,
            calls: 0,
            busy: false,
        });
        (self.conns.len() - 1) as u32
    }

    /// Front replica `front` makes call `call` at `now`: where it goes and when it arrives,
    /// or `None` when it waits for a pooled connection ([`Self::reply_arrived`] hands it
    /// one later).
    pub fn dispatch(&mut self, front: u32, call: u32, now: SimTime) -> Option<Dispatch> {
        let latency = self.spec.latency;
        let (conn, fresh) = match self.spec.transport {
            ServiceTransport::Grpc => {
                let replica = self.pick();
                let pair = front as usize * self.spec.replicas as usize + replica as usize;
                match self.pairs[pair] {
                    Some(conn) => (conn, false),
                    None => {
                        let conn = self.open(replica);
                        self.pairs[pair] = Some(conn);
                        (conn, true)
                    }
                }
            }
            ServiceTransport::Rest { max_connections } => {
                let pool = &self.pools[front as usize];
                match pool.iter().find(|&&k| !self.conns[k as usize].busy) {
                    Some(&conn) => (conn, false),
                    None if (pool.len() as u32) < max_connections => {
                        let replica = self.pick();
                        let conn = self.open(replica);
                        self.pools[front as usize].push(conn);
                        (conn, true)
                    }
                    None => {
                        self.waiting[front as usize].push_back(call);
                        return None;
                    }
                }
            }
        };
        Some(self.send(conn, now + if fresh { 2 * latency } else { 0 }))
    }

    /// The call leaves on `conn` at `at` (after the handshake on a fresh connection).
    fn send(&mut self, conn: u32, at: SimTime) -> Dispatch {
        let c = &mut self.conns[conn as usize];
        c.busy = true;
        let replica = c.replica;
        let (up, _) = self.spec.call_bytes(c.calls);
        if self.in_window(at) {
            self.bytes_up += up;
        }
        self.outstanding[replica as usize] += 1;
        Dispatch {
            replica,
            conn,
            arrives: at + self.spec.latency,
        }
    }

    /// The call on `conn` reached its replica at `now`: it runs there; when its reply
    /// leaves.
    pub fn serve(&mut self, replica: u32, now: SimTime) -> SimTime {
        if self.in_window(now) {
            self.calls += 1;
        }
        let cost = self.spec.call_cpu();
        self.servers[replica as usize].execute(now, cost)
    }

    /// The reply to the call on `conn` leaves its replica at `now`: when it reaches the
    /// front.
    pub fn reply_sent(&mut self, conn: u32, now: SimTime) -> SimTime {
        let c = &mut self.conns[conn as usize];
        let (_, down) = self.spec.call_bytes(c.calls);
        c.calls += 1;
        if self.in_window(now) {
            self.bytes_down += down;
        }
        now + self.spec.latency
    }

    /// The reply on `conn` reached front replica `front` at `now`, for a call made at
    /// `made` that left at `sent`; a REST connection is free for the next waiting call:
    /// that call and where it goes.
    pub fn reply_arrived(
        &mut self,
        front: u32,
        conn: u32,
        (made, sent): (SimTime, SimTime),
        now: SimTime,
    ) -> Option<(u32, Dispatch)> {
        let c = &mut self.conns[conn as usize];
        c.busy = false;
        self.outstanding[c.replica as usize] -= 1;
        if self.in_window(made) {
            self.ended += 1;
            self.call_time += now.since(made) as u128;
            self.pool_wait += sent.since(made) as u128;
        }
        let call = self.waiting[front as usize].pop_front()?;
        Some((call, self.send(conn, now)))
    }

    /// A replica of the tier that is saturated, if any (see [`crate::infra::server`]).
    pub fn saturation(&self) -> Option<(usize, Saturation)> {
        self.servers
            .iter()
            .enumerate()
            .find_map(|(r, s)| s.saturation().map(|sat| (r, sat)))
    }

    /// What the tier measured.
    pub fn result(&self) -> ServiceResult {
        let (busy, capacity, wait, jobs) =
            self.servers
                .iter()
                .fold((0u128, 0u128, 0u128, 0u64), |(b, c, w, j), s| {
                    let (sw, sj) = s.queue_totals();
                    let window = self.window.1.since(self.window.0) as u128;
                    (
                        b + s.busy_in_window(),
                        c + window * s.cores() as u128,
                        w + sw,
                        j + sj,
                    )
                });
        let ms = |total: u128, n: u64| {
            if n == 0 {
                0.0
            } else {
                fixed((total / n as u128) as f64 / 1e6, 6)
            }
        };
        ServiceResult {
            name: self.spec.name.clone(),
            transport: self.spec.transport.name().to_string(),
            replicas: self.spec.replicas,
            cores: self.spec.cores,
            calls: self.calls,
            cpu_utilisation: if capacity == 0 {
                0.0
            } else {
                fixed(busy as f64 / capacity as f64, 6)
            },
            mean_cpu_queueing_delay_ms: ms(wait, jobs),
            mean_call_ms: ms(self.call_time, self.ended),
            mean_connection_wait_ms: ms(self.pool_wait, self.ended),
            bytes_up: self.bytes_up,
            bytes_down: self.bytes_down,
            bytes_per_call: if self.calls == 0 {
                0.0
            } else {
                fixed(
                    (self.bytes_up + self.bytes_down) as f64 / self.calls as f64,
                    3,
                )
            },
            connections: self.conns.len() as u64,
        }
    }
}
