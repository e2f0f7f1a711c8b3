//! The `grpc` transport block: server streaming, or unary calls made at an interval (gRPC
//! polling); gRPC always runs over HTTP/2.

use super::spec::{GrpcStream, Polling};
use serde::Deserialize;

use super::checker::Checker;
use super::defaults as d;
use super::error::ScenarioError;
use super::reconnect::{Backoff, Jitter, RawReconnect, ReconnectPolicy};
use super::spec::{GrpcMode, Http2Params, HttpHeaders, PollFraming, TransportKind};
use crate::units::{ByteSize, Duration};

/// gRPC over HTTP/2: a stream of protobuf messages, each in a DATA frame with gRPC's 5-byte
/// prefix.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawGrpc {
    /// `server_streaming` (one request opens a stream of events), `unary` (a call every
    /// `interval` answered with the events since the last: gRPC polling),
    /// `bidirectional` (events down and the clients' messages up one stream) or
    /// `client_streaming` (the clients' messages up, nothing back: `workload.messages`
    /// with `deliver_to: none`). Default `server_streaming`.
    #[schemars(extend("enum" = ["server_streaming", "unary", "bidirectional", "client_streaming", null]))]
    pub mode: Option<String>,
    /// `unary`: time between calls, as for polling; only with `mode: unary` (the
    /// stream-only fields are errors with it, and this with streaming). Required with it, >
    /// 0.
    pub interval: Option<Duration>,
    /// `unary`: each gap is `interval` plus a uniform draw from [-jitter, +jitter]. Default 0s.
    pub jitter: Option<Duration>,
    /// Interval of the server's keepalive PINGs (clients send none by default). Default 2h
    /// (gRPC core's server default).
    pub keepalive: Option<Duration>,
    /// Request header text before HPACK (:method, :scheme, :path, :authority, content-type,
    /// te, user-agent, grpc-accept-encoding, grpc-timeout). Default 200B (an estimate).
    pub request_headers: Option<ByteSize>,
    /// Response header text before HPACK (:status, content-type, grpc-encoding,
    /// grpc-accept-encoding). Default 80B.
    pub response_headers: Option<ByteSize>,
    /// The subscription request's protobuf message. Default 16B.
    pub request_message: Option<ByteSize>,
    /// How the channel reconnects. Default: exponential from 1s to 120s with equal jitter
    /// (gRPC's connection backoff: 1s, x1.6, +-20%, 120s, approximated).
    pub reconnect: Option<RawReconnect>,
    /// After a reconnect: `replay` (re-subscribe with a cursor) or `none`. Default `none`.
    #[schemars(extend("enum" = ["none", "replay", null]))]
    pub resume: Option<String>,
    /// The server closes a connection this old (+-10 % jitter, as gRPC core) at its next
    /// quiet moment and the client reconnects (`totals.age_closes`), which re-spreads
    /// connections behind a layer-4 balancer. Default: none (gRPC core's default is
    /// infinite).
    pub max_connection_age: Option<Duration>,
    /// Application batch window: the events for a client within it go out as one
    /// message whose repeated field holds them, at the window's end (one push job per
    /// batch; latency grows by up to the window). Default: none, one message per event
    /// (grpc-go's `ServerStream.SendMsg` and grpc-java's `onNext` write each message as the
    /// application sends it; a window is the application's choice); > 0.
    pub batch: Option<Duration>,
}

/// The header sizes of a gRPC call (always HTTP/2) of block `p`.
fn headers(p: &RawGrpc, http2: Http2Params) -> HttpHeaders {
    HttpHeaders {
        gzip: None,
        request: p
            .request_headers
            .map_or(d::GRPC_REQUEST_HEADERS, |v| v.bytes()),
        response: p
            .response_headers
            .map_or(d::GRPC_RESPONSE_HEADERS, |v| v.bytes()),
        // gRPC's initial stream window is HTTP/2's 65,535 bytes (RFC 9113 6.9.2).
        http2: Some(Http2Params {
            window: 65_535,
            ping: None,
            ..http2
        }),
    }
}

/// The `grpc` block of the channel at `path` that sends the clients' messages (`sends:
/// messages`): one unary call per message, so `mode: unary` and only the header sizes;
/// the fields of a polling call or a stream are errors. Returns the calls' header sizes.
pub(crate) fn unary_sender(
    p: &RawGrpc,
    path: &str,
    http2: Http2Params,
    c: &Checker,
) -> Result<HttpHeaders, ScenarioError> {
    if p.mode.as_deref() != Some("unary") {
        return Err(c.error(
            &format!("{path}.grpc.mode"),
            "a gRPC channel that sends the messages makes one unary call per message: write `mode: unary`",
        ));
    }
    let given = [
        (p.interval.is_some(), "interval"),
        (p.jitter.is_some(), "jitter"),
        (p.keepalive.is_some(), "keepalive"),
        (p.request_message.is_some(), "request_message"),
        (p.reconnect.is_some(), "reconnect"),
        (p.resume.is_some(), "resume"),
        (p.max_connection_age.is_some(), "max_connection_age"),
        (p.batch.is_some(), "batch"),
    ];
    if let Some((_, field)) = given.iter().find(|(g, _)| *g) {
        return Err(c.error(
            &format!("{path}.grpc.{field}"),
            "does not apply to the gRPC channel that sends the messages (one unary call per message, whose request is the message; only `mode`, `request_headers` and `response_headers`)",
        ));
    }
    Ok(headers(p, http2))
}

pub(crate) fn grpc(
    p: &RawGrpc,
    path: &str,
    http2: Http2Params,
    c: &Checker,
) -> Result<TransportKind, ScenarioError> {
    let positive = |value: crate::units::Duration, field: &str| {
        if value.as_nanos() == 0 {
            Err(c.error(&format!("{path}.grpc.{field}"), "must be greater than 0s"))
        } else {
            Ok(value.as_nanos())
        }
    };

    let http = headers(p, http2);
    let request_message = p
        .request_message
        .map_or(d::GRPC_REQUEST_MESSAGE, |v| v.bytes());
    // Fields of the other mode are mistakes, not silently ignored.
    let only = |given: bool, field: &str, mode: &str| {
        if given {
            Err(c.error(
                &format!("{path}.grpc.{field}"),
                format!("applies only to `mode: {mode}`"),
            ))
        } else {
            Ok(())
        }
    };
    let mode = match p.mode.as_deref() {
        None | Some("server_streaming") => GrpcMode::ServerStreaming,
        Some("bidirectional") => GrpcMode::Bidirectional,
        Some("client_streaming") => GrpcMode::ClientStreaming,
        Some("unary") => GrpcMode::Unary,
        Some(other) => {
            return Err(c.error(
                &format!("{path}.grpc.mode"),
                format!(
                    "unknown mode \"{other}\"; expected server_streaming, unary, client_streaming or bidirectional"
                ),
            ));
        }
    };
    match mode {
        GrpcMode::ServerStreaming | GrpcMode::Bidirectional | GrpcMode::ClientStreaming => {
            only(p.interval.is_some(), "interval", "unary")?;
            only(p.jitter.is_some(), "jitter", "unary")?;
        }
        GrpcMode::Unary => {
            only(p.keepalive.is_some(), "keepalive", "server_streaming")?;
            only(p.reconnect.is_some(), "reconnect", "server_streaming")?;
            only(p.resume.is_some(), "resume", "server_streaming")?;
            only(p.batch.is_some(), "batch", "server_streaming")?;
            only(
                p.max_connection_age.is_some(),
                "max_connection_age",
                "server_streaming",
            )?;
            let interval = match p.interval {
                Some(v) => positive(v, "interval")?,
                None => {
                    return Err(c.error(
                        &format!("{path}.grpc"),
                        "`mode: unary` polls: it needs `interval`",
                    ));
                }
            };
            let jitter = p.jitter.map_or(0, |j| j.as_nanos());
            if jitter >= interval {
                return Err(c.error(
                    &format!("{path}.grpc.jitter"),
                    "must be shorter than the interval",
                ));
            }
            return Ok(TransportKind::Polling(Polling {
                interval,
                jitter,
                // gRPC unary calls start at a random phase, as polls do by default.
                phase: crate::transport::PollPhase::Random,
                http,
                not_modified: None,
                // Every unary answer is a gRPC message, an empty one when nothing is new.
                empty: crate::transport::EmptyPoll::EMPTY_ARRAY,
                framing: PollFraming::GrpcUnary { request_message },
            }));
        }
    }
    let keepalive = match p.keepalive {
        Some(v) => positive(v, "keepalive")?,
        None => d::GRPC_KEEPALIVE,
    };
    let reconnect = match &p.reconnect {
        Some(r) => super::reconnect::reconnect(
            r,
            &format!("{path}.grpc.reconnect"),
            d::GRPC_RECONNECT_DELAY,
            c,
        )?,
        None => ReconnectPolicy {
            backoff: Backoff::Exponential,
            delay: d::GRPC_RECONNECT_DELAY,
            max: d::GRPC_RECONNECT_MAX,
            jitter: Jitter::Equal,
        },
    };
    let replay = match p.resume.as_deref() {
        None | Some("none") => false,
        Some("replay") => true,
        Some(other) => {
            return Err(c.error(
                &format!("{path}.grpc.resume"),
                format!("unknown resume \"{other}\"; expected none or replay"),
            ));
        }
    };
    Ok(TransportKind::Grpc(GrpcStream {
        http,
        keepalive: Some(keepalive),
        request_message,
        reconnect,
        replay,
        mode,
        batch: p.batch.map(|v| positive(v, "batch")).transpose()?,
        max_connection_age: p
            .max_connection_age
            .map(|v| positive(v, "max_connection_age"))
            .transpose()?,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::{check_section, default_http2 as http2};

    #[test]
    fn unary_calls_poll_at_their_interval() {
        let text = "grpc: { mode: unary, interval: 2s }\n";
        let kind =
            check_section(text, "grpc", |g, c| grpc(g, "transports[0]", http2(), c)).unwrap();
        let TransportKind::Polling(Polling {
            interval, framing, ..
        }) = kind
        else {
            panic!("unary gRPC polls");
        };
        assert_eq!(interval, 2_000_000_000);
        assert!(matches!(framing, PollFraming::GrpcUnary { .. }));
    }

    #[test]
    fn refuses_unary_calls_without_an_interval_and_an_unknown_mode() {
        let error = check_section("grpc: { mode: unary }\n", "grpc", |g, c| {
            grpc(g, "transports[0]", http2(), c)
        })
        .unwrap_err();
        assert_eq!(error.field.as_deref(), Some("transports[0].grpc"));
        assert_eq!(error.message, "`mode: unary` polls: it needs `interval`");
        let error = check_section("grpc: { mode: duplex }\n", "grpc", |g, c| {
            grpc(g, "transports[0]", http2(), c)
        })
        .unwrap_err();
        assert_eq!(
            error.message,
            "unknown mode \"duplex\"; expected server_streaming, unary, client_streaming or bidirectional"
        );
    }
}
