//! Issue 18: clients that should receive events but never connect (refused, denied, their
//! connection reset before they subscribed) count them lost as `never_connected`, from
//! their first failed attempt.

use rtsim::sim::{DEFAULT_LIMITS, run_variant_with_ledgers};
use rtsim::workload::EventLog;

use crate::support::scenario;

/// 10 office browsers behind a proxy that denies WebSocket upgrades and 10 home browsers
/// reaching the server directly, 10 ms one way; one event a second (1 s, 2 s, …, 19 s in a
/// 20 s run); warm-up 10 s.
const DENIED: &str = "\
name: never-connected
seed: 3
duration: 20s
warmup: 10s
network:
  office: { latency: 10ms, bandwidth: 100Mbit/s }
  home: { latency: 10ms, bandwidth: 100Mbit/s }
proxies:
  corp: { websocket: deny }
clients:
  office: { count: 10, link: office, via: corp }
  home: { count: 10, link: home }
workload:
  events: { source: periodic, rate: 1/s, payload: 100B }
transports:
  - { label: ws, websocket: {} }
";

/// Hand computation: an office client's upgrade is denied about 2 round trips (40 ms)
/// after it starts, before the first event (1 s): every event of the run is for it and
/// lost, 19 per client, 190 for the 10; 10 of them (10 s … 19 s) in the window, 100. The
/// home clients subscribe after their handshake (20 ms + 10 ms) and lose nothing.
#[test]
fn clients_denied_from_the_start_lose_every_event_as_never_connected() {
    let s = scenario(DENIED);
    let log = EventLog::generate(&s);
    let (r, ledgers) =
        run_variant_with_ledgers(&s, &log, &s.transports[0], &DEFAULT_LIMITS).expect("runs");
    assert_eq!(r.ledger.events, 19);
    assert_eq!(r.ledger.lost_by_reason.never_connected, 190);
    assert_eq!(r.ledger.lost, 190, "{:?}", r.ledger.lost_by_reason);
    for (c, l) in ledgers.iter().enumerate() {
        // Groups in name order: home (clients 0..10), then office.
        let office = c >= 10;
        assert_eq!(
            (l.generated, l.lost),
            if office { (19, 19) } else { (19, 0) },
            "client {c}: {l:?}"
        );
        assert_eq!(l.generated, l.delivered + l.lost + l.in_flight);
    }
    let w = r.window_ledger.expect("simulated");
    assert_eq!(w.lost_by_reason.never_connected, 100, "{w:?}");
    assert_eq!(w.lost, 100);
    // The window: nothing carried in (every home delivery of 9 s arrived by 9.01 s), 10
    // events for 20 clients.
    assert_eq!((w.carried_in, w.generated, w.delivered), (0, 200, 100));
    assert!(w.balances());
    assert_eq!(r.totals.denied, 0, "denials come before the window");
}
