//! Issue 20: conflation, latest value wins (`transports[].conflate: per_topic`). An event
//! still waiting at the server for a client (past a poll's cursor, in a stream's send
//! buffer, behind a full HTTP/2 window) is replaced by a newer event of its topic: the
//! client gets the newest value, and the replaced one is `conflated`, neither delivered
//! nor lost.

use rtsim::RunResult;
use rtsim::workload::{Audience, EventLog};

use crate::support::{run, run_checked, scenario};

/// One client 10 ms from the server on a fast link, polling every second from the moment
/// it starts (`phase: aligned`); a periodic source of 10 events a second (at 0.1 s, 0.2 s,
/// …, 9.9 s of a 10 s run: 99 events) with `audience`; the variant polls with and without
/// conflation.
fn one_poller(audience: &str) -> String {
    format!(
        "name: conflate-poll
seed: 11
duration: 10s
warmup: 0s
network:
  near: {{ latency: 10ms, bandwidth: 100Mbit/s }}
clients:
  users: {{ count: 1, link: near }}
workload:
  events: {{ source: periodic, rate: 10/s, payload: 100B{audience} }}
transports:
  - {{ label: poll, polling: {{ interval: 1s, phase: aligned }} }}
  - {{ label: poll-conflated, conflate: per_topic, polling: {{ interval: 1s, phase: aligned }} }}
  - {{ label: long-poll-conflated, conflate: per_topic, long_polling: {{ timeout: 30s }} }}
"
    )
}

fn by_label<'a>(results: &'a [RunResult], label: &str) -> &'a RunResult {
    results.iter().find(|r| r.label == label).expect(label)
}

fn balances(r: &RunResult) {
    let l = &r.ledger;
    assert_eq!(
        l.generated,
        l.delivered + l.lost + l.conflated + l.in_flight,
        "{}: {l:?}",
        r.label
    );
    if let Some(w) = &r.window_ledger {
        assert!(w.balances(), "{}: {w:?}", r.label);
    }
}

/// Hand computation, every event for everyone (one value, one key). The client connects at
/// 0 (the handshake takes 20 ms) and its polls reach the server at about 0.03 s, then
/// k + 0.01 s for k = 1..9. The answer at k + 0.01 finds the 10 events created in
/// (k - 1 + 0.01, k + 0.01]: without conflation it carries all 10, with it only the
/// newest (created at k.0): 9 answers deliver 9 events, 9 × 9 = 81 are conflated. The 9
/// events after 9.01 s (9.1 … 9.9) wait for a poll at 10 s that the run does not reach:
/// in flight. 9 + 81 + 9 = 99. Without conflation: 90 delivered, 9 in flight.
#[test]
fn a_conflated_poll_answer_carries_only_the_newest_value() {
    let results = run_checked(&scenario(&one_poller("")));
    let plain = by_label(&results, "poll");
    let conflated = by_label(&results, "poll-conflated");
    for r in [plain, conflated] {
        balances(r);
        assert_eq!(r.ledger.generated, 99, "{}", r.label);
        assert_eq!(r.ledger.lost, 0, "{}", r.label);
    }
    assert_eq!(
        (
            plain.ledger.delivered,
            plain.ledger.conflated,
            plain.ledger.in_flight
        ),
        (90, 0, 9)
    );
    assert_eq!(
        (
            conflated.ledger.delivered,
            conflated.ledger.conflated,
            conflated.ledger.in_flight
        ),
        (9, 81, 9)
    );
    // The value delivered is the newest: created at k.0, reaching the client at about
    // k + 0.02 (the answer's 10 ms back and its serialization): about 20 ms old, where
    // the plain poll's mean age is about half a second.
    let newest = conflated.latency.as_ref().expect("latency");
    assert!(newest.max_ms < 30.0, "{newest:?}");
    let all = plain.latency.as_ref().expect("latency");
    assert!(all.mean_ms > 400.0, "{all:?}");
    // The answers are smaller: one event's 100 bytes of payload instead of 10 × 100.
    assert!(
        conflated.bytes_down_per_client_hour.payload * 9.0
            < plain.bytes_down_per_client_hour.payload * 1.01,
        "{} against {}",
        conflated.bytes_down_per_client_hour.payload,
        plain.bytes_down_per_client_hour.payload
    );
    // Long polling answers at once: nothing waits, nothing is replaced but what piles up
    // while an answer and the next request are on their way (20 ms round trip against
    // 100 ms between events: nothing).
    let long = by_label(&results, "long-poll-conflated");
    balances(long);
    assert_eq!(long.ledger.conflated, 0, "{:?}", long.ledger);
}

/// Two topics never replace each other: each answer carries one event per topic that had
/// an event since the last answer. The expected count comes from the log alone: the
/// answers reach the server at k + 0.01 s (see above), and each window's distinct topics
/// are counted by hand from the events' audiences.
#[test]
fn topics_are_conflated_apart() {
    let s = scenario(&one_poller(
        ", audience: { topics: 2, subscriptions: 2, zipf: 0 }",
    ));
    let log = EventLog::generate(&s);
    let second = 1_000_000_000u64;
    let mut expected_delivered = 0u64;
    for k in 1..=9u64 {
        let (from, to) = ((k - 1) * second + second / 100, k * second + second / 100);
        let mut topics = std::collections::BTreeSet::new();
        for (n, t) in log.times.iter().enumerate() {
            if (from..to).contains(t) || (k == 1 && *t < to) {
                match log.audience(rtsim::ids::EventNo::at(n)) {
                    Audience::Topic(topic) => {
                        topics.insert(topic);
                    }
                    other => panic!("{other:?}"),
                }
            }
        }
        expected_delivered += topics.len() as u64;
    }
    // Both topics are drawn often: 10 events per answer leave both present almost surely.
    assert!(expected_delivered > 9, "{expected_delivered}");
    let results = run_checked(&s);
    let conflated = by_label(&results, "poll-conflated");
    balances(conflated);
    assert_eq!(conflated.ledger.delivered, expected_delivered);
    assert_eq!(conflated.ledger.conflated, 90 - expected_delivered);
}

/// One WebSocket client on an 80 kbit/s link (10,000 bytes a second) receiving an event of
/// 1,000 bytes every 10 ms (100,000 bytes a second: ten times what the link drains), with
/// a send buffer at the server. Without conflation the buffer grows without end and the
/// latency with it; with it, at most one write waits (each new one replaces the waiting
/// one): the buffer never holds more than one message, and the client gets one event
/// per ~0.1 s of link time, each the newest when it left.
fn slow_stream(variant: &str) -> RunResult {
    let text = format!(
        "name: conflate-stream
seed: 4
duration: 20s
warmup: 0s
network:
  thin: {{ latency: 30ms, bandwidth: 80kbit/s }}
clients:
  phone: {{ count: 1, link: thin }}
server: {{ send_buffer: {{ limit: 10MB, policy: buffer }} }}
workload:
  events: {{ source: periodic, rate: 100/s, payload: 1000B }}
transports:
  - {variant}
"
    );
    run_checked(&scenario(&text)).remove(0)
}

#[test]
fn a_slow_stream_gets_the_newest_value_instead_of_a_backlog() {
    let plain = slow_stream("{ label: ws, websocket: {} }");
    let conflated = slow_stream("{ label: ws-conflated, conflate: per_topic, websocket: {} }");
    balances(&plain);
    balances(&conflated);
    assert_eq!(plain.ledger.conflated, 0);
    // A frame is 1,000 bytes of payload, 4 of WebSocket header and 52 of TCP/IP: 1,056
    // bytes, 105.6 ms at 10,000 bytes/s. Over ~19.9 s of sending: about 188 frames.
    let frames = conflated.ledger.delivered as f64;
    assert!((170.0..=195.0).contains(&frames), "{:?}", conflated.ledger);
    // Everything else that was generated for it was replaced or is on its way: one frame
    // on the wire and at most one waiting.
    assert!(conflated.ledger.in_flight <= 2, "{:?}", conflated.ledger);
    assert_eq!(conflated.ledger.lost, 0);
    // At most one write waits at a time (the last one, whose predecessor it replaced).
    assert!(
        conflated.slow_consumers.peak_send_buffer_bytes <= 1_100,
        "{:?}",
        conflated.slow_consumers
    );
    assert!(plain.slow_consumers.peak_send_buffer_bytes > 1_000_000);
    // The newest value is at most about two frames old (waiting for the frame on the link,
    // then its own 105.6 ms, plus 30 ms): under 300 ms; the backlog's grows to seconds.
    let fresh = conflated.latency.as_ref().expect("latency");
    assert!(fresh.max_ms < 300.0, "{fresh:?}");
    let stale = plain.latency.as_ref().expect("latency");
    assert!(stale.p99_ms > 10_000.0, "{stale:?}");
}

/// Conflation leaves the run deterministic and every invariant (ledger identity, window
/// ledger) holds: the random scenario's gRPC stream behind a full window too.
#[test]
fn conflated_variants_balance_with_topics_windows_and_a_busy_link() {
    let text = "name: conflate-mix
seed: 9
duration: 30s
warmup: 5s
network:
  thin: { latency: 50ms, jitter: 10ms, bandwidth: 200kbit/s }
clients:
  phones: { count: 20, link: thin, ramp: 2s }
server: { send_buffer: { limit: 1MB, policy: drop_oldest } }
workload:
  events: { source: poisson, rate: 50/s, payload: 400B, audience: { topics: 8, subscriptions: 3, zipf: 0.8 } }
transports:
  - { label: poll, conflate: per_topic, polling: { interval: 2s } }
  - { label: long-poll, conflate: per_topic, long_polling: { timeout: 30s } }
  - { label: sse, conflate: per_topic, sse: {} }
  - { label: ws, conflate: per_topic, websocket: {} }
  - { label: grpc, conflate: per_topic, grpc: {} }
";
    let s = scenario(text);
    let checked = run_checked(&s);
    for r in &checked {
        balances(r);
        assert!(r.ledger.conflated > 0, "{}: {:?}", r.label, r.ledger);
    }
    assert_eq!(checked, run(&s), "checked and unchecked runs agree");
}
