//! The validated scenario: names resolved to indices, defaults applied, units as integers
//! (nanoseconds, bytes, bits per second). Everything downstream reads only this.
//!
//! A type that a lower layer reads too (the TCP and TLS figures, the server, the balancer,
//! the gRPC call, the workload) is defined in that layer and re-exported here, so that nothing below the
//! scenario imports it for a type.

use serde::Serialize;

pub use super::faults::ReconnectPolicy;

pub use crate::infra::balancer::{BalancerSpec, LbAlgorithm};
pub use crate::infra::server::{CpuCosts, SendBuffer, ServerSpec, SlowConsumerPolicy};
pub use crate::net::grpc::GrpcMode;
pub use crate::net::tcp::TcpParams;
pub use crate::net::tls::{TlsSizes, TlsVersion};

pub use crate::time::Nanos;
pub use crate::transport::spec::{Http2Params, HttpHeaders, PollFraming};
pub use crate::transport::{GrpcStream, LongPolling, Polling, Sse};
pub use crate::webhook::WebhookSpec;
pub use crate::workload::{
    AudienceSpec, Encoding, EventSource, MessageSpec, PayloadSpec, WorkloadSpec,
};

/// Index of a link profile in [`Scenario::links`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LinkId(pub u32);

/// A validated scenario, ready to run.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub seed: u64,
    /// Independent runs of every variant, each with its own seed (see
    /// [`crate::replication`]); 1 runs each variant once.
    pub replications: u32,
    pub duration: Nanos,
    pub warmup: Nanos,
    pub links: Vec<LinkProfile>,
    pub tcp: TcpParams,
    pub tls: TlsSizes,
    pub proxies: Vec<ProxySpec>,
    pub topology_links: Vec<TopologyLink>,
    pub groups: Vec<ClientGroup>,
    pub server: ServerSpec,
    pub balancer: BalancerSpec,
    pub broker: Option<BrokerSpec>,
    pub workload: WorkloadSpec,
    pub rest: RestSpec,
    /// Webhook receivers, in name order.
    pub receivers: Vec<ReceiverSpec>,
    pub transports: Vec<TransportSpec>,
    /// Internal service tiers the front replicas call, in name order (none by default).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<crate::infra::services::ServiceSpec>,
    /// Thresholds checked on every run.
    pub assertions: Vec<super::assertions::Assertion>,
    /// Scheduled faults, in time order.
    pub faults: Vec<super::faults::FaultSpec>,
    /// The charts the scenario asks for; `None` for the default set.
    pub charts: Option<Vec<super::charts::ChartRequest>>,
    /// The prices of each variant's monthly cost; `None`: no cost is computed.
    pub cost: Option<crate::cost::CostSpec>,
    /// Things the scenario says that this version does not model; printed by `check`/`run`.
    pub warnings: Vec<String>,
}

impl Scenario {
    /// Total number of clients (tabs) over all groups.
    pub fn client_count(&self) -> u64 {
        self.groups
            .iter()
            .map(|g| g.count as u64 * g.tabs as u64)
            .sum()
    }

    /// Length of the measurement window (duration less warmup).
    pub fn window(&self) -> Nanos {
        self.duration - self.warmup
    }

    /// The most replicas ever in service.
    pub fn max_replicas(&self) -> u32 {
        self.balancer
            .scale
            .iter()
            .map(|(_, n)| *n)
            .fold(self.server.replicas, u32::max)
    }
}

impl<'a> From<&'a Scenario> for crate::workload::Inputs<'a> {
    /// The scenario as its workload sees it.
    fn from(scenario: &'a Scenario) -> Self {
        crate::workload::Inputs {
            seed: scenario.seed,
            duration: scenario.duration,
            spec: &scenario.workload,
            groups: scenario
                .groups
                .iter()
                .map(|g| crate::workload::Cohort {
                    name: &g.name,
                    count: g.count,
                    tabs: g.tabs,
                    ramp: g.ramp,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkProfile {
    pub name: String,
    pub latency: Nanos,
    pub jitter: Nanos,
    /// Server-to-client bits per second.
    pub down_bps: u64,
    /// Client-to-server bits per second.
    pub up_bps: u64,
    /// Segment loss probability in parts per million.
    pub loss_ppm: u32,
    /// The clients' mobile radio, if the link has one.
    pub radio: Option<super::radio::RadioSpec>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClientGroup {
    pub name: String,
    pub count: u32,
    pub link: LinkId,
    pub ramp: Nanos,
    pub tls: TlsVersion,
    /// Tabs per browser; each tab is a client of the transport.
    pub tabs: u32,
    /// How its connections reach the servers.
    pub path: GroupPath,
    /// Its connections' keep-alive idle timeout in place of the server's (`Some(None)`:
    /// none); `None`: the server's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keepalive_timeout: Option<Option<Nanos>>,
    /// `Connection: close` on its HTTP/1.1 requests and responses: a connection per
    /// request.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub connection_close: bool,
    /// Header bytes of its polling, long-polling and SSE requests in place of the
    /// transport's `request_headers` (cookies, auth tokens); `None`: the transport's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_headers: Option<u64>,
}

/// A group's way to the servers, past its access link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GroupPath {
    /// Proxies on the path (indices into [`Scenario::proxies`]), in order.
    pub proxies: Vec<u32>,
    /// Topology links on the path (indices into [`Scenario::topology_links`]).
    pub links: Vec<u32>,
    /// One-way latency of those links together.
    pub latency: Nanos,
}

/// A link of the topology.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopologyLink {
    pub from: String,
    pub to: String,
    pub latency: Nanos,
    /// A shared link's queue, `[toward the clients, toward the servers]`
    /// ([`Direction::index`](crate::net::wire::Direction::index) order); `None`: the link
    /// adds only its latency.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared: Option<[crate::net::shared_link::SharedParams; 2]>,
}

/// An HTTP proxy on a group's path.
#[derive(Debug, Clone, Serialize)]
pub struct ProxySpec {
    pub name: String,
    pub idle_timeout: Option<Nanos>,
    /// Flush size of response buffering (streamed responses wait until this many bytes).
    pub buffering: Option<u64>,
    pub latency: Nanos,
    pub max_lifetime: Option<Nanos>,
    pub capacity: Option<u32>,
    /// WebSocket upgrades are refused with `403 Forbidden`.
    pub deny_websocket: bool,
}

/// The pub/sub backplane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BrokerSpec {
    pub latency: Nanos,
    /// CPU per message per replica.
    pub cost: Nanos,
}

/// One step of a WebSocket variant's fallback chain: the transport (SSE or long polling)
/// and after how many failed attempts in a row of the step before it is taken.
#[derive(Debug, Clone, Serialize)]
pub struct FallbackStep {
    pub kind: TransportKind,
    /// Failed attempts in a row before taking this step (a denied upgrade: at once).
    pub after: u32,
}

/// A webhook receiver: another service's endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiverSpec {
    pub name: String,
    /// The path from the server: down carries the POSTs, up the responses.
    pub link: LinkId,
    /// Its path through the topology from `servers` (when a topology link names it): the
    /// links' latency, added to the link profile's, and the links, for the bytes per hop.
    pub path_latency: Nanos,
    pub path_links: Vec<u32>,
    /// Requests processed at once.
    pub capacity: u32,
    pub service_time: Nanos,
    /// Outages, `[start, end)`, in time order, not overlapping.
    pub downtime: Vec<(Nanos, Nanos)>,
    /// Responses lost after processing, parts per million.
    pub response_loss_ppm: u32,
    pub keepalive_timeout: Option<Nanos>,
}

/// The REST endpoint beside push-only transports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RestSpec {
    pub request_headers: u64,
    pub response_headers: u64,
    /// Server CPU per request.
    pub cost: Nanos,
    /// Events fetched as history when a stream opens; `None`: no history fetch.
    pub history: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TransportSpec {
    pub label: String,
    /// Its transport; with channels, the first channel's (the reports' `transport`).
    pub kind: TransportKind,
    /// Its clients' channels, in the scenario's order; empty for the short form (one
    /// transport that receives every stream and carries everything).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelSpec>,
    /// Latest value wins per topic (`transports[].conflate`, issue 20).
    #[serde(skip_serializing_if = "super::transports::Conflate::is_off")]
    pub conflate: super::transports::Conflate,
}

/// One channel of a variant of several (`transports[].channels[]`): a transport, or REST
/// requests, with a purpose.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelSpec {
    /// Its transport; `None`: a request channel (the REST channel, or the gRPC channel
    /// that sends the messages as unary calls: `unary`).
    pub transport: Option<TransportKind>,
    /// The gRPC channel that sends the clients' messages, one unary call each: its header
    /// sizes (HTTP/2). `None` for every other channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unary: Option<HttpHeaders>,
    /// The event streams it receives ([`crate::workload::streams`]), resolved from
    /// `receive_names` against the workload's streams once both are read.
    pub receives: crate::workload::streams::StreamMask,
    /// The names of the streams it receives, as written.
    #[serde(skip)]
    pub receive_names: Vec<String>,
    /// It carries the clients' messages up.
    pub sends: bool,
    /// It carries the history fetches (the REST channel only).
    pub history: bool,
}

impl ChannelSpec {
    /// Its transport's YAML key: `rest` for the REST channel, `grpc` for the unary
    /// sender.
    pub fn name(&self) -> &'static str {
        match (&self.transport, self.unary) {
            (Some(kind), _) => kind.name(),
            (None, Some(_)) => "grpc",
            (None, None) => "rest",
        }
    }

    /// Whether it is the REST channel.
    pub fn is_rest(&self) -> bool {
        self.transport.is_none() && self.unary.is_none()
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TransportKind {
    /// Short polling (or gRPC unary calls at an interval, by its framing).
    Polling(Polling),
    LongPolling(LongPolling),
    Sse(Sse),
    WebSocket(WebSocketSpec),
    /// A gRPC stream over HTTP/2 (`http.http2` is always set).
    Grpc(GrpcStream),
    /// Webhooks: a POST per event to each of the scenario's receivers, with the sender's
    /// settings.
    Webhook(WebhookSpec),
}

/// A WebSocket variant: its machine's settings and the fallback chain it may take.
#[derive(Debug, Clone, Serialize)]
pub struct WebSocketSpec {
    pub ping: Option<Nanos>,
    pub upgrade_request: u64,
    pub upgrade_response: u64,
    /// The application's policy; `None`: a lost client stays disconnected.
    pub reconnect: Option<ReconnectPolicy>,
    /// Resume from the last event after a reconnect (else the outage's events are lost).
    pub replay: bool,
    /// The fallback chain, in order (empty: none).
    pub fallback: Vec<FallbackStep>,
    /// permessage-deflate (RFC 7692), when negotiated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deflate: Option<crate::transport::compression::Deflate>,
    /// Bytes of the application's envelope around each data message; 0: none.
    #[serde(skip_serializing_if = "is_zero")]
    pub envelope: u64,
    /// The application batch window, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<Nanos>,
    /// Carried by a serverless server's managed gateway.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub gateway: bool,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl TransportKind {
    /// Whether it, or a step of its fallback chain, batches its pushes (an application
    /// batch window).
    pub fn batches(&self) -> bool {
        match self {
            TransportKind::Sse(Sse { batch, .. })
            | TransportKind::Grpc(GrpcStream { batch, .. }) => batch.is_some(),
            TransportKind::WebSocket(spec) => {
                spec.batch.is_some() || spec.fallback.iter().any(|step| step.kind.batches())
            }
            TransportKind::Polling(_)
            | TransportKind::LongPolling(_)
            | TransportKind::Webhook(_) => false,
        }
    }

    /// The gRPC call of a gRPC variant.
    pub fn grpc_mode(&self) -> Option<GrpcMode> {
        match self {
            TransportKind::Grpc(GrpcStream { mode, .. }) => Some(*mode),
            TransportKind::Polling(Polling {
                framing: PollFraming::GrpcUnary { .. },
                ..
            }) => Some(GrpcMode::Unary),
            _ => None,
        }
    }

    /// The YAML key of this kind.
    pub fn name(&self) -> &'static str {
        match self {
            TransportKind::Polling(Polling {
                framing: PollFraming::GrpcUnary { .. },
                ..
            }) => "grpc",
            TransportKind::Polling(Polling { .. }) => "polling",
            TransportKind::LongPolling(LongPolling { .. }) => "long_polling",
            TransportKind::Sse(Sse { .. }) => "sse",
            TransportKind::WebSocket(WebSocketSpec { .. }) => "websocket",
            TransportKind::Grpc(GrpcStream { .. }) => "grpc",
            TransportKind::Webhook { .. } => "webhook",
        }
    }
}
