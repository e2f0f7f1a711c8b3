//! Webhooks through the scenario format: a receiver's outage bridged by the retry schedule,
//! lost responses turned into duplicates, and what connection reuse saves.

use rtsim::RunResult;
use rtsim::metrics::WebhookResult;
use rtsim::sim::{DEFAULT_LIMITS, run_variant_with_ledgers};
use rtsim::workload::EventLog;

use crate::support::{run, scenario};

/// One receiver `partner` on a 15 ms path with `receiver` added to its block; events
/// once a second (periodic) for `duration`; one variant per transport.
fn hooks(duration: &str, receiver: &str, transports: &[&str]) -> String {
    let mut text = format!(
        "name: hooks
seed: 4
duration: {duration}
network:
  browsers: {{ latency: 20ms, bandwidth: 50Mbit/s }}
  dc: {{ latency: 15ms, bandwidth: 1Gbit/s }}
clients:
  users: {{ count: 1, link: browsers }}
receivers:
  partner: {{ link: dc{receiver} }}
workload:
  events: {{ source: periodic, rate: 1/s, payload: 400B }}
transports:
"
    );
    for t in transports {
        text.push_str(&format!("  - {t}\n"));
    }
    text
}

fn webhooks(r: &RunResult) -> &WebhookResult {
    r.webhooks
        .as_ref()
        .expect("a webhook variant reports its deliveries")
}

/// A receiver down from minute 5 to minute 10 gets every event once it is back, each at
/// the first attempt its schedule puts after the outage: with 10 s doubling, the events
/// of the outage's first seconds wait 10 + 20 + 40 + 80 + 160 = 310 s and arrive on the
/// sixth attempt; none is given up within the hour's maximum age.
#[test]
fn a_five_minute_outage_is_bridged_by_the_retry_schedule() {
    let text = hooks(
        "20m",
        ", downtime: [{ at: 5m, for: 5m }]",
        &[
            "{ label: hook, webhook: { retry: { initial: 10s, factor: 2, max: 10m, attempts: 10, max_age: 1h } } }",
        ],
    );
    let s = scenario(&text);
    let log = EventLog::generate(&s);
    let (result, ledgers) =
        run_variant_with_ledgers(&s, &log, &s.transports[0], &DEFAULT_LIMITS).unwrap();
    let w = webhooks(&result);
    assert_eq!(w.given_up, 0);
    assert_eq!(result.ledger.lost, 0);
    assert_eq!(result.ledger.in_flight, 0);
    assert_eq!(result.ledger.delivered, result.ledger.generated);
    // Events at 1 s, 2 s, ... before the end at 20:00.
    assert_eq!(result.ledger.generated, 1199);
    assert_eq!(ledgers.len(), 1);
    assert_eq!(ledgers[0].delivered, 1199);
    assert_eq!(w.delivering_attempt_max, 6);
    // The longest wait: created just after 5:00, reached on the sixth attempt, 310 s of
    // backoff plus the failed attempts' round trips and the last one's delivery.
    let latency = result.latency.as_ref().unwrap();
    assert!(
        (310_000.0..310_500.0).contains(&latency.max_ms),
        "{latency:?}"
    );
    // Every event of the outage (300 of them) needed retries; none after it.
    assert!(w.refusals >= 300, "{w:?}");
    assert_eq!(w.timeouts, 0);
    assert_eq!(w.duplicates, 0);
}

/// At least once: a response lost after the receiver processed the event makes the sender
/// time out and post it again, so 10 % lost responses make about 10 % duplicates; without
/// losses there are none.
#[test]
fn lost_responses_make_duplicates_in_proportion() {
    let text = hooks(
        "3h",
        ", response_loss: 10%",
        &["{ label: hook, webhook: { timeout: 5s } }"],
    );
    let results = run(&scenario(&text));
    let w = webhooks(&results[0]);
    assert!(
        (0.08..0.12).contains(&w.duplicate_share),
        "duplicate share {}",
        w.duplicate_share
    );
    assert_eq!(w.duplicates, results[0].ledger.duplicates);
    assert_eq!(w.given_up, 0);
    // Each lost response times out and is sent again; a few retries may still be on
    // their way at the end.
    assert!(
        w.timeouts >= w.duplicates && w.timeouts - w.duplicates <= 3,
        "{w:?}"
    );

    let clean = run(&scenario(&hooks("10m", "", &["{ webhook: {} }"])));
    let w = webhooks(&clean[0]);
    assert_eq!((w.duplicates, w.timeouts), (0, 0));
    assert_eq!(w.attempts_per_delivery, 1.0);
}

/// Without reuse every attempt opens a TCP and TLS connection: the same deliveries cost a
/// full handshake each (the 4,000-byte server flight dominates), and take two more round
/// trips.
#[test]
fn fresh_connections_pay_a_handshake_per_event() {
    let text = hooks(
        "10m",
        "",
        &[
            "{ label: reuse, webhook: {} }",
            "{ label: fresh, webhook: { reuse_connections: false } }",
        ],
    );
    let results = run(&scenario(&text));
    let (reuse, fresh) = (&results[0], &results[1]);
    assert_eq!(reuse.ledger.delivered, fresh.ledger.delivered);
    assert_eq!(reuse.totals.connections_opened, 1);
    // One per event within the window (events at 1 s ... 599 s).
    assert_eq!(fresh.totals.connections_opened, 599);
    let per_event = |r: &RunResult| r.totals.bytes.down.total() as f64 / 599.0;
    assert!(
        per_event(fresh) - per_event(reuse) > 500.0,
        "{} vs {}",
        per_event(fresh),
        per_event(reuse)
    );
    let up = |r: &RunResult| r.totals.bytes.up.total() as f64 / 599.0;
    assert!(up(fresh) - up(reuse) > 4_000.0);
    let p50 = |r: &RunResult| r.latency.as_ref().unwrap().p50_ms;
    // Two round trips of 30 ms more: TCP's and TLS 1.3's.
    assert!(
        (55.0..65.0).contains(&(p50(fresh) - p50(reuse))),
        "{} vs {}",
        p50(fresh),
        p50(reuse)
    );
}

/// Receivers are nodes of the topology: a link from `servers` to a receiver adds its
/// latency to the receiver's path (each way), and its hop carries the receiver's bytes.
#[test]
fn a_topology_link_to_a_receiver_adds_its_latency() {
    let direct = hooks("10m", "", &["{ label: hook, webhook: {} }"]);
    let linked = direct.replace(
        "receivers:",
        "topology:
  links:
    - { from: users, to: servers }
    - { from: servers, to: partner, latency: 30ms }
receivers:",
    );
    let (direct, linked) = (&run(&scenario(&direct))[0], &run(&scenario(&linked))[0]);
    let p50 = |r: &RunResult| r.latency.as_ref().unwrap().p50_ms;
    let gap = p50(linked) - p50(direct);
    assert!((29.5..30.5).contains(&gap), "{gap}");
    let ack = |r: &RunResult| webhooks(r).acknowledged.as_ref().unwrap().p50_ms;
    let gap = ack(linked) - ack(direct);
    assert!((59.5..60.5).contains(&gap), "{gap}");
    let hop = linked
        .hops
        .iter()
        .find(|h| h.hop == "link:servers-partner")
        .expect("the receiver's topology hop");
    assert_eq!(hop.bytes, linked.totals.bytes);
}
