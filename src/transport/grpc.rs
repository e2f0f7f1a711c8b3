//! gRPC server streaming over HTTP/2 (gRPC over HTTP/2 protocol; RFC 9113): the client's
//! HEADERS and one DATA frame with the subscription request open a stream; the server
//! answers HEADERS, then writes each event as a protobuf message in its own DATA frame:
//! 9 bytes of frame header, gRPC's 5-byte message prefix (compressed flag and length), the
//! message. The server PINGs the connection at its keepalive interval; the channel
//! reconnects with backoff and may re-subscribe with a cursor.
//!
//! Bidirectional and client-streaming calls open the same way; the clients' messages then
//! go up the stream, each in its own DATA frame (9 + 5 + the protobuf message). A client
//! stream carries uploads only: its single response would come at the end.

use serde::Serialize;

use crate::net::grpc::GrpcMode;
use crate::time::Nanos;
use crate::transport::http2::{FRAME_HEADER, PING, WINDOW_UPDATE, data_frames_overhead};
use crate::transport::machine::{Command, Commands, Input, Uploads};
use crate::transport::message::{ConnInfo, MsgKind};
use crate::transport::spec::{HttpHeaders, ReconnectPolicy};
use crate::workload::EventLog;

/// gRPC's length prefix: a compressed flag (1 byte) and the message length (4 bytes).
pub const MESSAGE_PREFIX: u64 = 5;
/// A unary response's trailers (`grpc-status: 0`) in a HEADERS frame: the first on a
/// connection spells the field with Huffman-coded name and value (13 bytes of HPACK), later
/// ones index it (1 byte).
pub const TRAILERS_FIRST: u64 = FRAME_HEADER + 13;
pub const TRAILERS_REPEATED: u64 = FRAME_HEADER + 1;

/// Bytes of a protobuf varint holding `value`.
pub fn varint_len(value: u64) -> u64 {
    (64 - value.max(1).leading_zeros() as u64).div_ceil(7)
}

/// Bytes of a `message`-byte element of a repeated message field: its tag byte (field 1,
/// wire type 2), its length varint and itself (protobuf encoding, "Length-delimited
/// records").
pub fn repeated_field(message: u64) -> u64 {
    1 + varint_len(message) + message
}

/// The framing of a unary call's request carrying a `message`-byte protobuf message:
/// HEADERS (HPACK: the header text Huffman-coded on the connection's first request, a few
/// indexed bytes after it, the connection preface ahead of the first), and one DATA frame
/// holding gRPC's 5-byte prefix and the message.
pub fn unary_request_framing(http: &HttpHeaders, conn: ConnInfo) -> u64 {
    http.request_bytes(http.request, conn) + FRAME_HEADER + MESSAGE_PREFIX
}

/// The framing of a unary call's answer whose protobuf message is `message` bytes:
/// HEADERS (as [`unary_request_framing`]'s, for the response), the message with its
/// prefix in DATA frames of at most 16 KiB, and the `grpc-status` trailers (spelled out
/// on the connection's first answer, indexed after it).
pub fn unary_response_framing(http: &HttpHeaders, message: u64, conn: ConnInfo) -> u64 {
    let trailers = if conn.responses_before == 0 {
        TRAILERS_FIRST
    } else {
        TRAILERS_REPEATED
    };
    http.response_bytes(http.response, conn)
        + data_frames_overhead(MESSAGE_PREFIX + message)
        + MESSAGE_PREFIX
        + trailers
}

/// The reply to a unary call that sends a client's message up (an order): an empty
/// protobuf message, `google.protobuf.Empty` (0 bytes on the wire: the well-known type
/// the protobuf documentation gives for "a method that returns nothing"). Its status is
/// in the trailers.
pub const UPLOAD_REPLY_MESSAGE: u64 = 0;

/// `(payload, framing)` of a client's message of `payload` bytes (as JSON; sent as its
/// protobuf size, [`EventLog::protobuf_of`]) going up as a unary call.
pub fn unary_upload_size(
    http: &HttpHeaders,
    payload: u64,
    log: &EventLog,
    conn: ConnInfo,
) -> (u64, u64) {
    (log.protobuf_of(payload), unary_request_framing(http, conn))
}

/// `(payload, framing)` of the reply to a unary upload: headers, the empty message and
/// trailers.
pub fn unary_upload_reply_size(http: &HttpHeaders, conn: ConnInfo) -> (u64, u64) {
    (
        UPLOAD_REPLY_MESSAGE,
        unary_response_framing(http, UPLOAD_REPLY_MESSAGE, conn),
    )
}

/// Sizes of a gRPC unary call used for polling: the request message in a prefixed DATA
/// frame after the HEADERS; the answer is HEADERS, one message whose repeated field holds
/// every event since the last call (a tag byte and a length varint each), and trailers.
pub fn unary_exchange_size(
    http: &HttpHeaders,
    request_message: u64,
    kind: MsgKind,
    log: &EventLog,
    conn: ConnInfo,
) -> (u64, u64) {
    match kind {
        MsgKind::Request => (0, unary_request_framing(http, conn) + request_message),
        MsgKind::Response { first, count } => {
            let (mut payload, mut fields) = (0, 0);
            for n in log.carried(conn.client, first, count) {
                let message = log.protobuf(n);
                payload += message;
                fields += 1 + varint_len(message);
            }
            (
                payload,
                unary_response_framing(http, fields + payload, conn) + fields,
            )
        }
        MsgKind::WindowUpdate(_) => (0, WINDOW_UPDATE),
        MsgKind::Http2Ping | MsgKind::Http2PingAck => (0, PING),
        other => unreachable!("{other:?} is not part of a gRPC unary call"),
    }
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct GrpcStream {
    /// Header sizes of the call (`http.http2` is always set).
    pub http: HttpHeaders,
    /// Interval of the server's keepalive PINGs, if any.
    pub keepalive: Option<Nanos>,
    /// Bytes of the request message that opens the call.
    pub request_message: u64,
    pub reconnect: ReconnectPolicy,
    /// Resume from the last event after a reconnect (else the outage's events are lost).
    pub replay: bool,
    /// The server closes the connection after this long, ±10 % (gRPC's
    /// `MAX_CONNECTION_AGE` with its jitter), at its next quiet moment; the client calls
    /// again.
    pub max_connection_age: Option<Nanos>,
    /// Server streaming, or a stream the clients also send their messages on.
    pub mode: GrpcMode,
    /// The application batch window: the events of a window go out as one message whose
    /// repeated field holds them, at its end ([`crate::transport::batch`]); `None`: one
    /// message per event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch: Option<Nanos>,
}

impl GrpcStream {
    /// The stream's flow-control window (unbounded without HTTP/2 settings).
    pub(super) fn window(&self) -> u64 {
        self.http.http2_window().unwrap_or(u64::MAX)
    }

    /// How the clients send their messages: on the stream when the call streams from the
    /// client, else over REST beside it.
    pub(super) fn uploads(&self) -> Uploads {
        match self.mode {
            GrpcMode::Bidirectional | GrpcMode::ClientStreaming => Uploads::Stream,
            GrpcMode::ServerStreaming | GrpcMode::Unary => Uploads::Rest,
        }
    }

    /// Application-layer sizes of its messages.
    pub fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
        let http = &self.http;
        match kind {
            // HEADERS, then a DATA frame with the prefixed request message.
            MsgKind::Request => (
                0,
                http.request_bytes(http.request, conn)
                    + FRAME_HEADER
                    + MESSAGE_PREFIX
                    + self.request_message,
            ),
            MsgKind::StreamOpen => (0, http.response_bytes(http.response, conn)),
            MsgKind::Event(n) => (log.protobuf(n), FRAME_HEADER + MESSAGE_PREFIX),
            // One message whose repeated field holds the batch (a tag byte and a length
            // varint each, as a unary call's answer), in DATA frames of at most 16 KiB.
            MsgKind::Batch { first, count } => {
                let (mut payload, mut fields) = (0, 0);
                for n in log.matching(conn.client, first, count) {
                    let message = log.protobuf(n);
                    payload += message;
                    fields += repeated_field(message) - message;
                }
                (
                    payload,
                    data_frames_overhead(MESSAGE_PREFIX + fields + payload)
                        + MESSAGE_PREFIX
                        + fields,
                )
            }
            // A client's message on a bidirectional or client stream: one DATA frame.
            MsgKind::Upload { payload, .. } => (
                log.protobuf_of(payload as u64),
                FRAME_HEADER + MESSAGE_PREFIX,
            ),
            MsgKind::WindowUpdate(_) => (0, WINDOW_UPDATE),
            MsgKind::Http2Ping | MsgKind::Http2PingAck => (0, PING),
            other => unreachable!("{other:?} is not a gRPC message"),
        }
    }

    /// The channel subscribes at once. The server registers the stream, opens its
    /// flow-control window, sends HEADERS and, with replay, resumes from the client's
    /// cursor (else starts at the newest event), then pushes what fits the window; each
    /// WINDOW_UPDATE lets more through. A lost channel reconnects with backoff.
    #[inline(always)]
    pub fn on(&self, input: Input, out: &mut impl Commands) {
        match input {
            Input::Start | Input::Timer => out.push(Command::SendRequest),
            Input::RequestHandled => {
                out.push(Command::Register);
                out.push(Command::RegisterStream);
                out.push(Command::OpenWindow);
                out.push(Command::SendStreamOpen);
                if !self.replay {
                    out.push(Command::SkipPending);
                }
                out.push(Command::PushWithinWindow {
                    window: self.window(),
                });
            }
            Input::WindowUpdate { credit } => out.push(Command::WindowCredit {
                credit,
                window: self.window(),
            }),
            Input::Lost { .. } => out.push(Command::Reconnect(self.reconnect)),
            Input::ResponseReceived | Input::HoldTimeout { .. } | Input::AnswerReady { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::varint_len;

    #[test]
    fn varints_take_seven_bits_a_byte() {
        assert_eq!(varint_len(0), 1);
        assert_eq!(varint_len(127), 1);
        assert_eq!(varint_len(128), 2);
        assert_eq!(varint_len(16_383), 2);
        assert_eq!(varint_len(16_384), 3);
    }
}

#[cfg(test)]
mod machine_tests {
    use crate::transport::machine::testing::{chain, decide};
    use crate::transport::{Command, Delivery, Facts, Input, Sharing, Uploads};

    const SECOND: u64 = 1_000_000_000;

    #[test]
    fn the_stream_opens_within_its_flow_control_window() {
        let grpc = chain("grpc: { resume: replay }");
        let window = match grpc.delivery() {
            Delivery {
                streams: true,
                window: Some(window),
                held_requests: false,
            } => window,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            decide(&grpc, 0, Input::RequestHandled, Facts::default()),
            [
                Command::Register,
                Command::RegisterStream,
                Command::OpenWindow,
                Command::SendStreamOpen,
                Command::PushWithinWindow { window },
            ]
        );
        assert_eq!(
            decide(
                &grpc,
                0,
                Input::WindowUpdate { credit: 500 },
                Facts::default()
            ),
            [Command::WindowCredit {
                credit: 500,
                window
            }]
        );
        let plain = chain("grpc: {}");
        let opened = decide(&plain, 0, Input::RequestHandled, Facts::default());
        assert!(opened.contains(&Command::SkipPending), "{opened:?}");
        assert!(plain.primary().loses_outage());
    }

    #[test]
    fn keepalive_pings_and_max_age_are_the_channel_s() {
        let grpc = chain("grpc: { keepalive: 20s, max_connection_age: 1m }");
        let grpc = grpc.primary();
        assert_eq!(grpc.http2_ping(), Some(20 * SECOND));
        assert_eq!(grpc.max_connection_age(), Some(60 * SECOND));
        assert_eq!(grpc.keepalive(), None, "no stream-level heartbeat");
        assert_eq!(grpc.sharing(), Sharing::Shared);
    }

    #[test]
    fn a_lost_channel_reconnects_and_a_server_stream_uploads_over_rest() {
        let grpc = chain("grpc: {}");
        let lost = Input::Lost {
            failed: false,
            denied: false,
        };
        let decided = decide(&grpc, 0, lost, Facts::default());
        assert!(
            matches!(decided[..], [Command::Reconnect(_)]),
            "{decided:?}"
        );
        assert_eq!(grpc.primary().uploads(), Uploads::Rest);
    }
}
