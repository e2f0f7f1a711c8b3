//! The scenario file as written, top level: [`RawScenario`], whose sections' serde types
//! live beside their validation (`network.rs`, `clients.rs`, `server.rs`, ...) and are
//! re-exported here, so `raw::RawX` names every type of the format.
//!
//! Every struct denies unknown fields (the top level is checked key by key in
//! [`super::parse`], because it also admits `x-` anchor keys). Values with units are the
//! newtypes of [`crate::units`], so a bad unit is reported by the YAML parser with its line
//! and column. Names are resolved and defaults applied later, in [`super::validate`].
//! Every field's doc says its unit and default (a `Default ...` sentence, with the figure's
//! source); the JSON Schema and the scenario reference (`docs/scenario-reference.md`, see
//! [`super::reference`]) are written from them.

use std::collections::BTreeMap;

use serde::Deserialize;

pub use super::balancer::{RawBalancer, RawHealthCheck, RawScaleStep};
pub use super::clients::RawClientGroup;
pub use super::faults::{
    RawCrash, RawDeploy, RawFault, RawNetworkSwitch, RawPartition, RawRestart,
};
pub use super::grpc::RawGrpc;
pub use super::network::RawLink;
pub use super::prices::{RawBalancerPrices, RawGatewayPrices, RawPrices, RawServerlessPrices};
pub use super::proxies::RawProxy;
pub use super::radio::RawRadio;
pub use super::reconnect::RawReconnect;
pub use super::server::{RawBroker, RawCost, RawSendBuffer, RawServer, RawServerless};
pub use super::services::{RawCalls, RawService, RawServices};
pub use super::stack::{RawHttp2, RawTcp, RawTls};
pub use super::sweep::{RawAxis, RawRange, RawSweep};
pub use super::topology::{RawTopology, RawTopologyLink};
pub use super::transports::{
    RawFallback, RawFallbacks, RawLongPolling, RawPolling, RawSse, RawTransport, RawWebSocket,
};
pub use super::two_way::RawRest;
pub use super::webhook::{RawDowntime, RawReceiver, RawRetry, RawWebhook};
pub use super::workload::{
    RawAudience, RawEvents, RawLogNormal, RawMessages, RawPayload, RawPayloadDistribution,
    RawTopics, RawWorkload,
};
use crate::units::Duration;

/// A whole scenario file (format version 1).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct RawScenario {
    /// Scenario name; names the default output folder `out/<name>/`. Required.
    pub name: String,
    /// Free text: which question the scenario answers.
    pub description: Option<String>,
    /// Master seed of every random stream. Default 1.
    pub seed: Option<u64>,
    /// Independent runs of every variant (and every sweep point), each with its own seed:
    /// replication 0 runs with `seed` itself, replication i with a seed derived from `seed`
    /// and i. With more than 1, results are reported as mean ± 95 % confidence interval
    /// (Student's t). `--replications` replaces it. Default 1 (one run, no interval); at
    /// most 1000.
    pub replications: Option<u32>,
    /// Simulated time of a run. Required, > 0.
    pub duration: Duration,
    /// Start of the measurement window: latencies of earlier events and bytes, requests and
    /// CPU before it are excluded from the metrics. Default 0s; must be < duration.
    pub warmup: Option<Duration>,
    /// Named link profiles. At least one.
    pub network: BTreeMap<String, RawLink>,
    /// TCP parameters shared by every connection.
    pub tcp: Option<RawTcp>,
    /// HTTP/2 parameters, for variants that use it.
    pub http2: Option<RawHttp2>,
    /// TLS handshake sizes, for groups that use TLS.
    pub tls: Option<RawTls>,
    /// Named HTTP proxies that client groups reach the servers through (`via`).
    pub proxies: Option<BTreeMap<String, RawProxy>>,
    /// Links between named nodes (client groups, proxies, `balancer`, `servers`) and the
    /// paths groups take. Default: each group reaches the servers directly (through its
    /// `via` proxy, if any).
    pub topology: Option<RawTopology>,
    /// Named client groups. At least one.
    pub clients: BTreeMap<String, RawClientGroup>,
    /// The server. All fields have defaults.
    pub server: Option<RawServer>,
    /// The load balancer in front of the server replicas. Required with more than one.
    pub load_balancer: Option<RawBalancer>,
    /// A pub/sub backplane that fans each event out to the replicas. Default: none.
    pub broker: Option<RawBroker>,
    /// What the server has to deliver.
    pub workload: RawWorkload,
    /// The REST endpoint beside push-only transports, for the clients' messages.
    pub rest: Option<RawRest>,
    /// Webhook receivers (other services' endpoints), for `webhook` variants.
    pub receivers: Option<BTreeMap<String, RawReceiver>>,
    /// The transport variants to compare. At least one.
    pub transports: Vec<RawTransport>,
    /// Internal service tiers behind the server, and which of the server's work calls
    /// them (see the Infrastructure page). Default: none.
    pub services: Option<RawServices>,
    /// Parameters to sweep: field path → a list of values, or a range. Every combination
    /// of values is one point of the sweep; points are numbered over the parameters in the
    /// order written (the last one changes fastest).
    #[schemars(with = "Option<BTreeMap<String, RawAxis>>")]
    pub sweep: Option<RawSweep>,
    /// Scheduled faults: replica crashes, rolling deploys, restarts of a proxy or the load
    /// balancer, partitions of a client group's links and network switches (see the Faults
    /// page). Default: none.
    pub faults: Option<Vec<RawFault>>,
    /// Thresholds checked on every run: `<label>.<metric> <op> <value>`, or `{ threshold:
    /// <that text>, judged_on: mean | bound }` to say what a scenario with replications compares
    /// with the limit (default: the mean).
    #[serde(rename = "assert")]
    pub assertions: Option<Vec<super::assertions::RawAssert>>,
    /// The charts to draw, instead of the default set: run charts by name (latency-cdf,
    /// frontier, connections-over-time, requests-over-time, cpu-over-time,
    /// latency-over-time), sweep charts as `<metric> vs <swept parameter>`.
    pub charts: Option<Vec<String>>,
    /// Prices for each variant's monthly cost (instances, egress, the load balancer, a
    /// managed WebSocket gateway, functions), shown beside its latency in the reports.
    /// Default: none (no cost computed). `cost: {}` takes example list prices (AWS
    /// us-east-1, 2026-12-07) to replace with your own.
    pub cost: Option<RawPrices>,
}

/// Reads a field that takes one of two shapes, chosen by the value's own shape (`first`
/// when `is_first` holds), so that each shape keeps its own error message (an untagged
/// enum would only say that no variant matched).
pub(super) fn either_shape<'de, D, A, B, T>(
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
