//! Keep-alive per client group (issue 17): a group without keep-alive (HTTP/1.0-style
//! `Connection: close`) or with an idle timeout shorter than its poll interval pays a new
//! TCP connection per request, against a hand computation of the bytes and the server's
//! accept cost; the default keeps one connection.

use rtsim::RunResult;

use crate::support::{Simple, run, scenario};

/// One client polling every second for 100.5 s (100 polls) on a 1-core server, its group
/// written as `group` (a flow mapping's inside after `count: 1, link: link`).
fn one_poller(group: &str) -> RunResult {
    let text = Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "1/s",
        payload: "100B",
        duration: "100500ms",
        warmup: "0s",
    }
    .yaml(&["{ polling: { interval: 1s } }"])
    .replace("link: link }", &format!("link: link{group} }}"))
    .replace("transports:\n", "server: { cores: 1 }\ntransports:\n");
    run(&scenario(&text)).remove(0)
}

#[test]
fn a_poller_without_keep_alive_pays_a_handshake_per_request() {
    let kept = one_poller("");
    let closed = one_poller(", keep_alive: false");
    assert_eq!(kept.totals.connections_opened, 1);
    assert_eq!(closed.totals.connections_opened, 100, "one per poll");
    assert_eq!(closed.totals.requests, 100);
    assert_eq!(closed.ledger.delivered, kept.ledger.delivered);
    let (k, c) = (kept.totals.bytes, closed.totals.bytes);
    // `Connection: close\r\n` (19 B) on each request and each response.
    assert_eq!(c.up.framing, k.up.framing + 100 * 19);
    assert_eq!(c.down.framing, k.down.framing + 100 * 19);
    // TCP/IP per poll (a 52-byte header a segment, 60 for a SYN or SYN-ACK with its
    // options), with Linux's ACK policy (issue 18: a connection's first data is
    // acknowledged at once, quick-ACK mode): up, the SYN, the handshake's last ACK, the
    // request, the quick ACK of the response and the client's FIN-ACK: 60 + 4 × 52 =
    // 268 B; down, the SYN-ACK, the quick ACK of the request, the response and the
    // server's FIN and the last ACK: 60 + 4 × 52 = 268 B (as `tcp_acks::one_poll_is_ten_packets`).
    assert_eq!(c.up.tcpip, 100 * 268);
    assert_eq!(c.down.tcpip, 100 * 268);
    // With keep-alive: up, one SYN and the handshake's ACK, then per poll the request
    // and the client's quick ACK of the response (each response comes after a silence of
    // a second, longer than the receiver's RTO of about 200 ms plus the round trip, which
    // restarts quick ACKs): 60 + 52 + 100 × (52 + 52). Down: the SYN-ACK, the server's
    // quick ACK of the connection's first request, then per poll the response, which
    // carries the ACK of its request (the server answers within the delayed-ACK timeout,
    // so it is interactive, Linux's pingpong mode, and gets no quick ACKs again):
    // 60 + 52 + 100 × 52.
    assert_eq!(k.up.tcpip, 60 + 52 + 100 * (52 + 52));
    assert_eq!(k.down.tcpip, 60 + 52 + 100 * 52);
    // The server accepts every connection: 99 more accepts at the default 40 µs, 3.96 ms
    // (the results keep six decimals of a utilisation: ±1e-4 s over 100.5 s).
    let extra = (closed.cpu_utilisation - kept.cpu_utilisation) * 100.5;
    assert!(
        (extra - 99.0 * 40e-6).abs() < 1.01e-4,
        "extra CPU {extra} s"
    );
    // Latency: each poll waits for the handshake's round trip (10 ms) first.
    let p50 = |r: &RunResult| r.latency.as_ref().expect("delivered").p50_ms;
    assert!(p50(&closed) > p50(&kept) + 9.0);
}

#[test]
fn an_idle_timeout_shorter_than_the_poll_interval_reconnects_every_poll() {
    let closed = one_poller(", keepalive_timeout: 500ms");
    assert_eq!(closed.totals.connections_opened, 100);
    assert_eq!(closed.totals.idle_closes, 100);
    let b = closed.totals.bytes;
    // No `Connection: close` header: the server closes after 500 ms idle. Per poll, as
    // with `keep_alive: false` (Linux's quick ACKs, issue 18): up, SYN, the handshake's
    // ACK, request, the quick ACK of the response, FIN-ACK: 60 + 4 × 52 = 268 B; down,
    // SYN-ACK, the quick ACK of the request, response, FIN, last ACK: 268 B.
    assert_eq!(b.up.tcpip, 100 * 268);
    assert_eq!(b.down.tcpip, 100 * 268);
    // A timeout longer than the interval keeps the one connection, as the server's 75 s.
    let kept = one_poller(", keepalive_timeout: 2s");
    assert_eq!(kept.totals.connections_opened, 1);
    assert_eq!(kept.totals.idle_closes, 0);
    // `0s`: no idle timeout at all.
    let none = one_poller(", keepalive_timeout: 0s");
    assert_eq!(none.totals.connections_opened, 1);
}
