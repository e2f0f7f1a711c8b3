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

use crate::engine::Scheduler;
use crate::scenario::{GrpcMode, HttpHeaders, ReconnectPolicy, TransportKind};
use crate::sim::{ClientId, ConnInfo, Event, MsgKind, Protocol, Sharing, Uploads, World};
use crate::time::Nanos;
use crate::transport::http2::{FRAME_HEADER, PING, WINDOW_UPDATE, data_frames_overhead};
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
        MsgKind::Request => (
            0,
            http.request_bytes(http.request, conn)
                + FRAME_HEADER
                + MESSAGE_PREFIX
                + request_message,
        ),
        MsgKind::Response { first, count } => {
            let (mut payload, mut fields) = (0, 0);
            for n in log.matching(conn.client, first, count) {
                let message = log.protobuf(n);
                payload += message;
                fields += 1 + varint_len(message);
            }
            let trailers = if conn.responses_before == 0 {
                TRAILERS_FIRST
            } else {
                TRAILERS_REPEATED
            };
            (
                payload,
                http.response_bytes(http.response, conn)
                    + data_frames_overhead(MESSAGE_PREFIX + fields + payload)
                    + MESSAGE_PREFIX
                    + fields
                    + trailers,
            )
        }
        MsgKind::WindowUpdate(_) => (0, WINDOW_UPDATE),
        MsgKind::Http2Ping | MsgKind::Http2PingAck => (0, PING),
        other => unreachable!("{other:?} is not part of a gRPC unary call"),
    }
}

pub struct GrpcStream {
    http: HttpHeaders,
    keepalive: Option<Nanos>,
    request_message: u64,
    reconnect: ReconnectPolicy,
    replay: bool,
    max_connection_age: Option<Nanos>,
    mode: GrpcMode,
}

impl GrpcStream {
    pub fn new(kind: &TransportKind) -> Self {
        match *kind {
            TransportKind::Grpc {
                http,
                keepalive,
                request_message,
                reconnect,
                replay,
                max_connection_age,
                mode,
            } => GrpcStream {
                http,
                keepalive,
                request_message,
                reconnect,
                replay,
                max_connection_age,
                mode,
            },
            _ => unreachable!("GrpcStream::new is given a gRPC variant"),
        }
    }
}

impl GrpcStream {
    /// The stream's flow-control window.
    fn window(&self) -> u64 {
        self.http.http2_window().unwrap_or(u64::MAX)
    }
}

impl Protocol for GrpcStream {
    fn size(&self, kind: MsgKind, log: &EventLog, conn: ConnInfo) -> (u64, u64) {
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

    fn http2_window(&self) -> Option<u64> {
        self.http.http2_window()
    }

    fn http2_ping(&self) -> Option<Nanos> {
        self.keepalive
    }

    fn sharing(&self) -> Sharing {
        Sharing::Shared
    }

    fn uploads(&self) -> Uploads {
        match self.mode {
            GrpcMode::Bidirectional | GrpcMode::ClientStreaming => Uploads::Stream,
            GrpcMode::ServerStreaming | GrpcMode::Unary => Uploads::Rest,
        }
    }

    fn is_stream_body(&self, kind: MsgKind) -> bool {
        matches!(kind, MsgKind::Event(_))
    }

    fn max_connection_age(&self) -> Option<Nanos> {
        self.max_connection_age
    }

    fn loses_outage(&self) -> bool {
        !self.replay
    }

    /// The channel reconnects after its backoff and subscribes again.
    fn connection_lost(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        let policy = w.protocol.reconnect;
        w.reconnect(c, &policy, now, s);
    }

    fn client_timer(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }

    fn start(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.send_request(c, now, s);
    }

    fn request_handled(w: &mut World<Self>, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        w.register(c);
        w.register_stream(c);
        w.open_window(c);
        w.send_down(c, MsgKind::StreamOpen, now, s);
        if !w.protocol.replay {
            w.skip_pending(c, now);
        }
        let window = w.protocol.window();
        w.push_within_window(c, window, now, s);
    }

    fn on_event(w: &mut World<Self>, replica: u32, n: u32, now: Nanos, s: &mut Scheduler<Event>) {
        let window = w.protocol.window();
        w.push_to_streams_windowed(replica, n, window, now, s);
    }

    fn window_update(
        w: &mut World<Self>,
        c: ClientId,
        credit: u64,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let window = w.protocol.window();
        w.window_credit(c, credit, window, now, s);
    }

    fn event_missed(w: &mut World<Self>, replica: u32, n: u32) {
        w.lose_for_streams(replica, n);
    }

    fn has_subscribers(w: &World<Self>, replica: u32) -> bool {
        w.has_streams(replica)
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
