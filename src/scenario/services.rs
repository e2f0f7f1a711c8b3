//! `services:` the internal service tiers behind the front servers (`tiers`: replicas,
//! cores, the CPU of a call, how calls travel and are balanced) and which front work calls
//! them (`calls`: per request, per client message). Read and checked here into
//! [`ServiceSpec`]s; the tiers run in [`crate::infra::services`].

use std::collections::BTreeMap;

use serde::Deserialize;

use super::checker::Checker;
use super::defaults as d;
use super::error::ScenarioError;
use super::server::{MAX_CORES, MAX_REPLICAS};
use crate::infra::services::{ServiceBalancing, ServiceSpec, ServiceTransport};
use crate::transport::spec::{Http2Params, HttpHeaders};
use crate::units::{ByteSize, Duration};

/// Internal service tiers and the calls the front makes to them.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawServices {
    /// Named tiers. At least one.
    pub tiers: BTreeMap<String, RawService>,
    /// Which front work calls which tier, and how many times, in every variant (but those
    /// of `variants`). Default: no calls.
    pub calls: Option<RawCalls>,
    /// The calls of one variant (by its label) instead of `calls`, e.g. the same pattern
    /// against a tier over gRPC in one variant and over REST in another. Every tier must
    /// be called somewhere.
    pub variants: Option<BTreeMap<String, RawCalls>>,
}

/// Calls per unit of front work, by tier name (`request: { users: 2 }`). All the calls of
/// one job go out at once; the job completes when the last reply is back.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCalls {
    /// Per request the front handles: a poll, a long-poll request, an SSE subscribe, a
    /// WebSocket upgrade, a gRPC call, a REST call (a client's message, a history fetch).
    pub request: Option<BTreeMap<String, u32>>,
    /// Per client message read from a stream (WebSocket, gRPC), before it is published;
    /// needs `workload.messages`.
    pub message: Option<BTreeMap<String, u32>>,
}

/// One internal service tier.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    /// Replicas of the tier. Default 1; at least 1.
    pub replicas: Option<u32>,
    /// CPU cores per replica, behind one FIFO run queue. Default 4 (as `server.cores`).
    pub cores: Option<u32>,
    /// CPU of the tier's handler per call, before the encoding's work. Default 120us (as
    /// `server.cost.request`).
    pub cost: Option<Duration>,
    /// `grpc` (unary calls, one HTTP/2 connection per front replica and service replica)
    /// or `rest` (JSON over HTTP/1.1 keep-alive connections, one call at a time on each).
    /// Default `grpc`.
    #[schemars(extend("enum" = ["grpc", "rest", null]))]
    pub transport: Option<String>,
    /// `rest` only: connections each front replica keeps to the tier at most; a call that
    /// finds them all busy waits for one. Default 2 (Apache HttpClient's
    /// `PoolingHttpClientConnectionManager`, 2 per route).
    pub max_connections: Option<u32>,
    /// Which replica takes a call (gRPC) or a new connection (REST): `round_robin`
    /// (grpc-go's `round_robin` policy) or `least_outstanding` (fewest calls in progress).
    /// Default `round_robin`.
    #[schemars(extend("enum" = ["round_robin", "least_outstanding", null]))]
    pub balancing: Option<String>,
    /// One-way delay between a front replica and the tier. Default 250us (a round trip of
    /// half a millisecond within one data centre).
    pub latency: Option<Duration>,
    /// A call's request body as JSON (gRPC sends 35 % of it as protobuf). Default 200B.
    pub request: Option<ByteSize>,
    /// A call's reply body as JSON (gRPC: 35 % as protobuf). Default 1KiB.
    pub response: Option<ByteSize>,
    /// Header text of a call (HTTP/1.1 text; gRPC's is HPACK-compressed). Default 180B for
    /// `rest`, 200B for `grpc`.
    pub request_headers: Option<ByteSize>,
    /// Header text of a reply. Default 110B for `rest`, 80B for `grpc`.
    pub response_headers: Option<ByteSize>,
    /// CPU per KiB of JSON encoded or decoded, on the tier and on the front. Default 10us
    /// (about 100 MB/s, Go's `encoding/json`).
    pub json_cost: Option<Duration>,
    /// CPU per KiB of protobuf encoded or decoded. Default 1us (about 1 GB/s).
    pub protobuf_cost: Option<Duration>,
}

/// Reads `services` (none by default): 1 to [`MAX_REPLICAS`] replicas and 1 to
/// [`MAX_CORES`] cores per tier, a known transport and balancing, `max_connections` only
/// for `rest` and at least 1, calls to known tiers (at least one each), every tier called,
/// message calls only with client messages.
pub(crate) fn services(
    raw: Option<&RawServices>,
    http2: Http2Params,
    (has_messages, labels): (bool, &[String]),
    c: &Checker,
) -> Result<Vec<ServiceSpec>, ScenarioError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    if raw.tiers.is_empty() {
        return Err(c.error("services.tiers", "needs at least one tier"));
    }
    let default = calls_of(
        raw.calls.as_ref(),
        "services.calls",
        &raw.tiers,
        has_messages,
        c,
    )?;
    let mut per_variant = Vec::new();
    for (label, calls) in raw.variants.iter().flatten() {
        let path = format!("services.variants.{label}");
        if !labels.contains(label) {
            return Err(c.error(
                &path,
                format!(
                    "no variant is labelled \"{label}\"; expected one of: {}",
                    labels.join(", ")
                ),
            ));
        }
        per_variant.push((
            label.clone(),
            calls_of(Some(calls), &path, &raw.tiers, has_messages, c)?,
        ));
    }
    let mut specs = Vec::new();
    for (name, tier) in &raw.tiers {
        let at = |field: &str| format!("services.tiers.{name}.{field}");
        let replicas = tier.replicas.unwrap_or(1);
        if !(1..=MAX_REPLICAS).contains(&replicas) {
            return Err(c.error(
                &at("replicas"),
                format!("{replicas} replicas: expected 1 to {MAX_REPLICAS}"),
            ));
        }
        let cores = tier.cores.unwrap_or(d::SERVER_CORES);
        if !(1..=MAX_CORES).contains(&cores) {
            return Err(c.error(
                &at("cores"),
                format!("{cores} cores: expected 1 to {MAX_CORES}"),
            ));
        }
        let transport = match tier.transport.as_deref() {
            None | Some("grpc") => {
                if tier.max_connections.is_some() {
                    return Err(c.error(
                        &at("max_connections"),
                        "applies to `transport: rest` only (gRPC opens one HTTP/2 connection \
                         per front replica and service replica)",
                    ));
                }
                ServiceTransport::Grpc
            }
            Some("rest") => {
                let max_connections = tier.max_connections.unwrap_or(d::SERVICE_MAX_CONNECTIONS);
                if max_connections == 0 {
                    return Err(c.error(&at("max_connections"), "must be at least 1"));
                }
                ServiceTransport::Rest { max_connections }
            }
            Some(other) => {
                return Err(c.error(
                    &at("transport"),
                    format!("unknown transport \"{other}\"; expected one of: grpc, rest"),
                ));
            }
        };
        let balancing = match tier.balancing.as_deref() {
            None | Some("round_robin") => ServiceBalancing::RoundRobin,
            Some("least_outstanding") => ServiceBalancing::LeastOutstanding,
            Some(other) => {
                return Err(c.error(
                    &at("balancing"),
                    format!(
                        "unknown balancing \"{other}\"; expected one of: round_robin, \
                         least_outstanding"
                    ),
                ));
            }
        };
        let count = |calls: &Counts| {
            (
                calls.request.get(name).copied().unwrap_or(0),
                calls.message.get(name).copied().unwrap_or(0),
            )
        };
        let (request, message) = count(&default);
        let variants: Vec<(String, u32, u32)> = (per_variant.iter())
            .map(|(label, calls)| {
                let (r, m) = count(calls);
                (label.clone(), r, m)
            })
            .collect();
        let called = request + message + variants.iter().map(|(_, r, m)| r + m).sum::<u32>();
        if called == 0 {
            return Err(c.error(
                &format!("services.tiers.{name}"),
                format!(
                    "no work calls service \"{name}\": name it under `services.calls` or \
                     `services.variants`"
                ),
            ));
        }
        let bytes = |v: Option<ByteSize>, default: u64| v.map_or(default, |b| b.bytes());
        let ns = |v: Option<Duration>, default| v.map_or(default, Duration::as_nanos);
        let http = match transport {
            ServiceTransport::Grpc => HttpHeaders {
                request: bytes(tier.request_headers, d::GRPC_REQUEST_HEADERS),
                response: bytes(tier.response_headers, d::GRPC_RESPONSE_HEADERS),
                http2: Some(http2),
                gzip: None,
            },
            ServiceTransport::Rest { .. } => HttpHeaders {
                request: bytes(tier.request_headers, d::SERVICE_REST_REQUEST_HEADERS),
                response: bytes(tier.response_headers, d::SERVICE_REST_RESPONSE_HEADERS),
                http2: None,
                gzip: None,
            },
        };
        let spec = ServiceSpec {
            name: name.clone(),
            replicas,
            cores,
            cost: ns(tier.cost, d::COST_REQUEST),
            json_per_kib: ns(tier.json_cost, d::SERVICE_JSON_PER_KIB),
            protobuf_per_kib: ns(tier.protobuf_cost, d::SERVICE_PROTOBUF_PER_KIB),
            latency: ns(tier.latency, d::SERVICE_LATENCY),
            request: bytes(tier.request, d::SERVICE_REQUEST),
            response: bytes(tier.response, d::SERVICE_REPLY),
            transport,
            balancing,
            per_request: request,
            per_message: message,
            per_variant: variants,
            http,
        };
        // The CPU a job can take: a call on the tier, and a job's calls on the front.
        let most_calls = u64::from(
            (spec.per_variant.iter())
                .map(|(_, r, m)| (*r).max(*m))
                .fold(spec.per_request.max(spec.per_message), u32::max),
        );
        let front = u128::from(spec.codec_cpu()) * u128::from(most_calls);
        let limit = u128::from(super::bounds::MAX_DURATION);
        if u128::from(spec.cost) + u128::from(spec.codec_cpu()) > limit || front > limit {
            return Err(c.error(
                &format!("services.tiers.{name}"),
                "a call's CPU (the handler and the encoding of its bodies), or a job's calls' \
                 encoding on the front, is longer than 7 days",
            ));
        }
        specs.push(spec);
    }
    Ok(specs)
}

/// The calls of one block: per work, tier name → calls.
#[derive(Debug, Default)]
struct Counts {
    request: BTreeMap<String, u32>,
    message: BTreeMap<String, u32>,
}

/// Reads a calls block at `path`: known tiers, at least one call each, message calls only
/// with client messages.
fn calls_of(
    raw: Option<&RawCalls>,
    path: &str,
    tiers: &BTreeMap<String, RawService>,
    has_messages: bool,
    c: &Checker,
) -> Result<Counts, ScenarioError> {
    let mut counts = Counts::default();
    let Some(raw) = raw else {
        return Ok(counts);
    };
    for (work, given, into) in [
        ("request", &raw.request, &mut counts.request),
        ("message", &raw.message, &mut counts.message),
    ] {
        for (name, count) in given.iter().flatten() {
            let at = format!("{path}.{work}.{name}");
            if !tiers.contains_key(name) {
                let known: Vec<&str> = tiers.keys().map(String::as_str).collect();
                return Err(c.error(
                    &at,
                    format!(
                        "unknown service \"{name}\"; expected one of: {}",
                        known.join(", ")
                    ),
                ));
            }
            if *count == 0 {
                return Err(c.error(&at, "must be at least 1 call"));
            }
            if work == "message" && !has_messages {
                return Err(c.error(&at, "calls per client message need `workload.messages`"));
            }
            into.insert(name.clone(), *count);
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::{check_section, default_http2};

    fn read(text: &str) -> Result<Vec<ServiceSpec>, ScenarioError> {
        check_section(text, "services", |r, c| {
            services(Some(r), default_http2(), (false, &["a".to_string()]), c)
        })
    }

    #[test]
    fn a_tier_takes_its_defaults_and_its_calls() {
        let specs =
            read("services:\n  tiers:\n    users: {}\n  calls:\n    request: { users: 2 }\n")
                .unwrap();
        let users = &specs[0];
        assert_eq!(users.transport, ServiceTransport::Grpc);
        assert_eq!((users.replicas, users.cores), (1, d::SERVER_CORES));
        assert_eq!((users.per_request, users.per_message), (2, 0));
        assert_eq!(users.http.request, d::GRPC_REQUEST_HEADERS);
    }

    #[test]
    fn bad_tiers_and_calls_are_located() {
        let error =
            read("services:\n  tiers:\n    users: {}\n  calls:\n    request: { user: 2 }\n")
                .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("services.calls.request.user"));
        assert!(
            error.to_string().contains("unknown service \"user\""),
            "{error}"
        );
        let error = read(
            "services:\n  tiers:\n    users: { replicas: 0 }\n  calls:\n    request: { users: 1 }\n",
        )
        .unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("services.tiers.users.replicas")
        );
        let error = read(
            "services:\n  tiers:\n    users: { max_connections: 4 }\n  calls:\n    request: { users: 1 }\n",
        )
        .unwrap_err();
        assert_eq!(
            error.field.as_deref(),
            Some("services.tiers.users.max_connections")
        );
        let error = read(
            "services:\n  tiers:\n    users: {}\n    idle: {}\n  calls:\n    request: { users: 1 }\n",
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("no work calls service \"idle\""),
            "{error}"
        );
    }
}
