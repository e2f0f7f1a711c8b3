//! gRPC unary calls as a channel's way up (issue 17): a `grpc` channel with `sends:
//! messages` sends each client message as one unary call on an HTTP/2 connection of its
//! own, beside a REST channel for the history (two hidden request clients per user),
//! against a hand computation of an order's bytes and latency for one user; and the
//! checks that refuse the combinations that make no sense.

use rtsim::RunResult;
use rtsim::metrics::channels::ChannelResult;

use crate::support::{run, scenario};

/// One trader on a 5 ms, 100 Mbit/s link with TLS 1.3 for 60 s: prices (one a second,
/// 90 B) on a WebSocket, orders (150 B, about one every ten seconds, not published back)
/// as gRPC unary calls, its last 5 prices over REST when the socket opens. One core; a
/// request costs 100 µs.
fn desk() -> RunResult {
    let text = "name: desk
seed: 3
duration: 60s
network:
  link: { latency: 5ms, bandwidth: 100Mbit/s }
clients:
  traders: { count: 1, link: link, tls: \"1.3\" }
server: { cores: 1, cost: { request: 100us } }
workload:
  streams:
    prices: { source: periodic, rate: 1/s, payload: 90B }
  messages: { rate: 6/min, payload: 150B, deliver_to: none }
rest: { history: 5 }
transports:
  - channels:
      - { receives: [prices], websocket: {} }
      - { sends: messages, grpc: { mode: unary } }
      - { rest: {}, carries: [history] }
";
    run(&scenario(text)).remove(0)
}

fn channel<'r>(r: &'r RunResult, transport: &str) -> &'r ChannelResult {
    r.channels
        .iter()
        .find(|ch| ch.transport == transport)
        .unwrap_or_else(|| panic!("no {transport} channel"))
}

/// Each order is one unary call on the gRPC channel's own HTTP/2 connection; by hand
/// (RFC 9113 frames, RFC 7541 HPACK as rtsim counts it, gRPC's prefix, TLS 1.3 records):
///
/// - the order's protobuf message: 35 % of its 150 B of JSON, rounded up: 53 B;
/// - up, the first call: the connection preface (24 B magic, SETTINGS 9 + 4 × 6, a
///   WINDOW_UPDATE 13, the SETTINGS ACK 9: 79 B), HEADERS 9 + 200 B of header text
///   Huffman-coded at 80 % (160 B), a DATA frame header 9 and gRPC's 5-byte prefix:
///   79 + 169 + 14 = 262 B of framing; every later call HEADERS 9 + 30 (indexed
///   fields) + 14 = 53 B;
/// - down, the first answer: the server's preface (SETTINGS 9 + 3 × 6, its ACK 9: 36 B),
///   HEADERS 9 + 80 B at 80 % (64 B), DATA 9 + 5 around `google.protobuf.Empty` (0 B), the
///   `grpc-status` trailers 9 + 13: 36 + 73 + 14 + 22 = 145 B; every later one HEADERS
///   9 + 20, DATA 14, trailers 9 + 1: 53 B;
/// - TLS 1.3: ClientHello 517 B and the client's Finished flight 64 B up, the server's
///   4,000 B flight down, and 22 B per record (5 header, 1 content type, 16 tag) on each
///   call and each answer.
///
/// So an order after the first costs 53 + 53 + 22 = 128 B up and 53 + 22 = 75 B down
/// above TCP/IP (one 52-byte segment each way on top), against 776 B up as a REST `POST`
/// with the scenario's default headers.
///
/// Latency (writing to the server's publishing it) of an order after the first: 5 ms of
/// propagation, 180 B (128 + 52) at 100 Mbit/s (14.4 µs) and the 100 µs request job:
/// 5.1144 ms. The first waits for the TCP and TLS handshakes besides (two more round
/// trips, 20 ms, and the server's flight on the wire).
#[test]
fn one_trader_s_orders_go_as_unary_calls_by_hand() {
    let r = desk();
    let m = r.messages.as_ref().expect("orders").written;
    assert!(m >= 3, "{m} orders");
    let messages = r.messages.as_ref().unwrap();
    assert_eq!(messages.published, m, "every order reached the server");

    let grpc = channel(&r, "grpc");
    assert!(grpc.sends && grpc.receives.is_empty() && !grpc.history);
    assert_eq!(grpc.connections_opened, 1, "one long-lived connection");
    let (up, down) = (grpc.bytes.up, grpc.bytes.down);
    assert_eq!(up.payload, 53 * m);
    assert_eq!(up.framing, 262 + 53 * (m - 1));
    assert_eq!(up.tls, 517 + 64 + 22 * m);
    assert_eq!(down.payload, 0);
    assert_eq!(down.framing, 145 + 53 * (m - 1));
    assert_eq!(down.tls, 4000 + 22 * m);
    // Every call and every answer is one segment of its own.
    assert!(
        up.tcpip >= 52 * m && down.tcpip >= 52 * m,
        "{up:?} {down:?}"
    );
    assert_eq!(up.retransmit + down.retransmit, 0);

    // The REST channel carried the history alone: one GET, no order.
    let rest = channel(&r, "rest");
    assert_eq!(rest.bytes.up.payload, 0);
    assert_eq!(r.history.as_ref().map(|h| h.fetches), Some(1));
    // The prices: all delivered on the WebSocket (the last one may still be on its way).
    let ws = channel(&r, "websocket");
    assert!(ws.latency.as_ref().is_some_and(|l| l.samples >= 58));

    let latency = messages.to_server.as_ref().expect("orders timed");
    let later: f64 = 5.0 + 180.0 * 8.0 / 100e6 * 1e3 + 0.1;
    assert!((later - 5.1144).abs() < 1e-9);
    assert!(
        (latency.p50_ms - later).abs() < 0.01,
        "p50 {} against {later}",
        latency.p50_ms
    );
    // The mean is exact: the first order's latency is what the others leave of the sum.
    let first = latency.mean_ms * m as f64 - later * (m - 1) as f64;
    assert!(
        (latency.max_ms - first).abs() < 0.01,
        "the first is the slowest"
    );
    assert!(
        first > later + 20.0 && first < later + 21.0,
        "first {first} ms: two more round trips and the handshake's bytes"
    );
    eprintln!("orders {m}: up {up:?} down {down:?} first {first} ms");
}

fn refused(channels: &str) -> rtsim::scenario::error::ScenarioError {
    let text = format!(
        "name: t
duration: 10s
network: {{ l: {{ latency: 5ms, bandwidth: 10Mbit/s }} }}
clients: {{ c: {{ count: 1, link: l }} }}
workload:
  events: {{ source: periodic, rate: 1/s, payload: 10B }}
  messages: {{ rate: 6/min, payload: 150B, deliver_to: none }}
transports:
  - channels:
{channels}"
    );
    rtsim::scenario::load_str("t.yaml", &text, &[]).unwrap_err()
}

/// Two channels sending, a gRPC sender that also receives, one that is not unary and one
/// with a polling field: each refused at its field, with its position.
#[test]
fn bad_grpc_senders_are_refused_where_they_are_written() {
    let error = refused(
        "      - { receives: [events], sends: messages, websocket: {} }
      - { sends: messages, grpc: { mode: unary } }
",
    );
    assert_eq!(
        error.field.as_deref(),
        Some("transports[0].channels[1].sends")
    );
    assert!(error.position.is_some());
    let error = refused(
        "      - { receives: [events], sends: messages, grpc: { mode: unary } }
      - { receives: [], websocket: {} }
",
    );
    assert_eq!(
        error.field.as_deref(),
        Some("transports[0].channels[0].receives")
    );
    let error = refused(
        "      - { receives: [events], websocket: {} }
      - { sends: messages, grpc: {} }
",
    );
    assert_eq!(
        error.field.as_deref(),
        Some("transports[0].channels[1].grpc.mode")
    );
    let error = refused(
        "      - { receives: [events], websocket: {} }
      - { sends: messages, grpc: { mode: unary, interval: 1s } }
",
    );
    assert_eq!(
        error.field.as_deref(),
        Some("transports[0].channels[1].grpc.interval")
    );
    assert!(error.message.contains("one unary call per message"));
}
