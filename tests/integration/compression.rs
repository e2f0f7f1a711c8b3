//! Compression (issue 17): permessage-deflate and gzip bytes against a hand computation,
//! the compressor's memory per connection with and without context takeover, and its CPU
//! per byte; every option off leaves a run as it was.

use rtsim::RunResult;

use crate::support::{Simple, run, scenario};

/// One client on a 1-core server, one event a second for 100 s, so every message is
/// accounted for one by one.
fn one_client(transport: &str, payload: &str) -> RunResult {
    let text = Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "1/s",
        payload,
        duration: "100500ms",
        warmup: "0s",
    }
    .yaml(&[transport])
    .replace("transports:\n", "server: { cores: 1 }\ntransports:\n");
    run(&scenario(&text)).remove(0)
}

/// Hexadecimal digits of `n` (a chunk's size line).
fn hex_len(n: u64) -> u64 {
    format!("{n:x}").len() as u64
}

#[test]
fn a_compressed_websocket_message_is_its_ratio_plus_the_flush_tail() {
    // 100 B at 25 % → 25 B, plus the one byte RFC 7692 7.2.1 leaves of the sync flush's
    // empty block: a 26-byte payload, under 126, so a 2-byte header (RSV1 is one of its
    // bits). The `101` grows by `Sec-WebSocket-Extensions: permessage-deflate\r\n`.
    let r = one_client(
        "{ websocket: { permessage_deflate: { ratio: 25% } } }",
        "100B",
    );
    let down = r.totals.bytes.down;
    let events = down.payload / 25;
    assert_eq!(events, 100, "one event a second for 100 s");
    assert_eq!(down.payload, 25 * events);
    let accepted = "Sec-WebSocket-Extensions: permessage-deflate\r\n".len() as u64;
    assert_eq!(down.framing, 129 + accepted + (2 + 1) * events);
    // The TCP/IP bytes are the same count of segments as without compression.
    let plain = one_client("{ websocket: {} }", "100B");
    assert_eq!(down.tcpip, plain.totals.bytes.down.tcpip);
}

#[test]
fn without_context_takeover_small_messages_go_as_they_are_and_large_ones_shrink() {
    let no_takeover = "; server_no_context_takeover; client_no_context_takeover".len() as u64;
    let accepted = "Sec-WebSocket-Extensions: permessage-deflate\r\n".len() as u64 + no_takeover;
    // 1000 B is under ws's 1024-byte threshold: uncompressed, a 4-byte header.
    let small = one_client(
        "{ websocket: { permessage_deflate: { context_takeover: false } } }",
        "1000B",
    );
    let down = small.totals.bytes.down;
    assert_eq!(down.payload, 1000 * 100);
    assert_eq!(down.framing, 129 + accepted + 4 * 100);
    // 2000 B at the default for JSON compressed alone, 48.3 %: ceil(966.0) = 966 B, plus
    // the tail: a 967-byte payload with a 4-byte header.
    let large = one_client(
        "{ websocket: { permessage_deflate: { context_takeover: false } } }",
        "2000B",
    );
    let down = large.totals.bytes.down;
    assert_eq!(down.payload, 966 * 100);
    assert_eq!(down.framing, 129 + accepted + (4 + 1) * 100);
}

#[test]
fn a_gzipped_sse_event_is_compressed_text_a_sync_flush_and_a_chunk() {
    let r = one_client("{ sse: { retry: 2500ms, gzip: { ratio: 25% } } }", "180B");
    let down = r.totals.bytes.down;
    // Headers with `Content-Encoding: gzip\r\n` (24 B).
    let mut expected = 220 + 24;
    // First chunk: the gzip header (10 B), `retry: 2500\n\n` (13 B → ceil(3.25) = 4 B) and
    // its sync flush (5 B): 19 B in a chunk `13\r\n…\r\n`.
    let first = 10 + 4 + 5;
    expected += first + hex_len(first) + 4;
    let mut events = 0;
    for id in 1..=100u64 {
        // `id: <id>\ndata: <180 B>\n\n`, compressed to a quarter (rounded up), then the
        // flush's 5 bytes, in one chunk.
        let text = format!("id: {id}\ndata: {}\n\n", "x".repeat(180)).len() as u64;
        let written = text.div_ceil(4) + 5;
        expected += written + hex_len(written) + 4;
        events += 1;
    }
    assert_eq!(events, 100);
    assert_eq!(down.payload + down.framing, expected);
    // The compressed bytes of the events are the payload.
    let compressed: u64 = (1..=100u64)
        .map(|id| (format!("id: {id}\ndata: \n\n").len() as u64 + 180).div_ceil(4))
        .sum();
    assert_eq!(down.payload, compressed);
}

#[test]
fn gzipped_long_poll_answers_are_one_gzip_member_each() {
    // Each answer carries one 200-byte event: `[<200 B>]` is 202 B, at 50 % 101 B, with
    // the gzip header and trailer (18 B) and one more header line.
    let r = one_client("{ long_polling: { gzip: { ratio: 50% } } }", "200B");
    let t = r.totals;
    assert_eq!(t.empty_responses, 0);
    assert_eq!(t.bytes.down.payload, 101 * t.responses);
    assert_eq!(t.bytes.down.framing, (220 + 24 + 18) * t.responses);
    // An empty answer's `[]` stays under nginx's 20-byte gzip_min_length: a short poll
    // that finds nothing answers plain.
    let polled = one_client(
        "{ polling: { interval: 500ms, gzip: { ratio: 50% } } }",
        "200B",
    );
    let t = polled.totals;
    let full = t.responses - t.empty_responses;
    assert_eq!(t.bytes.down.payload, 101 * full);
    assert_eq!(
        t.bytes.down.framing,
        (220 + 24 + 18) * full + (220 + 2) * t.empty_responses
    );
}

#[test]
fn compressor_memory_lives_for_the_connection_only_with_context_takeover() {
    let plain = one_client("{ websocket: {} }", "100B").peak_memory_bytes;
    let takeover = one_client("{ websocket: { permessage_deflate: {} } }", "100B");
    let fresh = one_client(
        "{ websocket: { permessage_deflate: { context_takeover: false } } }",
        "100B",
    );
    // zlib: deflate (1 << 17) + (1 << 17), inflate 1 << 15, at windowBits 15, memLevel 8.
    assert_eq!(takeover.peak_memory_bytes - plain, 262_144 + 32_768);
    assert_eq!(fresh.peak_memory_bytes, plain);
    // A smaller window and memLevel: (1 << 12) + (1 << 13) + (1 << 10).
    let small = one_client(
        "{ websocket: { permessage_deflate: { window_bits: 10, mem_level: 4 } } }",
        "100B",
    );
    assert_eq!(small.peak_memory_bytes - plain, 4_096 + 8_192 + 1_024);
    // A gzip'd SSE stream holds a deflate state (the server inflates nothing).
    let sse = one_client("{ sse: {} }", "100B").peak_memory_bytes;
    let gzipped = one_client("{ sse: { gzip: {} } }", "100B").peak_memory_bytes;
    assert_eq!(gzipped - sse, 262_144);
    // A poll's compressor lives for one response.
    let poll = one_client("{ polling: { interval: 1s } }", "100B").peak_memory_bytes;
    let poll_gzip = one_client("{ polling: { interval: 1s, gzip: {} } }", "100B").peak_memory_bytes;
    assert_eq!(poll_gzip, poll);
}

#[test]
fn compression_adds_its_cpu_per_byte_to_each_push() {
    let plain = one_client("{ websocket: {} }", "100B");
    let compressed = one_client(
        "{ websocket: { permessage_deflate: { cpu_per_byte: 10us } } }",
        "100B",
    );
    // 100 pushes of 100 B at 10 µs a byte: 0.1 s of one core over 100.5 s. (The results
    // keep six decimals of a utilisation.)
    let extra = compressed.cpu_utilisation - plain.cpu_utilisation;
    let expected = 100.0 * 100.0 * 10e-6 / 100.5;
    assert!(
        (extra - expected).abs() < 1.01e-6,
        "extra utilisation {extra}, expected {expected}"
    );
    // Latency grows by the 1 ms each push now takes.
    let p50 = |r: &RunResult| r.latency.as_ref().expect("events delivered").p50_ms;
    assert!(p50(&compressed) > p50(&plain));
}
