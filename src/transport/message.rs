//! The vocabulary of what travels on a connection: the kinds of message a transport sends
//! and what it may know of the connection when it sizes one. The transports size them
//! ([`crate::transport::Machine::size`]); the simulation carries them. Owns no behaviour.

use crate::ids::{ClientId, EventNo};

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
        message: u32,
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
}
