//! Audiences: events for the subscribers of a topic, or for one user, reach exactly those
//! clients on every transport, and each client pays only for its own events.

use rtsim::ids::{ClientId, EventNo, TopicId};
use rtsim::scenario::Override;
use rtsim::sim::{DEFAULT_LIMITS, run_variant_with_ledgers};
use rtsim::workload::{Audience, EventLog};

use crate::support::scenario;

const TRANSPORTS: &str = "  - { label: poll, polling: { interval: 2s } }
  - { label: lp, long_polling: {} }
  - { label: sse, sse: {} }
  - { label: ws, websocket: {} }
  - { label: grpc, grpc: {} }
  - { label: unary, grpc: { mode: unary, interval: 2s } }
";

/// 40 clients, all connected before the first event (periodic, at 1 s), 200-byte events
/// for `audience`; `extra` adds top-level fields.
fn audience_scenario(audience: &str, extra: &str) -> String {
    format!(
        "name: audiences
seed: 8
duration: 3m
network:
  link: {{ latency: 10ms, bandwidth: 100Mbit/s }}
clients:
  users: {{ count: 40, link: link, ramp: 0s }}
workload:
  events: {{ source: periodic, rate: 4/s, payload: 200B, audience: {audience} }}
{extra}
transports:
{TRANSPORTS}"
    )
}

/// The (event, client) pairs the audiences make: for every event, its receivers.
fn pairs(log: &EventLog, clients: u32) -> u64 {
    pairs_from(log, clients, 0)
}

/// The same for the events created at or after `from` ns.
fn pairs_from(log: &EventLog, clients: u32, from: u64) -> u64 {
    (EventNo::FIRST.up_to(log.end()))
        .filter(|n| log.time_of(*n) >= from)
        .map(|n| {
            (0..clients)
                .filter(|c| log.is_for(n, ClientId::new(*c)))
                .count() as u64
        })
        .sum()
}

/// Every transport delivers exactly the pairs the audience makes: the ledger generates
/// them, each client's balances, nothing comes late or twice, and the payload bytes on
/// the wire are those events' bytes (a poll's answer carries only the client's own).
fn check_exact(text: &str) {
    let s = scenario(text);
    let log = EventLog::generate(&s);
    assert!(log.audiences.is_some());
    let expected = pairs(&log, 40);
    assert!(expected > 0);
    for variant in &s.transports {
        let (result, ledgers) =
            run_variant_with_ledgers(&s, &log, variant, &DEFAULT_LIMITS).unwrap();
        let l = &result.ledger;
        if variant.label == "poll" || variant.label == "unary" {
            // A poller registers at its first poll, up to an interval after its start.
            let after_first_polls = pairs_from(&log, 40, 2_100_000_000);
            assert!(
                (after_first_polls..=expected).contains(&l.generated),
                "{}: {l:?}",
                variant.label
            );
        } else {
            assert_eq!(l.generated, expected, "{}", variant.label);
        }
        assert_eq!(
            l.generated,
            l.delivered + l.lost + l.in_flight,
            "{}",
            variant.label
        );
        assert!(l.in_flight <= 40 * 4, "{}: {l:?}", variant.label);
        assert_eq!((l.out_of_order, l.duplicates), (0, 0), "{}", variant.label);
        for (c, cl) in ledgers.iter().enumerate() {
            assert_eq!(
                cl.generated,
                cl.delivered + cl.lost + cl.in_flight,
                "{} client {c}",
                variant.label
            );
        }
        if variant.label == "lp" {
            // A held request is answered by the client's own events, not everybody's
            // (empty answers are only the 30 s timeouts).
            let empty = result.empty_response_share.unwrap();
            assert!(empty < 0.2, "{empty}");
        }
        if variant.label != "grpc" && variant.label != "unary" {
            // JSON payload bytes of the client's own events, delivered or on their way,
            // nobody else's (gRPC carries protobuf instead).
            let payload = result.totals.bytes.down.payload;
            assert!(
                (200 * l.delivered..=200 * (l.delivered + l.in_flight)).contains(&payload),
                "{}: {payload} bytes for {l:?}",
                variant.label
            );
        }
    }
}

#[test]
fn topic_events_reach_exactly_their_subscribers() {
    check_exact(&audience_scenario(
        "{ topics: 10, subscriptions: 2, zipf: 0.8 }",
        "",
    ));
}

#[test]
fn a_user_event_reaches_one_client() {
    let text = audience_scenario("user", "");
    let s = scenario(&text);
    let log = EventLog::generate(&s);
    // One receiver per event.
    assert_eq!(pairs(&log, 40), log.len() as u64);
    check_exact(&text);
}

/// Subscribers follow the Zipf law: with exponent 1, the first topic has about as many
/// subscribers as the next two together; with 0 they spread evenly.
#[test]
fn subscriptions_follow_the_popularity_law() {
    let count = |zipf: &str| {
        let text = audience_scenario(
            &format!("{{ topics: 5, subscriptions: 1, zipf: {zipf} }}"),
            "",
        );
        let big = [Override::parse("clients.users.count=20000").unwrap()];
        let s = rtsim::scenario::load_str("<test>", &text, &big).unwrap();
        let log = EventLog::generate(&s);
        log.audiences.unwrap().subscribers_per_topic()
    };
    let skewed = count("1.0");
    // Weights 1, 1/2, 1/3, 1/4, 1/5 of 2.283: 43.8 %, 21.9 %, 14.6 %, 11 %, 8.8 %.
    let share = |k: usize| skewed[k] as f64 / 20_000.0;
    assert!((share(0) - 0.438).abs() < 0.015, "{skewed:?}");
    assert!((share(4) - 0.088).abs() < 0.01, "{skewed:?}");
    let even = count("0");
    assert!(even.iter().all(|n| (3_800..4_200).contains(n)), "{even:?}");
}

/// A replica crash puts the events of its streams' push jobs back to pending: with
/// audiences the cursor moves back over the client's own events only, so after the
/// reconnect nothing is missing or repeated.
#[test]
fn a_crash_with_topics_loses_and_repeats_nothing() {
    let text = audience_scenario(
        "{ topics: 4, subscriptions: 2, zipf: 0 }",
        "server: { replicas: 2, cost: { push: 2ms } }
load_balancer: { layer: 4 }
broker: {}
faults:
  - { at: 60s, crash: { replica: 0, restart_after: 5s } }",
    )
    .replace(
        TRANSPORTS,
        "  - { label: sse, sse: {} }
  - { label: ws, websocket: { reconnect: { backoff: fixed, delay: 1s }, resume: replay } }
",
    );
    let s = scenario(&text);
    let log = EventLog::generate(&s);
    for variant in &s.transports {
        let (result, ledgers) =
            run_variant_with_ledgers(&s, &log, variant, &DEFAULT_LIMITS).unwrap();
        let l = &result.ledger;
        assert_eq!(l.lost, 0, "{}: {l:?}", variant.label);
        assert_eq!((l.out_of_order, l.duplicates), (0, 0), "{}", variant.label);
        assert!(result.faults[0].clients_affected > 0);
        for cl in &ledgers {
            assert_eq!(cl.generated, cl.delivered + cl.lost + cl.in_flight);
        }
    }
}

/// A trace names each event's receiver: `user:<n>`, `topic:<n>` or `all`.
#[test]
fn trace_rows_name_their_audience() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("mixed.csv"),
        "time,size,audience\n1,100,all\n2,100,user:3\n3,100,topic:1\n4,100,user:3\n",
    )
    .unwrap();
    let text = audience_scenario("{ topics: 2, subscriptions: 1, zipf: 0 }", "").replace(
        "events: { source: periodic, rate: 4/s, payload: 200B, audience: { topics: 2, subscriptions: 1, zipf: 0 } }",
        "events: { source: trace, trace: mixed.csv, audience: { topics: 2, subscriptions: 1, zipf: 0 } }",
    );
    let file = dir.path().join("mixed.yaml");
    std::fs::write(&file, text).unwrap();
    let s = rtsim::scenario::load_file(&file, &[]).unwrap();
    let log = EventLog::generate(&s);
    assert_eq!(log.audience(EventNo::new(0)), Audience::All);
    assert_eq!(
        log.audience(EventNo::new(1)),
        Audience::User(ClientId::new(3))
    );
    assert_eq!(
        log.audience(EventNo::new(2)),
        Audience::Topic(TopicId::new(1))
    );
    let subscribers = log.audiences.as_ref().unwrap().subscribers_per_topic()[1];
    assert_eq!(pairs(&log, 40), 40 + 1 + subscribers + 1);
    let (result, _) =
        run_variant_with_ledgers(&s, &log, &s.transports[2], &DEFAULT_LIMITS).unwrap();
    assert_eq!(result.ledger.delivered, 40 + 1 + subscribers + 1);
}
