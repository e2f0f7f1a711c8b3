//! gRPC server streaming over HTTP/2: exact bytes per message, TLS records, reconnects.

use rtsim::RunResult;

use crate::support::{Simple, run, scenario};

/// One client, one 200-byte event a second (70 bytes as protobuf) for 100 s, with
/// `transports`.
fn one_client_text(transports: &[&str]) -> String {
    Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "1/s",
        payload: "200B, protobuf_size: 70B",
        duration: "100500ms",
        warmup: "0s",
    }
    .yaml(transports)
}

/// One gRPC client as above, with TLS `tls`.
fn one_client(tls: &str, transport: &str) -> RunResult {
    let text = one_client_text(&[transport]);
    let text = text.replace(
        "users: { count: 1, link: link }",
        &format!("users: {{ count: 1, link: link, tls: {tls} }}"),
    );
    run(&scenario(&text)).remove(0)
}

/// Downstream, each event is exactly its protobuf message plus gRPC's 5-byte prefix plus
/// one 9-byte DATA frame header; the stream opens with the server preface and one HEADERS
/// frame. With TLS 1.3 each message adds one 22-byte record overhead, nothing else.
#[test]
fn server_streaming_costs_payload_plus_5_plus_9_per_event() {
    let plain = one_client("none", "{ grpc: {} }");
    let down = plain.totals.bytes.down;
    let events = down.payload / 70;
    assert_eq!(events, 100);
    assert_eq!(down.payload, 70 * events);
    // Server preface (SETTINGS 9 + 18, its ACK 9) and the response HEADERS (9 + 80 x 0.8
    // for the Huffman-coded first header block), then 14 bytes per event; the client's
    // WINDOW_UPDATE frames go up.
    let open = 36 + 9 + 64;
    assert_eq!(down.framing, open + (5 + 9) * events);
    // Up: the client preface (79), the request HEADERS (9 + 160) and one DATA frame with
    // the 16-byte request message and its prefix.
    let window_updates = plain.totals.bytes.up.framing - (79 + 9 + 160 + 9 + 5 + 16);
    assert_eq!(window_updates % 13, 0, "WINDOW_UPDATE frames of 13 bytes");
    // 65,535-byte window, an update each time half is consumed: 84 bytes an event.
    assert_eq!(window_updates / 13, (open + 84 * events) / (65_535 / 2));

    let tls = one_client("\"1.3\"", "{ grpc: {} }");
    let t = tls.totals.bytes.down;
    assert_eq!(t.payload + t.framing, down.payload + down.framing);
    // The server's 4,000-byte flight, then one 22-byte record per write: the preface with
    // the HEADERS, and each event's DATA frame.
    assert_eq!(t.tls, 4000 + 22 * (1 + events));
}

/// gRPC's payload is the protobuf message: 35 % of the JSON payload unless the scenario
/// says otherwise, so it moves fewer bytes than SSE for the same events.
#[test]
fn protobuf_messages_default_to_a_third_of_the_json_text() {
    let text = Simple {
        clients: 10,
        latency: "20ms",
        bandwidth: "10Mbit/s",
        source: "periodic",
        rate: "1/s",
        payload: "400B",
        duration: "60s",
        warmup: "0s",
    }
    .yaml(&[
        "{ label: grpc, grpc: {} }",
        "{ label: sse, sse: { http2: true } }",
    ]);
    let results = run(&scenario(&text));
    let (grpc, sse) = (&results[0], &results[1]);
    assert_eq!(
        grpc.totals.bytes.down.payload % 140,
        0,
        "400 B x 0.35 = 140 B"
    );
    assert_eq!(
        grpc.totals.bytes.down.payload / 140,
        sse.totals.bytes.down.payload / 400,
        "the same events"
    );
    assert!(grpc.bytes_down_per_client_hour.total < 0.6 * sse.bytes_down_per_client_hour.total);
    assert_eq!(grpc.ledger.lost, 0);
    assert_eq!(
        grpc.ledger.generated,
        grpc.ledger.delivered + grpc.ledger.in_flight
    );
}

/// Each gRPC mode carries what it can: a stream the clients send on needs their
/// messages; a server stream cannot carry them; a client stream has no way back.
#[test]
fn grpc_modes_refuse_workloads_they_cannot_carry() {
    let simple = Simple {
        clients: 1,
        latency: "5ms",
        bandwidth: "10Mbit/s",
        source: "periodic",
        rate: "1/s",
        payload: "10B",
        duration: "10s",
        warmup: "0s",
    };
    let error = |text: &str| {
        rtsim::scenario::load_str("t.yaml", text, &[])
            .unwrap_err()
            .to_string()
    };
    let message = error(&simple.yaml(&["{ grpc: { mode: bidirectional } }"]));
    assert!(message.contains("transports[0].grpc"), "{message}");
    assert!(message.contains("needs `workload.messages`"), "{message}");
    let with_messages = |transport: &str| {
        simple.yaml(&[transport]).replace(
            "workload:\n",
            "workload:\n  messages: { rate: 1/s, payload: 20B }\n",
        )
    };
    let message = error(&with_messages("{ grpc: {} }"));
    assert!(message.contains("use `mode: bidirectional`"), "{message}");
    let message = error(&with_messages("{ grpc: { mode: client_streaming } }"));
    assert!(message.contains("uploads only"), "{message}");
    let message = error(&with_messages("{ grpc: { mode: unary, interval: 1s } }"));
    assert!(message.contains("unary polling has no way"), "{message}");
    assert!(
        rtsim::scenario::load_str(
            "t.yaml",
            &with_messages("{ grpc: { mode: bidirectional } }"),
            &[]
        )
        .is_ok()
    );
}

/// A slow consumer: events come faster than the client's link drains them. gRPC's flow
/// control stops the server at the stream's 65,535-byte window, so its send buffer never
/// holds more than the window (plus the one message that crossed it) and the backlog waits
/// as pending events; a WebSocket with the `buffer` policy queues the whole backlog.
#[test]
fn flow_control_stops_a_grpc_sender_while_a_websocket_buffer_grows() {
    let text = "name: slow
seed: 2
duration: 3m
warmup: 0s
network:
  thin: { latency: 30ms, bandwidth: 64kbit/s }
clients:
  phones: { count: 5, link: thin }
server: { send_buffer: { limit: 100MB, policy: buffer } }
workload:
  events: { source: periodic, rate: 5/s, payload: 2KB, protobuf_size: 2KB }
transports:
  - { label: ws, websocket: {} }
  - { label: grpc, grpc: {} }
";
    let results = run(&scenario(text));
    let (ws, grpc) = (&results[0], &results[1]);
    for r in [ws, grpc] {
        assert_eq!(
            r.ledger.generated,
            r.ledger.delivered + r.ledger.lost + r.ledger.in_flight,
            "{}",
            r.label
        );
        assert_eq!(r.ledger.lost, 0);
        assert_eq!(r.ledger.out_of_order, 0);
    }
    // 80 kbit/s of events on a 64 kbit/s link: about 2 KB a second more than it drains.
    assert!(
        ws.slow_consumers.peak_send_buffer_bytes > 250_000,
        "{:?}",
        ws.slow_consumers
    );
    // The window counts application bytes; the send buffer counts wire bytes, so each
    // message of 2,014 bytes also brings its two segments' 52-byte TCP/IP headers.
    let one_message: u64 = 2_000 + 5 + 9;
    let messages = (65_535 + one_message).div_ceil(one_message);
    let bound = 65_535 + one_message + messages * 2 * 52;
    let peak = grpc.slow_consumers.peak_send_buffer_bytes;
    assert!(peak <= bound, "{peak} > {bound}");
    assert!(peak > 60_000, "the window fills: {peak}");
    // The same backlog, held as pending events at the server instead.
    assert!(grpc.ledger.in_flight > 5 * 100, "{:?}", grpc.ledger);
    assert!(grpc.peak_memory_bytes < ws.peak_memory_bytes / 2);
}

/// Behind a layer-4 balancer scaled from 2 to 4 replicas, long-lived streams stay where
/// they opened; `max_connection_age` makes the clients reconnect now and then, and each new
/// connection goes to the emptiest replica, so the load spreads.
#[test]
fn max_connection_age_re_spreads_streams_after_scale_out() {
    let text = |age: &str| {
        format!(
            "name: age
seed: 4
duration: 5m
warmup: 0s
network: {{ net: {{ latency: 10ms, bandwidth: 50Mbit/s }} }}
clients: {{ users: {{ count: 200, link: net, ramp: 5s }} }}
server: {{ replicas: 2 }}
broker: {{}}
load_balancer: {{ layer: 4, algorithm: least_connections, scale: [ {{ at: 60s, replicas: 4 }} ] }}
workload: {{ events: {{ source: periodic, rate: 1/s, payload: 100B }} }}
transports:
  - {{ label: grpc, grpc: {{ resume: replay{age} }} }}
"
        )
    };
    let pinned = &run(&scenario(&text("")))[0];
    let aged = &run(&scenario(&text(", max_connection_age: 30s")))[0];
    for r in [pinned, aged] {
        assert_eq!(r.ledger.lost, 0);
        assert_eq!(r.ledger.generated, r.ledger.delivered + r.ledger.in_flight);
    }
    assert_eq!(pinned.totals.age_closes, 0);
    assert_eq!(
        pinned.replicas[2].connections_at_end + pinned.replicas[3].connections_at_end,
        0
    );
    assert!((pinned.imbalance.connections - 2.0).abs() < 0.01);
    // Every connection is closed about every 30 s (27 to 33 s with the jitter): about 9
    // times per client in 5 minutes.
    let per_client = aged.totals.age_closes as f64 / 200.0;
    assert!((8.0..=11.0).contains(&per_client), "{per_client}");
    // Four minutes after the scale-out (eight ages), the streams are spread.
    assert!(aged.imbalance.connections < 1.2, "{:?}", aged.imbalance);
    assert!(
        aged.replicas.iter().all(|r| r.connections_at_end >= 40),
        "{:?}",
        aged.replicas
    );
}

/// Unary gRPC calls made every second against REST polling over HTTP/2 with the same header
/// text, polling at the same moments: they differ by exactly gRPC's framing. Up: each call
/// adds a DATA frame (9) with the prefixed (5) 16-byte request message. Down: the events
/// travel as one message with a repeated field (a tag and a one-byte length each) after a
/// 5-byte prefix, then trailers (22 bytes the first time, 10 after), where REST sends a
/// JSON array (brackets and commas).
#[test]
fn unary_grpc_and_rest_polling_differ_by_exactly_their_framing() {
    let text = one_client_text(&[
        "{ label: rest, polling: { interval: 1s, http2: true, request_headers: 200B, response_headers: 80B } }",
        "{ label: unary, grpc: { mode: unary, interval: 1s } }",
    ]);
    let results = run(&scenario(&text));
    let (rest, unary) = (&results[0].totals, &results[1].totals);
    assert_eq!(results[1].transport, "grpc");
    // The same calls at the same moments, carrying the same events.
    assert_eq!(rest.requests, unary.requests);
    assert_eq!(rest.responses, unary.responses);
    assert_eq!(rest.empty_responses, unary.empty_responses);
    let events = unary.bytes.down.payload / 70;
    assert_eq!(rest.bytes.down.payload, 200 * events);
    let (r, e) = (unary.responses, unary.empty_responses);
    assert!(r >= 99 && events >= 99, "{r} responses, {events} events");
    assert_eq!(
        unary.bytes.up.framing - rest.bytes.up.framing,
        r * (9 + 5 + 16)
    );
    let grpc_extra = 5 * r + 2 * events + 22 + 10 * (r - 1);
    let json_array = r + events + e;
    assert_eq!(
        unary.bytes.down.framing + json_array,
        rest.bytes.down.framing + grpc_extra
    );
}
