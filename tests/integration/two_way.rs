//! Two-way workloads: what a client's message costs on each transport, how long it takes
//! to reach the server and the other clients, and that every message is accounted for.

use rtsim::RunResult;
use rtsim::metrics::MessageResult;
use rtsim::sim::{DEFAULT_LIMITS, run_variant_with_ledgers};
use rtsim::workload::EventLog;

use crate::support::{run, scenario, summary_on_threads};

/// `clients` chat users on a 10 ms link (no TLS), each writing `rate` messages of 100
/// bytes; `extra` is added at the top level; one variant per transport.
fn chat(clients: u32, rate: &str, extra: &str, transports: &[&str]) -> String {
    let mut text = format!(
        "name: chat
seed: 5
duration: 60s
warmup: 10s
network:
  link: {{ latency: 10ms, bandwidth: 1Gbit/s }}
clients:
  users: {{ count: {clients}, link: link, ramp: 5s }}
workload:
  messages: {{ rate: {rate}, payload: 100B }}
{extra}
transports:
"
    );
    for t in transports {
        text.push_str(&format!("  - {t}\n"));
    }
    text
}

fn messages(r: &RunResult) -> &MessageResult {
    r.messages
        .as_ref()
        .expect("a two-way run reports its messages")
}

fn by_label<'r>(results: &'r [RunResult], label: &str) -> &'r RunResult {
    results.iter().find(|r| r.label == label).unwrap()
}

/// A message's bytes on the wire, exactly: a WebSocket frame is the payload, a 2-byte
/// header and the 4-byte mask; a gRPC message is its protobuf (35 % of the JSON: 35 B)
/// behind a 9-byte DATA frame header and the 5-byte prefix; both in one TCP segment (52 B
/// of headers). Over REST the POST alone carries 500 B of headers, and the answer comes
/// back.
#[test]
fn a_message_costs_its_framing_on_each_transport() {
    let s = scenario(&chat(
        10,
        "1/s",
        "",
        &[
            "{ label: ws, websocket: {} }",
            "{ label: bidi, grpc: { mode: bidirectional } }",
            "{ label: sse, sse: {} }",
        ],
    ));
    let results = run(&s);
    let ws = messages(by_label(&results, "ws"));
    assert_eq!(ws.bytes_up_per_message, (100 + 2 + 4 + 52) as f64);
    assert_eq!(ws.bytes_down_per_message, 0.0);
    let bidi = messages(by_label(&results, "bidi"));
    assert_eq!(bidi.bytes_up_per_message, (35 + 9 + 5 + 52) as f64);
    let rest = messages(by_label(&results, "sse"));
    assert!(
        rest.bytes_up_per_message >= (100 + 500 + 52) as f64,
        "{rest:?}"
    );
    assert!(rest.bytes_down_per_message >= (150 + 52) as f64, "{rest:?}");
    // The REST requests show at the server: one per message (about 10/s), beside the
    // SSE subscribes made before the window.
    let sse = by_label(&results, "sse");
    assert!(
        (sse.requests_per_second - 10.0).abs() < 1.5,
        "{}",
        sse.requests_per_second
    );
    assert_eq!(by_label(&results, "ws").requests_per_second, 0.0);
}

/// Latency, against the link's 10 ms: a message reaches the server one trip after it is
/// written (plus the CPU that reads it), and the other clients one more trip later; REST
/// adds its request's heavier CPU; polling adds half its interval on average.
#[test]
fn messages_reach_the_server_in_one_trip_and_the_others_in_two() {
    let s = scenario(&chat(
        20,
        "1/s",
        "",
        &[
            "{ label: ws, websocket: {} }",
            "{ label: sse, sse: {} }",
            "{ label: poll, polling: { interval: 2s } }",
        ],
    ));
    let results = run(&s);
    let ws = messages(by_label(&results, "ws"));
    let to_server = ws.to_server.as_ref().unwrap();
    assert!((10.0..10.3).contains(&to_server.p50_ms), "{to_server:?}");
    let end_to_end = ws.end_to_end.as_ref().unwrap();
    assert!((20.0..20.5).contains(&end_to_end.p50_ms), "{end_to_end:?}");
    // 20 clients: each message reaches the 19 others.
    assert_eq!(end_to_end.samples, 19 * to_server.samples);

    let sse = messages(by_label(&results, "sse"));
    let to_server = sse.to_server.as_ref().unwrap();
    assert!((10.0..10.5).contains(&to_server.p50_ms), "{to_server:?}");
    // HTTP/1.1 carries one request at a time: a message written while the previous one
    // is on its way waits for its answer.
    assert!(to_server.max_ms >= 15.0, "{to_server:?}");

    let poll = messages(by_label(&results, "poll"));
    let end_to_end = poll.end_to_end.as_ref().unwrap();
    assert!(
        (950.0..1150.0).contains(&end_to_end.mean_ms),
        "{end_to_end:?}"
    );
}

/// Conservation: every message written is published, lost or still on its way; every
/// published message is one event, delivered to every client (the sender included) or
/// in flight; and through a replica crash REST clients send again while a WebSocket's
/// messages in the dead replica are gone.
#[test]
fn every_message_is_published_lost_or_in_flight() {
    let text = chat(
        100,
        "5/s",
        "server: { replicas: 2 }
load_balancer: { layer: 4 }
broker: {}
faults:
  - { at: 30s, crash: { replica: 0, restart_after: 5s } }",
        &[
            "{ label: ws, websocket: { reconnect: { backoff: exponential, delay: 1s, max: 5s, jitter: full } } }",
            "{ label: sse, sse: {} }",
        ],
    );
    let s = scenario(&text);
    let log = EventLog::generate(&s);
    for variant in &s.transports {
        let (result, ledgers) =
            run_variant_with_ledgers(&s, &log, variant, &DEFAULT_LIMITS).unwrap();
        let m = messages(&result);
        assert_eq!(m.written, log.messages.len() as u64, "{}", variant.label);
        assert_eq!(m.written, m.published + m.lost + m.in_flight, "{m:?}");
        assert_eq!(result.ledger.events, m.published, "{}", variant.label);
        for (c, l) in ledgers.iter().enumerate() {
            assert_eq!(
                l.generated,
                l.delivered + l.lost + l.in_flight,
                "{} client {c}",
                variant.label
            );
        }
        assert_eq!(result.ledger.duplicates, 0);
        match variant.label.as_str() {
            "sse" => assert_eq!(m.lost, 0, "REST sends again: {m:?}"),
            _ => assert!(m.lost > 0, "a crash loses a WebSocket's messages: {m:?}"),
        }
        assert!(m.in_flight < 300, "{m:?}");
    }
}

/// The browser's six HTTP/1.1 connections per origin: with six tabs on SSE streams, the
/// REST requests have no connection left and never leave; over HTTP/2 they get one.
#[test]
fn six_sse_tabs_leave_no_connection_for_rest() {
    let text = chat(20, "1/s", "", &["{ label: h1, sse: {} }"]).replace(
        "users: { count: 20, link: link, ramp: 5s }",
        "users: { count: 20, link: link, ramp: 5s, tabs: 6 }",
    );
    let results = run(&scenario(&text));
    let m = messages(&results[0]);
    assert_eq!(m.published, 0, "{m:?}");
    assert_eq!(m.in_flight, m.written);
    assert!(results[0].blocked_streams.still_blocked >= 120);

    let text = text.replace(
        "{ label: h1, sse: {} }",
        "{ label: h2, sse: { http2: true } }",
    );
    let results = run(&scenario(&text));
    let m = messages(&results[0]);
    assert!(m.published + 120 >= m.written, "{m:?}");
}

/// Uploads only: a gRPC client stream carries the messages; no events come back.
#[test]
fn a_client_stream_carries_uploads_only() {
    let text = chat(
        10,
        "2/s",
        "",
        &["{ label: up, grpc: { mode: client_streaming } }"],
    )
    .replace("payload: 100B }", "payload: 100B, deliver_to: none }");
    let results = run(&scenario(&text));
    let m = messages(&results[0]);
    assert!(m.published > 900, "{m:?}");
    assert_eq!(results[0].ledger.events, 0);
    assert_eq!(m.end_to_end, None);
    assert_eq!(m.bytes_up_per_message, (35 + 9 + 5 + 52) as f64);
}

/// Same scenario, same bytes, whatever the thread count.
#[test]
fn two_way_runs_are_deterministic() {
    let s = scenario(&chat(
        30,
        "1/s",
        "",
        &[
            "{ label: ws, websocket: {} }",
            "{ label: lp, long_polling: {} }",
        ],
    ));
    assert_eq!(summary_on_threads(&s, 1), summary_on_threads(&s, 2));
}

/// The messages' figures are metrics for thresholds: a WebSocket message reaches the other
/// clients within 25 ms on a 10 ms link; REST's bytes per message exceed 600 B; a variant
/// without messages' REST client has none of history's figures (no value: the check
/// fails).
#[test]
fn message_metrics_gate_thresholds() {
    let text = chat(
        10,
        "1/s",
        "assert:
  - \"ws.messages.end_to_end_p99 < 25ms\"
  - \"ws.messages.lost <= 0\"
  - \"sse.messages.bytes_up > 600B\"
  - \"ws.messages.end_to_end_p50 < 15ms\"
  - \"ws.history.recovered <= 0\"",
        &["{ label: ws, websocket: {} }", "{ label: sse, sse: {} }"],
    );
    let s = scenario(&text);
    let outcomes = rtsim::report::checks::check(&s, &run(&s));
    let passed: Vec<bool> = outcomes.iter().map(|o| o.passed).collect();
    assert_eq!(passed, [true, true, true, false, false], "{outcomes:?}");
    assert_eq!(outcomes[4].value, None);
}
