//! Workload shapes: payload size distributions and bursty sources.

use rtsim::ids::EventNo;
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
    let sizes: Vec<u64> = (0..100).map(|n| log.payload(EventNo::new(n))).collect();
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
    let sizes: Vec<u64> = (EventNo::FIRST.up_to(log.end()))
        .map(|n| log.payload(n))
        .collect();
    assert!(sizes.iter().all(|p| (200..=400).contains(p)));
    let mean = sizes.iter().sum::<u64>() as f64 / sizes.len() as f64;
    assert!(
        (mean - 300.0).abs() < 20.0,
        "{mean} over {} events",
        sizes.len()
    );
    assert_eq!(
        log.payloads(EventNo::FIRST, 10),
        sizes[..10].iter().sum::<u64>()
    );
}

/// A bursty source is a Poisson process at `rate` for each `on_time` and silent for each
/// `off_time`: every event falls in a burst, and the count follows the time spent bursting.
#[test]
fn bursty_sources_are_silent_between_bursts() {
    let text = Simple {
        clients: 5,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "bursty, on_time: 10s, off_time: 50s",
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

/// A trace file's rows are the events: their times and sizes, in order; rows after the
/// run's end are left out with a warning; the path is relative to the scenario file.
#[test]
fn a_trace_file_replays_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("traces")).unwrap();
    std::fs::write(
        dir.path().join("traces/t.csv"),
        "time,size,audience\n0.5,100,all\n1.25,2KB,all\n\n1.25,300,\n7,40,all\n25,10,all\n",
    )
    .unwrap();
    let text = "name: trace
duration: 20s
warmup: 0s
network: { net: { latency: 5ms, bandwidth: 100Mbit/s } }
clients: { users: { count: 2, link: net } }
workload: { events: { source: trace, trace: traces/t.csv } }
transports:
  - { label: ws, websocket: {} }
";
    let file = dir.path().join("s.yaml");
    std::fs::write(&file, text).unwrap();
    let s = rtsim::scenario::load_file(&file, &[]).unwrap();
    assert_eq!(
        s.warnings,
        ["the trace traces/t.csv has 1 events after the run's end (20s); they are left out"]
    );
    let log = EventLog::generate(&s);
    let ms = 1_000_000u64;
    assert_eq!(log.times, [500 * ms, 1_250 * ms, 1_250 * ms, 7_000 * ms]);
    let sizes: Vec<u64> = (0..4).map(|n| log.payload(EventNo::new(n))).collect();
    assert_eq!(sizes, [100, 2_000, 300, 40]);
    let r = &run(&s)[0];
    // Both clients get every event, of its own size.
    assert_eq!(r.totals.bytes.down.payload, 2 * 2_440);
    assert_eq!(r.ledger.delivered, 8);
}
