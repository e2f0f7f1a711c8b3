//! Browser tabs: HTTP/1.1's six connections per origin, HTTP/2's one shared connection, and
//! the access link the tabs share.

use rtsim::RunResult;

use crate::support::{run, scenario};

/// `browsers` browsers with `tabs` tabs each, one variant per transport item.
fn browsers(
    browsers: u32,
    tabs: u32,
    bandwidth: &str,
    extra: &str,
    transports: &[&str],
) -> Vec<RunResult> {
    let mut text = format!(
        "name: tabs
seed: 5
duration: 60s
network:
  home: {{ latency: 20ms, bandwidth: {bandwidth} }}
clients:
  people: {{ count: {browsers}, link: home, tabs: {tabs} }}
workload:
  events: {{ source: periodic, rate: 2/s, payload: 200B }}
{extra}transports:
"
    );
    for t in transports {
        text.push_str(&format!("  - {t}\n"));
    }
    run(&scenario(&text))
}

#[test]
fn the_seventh_sse_tab_waits_over_http1_and_streams_over_http2() {
    let results = browsers(
        3,
        7,
        "50Mbit/s",
        "",
        &[
            "{ label: h1, sse: {} }",
            "{ label: h2, sse: { http2: true } }",
        ],
    );
    let (h1, h2) = (&results[0], &results[1]);
    // HTTP/1.1: six streams per browser; the seventh tab of each waits the whole run.
    assert_eq!(h1.clients, 21);
    assert_eq!(h1.blocked_streams.blocked, 3);
    assert_eq!(h1.blocked_streams.still_blocked, 3);
    let wait = h1.blocked_streams.wait.as_ref().unwrap();
    assert!(wait.mean_ms > 59_000.0, "blocked from the start: {wait:?}");
    assert_eq!(h1.peak_open_connections, 18);
    // The blocked tabs never subscribe: 18 streams receive every event.
    assert_eq!(h1.ledger.generated, 18 * h1.ledger.events);
    // HTTP/2: one connection per browser, all seven tabs stream.
    assert_eq!(h2.blocked_streams.blocked, 0);
    assert!(h2.blocked_streams.wait.is_none());
    assert_eq!(h2.peak_open_connections, 3);
    assert_eq!(h2.totals.connections_opened, 3);
    assert!(h2.ledger.delivered > h1.ledger.delivered);
    assert_eq!(
        h2.ledger.generated,
        h2.ledger.delivered + h2.ledger.in_flight
    );
}

#[test]
fn http1_tabs_waiting_for_a_connection_get_one_when_another_closes() {
    let results = browsers(
        2,
        8,
        "50Mbit/s",
        "server: { keepalive_timeout: 8s }\n",
        &["{ polling: { interval: 10s } }"],
    );
    let r = &results[0];
    // Polls every 10 s and connections closed after 8 s idle: each tab holds a connection
    // most of the time, so a tab often finds all six taken and waits for one to close.
    assert!(r.blocked_streams.blocked >= 4, "{:?}", r.blocked_streams);
    // Most waits end when a connection closes; a few tabs may still wait at the end.
    assert!(r.blocked_streams.still_blocked * 2 < r.blocked_streams.blocked);
    let wait = r.blocked_streams.wait.as_ref().unwrap();
    assert!(wait.max_ms < 20_000.0, "{wait:?}");
    assert!(r.latency.is_some());
}

#[test]
fn tabs_share_the_access_link() {
    // 200-byte events at 2/s to 1 and to 8 WebSocket tabs on a 64 kbit/s link: each frame
    // takes about 32 ms to serialize, so eight tabs queue behind each other.
    let one = browsers(2, 1, "64kbit/s", "", &["{ websocket: {} }"]);
    let eight = browsers(2, 8, "64kbit/s", "", &["{ websocket: {} }"]);
    let (a, b) = (
        one[0].latency.as_ref().unwrap(),
        eight[0].latency.as_ref().unwrap(),
    );
    // One tab: 20 ms + 32 ms. Eight: the k-th frame waits k - 1 others, 3.5 x 32 ms more on
    // average.
    assert!((a.mean_ms - 52.0).abs() < 3.0, "{}", a.mean_ms);
    assert!(
        (b.mean_ms - a.mean_ms - 3.5 * 32.25).abs() < 8.0,
        "{} vs {}",
        b.mean_ms,
        a.mean_ms
    );
}

#[test]
fn http2_tabs_share_one_handshake() {
    let results = browsers(
        1,
        5,
        "50Mbit/s",
        "",
        &[
            "{ label: h1, sse: {} }",
            "{ label: h2, sse: { http2: true } }",
        ],
    );
    let (h1, h2) = (&results[0], &results[1]);
    assert_eq!(h1.peak_open_connections, 5);
    assert_eq!(h2.peak_open_connections, 1);
    // Only one preface: the first stream's request carries it, the others are HEADERS
    // frames with repeated HPACK blocks (9 + 30 bytes).
    let up = h2.totals.bytes.up.framing;
    assert_eq!(up, (79 + 9 + 360) + 4 * (9 + 30), "{up}");
}
