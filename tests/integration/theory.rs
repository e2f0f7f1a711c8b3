//! The simulator against queueing and sampling theory.

use crate::support::{Simple, run, scenario};

fn mean_ms(results: &[rtsim::RunResult], label: &str) -> f64 {
    results
        .iter()
        .find(|r| r.label == label)
        .and_then(|r| r.latency.as_ref())
        .map(|l| l.mean_ms)
        .unwrap_or_else(|| panic!("no latency for {label}"))
}

/// Short polling samples the server every T: a Poisson event waits T/2 on average for the
/// next poll, then travels one-way to the client.
#[test]
fn polling_mean_latency_is_half_the_interval_plus_the_one_way_delay() {
    let text = Simple {
        clients: 100,
        latency: "50ms",
        bandwidth: "1Gbit/s",
        source: "poisson",
        rate: "5/s",
        payload: "200B",
        duration: "10m",
        warmup: "20s",
    }
    .yaml(&["{ label: poll, polling: { interval: 1s } }"]);
    let results = run(&scenario(&text));
    let measured = mean_ms(&results, "poll");
    // T/2 + d; serialization at 1 Gbit/s and the 160 us of server time are below 0.2 ms.
    let expected = 500.0 + 50.0;
    assert!(
        (measured - expected).abs() / expected < 0.05,
        "polling mean {measured:.2} ms, theory {expected:.2} ms"
    );
    // The tighter check the 5% bound allows: within 1%.
    assert!((measured - expected).abs() / expected < 0.01, "{measured}");
}

/// A push stream's latency is the server's time (push cost, queued behind the other
/// clients' pushes of the same event), the serialization of the message on the client's
/// link, and the one-way delay.
#[test]
fn push_mean_latency_is_delay_plus_serialization_plus_server_time() {
    let text = format!(
        "{}server: {{ cores: 1, cost: {{ push: 100us }} }}\n",
        Simple {
            clients: 10,
            latency: "1ms",
            bandwidth: "1Mbit/s",
            source: "poisson",
            rate: "2/s",
            payload: "180B",
            duration: "10m",
            warmup: "10s"
        }
        .yaml(&["{ label: ws, websocket: {} }", "{ label: sse, sse: {} }"])
    );
    let results = run(&scenario(&text));
    // Server time: 10 pushes queue on one core, the k-th ends after k x 100 us: mean 550 us.
    let server_ms = 0.55;
    // WebSocket frame: 180 + 2 header bytes + 52 TCP/IP = 234 bytes at 1 Mbit/s.
    let ws_expected = 1.0 + 234.0 * 8.0 / 1e6 * 1e3 + server_ms;
    // SSE chunk: "id: N\n" (about 4 digits) "data: " payload "\n\n" in a chunk: about
    // 180 + 17 + 6 bytes of chunking + 52 TCP/IP.
    let sse_expected = 1.0 + (180.0 + 17.0 + 6.0 + 52.0) * 8.0 / 1e6 * 1e3 + server_ms;
    let ws = mean_ms(&results, "ws");
    let sse = mean_ms(&results, "sse");
    assert!(
        (ws - ws_expected).abs() / ws_expected < 0.05,
        "ws {ws:.4} vs {ws_expected:.4} ms"
    );
    assert!(
        (sse - sse_expected).abs() / sse_expected < 0.05,
        "sse {sse:.4} vs {sse_expected:.4} ms"
    );
    // The model is exact enough for 1%.
    assert!(
        (ws - ws_expected).abs() / ws_expected < 0.01,
        "ws {ws:.4} vs {ws_expected:.4} ms"
    );
}

#[test]
fn long_polling_lies_between_push_and_polling() {
    let text = Simple {
        clients: 50,
        latency: "40ms",
        bandwidth: "20Mbit/s",
        source: "poisson",
        rate: "4/s",
        payload: "200B",
        duration: "5m",
        warmup: "10s",
    }
    .yaml(&[
        "{ label: poll, polling: { interval: 2s } }",
        "{ label: long-poll, long_polling: { timeout: 30s } }",
        "{ label: ws, websocket: {} }",
    ]);
    let results = run(&scenario(&text));
    let (poll, long_poll, ws) = (
        mean_ms(&results, "poll"),
        mean_ms(&results, "long-poll"),
        mean_ms(&results, "ws"),
    );
    assert!(
        ws < long_poll && long_poll < poll,
        "ws {ws}, long-poll {long_poll}, poll {poll}"
    );
    // Events that land while the next request is on its way wait up to one round trip:
    // long polling pays a visible premium over a push stream at 4 events/s and 80 ms RTT.
    assert!(long_poll > ws * 1.1, "ws {ws}, long-poll {long_poll}");
}

/// An overloaded server slows down: with pushes costing more CPU than the cores have,
/// the CPU queueing delay dominates the latency.
#[test]
fn cpu_cost_turns_into_queueing_delay() {
    let base = Simple {
        clients: 200,
        latency: "10ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "1/s",
        payload: "100B",
        duration: "60s",
        warmup: "5s",
    }
    .yaml(&["{ label: ws, websocket: {} }"]);
    let cheap = run(&scenario(&format!(
        "{base}server: {{ cores: 2, cost: {{ push: 10us }} }}\n"
    )));
    let dear = run(&scenario(&format!(
        "{base}server: {{ cores: 2, cost: {{ push: 2ms }} }}\n"
    )));
    let (cheap_ms, dear_ms) = (mean_ms(&cheap, "ws"), mean_ms(&dear, "ws"));
    // 200 pushes of 2 ms on 2 cores: the k-th ends at ceil(k/2) x 2 ms, mean about 101 ms.
    assert!(
        (dear_ms - cheap_ms - 100.5).abs() < 3.0,
        "cheap {cheap_ms}, dear {dear_ms}"
    );
    assert!(dear[0].cpu_utilisation > 0.19 && dear[0].cpu_utilisation < 0.21);
}
