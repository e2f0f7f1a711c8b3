//! The scenario file as written: serde types that mirror the YAML one to one.
//!
//! Every struct denies unknown fields (the top level is checked key by key in
//! [`super::load`], because it also admits `x-` anchor keys). Values with units are the
//! newtypes of [`crate::units`], so a bad unit is reported by the YAML parser with its line
//! and column. Names are resolved and defaults applied later, in [`super::validate`].
//! Every field's doc says its unit and default; the README's reference is written from them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::net::tls::TlsVersion;
use crate::units::{Bandwidth, ByteSize, Duration, Percent, Rate};

/// A whole scenario file (format version 1).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
pub struct RawScenario {
    /// Scenario name; names the default output folder `out/<name>/`. Required.
    pub name: String,
    /// Free text: which question the scenario answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Master seed of every random stream. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Simulated time of a run. Required, > 0.
    pub duration: Duration,
    /// Start of the measurement window: latencies of earlier events and bytes, requests and
    /// CPU before it are excluded from the metrics. Default 0s; must be < duration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warmup: Option<Duration>,
    /// Named link profiles. At least one.
    pub network: BTreeMap<String, RawLink>,
    /// TCP parameters shared by every connection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp: Option<RawTcp>,
    /// HTTP/2 parameters, for variants that use it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http2: Option<RawHttp2>,
    /// TLS handshake sizes, for groups that use TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<RawTls>,
    /// Named HTTP proxies that client groups reach the servers through (`via`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxies: Option<BTreeMap<String, RawProxy>>,
    /// Links between named nodes (client groups, proxies, `balancer`, `servers`) and the
    /// paths groups take. Default: each group reaches the servers directly (through its
    /// `via` proxy, if any).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<RawTopology>,
    /// Named client groups. At least one.
    pub clients: BTreeMap<String, RawClientGroup>,
    /// The server. All fields have defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<RawServer>,
    /// The load balancer in front of the server replicas. Required with more than one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<RawBalancer>,
    /// A pub/sub backplane that fans each event out to the replicas. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker: Option<RawBroker>,
    /// What the server has to deliver.
    pub workload: RawWorkload,
    /// The REST endpoint beside push-only transports, for the clients' messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest: Option<RawRest>,
    /// Webhook receivers (other services' endpoints), for `webhook` variants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receivers: Option<BTreeMap<String, RawReceiver>>,
    /// The transport variants to compare. At least one.
    pub transports: Vec<RawTransport>,
    /// Parameters to sweep: field path → a list of values, or a range. Every combination
    /// of values is one point of the sweep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sweep: Option<BTreeMap<String, RawAxis>>,
    /// Scheduled faults: replica crashes and restarts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub faults: Option<Vec<RawFault>>,
    /// Thresholds checked on every run: `<label>.<metric> <op> <value>`.
    #[serde(default, rename = "assert", skip_serializing_if = "Option::is_none")]
    pub assertions: Option<Vec<String>>,
    /// The charts to draw, instead of the default set: run charts by name (latency-cdf,
    /// frontier, connections-over-time, requests-over-time, cpu-over-time,
    /// latency-over-time), sweep charts as `<metric> vs <swept parameter>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub charts: Option<Vec<String>>,
}

/// One client access link profile: each client of a group gets its own link with these
/// properties, one FIFO queue per direction.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    /// One-way propagation delay. Required.
    pub latency: Duration,
    /// Extra one-way delay drawn uniformly from [0, jitter] per message; a TCP stream is
    /// never reordered by it. Default 0s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter: Option<Duration>,
    /// Bandwidth in each direction. Required, > 0.
    pub bandwidth: Bandwidth,
    /// Upload bandwidth when it differs from `bandwidth` (e.g. ADSL). Default: `bandwidth`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload: Option<Bandwidth>,
    /// Probability that a TCP segment (or its retransmission) is lost; lost segments are
    /// retransmitted by fast retransmit or after the RTO. Default 0%.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loss: Option<Percent>,
    /// The clients' mobile radio on this link, whose energy is reported. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radio: Option<RawRadio>,
}

/// A mobile radio: a technology's published state machine, with any figure overridden.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRadio {
    /// `lte`, `3g` or `wifi`. Required.
    pub technology: String,
    /// Power while idle, in milliwatts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_mw: Option<f64>,
    /// Idle to connected: how long, and the power meanwhile (mW).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promotion_mw: Option<f64>,
    /// Power while data moves (mW), plus these per Mbit/s of throughput up and down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_mw: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_mw_per_mbps: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_mw_per_mbps: Option<f64>,
    /// How long the radio stays at high power after the last transfer, and that power (mW)
    /// (3G: the DCH tail).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tail_mw: Option<f64>,
    /// 3G: the FACH state after the DCH tail, and its power (mW).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fach: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fach_mw: Option<f64>,
    /// 3G: FACH to DCH promotion, and its power (mW).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fach_promotion: Option<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fach_promotion_mw: Option<f64>,
}

/// TCP/IP parameters.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTcp {
    /// Maximum segment size. Default 1448B (1500-byte MTU less 52 bytes of headers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mss: Option<ByteSize>,
    /// IP + TCP header bytes per segment. Default 52B: IPv4 20 (RFC 791) + TCP 20
    /// (RFC 9293) + the timestamps option 12 (RFC 7323, on by default in Linux).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<ByteSize>,
    /// Bytes of a SYN or SYN-ACK segment. Default 60B: IPv4 20 + TCP 20 + options 20
    /// (MSS 4, SACK-permitted 2, timestamps 10, window scale 3, one NOP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub syn: Option<ByteSize>,
    /// Delayed-ACK timer: a receiver acknowledges every second segment at once and a lone
    /// segment after this delay unless data it sends carries the ACK first. Default 40ms
    /// (Linux's minimum delayed-ACK timeout, TCP_DELACK_MIN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delayed_ack: Option<Duration>,
}

/// HTTP/2 parameters, for variants with `http2: true`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHttp2 {
    /// A header block's size on first use on a connection, relative to its HTTP/1.1 text
    /// (HPACK Huffman coding). Default 80%.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub huffman: Option<Percent>,
    /// A request header block once the dynamic table holds its fields. Default 30B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeated_request_headers: Option<ByteSize>,
    /// A response header block once the dynamic table holds its fields. Default 20B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeated_response_headers: Option<ByteSize>,
    /// The client's connection flow-control window. Default 15MiB (Chrome's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window: Option<ByteSize>,
    /// Interval of PING frames the server sends on each HTTP/2 connection (the client
    /// answers each with a PING ACK). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping: Option<Duration>,
}

/// Sizes of the TLS handshake's first flights.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTls {
    /// The client's ClientHello record. Default 517B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_hello: Option<ByteSize>,
    /// The server's first flight: ServerHello and certificate chain (with
    /// EncryptedExtensions, CertificateVerify and Finished in 1.3; ServerKeyExchange and
    /// ServerHelloDone in 1.2). Default 4KB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_hello: Option<ByteSize>,
    /// Whether a client reconnecting resumes its TLS session: one round trip less (TLS 1.3
    /// then sends its request as 0-RTT early data). Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumption: Option<bool>,
    /// The server's first flight when resuming (no certificate chain). Default 200B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resumed_server_hello: Option<ByteSize>,
}

/// The topology: links between nodes and, optionally, explicit paths.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTopology {
    /// Undirected links between nodes, each with a one-way latency.
    #[serde(default)]
    pub links: Vec<RawTopologyLink>,
    /// Per group: the nodes after the group, ending with `servers`. Default: the path of
    /// least latency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<BTreeMap<String, Vec<String>>>,
}

/// A link between two nodes.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTopologyLink {
    pub from: String,
    pub to: String,
    /// One-way delay on the link. Default 0s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Duration>,
}

/// An HTTP proxy (a corporate forward proxy, or a reverse proxy in front of the servers).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawProxy {
    /// Closes a connection that carried no bytes for this long. Default 60s (as nginx's
    /// `proxy_read_timeout` and common corporate proxies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<Duration>,
    /// Holds a streamed response's bytes until this many are buffered (nginx's
    /// `proxy_buffering`): it stalls SSE. Default: none (passes bytes at once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffering: Option<ByteSize>,
    /// Added one-way delay of each message through the proxy. Default 0s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Duration>,
    /// Closes a connection this long after it opened (at its next quiet moment). Default:
    /// none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_lifetime: Option<Duration>,
    /// Connections the proxy carries at most; more are refused. Default: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// `allow` or `deny` WebSocket upgrades (a denied upgrade gets `403 Forbidden`).
    /// Default `allow`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub websocket: Option<String>,
}

/// A group of identical clients.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawClientGroup {
    /// Number of clients. Required, >= 1.
    pub count: u32,
    /// Name of a profile under `network`. Required.
    pub link: String,
    /// Clients start uniformly at random within [0, ramp). Default 0s (all at time 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ramp: Option<Duration>,
    /// Tabs per client (browser), each running the transport; they share the browser's
    /// access link and, over HTTP/1.1, its six connections per origin. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tabs: Option<u32>,
    /// Name of a proxy under `proxies` that the group's connections pass through.
    /// Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// TLS on the group's connections: `none`, `"1.2"` or `"1.3"`. Default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsVersion>,
}

/// The server: one machine with cores and a FIFO run queue.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServer {
    /// Server replicas, each with these cores, costs and limits. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
    /// Connections a replica accepts at most: TCP connections behind a layer-4 balancer (or
    /// alone), refused with a reset beyond it; behind layer 7, requests and streams in
    /// progress (each holds one of the balancer's connections to the replica), answered
    /// `503` by the balancer when every replica is full. Default: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_connections: Option<u32>,
    /// CPU cores per replica. Default 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cores: Option<u32>,
    /// CPU time per operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<RawCost>,
    /// `fixed`: every operation costs exactly its `cost`; `exponential`: each costs an
    /// exponentially distributed time with that mean. Default `fixed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_distribution: Option<String>,
    /// Memory held per open connection. Default 32KiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_per_connection: Option<ByteSize>,
    /// Per-connection send buffer of streams (SSE, WebSocket): what waits for a slow
    /// client's link, and what happens when it overflows. Default: none (unbounded, not
    /// counted in memory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_buffer: Option<RawSendBuffer>,
    /// HTTP keep-alive idle timeout: the server closes a connection idle this long after a
    /// response (streams are never idle-closed). Default 75s (nginx's
    /// `keepalive_timeout`); `0s` for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keepalive_timeout: Option<Duration>,
}

/// A stream's send buffer.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSendBuffer {
    /// Bytes a stream may have waiting for its client's link. Required.
    pub limit: ByteSize,
    /// Past the limit: `buffer` (keep everything; memory grows), `drop_oldest` (discard the
    /// oldest waiting messages; their events are lost) or `disconnect` (close the stream).
    /// Required.
    pub policy: String,
}

/// The load balancer.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBalancer {
    /// 4: a connection is pinned to the replica chosen when it opened; 7: each request (or
    /// HTTP/2 stream) is balanced on its own. Required.
    pub layer: u8,
    /// `round_robin`, `least_connections`, `random` or `hash` (of the client). Default
    /// `round_robin`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<String>,
    /// Closes a connection that carried no bytes this long. Default 60s (the default of
    /// AWS's Application and Classic Load Balancers); `0s` for none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<Duration>,
    /// How long a replica removed by a scale step keeps its connections before they are
    /// closed. Default 300s (AWS target groups' deregistration delay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drain: Option<Duration>,
    /// Scale steps: at a time, the number of replicas in service from then on (fewer
    /// replicas drain).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Vec<RawScaleStep>>,
    /// Active health checks: how long a crashed replica keeps getting new connections,
    /// and a restarted one waits to get them again. Default: none (the balancer knows at
    /// once, an idealisation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<RawHealthCheck>,
}

/// One scale step.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScaleStep {
    /// When. Required, < duration.
    pub at: Duration,
    /// Replicas in service from then on. Required, different from before.
    pub replicas: u32,
}

/// The pub/sub backplane.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBroker {
    /// Delay from publishing an event to its arrival at a replica. Default 1ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<Duration>,
    /// CPU a replica spends on each broker message. Default 20us.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Duration>,
}

/// CPU time per server operation (fixed).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCost {
    /// Accepting a new connection. Default 40us.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept: Option<Duration>,
    /// Handling one HTTP request (a poll, a long-poll request, an SSE subscribe, a WebSocket
    /// upgrade). Default 120us.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Duration>,
    /// Writing one message to an open connection (an SSE event, a WebSocket frame, the answer
    /// to a held long-poll request). Default 15us.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push: Option<Duration>,
    /// Sending one heartbeat or ping and handling its pong. Default 5us.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping: Option<Duration>,
    /// The server's share of a TLS handshake (key exchange and signature). Default 200us.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls_handshake: Option<Duration>,
}

/// What the server has to deliver, and what the clients send.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWorkload {
    /// Server-originated events (to every client). Required unless `messages` is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<RawEvents>,
    /// Messages the clients send (a chat, an editor, a game): each reaches the server over
    /// the variant's connection (WebSocket, gRPC bidirectional or client streaming) or a
    /// REST request beside its stream (SSE, polling, long polling). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<RawMessages>,
}

/// Client-to-server messages.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMessages {
    /// Mean messages per client per unit time (Poisson), e.g. `1/min`. Required, > 0.
    pub rate: Rate,
    /// Payload bytes per message: a size or a distribution, as for events. Required.
    pub payload: RawPayload,
    /// Who receives each message once the server has it: `all` (every client, the sender
    /// included, as a chat room echoes) or `none` (uploads only: telemetry). Default `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_to: Option<String>,
}

/// The REST endpoint that clients of push-only transports (SSE, polling, long polling)
/// send their messages to, on a keep-alive HTTP/1.1 connection of its own.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRest {
    /// Request line and headers of a `POST` with a JSON body (a `fetch()` from a browser
    /// with Content-Type and Content-Length). Default 500B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_headers: Option<ByteSize>,
    /// The answer, a `204 No Content` (status line, Date, Server, Cache-Control).
    /// Default 150B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<ByteSize>,
    /// Server CPU per REST request. Default: `server.cost.request`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Duration>,
    /// History over REST: when a client's stream opens (and when a poller's first answer
    /// arrives), it GETs up to this many events: on first connect the latest ones before
    /// it subscribed; after a reconnect the ones it missed (a WebSocket or gRPC stream
    /// without replay recovers them this way instead of losing them). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<u32>,
}

/// An event source.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvents {
    /// `poisson` (exponential gaps), `periodic` (fixed gaps), `bursty` (Poisson at `rate`
    /// during `on` periods, silent during `off` ones) or `trace` (the rows of `trace`).
    /// Required.
    pub source: String,
    /// `bursty`: how long each burst lasts. Required with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on: Option<Duration>,
    /// `bursty`: the silence between bursts. Required with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub off: Option<Duration>,
    /// Mean events per unit time, e.g. `2/s`. Required, > 0 (except with a trace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Rate>,
    /// `trace`: the CSV file to replay (`time,size,audience`), relative to the scenario.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<String>,
    /// Payload bytes per event (the JSON text of the event): a size (`300B`), or a
    /// distribution: `{ uniform: [100B, 1KB] }` or `{ lognormal: { median: 300B, sigma: 0.8 } }`.
    /// Required, >= 1B (except with a trace, whose rows give the sizes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payload: Option<RawPayload>,
    /// Who receives each event: `all` (every client), `user` (one client, drawn uniformly
    /// per event: a personal notification) or topics:
    /// `{ topics: 50, subscriptions: 3, zipf: 0.8 }` (each event belongs to one topic, drawn
    /// uniformly; each client subscribes to `subscriptions` distinct topics drawn by a Zipf
    /// law of exponent `zipf`). With a trace, its rows may name `user:<n>` or `topic:<n>`.
    /// Default `all`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<RawAudience>,
    /// `json` (text) or `binary`. Text-only transports carry binary payloads base64-encoded
    /// (inside a JSON string in polling bodies); WebSocket sends binary frames. Default `json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The event's size as a protobuf message (gRPC). Default: `payload` x 0.35.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protobuf_size: Option<ByteSize>,
}

/// An event's payload size: fixed, or drawn per event. (Read by hand rather than as an
/// untagged enum, so that a bad size keeps its own message: "missing unit", ...)
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum RawPayload {
    /// Every event has this size.
    Fixed(ByteSize),
    /// Each event's size is drawn from a distribution.
    Distribution(RawPayloadDistribution),
}

/// Reads a field that takes one of two shapes, chosen by the value's own shape (`first`
/// when `is_first` holds), so that each shape keeps its own error message (an untagged
/// enum would only say that no variant matched).
fn either_shape<'de, D, A, B, T>(
    deserializer: D,
    is_first: fn(&serde_json::Value) -> bool,
    first: fn(A) -> T,
    second: fn(B) -> T,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    A: serde::de::DeserializeOwned,
    B: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    let value = serde_json::Value::deserialize(deserializer)?;
    let read = if is_first(&value) {
        serde_json::from_value(value).map(first)
    } else {
        serde_json::from_value(value).map(second)
    };
    read.map_err(|e| D::Error::custom(e.to_string()))
}

impl<'de> Deserialize<'de> for RawPayload {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        either_shape(
            deserializer,
            serde_json::Value::is_object,
            RawPayload::Distribution,
            RawPayload::Fixed,
        )
    }
}

/// An audience: a name, or topics.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum RawAudience {
    /// `all` or `user`.
    Named(String),
    Topics(RawTopics),
}

impl<'de> Deserialize<'de> for RawAudience {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        either_shape(
            deserializer,
            serde_json::Value::is_object,
            RawAudience::Topics,
            RawAudience::Named,
        )
    }
}

/// Topics with a subscriber distribution.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTopics {
    /// Number of topics. Required, >= 1.
    pub topics: u32,
    /// Distinct topics each client subscribes to. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscriptions: Option<u32>,
    /// Exponent of the Zipf law of the topics' popularity among subscribers (topic k is
    /// chosen with weight 1/k^zipf; 0: uniform). Default 0.8 (Breslau et al. 1999 measured
    /// 0.64-0.83 for web requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zipf: Option<f64>,
}

/// Exactly one distribution.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPayloadDistribution {
    /// Uniform between the two sizes, inclusive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uniform: Option<[ByteSize; 2]>,
    /// Log-normal: `median` size and `sigma`, the standard deviation of its logarithm.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lognormal: Option<RawLogNormal>,
}

/// A log-normal size distribution.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLogNormal {
    pub median: ByteSize,
    pub sigma: f64,
}

/// One transport variant: a label and exactly one transport block.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTransport {
    /// Column name in the reports; unique. Default: the transport's kind (`polling`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Short polling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub polling: Option<RawPolling>,
    /// Long polling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_polling: Option<RawLongPolling>,
    /// Server-Sent Events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sse: Option<RawSse>,
    /// WebSocket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub websocket: Option<RawWebSocket>,
    /// gRPC over HTTP/2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc: Option<RawGrpc>,
    /// Webhooks: the server POSTs every event to every receiver in `receivers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<RawWebhook>,
    /// What a `websocket` client falls back to when a proxy denies its upgrade or its
    /// connection attempts keep failing: one step, or a list of steps in order (SignalR's
    /// client tries WebSockets, then Server-Sent Events, then long polling).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<RawFallbacks>,
}

/// One fallback step, or a chain of them.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum RawFallbacks {
    One(Box<RawFallback>),
    Chain(Vec<RawFallback>),
}

impl<'de> Deserialize<'de> for RawFallbacks {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        either_shape(
            deserializer,
            serde_json::Value::is_array,
            RawFallbacks::Chain,
            |step| RawFallbacks::One(Box::new(step)),
        )
    }
}

impl RawFallbacks {
    /// The steps, in order.
    pub fn steps(&self) -> &[RawFallback] {
        match self {
            RawFallbacks::One(step) => std::slice::from_ref(step.as_ref()),
            RawFallbacks::Chain(steps) => steps,
        }
    }
}

/// A fallback step: the transport to use instead (exactly one of `sse` and
/// `long_polling`, with its own settings), and when.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFallback {
    /// Server-Sent Events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sse: Option<RawSse>,
    /// Long polling.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long_polling: Option<RawLongPolling>,
    /// Failed connection attempts in a row of the step before (refused, reset, or closed
    /// before the first answer) after which the client moves to this step; a denied
    /// WebSocket upgrade moves on at once. Default 1 (SignalR's client moves to its next
    /// transport when one fails to start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<u32>,
}

/// Webhook delivery: a POST per event per receiver over HTTP/1.1 and TLS, retried until a
/// response arrives in time (at least once: a lost response makes a duplicate).
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWebhook {
    /// How long the sender waits for a response, from the attempt's first packet
    /// (handshakes included). Default 10s (GitHub expects an answer within 10 s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// When failed attempts are retried. Default: exponential from 10s, doubling to at
    /// most 1h, for at most 3 days (Stripe retries for up to three days; 100 attempts at most).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RawRetry>,
    /// Keep connections to a receiver alive and reuse them; `false`: a new TCP and TLS
    /// connection per attempt. Default true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reuse_connections: Option<bool>,
    /// Request line and headers of the POST (with an event type, a delivery id and a
    /// signature). Default 700B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_headers: Option<ByteSize>,
    /// The receiver's whole response (`200 OK`, headers, a tiny body). Default 150B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ByteSize>,
    /// Sender CPU per attempt (serialising, signing, the HTTP client). Default 50us.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<Duration>,
    /// TLS of the connections: `none`, `"1.2"` or `"1.3"`. Default `"1.3"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsVersion>,
}

/// A webhook retry schedule: a fixed list of delays, or exponential backoff.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRetry {
    /// Fixed delays: attempt k+2 starts the k-th delay after attempt k+1 failed; the
    /// sender gives up after the last. Not with the exponential fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Vec<Duration>>,
    /// Exponential: the first delay. Required for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<Duration>,
    /// Exponential: each delay is the previous times this. Default 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub factor: Option<u32>,
    /// Exponential: the longest delay. Default 1h.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Duration>,
    /// Exponential: attempts in all, the first included. Default 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<u32>,
    /// No attempt starts later than this after the event was created. Default 3 days with
    /// exponential backoff, none with a schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<Duration>,
}

/// A webhook receiver: an endpoint of another service that every event is POSTed to.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReceiver {
    /// Link profile (from `network`) of the path from the server to the receiver:
    /// `bandwidth` carries the POSTs, `upload` the responses; no `loss` (use
    /// `response_loss`). Required.
    pub link: String,
    /// Requests processed at once; more wait in line. Default 16.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u32>,
    /// Processing time of one request. Default 5ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_time: Option<Duration>,
    /// Outages: connections are refused, and those open are reset. Default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downtime: Option<Vec<RawDowntime>>,
    /// Share of responses lost after the receiver processed the event (the sender times
    /// out and sends it again: a duplicate). Default 0%.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_loss: Option<Percent>,
    /// The receiver closes a keep-alive connection idle this long; `0s`: never.
    /// Default 75s (nginx).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keepalive_timeout: Option<Duration>,
}

/// One outage of a receiver.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDowntime {
    /// When it starts. Required.
    pub at: Duration,
    /// How long it lasts. Required, > 0.
    #[serde(rename = "for")]
    pub lasts: Duration,
}

/// gRPC over HTTP/2: a stream of protobuf messages, each in a DATA frame with gRPC's 5-byte
/// prefix.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGrpc {
    /// `server_streaming` (one request opens a stream of events), `unary` (a call every
    /// `interval` answered with the events since the last: gRPC polling),
    /// `bidirectional` (events down and the clients' messages up one stream) or
    /// `client_streaming` (the clients' messages up, nothing back: `workload.messages`
    /// with `deliver_to: none`). Default `server_streaming`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// `unary`: time between calls. Required with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// `unary`: each gap is `interval` plus a uniform draw from [-jitter, +jitter]. Default 0s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter: Option<Duration>,
    /// Interval of the server's keepalive PINGs. Default 2h (gRPC core's server default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keepalive: Option<Duration>,
    /// Request header text before HPACK (:method, :scheme, :path, :authority,
    /// content-type, te, user-agent, grpc-accept-encoding, grpc-timeout). Default 200B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_headers: Option<ByteSize>,
    /// Response header text before HPACK (:status, content-type, grpc-encoding,
    /// grpc-accept-encoding). Default 80B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<ByteSize>,
    /// The subscription request's protobuf message. Default 16B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_message: Option<ByteSize>,
    /// How the channel reconnects. Default: exponential from 1s to 120s with equal jitter
    /// (gRPC's connection backoff: 1s, x1.6, +-20%, 120s, approximated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconnect: Option<RawReconnect>,
    /// After a reconnect: `replay` (re-subscribe with a cursor) or `none`. Default `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<String>,
    /// The server closes a connection this old (+-10 %) at its next quiet moment and the
    /// client reconnects, which re-spreads connections behind a layer-4 balancer. Default:
    /// none (gRPC core's default is infinite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_connection_age: Option<Duration>,
}

/// Short polling: `GET` every interval; each response carries every event since the last.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPolling {
    /// Time between polls. Required, > 0.
    pub interval: Duration,
    /// Each gap is `interval` plus a uniform draw from [-jitter, +jitter]. Default 0s;
    /// must be < interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter: Option<Duration>,
    /// HTTP/1.1 request header bytes (request line to the blank line). Default 450B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_headers: Option<ByteSize>,
    /// HTTP/1.1 response header bytes. Default 220B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<ByteSize>,
    /// HTTP/2 instead of HTTP/1.1 (framing, HPACK, one connection). Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http2: Option<bool>,
    /// Conditional requests: every poll carries `If-None-Match` with the last entity tag;
    /// a poll that finds nothing new is answered `304 Not Modified` without a body, and a
    /// `200` carries an `ETag`. Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditional: Option<bool>,
    /// Header bytes of a `304 Not Modified` response (status line, Date, ETag,
    /// Cache-Control, Server; no Content-Type or Content-Length). Default 150B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_modified_headers: Option<ByteSize>,
}

/// Long polling: the server holds each request until an event or the timeout.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLongPolling {
    /// How long the server holds a request without events before answering empty.
    /// Default 30s; > 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// HTTP/1.1 request header bytes. Default 450B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_headers: Option<ByteSize>,
    /// HTTP/1.1 response header bytes. Default 220B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<ByteSize>,
    /// HTTP/2 instead of HTTP/1.1 (framing, HPACK, one connection). Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http2: Option<bool>,
    /// How the client asks again after losing its connection. Default: a fixed 2s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconnect: Option<RawReconnect>,
}

/// Server-Sent Events: one chunked `text/event-stream` response per client.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSse {
    /// Interval of `:` comment heartbeats on the stream. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbeat: Option<Duration>,
    /// Reconnection time the server announces with a `retry:` field at the start of the
    /// stream (its bytes are counted). Default: none sent, browsers then use 3s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<Duration>,
    /// HTTP/1.1 request header bytes. Default 450B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_headers: Option<ByteSize>,
    /// HTTP/1.1 response header bytes. Default 220B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<ByteSize>,
    /// HTTP/2 instead of HTTP/1.1 (framing, HPACK, one connection). Default false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http2: Option<bool>,
    /// How the client reconnects. Default: EventSource's own, a fixed delay of `retry` (3s
    /// without it); a `reconnect` block models an application wrapper with backoff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconnect: Option<RawReconnect>,
    /// Events the server keeps for replaying to a client that reconnects with
    /// `Last-Event-ID`; older ones are lost to it. Default: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay_buffer: Option<u32>,
}

/// WebSocket (RFC 6455): an HTTP upgrade, then one frame per event.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWebSocket {
    /// Interval of server pings (each answered by a pong). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ping: Option<Duration>,
    /// Upgrade request bytes. Default 500B.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_request: Option<ByteSize>,
    /// `101 Switching Protocols` response bytes. Default 129B (RFC 6455 section 1.3's example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_response: Option<ByteSize>,
    /// The application's reconnect policy. The browser API has none: without this block a
    /// client whose connection is lost stays disconnected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reconnect: Option<RawReconnect>,
    /// After a reconnect: `none` (events sent while disconnected are lost) or `replay` (the
    /// application resumes from its last event, like SSE's `Last-Event-ID`). Default `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume: Option<String>,
}

/// A reconnect policy: the delay before each new attempt after a connection is lost or
/// refused.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReconnect {
    /// `fixed` (every attempt waits `delay`) or `exponential` (attempt k waits
    /// `delay` x 2^k, at most `max`). Default `fixed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<String>,
    /// The first (or every) delay. Default: the transport's (SSE: `retry`, else 3s; long
    /// polling 2s; WebSocket 1s, socket.io's `reconnectionDelay`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Duration>,
    /// The cap of exponential backoff. Default 5s (socket.io's `reconnectionDelayMax`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Duration>,
    /// `none`, `full` (a uniform draw in [0, delay]) or `equal` (delay/2 plus a uniform draw
    /// in [0, delay/2]), as in AWS's "Exponential Backoff And Jitter". Default `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter: Option<String>,
}

/// A scheduled fault: `at` a time, exactly one of the kinds below.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFault {
    /// When it happens. Required, < duration.
    pub at: Duration,
    /// A server replica's process crashes: its connections close and its work is lost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crash: Option<RawCrash>,
    /// A rolling deploy: the replicas in service, one at a time, leave service, drain,
    /// restart and come back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploy: Option<RawDeploy>,
    /// A client group's access links carry nothing for a while; TCP retransmits what was
    /// sent, with exponential backoff, until they are back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<RawPartition>,
    /// A proxy (by name) or the load balancer (`load_balancer`) restarts: every connection
    /// through it closes, and new ones are refused until it is back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart: Option<RawRestart>,
    /// A client group's devices change networks (e.g. WiFi to LTE): their connections die
    /// and they reconnect over another link profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_switch: Option<RawNetworkSwitch>,
}

/// A network switch.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNetworkSwitch {
    /// The client group. Required.
    pub group: String,
    /// The link profile (a `network` entry) it uses from then on. Required.
    pub to: String,
}

/// A rolling deploy.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDeploy {
    /// How long a replica out of service keeps its connections before they are closed.
    /// Default 30s (Kubernetes' default termination grace period).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drain: Option<Duration>,
    /// How long the new version takes to start and be back in service. Required.
    pub restart: Duration,
}

/// A partition of one client group's access links.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPartition {
    /// The client group. Required.
    pub group: String,
    /// How long nothing gets through. Required, > 0.
    #[serde(rename = "for")]
    pub lasts: Duration,
}

/// A middlebox restart.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRestart {
    /// A proxy's name, or `load_balancer`. Required.
    pub node: String,
    /// How long it refuses connections. Default 5s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub down_for: Option<Duration>,
}

/// A replica crash.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCrash {
    /// Which replica (from 0). Default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica: Option<u32>,
    /// When it is back in service (empty). Default: it stays down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_after: Option<Duration>,
}

/// Active health checks of the load balancer on its replicas.
#[derive(Debug, Clone, Default, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHealthCheck {
    /// Time between probes of each replica. Default 30s (AWS target groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Duration>,
    /// Consecutive failed probes before a replica is taken out of service. Default 2 (AWS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhealthy_threshold: Option<u32>,
    /// Consecutive passed probes before it is back in service. Default 5 (AWS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthy_threshold: Option<u32>,
}

/// One swept parameter: a list of values, or a range.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum RawAxis {
    /// The values, as they would be written in the field (`[100, 1000]`, `[1s, 10s]`).
    List(Vec<serde_json::Value>),
    /// `from` to `to` in `steps` values, linear or logarithmic.
    Range(RawRange),
}

/// A range of values for a swept parameter.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRange {
    /// First value: a number or a quantity with its unit (`1s`, `1KB`, `1Mbit/s`).
    pub from: serde_json::Value,
    /// Last value, in the same kind.
    pub to: serde_json::Value,
    /// Values from `from` to `to` inclusive; at least 2.
    pub steps: u32,
    /// `linear` or `log`. Default `linear`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
}
