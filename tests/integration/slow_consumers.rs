//! Slow consumers: a stream's send buffer fills when events come faster than the client's
//! link drains them; the policy decides what happens.

use rtsim::RunResult;

use crate::support::{run, scenario};

/// Ten WebSocket and SSE clients on a 64 kbit/s link receiving 2 KB events 5 times a
/// second: 80 kbit/s of events, so the backlog grows by about 2 KB a second.
fn slow(policy: &str) -> Vec<RunResult> {
    let buffer = if policy.is_empty() {
        String::new()
    } else {
        format!("server: {{ send_buffer: {{ limit: 32KiB, policy: {policy} }} }}\n")
    };
    let text = format!(
        "name: slow
seed: 2
duration: 3m
warmup: 0s
network:
  thin: {{ latency: 30ms, bandwidth: 64kbit/s }}
clients:
  phones: {{ count: 10, link: thin }}
workload:
  events: {{ source: periodic, rate: 5/s, payload: 2KB }}
{buffer}transports:
  - {{ label: ws, websocket: {{}} }}
  - {{ label: sse, sse: {{}} }}
"
    );
    run(&scenario(&text))
}

fn conserved(r: &RunResult) {
    assert_eq!(
        r.ledger.generated,
        r.ledger.delivered + r.ledger.lost + r.ledger.in_flight,
        "{}",
        r.label
    );
}

#[test]
fn the_buffer_policy_keeps_everything_and_memory_grows() {
    let results = slow("buffer");
    for r in &results {
        // 3 minutes of a 16 kbit/s surplus: a backlog of about 360 KB per stream.
        assert!(
            r.slow_consumers.peak_send_buffer_bytes > 300_000,
            "{:?}",
            r.slow_consumers
        );
        assert!(
            r.peak_memory_bytes > 10 * 300_000 + 10 * 32 * 1024,
            "{}",
            r.peak_memory_bytes
        );
        assert_eq!(r.ledger.lost, 0);
        assert_eq!(r.slow_consumers.disconnects, 0);
        // Latency grows with the backlog: the last events waited minutes.
        assert!(r.latency.as_ref().unwrap().max_ms > 30_000.0);
        conserved(r);
    }
}

#[test]
fn drop_oldest_caps_the_buffer_and_loses_events() {
    let results = slow("drop_oldest");
    for r in &results {
        assert!(
            r.slow_consumers.peak_send_buffer_bytes <= 32 * 1024 + 2_100,
            "{:?}",
            r.slow_consumers
        );
        assert!(r.slow_consumers.dropped_messages > 0);
        assert_eq!(
            r.ledger.lost, r.slow_consumers.dropped_messages,
            "one event a message"
        );
        // Memory stays near the connections' own (44 KiB each: the 32 KiB base and the
        // stream's 12 KiB of protocol state) plus a capped buffer.
        assert!(
            r.peak_memory_bytes < 10 * (44 * 1024 + 34_000),
            "{}",
            r.peak_memory_bytes
        );
        conserved(r);
    }
}

#[test]
fn disconnect_closes_the_stream_when_the_buffer_overflows() {
    let results = slow("disconnect");
    let (ws, sse) = (&results[0], &results[1]);
    // A WebSocket client has no reconnect: cut once, gone.
    assert_eq!(ws.slow_consumers.disconnects, 10);
    assert_eq!(ws.disconnected_clients, 10);
    assert!(ws.ledger.lost > 0);
    // EventSource reconnects with Last-Event-ID and is cut again as the backlog refills.
    assert!(
        sse.slow_consumers.disconnects > 10,
        "{:?}",
        sse.slow_consumers
    );
    assert_eq!(sse.totals.reconnects, sse.slow_consumers.disconnects);
    assert_eq!(sse.ledger.lost, 0);
    for r in &results {
        conserved(r);
    }
}

#[test]
fn without_a_send_buffer_nothing_is_counted() {
    let results = slow("");
    for r in &results {
        assert_eq!(r.slow_consumers.peak_send_buffer_bytes, 0);
        conserved(r);
    }
}
