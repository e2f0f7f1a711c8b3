//! Wire arithmetic: bytes per message follow exactly from each protocol's framing rules.

use rtsim::RunResult;

use crate::support::{Simple, run, scenario};

/// One client, one event a second, so every message is accounted for one by one.
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
    .yaml(&[transport]);
    run(&scenario(&text)).remove(0)
}

#[test]
fn websocket_event_costs_payload_plus_two_bytes() {
    for payload in [1u64, 100, 125] {
        let r = one_client("{ websocket: {} }", &format!("{payload}B"));
        let down = r.totals.bytes.down;
        let events = down.payload / payload;
        assert_eq!(down.payload, events * payload);
        assert_eq!(events, 100, "one event a second for 100 s");
        // The 101 response (129 bytes) and a 2-byte header per frame.
        assert_eq!(down.framing, 129 + 2 * events, "payload {payload}");
        // TCP/IP: SYN-ACK (60), one 52-byte segment per message, and the server's pure ACK
        // of the upgrade request (its first data: Linux's quick-ACK mode, issue 18).
        assert_eq!(down.tcpip, 60 + 52 + 52 * (events + 1));
        let up = r.totals.bytes.up;
        assert_eq!(up.framing, 500, "the upgrade request only");
        // SYN, the handshake's ACK, the request, and a pure ACK for each message from the
        // server (events a second apart: each silence restarts quick ACKs).
        assert_eq!(up.tcpip, 60 + 52 + 52 + 52 * (events + 1));
    }
}

#[test]
fn websocket_length_encodings_and_pings() {
    let r = one_client("{ websocket: {} }", "126B");
    let down = r.totals.bytes.down;
    assert_eq!(
        down.framing - 129,
        4 * (down.payload / 126),
        "16-bit length above 125 B"
    );
    let r = one_client("{ websocket: {} }", "70KB");
    let down = r.totals.bytes.down;
    let events = down.payload / 70_000;
    assert_eq!(
        down.framing - 129,
        10 * events,
        "64-bit length above 65535 B"
    );
    // 70 KB spans ceil(70010 / 1448) = 49 segments per event.
    // Plus the server's quick ACK of the upgrade request.
    assert_eq!(down.tcpip, 60 + 52 + 52 + 52 * 49 * events);
    // Pings: 2-byte frames down, 6-byte masked pongs up.
    let r = one_client("{ websocket: { ping: 10s } }", "50B");
    let pings = (r.totals.bytes.down.framing - 129 - 2 * 100) / 2;
    assert_eq!(pings, 10, "a ping every 10 s for 100.5 s");
    assert_eq!(r.totals.bytes.up.framing, 500 + 6 * pings);
}

#[test]
fn sse_event_framing_is_exact() {
    let payload = 180usize;
    let r = one_client("{ sse: { retry: 2500ms } }", &format!("{payload}B"));
    let down = r.totals.bytes.down;
    let events = down.payload / payload as u64;
    assert_eq!(events, 100);
    // Build the stream's text as a server would write it and count it.
    let body = "x".repeat(payload);
    let retry = "retry: 2500\n\n";
    let mut expected = 220 + format!("{:x}\r\n{retry}\r\n", retry.len()).len() as u64;
    for id in 1..=events {
        let event = format!("id: {id}\ndata: {body}\n\n");
        let chunk = format!("{:x}\r\n{event}\r\n", event.len());
        expected += chunk.len() as u64;
    }
    assert_eq!(down.payload + down.framing, expected);
    assert_eq!(
        r.totals.bytes.up.framing, 450,
        "one GET for the whole stream"
    );
}

#[test]
fn sse_heartbeats_are_eight_bytes() {
    let quiet = one_client("{ sse: {} }", "10B");
    let beating = one_client("{ sse: { heartbeat: 15s } }", "10B");
    let extra = beating.totals.bytes.down.framing - quiet.totals.bytes.down.framing;
    // ":\n\n" in a chunk "3\r\n:\n\n\r\n", every 15 s over 100.5 s: 6 of them.
    assert_eq!(extra, 6 * 8);
}

#[test]
fn polling_pays_the_configured_headers_on_every_exchange() {
    let r = one_client(
        "{ polling: { interval: 2s, request_headers: 333B, response_headers: 111B } }",
        "40B",
    );
    let t = r.totals;
    assert!(t.requests >= 49 && t.requests <= 51, "{}", t.requests);
    assert_eq!(t.responses, t.requests);
    assert_eq!(t.bytes.up.framing, 333 * t.requests);
    assert_eq!(t.bytes.up.payload, 0);
    // Each response: headers and a JSON array `[e1,e2]` around its events.
    let events = t.bytes.down.payload / 40;
    let nonempty = t.responses - t.empty_responses;
    let arrays = 2 * t.responses + (events - nonempty);
    assert_eq!(t.bytes.down.framing, 111 * t.responses + arrays);
    // One event a second polled every two seconds: every response carries events except
    // the first, whose poll registers the client (events are counted from then on).
    assert_eq!(t.empty_responses, 1);
    assert!(
        events >= 2 * (t.responses - 2),
        "{events} events in {} responses",
        t.responses
    );
}

#[test]
fn long_polling_answers_each_event_and_re_requests() {
    let r = one_client("{ long_polling: { timeout: 30s } }", "40B");
    let t = r.totals;
    // One answer per event, one new request per answer.
    assert_eq!(t.bytes.down.payload, 40 * t.responses);
    assert_eq!(
        t.requests,
        t.responses + 1,
        "the last request is still held"
    );
    assert_eq!(t.empty_responses, 0);
}

#[test]
fn long_polling_timeout_answers_empty() {
    let text = Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "1/min",
        payload: "40B",
        duration: "10m",
        warmup: "0s",
    }
    .yaml(&["{ long_polling: { timeout: 25s } }"]);
    let r = run(&scenario(&text)).remove(0);
    let t = r.totals;
    // Each minute: one event answered, then two 25 s timeouts before the next event. The
    // tenth event is created at the very end (10 min) and its answer is not yet written.
    assert_eq!(t.responses - t.empty_responses, 9);
    assert!(
        t.empty_responses >= 18 && t.empty_responses <= 20,
        "{}",
        t.empty_responses
    );
    let share = t.empty_responses as f64 / t.responses as f64;
    assert!((r.empty_response_share.unwrap() - share).abs() < 1e-6);
}

/// [`one_client`] with binary payloads.
fn one_client_binary(transport: &str, payload: &str) -> RunResult {
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
    .replace("B }\ntransports:", "B, encoding: binary }\ntransports:");
    assert!(text.contains("encoding: binary"));
    run(&scenario(&text)).remove(0)
}

#[test]
fn binary_payloads_travel_as_base64_text_on_sse() {
    // Padded base64: 100 bytes -> 136 characters (one "=" of padding), 101 -> 136 ("="),
    // 103 -> 140 ("==").
    for payload in [100usize, 101, 103] {
        let r = one_client_binary("{ sse: {} }", &format!("{payload}B"));
        let down = r.totals.bytes.down;
        let events = down.payload / payload as u64;
        assert_eq!(events, 100);
        let text = "A".repeat(4 * payload.div_ceil(3));
        let mut expected = 220;
        for id in 1..=events {
            let event = format!("id: {id}\ndata: {text}\n\n");
            expected += format!("{:x}\r\n{event}\r\n", event.len()).len() as u64;
        }
        assert_eq!(down.payload + down.framing, expected, "payload {payload}");
    }
}

#[test]
fn binary_payloads_are_json_strings_in_polling_bodies() {
    let json = one_client("{ long_polling: {} }", "100B");
    let binary = one_client_binary("{ long_polling: {} }", "100B");
    let (j, b) = (json.totals, binary.totals);
    assert_eq!(j.responses, b.responses);
    let events = b.bytes.down.payload / 100;
    // Each event: 136 base64 characters in quotes instead of 100 bytes of JSON.
    assert_eq!(
        b.bytes.down.framing - j.bytes.down.framing,
        events * (136 + 2 - 100)
    );
}

#[test]
fn binary_payloads_cost_websocket_nothing_extra() {
    let json = one_client("{ websocket: {} }", "100B");
    let binary = one_client_binary("{ websocket: {} }", "100B");
    assert_eq!(json.totals.bytes, binary.totals.bytes);
}

#[test]
fn conditional_polling_answers_304_without_a_body() {
    let text = Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "1/min",
        payload: "40B",
        duration: "10m",
        warmup: "0s",
    }
    .yaml(&[
        "{ label: plain, polling: { interval: 10s, request_headers: 333B, response_headers: 111B } }",
        "{ label: cond, polling: { interval: 10s, request_headers: 333B, response_headers: 111B, conditional: true, not_modified_headers: 77B } }",
    ]);
    let results = run(&scenario(&text));
    let (plain, cond) = (results[0].totals, results[1].totals);
    assert_eq!(plain.requests, cond.requests);
    assert_eq!(plain.empty_responses, cond.empty_responses);
    assert!(cond.empty_responses > 40, "most polls find nothing new");
    // Every conditional poll carries `If-None-Match: "<16 hex>"\r\n` (35 bytes).
    assert_eq!(cond.bytes.up.framing, (333 + 35) * cond.requests);
    // 304s are 77 bytes of headers and nothing else; 200s add `ETag: "<16 hex>"\r\n` (26).
    let events = cond.bytes.down.payload / 40;
    let full = cond.responses - cond.empty_responses;
    assert_eq!(
        cond.bytes.down.framing,
        77 * cond.empty_responses + (111 + 26 + 2) * full + (events - full)
    );
    assert!(cond.bytes.down.total() < plain.bytes.down.total());
}

#[test]
fn bytes_are_counted_per_hop() {
    let text = "name: hops
duration: 60s
network:
  fast: { latency: 5ms, bandwidth: 100Mbit/s }
  slow: { latency: 40ms, bandwidth: 2Mbit/s }
clients:
  office: { count: 1, link: fast }
  home: { count: 2, link: slow }
workload:
  events: { source: periodic, rate: 1/s, payload: 100B }
transports:
  - { websocket: {} }
";
    let r = run(&scenario(text)).remove(0);
    let hop = |name: &str| r.hops.iter().find(|h| h.hop == name).unwrap().bytes;
    let (fast, slow) = (hop("access:fast"), hop("access:slow"));
    assert_eq!(r.hops.len(), 2);
    let mut sum = fast;
    sum.down.add(slow.down);
    sum.up.add(slow.up);
    assert_eq!(sum, r.totals.bytes, "the hops add up to the totals");
    // Two clients on the slow link, one on the fast: the same events, twice the bytes.
    assert_eq!(slow.down.payload, 2 * fast.down.payload);
    assert_eq!(slow.down.framing, 2 * fast.down.framing);
}

/// Issue 17: logical streams over one connection cost their names' bytes.
#[test]
fn sse_event_types_and_websocket_envelopes_are_counted_on_every_event() {
    let plain = one_client("{ sse: {} }", "180B");
    let named = one_client("{ sse: { event: price } }", "180B");
    let events = plain.totals.bytes.down.payload / 180;
    assert_eq!(events, 100);
    // `event: price\n` (13 B) on each event; the chunks' size lines keep their two digits.
    assert_eq!(
        named.totals.bytes.down.framing - plain.totals.bytes.down.framing,
        "event: price\n".len() as u64 * events
    );
    // A 27-byte envelope around a 100-byte event makes a 127-byte frame payload: past 125,
    // so the header takes the 16-bit length (4 B instead of 2).
    let ws = one_client("{ websocket: {} }", "100B");
    let enveloped = one_client("{ websocket: { envelope: 27B } }", "100B");
    assert_eq!(enveloped.totals.bytes.down.payload, 100 * events);
    assert_eq!(
        enveloped.totals.bytes.down.framing - ws.totals.bytes.down.framing,
        (27 + 4 - 2) * events
    );
}

/// Issue 18: a zero-byte WebSocket message is allowed, and each is a bare frame header:
/// 2 bytes from the server (RFC 6455 section 5.2: FIN/opcode byte and a 7-bit length of
/// 0, unmasked). 100 events in 100.5 s.
#[test]
fn a_zero_byte_websocket_event_is_a_two_byte_frame() {
    let r = one_client("{ websocket: {} }", "0B");
    assert_eq!(r.ledger.delivered, 100);
    let down = r.totals.bytes.down;
    assert_eq!(down.payload, 0);
    // The 101 (129 bytes), then 2 bytes per event.
    assert_eq!(down.framing, 129 + 2 * 100);
    // One 52-byte segment per frame, as for any small message (the SYN-ACK's 60 and the
    // quick ACK of the upgrade as in `websocket_event_costs_payload_plus_two_bytes`).
    assert_eq!(down.tcpip, 60 + 52 + 52 * 101);
}

/// Runs one client with `transport` answering its empty requests `200 []` (as written)
/// and `204` (`empty: 204` added to its settings), and checks every empty answer is 45
/// bytes shorter, the rest the same; the run with `200` for further checks.
fn empty_answers_45_bytes_shorter_with_204(transport: &str, at_least: u64) -> RunResult {
    let ok = one_client(&format!("{{ {transport} }} }}"), "100B");
    let no_content = one_client(&format!("{{ {transport}, empty: 204 }} }}"), "100B");
    let empty = ok.totals.empty_responses;
    assert!(empty > at_least, "{transport}: {empty} empty answers");
    assert_eq!(no_content.totals.empty_responses, empty);
    let (a, b) = (ok.totals.bytes.down, no_content.totals.bytes.down);
    assert_eq!(a.payload, b.payload);
    assert_eq!(a.framing - b.framing, 45 * empty);
    ok
}

/// Issue 18: `polling.empty: 204` answers a poll that finds nothing with a 204 of 177
/// header bytes (220 - 17 - 32 - 19 + 25) and no body, where the default 200 sends its
/// 220 header bytes and `[]`: 45 bytes fewer for each empty answer, the same for the rest
/// (most polls every 300 ms find nothing).
#[test]
fn an_empty_poll_answered_204_is_45_bytes_shorter() {
    empty_answers_45_bytes_shorter_with_204("polling: { interval: 300ms", 100);
}

/// Issue 18: `long_polling.empty: 204` answers a request whose hold times out with the
/// same 177-byte 204 as an empty short poll: 45 bytes fewer for each timed-out request
/// (one event a second, a 300 ms hold: two or three timeouts a second), the rest unchanged.
#[test]
fn a_long_poll_timing_out_answered_204_is_45_bytes_shorter() {
    let ok = empty_answers_45_bytes_shorter_with_204("long_polling: { timeout: 300ms", 150);
    assert_eq!(
        ok.totals.bytes.down.payload,
        100 * 100,
        "every event still delivered"
    );
}

/// Issue 18: `clients.<g>.request_headers` sizes that group's polls in place of the
/// transport's 450 B, and its WebSocket upgrades: 900 B and the upgrade's own 50 B in
/// place of 500 B. Two groups of one client; the one with cookies sends 900 B of headers
/// a poll.
#[test]
fn a_group_with_cookies_sends_its_own_request_headers() {
    let text = Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "1/s",
        payload: "100B",
        duration: "20500ms",
        warmup: "0s",
    }
    .yaml(&[
        "{ label: poll, polling: { interval: 1s } }",
        "{ label: ws, websocket: {} }",
    ])
    .replace(
        "  users: { count: 1, link: link }",
        "  users: { count: 1, link: link }\n  cookies: { count: 1, link: link, request_headers: 900B }",
    );
    let results = run(&scenario(&text));
    // Polls at a random phase in [0, 1 s), then every second: 21 by 20.5 s for a phase
    // under 0.5 s, else 20; each a GET of headers only, the plain client's of 450 B and
    // the other's of 900 B.
    let up = results[0].totals.bytes.up;
    assert_eq!(up.payload, 0);
    let possible: Vec<u64> = [(20, 20), (21, 20), (20, 21), (21, 21)]
        .iter()
        .map(|(plain, cookies)| 450 * plain + 900 * cookies)
        .collect();
    assert!(
        possible.contains(&up.framing),
        "{} not in {possible:?}",
        up.framing
    );
    // The upgrades: the plain client's 500 B, the other's 900 + 50 B.
    assert_eq!(results[1].totals.bytes.up.framing, 500 + 950);
}

/// Issue 18: a group's `request_headers` size its REST client's requests too: the history
/// GET carries them (in place of a plain browser's 450 B) and each message's `POST` them
/// and its own 50 B (in place of `rest.request_headers`, 500 B). One SSE client with
/// cookies of 900 B, a history of 10 events, 5 messages at 1/s.
#[test]
fn a_group_with_cookies_sends_them_on_its_rest_requests() {
    let with_headers = |headers: &str| {
        let text = Simple {
            clients: 1,
            latency: "5ms",
            bandwidth: "100Mbit/s",
            source: "periodic",
            rate: "1/s",
            payload: "100B",
            duration: "5500ms",
            warmup: "0s",
        }
        .yaml(&["{ label: sse, sse: {} }"])
        .replace(
            "  users: { count: 1, link: link }",
            &format!("  users: {{ count: 1, link: link{headers} }}"),
        )
        .replace(
            "workload:\n",
            "rest: { history: 10 }\nworkload:\n  messages: { rate: 1/s, payload: 40B }\n",
        );
        run(&scenario(&text)).remove(0)
    };
    let plain = with_headers("");
    let cookies = with_headers(", request_headers: 900B");
    let measured = cookies.messages.as_ref().expect("messages measured");
    let messages = measured.published;
    assert_eq!(measured.in_flight, 0);
    assert_eq!(plain.messages.as_ref().unwrap().published, messages);
    assert!(messages >= 4, "{messages} messages");
    // Up, headers only: the SSE GET (450 → 900), the history GET (450 → 900) and each
    // POST (500 → 950), every other byte the same.
    let up = |r: &rtsim::RunResult| r.totals.bytes.up;
    assert_eq!(up(&cookies).payload, up(&plain).payload);
    assert_eq!(
        up(&cookies).framing - up(&plain).framing,
        450 + 450 + 450 * messages,
    );
}
