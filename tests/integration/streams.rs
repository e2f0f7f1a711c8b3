//! Named event streams (issue 17): `workload.streams` routed to the channels that receive
//! them, and the bytes by which one connection tells several streams apart (SSE's
//! `event:` line, a WebSocket envelope), against hand computations for one user.

use rtsim::RunResult;
use rtsim::metrics::channels::ChannelResult;

use crate::support::{run, scenario};

/// One user on a 5 ms, 100 Mbit/s link without TLS, for 55.5 s; two periodic streams:
/// `alpha` every 10 s (40 B: events at 10, 20, ..., 50 s, 5 of them) and `beta` every 5 s
/// (70 B: at 5, 10, ..., 55 s, 11 of them).
fn two_streams(transports: &str) -> RunResult {
    let text = format!(
        "name: streams
seed: 5
duration: 55500ms
network:
  link: {{ latency: 5ms, bandwidth: 100Mbit/s }}
clients:
  users: {{ count: 1, link: link }}
workload:
  streams:
    alpha: {{ source: periodic, rate: 6/min, payload: 40B }}
    beta: {{ source: periodic, rate: 12/min, payload: 70B }}
transports:
{transports}"
    );
    run(&scenario(&text)).remove(0)
}

/// The events in number order (ids 1..=16): by time, `alpha` before `beta` at the same
/// time (stream order is name order).
fn events() -> Vec<(u64, &'static str, usize)> {
    let mut all: Vec<(u64, &'static str, usize)> = (1..=5)
        .map(|k| (k * 10, "alpha", 40))
        .chain((1..=11).map(|k| (k * 5, "beta", 70)))
        .collect();
    all.sort();
    all
}

/// An SSE event's chunk as it goes on the wire: the text, in an HTTP/1.1 chunk.
fn sse_chunk(id: usize, event_type: Option<&str>, payload: usize) -> u64 {
    let typed = event_type.map_or(String::new(), |t| format!("event: {t}\n"));
    let text = format!("{typed}id: {id}\ndata: {}\n\n", "x".repeat(payload));
    format!("{:x}\r\n{text}\r\n", text.len()).len() as u64
}

fn channel<'r>(r: &'r RunResult, transport: &str) -> &'r ChannelResult {
    r.channels
        .iter()
        .find(|ch| ch.transport == transport)
        .unwrap_or_else(|| panic!("no {transport} channel"))
}

/// Routing: `alpha` goes to the SSE channel, `beta` to the WebSocket one, and no event of
/// one reaches the other. By hand: SSE 5 events of 40 B (ids 2, 5, 8, 11, 14), each in
/// its chunk without an `event:` line (it receives one stream), after 220 B of headers;
/// WebSocket 11 frames of 70 B with a 2 B header each, after the 129 B `101`.
#[test]
fn each_stream_reaches_only_the_channel_that_receives_it() {
    let r = two_streams(
        "  - channels:
      - { receives: [alpha], sse: {} }
      - { receives: [beta], websocket: {} }
",
    );
    let sse = channel(&r, "sse");
    assert_eq!(sse.receives, ["alpha"]);
    assert_eq!(sse.latency.as_ref().map(|l| l.samples), Some(5));
    assert_eq!(sse.bytes.down.payload, 5 * 40);
    let chunks: u64 = events()
        .iter()
        .enumerate()
        .filter(|(_, e)| e.1 == "alpha")
        .map(|(i, e)| sse_chunk(i + 1, None, e.2) - e.2 as u64)
        .sum();
    assert_eq!(sse.bytes.down.framing, 220 + chunks);
    let ws = channel(&r, "websocket");
    assert_eq!(ws.receives, ["beta"]);
    assert_eq!(ws.latency.as_ref().map(|l| l.samples), Some(11));
    assert_eq!(ws.bytes.down.payload, 11 * 70);
    assert_eq!(ws.bytes.down.framing, 129 + 11 * 2);
    assert_eq!(r.ledger.delivered, 16);
    assert_eq!(r.ledger.lost + r.ledger.in_flight, 0);
}

/// One SSE stream receiving both: every event carries `event: alpha\n` (13 B) or
/// `event: beta\n` (12 B) before its `id:` line, the text spelt out event by event.
#[test]
fn one_sse_stream_of_two_streams_types_each_event_by_its_stream() {
    let r = two_streams("  - { sse: {} }\n");
    let chunks: u64 = events()
        .iter()
        .enumerate()
        .map(|(i, e)| sse_chunk(i + 1, Some(e.1), e.2) - e.2 as u64)
        .sum();
    assert_eq!(r.totals.bytes.down.payload, 5 * 40 + 11 * 70);
    assert_eq!(r.totals.bytes.down.framing, 220 + chunks);
    // Against the same events without the lines: 5 x 13 + 11 x 12 bytes more.
    let untyped: u64 = events()
        .iter()
        .enumerate()
        .map(|(i, e)| sse_chunk(i + 1, None, e.2) - e.2 as u64)
        .sum();
    assert_eq!(chunks - untyped, 5 * 13 + 11 * 12);
    assert_eq!(r.ledger.delivered, 16);
}

/// One WebSocket receiving both: each event in the envelope `{"stream":"alpha","data":`
/// ... `}` (26 B for alpha, 25 B for beta), the frame's 2 B header counting it.
#[test]
fn one_websocket_of_two_streams_wraps_each_event_in_an_envelope() {
    let r = two_streams("  - { websocket: {} }\n");
    let alpha = r#"{"stream":"alpha","data":}"#.len() as u64;
    let beta = r#"{"stream":"beta","data":}"#.len() as u64;
    assert_eq!((alpha, beta), (26, 25));
    assert_eq!(r.totals.bytes.down.payload, 5 * 40 + 11 * 70);
    assert_eq!(
        r.totals.bytes.down.framing,
        129 + 5 * (alpha + 2) + 11 * (beta + 2)
    );
}

/// `sse.event` names one type for every event: refused on a stream of several named ones.
#[test]
fn a_fixed_event_type_is_refused_on_a_stream_of_several() {
    let text = "name: t
duration: 10s
network: { l: { latency: 5ms, bandwidth: 10Mbit/s } }
clients: { c: { count: 1, link: l } }
workload:
  streams:
    a: { source: periodic, rate: 1/s, payload: 10B }
    b: { source: periodic, rate: 1/s, payload: 10B }
transports:
  - { sse: { event: price } }
";
    let error = rtsim::scenario::load_str("t.yaml", text, &[]).unwrap_err();
    assert_eq!(error.field.as_deref(), Some("transports[0].sse.event"));
    assert!(error.position.is_some());
}

/// The done-when case with named streams: one user, three channels — a WebSocket for the
/// messages (both ways), SSE for two named streams (`alpha` every 20 s, 40 B: at 20 and
/// 40 s; `beta` every 25 s, 70 B: at 25 and 50 s), REST for the history — each channel's
/// bytes and latency by hand (one user, 5 ms, 100 Mbit/s, no TLS, push 100 µs; fewer than
/// ten events and messages, so every SSE id is one digit).
///
/// - SSE: 220 B of headers, then per event its chunk: `alpha` `event: alpha\nid: N\ndata:
///   <40 B>\n\n` is 67 B, in `43\r\n...\r\n` 73 B (33 B framing); `beta` `event: beta\n
///   id: N\ndata: <70 B>\n\n` 96 B, in `60\r\n...\r\n` 102 B (32 B framing). Latency:
///   5 ms + the push (100 µs, SSE's 14 framing bytes at 1 ns, its scan of 100 ns per KiB
///   of payload: 3 ns for 40 B, 6 ns for 70 B) + the chunk and 52 B of TCP/IP at
///   100 Mbit/s (125 B: 10 µs; 154 B: 12.32 µs).
/// - WebSocket: one stream, no envelope: the 129 B `101` and 2 B per message frame down.
#[test]
fn one_user_three_channels_with_named_streams_match_the_hand_computation() {
    use rtsim::infra::costs::{FRAMING_PER_BYTE, SSE_FRAMING_BYTES, SSE_SCAN_PER_KIB};
    let text = "name: three
seed: 3
duration: 55500ms
network:
  link: { latency: 5ms, bandwidth: 100Mbit/s }
clients:
  users: { count: 1, link: link }
server: { cores: 1, cost: { push: 100us } }
workload:
  streams:
    alpha: { source: periodic, rate: 3/min, payload: 40B }
    beta: { source: periodic, rate: 2.4/min, payload: 70B }
  messages: { rate: 3/min, payload: 100B, deliver_to: all }
rest: { history: 5 }
transports:
  - channels:
      - { receives: [messages], sends: messages, websocket: {} }
      - { receives: [alpha, beta], sse: {} }
      - { rest: {}, carries: [history] }
";
    let r = run(&scenario(text)).remove(0);
    let m = r.messages.as_ref().expect("a two-way run").written;
    assert!(m >= 1 && m + 4 < 10, "{m} messages: the ids stay one digit");
    assert_eq!(sse_chunk(1, Some("alpha"), 40), 73);
    assert_eq!(sse_chunk(1, Some("beta"), 70), 102);

    let sse = channel(&r, "sse");
    assert_eq!(sse.receives, ["alpha", "beta"]);
    assert_eq!(sse.bytes.down.payload, 2 * 40 + 2 * 70);
    assert_eq!(sse.bytes.down.framing, 220 + 2 * 33 + 2 * 32);
    // The SYN-ACK, the server's quick pure ACK of the `GET` (its first data: Linux's
    // quick-ACK mode, issue 18) and one segment per event plus the FIN.
    assert_eq!(sse.bytes.down.tcpip, 60 + 52 + 52 * (1 + 4));
    let latency = sse.latency.as_ref().expect("events delivered");
    assert_eq!(latency.samples, 4);
    let push = |payload: u64| {
        0.1 + (SSE_FRAMING_BYTES * FRAMING_PER_BYTE + payload * SSE_SCAN_PER_KIB / 1024) as f64
            / 1e6
    };
    let on_wire = |bytes: f64| bytes * 8.0 / 100e6 * 1e3;
    let alpha = push(40) + on_wire(125.0) + 5.0;
    let beta = push(70) + on_wire(154.0) + 5.0;
    assert!(
        (latency.mean_ms - (alpha + beta) / 2.0).abs() < 1e-6,
        "{} against {}",
        latency.mean_ms,
        (alpha + beta) / 2.0
    );

    let ws = channel(&r, "websocket");
    assert_eq!(ws.receives, ["messages"]);
    assert_eq!(ws.bytes.down.payload, 100 * m);
    assert_eq!(ws.bytes.down.framing, 129 + 2 * m);
    assert_eq!(ws.latency.as_ref().map(|l| l.samples), Some(m));

    let rest = channel(&r, "rest");
    assert!(rest.history);
    assert_eq!(r.history.as_ref().map(|h| h.fetches), Some(1));
    assert_eq!(r.ledger.delivered, m + 4);
    assert_eq!(r.ledger.lost + r.ledger.in_flight, 0);
}

/// A batched WebSocket frame wraps each event in its stream's envelope, as an unbatched
/// frame does (issue 17's gap: batches used the scenario's envelope, none, instead). With
/// a 1 s window over `alpha` (every 10 s) and `beta` (every 5 s), a window opens at each
/// 5 s mark: at 5, 15, …, 45 s it holds one `beta` event, at 10, 20, …, 50 s `alpha` and
/// `beta` of the same instant; the window opened at 55 s is still open when the run ends.
/// By hand, each frame is a JSON array (`[`, `]` and a comma between elements) of
/// enveloped events (26 B around `alpha`, 25 B around `beta`) behind its header: one
/// `beta`: 2 + 25 = 27 B of text around 70 B, 97 B behind a 2 B header; `alpha` + `beta`:
/// 3 + 26 + 25 = 54 B around 110 B, 164 B, past 125 B, so behind a 4 B header (the 16-bit
/// extended length, RFC 6455 section 5.2).
#[test]
fn a_batched_websocket_frame_envelopes_each_event_by_its_stream() {
    let r = two_streams("  - { websocket: { batch: 1s } }\n");
    assert_eq!(r.ledger.delivered, 15);
    assert_eq!(r.ledger.in_flight, 1, "the window opened at 55 s");
    assert_eq!(r.totals.bytes.down.payload, 5 * 70 + 5 * 110);
    assert_eq!(
        r.totals.bytes.down.framing,
        129 + 5 * (27 + 2) + 5 * (54 + 4)
    );
}

/// The same on SSE: a batched chunk types each event with its stream's `event:` line, as
/// an unbatched chunk does. The chunks hold ids 1 (`beta` at 5 s), then 2 and 3 (`alpha`
/// and `beta` at 10 s), 4, 5 and 6, …: each event's `event:` line (13 B for `alpha`, 12 B
/// for `beta`), `id:` and `data:` lines, one chunk line each.
#[test]
fn a_batched_sse_chunk_types_each_event_by_its_stream() {
    let r = two_streams("  - { sse: { batch: 1s } }\n");
    let fields =
        |id: usize, name: &str| format!("event: {name}\nid: {id}\ndata: \n\n").len() as u64;
    let mut expected = 220;
    let mut id = 1;
    for k in 1..=10u64 {
        let text = if k % 2 == 1 {
            fields(id, "beta") + 70
        } else {
            fields(id, "alpha") + 40 + fields(id + 1, "beta") + 70
        };
        id += if k % 2 == 1 { 1 } else { 2 };
        expected += text + format!("{text:x}").len() as u64 + 4;
    }
    let down = r.totals.bytes.down;
    assert_eq!(r.ledger.delivered, 15);
    assert_eq!(down.payload, 5 * 70 + 5 * 110);
    assert_eq!(down.payload + down.framing, expected);
}
