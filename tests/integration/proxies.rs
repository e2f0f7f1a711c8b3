//! Proxies: the idle timeout and what each transport does when it closes a connection;
//! response buffering.

use rtsim::RunResult;

use crate::support::{run, scenario};

/// 20 clients behind proxy `corp` (YAML of its fields), periodic events at `rate`.
fn behind_proxy(proxy: &str, rate: &str, duration: &str, transports: &[&str]) -> Vec<RunResult> {
    let mut text = format!(
        "name: proxied
seed: 21
duration: {duration}
warmup: 0s
network:
  office: {{ latency: 10ms, bandwidth: 50Mbit/s }}
proxies:
  corp: {{ {proxy} }}
clients:
  staff: {{ count: 20, link: office, via: corp }}
workload:
  events: {{ source: periodic, rate: {rate}, payload: 200B }}
transports:
"
    );
    for t in transports {
        text.push_str(&format!("  - {t}\n"));
    }
    run(&scenario(&text))
}

#[test]
fn a_60s_idle_timeout_closes_silent_sse_streams_but_not_heartbeating_ones() {
    let results = behind_proxy(
        "idle_timeout: 60s",
        "12/h",
        "20m",
        &[
            "{ label: beating, sse: { heartbeat: 15s } }",
            "{ label: silent, sse: {} }",
        ],
    );
    let (beating, silent) = (&results[0], &results[1]);
    assert_eq!(beating.totals.proxy_closes, 0);
    assert_eq!(beating.totals.connections_opened, 20);
    // Without heartbeats the stream is closed after 60 s of silence and EventSource
    // reconnects 3 s later: about every 63 s while no event comes (one every 5 minutes).
    let per_client = silent.totals.proxy_closes as f64 / 20.0;
    assert!(
        (15.0..=20.0).contains(&per_client),
        "{per_client} closes per client"
    );
    assert_eq!(silent.totals.reconnects, silent.totals.proxy_closes);
    assert_eq!(
        silent.totals.connections_opened,
        20 + silent.totals.proxy_closes
    );
    // Every event still arrives (Last-Event-ID resumes the stream).
    for r in [beating, silent] {
        assert_eq!(r.ledger.lost, 0);
        assert_eq!(r.ledger.generated, r.ledger.delivered + r.ledger.in_flight);
        assert!(r.ledger.delivered >= 20 * 3);
    }
}

#[test]
fn a_websocket_without_pings_is_closed_and_stays_disconnected() {
    let results = behind_proxy(
        "idle_timeout: 60s",
        "30/h",
        "10m",
        &[
            "{ label: pinging, websocket: { ping: 30s } }",
            "{ label: silent, websocket: {} }",
        ],
    );
    let (pinging, silent) = (&results[0], &results[1]);
    assert_eq!(pinging.disconnected_clients, 0);
    assert_eq!(pinging.ledger.lost, 0);
    // The first event comes at 2 min: by then the silent sockets are gone, for good.
    assert_eq!(silent.disconnected_clients, 20);
    assert_eq!(silent.ledger.delivered, 0);
    assert_eq!(silent.ledger.lost, silent.ledger.generated);
}

#[test]
fn long_polls_held_past_the_proxy_timeout_are_retried() {
    let results = behind_proxy(
        "idle_timeout: 20s",
        "12/h",
        "10m",
        &["{ long_polling: { timeout: 30s } }"],
    );
    let r = &results[0];
    // A request held 20 s without bytes is cut; the client asks again 2 s later.
    assert!(
        r.totals.proxy_closes >= 20 * 10,
        "{}",
        r.totals.proxy_closes
    );
    assert_eq!(r.totals.reconnects, r.totals.proxy_closes);
    assert_eq!(
        r.totals.empty_responses, 0,
        "the 30 s timeout never answers: the proxy cuts first"
    );
    assert_eq!(r.ledger.lost, 0);
    assert_eq!(r.ledger.generated, r.ledger.delivered + r.ledger.in_flight);
}

#[test]
fn a_buffering_proxy_holds_sse_events_until_its_flush_size() {
    let results = behind_proxy(
        "buffering: 4KiB, idle_timeout: 10m",
        "1/s",
        "5m",
        &["{ sse: {} }"],
    );
    let unbuffered = behind_proxy("idle_timeout: 10m", "1/s", "5m", &["{ sse: {} }"]);
    let (held, direct) = (
        results[0].latency.as_ref().unwrap(),
        unbuffered[0].latency.as_ref().unwrap(),
    );
    // Each event is a chunk of about 225 bytes: 4 KiB gathers 19 of them, 19 s of events,
    // so an event waits about 9 s on average; without buffering it passes in milliseconds.
    assert!(direct.mean_ms < 50.0, "{direct:?}");
    assert!((held.mean_ms - 9_000.0).abs() < 1_500.0, "{held:?}");
    assert!(held.max_ms > 17_000.0, "{held:?}");
    let r = &results[0];
    assert_eq!(r.ledger.generated, r.ledger.delivered + r.ledger.in_flight);
}

/// Regression: with events held in a buffer that never fills, the idle timer found the
/// connection busy and looked again 1 ns later, for ever.
#[test]
fn an_idle_timer_on_a_busy_connection_does_not_spin() {
    let results = behind_proxy(
        "buffering: 64KiB, idle_timeout: 30s",
        "12/h",
        "20m",
        &["{ sse: {} }"],
    );
    let r = &results[0];
    assert!(r.sim_events < 20_000, "{} simulation events", r.sim_events);
    assert_eq!(r.ledger.delivered, 0, "64 KiB never fills");
    assert_eq!(r.ledger.generated, r.ledger.in_flight);
}

#[test]
fn a_full_proxy_refuses_connections() {
    let results = behind_proxy(
        "capacity: 12, idle_timeout: 10m",
        "60/h",
        "5m",
        &["{ label: ws, websocket: {} }", "{ label: sse, sse: {} }"],
    );
    let (ws, sse) = (&results[0], &results[1]);
    // Twenty clients, room for twelve: eight WebSocket clients are refused and give up.
    assert_eq!(ws.totals.refused, 8);
    assert_eq!(ws.disconnected_clients, 8);
    assert_eq!(ws.peak_open_connections, 12);
    // EventSource retries every 3 s, refused each time while the twelve stay.
    assert_eq!(sse.peak_open_connections, 12);
    assert!(sse.totals.refused > 8 * 50, "{}", sse.totals.refused);
    assert_eq!(sse.totals.reconnects, sse.totals.refused);
    for r in [ws, sse] {
        assert_eq!(
            r.ledger.generated,
            r.ledger.delivered + r.ledger.lost + r.ledger.in_flight
        );
    }
}

#[test]
fn a_proxy_denying_websocket_upgrades_leaves_sse_alone() {
    let results = behind_proxy(
        "websocket: deny",
        "60/h",
        "5m",
        &[
            "{ label: ws, websocket: {} }",
            "{ label: sse, sse: { heartbeat: 15s } }",
        ],
    );
    let (ws, sse) = (&results[0], &results[1]);
    assert_eq!(ws.totals.denied, 20);
    assert_eq!(ws.disconnected_clients, 20);
    assert_eq!(ws.ledger.delivered, 0);
    assert_eq!(
        ws.totals.requests, 0,
        "the upgrade never reaches the server"
    );
    assert_eq!(sse.totals.denied, 0);
    assert_eq!(sse.ledger.lost, 0);
    assert!(sse.ledger.delivered > 0);
}

#[test]
fn a_maximum_lifetime_recycles_long_lived_connections() {
    let results = behind_proxy(
        "max_lifetime: 60s, idle_timeout: 10m",
        "60/h",
        "10m",
        &["{ label: sse, sse: { heartbeat: 15s } }"],
    );
    let r = &results[0];
    // Closed about every 63 s (60 s of life, 3 s to reconnect): 9 times per client in 10 min.
    let per_client = r.totals.lifetime_closes as f64 / 20.0;
    assert!((8.0..=10.0).contains(&per_client), "{per_client}");
    assert_eq!(r.ledger.lost, 0);
    assert_eq!(r.ledger.generated, r.ledger.delivered + r.ledger.in_flight);
}

/// Per-proxy figures: two groups behind two proxies; each proxy reports its own
/// connections, requests, idle closes, refusals and buffered bytes, and together they add
/// up to the run's totals.
#[test]
fn each_proxy_reports_its_own_connections_and_what_it_did() {
    let text = "name: two-proxies
seed: 5
duration: 10m
warmup: 0s
network:
  net: { latency: 10ms, bandwidth: 50Mbit/s }
proxies:
  corp: { capacity: 12, idle_timeout: 20s }
  edge: { buffering: 1KiB, idle_timeout: 10m }
clients:
  office: { count: 20, link: net, via: corp }
  home: { count: 10, link: net, via: edge }
workload:
  events: { source: periodic, rate: 2/min, payload: 200B }
transports:
  - { label: sse, sse: {} }
";
    let r = &run(&scenario(text))[0];
    let names: Vec<&str> = r.proxies.iter().map(|p| p.proxy.as_str()).collect();
    assert_eq!(names, ["corp", "edge"]);
    let (corp, edge) = (&r.proxies[0], &r.proxies[1]);
    // corp: twelve streams at most; the other eight are refused on every retry; a stream
    // silent for 20 s is closed (events come every 30 s).
    assert_eq!(corp.peak_connections, 12);
    assert_eq!(corp.refused, r.totals.refused);
    assert!(corp.refused > 8 * 100, "{}", corp.refused);
    assert!(corp.idle_closes > 100, "{}", corp.idle_closes);
    assert_eq!(corp.idle_closes, r.totals.proxy_closes);
    assert_eq!(corp.peak_buffered_bytes, 0);
    // edge: all ten streams stay; each holds events until 1 KiB has gathered (five chunks
    // of about 220 bytes). The most held at once: the first stream's fifth chunk arrives
    // (microseconds before the others') while the nine others hold four each: 41 chunks.
    assert_eq!((edge.peak_connections, edge.connections_at_end), (10, 10));
    assert_eq!((edge.refused, edge.idle_closes), (0, 0));
    let chunk = edge.peak_buffered_bytes / 41;
    assert_eq!(chunk * 41, edge.peak_buffered_bytes);
    assert!((200..=260).contains(&chunk), "{chunk}");
    assert!(4 * chunk < 1024 && 5 * chunk >= 1024);
    // One request per stream opened; the two proxies carry every request of the run.
    assert!((edge.requests_per_second * 600.0 - 10.0).abs() < 0.5);
    let through = (corp.requests_per_second + edge.requests_per_second) * 600.0;
    assert!(
        (through - r.totals.requests as f64).abs() < 1.0,
        "{through} against {}",
        r.totals.requests
    );
}

/// A denied upgrade that travelled as TLS 1.3 early data (a resumed session) is answered
/// after the handshake, inside the session: the client sees one `403` per attempt and
/// backs off. (It was once answered before the server's TLS flight, which then reached a
/// closed connection and set off a storm of requests on dead connections: 1.7 million
/// reconnects in 3 minutes for one client, and a negative connection count.)
#[test]
fn a_denied_upgrade_in_early_data_is_answered_once_per_attempt() {
    let text = "name: early
seed: 73
duration: 3m
network:
  office: { latency: 8ms, bandwidth: 100Mbit/s }
proxies:
  corp: { websocket: deny }
clients:
  office: { count: 1, link: office, via: corp, tls: \"1.3\" }
workload:
  events: { source: poisson, rate: 0.5/s, payload: 300B }
transports:
  - { websocket: { reconnect: { backoff: exponential, delay: 1s, max: 5s, jitter: full } } }
";
    let results = crate::support::run(&crate::support::scenario(text));
    let r = &results[0];
    assert_eq!(r.peak_open_connections, 1);
    // Full jitter up to 5 s: one attempt every 2.5 s on average, about 72 in 3 minutes.
    assert!(
        (40..110).contains(&r.totals.reconnects),
        "{}",
        r.totals.reconnects
    );
    // Each attempt is denied once (the last may still be on its way at the end).
    assert!(r.totals.denied.abs_diff(r.totals.reconnects) <= 1);
}
