//! Issue 18: the ledger's window, and the events near the end of a run.
//!
//! A run covers `[0, duration)`, like its measurement window `[warmup, duration)`: no event
//! is created at exactly `duration`, and whatever has not arrived by the run's last instant
//! is in flight, for every transport alike. The window's ledger counts what happened within
//! the window (as its bytes do), with what was on its way at the warm-up carried in.

use rtsim::RunResult;

use crate::support::{run, scenario};

/// `clients` clients 700 ms from the server (no jitter, fast link), a periodic source of
/// 2 events/s (one every 500 ms: 0.5 s, 1 s, …), a 20 s run with `warmup`; `transports` as
/// flow mappings; a webhook receiver on the same path for the webhook variant.
fn periodic(clients: u32, warmup: &str, source: &str, transports: &[&str]) -> String {
    let receivers = if transports.iter().any(|t| t.contains("webhook")) {
        "receivers:\n  hook: { link: far }\n"
    } else {
        ""
    };
    let mut text = format!(
        "name: end-of-run
seed: 5
duration: 20s
warmup: {warmup}
network:
  far: {{ latency: 700ms, bandwidth: 1Gbit/s }}
clients:
  users: {{ count: {clients}, link: far }}
{receivers}workload:
  events: {{ source: {source}, rate: 2/s, payload: 100B }}
transports:
"
    );
    for t in transports {
        text.push_str(&format!("  - {t}\n"));
    }
    text
}

/// One variant of every transport.
const EVERY_TRANSPORT: &[&str] = &[
    "{ label: poll-1s, polling: { interval: 1s } }",
    "{ label: long-poll, long_polling: { timeout: 30s } }",
    "{ label: sse, sse: {} }",
    "{ label: ws, websocket: {} }",
    "{ label: grpc, grpc: {} }",
    "{ label: grpc-unary, grpc: { mode: unary, interval: 1s } }",
    "{ label: webhook, webhook: {} }",
];

fn check_end_of_run(r: &RunResult, clients: u64) {
    let l = &r.ledger;
    assert_eq!(
        l.generated,
        l.delivered + l.lost + l.in_flight,
        "{}: {l:?}",
        r.label
    );
    // With no warm-up every delivery counts in the latency: a delivery after the run's
    // last instant would be in neither (it does not happen: it is in flight).
    let sampled = r.latency.as_ref().map_or(0, |s| s.samples);
    assert_eq!(sampled, l.delivered, "{}: latency samples", r.label);
    // The last event (19.5 s) cannot arrive before 20.2 s: it is in flight for every
    // client, whatever the transport.
    assert!(
        l.in_flight >= clients,
        "{}: {} in flight, fewer than the last event's {clients}",
        r.label,
        l.in_flight
    );
    if let Some(w) = &r.window_ledger {
        assert!(w.balances(), "{}: {w:?}", r.label);
        assert_eq!(
            w.carried_in, 0,
            "{}: no warm-up, nothing carried in",
            r.label
        );
        assert_eq!(
            (w.generated, w.delivered, w.in_flight),
            (l.generated, l.delivered, l.in_flight),
            "{}: without a warm-up the window is the run",
            r.label
        );
    }
}

/// Issue 18, "events near the end of the run". Periodic: events at 0.5 s, 1 s, …, 19.5 s
/// (20 s / 0.5 s = 40 slots, the one at exactly 20 s is after the run): 39 events. Before
/// issue 18 there were 40, the last created at the run's very end and never deliverable.
#[test]
fn every_transport_ends_a_periodic_run_the_same_way() {
    let s = scenario(&periodic(4, "0s", "periodic", EVERY_TRANSPORT));
    let results = run(&s);
    assert_eq!(results.len(), EVERY_TRANSPORT.len());
    for r in &results {
        assert_eq!(r.ledger.events, 39, "{}: events created", r.label);
        check_end_of_run(r, if r.transport == "webhook" { 1 } else { 4 });
    }
    // The push streams subscribe after their TCP handshake and request (1.4 s + 0.7 s =
    // 2.1 s): the events of 2.5 s to 19.5 s are theirs, 35 each. Every one up to 19 s is
    // delivered (19 s + 0.7 s < 20 s), the one of 19.5 s is in flight: 34 delivered and 1
    // in flight per client.
    for r in results
        .iter()
        .filter(|r| ["sse", "ws", "grpc"].contains(&r.label.as_str()))
    {
        assert_eq!(
            (r.ledger.generated, r.ledger.delivered, r.ledger.in_flight),
            (35 * 4, 34 * 4, 4),
            "{}",
            r.label
        );
    }
}

/// The same rule for a Poisson source (2/s over 20 s: about 40 events), whose last
/// events land at random instants before the end.
#[test]
fn every_transport_ends_a_poisson_run_the_same_way() {
    let s = scenario(&periodic(4, "0s", "poisson", EVERY_TRANSPORT));
    let log = rtsim::workload::EventLog::generate(&s);
    let times = &log.times;
    assert!(times.iter().all(|t| *t < 20_000_000_000));
    for r in &run(&s) {
        assert_eq!(r.ledger.events, times.len() as u64, "{}", r.label);
        let clients = if r.transport == "webhook" { 1 } else { 4 };
        let l = &r.ledger;
        assert_eq!(
            l.generated,
            l.delivered + l.lost + l.in_flight,
            "{}",
            r.label
        );
        let sampled = r.latency.as_ref().map_or(0, |s| s.samples);
        assert_eq!(sampled, l.delivered, "{}", r.label);
        // Events of the last 700 ms cannot have arrived: in flight for every client.
        let last = times.iter().filter(|t| **t > 19_300_000_000).count() as u64;
        assert!(l.in_flight >= last * clients, "{}: {l:?}", r.label);
    }
}

/// Issue 18, "the ledger's window". Hand computation, 10 clients, warm-up 10 s, events
/// every 500 ms, 700 ms one way:
/// - at 10 s the event of 9.5 s is on its way to every client (it arrives at 10.2 s):
///   carried in 10; the one of 9 s arrived at 9.7 s;
/// - created in the window: 10 s, 10.5 s, …, 19.5 s, 20 events: 200 pairs;
/// - delivered in the window: the carried-in 10, and the events of 10 s to 19 s (19 of
///   them, the last arriving at 19.7 s): 10 + 190 = 200; in flight at the end: the event
///   of 19.5 s, 10; so 10 + 200 = 200 + 0 + 10;
/// - the latency counts the deliveries of events created in the window: 190.
#[test]
fn the_window_ledger_carries_in_what_was_on_its_way_at_the_warmup() {
    let s = scenario(&periodic(
        10,
        "10s",
        "periodic",
        &["{ label: sse, sse: {} }", "{ label: ws, websocket: {} }"],
    ));
    for r in &run(&s) {
        let w = r
            .window_ledger
            .expect("a simulated transport has a window ledger");
        assert_eq!(
            (w.carried_in, w.generated, w.delivered, w.lost, w.in_flight),
            (10, 200, 200, 0, 10),
            "{}: {w:?}",
            r.label
        );
        assert!(w.balances());
        assert_eq!(r.latency.as_ref().unwrap().samples, 190, "{}", r.label);
        // The whole run: 39 events; the clients subscribe after their handshakes
        // (about 2.1 s), so fewer pairs than 390, and more than the window's.
        assert!(r.ledger.generated > w.generated && r.ledger.generated < 390);
        assert_eq!(r.ledger.in_flight, w.in_flight);
    }
}
