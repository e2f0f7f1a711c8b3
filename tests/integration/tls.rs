//! TLS: handshake round trips and bytes, record overhead.

use rtsim::RunResult;

use crate::support::{Simple, run, scenario};

/// One WebSocket client per TLS version, 10 ms one-way, 100 Mbit/s (80 ns per byte).
fn one_client_each(versions: &[&str]) -> Vec<RunResult> {
    let text = Simple {
        clients: 1,
        latency: "10ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "1/s",
        payload: "100B",
        duration: "20500ms",
        warmup: "0s",
    }
    .yaml(&["{ websocket: {} }"]);
    // One group per version, each alone in its own run.
    let group = "  users: { count: 1, link: link }\n";
    assert!(text.contains(group));
    let mut results = Vec::new();
    for version in versions {
        let with_tls = text.replace(
            group,
            &format!("  users: {{ count: 1, link: link, tls: {version} }}\n"),
        );
        results.push(run(&scenario(&with_tls)).remove(0));
    }
    results
}

fn first_response_ns(r: &RunResult) -> f64 {
    r.first_response
        .as_ref()
        .expect("a connection was opened")
        .mean_ms
        * 1e6
}

#[test]
fn tls_1_3_adds_one_round_trip_and_1_2_two() {
    let results = one_client_each(&["none", "\"1.3\"", "\"1.2\""]);
    let (plain, v13, v12) = (&results[0], &results[1], &results[2]);
    let rtt = 20e6;
    let ns_per_byte = 80.0;
    let handshake_cpu = 200e3;
    // Serialization of the extra flights (each one segment of 52 header bytes, the server's
    // 4000-byte flight three) and of the record overhead on the upgrade and its 101.
    let client_hello = 517.0 + 52.0;
    let server_hello = 4000.0 + 3.0 * 52.0;
    let v13_extra = rtt
        + handshake_cpu
        + ns_per_byte * (client_hello + server_hello + (64.0 + 52.0) + 2.0 * 22.0);
    let v12_extra = 2.0 * rtt
        + handshake_cpu
        + ns_per_byte * (client_hello + server_hello + (97.0 + 52.0) + (55.0 + 52.0) + 2.0 * 29.0);
    let d13 = first_response_ns(v13) - first_response_ns(plain);
    let d12 = first_response_ns(v12) - first_response_ns(plain);
    assert!(
        (d13 - v13_extra).abs() < 2.0,
        "TLS 1.3 added {d13} ns, expected {v13_extra}"
    );
    assert!(
        (d12 - v12_extra).abs() < 2.0,
        "TLS 1.2 added {d12} ns, expected {v12_extra}"
    );
}

#[test]
fn tls_bytes_are_the_handshake_and_one_overhead_per_record() {
    let results = one_client_each(&["none", "\"1.3\"", "\"1.2\""]);
    let (plain, v13, v12) = (
        &results[0].totals.bytes,
        &results[1].totals.bytes,
        &results[2].totals.bytes,
    );
    assert_eq!(plain.down.tls + plain.up.tls, 0);
    let events = v13.down.payload / 100;
    assert_eq!(events, 20);
    // Down: the server's flight, then one record for the 101 and one per event.
    assert_eq!(v13.down.tls, 4000 + 22 * (1 + events));
    assert_eq!(v12.down.tls, 4000 + 55 + 29 * (1 + events));
    // Up: ClientHello, the client's Finished flight, one record for the upgrade request.
    assert_eq!(v13.up.tls, 517 + 64 + 22);
    assert_eq!(v12.up.tls, 517 + 97 + 29);
    // Application bytes are untouched.
    assert_eq!(
        v13.down.payload + v13.down.framing,
        plain.down.payload + plain.down.framing
    );
}

#[test]
fn unknown_tls_version_is_an_input_error() {
    let text = Simple {
        clients: 1,
        latency: "10ms",
        bandwidth: "100Mbit/s",
        source: "periodic",
        rate: "1/s",
        payload: "100B",
        duration: "10s",
        warmup: "0s",
    }
    .yaml(&["{ websocket: {} }"])
    .replace("link: link }", "link: link, tls: 1.1 }");
    let error = rtsim::scenario::load_str("t.yaml", &text, &[])
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("unknown TLS version") && error.contains("\"1.3\""),
        "{error}"
    );
    assert!(error.starts_with("t.yaml:8:"), "{error}");
}
