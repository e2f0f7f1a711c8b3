//! The vocabulary of what travels on a connection: the kinds of message a transport sends
//! and what it may know of the connection when it sizes one. The transports size them
//! ([`crate::transport::Machine::size`]); the simulation carries them.
//!
//! Owns: the sizes of the messages no transport sizes ([`MsgKind::fixed_size`]: set-up
//! messages, a proxy's `403` to a denied upgrade, a balancer's `503`, a serverless
//! server's `429`, a replica's `400`
//! to an unknown session), and how many of the
//! workload's events a message carries to its client ([`MsgKind::events_for`]). Does not
//! own: any other message's size (the transports', a REST client's the outbox's and the
//! history's), nor the bytes below HTTP (`crate::net`).

use crate::ids::{ClientId, EventNo, MessageNo};
use crate::transport::session::SESSION_UNKNOWN_RESPONSE;
use crate::workload::EventLog;

/// `HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`: a proxy
/// denying a WebSocket upgrade.
pub const FORBIDDEN_RESPONSE: u64 = 64;
/// `HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`:
/// a layer-7 balancer whose replicas are all at their connection limit.
pub const UNAVAILABLE_RESPONSE: u64 = 74;

/// `HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: 31\r\nConnection: close\r\n\r\n{"message":"Too Many Requests"}`:
/// a serverless server at its concurrency limit (API Gateway's throttling answer has
/// this body; rtsim closes the connection after it, as after a `503`).
pub const THROTTLED_RESPONSE: u64 = 136;

/// What a message is; its size follows from the protocol's framing rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MsgKind {
    Syn,
    SynAck,
    /// TLS: the client's first flight.
    TlsClientHello,
    /// TLS: the server's first flight (ServerHello, certificates, ...).
    TlsServerHello,
    /// TLS: the client's second flight (its Finished; with key exchange in 1.2).
    TlsClientFinished,
    /// TLS 1.2: the server's ChangeCipherSpec and Finished.
    TlsServerFinished,
    /// A reset answering a SYN: the connection is refused (a proxy or replica is full).
    Refused,
    /// `403 Forbidden` answering a WebSocket upgrade a proxy denies.
    Denied,
    /// `503 Service Unavailable` from a layer-7 balancer whose replicas are all full.
    Unavailable,
    /// `429 Too Many Requests` from a serverless server at its concurrency limit.
    Throttled,
    /// `400` "Session ID unknown": the request reached a replica that does not hold the
    /// client's session ([`crate::transport::session`]).
    SessionUnknown,
    /// The answer to a handshake that opens a new session (its open packet).
    SessionOpen,
    /// The client's HTTP request (GET or WebSocket upgrade).
    Request,
    /// A complete HTTP response carrying `count` events starting at `first`.
    Response {
        first: EventNo,
        count: u32,
    },
    /// The start of a stream: SSE response headers or the WebSocket `101`.
    StreamOpen,
    /// One event on a stream.
    Event(EventNo),
    /// A batch of a stream's events in one write (an application batch window): the
    /// events for its client among the `count` starting at `first`.
    Batch {
        first: EventNo,
        count: u32,
    },
    /// SSE heartbeat comment or WebSocket ping.
    Keepalive,
    /// WebSocket pong.
    Pong,
    /// HTTP/2: the client returns this many bytes of flow-control credit.
    WindowUpdate(u32),
    /// HTTP/2: the server's PING.
    Http2Ping,
    /// HTTP/2: the client's PING ACK.
    Http2PingAck,
    /// Client message `message` of `payload` bytes, on the client's stream (a WebSocket
    /// frame, a gRPC message) or as a REST `POST` on its REST connection.
    Upload {
        message: MessageNo,
        payload: u32,
    },
    /// The REST endpoint's answer to an upload (`204 No Content`).
    RestResponse,
    /// A REST client's GET of its client's history (answered by a `Response`).
    HistoryRequest,
}

/// What a protocol may know of the connection a message travels on when sizing it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnInfo {
    /// Requests the client sent on this connection before this message.
    pub requests_before: u32,
    /// Responses (or stream starts) the server sent on this connection before.
    pub responses_before: u32,
    /// The client the message is for or from (a response carries its events only).
    pub client: ClientId,
    /// The client's step in its variant's fallback chain (0: the variant's own transport).
    pub stage: u8,
}

impl MsgKind {
    /// Connection set-up messages: their bytes are all TCP/IP or TLS, and the transport has
    /// no say in them.
    pub fn is_setup(self) -> bool {
        matches!(
            self,
            MsgKind::Syn
                | MsgKind::SynAck
                | MsgKind::TlsClientHello
                | MsgKind::TlsServerHello
                | MsgKind::TlsClientFinished
                | MsgKind::TlsServerFinished
                | MsgKind::Refused
        )
    }

    /// The size (payload, framing) of a message no transport sizes: a set-up message's
    /// bytes are all below HTTP (nothing here), a denied upgrade is answered with
    /// [`FORBIDDEN_RESPONSE`], a full layer-7 balancer with [`UNAVAILABLE_RESPONSE`];
    /// `None` for every other kind.
    #[inline]
    pub fn fixed_size(self) -> Option<(u64, u64)> {
        if self.is_setup() {
            Some((0, 0))
        } else if self == MsgKind::Denied {
            Some((0, FORBIDDEN_RESPONSE))
        } else if self == MsgKind::Unavailable {
            Some((0, UNAVAILABLE_RESPONSE))
        } else if self == MsgKind::Throttled {
            Some((0, THROTTLED_RESPONSE))
        } else if self == MsgKind::SessionUnknown {
            Some((0, SESSION_UNKNOWN_RESPONSE))
        } else {
            None
        }
    }

    /// How many of the workload's events this message carries to client `c`: a response
    /// the events of its range that are for `c` (the newest of each topic when the log
    /// conflates: [`EventLog::carried`]), a batch those of its range, a stream event one,
    /// any other none.
    #[inline]
    pub fn events_for(self, log: &EventLog, c: ClientId) -> u32 {
        match self {
            MsgKind::Response { first, count } => log.carried_count(c, first, count),
            MsgKind::Batch { first, count } => log.count_for(c, first, first + count),
            MsgKind::Event(_) => 1,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::machine::testing::log_of;

    /// A log of `n` events of 10 bytes, every one for every client.
    fn log_for_all(n: u64) -> EventLog {
        log_of((0..n).map(|t| (t, 10)).collect())
    }

    #[test]
    fn refusals_and_set_up_have_fixed_sizes_and_the_rest_are_the_transports() {
        assert_eq!(MsgKind::Syn.fixed_size(), Some((0, 0)));
        assert_eq!(MsgKind::TlsServerHello.fixed_size(), Some((0, 0)));
        assert_eq!(MsgKind::Refused.fixed_size(), Some((0, 0)));
        // The status lines and headers spelled out in the constants' docs.
        let forbidden = "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        let unavailable =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        assert_eq!(
            MsgKind::Denied.fixed_size(),
            Some((0, forbidden.len() as u64))
        );
        assert_eq!(
            MsgKind::Unavailable.fixed_size(),
            Some((0, unavailable.len() as u64))
        );
        for kind in [
            MsgKind::Request,
            MsgKind::StreamOpen,
            MsgKind::Keepalive,
            MsgKind::Event(EventNo::new(0)),
            MsgKind::RestResponse,
        ] {
            assert_eq!(kind.fixed_size(), None, "{kind:?}");
        }
    }

    #[test]
    fn a_response_carries_its_range_and_a_stream_event_one() {
        let log = log_for_all(5);
        let c = ClientId::new(0);
        let response = MsgKind::Response {
            first: EventNo::new(1),
            count: 3,
        };
        assert_eq!(response.events_for(&log, c), 3);
        assert_eq!(MsgKind::Event(EventNo::new(4)).events_for(&log, c), 1);
        let batch = MsgKind::Batch {
            first: EventNo::new(0),
            count: 4,
        };
        assert_eq!(batch.events_for(&log, c), 4);
        assert_eq!(MsgKind::Keepalive.events_for(&log, c), 0);
        assert_eq!(MsgKind::Request.events_for(&log, c), 0);
    }
}
