//! `transports:` the variants to compare, each a label and exactly one transport block
//! (polling, long polling, SSE, WebSocket with its fallback chain, gRPC, webhook).

use super::spec::{GrpcStream, LongPolling, Polling, Sse, WebSocketSpec};
use serde::Deserialize;

use super::checker::Checker;
use super::compression::{RawGzip, RawPermessageDeflate};
use super::defaults as d;
use super::error::ScenarioError;
use super::grpc::RawGrpc;
use super::raw::either_shape;
use super::reconnect::{RawReconnect, ReconnectPolicy};
use super::spec::{
    FallbackStep, Http2Params, HttpHeaders, PollFraming, TransportKind, TransportSpec,
};
use super::webhook::RawWebhook;
use crate::transport::empty::{EmptyPoll, MIN_RESPONSE_FOR_NO_CONTENT};
use crate::transport::framing::sse_event_type_field;
use crate::transport::session::Session;
use crate::units::{ByteSize, Duration};
use crate::workload::Encoding;

/// One transport variant: a label and exactly one transport block (`polling`,
/// `long_polling`, `sse`, `websocket`, `grpc` or `webhook`); the same kind may appear in
/// several variants with different parameters.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTransport {
    /// Column name in the reports; unique. Default: the transport's kind (`polling`, ...).
    pub label: Option<String>,
    /// Short polling.
    pub polling: Option<RawPolling>,
    /// Long polling.
    pub long_polling: Option<RawLongPolling>,
    /// Server-Sent Events.
    pub sse: Option<RawSse>,
    /// WebSocket.
    pub websocket: Option<RawWebSocket>,
    /// gRPC over HTTP/2.
    pub grpc: Option<RawGrpc>,
    /// Webhooks: the server POSTs every event to every receiver in `receivers`.
    pub webhook: Option<RawWebhook>,
    /// What a `websocket` client falls back to when a proxy denies its upgrade or its
    /// connection attempts keep failing: one step, or a list of one or two steps in order
    /// (SignalR's client tries WebSockets, then Server-Sent Events, then long polling: `[{
    /// sse: ... }, { long_polling: ... }]`). Only beside `websocket`. Each step names
    /// exactly one of `sse` and `long_polling` (each at most once), with that transport's
    /// own settings, over HTTP/1.1 (`http2` is an error). Default: none.
    pub fallback: Option<RawFallbacks>,
    /// Instead of one transport block: the clients' channels, 2 to 4, each a transport (or
    /// `rest`) with a purpose: the event streams it `receives`, whether it `sends` the
    /// clients' messages, and the REST channel's `carries: [history]`. Results are reported
    /// per variant and per channel. Default: none (the short form: one transport).
    pub channels: Option<Vec<super::channels::RawChannel>>,
    /// Latest value wins (issue 20): `per_topic` replaces an event still waiting for a
    /// client at the server by a newer event of the same topic (its audience: a topic, a
    /// user, or, with `audience: all`, the one value every event updates). A poll's or
    /// long poll's answer carries only the newest event of each topic since the client's
    /// cursor; a stream's write waiting in the server's `send_buffer` (its application
    /// queue, not the kernel's socket buffer) is replaced by the next write of its topic,
    /// which takes its turn at the back of the queue. A replaced event is `conflated`:
    /// neither delivered nor lost. Not with `webhook`, `channels` or a `batch` window.
    /// Default `none` (every event is carried: each transport's own behaviour; conflation
    /// is a server's option, as Lightstreamer's MERGE mode, "General Concepts", Server
    /// 7.4.2, 26 Feb 2024, §2.3, and Universal Messaging 10.7's data group conflation).
    pub conflate: Option<Conflate>,
}

/// A variant's conflation policy (`transports[].conflate`).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Conflate {
    /// Every event is carried (the default).
    #[default]
    None,
    /// Latest value wins per topic.
    PerTopic,
}

impl Conflate {
    /// Whether events may be replaced.
    pub fn is_on(self) -> bool {
        self == Conflate::PerTopic
    }

    /// Whether this is the default (nothing to report).
    pub fn is_off(&self) -> bool {
        !self.is_on()
    }
}

/// One fallback step, or a chain of them.
#[derive(Debug, Clone, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFallback {
    /// Server-Sent Events.
    pub sse: Option<RawSse>,
    /// Long polling.
    pub long_polling: Option<RawLongPolling>,
    /// Failed connection attempts in a row of the step before (refused, reset, or closed
    /// before the first answer) after which the client moves to this step; a denied
    /// WebSocket upgrade moves on at once. Default 1 (SignalR's client moves to its next
    /// transport when one fails to start).
    pub after: Option<u32>,
}

/// Short polling: `GET` every interval; each response carries every event since the last.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPolling {
    /// Time between polls. Required, > 0.
    pub interval: Duration,
    /// Each gap is `interval` plus a uniform draw from [-jitter, +jitter]. Default 0s;
    /// must be < interval.
    pub jitter: Option<Duration>,
    /// When each client polls first: `random` (uniform over the first interval after it
    /// starts, as pages loaded at unrelated moments are; the model since the first
    /// release) or `aligned` (the moment it starts, so clients that start together poll
    /// together: a thundering herd, as after a deploy or a mass reconnect). Default
    /// random.
    pub phase: Option<crate::transport::PollPhase>,
    /// HTTP/1.1 request header bytes (request line to the blank line). Default 450B.
    pub request_headers: Option<ByteSize>,
    /// HTTP/1.1 response header bytes. Default 220B.
    pub response_headers: Option<ByteSize>,
    /// HTTP/2 instead of HTTP/1.1 (framing, HPACK, one connection). Default false.
    pub http2: Option<bool>,
    /// Conditional requests: every poll carries `If-None-Match: "<16 hex>"` (35 B; the
    /// client holds the entity tag of the state it loaded); a poll that finds nothing new
    /// is answered `304 Not Modified` without a body, and a `200` adds `ETag: "<16 hex>"`
    /// (26 B). Default false.
    pub conditional: Option<bool>,
    /// Header bytes of a `304 Not Modified` response (status line, Date, ETag,
    /// Cache-Control, Server; no Content-Type or Content-Length); only with `conditional:
    /// true`. Default 150B.
    pub not_modified_headers: Option<ByteSize>,
    /// gzip content coding of the responses (`Content-Encoding: gzip`). Default: none
    /// (nginx's `gzip off`).
    pub gzip: Option<RawGzip>,
    /// The status of the answer to a poll that finds no event: `200` (with the body
    /// `empty_body`) or `204` (No Content: no body, and no Content-Type or Content-Length,
    /// RFC 9110 section 15.3.5, so its headers are `response_headers` less 43 bytes: the
    /// 17-byte `200 OK` status line, the 32-byte `Content-Type: application/json` and the
    /// 19-byte `Content-Length: 2` lines, plus the 25-byte `204 No Content` status line).
    /// Not with `conditional: true`, where an empty poll is a `304`. Default 200 (an API
    /// answering a JSON array, empty or not, as rtsim always has).
    #[schemars(extend("enum" = [200, 204]))]
    pub empty: Option<u16>,
    /// The JSON body of an empty `200` answer (its bytes are counted as they are), such as
    /// `"{}"` or `"{\"events\":[]}"`; only with `empty: 200`. Default `"[]"`, the empty
    /// JSON array (RFC 8259 section 5).
    pub empty_body: Option<String>,
}

/// Long polling: the server holds each request until an event or the timeout.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLongPolling {
    /// How long the server holds a request without events before answering empty.
    /// Default 30s; > 0.
    pub timeout: Option<Duration>,
    /// HTTP/1.1 request header bytes. Default 450B.
    pub request_headers: Option<ByteSize>,
    /// HTTP/1.1 response header bytes. Default 220B.
    pub response_headers: Option<ByteSize>,
    /// HTTP/2 instead of HTTP/1.1 (framing, HPACK, one connection). Default false.
    pub http2: Option<bool>,
    /// How the client asks again after losing its connection. Default: a fixed 2s.
    pub reconnect: Option<RawReconnect>,
    /// gzip content coding of the responses (`Content-Encoding: gzip`). Default: none
    /// (nginx's `gzip off`).
    pub gzip: Option<RawGzip>,
    /// Socket.IO-style session state: the first request opens a session on the replica
    /// that answers it; a request that reaches another replica is answered `400
    /// {"code":1,"message":"Session ID unknown"}` (121 B), the client opens a new session
    /// (a handshake round trip, the open packet's 118 B) and the events published since
    /// its last answer are lost (`lost_by_reason.session`). HTTP/1.1 only. Default false
    /// (plain long polling keeps no state between requests); as a `websocket` variant's
    /// fallback, true (Socket.IO's and SignalR's long polling keep a session id), with
    /// the variant's `resume: replay` keeping the events.
    pub session: Option<bool>,
    /// The status of the answer to a request the timeout answers (no event came): `200`
    /// (with the body `empty_body`) or `204` (No Content: no body, and no Content-Type or
    /// Content-Length, RFC 9110 section 15.3.5, so its headers are `response_headers` less
    /// 43 bytes, as `polling.empty`). Default 200.
    #[schemars(extend("enum" = [200, 204]))]
    pub empty: Option<u16>,
    /// The JSON body of an empty `200` answer, counted as it is (`"{}"`,
    /// `"{\"events\":[]}"`); only with `empty: 200`. Default `"[]"`, the empty JSON
    /// array (RFC 8259 section 5).
    pub empty_body: Option<String>,
}

/// Server-Sent Events: one chunked `text/event-stream` response per client.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSse {
    /// Interval of `:` comment heartbeats on the stream. Default: none.
    pub heartbeat: Option<Duration>,
    /// Reconnection time the server announces with a `retry:` field at the start of the
    /// stream (its bytes are counted). Default: none sent, browsers then use 3s.
    pub retry: Option<Duration>,
    /// HTTP/1.1 request header bytes. Default 450B.
    pub request_headers: Option<ByteSize>,
    /// HTTP/1.1 response header bytes. Default 220B.
    pub response_headers: Option<ByteSize>,
    /// HTTP/2 instead of HTTP/1.1 (framing, HPACK, one connection). Default false.
    pub http2: Option<bool>,
    /// How the client reconnects. Default: EventSource's own, a fixed delay of `retry` (3s
    /// without it); a `reconnect` block models an application wrapper with backoff.
    pub reconnect: Option<RawReconnect>,
    /// Events the server keeps for replaying to a client that reconnects with
    /// `Last-Event-ID`: a client coming back later than that loses the older ones
    /// (`lost_by_reason.replay_buffer`). Default: no limit.
    pub replay_buffer: Option<u32>,
    /// gzip content coding of the stream: one gzip member, every event flushed. Default:
    /// none (nginx's `gzip off`).
    pub gzip: Option<RawGzip>,
    /// The type every event is sent as (`price`): each carries an `event: price` line,
    /// counted, as when several logical streams share one connection and the page tells
    /// them apart with `addEventListener(type)`. One line of text, not empty. Default:
    /// none (the `message` type, sent without the line).
    pub event: Option<String>,
    /// Application batch window: the events for a client within it go out as one chunk
    /// holding each event's fields, at the window's end (one push job per batch; latency
    /// grows by up to the window). Default: none, one chunk per event (the WHATWG
    /// EventSource model: a server writes and flushes each event as it happens; a window
    /// is the application's choice); > 0.
    pub batch: Option<Duration>,
}

/// WebSocket (RFC 6455): an HTTP upgrade, then one frame per event.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWebSocket {
    /// Interval of server pings (each answered by a pong). Default: none.
    pub ping: Option<Duration>,
    /// Upgrade request bytes. Default 500B.
    pub upgrade_request: Option<ByteSize>,
    /// `101 Switching Protocols` response bytes. Default 129B (RFC 6455 section 1.3's example).
    pub upgrade_response: Option<ByteSize>,
    /// The application's reconnect policy. The browser API has none: without this block a
    /// client whose connection is lost stays disconnected.
    pub reconnect: Option<RawReconnect>,
    /// After a reconnect: `none` (the events sent while the client was away are lost,
    /// `lost_by_reason.outage`) or `replay` (the application resumes from its cursor, like
    /// SSE's `Last-Event-ID`). Only with `reconnect`. Default `none`.
    #[schemars(extend("enum" = ["none", "replay", null]))]
    pub resume: Option<String>,
    /// permessage-deflate (RFC 7692) on the connection's data messages, both ways.
    /// Default: none (`ws`'s server leaves it off).
    pub permessage_deflate: Option<RawPermessageDeflate>,
    /// Bytes of the application's envelope around every data message, both ways, naming
    /// its logical stream when several share the socket (`{"stream":"prices","data":` and
    /// `}` are 27 B); compressed with the payload under permessage-deflate. Default 0B.
    pub envelope: Option<ByteSize>,
    /// Application batch window: the events for a client within it go out as one frame
    /// holding a JSON array of them (each in its envelope), at the window's end (one push
    /// job per batch; latency grows by up to the window). Default: none, one frame per
    /// event (`ws`'s `send` writes each message at once; a window is the application's
    /// choice); > 0.
    pub batch: Option<Duration>,
    /// On a serverless server (`server.kind: serverless`): `true` carries the variant on
    /// a managed gateway (API Gateway WebSocket APIs): `$connect`, each client message,
    /// each push and `$disconnect` are short invocations, the gateway bills messages and
    /// connection-minutes and closes a connection at its own limits
    /// (`server.serverless.gateway`); no `ping` or `fallback` beside it. Default `false`:
    /// the function holds the connection as one invocation, cut at `max_duration`.
    pub gateway: Option<bool>,
}

/// Reads `transports`: at least one variant, labels unique.
pub(crate) fn transports(
    raw: &[RawTransport],
    http2: Http2Params,
    encoding: Encoding,
    c: &Checker,
) -> Result<Vec<TransportSpec>, ScenarioError> {
    if raw.is_empty() {
        return Err(c.error("transports", "needs at least one transport variant"));
    }
    let mut transports: Vec<TransportSpec> = Vec::new();
    for (index, t) in raw.iter().enumerate() {
        let path = format!("transports[{index}]");
        let spec = transport(t, &path, http2, encoding, c)?;
        if let Some(earlier) = transports.iter().position(|e| e.label == spec.label) {
            return Err(c.error(
                &path,
                format!(
                    "duplicate label \"{}\" (also transports[{earlier}]); give each variant a unique `label`",
                    spec.label
                ),
            ));
        }
        transports.push(spec);
    }
    Ok(transports)
}

/// A gRPC stream held back by flow control keeps a backlog of pending events, which only
/// a broker (every event at every replica with subscribers) can serve in order: gRPC
/// variants on several replicas need one.
pub(crate) fn check_grpc_broker(
    transports: &[TransportSpec],
    broker: bool,
    most_replicas: u32,
    c: &Checker,
) -> Result<(), ScenarioError> {
    if !broker
        && most_replicas > 1
        && let Some(i) = transports
            .iter()
            .position(|t| matches!(t.kind, TransportKind::Grpc(GrpcStream { .. })))
    {
        return Err(c.error(
            &format!("transports[{i}].grpc"),
            "gRPC streams on several replicas need a `broker` (without one, events reach one replica each)",
        ));
    }
    Ok(())
}

/// A batch covers a span of the event log, which only a broker (every event at every
/// replica with subscribers, in order) fills for every stream: without one, the events
/// that originate on other replicas would fall inside a stream's batch while it loses
/// them. Batched variants on several replicas need one.
pub(crate) fn check_batch_broker(
    transports: &[TransportSpec],
    broker: bool,
    most_replicas: u32,
    c: &Checker,
) -> Result<(), ScenarioError> {
    if broker || most_replicas <= 1 {
        return Ok(());
    }
    for (i, t) in transports.iter().enumerate() {
        if t.kind.batches() {
            return Err(c.error(
                &format!("transports[{i}].{}.batch", t.kind.name()),
                "a batch window on several replicas needs a `broker` (without one, events reach one replica each)",
            ));
        }
        for (k, channel) in t.channels.iter().enumerate() {
            if let Some(kind) = channel.transport.as_ref().filter(|kind| kind.batches()) {
                return Err(c.error(
                    &format!("transports[{i}].channels[{k}].{}.batch", kind.name()),
                    "a batch window on several replicas needs a `broker` (without one, events reach one replica each)",
                ));
            }
        }
    }
    Ok(())
}

/// Reads a WebSocket variant's fallback chain: one to two steps, SSE and long polling at
/// most once each, over HTTP/1.1. Its long polling keeps a session unless it says
/// `session: false` (Socket.IO's and SignalR's do), replaying as the variant (`replay`).
fn fallback_chain(
    steps: &[RawFallback],
    path: &str,
    (http2, encoding): (Http2Params, Encoding),
    replay: bool,
    c: &Checker,
) -> Result<Vec<FallbackStep>, ScenarioError> {
    if steps.is_empty() || steps.len() > 2 {
        return Err(c.error(
            &format!("{path}.fallback"),
            "expected one or two steps (sse, long_polling)",
        ));
    }
    let mut chain: Vec<FallbackStep> = Vec::new();
    for (k, step) in steps.iter().enumerate() {
        let here = if steps.len() == 1 {
            format!("{path}.fallback")
        } else {
            format!("{path}.fallback[{k}]")
        };
        let raw = match (&step.sse, &step.long_polling) {
            (Some(sse), None) => RawTransport {
                sse: Some(sse.clone()),
                ..RawTransport::default()
            },
            (None, Some(lp)) => RawTransport {
                long_polling: Some(lp.clone()),
                ..RawTransport::default()
            },
            _ => {
                return Err(c.error(
                    &here,
                    "a step names exactly one transport: `sse` or `long_polling`",
                ));
            }
        };
        let mut kind = transport(&raw, &here, http2, encoding, c)?.kind;
        if let TransportKind::LongPolling(lp) = &mut kind
            && step.long_polling.as_ref().and_then(|p| p.session) != Some(false)
        {
            lp.session = Some(Session { replay });
        }
        let (name, http) = match &kind {
            TransportKind::Sse(Sse { http, .. }) => ("sse", http),
            TransportKind::LongPolling(LongPolling { http, .. }) => ("long_polling", http),
            _ => unreachable!("a step reads as SSE or long polling"),
        };
        if http.http2.is_some() {
            return Err(c.error(
                &format!("{here}.{name}.http2"),
                "a fallback over HTTP/2 is not modelled; fallbacks use HTTP/1.1",
            ));
        }
        if chain.iter().any(|s| s.kind.name() == name) {
            return Err(c.error(&here, format!("`{name}` comes twice in the chain")));
        }
        let after = step.after.unwrap_or(1);
        if after == 0 {
            return Err(c.error(
                &format!("{here}.after"),
                "must be at least 1 (a denied upgrade falls back at once anyway)",
            ));
        }
        chain.push(FallbackStep { kind, after });
    }
    Ok(chain)
}

/// Reads one variant at `path`: exactly one transport block, its settings, its fallback
/// chain (WebSocket only), and its label (default: the transport's kind); or its channels
/// (label default: their kinds joined with `+`).
pub(crate) fn transport(
    t: &RawTransport,
    path: &str,
    http2: Http2Params,
    encoding: Encoding,
    c: &Checker,
) -> Result<TransportSpec, ScenarioError> {
    let conflate = t.conflate.unwrap_or_default();
    if conflate.is_on() && t.channels.is_some() {
        return Err(c.error(
            &format!("{path}.conflate"),
            "conflation with `channels` is not modelled; expected `none` or a variant of one transport",
        ));
    }
    if let Some(raw) = &t.channels {
        let (channels, kind) =
            super::channels::channel_variant(t, raw, path, (http2, encoding), c)?;
        let label = t.label.clone().unwrap_or_else(|| {
            let names: Vec<&str> = channels.iter().map(|ch| ch.name()).collect();
            names.join("+")
        });
        if label.trim().is_empty() {
            return Err(c.error(&format!("{path}.label"), "must not be empty"));
        }
        return Ok(TransportSpec {
            label,
            kind,
            channels,
            conflate,
        });
    }
    let given = [
        t.polling.is_some(),
        t.long_polling.is_some(),
        t.sse.is_some(),
        t.websocket.is_some(),
        t.grpc.is_some(),
        t.webhook.is_some(),
    ];
    let kinds = "polling, long_polling, sse, websocket, grpc, webhook";
    match given.iter().filter(|g| **g).count() {
        0 => {
            return Err(c.error(
                path,
                format!("names no transport; expected one of: {kinds}"),
            ));
        }
        1 => {}
        _ => {
            return Err(c.error(
                path,
                format!("names more than one transport; a variant has exactly one of: {kinds}"),
            ));
        }
    }
    let http =
        |req: Option<ByteSize>, resp: Option<ByteSize>, use_http2: Option<bool>| HttpHeaders {
            request: req.map_or(d::HTTP_REQUEST_HEADERS, |v| v.bytes()),
            response: resp.map_or(d::HTTP_RESPONSE_HEADERS, |v| v.bytes()),
            http2: (use_http2 == Some(true)).then_some(http2),
            gzip: None,
        };
    // A `gzip:` block at `field` (SSE's: one member for the stream).
    let gzip = |raw: &Option<RawGzip>, field: &str, stream: bool| {
        raw.as_ref()
            .map(|g| super::compression::gzip(g, &format!("{path}.{field}"), stream, encoding, c))
            .transpose()
    };
    let positive = |value: Duration, field: &str| {
        if value.as_nanos() == 0 {
            Err(c.error(&format!("{path}.{field}"), "must be greater than 0s"))
        } else {
            Ok(value.as_nanos())
        }
    };
    let kind = if let Some(p) = &t.polling {
        let interval = positive(p.interval, "polling.interval")?;
        let jitter = p.jitter.map_or(0, |j| j.as_nanos());
        if jitter >= interval {
            return Err(c.error(
                &format!("{path}.polling.jitter"),
                format!("must be shorter than the interval ({})", p.interval),
            ));
        }
        if p.not_modified_headers.is_some() && p.conditional != Some(true) {
            return Err(c.error(
                &format!("{path}.polling.not_modified_headers"),
                "applies only to conditional polling; add `conditional: true`",
            ));
        }
        if p.conditional == Some(true) && (p.empty.is_some() || p.empty_body.is_some()) {
            let field = if p.empty.is_some() {
                "empty"
            } else {
                "empty_body"
            };
            return Err(c.error(
                &format!("{path}.polling.{field}"),
                "does not apply to conditional polling (an empty poll is answered `304 Not Modified`); remove it or `conditional: true`",
            ));
        }
        let empty = empty_answer(
            (p.empty, &p.empty_body),
            p.response_headers,
            &format!("{path}.polling"),
            c,
        )?;
        TransportKind::Polling(Polling {
            empty,
            framing: PollFraming::Http,
            interval,
            jitter,
            phase: p.phase.unwrap_or_default(),
            http: HttpHeaders {
                gzip: gzip(&p.gzip, "polling.gzip", false)?,
                ..http(p.request_headers, p.response_headers, p.http2)
            },
            not_modified: (p.conditional == Some(true)).then(|| {
                p.not_modified_headers
                    .map_or(d::HTTP_NOT_MODIFIED_HEADERS, |v| v.bytes())
            }),
        })
    } else if let Some(p) = &t.long_polling {
        let timeout = match p.timeout {
            Some(v) => positive(v, "long_polling.timeout")?,
            None => d::LONG_POLL_TIMEOUT,
        };
        let reconnect = match &p.reconnect {
            Some(r) => super::reconnect::reconnect(
                r,
                &format!("{path}.long_polling.reconnect"),
                d::LONG_POLL_RETRY,
                c,
            )?,
            None => ReconnectPolicy::fixed(d::LONG_POLL_RETRY),
        };
        if p.session == Some(true) && p.http2 == Some(true) {
            return Err(c.error(
                &format!("{path}.long_polling.session"),
                "sessions over HTTP/2 are not modelled (Socket.IO's `Session ID unknown` answer is sized as HTTP/1.1); drop `http2` or `session`",
            ));
        }
        TransportKind::LongPolling(LongPolling {
            timeout,
            http: HttpHeaders {
                gzip: gzip(&p.gzip, "long_polling.gzip", false)?,
                ..http(p.request_headers, p.response_headers, p.http2)
            },
            reconnect,
            session: (p.session == Some(true)).then_some(Session { replay: false }),
            empty: empty_answer(
                (p.empty, &p.empty_body),
                p.response_headers,
                &format!("{path}.long_polling"),
                c,
            )?,
        })
    } else if let Some(p) = &t.sse {
        let heartbeat = p
            .heartbeat
            .map(|v| positive(v, "sse.heartbeat"))
            .transpose()?;
        let retry = p.retry.map(|v| v.as_nanos());
        let browser_delay = retry.unwrap_or(d::SSE_RETRY);
        let reconnect = match &p.reconnect {
            Some(r) => {
                super::reconnect::reconnect(r, &format!("{path}.sse.reconnect"), browser_delay, c)?
            }
            None => ReconnectPolicy::fixed(browser_delay),
        };
        if p.replay_buffer == Some(0) {
            return Err(c.error(
                &format!("{path}.sse.replay_buffer"),
                "must be at least 1 event (leave it out for no limit)",
            ));
        }
        let event_field = match p.event.as_deref() {
            None => 0,
            Some(name) if name.is_empty() || name.contains(['\n', '\r']) => {
                return Err(c.error(
                    &format!("{path}.sse.event"),
                    "must be one line of text, not empty (the event type after `event: `)",
                ));
            }
            Some(name) => sse_event_type_field(name.len() as u64),
        };
        TransportKind::Sse(Sse {
            event_field,
            batch: p.batch.map(|v| positive(v, "sse.batch")).transpose()?,
            heartbeat,
            retry,
            http: HttpHeaders {
                gzip: gzip(&p.gzip, "sse.gzip", true)?,
                ..http(p.request_headers, p.response_headers, p.http2)
            },
            reconnect,
            replay_buffer: p.replay_buffer,
        })
    } else if let Some(p) = &t.websocket {
        let ping = p.ping.map(|v| positive(v, "websocket.ping")).transpose()?;
        let reconnect = p
            .reconnect
            .as_ref()
            .map(|r| {
                super::reconnect::reconnect(
                    r,
                    &format!("{path}.websocket.reconnect"),
                    d::WS_RECONNECT_DELAY,
                    c,
                )
            })
            .transpose()?;
        let replay = match p.resume.as_deref() {
            None | Some("none") => false,
            Some("replay") => true,
            Some(other) => {
                return Err(c.error(
                    &format!("{path}.websocket.resume"),
                    format!("unknown resume \"{other}\"; expected none or replay"),
                ));
            }
        };
        if p.resume.is_some() && reconnect.is_none() {
            return Err(c.error(
                &format!("{path}.websocket.resume"),
                "applies only with a `reconnect` policy (without one a lost client stays disconnected)",
            ));
        }
        let fallback = match &t.fallback {
            None => Vec::new(),
            Some(f) => fallback_chain(f.steps(), path, (http2, encoding), replay, c)?,
        };
        let deflate = p
            .permessage_deflate
            .as_ref()
            .map(|raw| {
                super::compression::permessage_deflate(
                    raw,
                    &format!("{path}.websocket.permessage_deflate"),
                    encoding,
                    c,
                )
            })
            .transpose()?;
        TransportKind::WebSocket(WebSocketSpec {
            gateway: p.gateway.unwrap_or(false),
            deflate,
            batch: p
                .batch
                .map(|v| positive(v, "websocket.batch"))
                .transpose()?,
            envelope: p.envelope.map_or(0, |v| v.bytes()),
            reconnect,
            replay,
            fallback,
            ping,
            upgrade_request: p
                .upgrade_request
                .map_or(d::WS_UPGRADE_REQUEST, |v| v.bytes()),
            upgrade_response: p
                .upgrade_response
                .map_or(d::WS_UPGRADE_RESPONSE, |v| v.bytes()),
        })
    } else if let Some(p) = &t.grpc {
        super::grpc::grpc(p, path, http2, c)?
    } else if let Some(p) = &t.webhook {
        super::webhook::webhook(p, path, c)?
    } else {
        unreachable!("exactly one transport kind was checked above")
    };
    if t.fallback.is_some() && !matches!(kind, TransportKind::WebSocket(WebSocketSpec { .. })) {
        return Err(c.error(
            &format!("{path}.fallback"),
            "a fallback is modelled for `websocket` variants only (falling back to SSE or long polling)",
        ));
    }
    let label = t.label.clone().unwrap_or_else(|| kind.name().to_string());
    if label.trim().is_empty() {
        return Err(c.error(&format!("{path}.label"), "must not be empty"));
    }
    if conflate.is_on() && (kind.batches() || matches!(kind, TransportKind::Webhook(_))) {
        return Err(c.error(
            &format!("{path}.conflate"),
            format!(
                "conflation with {} is not modelled; expected `none`, or a variant without one",
                if kind.batches() {
                    "a `batch` window"
                } else {
                    "`webhook`"
                }
            ),
        ));
    }
    Ok(TransportSpec {
        label,
        kind,
        channels: Vec::new(),
        conflate,
    })
}

/// A workload whose events may be of zero bytes needs transports that carry an empty
/// message: every step of every variant (a fallback's too) is asked.
pub(crate) fn check_zero_byte_events(
    transports: &[TransportSpec],
    workload: &crate::workload::WorkloadSpec,
    c: &Checker,
) -> Result<(), ScenarioError> {
    if !workload.may_send_empty_events() {
        return Ok(());
    }
    for (i, t) in transports.iter().enumerate() {
        let Some(chain) = t.kind.chain() else {
            // A webhook POSTs an empty body with `Content-Length: 0`.
            continue;
        };
        for machine in chain.steps() {
            if let Some(why) = machine.refuses_empty_events(workload.encoding) {
                return Err(c.error(
                    &format!("transports[{i}]"),
                    format!(
                        "cannot carry the workload's zero-byte events over {}: {why}",
                        machine.name()
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The answer to a request that finds no event (`polling.empty`, `long_polling.empty`
/// and their `empty_body`, under `at`): `200` with `[]` unless told otherwise; a `204`
/// needs response headers that hold the lines it drops.
fn empty_answer(
    (status, body): (Option<u16>, &Option<String>),
    response_headers: Option<ByteSize>,
    at: &str,
    c: &Checker,
) -> Result<EmptyPoll, ScenarioError> {
    match (status, body) {
        (None | Some(200), None) => Ok(EmptyPoll::EMPTY_ARRAY),
        (None | Some(200), Some(body)) => Ok(EmptyPoll::Ok {
            body: body.len() as u64,
        }),
        (Some(204), Some(_)) => Err(c.error(
            &format!("{at}.empty_body"),
            "a `204 No Content` has no body (RFC 9110 section 15.3.5); remove `empty_body` or use `empty: 200`",
        )),
        (Some(204), None) => {
            let response = response_headers
                .map_or(d::HTTP_RESPONSE_HEADERS, |v| v.bytes());
            if response < MIN_RESPONSE_FOR_NO_CONTENT {
                return Err(c.error(
                    &format!("{at}.response_headers"),
                    format!(
                        "with `empty: 204`, must be at least {MIN_RESPONSE_FOR_NO_CONTENT}B (the `200 OK` status line and the Content-Type and Content-Length lines a 204 drops)"
                    ),
                ));
            }
            Ok(EmptyPoll::NoContent)
        }
        (Some(other), _) => Err(c.error(
            &format!("{at}.empty"),
            format!("unknown status {other}; expected 200 or 204"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::{check_section, default_http2 as http2};

    fn read(text: &str) -> Result<Vec<TransportSpec>, ScenarioError> {
        check_section(text, "transports", |t: &Vec<RawTransport>, c| {
            transports(t, http2(), Encoding::Json, c)
        })
    }

    #[test]
    fn variants_take_their_kind_as_label_and_a_fallback_chain() {
        let text = "transports:\n  - { polling: { interval: 1s, jitter: 100ms } }\n  - websocket: { reconnect: { delay: 1s } }\n    fallback: [{ sse: {} }, { long_polling: {}, after: 3 }]\n";
        let variants = read(text).unwrap();
        assert_eq!(variants[0].label, "polling");
        assert_eq!(variants[1].label, "websocket");
        let TransportKind::WebSocket(WebSocketSpec { fallback, .. }) = &variants[1].kind else {
            panic!("a websocket variant");
        };
        assert_eq!(fallback.len(), 2);
        assert_eq!((fallback[0].after, fallback[1].after), (1, 3));
    }

    #[test]
    fn refuses_duplicate_labels_and_a_jitter_as_long_as_the_interval() {
        let text = "transports:\n  - { sse: {} }\n  - { sse: {} }\n";
        let error = read(text).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("transports[1]"));
        assert_eq!(
            error.message,
            "duplicate label \"sse\" (also transports[0]); give each variant a unique `label`"
        );
        let text = "transports:\n  - { polling: { interval: 1s, jitter: 1s } }\n";
        let error = read(text).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("transports[0].polling.jitter"));
        assert_eq!(error.message, "must be shorter than the interval (1s)");
        let error = read("transports: []\n").unwrap_err();
        assert_eq!(error.message, "needs at least one transport variant");
    }

    /// `polling.empty`: 200 or 204, a body only with 200, not with conditional polling,
    /// and response headers that hold what a 204 drops.
    #[test]
    fn an_empty_poll_status_is_checked() {
        let refused = [
            (
                "{ interval: 1s, empty: 201 }",
                "empty",
                "unknown status 201; expected 200 or 204",
            ),
            (
                "{ interval: 1s, empty: 204, empty_body: '{}' }",
                "empty_body",
                "a `204 No Content` has no body (RFC 9110 section 15.3.5); remove `empty_body` or use `empty: 200`",
            ),
            (
                "{ interval: 1s, empty: 204, conditional: true }",
                "empty",
                "does not apply to conditional polling (an empty poll is answered `304 Not Modified`); remove it or `conditional: true`",
            ),
            (
                "{ interval: 1s, empty: 204, response_headers: 67B }",
                "response_headers",
                "with `empty: 204`, must be at least 68B (the `200 OK` status line and the Content-Type and Content-Length lines a 204 drops)",
            ),
        ];
        for (polling, field, message) in refused {
            let error = read(&format!("transports:\n  - {{ polling: {polling} }}\n")).unwrap_err();
            let path = format!("transports[0].polling.{field}");
            assert_eq!(error.field.as_deref(), Some(path.as_str()), "{polling}");
            assert_eq!(error.message, message);
        }
        // The same checks for long polling's timeout answer, located under its field.
        for (long_polling, field) in [
            ("{ empty: 201 }", "empty"),
            ("{ empty: 204, empty_body: '{}' }", "empty_body"),
            ("{ empty: 204, response_headers: 67B }", "response_headers"),
        ] {
            let error = read(&format!(
                "transports:\n  - {{ long_polling: {long_polling} }}\n"
            ))
            .unwrap_err();
            let path = format!("transports[0].long_polling.{field}");
            assert_eq!(
                error.field.as_deref(),
                Some(path.as_str()),
                "{long_polling}"
            );
        }
        let text =
            "transports:\n  - { polling: { interval: 1s, empty: 204, response_headers: 68B } }\n";
        let TransportKind::Polling(p) = &read(text).unwrap()[0].kind else {
            panic!("a polling variant");
        };
        assert_eq!(p.empty, EmptyPoll::NoContent);
    }

    /// Issue 18: zero-byte events travel on WebSocket, gRPC and webhooks, and as base64
    /// strings in polling answers; SSE and JSON arrays refuse them, a fallback step too.
    #[test]
    fn zero_byte_events_need_a_transport_that_carries_them() {
        let load = |payload: &str, encoding: &str, transport: &str| {
            let text = format!(
                "name: t\nduration: 10s\nnetwork:\n  lan: {{ latency: 1ms, bandwidth: 10Mbit/s }}\n\
                 clients:\n  c: {{ count: 1, link: lan }}\n\
                 workload:\n  events: {{ source: periodic, rate: 1/s, payload: {payload}, encoding: {encoding} }}\n\
                 transports:\n  - {transport}\n"
            );
            crate::scenario::load_str("<zero-byte test>", &text, &[])
        };
        for transport in ["{ websocket: {} }", "{ grpc: {} }"] {
            assert!(load("0B", "json", transport).is_ok(), "{transport}");
        }
        assert!(
            load(
                "{ uniform: [0B, 10B] }",
                "binary",
                "{ polling: { interval: 1s } }"
            )
            .is_ok()
        );
        let error = load("0B", "json", "{ sse: {} }").unwrap_err();
        assert_eq!(error.field.as_deref(), Some("transports[0]"));
        assert!(
            error.message.starts_with("cannot carry the workload's zero-byte events over sse: an SSE event with an empty `data` buffer is not dispatched"),
            "{}",
            error.message
        );
        let error = load("0B", "json", "{ long_polling: {} }").unwrap_err();
        assert!(error.message.contains("no JSON value"), "{}", error.message);
        let fallback = "{ websocket: {}, fallback: [{ sse: {} }] }";
        assert!(load("0B", "json", fallback).is_err());
        // A log-normal median of zero bytes is still refused.
        let error = load(
            "{ lognormal: { median: 0B, sigma: 1 } }",
            "json",
            "{ websocket: {} }",
        );
        assert_eq!(error.unwrap_err().message, "the median must be at least 1B");
    }
}
