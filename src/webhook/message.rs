//! Bytes of every message of a webhook exchange, by layer, by the same rules as the main
//! simulator's connections: the handshake flights' TLS bytes are
//! [`crate::net::handshake::TlsSession::tls_bytes`] (a webhook sender never resumes a
//! session), every message's layers and segments [`crate::net::tcp::TcpParams::message`]
//! (SYN and SYN-ACK are `tcp.syn` bytes; other messages are cut into
//! `segments(app + tls, mss)` segments of `tcp.header` bytes each; application data adds
//! TLS record overhead), and a close is the FIN exchange of three header-only segments
//! ([`crate::net::handshake::fin_exchange`]); a reset is one segment.
//!
//! Pure ACKs are not counted: in a webhook exchange almost every segment's ACK rides on the
//! next flight the other way, and the main simulator's delayed-ACK bookkeeping would add
//! little but work.

use super::config::WebhookConfig;
use super::event::{ReceiverMsg, SenderMsg};
use crate::net::handshake::{Flight, TlsSession};
use crate::net::tcp::Segmenting;
use crate::net::wire::LayerBytes;

/// A handshake `flight` with no application data.
fn handshake(config: &WebhookConfig, flight: Flight) -> LayerBytes {
    let tls = TlsSession::default().tls_bytes(flight, config.sender.tls, &config.tls_sizes);
    let kind = match flight {
        Flight::Syn | Flight::SynAck => Segmenting::Syn,
        _ => Segmenting::Stream,
    };
    config.tcp.message(0, 0, tls, kind).0
}

/// One header-only segment (a FIN, a reset).
pub(super) fn bare_segment(config: &WebhookConfig) -> LayerBytes {
    config.tcp.message(0, 0, 0, Segmenting::Stream).0
}

/// Application data: `payload` and `framing` bytes in TLS records (if any), in segments.
fn data(config: &WebhookConfig, payload: u64, framing: u64) -> LayerBytes {
    let tls = config.sender.tls.record_bytes(payload + framing);
    config
        .tcp
        .message(payload, framing, tls, Segmenting::Stream)
        .0
}

/// Bytes of a message from the sender; `payload` is the event's, for a request.
pub(super) fn sender_bytes(config: &WebhookConfig, msg: SenderMsg, payload: u64) -> LayerBytes {
    match msg {
        SenderMsg::Syn => handshake(config, Flight::Syn),
        SenderMsg::ClientHello => handshake(config, Flight::ClientHello),
        SenderMsg::ClientFinished => handshake(config, Flight::ClientFinished),
        SenderMsg::Request => data(config, payload, config.sender.request_headers),
    }
}

/// Bytes of a message from the receiver.
pub(super) fn receiver_bytes(config: &WebhookConfig, msg: ReceiverMsg) -> LayerBytes {
    match msg {
        ReceiverMsg::SynAck => handshake(config, Flight::SynAck),
        ReceiverMsg::ServerHello => handshake(config, Flight::ServerHello),
        ReceiverMsg::ServerFinished => handshake(config, Flight::ServerFinished),
        ReceiverMsg::Response => data(config, 0, config.sender.response_bytes),
        ReceiverMsg::Reset => bare_segment(config),
    }
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
        let request = sender_bytes(&config, SenderMsg::Request, 1000);
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
        assert_eq!(sender_bytes(&config, SenderMsg::Syn, 0).total(), 60);
        // The default 4000-byte server flight takes three segments.
        let hello = receiver_bytes(&config, ReceiverMsg::ServerHello);
        assert_eq!((hello.tls, hello.tcpip), (4000, 3 * 52));
        assert_eq!(
            sender_bytes(&config, SenderMsg::ClientFinished, 0).tls,
            CLIENT_FINISHED_1_3
        );
        // TLS 1.2: the client's key exchange and Finished (97), the server's Finished (55).
        config.sender.tls = TlsVersion::V1_2;
        assert_eq!(
            sender_bytes(&config, SenderMsg::ClientFinished, 0).tls,
            CLIENT_FINISHED_1_2
        );
        let finished = receiver_bytes(&config, ReceiverMsg::ServerFinished);
        assert_eq!((finished.tls, finished.tcpip), (55, 52));
        config.sender.tls = TlsVersion::None;
        assert_eq!(receiver_bytes(&config, ReceiverMsg::Response).tls, 0);
        assert_eq!(receiver_bytes(&config, ReceiverMsg::Reset).total(), 52);
    }
}
