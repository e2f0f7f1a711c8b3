//! Default values of every optional scenario field, with where each figure comes from.
//! `docs/defaults-and-sources.md` is written from them (by [`super::doc_tables`]); the
//! scenario reference (`rtsim schema --markdown`) shows each beside its field, from the raw
//! types' doc comments.
//!
//! A default that belongs to a type of a lower layer (TCP and TLS in `net`, the server and
//! the balancer in `infra`, the random streams, the workload) is defined there, beside its
//! type and with its source, and re-exported here under its scenario name, so that this
//! module still names every default.

pub use crate::engine::rng::DEFAULT_SEED as SEED;
pub use crate::infra::balancer::{
    DEFAULT_AFFINITY as BALANCER_AFFINITY, DEFAULT_DRAIN as BALANCER_DRAIN,
    DEFAULT_HEALTH_CHECK_HEALTHY as HEALTH_CHECK_HEALTHY,
    DEFAULT_HEALTH_CHECK_INTERVAL as HEALTH_CHECK_INTERVAL,
    DEFAULT_HEALTH_CHECK_UNHEALTHY as HEALTH_CHECK_UNHEALTHY,
    DEFAULT_IDLE_TIMEOUT as BALANCER_IDLE_TIMEOUT,
};
pub use crate::infra::gateway::{
    DEFAULT_CONNECTION_DURATION as GATEWAY_CONNECTION_DURATION,
    DEFAULT_IDLE_TIMEOUT as GATEWAY_IDLE_TIMEOUT,
};
pub use crate::infra::io::{
    DEFAULT_CONTEXT_SWITCH as CONTEXT_SWITCH, DEFAULT_MAX_THREADS as MAX_THREADS,
    DEFAULT_THREAD_STACK as THREAD_STACK,
};
pub use crate::infra::server::{
    DEFAULT_CORES as SERVER_CORES, DEFAULT_COST_ACCEPT as COST_ACCEPT,
    DEFAULT_COST_PING as COST_PING, DEFAULT_COST_PUSH as COST_PUSH,
    DEFAULT_COST_PUSH_PER_KIB as COST_PUSH_PER_KIB, DEFAULT_COST_REQUEST as COST_REQUEST,
    DEFAULT_COST_TLS_HANDSHAKE as COST_TLS_HANDSHAKE,
    DEFAULT_KEEPALIVE_TIMEOUT as KEEPALIVE_TIMEOUT,
    DEFAULT_MEMORY_PER_CONNECTION as MEMORY_PER_CONNECTION,
};
pub use crate::infra::serverless::{
    DEFAULT_COLD_START as SERVERLESS_COLD_START, DEFAULT_CONCURRENCY as SERVERLESS_CONCURRENCY,
    DEFAULT_KEEP_WARM as SERVERLESS_KEEP_WARM, DEFAULT_MAX_DURATION as SERVERLESS_MAX_DURATION,
    DEFAULT_WARM_START as SERVERLESS_WARM_START,
};
pub use crate::net::shared_link::DEFAULT_BUFFER as SHARED_LINK_BUFFER;
pub use crate::net::tcp::{
    DEFAULT_ACK_POLICY as TCP_ACK_POLICY, DEFAULT_DELAYED_ACK as TCP_DELAYED_ACK,
    DEFAULT_HEADER as TCP_HEADER, DEFAULT_MSS as TCP_MSS, DEFAULT_NODELAY as TCP_NODELAY,
    DEFAULT_SYN as TCP_SYN, LINUX_INITIAL_RCV_MSS as TCP_LINUX_INITIAL_RCV_MSS,
    LINUX_MAX_DELAYED_ACK as TCP_LINUX_MAX_DELAYED_ACK, LINUX_QUICKACKS as TCP_LINUX_QUICKACKS,
    RFC1122_DELAYED_ACK as TCP_RFC1122_DELAYED_ACK,
    RFC1122_MAX_DELAYED_ACK as TCP_RFC1122_MAX_DELAYED_ACK,
};
pub use crate::net::tls::{
    DEFAULT_CLIENT_HELLO as TLS_CLIENT_HELLO,
    DEFAULT_RESUMED_SERVER_HELLO as TLS_RESUMED_SERVER_HELLO,
    DEFAULT_SERVER_HELLO as TLS_SERVER_HELLO,
};
pub use crate::transport::session::{OPEN_PACKET as SESSION_OPEN_PACKET, SESSION_UNKNOWN_RESPONSE};
pub use crate::workload::{DEFAULT_TOPIC_ZIPF as TOPIC_ZIPF, PROTOBUF_FACTOR_PERCENT};

use crate::time::Nanos;

/// Replications of every variant: one run, as before replications existed (replication 0
/// keeps the scenario's seed, so one replication is exactly that run).
pub const REPLICATIONS: u32 = 1;

const MS: Nanos = 1_000_000;
const US: Nanos = 1_000;

/// Broker delivery delay: a publish and a delivery within one data centre (Redis pub/sub,
/// NATS) take well under a millisecond each; 1 ms leaves room for a hop.
pub const BROKER_LATENCY: Nanos = MS;
/// CPU a replica spends receiving one broker message (deserialising, routing): an
/// assumption of the same order as a push.
pub const BROKER_COST: Nanos = 20 * US;

/// Proxy idle timeout: nginx's `proxy_read_timeout` default (60 s), also the idle timeout
/// of common cloud load balancers and corporate proxies.
pub const PROXY_IDLE_TIMEOUT: Nanos = 60_000 * MS;
/// EventSource's reconnection time when the server sends no `retry:` field (Chromium and
/// WebKit: 3 s; Firefox 5 s).
pub const SSE_RETRY: Nanos = 3_000 * MS;
/// A long-poll client's wait before asking again after a failed request (the seeds'
/// example: `setTimeout(longPoll, 2000)`).
pub const LONG_POLL_RETRY: Nanos = 2_000 * MS;
pub use crate::transport::spec::WS_RECONNECT_DELAY;
/// The cap of exponential reconnect backoff: socket.io's client default
/// `reconnectionDelayMax` (5000 ms).
pub const RECONNECT_MAX: Nanos = 5_000 * MS;
/// A deploy's drain of each replica: Kubernetes' default termination grace period (30 s).
pub const DEPLOY_DRAIN: Nanos = 30_000 * MS;
/// How long a restarting proxy or load balancer refuses connections: an assumption (a
/// process restart of a few seconds); set your own.
pub const MIDDLEBOX_RESTART: Nanos = 5_000 * MS;

pub use crate::transport::spec::{
    DEFAULT_HTTP_REQUEST_HEADERS as HTTP_REQUEST_HEADERS,
    DEFAULT_HTTP_RESPONSE_HEADERS as HTTP_RESPONSE_HEADERS,
};
/// A REST `POST` of a JSON message from a browser's `fetch()`: 500 B, the request headers
/// above plus `Content-Type: application/json` (32 bytes) and `Content-Length` (about 20),
/// rounded to 50 ([`crate::transport::outbox::POST_OWN_HEADERS`]).
pub const REST_REQUEST_HEADERS: u64 =
    HTTP_REQUEST_HEADERS + crate::transport::outbox::POST_OWN_HEADERS;
/// Its answer, `204 No Content`: status line, Date, Server, Cache-Control (as a `304`).
pub const REST_RESPONSE_HEADERS: u64 = 150;
/// `304 Not Modified` headers: status line, Date, ETag, Cache-Control, Server, without
/// Content-Type or Content-Length.
pub const HTTP_NOT_MODIFIED_HEADERS: u64 = 150;
/// HPACK's Huffman code shrinks typical header text by about a fifth (RFC 7541
/// Appendix B assigns 5-6 bits to the most common characters): a first header block is
/// taken as 80% of its HTTP/1.1 text.
pub const HTTP2_HUFFMAN_PPM: u32 = 800_000;
/// A repeated request's header block: one-byte indexed references for the unchanged fields
/// and short literals for the few that change (e.g. `:path` with a cursor).
pub const HTTP2_REPEATED_REQUEST_HEADERS: u64 = 30;
/// A repeated response's header block: indexed references plus a new `date` literal.
pub const HTTP2_REPEATED_RESPONSE_HEADERS: u64 = 20;
/// gRPC request header text before HPACK: :method, :scheme, :path, :authority,
/// content-type, te, user-agent, grpc-accept-encoding, grpc-timeout (the gRPC over HTTP/2
/// protocol's request headers, with a short service path): an estimate.
pub const GRPC_REQUEST_HEADERS: u64 = 200;
/// gRPC response header text: :status, content-type, grpc-encoding, grpc-accept-encoding.
pub const GRPC_RESPONSE_HEADERS: u64 = 80;
/// A subscription request message (a topic and a cursor): an estimate.
pub const GRPC_REQUEST_MESSAGE: u64 = 16;
/// gRPC core's server keepalive time (GRPC_ARG_KEEPALIVE_TIME_MS for servers: 2 hours);
/// clients send none by default.
pub const GRPC_KEEPALIVE: Nanos = 2 * 3_600_000 * MS;
/// gRPC's connection backoff (doc/connection-backoff.md: 1 s initial, x1.6, +-20 %
/// jitter, 120 s max), approximated by doubling from 1 s with equal jitter, capped at 120 s.
pub const GRPC_RECONNECT_DELAY: Nanos = 1_000 * MS;
pub const GRPC_RECONNECT_MAX: Nanos = 120_000 * MS;
/// Chrome's HTTP/2 connection window (15 MiB, sent in its first WINDOW_UPDATE).
pub const HTTP2_WINDOW: u64 = 15 * 1024 * 1024;
/// Long-poll hold time: 30 s, below the 60 s idle timeout common in load balancers.
pub const LONG_POLL_TIMEOUT: Nanos = 30_000 * MS;
/// The body of the `200` answering a poll that finds nothing: `[]`, the empty JSON array
/// (RFC 8259 section 5) an API answering arrays sends (`polling.empty_body`).
pub const POLL_EMPTY_BODY: u64 = crate::transport::framing::json_array_overhead(0);
/// WebSocket upgrade request: a browser's GET with Upgrade, Connection,
/// Sec-WebSocket-Key/Version/Extensions, Origin, User-Agent: 500 B, the request headers
/// above and the upgrade's own 50 B.
pub const WS_UPGRADE_REQUEST: u64 = HTTP_REQUEST_HEADERS + crate::transport::UPGRADE_OWN_HEADERS;
/// `HTTP/1.1 101 Switching Protocols` with Upgrade, Connection and Sec-WebSocket-Accept:
/// exactly the 129 bytes of RFC 6455 section 1.3's example.
pub const WS_UPGRADE_RESPONSE: u64 = 129;

/// Internal service tiers (`services:`): one-way delay between a front replica and a tier,
/// 250 µs, a round trip of half a millisecond: round trips between hosts of one
/// availability zone are well under a millisecond (AWS EC2 placement-group and Google Cloud
/// intra-zone figures of 0.1-0.5 ms); rtsim's round figure, at the upper end.
pub const SERVICE_LATENCY: Nanos = 250 * US;
/// A call's request body as JSON: a small lookup (an id and a few fields); an estimate.
pub const SERVICE_REQUEST: u64 = 200;
/// A call's reply body as JSON: one record of a few dozen fields; an estimate.
pub const SERVICE_REPLY: u64 = 1024;
/// An internal REST call's header text: `POST /v1/users HTTP/1.1`, Host, User-Agent
/// (`Go-http-client/1.1`), Content-Type, Content-Length, Accept, Accept-Encoding (Go's
/// `net/http` client's own headers plus the JSON ones): about 180 B, an estimate.
pub const SERVICE_REST_REQUEST_HEADERS: u64 = 180;
/// Its reply's header text: status line, Content-Type, Content-Length, Date: about
/// 110 B, an estimate.
pub const SERVICE_REST_RESPONSE_HEADERS: u64 = 110;
/// A front replica's keep-alive pool to a REST tier: 2 connections, Apache HttpClient's
/// `PoolingHttpClientConnectionManager` default of 2 per route.
pub const SERVICE_MAX_CONNECTIONS: u32 = 2;
/// CPU per KiB of JSON encoded or decoded: 10 µs, about 100 MB/s, the order of Go's
/// `encoding/json` in its own `BenchmarkCodeDecoder`/`BenchmarkCodeEncoder`; rtsim's round
/// figure.
pub const SERVICE_JSON_PER_KIB: Nanos = 10 * US;
/// CPU per KiB of protobuf encoded or decoded: 1 µs, about 1 GB/s, the order of
/// golang/protobuf's marshal and unmarshal benchmarks; rtsim's round figure.
pub const SERVICE_PROTOBUF_PER_KIB: Nanos = US;
