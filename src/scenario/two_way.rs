//! Two-way workloads: the REST endpoint (`rest`) beside push-only transports, and which
//! transports can carry what the clients send (`workload.messages`).

use super::spec::{GrpcStream, Polling, WebSocketSpec};
use serde::Deserialize;

use super::checker::Checker;
use super::defaults as d;
use super::error::ScenarioError;
use super::raw::RawScenario;
use super::spec::{EventSource, WorkloadSpec};
use super::spec::{GrpcMode, PollFraming, RestSpec, ServerSpec, TransportKind, TransportSpec};
use crate::infra::costs::ServerTransport;
use crate::units::{ByteSize, Duration};

/// The REST endpoint that clients of push-only transports (SSE, polling, long polling)
/// send their messages to, on a keep-alive HTTP/1.1 connection of its own.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRest {
    /// Request line and headers of the `POST` that carries one message from an SSE, polling
    /// or long-polling client: the 450 B of a browser `fetch()` plus Content-Type (32 B)
    /// and Content-Length (about 20 B). `rest` without `workload.messages` or `history` is
    /// an error. Default 500B.
    pub request_headers: Option<ByteSize>,
    /// The answer, a `204 No Content` (status line, Date, Server, Cache-Control).
    /// Default 150B.
    pub response_headers: Option<ByteSize>,
    /// Server CPU per REST request (plus `server.cost.accept` on a new connection's first).
    /// Default: `server.cost.request`.
    pub cost: Option<Duration>,
    /// History over REST: when a client's stream opens (and when a poller's first answer
    /// arrives), it GETs up to this many events: on first connect the latest ones before
    /// it subscribed; after a reconnect the ones it missed (a WebSocket or gRPC stream
    /// without replay recovers them this way instead of losing them). Default: none.
    pub history: Option<u32>,
}

/// Reads `rest`; its CPU cost defaults to the server's per-request cost.
pub(crate) fn rest(
    raw: &RawScenario,
    server: &ServerSpec,
    c: &Checker,
) -> Result<RestSpec, ScenarioError> {
    let given = raw.rest.clone();

    let history = given.as_ref().and_then(|r| r.history);
    if given.is_some() && raw.workload.messages.is_none() && history.is_none() {
        return Err(c.error(
            "rest",
            "the REST endpoint carries the clients' messages or their history: it needs `workload.messages` or `rest.history`",
        ));
    }
    if history == Some(0) {
        return Err(c.error("rest.history", "must be at least 1 (leave it out for none)"));
    }
    let raw = given.unwrap_or_default();
    Ok(RestSpec {
        request_headers: raw
            .request_headers
            .map_or(d::REST_REQUEST_HEADERS, |v| v.bytes()),
        response_headers: raw
            .response_headers
            .map_or(d::REST_RESPONSE_HEADERS, |v| v.bytes()),
        cost: raw.cost.map_or(
            server.costs.row(ServerTransport::Polling).cpu.request,
            |v| v.as_nanos(),
        ),
        history,
    })
}

/// Checks that every variant can carry the workload: gRPC sends the clients' messages
/// only on a bidirectional or client-streaming call, and those calls need messages to
/// send; a client stream has no way back, so it carries uploads only.
pub(crate) fn check_transports(
    transports: &[TransportSpec],
    workload: &WorkloadSpec,
    c: &Checker,
) -> Result<(), ScenarioError> {
    // A variant of channels is checked channel by channel (`channels::check`).
    for (i, t) in transports
        .iter()
        .enumerate()
        .filter(|(_, t)| t.channels.is_empty())
    {
        if let (TransportKind::WebSocket(WebSocketSpec { fallback, .. }), Some(_)) =
            (&t.kind, &workload.messages)
            && !fallback.is_empty()
        {
            return Err(c.error(
                &format!("transports[{i}].fallback"),
                "a fallback with `workload.messages` is not modelled (a client that fell back to long polling would need a REST client for its messages)",
            ));
        }
        let path = format!("transports[{i}].grpc");
        let error = |message: &str| Err(c.error(&path, message));
        match (&t.kind, &workload.messages) {
            (
                TransportKind::Polling(Polling {
                    framing: PollFraming::GrpcUnary { .. },
                    ..
                }),
                Some(_),
            ) => {
                return error(
                    "unary polling has no way to send the clients' messages; use `mode: bidirectional`",
                );
            }
            (TransportKind::Grpc(GrpcStream { mode, .. }), messages) => match (mode, messages) {
                (GrpcMode::ServerStreaming, Some(_)) => {
                    return error(
                        "a server-streaming call cannot carry the clients' messages; use `mode: bidirectional` (or `client_streaming` for uploads only)",
                    );
                }
                (GrpcMode::Bidirectional | GrpcMode::ClientStreaming, None) => {
                    return error(
                        "this mode streams the clients' messages: it needs `workload.messages`",
                    );
                }
                (GrpcMode::ClientStreaming, Some(m))
                    if m.broadcast || workload.source != EventSource::None =>
                {
                    return error(
                        "a client-streaming call carries uploads only (the server answers once, at the end): it needs `workload.messages.deliver_to: none` and no `workload.events`",
                    );
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_scenario;

    const BASE: &str = "name: t\nduration: 1m\nnetwork: { dsl: { latency: 10ms, bandwidth: 10Mbit/s } }\nclients: { web: { count: 10, link: dsl } }\ntransports: [{ sse: {} }]\n";

    fn server(request: u64) -> ServerSpec {
        let text = format!(
            "{BASE}workload: {{ events: {{ source: poisson, rate: 1/s, payload: 1B }} }}\n"
        );
        let mut server = check_scenario(&text, |raw, c| {
            super::super::server::server(raw.server.as_ref(), c)
        })
        .unwrap();
        server.costs.row_mut(ServerTransport::Polling).cpu.request = request;
        server
    }

    #[test]
    fn rest_costs_a_request_unless_told() {
        let text = format!(
            "{BASE}workload: {{ messages: {{ rate: 1/s, payload: 10B }} }}\nrest: {{ history: 5 }}\n"
        );
        let spec = check_scenario(&text, |raw, c| rest(raw, &server(7), c)).unwrap();
        assert_eq!((spec.cost, spec.history), (7, Some(5)));
    }

    #[test]
    fn refuses_rest_with_nothing_to_carry() {
        let text = format!(
            "{BASE}workload: {{ events: {{ source: poisson, rate: 1/s, payload: 1B }} }}\nrest: {{}}\n"
        );
        let error = check_scenario(&text, |raw, c| rest(raw, &server(7), c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("rest"));
        assert!(
            error.message.starts_with("the REST endpoint carries"),
            "{error}"
        );
    }
}
