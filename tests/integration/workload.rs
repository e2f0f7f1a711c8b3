//! Workload shapes: payload size distributions and bursty sources.

use rtsim::workload::EventLog;

use crate::support::{Simple, run, scenario};

fn sized(payload: &str, source: &str, transports: &[&str]) -> String {
    Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source,
        rate: "1/s",
        payload,
        duration: "100500ms",
        warmup: "0s",
    }
    .yaml(transports)
}

/// With log-normal sizes every event has its own size, drawn once and shared by every
/// variant: each WebSocket frame's header follows its own payload's length, and every
/// transport carries the same payload bytes in total.
#[test]
fn drawn_payload_sizes_are_the_same_events_for_every_transport() {
    let text = sized(
        "{ lognormal: { median: 300B, sigma: 1.0 } }",
        "periodic",
        &[
            "{ label: ws, websocket: {} }",
            "{ label: sse, sse: {} }",
            "{ label: poll, polling: { interval: 1s } }",
            "{ label: grpc, grpc: {} }",
        ],
    );
    let s = scenario(&text);
    let log = EventLog::generate(&s);
    assert_eq!(log.len(), 100);
    let sizes: Vec<u64> = (0..100).map(|n| log.payload(n)).collect();
    assert!(
        sizes.iter().any(|p| *p > 125),
        "some frames need the 16-bit length"
    );
    assert!(sizes.iter().any(|p| *p <= 125));
    let total: u64 = sizes.iter().sum();
    let results = run(&s);
    let (ws, sse, poll, grpc) = (&results[0], &results[1], &results[2], &results[3]);
    for r in [ws, sse] {
        assert_eq!(r.totals.bytes.down.payload, total, "{}", r.label);
    }
    // Polling's last poll may come before the last event.
    assert!(poll.totals.bytes.down.payload <= total);
    assert!(poll.totals.bytes.down.payload >= total - sizes[99]);
    // RFC 6455: 2 header bytes up to 125, 4 up to 65,535; plus the 101 response.
    let headers: u64 = sizes.iter().map(|p| if *p <= 125 { 2 } else { 4 }).sum();
    assert_eq!(ws.totals.bytes.down.framing, 129 + headers);
    // gRPC carries each event as 35 % of its JSON size, rounded up.
    let protobuf: u64 = sizes.iter().map(|p| (p * 35).div_ceil(100)).sum();
    assert_eq!(grpc.totals.bytes.down.payload, protobuf);
}

/// Uniform sizes stay within their bounds and average their midpoint.
#[test]
fn uniform_payloads_stay_within_their_bounds() {
    let s = scenario(&sized(
        "{ uniform: [200B, 400B] }",
        "poisson",
        &["{ websocket: {} }"],
    ));
    let log = EventLog::generate(&s);
    let sizes: Vec<u64> = (0..log.len() as u32).map(|n| log.payload(n)).collect();
    assert!(sizes.iter().all(|p| (200..=400).contains(p)));
    let mean = sizes.iter().sum::<u64>() as f64 / sizes.len() as f64;
    assert!(
        (mean - 300.0).abs() < 20.0,
        "{mean} over {} events",
        sizes.len()
    );
    assert_eq!(log.payloads(0, 10), sizes[..10].iter().sum::<u64>());
}

/// A bursty source is a Poisson process at `rate` during each `on` period and silent in
/// each `off`: every event falls in a burst, and the count follows the time spent bursting.
#[test]
fn bursty_sources_are_silent_between_bursts() {
    let text = Simple {
        clients: 5,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "bursty, on: 10s, off: 50s",
        rate: "20/s",
        payload: "100B",
        duration: "10m",
        warmup: "0s",
    }
    .yaml(&["{ label: ws, websocket: {} }"]);
    let s = scenario(&text);
    let log = EventLog::generate(&s);
    let second = 1_000_000_000u64;
    assert!(log.times.iter().all(|t| t % (60 * second) < 10 * second));
    // 10 bursts of 10 s at 20 a second: 2,000 expected, +-3 standard deviations (134).
    assert!((1_866..=2_134).contains(&log.len()), "{}", log.len());
    // Every burst has events.
    for burst in 0..10u64 {
        let from = burst * 60 * second;
        assert!(
            log.times
                .iter()
                .any(|t| (from..from + 10 * second).contains(t))
        );
    }
    let r = &run(&s)[0];
    assert_eq!(r.ledger.events, log.len() as u64);
    assert_eq!(r.ledger.generated, r.ledger.delivered + r.ledger.in_flight);
}
