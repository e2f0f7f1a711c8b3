//! Every (event, client) pair generated is delivered or in flight at the end, per client.

use rtsim::scenario::{self, DEFAULT_SCENARIO, Override};
use rtsim::sim::{DEFAULT_LIMITS, run_variant_with_ledgers};
use rtsim::workload::EventLog;

fn check(overrides: &[&str]) {
    let overrides: Vec<Override> = overrides
        .iter()
        .map(|o| Override::parse(o).unwrap())
        .collect();
    let s = scenario::load_str("default", DEFAULT_SCENARIO, &overrides).unwrap();
    let log = EventLog::generate(&s);
    for variant in &s.transports {
        let (result, ledgers) =
            run_variant_with_ledgers(&s, &log, variant, &DEFAULT_LIMITS).unwrap();
        let mut in_flight = 0;
        for (c, l) in ledgers.iter().enumerate() {
            assert_eq!(
                l.generated,
                l.delivered + l.lost + l.in_flight,
                "{}: client {c} ledger {l:?} (seed {})",
                variant.label,
                s.seed
            );
            in_flight += l.in_flight;
        }
        assert_eq!(
            result.ledger.generated,
            result.ledger.delivered + result.ledger.lost + result.ledger.in_flight
        );
        assert_eq!(result.ledger.in_flight, in_flight);
        // Issue 18: the window's ledger balances with what it carried in, its losses add up
        // by reason, and what is in flight at the end is the run's.
        let w = result
            .window_ledger
            .expect("every simulated transport has one");
        assert!(w.balances(), "{}: window {w:?}", variant.label);
        assert_eq!(w.lost_by_reason.total(), w.lost, "{}", variant.label);
        assert_eq!(w.in_flight, result.ledger.in_flight);
        assert!(w.generated <= result.ledger.generated);
        assert_eq!(
            result.ledger.lost_by_reason.total(),
            result.ledger.lost,
            "{}",
            variant.label
        );
        assert!(
            result.ledger.delivered > 0,
            "{} delivered nothing",
            variant.label
        );
    }
}

#[test]
fn conservation_holds_per_client_for_every_transport() {
    check(&["clients.browsers.count=40", "duration=60s"]);
}

#[test]
fn conservation_holds_when_the_server_is_overloaded() {
    // Pushes queue for seconds behind each other, so many events are in CPU jobs at the end.
    check(&[
        "clients.browsers.count=300",
        "duration=40s",
        "server.cores=1",
        "server.cost.push=5ms",
        "server.cost.request=5ms",
    ]);
}

#[test]
fn conservation_holds_across_seeds() {
    for seed in 1..=5 {
        check(&[
            "clients.browsers.count=15",
            "duration=40s",
            &format!("seed={seed}"),
        ]);
    }
}

#[test]
fn conservation_holds_with_tls_and_idle_reconnects() {
    // Every poll-10s connection is closed between polls and reopened with a resumed TLS
    // 1.3 handshake whose request travels as early data.
    check(&[
        "clients.browsers.count=30",
        "duration=60s",
        "clients.browsers.tls=1.3",
        "server.keepalive_timeout=700ms",
    ]);
}

#[test]
fn conservation_holds_with_tabs_and_blocked_streams() {
    // Eight tabs per browser: over HTTP/1.1 two of them wait for a connection.
    check(&[
        "clients.browsers.count=10",
        "clients.browsers.tabs=8",
        "duration=60s",
        "server.keepalive_timeout=3s",
    ]);
}

#[test]
fn conservation_holds_through_proxy_closes_and_reconnects() {
    // A proxy closing quiet connections after 12 s: SSE reconnects, long polls retry,
    // WebSockets stay disconnected (their missed events count as lost).
    check(&[
        "clients.browsers.count=30",
        "duration=90s",
        "proxies.corp.idle_timeout=12s",
        "clients.browsers.via=corp",
        "workload.events.rate=0.2/s",
    ]);
}
