//! Bytes of every message of a webhook exchange, by layer, with the same rules as the main
//! simulator's connections (`sim/world/connection.rs` and `World::layers`), so numbers are
//! comparable: SYN and SYN-ACK are `tcp.syn` bytes; other messages are cut into
//! `segments(app + tls, mss)` segments of `tcp.header` bytes each; handshake flights count
//! as TLS, application data adds TLS record overhead; a close is a FIN exchange of three
//! header-only segments; a reset is one.
//!
//! Pure ACKs are not counted: in a webhook exchange almost every segment's ACK rides on the
//! next flight the other way, and the main simulator's delayed-ACK bookkeeping would add
//! little but work.

use super::config::WebhookConfig;
use super::event::{ReceiverMsg, SenderMsg};
use crate::net::tcp::segments;
use crate::net::tls::{CLIENT_FINISHED_1_2, CLIENT_FINISHED_1_3, SERVER_FINISHED_1_2, TlsVersion};
use crate::net::wire::LayerBytes;

/// A message of `tls` handshake bytes and no application data.
fn handshake(config: &WebhookConfig, tls: u64) -> LayerBytes {
    LayerBytes {
        tls,
        tcpip: segments(tls, config.tcp.mss) * config.tcp.header,
        ..LayerBytes::default()
    }
}

/// One header-only segment (a FIN, a reset).
pub(super) fn bare_segment(config: &WebhookConfig) -> LayerBytes {
    LayerBytes {
        tcpip: config.tcp.header,
        ..LayerBytes::default()
    }
}

/// Application data: `payload` and `framing` bytes in TLS records (if any), in segments.
fn data(config: &WebhookConfig, payload: u64, framing: u64) -> LayerBytes {
    let app = payload + framing;
    let tls = config.sender.tls.record_bytes(app);
    LayerBytes {
        payload,
        framing,
        tls,
        tcpip: segments(app + tls, config.tcp.mss) * config.tcp.header,
        retransmit: 0,
    }
}

/// Bytes of a message from the sender; `payload` is the event's, for a request.
pub(super) fn sender_bytes(config: &WebhookConfig, msg: SenderMsg, payload: u64) -> LayerBytes {
    match msg {
        SenderMsg::Syn => LayerBytes {
            tcpip: config.tcp.syn,
            ..LayerBytes::default()
        },
        SenderMsg::ClientHello => handshake(config, config.tls_sizes.client_hello),
        SenderMsg::ClientFinished => handshake(
            config,
            match config.sender.tls {
                TlsVersion::V1_2 => CLIENT_FINISHED_1_2,
                _ => CLIENT_FINISHED_1_3,
            },
        ),
        SenderMsg::Request => data(config, payload, config.sender.request_headers),
    }
}

/// Bytes of a message from the receiver.
pub(super) fn receiver_bytes(config: &WebhookConfig, msg: ReceiverMsg) -> LayerBytes {
    match msg {
        ReceiverMsg::SynAck => LayerBytes {
            tcpip: config.tcp.syn,
            ..LayerBytes::default()
        },
        ReceiverMsg::ServerHello => handshake(config, config.tls_sizes.server_hello),
        ReceiverMsg::ServerFinished => handshake(config, SERVER_FINISHED_1_2),
        ReceiverMsg::Response => data(config, 0, config.sender.response_bytes),
        ReceiverMsg::Reset => bare_segment(config),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        config.sender.tls = TlsVersion::None;
        assert_eq!(receiver_bytes(&config, ReceiverMsg::Response).tls, 0);
        assert_eq!(receiver_bytes(&config, ReceiverMsg::Reset).total(), 52);
    }
}
