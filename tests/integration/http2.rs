//! HTTP/2: prefaces, HPACK's saving on repeated headers, DATA frames, WINDOW_UPDATE.

use rtsim::RunResult;

use crate::support::{Simple, run, scenario};

fn one_client(transports: &[&str], extra: &str) -> Vec<RunResult> {
    let text = Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "1/s",
        payload: "100B",
        duration: "100500ms",
        warmup: "0s",
    }
    .yaml(transports);
    run(&scenario(&format!("{text}{extra}")))
}

#[test]
fn http2_polling_sends_fewer_header_bytes_after_the_first_request() {
    let results = one_client(
        &[
            "{ label: h1, polling: { interval: 2s } }",
            "{ label: h2, polling: { interval: 2s, http2: true } }",
        ],
        "",
    );
    let (h1, h2) = (results[0].totals, results[1].totals);
    assert_eq!(h1.requests, h2.requests);
    let n = h2.requests;
    assert!(n >= 49);
    // HTTP/1.1: 450 bytes of header text per request.
    assert_eq!(h1.bytes.up.framing, 450 * n);
    // HTTP/2: the preface (24 magic + SETTINGS 33 + WINDOW_UPDATE 13 + SETTINGS ack 9), then a
    // HEADERS frame with 80% of 450 bytes on first use and 30 bytes after.
    assert_eq!(h2.bytes.up.framing, (79 + 9 + 360) + (n - 1) * (9 + 30));
    let first_h2 = 79 + 9 + 360;
    let later_h2 = 9 + 30;
    assert!(later_h2 < 450 && first_h2 > 9 + 30);
    // Responses: SERVER preface (36) and HEADERS (9 + 176) first, then 9 + 20; the JSON
    // array body in one DATA frame (9 bytes) each.
    let events = h2.bytes.down.payload / 100;
    let arrays = 2 * h2.responses + events - (h2.responses - h2.empty_responses);
    assert_eq!(
        h2.bytes.down.framing,
        (36 + 9 + 176) + (h2.responses - 1) * (9 + 20) + arrays + 9 * h2.responses
    );
}

#[test]
fn sse_over_http2_uses_data_frames_instead_of_chunks() {
    let results = one_client(&["{ sse: { http2: true, heartbeat: 10s } }"], "");
    let down = results[0].totals.bytes.down;
    let events = down.payload / 100;
    assert_eq!(events, 100);
    let body = "x".repeat(100);
    // Server preface and the response HEADERS (9 + 80% of 220), then one DATA frame
    // (9-byte header) per event and per heartbeat `:\n\n`.
    let mut expected = 36 + 9 + 176;
    for id in 1..=events {
        expected += 9 + format!("id: {id}\ndata: {body}\n\n").len() as u64;
    }
    let heartbeats = 10;
    expected += heartbeats * (9 + 3);
    assert_eq!(down.payload + down.framing, expected);
}

#[test]
fn the_client_returns_flow_control_credit() {
    let results = one_client(
        &["{ label: h2, sse: { http2: true } }"],
        "http2: { window: 2KB }\n",
    );
    let t = results[0].totals;
    // The client sends a 13-byte WINDOW_UPDATE for every 1 KB it consumes (half the window).
    let updates = (t.bytes.up.framing - (79 + 9 + 360)) / 13;
    assert_eq!((t.bytes.up.framing - (79 + 9 + 360)) % 13, 0);
    let consumed = t.bytes.down.payload + t.bytes.down.framing;
    assert!(updates > 0);
    assert!(
        updates.abs_diff(consumed / 1000) <= 1,
        "{updates} updates for {consumed} bytes"
    );
    // With Chrome's 15 MiB window, none in this run.
    let large = one_client(&["{ label: h2, sse: { http2: true } }"], "");
    assert_eq!(large[0].totals.bytes.up.framing, 79 + 9 + 360);
}

#[test]
fn server_pings_are_answered_with_ping_acks() {
    let plain = one_client(&["{ sse: { http2: true } }"], "");
    let pinged = one_client(&["{ sse: { http2: true } }"], "http2: { ping: 10s }\n");
    let (a, b) = (plain[0].totals.bytes, pinged[0].totals.bytes);
    // A PING every 10 s for 100.5 s: ten 17-byte frames down, ten PING ACKs up.
    assert_eq!(b.down.framing - a.down.framing, 10 * 17);
    assert_eq!(b.up.framing - a.up.framing, 10 * 17);
    // HTTP/1.1 variants have no PINGs, whatever the http2 section says.
    let h1 = one_client(&["{ sse: {} }"], "http2: { ping: 10s }\n");
    let h1_plain = one_client(&["{ sse: {} }"], "");
    assert_eq!(h1[0].totals.bytes, h1_plain[0].totals.bytes);
}
