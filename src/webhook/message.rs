//! Bytes of every message of a webhook exchange, by layer, by the same rules as the main
//! simulator's connections: the handshake flights' TLS bytes are
//! [`crate::net::handshake::TlsSession::tls_bytes`] (a webhook sender never resumes a
//! session), every message's layers and segments [`crate::net::tcp::TcpParams::message`]
//! (SYN and SYN-ACK are `tcp.syn` bytes; other messages are cut into
//! `segments(app + tls, mss)` segments of `tcp.header` bytes each; application data adds
//! TLS record overhead), and a close is the FIN exchange of three header-only segments
//! ([`crate::net::handshake::fin_exchange`]); a reset is one segment.
//!
//! A message travels as a [`Message`] on the sender's connections
//! ([`crate::net::connections::Connections`], the same in-order delivery over the same
//! links as the clients' connections); its kind says what it is.
//!
//! Pure ACKs are not counted: in a webhook exchange almost every segment's ACK rides on the
//! next flight the other way, and the main simulator's delayed-ACK bookkeeping would add
//! little but work.

use super::config::WebhookConfig;
use crate::net::connections::Carried;
use crate::net::handshake::{Flight, TlsSession};
use crate::net::tcp::Segmenting;
use crate::net::wire::{Direction, LayerBytes};
use crate::time::SimTime;

/// What the sender puts on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SenderMsg {
    Syn,
    /// TLS: the client's first flight.
    ClientHello,
    /// TLS: the client's second flight (its Finished; with key exchange in 1.2).
    ClientFinished,
    /// The POST carrying one event.
    Request,
}

/// What the receiver puts on a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ReceiverMsg {
    SynAck,
    /// TLS: the server's first flight (ServerHello, certificates, ...).
    ServerHello,
    /// TLS 1.2: the server's ChangeCipherSpec and Finished.
    ServerFinished,
    /// The HTTP response to the POST.
    Response,
    /// A TCP reset: the SYN was refused or the connection was reset.
    Reset,
}

/// Which side sent a message, and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Travels [`Direction::Down`], towards the receiver.
    Sender(SenderMsg),
    /// Travels [`Direction::Up`], towards the sender.
    Receiver(ReceiverMsg),
}

/// One message on a webhook connection: its kind, its bytes by layer and its segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Message {
    pub kind: Kind,
    pub bytes: LayerBytes,
    segments: u64,
    sent_at: SimTime,
}

impl Message {
    /// `msg` from the sender; `payload` is the event's, for a request.
    pub fn from_sender(config: &WebhookConfig, msg: SenderMsg, payload: u64) -> Self {
        let (bytes, segments) = match msg {
            SenderMsg::Syn => handshake(config, Flight::Syn),
            SenderMsg::ClientHello => handshake(config, Flight::ClientHello),
            SenderMsg::ClientFinished => handshake(config, Flight::ClientFinished),
            SenderMsg::Request => data(config, payload, config.sender.request_headers),
        };
        Message::new(Kind::Sender(msg), bytes, segments)
    }

    /// `msg` from the receiver.
    pub fn from_receiver(config: &WebhookConfig, msg: ReceiverMsg) -> Self {
        let (bytes, segments) = match msg {
            ReceiverMsg::SynAck => handshake(config, Flight::SynAck),
            ReceiverMsg::ServerHello => handshake(config, Flight::ServerHello),
            ReceiverMsg::ServerFinished => handshake(config, Flight::ServerFinished),
            ReceiverMsg::Response => data(config, 0, config.sender.response_bytes),
            ReceiverMsg::Reset => bare(config),
        };
        Message::new(Kind::Receiver(msg), bytes, segments)
    }

    fn new(kind: Kind, bytes: LayerBytes, segments: u64) -> Self {
        Message {
            kind,
            bytes,
            segments,
            sent_at: SimTime::ZERO,
        }
    }

    /// The direction it travels in.
    pub fn direction(&self) -> Direction {
        match self.kind {
            Kind::Sender(_) => Direction::Down,
            Kind::Receiver(_) => Direction::Up,
        }
    }
}

impl Carried for Message {
    fn segments(&self) -> u64 {
        self.segments
    }
    fn wire(&self) -> u64 {
        self.bytes.total()
    }
    fn data(&self) -> u64 {
        self.bytes.total() - self.bytes.tcpip
    }
    fn sent_time(&self) -> SimTime {
        self.sent_at
    }
    /// Segment loss is not modelled on webhook paths (a lossy profile is refused).
    fn retransmitted(&self) -> bool {
        false
    }
    /// None: pure ACKs are not counted on webhook paths (see the module's note), so no
    /// message takes part in the delayed-ACK accounting.
    fn acknowledged(&self) -> bool {
        false
    }
    fn sent(&mut self, at: SimTime, _retransmitted: bool) {
        self.sent_at = at;
    }
}

/// A handshake `flight` with no application data.
fn handshake(config: &WebhookConfig, flight: Flight) -> (LayerBytes, u64) {
    let tls = TlsSession::default().tls_bytes(flight, config.sender.tls, &config.tls_sizes);
    let kind = match flight {
        Flight::Syn | Flight::SynAck => Segmenting::Syn,
        _ => Segmenting::Stream,
    };
    config.tcp.message(0, 0, tls, kind)
}

/// One header-only segment (a FIN, a reset), and its segment count.
fn bare(config: &WebhookConfig) -> (LayerBytes, u64) {
    config.tcp.message(0, 0, 0, Segmenting::Stream)
}

/// One header-only segment's bytes: a FIN, or a reset counted without being carried.
pub(super) fn bare_segment(config: &WebhookConfig) -> LayerBytes {
    bare(config).0
}

/// Application data: `payload` and `framing` bytes in TLS records (if any), in segments.
fn data(config: &WebhookConfig, payload: u64, framing: u64) -> (LayerBytes, u64) {
    let tls = config.sender.tls.record_bytes(payload + framing);
    config
        .tcp
        .message(payload, framing, tls, Segmenting::Stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::tls::{CLIENT_FINISHED_1_2, CLIENT_FINISHED_1_3, TlsVersion};

    #[test]
    fn sizes_follow_the_main_simulators_rules() {
        let mut config = WebhookConfig::new(Vec::new());
        config.sender.request_headers = 700;
        // A 1000-byte event: 1700 bytes of HTTP, one TLS 1.3 record (22), two segments.
        let request = Message::from_sender(&config, SenderMsg::Request, 1000).bytes;
        assert_eq!(
            request,
            LayerBytes {
                payload: 1000,
                framing: 700,
                tls: 22,
                tcpip: 2 * 52,
                retransmit: 0
            }
        );
        assert_eq!(
            Message::from_sender(&config, SenderMsg::Syn, 0)
                .bytes
                .total(),
            60
        );
        // The default 4000-byte server flight takes three segments.
        let hello = Message::from_receiver(&config, ReceiverMsg::ServerHello).bytes;
        assert_eq!((hello.tls, hello.tcpip), (4000, 3 * 52));
        assert_eq!(
            Message::from_sender(&config, SenderMsg::ClientFinished, 0)
                .bytes
                .tls,
            CLIENT_FINISHED_1_3
        );
        // TLS 1.2: the client's key exchange and Finished (97), the server's Finished (55).
        config.sender.tls = TlsVersion::V1_2;
        assert_eq!(
            Message::from_sender(&config, SenderMsg::ClientFinished, 0)
                .bytes
                .tls,
            CLIENT_FINISHED_1_2
        );
        let finished = Message::from_receiver(&config, ReceiverMsg::ServerFinished).bytes;
        assert_eq!((finished.tls, finished.tcpip), (55, 52));
        config.sender.tls = TlsVersion::None;
        assert_eq!(
            Message::from_receiver(&config, ReceiverMsg::Response)
                .bytes
                .tls,
            0
        );
        assert_eq!(
            Message::from_receiver(&config, ReceiverMsg::Reset)
                .bytes
                .total(),
            52
        );
    }
}
