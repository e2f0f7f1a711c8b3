//! The `grpc` transport block: server streaming, or unary calls made at an interval (gRPC
//! polling); gRPC always runs over HTTP/2.

use super::defaults as d;
use super::error::ScenarioError;
use super::faults::{Backoff, Jitter, ReconnectPolicy};
use super::raw::RawGrpc;
use super::spec::{GrpcMode, Http2Params, HttpHeaders, PollFraming, TransportKind};
use super::validate::Checker;

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
    let http = HttpHeaders {
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
    };
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
            return Ok(TransportKind::Polling {
                interval,
                jitter,
                http,
                not_modified: None,
                framing: PollFraming::GrpcUnary { request_message },
            });
        }
    }
    let keepalive = match p.keepalive {
        Some(v) => positive(v, "keepalive")?,
        None => d::GRPC_KEEPALIVE,
    };
    let reconnect = match &p.reconnect {
        Some(r) => super::faults::reconnect(
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
    Ok(TransportKind::Grpc {
        http,
        keepalive: Some(keepalive),
        request_message,
        reconnect,
        replay,
        mode,
        max_connection_age: p
            .max_connection_age
            .map(|v| positive(v, "max_connection_age"))
            .transpose()?,
    })
}
