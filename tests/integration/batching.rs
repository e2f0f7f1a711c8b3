//! Server-side batching (issue 17): an application batch window on SSE, WebSocket and
//! gRPC streams coalesces a window's events into one write, against hand computations of
//! the bytes, the latency it adds and the push jobs it saves; a stream that ends with a
//! batch pending hands it back whole.

use rtsim::RunResult;

use crate::support::{Simple, run, scenario};

/// One client on a 1-core server, an event every 100 ms (100 B) for 100.45 s: events at
/// 0.1, 0.2, …, 100.4 s, 1,004 of them (event n at 0.1 × (n + 1) s, SSE id n + 1).
fn one_client(transports: &[&str], server: &str) -> Vec<RunResult> {
    let text = Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "10/s",
        payload: "100B",
        duration: "100450ms",
        warmup: "0s",
    }
    .yaml(transports)
    .replace("transports:\n", &format!("server: {server}\ntransports:\n"));
    run(&scenario(&text))
}

/// Hexadecimal digits of `n` (a chunk's size line).
fn hex_len(n: u64) -> u64 {
    format!("{n:x}").len() as u64
}

/// `id: <id>\ndata: \n\n`: an SSE event's fields around its payload.
fn sse_fields(id: u64) -> u64 {
    format!("id: {id}\ndata: \n\n").len() as u64
}

fn latency(r: &RunResult) -> &rtsim::metrics::result::LatencySummary {
    r.latency.as_ref().expect("events delivered")
}

/// The stream opens about 20 ms in (handshake, request, the server's job), before event 0:
/// from event 0 at 0.1 s each window of 1 s holds ten events (a window is `[opened,
/// opened + 1 s)`: the event at its end opens the next). Windows opened at 0.1, 1.1, …,
/// 99.1 s are written, 1,000 events; the one opened at 100.1 s holds events 1000..=1003
/// when the run ends.
#[test]
fn a_one_second_window_over_events_every_100_ms_writes_ten_a_chunk() {
    let runs = one_client(
        &["{ sse: {} }", "{ label: batched, sse: { batch: 1s } }"],
        "{ cores: 1 }",
    );
    let (plain, batched) = (&runs[0], &runs[1]);
    let ledger = batched.ledger;
    assert_eq!(ledger.generated, 1004);
    assert_eq!(ledger.delivered, 100 * 10);
    assert_eq!(ledger.in_flight, 4, "the open window's events");
    assert_eq!(ledger.lost + ledger.duplicates + ledger.out_of_order, 0);
    assert_eq!(plain.ledger.delivered, 1004);

    // Bytes down: the response headers (220 B), then a chunk per window holding ten
    // events' `id:` and `data:` lines (ids 1 + 10k ..= 10 + 10k).
    let mut expected = 220;
    for k in 0..100u64 {
        let text: u64 = (1 + 10 * k..=10 + 10 * k)
            .map(|id| sse_fields(id) + 100)
            .sum();
        expected += text + hex_len(text) + 4;
    }
    let down = batched.totals.bytes.down;
    assert_eq!(down.payload, 100 * 1000);
    assert_eq!(down.payload + down.framing, expected);
    // Unbatched, a chunk each: the same fields, 100 times the chunk lines.
    let plain_down = plain.totals.bytes.down;
    let each: u64 = (1..=1004u64)
        .map(|id| sse_fields(id) + 100 + hex_len(sse_fields(id) + 100) + 4)
        .sum();
    assert_eq!(plain_down.payload + plain_down.framing, 220 + each);

    // Latency: within a window the events wait 1000, 900, …, 100 ms for its end, then
    // travel as an unbatched event does, in a longer message: a batch of about 1,200 B
    // (chunk and TCP/IP headers included) serializes in at most 0.1 ms at 100 Mbit/s, an
    // event alone in about 0.014 ms. So the maximum is the window plus the unbatched
    // latency plus at most 0.1 ms, and the mean 550 ms more than unbatched, within it.
    let (p, b) = (latency(plain), latency(batched));
    let serialization = 1250.0 * 8.0 / 100e6 * 1e3;
    assert!(
        b.max_ms <= 1000.0 + p.max_ms + serialization,
        "max {} ms",
        b.max_ms
    );
    assert!(b.max_ms >= 1000.0 + p.p50_ms, "max {} ms", b.max_ms);
    let mean = 550.0 + p.mean_ms;
    assert!(
        (b.mean_ms - mean).abs() < serialization,
        "mean {} ms, expected {mean}",
        b.mean_ms
    );
}

#[test]
fn a_websocket_batch_is_one_frame_holding_a_json_array() {
    let runs = one_client(
        &[
            "{ label: batched, websocket: { batch: 1s } }",
            "{ label: enveloped, websocket: { batch: 1s, envelope: 27B } }",
        ],
        "{ cores: 1 }",
    );
    // As SSE's: 100 windows of ten events written.
    let down = runs[0].totals.bytes.down;
    assert_eq!(runs[0].ledger.delivered, 1000);
    assert_eq!(down.payload, 100 * 1000);
    assert_eq!(down.framing, 129 + 100 * (4 + 11));
    // Each event keeps its envelope inside the array: 10 × 27 B more per frame.
    let down = runs[1].totals.bytes.down;
    assert_eq!(down.framing, 129 + 100 * (4 + 11 + 270));
}

/// A gRPC batch is one message whose repeated field holds the events: each 35 B protobuf
/// message (35 % of 100 B) with its tag and length bytes is 37 B, ten of them 370 B, plus
/// the 5-byte prefix and one 9-byte DATA frame header: 384 B for what ten messages sent
/// alone carry in 10 × (35 + 5 + 9) = 490 B.
#[test]
fn a_grpc_batch_is_one_message_with_a_repeated_field() {
    let runs = one_client(
        &["{ grpc: {} }", "{ label: batched, grpc: { batch: 1s } }"],
        "{ cores: 1 }",
    );
    let (plain, batched) = (&runs[0], &runs[1]);
    assert_eq!(plain.ledger.delivered, 1004);
    assert_eq!(batched.ledger.delivered, 1000);
    let total = |r: &RunResult| r.totals.bytes.down.payload + r.totals.bytes.down.framing;
    // Both open the same way; after that, plain: 1,004 messages; batched: 100 batches.
    assert_eq!(total(plain) - 1004 * 49, total(batched) - 100 * 384);
    assert_eq!(batched.totals.bytes.down.payload, 35 * 1000);
}

/// One push job per batch: the per-message cost once, the per-byte cost on every byte.
/// At `push: 1ms` and `push_per_kib: 1024us` (1 µs a byte), SSE's 1,004 pushes of 100 B
/// take 1,004 × 1.1 ms = 1,104.4 ms; batched, 100 batches of 1,000 B take 100 × 2 ms =
/// 200 ms (the four events of the open window are in no job).
/// Both pay the subscribe's request and accept (160 µs) on the same core over 100.45 s.
#[test]
fn a_batch_is_one_push_job() {
    let runs = one_client(
        &["{ sse: {} }", "{ label: batched, sse: { batch: 1s } }"],
        "{ cores: 1, cost: { push: 1ms, push_per_kib: 1024us } }",
    );
    let busy = |r: &RunResult| r.cpu_utilisation * 100.45;
    let saved = busy(&runs[0]) - busy(&runs[1]);
    assert!(
        (saved - (1.1044 - 0.2)).abs() < 1e-4,
        "saved {saved} s of CPU"
    );
}

/// A stream that ends while events wait in its open batch or in a batch's push job hands
/// them back whole: after a crash of the only replica (3 s down) the EventSource
/// reconnects and resumes from its `Last-Event-ID`, and every event arrives once.
#[test]
fn a_reconnect_with_a_batch_pending_loses_nothing() {
    let runs = one_client(
        &["{ sse: {} }", "{ label: batched, sse: { batch: 1s } }"],
        "{ cores: 1 }\nfaults:\n  - { at: 50.55s, crash: { replica: 0, restart_after: 2s } }",
    );
    for r in &runs {
        let l = r.ledger;
        assert_eq!(l.lost, 0, "{}", r.label);
        assert_eq!(l.duplicates, 0, "{}", r.label);
        assert_eq!(l.generated, l.delivered + l.in_flight, "{}", r.label);
        assert!(r.totals.reconnects >= 1, "{}", r.label);
    }
    // The crash came halfway through a window (50.1–51.1 s): its five events went back
    // to waiting and were replayed after the reconnect (only the open window at the end
    // is in flight).
    assert!(runs[1].ledger.delivered >= 995);
}

/// A proxy's maximum lifetime closes the stream while a window is open (an open batch is
/// not work in progress, so the close does not wait for it): a WebSocket that resumes
/// gets the batch's events again, one without resume loses them as an outage.
#[test]
fn a_lifetime_close_with_a_batch_open_hands_it_back() {
    let text = Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "10/s",
        payload: "100B",
        duration: "60s",
        warmup: "0s",
    }
    .yaml(&[
        "{ label: resume, websocket: { batch: 1s, reconnect: { delay: 1s }, resume: replay } }",
        "{ label: none, websocket: { batch: 1s, reconnect: { delay: 1s } } }",
    ])
    .replace(
        "transports:\n",
        "proxies:\n  edge: { max_lifetime: 10s }\ntransports:\n",
    )
    .replace("link: link }", "link: link, via: edge }");
    let runs = run(&scenario(&text));
    let (resume, none) = (&runs[0], &runs[1]);
    assert!(
        resume.totals.reconnects >= 4,
        "{}",
        resume.totals.reconnects
    );
    assert_eq!(resume.ledger.lost, 0);
    assert_eq!(resume.ledger.duplicates, 0);
    assert!(none.ledger.lost_by_reason.outage > 0);
    for r in &runs {
        let l = r.ledger;
        assert_eq!(
            l.generated,
            l.delivered + l.lost + l.in_flight,
            "{}",
            r.label
        );
    }
}
