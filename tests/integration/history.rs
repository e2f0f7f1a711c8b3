//! History over REST: the latest events fetched when a stream first opens, and the missed
//! ones recovered after a reconnect instead of lost.

use rtsim::RunResult;
use rtsim::metrics::HistoryResult;

use crate::support::{run, scenario};

fn history(r: &RunResult) -> &HistoryResult {
    r.history
        .as_ref()
        .expect("a run with rest.history reports it")
}

/// 40 clients starting over 30 s, an event a second: on first connect each asks once for
/// the 5 latest events before it subscribed, over a new REST connection: a TCP handshake
/// and the request, two round trips of 20 ms.
#[test]
fn a_first_connect_fetches_the_latest_events() {
    let text = "name: history
seed: 6
duration: 2m
network:
  link: { latency: 10ms, bandwidth: 100Mbit/s }
clients:
  users: { count: 40, link: link, ramp: 30s }
workload:
  events: { source: periodic, rate: 1/s, payload: 200B }
rest: { history: 5 }
transports:
  - { label: sse, sse: {} }
  - { label: ws, websocket: {} }
  - { label: poll, polling: { interval: 5s } }
";
    for r in run(&scenario(text)) {
        let h = history(&r);
        assert_eq!(h.fetches, 40, "{}", r.label);
        assert_eq!(h.events_recovered, 0);
        // At most 5 each; clients starting after 6 s find 5 (most of them).
        assert!(
            (150..=200).contains(&h.events_fetched),
            "{}: {h:?}",
            r.label
        );
        let latency = h.latency.as_ref().unwrap();
        assert!(
            (40.0..41.0).contains(&latency.p50_ms),
            "{}: {latency:?}",
            r.label
        );
        // The history is outside the ledger: nothing lost, nothing extra delivered.
        assert_eq!(r.ledger.generated, r.ledger.delivered + r.ledger.in_flight);
    }
}

/// A replica crash: a WebSocket without replay loses what was sent while it was away;
/// with history the client fetches those events over REST when its new stream opens, so
/// nothing is lost; with a cap of 2 it recovers at most 2 per reconnect.
#[test]
fn a_reconnect_recovers_missed_events_over_rest() {
    let text = |history: &str| {
        format!(
            "name: history
seed: 6
duration: 2m
network:
  link: {{ latency: 10ms, bandwidth: 100Mbit/s }}
clients:
  users: {{ count: 30, link: link, ramp: 5s }}
workload:
  events: {{ source: poisson, rate: 5/s, payload: 200B }}
{history}
faults:
  - {{ at: 60s, crash: {{ replica: 0, restart_after: 10s }} }}
transports:
  - {{ label: ws, websocket: {{ reconnect: {{ backoff: fixed, delay: 2s }} }} }}
"
        )
    };
    let without = &run(&scenario(&text("")))[0];
    let with = &run(&scenario(&text("rest: { history: 1000 }")))[0];
    let capped = &run(&scenario(&text("rest: { history: 2 }")))[0];
    assert!(without.ledger.lost > 500, "{:?}", without.ledger);
    assert_eq!(with.ledger.lost, 0, "{:?}", with.ledger);
    let recovered = history(with).events_recovered;
    let ratio = recovered as f64 / without.ledger.lost as f64;
    assert!(
        (0.95..1.05).contains(&ratio),
        "{recovered} vs {}",
        without.ledger.lost
    );
    for r in [with, capped] {
        assert_eq!(
            r.ledger.generated,
            r.ledger.delivered + r.ledger.lost + r.ledger.in_flight
        );
        assert_eq!(r.ledger.duplicates, 0);
    }
    // Each of the 30 clients gets its stream back once after the restart: 2 recovered
    // each, the rest of what it missed lost.
    let h = history(capped);
    assert_eq!(h.events_recovered, 2 * 30, "{h:?}");
    let missed = capped.ledger.lost + h.events_recovered;
    assert!(
        missed.abs_diff(without.ledger.lost) * 20 <= without.ledger.lost,
        "{missed} vs {}",
        without.ledger.lost
    );
}
