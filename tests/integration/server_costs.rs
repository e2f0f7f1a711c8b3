//! Per-transport server costs and the server's I/O model (issue 17): SSE and WebSocket
//! cost what their rows of the cost table say, and a thread-per-connection server runs out
//! of threads where an event loop does not.

use rtsim::RunResult;

use crate::support::{Simple, run, scenario};

/// One client on a fast link receiving `rate` events of `payload` for 100 s on one core,
/// with the base costs written out (the defaults, so the hand computation names them).
fn one_client(rate: &str, payload: &str, server: &str, transports: &[&str]) -> Vec<RunResult> {
    let simple = Simple {
        clients: 1,
        latency: "10ms",
        bandwidth: "1Gbit/s",
        source: "periodic",
        rate,
        payload,
        duration: "100s",
        warmup: "0s",
    };
    let text = format!(
        "{}server:\n  cores: 1\n  cost: {{ accept: 40us, request: 120us, push: 15us, ping: 5us, tls_handshake: 200us }}\n{server}",
        simple.yaml(transports)
    );
    run(&scenario(&text))
}

/// The CPU difference of SSE and WebSocket is exactly their protocol rows': per 64 KiB
/// event SSE composes 14 B of framing (14 ns) and scans the payload for line breaks
/// (64 × 100 ns), WebSocket a 4-byte unmasked header (4 ns); the WebSocket upgrade adds the
/// `Sec-WebSocket-Accept` (1 µs). Their memory per connection is the same by the defaults
/// (32 KiB base + 12 KiB), and a transport's own figure changes only its own.
#[test]
fn sse_and_websocket_differ_in_cpu_and_memory_exactly_as_their_costs_say() {
    let runs = one_client("100/s", "64KiB", "", &["{ sse: {} }", "{ websocket: {} }"]);
    let (sse, ws) = (&runs[0], &runs[1]);
    // Every event generated was pushed: delivered, or on its way at the end.
    let pushed = sse.ledger.delivered + sse.ledger.in_flight;
    assert!((9_990..=10_000).contains(&pushed), "{:?}", sse.ledger);
    assert_eq!(pushed, ws.ledger.delivered + ws.ledger.in_flight);
    // Busy nanoseconds over 100 s of one core; the results keep 6 decimals of utilisation
    // (1e-6 × 100 s = 100 µs).
    let busy_difference = (sse.cpu_utilisation - ws.cpu_utilisation) * 100e9;
    let expected = pushed as f64 * (14.0 + 64.0 * 100.0 - 4.0) - 1_000.0;
    assert!(
        (busy_difference - expected).abs() <= 200e3,
        "SSE − WebSocket busy {busy_difference} ns, expected {expected} ns"
    );
    assert_eq!(sse.peak_memory_bytes, 44 * 1024);
    assert_eq!(ws.peak_memory_bytes, 44 * 1024);
}

/// `server.cost.websocket` replaces base plus protocol for WebSocket alone.
#[test]
fn a_transports_own_figures_apply_to_it_alone() {
    let server = "  memory_per_connection: 32KiB\n";
    let text = |own: &str| {
        let simple = Simple {
            clients: 1,
            latency: "10ms",
            bandwidth: "1Gbit/s",
            source: "periodic",
            rate: "100/s",
            payload: "1KiB",
            duration: "100s",
            warmup: "0s",
        };
        format!(
            "{}server:\n  cores: 1\n{server}  cost:\n    accept: 40us\n    request: 120us\n    push: 15us\n{own}",
            simple.yaml(&["{ sse: {} }", "{ websocket: {} }"])
        )
    };
    let base = run(&scenario(&text("")));
    let own = run(&scenario(&text(
        "    websocket: { push: 115us, memory_per_connection: 1MiB }\n",
    )));
    assert_eq!(
        own[0].cpu_utilisation, base[0].cpu_utilisation,
        "SSE unchanged"
    );
    assert_eq!(own[0].peak_memory_bytes, base[0].peak_memory_bytes);
    assert_eq!(own[1].peak_memory_bytes, 1024 * 1024);
    // 100 µs more per push, over 100 s of one core.
    let pushed = own[1].ledger.delivered + own[1].ledger.in_flight;
    let more = own[1].cpu_utilisation - base[1].cpu_utilisation;
    let expected = pushed as f64 * 100e3 / 100e9;
    assert!((more - expected).abs() <= 2e-6, "{more} against {expected}");
}

/// 300 long-polling clients: an event loop holds every held request; a thread per
/// connection (Tomcat's 200 threads) refuses the connections past its 200th, and each it
/// holds costs a 1 MiB stack.
#[test]
fn a_thread_per_connection_server_runs_out_of_threads_where_an_event_loop_does_not() {
    let text = |io: &str| {
        let simple = Simple {
            clients: 300,
            latency: "20ms",
            bandwidth: "50Mbit/s",
            source: "poisson",
            rate: "1/s",
            payload: "200B",
            duration: "2m",
            warmup: "10s",
        };
        format!(
            "{}server: {{ {io} }}\n",
            simple.yaml(&["{ long_polling: { timeout: 30s } }"])
        )
    };
    let event_loop = &run(&scenario(&text("io: event_loop")))[0];
    let threads = &run(&scenario(&text("io: thread_per_connection")))[0];
    assert_eq!(event_loop.totals.refused, 0);
    assert_eq!(event_loop.replicas[0].peak_connections, 300);
    assert!(threads.totals.refused > 0, "{:?}", threads.totals);
    assert_eq!(threads.replicas[0].peak_connections, 200);
    // Long polling's 44 KiB plus a 1 MiB stack, for each of the 200 threads.
    assert_eq!(threads.peak_memory_bytes, 200 * (44 * 1024 + 1024 * 1024));
    assert_eq!(event_loop.peak_memory_bytes, 300 * 44 * 1024);
    // Every job pays a 3 µs context switch on top: more CPU for fewer clients served.
    assert!(threads.cpu_utilisation > event_loop.cpu_utilisation * 200.0 / 300.0);
}

/// Reading a client's WebSocket frame unmasks it: 250 ns per KiB of payload by default
/// (`server.cost.websocket.read_per_kib`), on top of the push cost a message's read pays.
/// One client writes about 10 messages of 64 KiB a second for 100 s: each read costs
/// 64 × 250 ns = 16 µs more than with the unmasking priced at 0; the events' pushes are
/// not unmasked and cost the same in both.
#[test]
fn a_websocket_server_unmasks_each_client_frame_it_reads() {
    let text = |read: &str| {
        let simple = Simple {
            clients: 1,
            latency: "10ms",
            bandwidth: "1Gbit/s",
            source: "periodic",
            rate: "1/s",
            payload: "100B",
            duration: "100s",
            warmup: "0s",
        };
        format!(
            "{}server:\n  cores: 1\n  cost: {{ push: 15us{read} }}\n",
            simple.yaml(&["{ websocket: {} }"])
        )
        .replace(
            "workload:\n",
            "workload:\n  messages: { rate: 10/s, payload: 64KiB }\n",
        )
    };
    let unmasked = &run(&scenario(&text(", websocket: { read_per_kib: 0s }")))[0];
    let masked = &run(&scenario(&text("")))[0];
    let messages = masked.messages.as_ref().expect("messages").published;
    // Messages are written at random (a Poisson process of 10/s): about 1,000.
    assert!((900..=1_100).contains(&messages), "{messages} published");
    assert_eq!(unmasked.messages.as_ref().unwrap().published, messages);
    assert_eq!(masked.ledger, unmasked.ledger);
    // Busy nanoseconds over 100 s of one core (6 decimals of utilisation: 100 µs).
    let busy_difference = (masked.cpu_utilisation - unmasked.cpu_utilisation) * 100e9;
    let expected = messages as f64 * 64.0 * 250.0;
    assert!(
        (busy_difference - expected).abs() <= 200e3,
        "unmasking took {busy_difference} ns, expected {expected} ns"
    );
}
