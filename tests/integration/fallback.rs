//! Fallback chains: a WebSocket variant whose clients move to long polling when a proxy
//! denies the upgrade, or when their attempts fail a given number of times in a row.

use rtsim::RunResult;
use rtsim::sim::{DEFAULT_LIMITS, run_variant_with_ledgers};
use rtsim::workload::EventLog;

use crate::support::{run, scenario};

/// 100 office browsers behind `corp` (with `proxy` settings) and 100 home browsers
/// reaching the server directly; `faults` added at the top level.
fn offices(proxy: &str, faults: &str, transports: &[&str]) -> String {
    let mut text = format!(
        "name: fallback
seed: 3
duration: 3m
warmup: 30s
network:
  office: {{ latency: 10ms, bandwidth: 100Mbit/s }}
  home: {{ latency: 20ms, bandwidth: 50Mbit/s }}
proxies:
  corp: {{ {proxy} }}
clients:
  office: {{ count: 100, link: office, via: corp, ramp: 5s }}
  home: {{ count: 100, link: home, ramp: 5s }}
workload:
  events: {{ source: poisson, rate: 2/s, payload: 200B }}
{faults}
transports:
"
    );
    for t in transports {
        text.push_str(&format!("  - {t}\n"));
    }
    text
}

fn on_fallback(r: &RunResult) -> u64 {
    r.fallback
        .as_ref()
        .expect("a variant with a fallback")
        .on_fallback
}

/// Behind a proxy that denies upgrades, plain WebSocket clients never get an event; with
/// a fallback each of them moves to long polling after the first `403` and gets every
/// event from then on, while the home clients stay on WebSocket.
#[test]
fn a_denied_upgrade_falls_back_to_long_polling() {
    let text = offices(
        "websocket: deny",
        "",
        &[
            "{ label: ws, websocket: {} }",
            "{ label: ws+lp, websocket: {}, fallback: { long_polling: { timeout: 30s }, after: 5 } }",
            "{ label: lp, long_polling: { timeout: 30s } }",
        ],
    );
    let s = scenario(&text);
    let log = EventLog::generate(&s);
    let results: Vec<_> = s
        .transports
        .iter()
        .map(|v| run_variant_with_ledgers(&s, &log, v, &DEFAULT_LIMITS).unwrap())
        .collect();
    let (ws, fell) = (&results[0].0, &results[1].0);
    assert_eq!(ws.fallback, None);
    assert_eq!(ws.disconnected_clients, 100);
    // A denial falls back at once, whatever `after` says.
    assert_eq!(on_fallback(fell), 100);
    assert_eq!(fell.fallback.as_ref().unwrap().on_primary, 100);
    assert_eq!(fell.disconnected_clients, 0);
    assert_eq!(fell.ledger.lost, 0);
    // The office clients (0..100) register on long polling, the home ones on WebSocket:
    // every client generates about as many pairs as long polling's.
    let ledgers = &results[1].1;
    assert_eq!(ledgers.len(), 200);
    for (c, l) in ledgers.iter().enumerate() {
        assert!(l.generated > 300, "client {c}: {l:?}");
        assert_eq!(
            l.generated,
            l.delivered + l.lost + l.in_flight,
            "client {c}"
        );
    }
    // Long polling's requests come from the office half only.
    let lp = &results[2].0;
    let ratio = fell.requests_per_second / lp.requests_per_second;
    assert!((0.4..0.6).contains(&ratio), "{ratio}");
}

/// While the office proxy restarts (refusing connections for 20 s from the start), the
/// office clients' WebSocket attempts fail one after another (a reconnect every second):
/// with `after: 3` they fall back to long polling on their third failure; with `after: 50`
/// they are still trying when the proxy comes back, and stay on WebSocket.
#[test]
fn repeated_failures_fall_back_after_the_given_number() {
    let transports = |after: u32| {
        format!(
            "{{ label: after-{after}, websocket: {{ reconnect: {{ backoff: fixed, delay: 1s }} }}, fallback: {{ long_polling: {{}}, after: {after} }} }}"
        )
    };
    let text = offices(
        "idle_timeout: 10m",
        "faults:\n  - { at: 0s, restart: { node: corp, down_for: 20s } }",
        &[&transports(3), &transports(50)],
    );
    let results = run(&scenario(&text));
    assert_eq!(on_fallback(&results[0]), 100);
    assert_eq!(on_fallback(&results[1]), 0);
    for r in &results {
        assert_eq!(r.ledger.lost, 0, "{}", r.label);
        assert_eq!(r.disconnected_clients, 0);
    }
}

/// A chain, as SignalR's client has it: WebSocket, then SSE, then long polling. Behind a
/// proxy that denies upgrades the office clients stop at SSE (plain HTTP passes); while a
/// proxy refuses every connection for 20 s, they leave WebSocket at its first failure and
/// SSE after three of its own (EventSource retries every 3 s), ending on long polling —
/// unless long polling's step asks for ten SSE failures, which the 20 s never reach.
#[test]
fn a_chain_moves_step_by_step() {
    let chain = |label: &str, after: u32| {
        format!(
            "{{ label: {label}, websocket: {{}}, fallback: [{{ sse: {{ heartbeat: 15s }} }}, {{ long_polling: {{}}, after: {after} }}] }}"
        )
    };
    let steps = |r: &RunResult| -> Vec<(String, u64)> {
        let f = r.fallback.as_ref().unwrap();
        f.steps
            .iter()
            .map(|s| (s.transport.clone(), s.clients))
            .collect()
    };
    let denied = run(&scenario(&offices(
        "websocket: deny",
        "",
        &[&chain("chain", 3)],
    )));
    assert_eq!(
        steps(&denied[0]),
        [("sse".to_string(), 100), ("long_polling".to_string(), 0)]
    );
    assert_eq!(denied[0].ledger.lost, 0);

    let restart = run(&scenario(&offices(
        "idle_timeout: 10m",
        "faults:\n  - { at: 0s, restart: { node: corp, down_for: 20s } }",
        &[&chain("three", 3), &chain("ten", 10)],
    )));
    assert_eq!(
        steps(&restart[0]),
        [("sse".to_string(), 0), ("long_polling".to_string(), 100)]
    );
    assert_eq!(
        steps(&restart[1]),
        [("sse".to_string(), 100), ("long_polling".to_string(), 0)]
    );
    for r in &restart {
        assert_eq!(r.ledger.lost, 0, "{}", r.label);
        assert_eq!(r.fallback.as_ref().unwrap().on_primary, 100);
    }
}
