//! Issue 18, TCP: the ACK policies, the packet counter and Nagle, each against a hand
//! computation on a one-client scenario (plain TCP, no TLS, no loss).

use rtsim::RunResult;

use crate::support::{Simple, run, scenario};

/// One client on a 5 ms link, `rate` periodic events of `payload` over `transport`, with
/// `tcp` as the scenario's `tcp:` block.
fn one_client(transport: &str, rate: &str, payload: &str, warmup: &str, tcp: &str) -> RunResult {
    let mut text = Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate,
        payload,
        duration: "100500ms",
        warmup,
    }
    .yaml(&[transport]);
    text.push_str(&format!("tcp: {tcp}\n"));
    run(&scenario(&text)).remove(0)
}

/// Pure ACKs the client sent up on a WebSocket: its TCP/IP bytes less the SYN (60), the
/// handshake's last ACK (52) and the upgrade request's segment (52), in 52-byte ACKs.
fn websocket_acks_up(r: &RunResult) -> u64 {
    (r.totals.bytes.up.tcpip - 60 - 52 - 52) / 52
}

#[test]
fn a_push_stream_with_immediate_acks_sends_one_pure_ack_per_event() {
    // N events of 100 B: one ACK each, plus one for the 101 response: N + 1.
    let r = one_client(
        "{ websocket: {} }",
        "1/s",
        "100B",
        "0s",
        "{ client: { ack: immediate } }",
    );
    let events = r.totals.bytes.down.payload / 100;
    assert_eq!(events, 100);
    assert_eq!(websocket_acks_up(&r), events + 1);
    // Packets up: SYN, the handshake's ACK, the request, N + 1 ACKs.
    assert_eq!(r.totals.packets_up, 3 + events + 1);
}

#[test]
fn linux_acknowledges_each_event_at_low_rate_and_every_second_full_one_at_high_rate() {
    // 1 s apart: each silence is longer than the RTO, so each event is quick-ACKed: as
    // many ACKs as with `immediate`, N + 1.
    let r = one_client("{ websocket: {} }", "1/s", "100B", "0s", "{}");
    let events = r.totals.bytes.down.payload / 100;
    assert_eq!(websocket_acks_up(&r), events + 1);
    // 100 ms apart (less than the RTO): after the quick ACKs, each lone event is ACKed
    // by the 40 ms timer, before the next: still one per event.
    let r = one_client("{ websocket: {} }", "10/s", "100B", "0s", "{}");
    let events = r.totals.bytes.down.payload / 100;
    assert_eq!(websocket_acks_up(&r), events + 1);
    // Full-sized events (1444 B + a 4-byte frame header = 1448 B, one MSS) 10 ms apart,
    // counted after a 10 s warm-up (the quick ACKs are long spent): one ACK per two
    // events. 90.5 s at 100/s: 9050 events, 4525 ACKs (± 1 at each edge of the window).
    let r = one_client("{ websocket: {} }", "100/s", "1444B", "10s", "{}");
    let events = r.totals.bytes.down.payload / 1444;
    let acks = r.totals.bytes.up.tcpip / 52;
    assert!((9049..=9051).contains(&events), "{events}");
    assert!(
        acks.abs_diff(events / 2) <= 1,
        "{acks} ACKs for {events} events"
    );
    // With `immediate`: one per event.
    let r = one_client(
        "{ websocket: {} }",
        "100/s",
        "1444B",
        "10s",
        "{ client: { ack: immediate } }",
    );
    let acks = r.totals.bytes.up.tcpip / 52;
    assert_eq!(acks, r.totals.bytes.down.payload / 1444);
}

#[test]
fn one_poll_is_ten_packets() {
    // One poll (interval = run), its connection closed by a 1 s keep-alive timeout.
    // Up: SYN, the handshake's ACK, the request, the client's quick ACK of the response
    // (its first data), the middle segment of the FIN exchange: 5.
    // Down: SYN-ACK, the server's quick ACK of the request (its first data), the
    // response, the FIN and the last ACK of the FIN exchange: 5.
    let poll = |tcp: &str| {
        let mut text = Simple {
            clients: 1,
            latency: "5ms",
            bandwidth: "100Mbit/s",
            source: "periodic",
            rate: "1/s",
            payload: "100B",
            duration: "60s",
            warmup: "0s",
        }
        .yaml(&["{ polling: { interval: 60s } }"]);
        text.push_str(&format!(
            "tcp: {tcp}\nserver: {{ keepalive_timeout: 1s }}\n"
        ));
        run(&scenario(&text)).remove(0)
    };
    let r = poll("{}");
    let t = &r.totals;
    assert_eq!((t.requests, t.idle_closes), (1, 1), "one poll, closed");
    assert_eq!(t.segments_sent, 4, "SYN, SYN-ACK, request, response");
    assert_eq!((t.packets_up, t.packets_down), (5, 5));
    // RFC 1122's delayed ACK: the response (within 200 ms) carries the server's ACK, the
    // client's waits 200 ms and goes alone: one packet fewer down.
    let r = poll("{ client: { ack: rfc1122 }, server: { ack: rfc1122 } }");
    assert_eq!((r.totals.packets_up, r.totals.packets_down), (5, 4));
}

#[test]
fn nagle_with_delayed_acks_stalls_small_writes_and_nodelay_does_not() {
    // Events 40 ms apart on a 5 ms link, the client past its quick ACKs (10 s warm-up):
    // each lone event's ACK leaves 40 ms after it arrives and is back 50 ms after the
    // event left. With Nagle on at the server, each event waits for the ACK of the last
    // one sent: the server's events leave on that 50 ms ACK clock, a write made just
    // as a segment leaves waits the whole 5 + 40 + 5 = 50 ms (the maximum), and the
    // writes made while one waits leave with it. With NODELAY, every event takes the
    // one-way delay.
    let nodelay = one_client("{ websocket: {} }", "25/s", "100B", "10s", "{}");
    let nagle = one_client(
        "{ websocket: {} }",
        "25/s",
        "100B",
        "10s",
        "{ server: { nodelay: false } }",
    );
    let (base, held) = (
        nodelay.latency.clone().unwrap(),
        nagle.latency.clone().unwrap(),
    );
    assert!(base.max_ms - base.p50_ms < 1.0, "{base:?}");
    assert!(
        (held.max_ms - base.max_ms - 50.0).abs() < 0.5,
        "{held:?} vs {base:?}"
    );
    let stall = held.mean_ms - base.mean_ms;
    assert!((10.0..=40.0).contains(&stall), "{held:?} vs {base:?}");
    // With immediate ACKs at the client, Nagle only waits one round trip (10 ms), and
    // events 40 ms apart never wait.
    let quick = one_client(
        "{ websocket: {} }",
        "25/s",
        "100B",
        "10s",
        "{ client: { ack: immediate }, server: { nodelay: false } }",
    );
    assert_eq!(quick.latency, nodelay.latency);
}

#[test]
fn a_delayed_ack_timer_is_refused_where_it_means_nothing_or_breaks_its_bound() {
    for (tcp, field, words) in [
        (
            "{ client: { ack: immediate, delayed_ack: 40ms } }",
            "tcp.client.delayed_ack",
            "ack: immediate",
        ),
        (
            "{ server: { delayed_ack: 300ms } }",
            "tcp.server.delayed_ack",
            "at most 200ms",
        ),
        (
            "{ server: { ack: rfc1122, delayed_ack: 500ms } }",
            "tcp.server.delayed_ack",
            "less than 500ms",
        ),
        (
            "{ client: { ack: rfc1122, delayed_ack: 0s } }",
            "tcp.client.delayed_ack",
            "greater than 0s",
        ),
        ("{ client: { ack: bsd } }", "ack", "linux"),
        ("{ client: { nagle: true } }", "nagle", "nodelay"),
    ] {
        let mut text = Simple {
            clients: 1,
            latency: "5ms",
            bandwidth: "100Mbit/s",
            source: "periodic",
            rate: "1/s",
            payload: "100B",
            duration: "10s",
            warmup: "0s",
        }
        .yaml(&["{ websocket: {} }"]);
        text.push_str(&format!("tcp: {tcp}\n"));
        let err = rtsim::scenario::load_str("<test>", &text, &[])
            .expect_err(tcp)
            .to_string();
        assert!(err.contains(field) && err.contains(words), "{tcp}: {err}");
    }
}
