//! Connection life: the server's keep-alive idle timeout, the FIN exchange, reconnects with
//! new TCP and TLS handshakes, TLS session resumption.

use rtsim::RunResult;

use crate::support::{Simple, run, scenario};

/// One polling client, 10 ms one-way; `server` and `tls` are extra YAML.
fn poller(interval: &str, server: &str, tls: &str) -> RunResult {
    let text = Simple {
        clients: 1,
        latency: "10ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "1/s",
        payload: "100B",
        duration: "100500ms",
        warmup: "0s",
    }
    .yaml(&[&format!("{{ polling: {{ interval: {interval} }} }}")])
    .replace("link: link }", &format!("link: link, tls: {tls} }}"));
    let text = format!("{text}server: {{ {server} }}\n");
    run(&scenario(&text)).remove(0)
}

#[test]
fn idle_polling_connections_are_closed_and_reopened() {
    let r = poller("10s", "keepalive_timeout: 5s", "none");
    let t = r.totals;
    assert_eq!(t.requests, 10, "a poll every 10 s for 100.5 s");
    assert_eq!(
        t.connections_opened, t.requests,
        "every poll opens a connection"
    );
    // Each is closed 5 s after its answer; the last one may outlive the run.
    let closes = t.idle_closes;
    assert!(
        closes == t.requests || closes + 1 == t.requests,
        "{closes} closes"
    );
    // Per poll: SYN (60), the handshake's ACK (52), request (52), the (quick) ACK of the
    // response (52) up; SYN-ACK (60), the server's quick ACK of the request (its first
    // data, 52), response (52) down (issue 18: Linux's quick-ACK mode). Per close: the
    // server's FIN and last ACK down, the client's FIN up.
    assert_eq!(
        t.bytes.up.tcpip,
        t.requests * (60 + 52 + 52 + 52) + closes * 52
    );
    assert_eq!(
        t.bytes.down.tcpip,
        t.requests * (60 + 52 + 52) + closes * 2 * 52
    );
    assert_eq!(r.peak_open_connections, 1);
}

#[test]
fn connections_used_more_often_than_the_timeout_stay_open() {
    let r = poller("3s", "keepalive_timeout: 5s", "none");
    assert_eq!(r.totals.connections_opened, 1);
    assert_eq!(r.totals.idle_closes, 0);
    let never = poller("10s", "keepalive_timeout: 0s", "none");
    assert_eq!(
        never.totals.connections_opened, 1,
        "0s turns the idle timeout off"
    );
}

#[test]
fn reconnects_pay_a_new_tls_handshake_resumed_or_full() {
    let resumed = poller("10s", "keepalive_timeout: 5s", "\"1.3\"");
    let n = resumed.totals.connections_opened;
    assert_eq!(n, 10);
    let records = |r: &RunResult| 22 * r.totals.requests;
    // The first connection's full handshake, then resumed ones: ClientHello and Finished
    // with EndOfEarlyData (26) up; a 200-byte server flight down.
    assert_eq!(
        resumed.totals.bytes.up.tls,
        517 + 64 + (n - 1) * (517 + 64 + 26) + records(&resumed)
    );
    assert_eq!(
        resumed.totals.bytes.down.tls,
        4000 + (n - 1) * 200 + records(&resumed)
    );

    let text_full = "keepalive_timeout: 5s";
    let full = {
        let text = Simple {
            clients: 1,
            latency: "10ms",
            bandwidth: "100Mbit/s",
            source: "periodic",
            rate: "1/s",
            payload: "100B",
            duration: "100500ms",
            warmup: "0s",
        }
        .yaml(&["{ polling: { interval: 10s } }"])
        .replace("link: link }", "link: link, tls: \"1.3\" }");
        let text = format!("{text}server: {{ {text_full} }}\ntls: {{ resumption: false }}\n");
        run(&scenario(&text)).remove(0)
    };
    assert_eq!(full.totals.bytes.up.tls, n * (517 + 64) + records(&full));
    assert_eq!(full.totals.bytes.down.tls, n * 4000 + records(&full));
}

#[test]
fn resumption_saves_one_round_trip() {
    let none = poller("10s", "keepalive_timeout: 5s", "none");
    let v13 = poller("10s", "keepalive_timeout: 5s", "\"1.3\"");
    let v12 = poller("10s", "keepalive_timeout: 5s", "\"1.2\"");
    let median = |r: &RunResult| r.first_response.as_ref().unwrap().p50_ms;
    let rtt_ms = 20.0;
    // Most connections are resumed: TLS 1.3 sends its request as early data (no extra round
    // trip), TLS 1.2 needs one round trip instead of two.
    let d13 = median(&v13) - median(&none);
    let d12 = median(&v12) - median(&none);
    assert!(d13 > 0.0 && d13 < 1.0, "resumed 1.3 added {d13} ms");
    assert!(
        d12 > rtt_ms && d12 < rtt_ms + 1.0,
        "resumed 1.2 added {d12} ms"
    );
    // The first, full handshake is the slowest connection set-up of each run.
    let max = |r: &RunResult| r.first_response.as_ref().unwrap().max_ms;
    assert!(max(&v13) - max(&none) > rtt_ms);
    assert!(max(&v12) - max(&none) > 2.0 * rtt_ms);
}
