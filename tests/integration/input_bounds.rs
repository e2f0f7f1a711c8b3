//! Input bounds: every size, count, rate and duration of a scenario has a documented limit
//! (`src/scenario/bounds.rs`), reported at the value with its field path; paths that are not
//! regular files are refused before they are opened; subscription draws always end.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use rtsim::scenario::{ScenarioError, load_file, load_str};

/// A small valid scenario; `{events}` is the `workload.events` mapping.
fn scenario(events: &str) -> String {
    format!(
        "\
name: bounds
duration: 10s
network:
  broadband: {{ latency: 20ms, bandwidth: 50Mbit/s }}
clients:
  browsers: {{ count: 2, link: broadband }}
workload:
  events: {events}
transports:
  - {{ label: sse, sse: {{}} }}
"
    )
}

fn error(text: &str) -> ScenarioError {
    load_str("bounds.yaml", text, &[]).expect_err("the scenario must be refused")
}

/// Asserts the error is located, names `field` and says `words`.
fn assert_refused(text: &str, field: &str, words: &[&str]) {
    let e = error(text);
    assert!(e.position.is_some(), "not located: {e}");
    assert_eq!(e.field.as_deref(), Some(field), "{e}");
    for w in words {
        assert!(e.message.contains(w), "`{w}` missing from: {e}");
    }
}

/// Runs `f` on another thread and fails if it takes longer than `limit` (a hang).
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit).expect("did not finish in time")
}

/// Regression (reproducer `topics-u32-max`): 4294967295 topics were accepted and the run
/// allocated 103 GB.
#[test]
fn topics_and_subscriptions_are_bounded() {
    let text =
        scenario("{ source: poisson, rate: 1/s, payload: 180B, audience: { topics: 4294967295 } }");
    assert_refused(
        &text,
        "workload.events.audience.topics",
        &["4294967295", "the limit is 1000000 topics"],
    );
    let text = scenario(
        "{ source: poisson, rate: 1/s, payload: 180B, audience: { topics: 100000, subscriptions: 20000 } }",
    );
    assert_refused(
        &text,
        "workload.events.audience.subscriptions",
        &["the limit is 10000"],
    );
    // 2 clients × 10000 is within; 600 clients × 10000 is not.
    let within_bounds = scenario(
        "{ source: poisson, rate: 1/s, payload: 180B, audience: { topics: 1000000, subscriptions: 10000 } }",
    );
    load_str("bounds.yaml", &within_bounds, &[]).expect("at the bounds");
    let text = within_bounds.replace("count: 2,", "count: 600,");
    assert_refused(
        &text,
        "workload.events.audience.subscriptions",
        &["6000000 subscriptions in all", "the limit is 5000000"],
    );
}

/// Regression (reproducer `zipf-subscriptions-hang`): 99 of 100 topics at exponent 10 were
/// redrawn forever.
#[test]
fn a_steep_zipf_law_with_nearly_every_topic_runs() {
    let text = scenario(
        "{ source: poisson, rate: 1/s, payload: 180B, audience: { topics: 100, subscriptions: 99, zipf: 10 } }",
    );
    let s = load_str("zipf.yaml", &text, &[]).expect("valid");
    let results = within(Duration::from_secs(60), move || super::support::run(&s));
    assert!(!results.is_empty());
}

/// Regression (reproducer `payload-u64-max`): a payload of u64::MAX bytes was accepted and
/// the run's byte sums wrapped.
#[test]
fn payloads_and_other_sizes_are_bounded() {
    let text = scenario("{ source: poisson, rate: 2/s, payload: 18446744073709551615B }");
    assert_refused(
        &text,
        "workload.events.payload",
        &["the limit is 1 GiB for a payload"],
    );
    let text = scenario("{ source: poisson, rate: 2/s, payload: { uniform: [1B, 2GiB] } }");
    assert_refused(
        &text,
        "workload.events.payload.uniform[1]",
        &["the limit is 1 GiB"],
    );
    let ok = scenario("{ source: poisson, rate: 2/s, payload: 1GiB }");
    load_str("bounds.yaml", &ok, &[]).expect("1 GiB is within");
    let cases = [
        ("duration: 10s", "duration: 8d", "", ""),
        ("duration: 10s", "duration: 170h", "duration", "7 days"),
        (
            "latency: 20ms",
            "latency: 200h",
            "network.broadband.latency",
            "7 days",
        ),
        (
            "bandwidth: 50Mbit/s",
            "bandwidth: 2000Gbit/s",
            "network.broadband.bandwidth",
            "1Tbit/s",
        ),
        (
            "rate: 2/s",
            "rate: 20000000/s",
            "workload.events.rate",
            "at most 100000000 per run",
        ),
        (
            "sse: {}",
            "sse: { request_headers: 2MiB }",
            "transports[0].sse.request_headers",
            "the limit is 1 MiB for a header block",
        ),
        (
            "sse: {}",
            "sse: { replay_buffer: 4000000000 }",
            "transports[0].sse.replay_buffer",
            "the limit is 10000000",
        ),
    ];
    for (from, to, field, words) in cases {
        let text = ok.replace(from, to);
        if field.is_empty() {
            // `8d` is not a duration unit: refused by the parser already.
            error(&text);
            continue;
        }
        assert_refused(&text, field, &[words]);
    }
    for (block, field, words) in [
        ("tcp: { mss: 70000B }", "tcp.mss", "the limit is 65495 B"),
        ("tcp: { header: 1KiB }", "tcp.header", "the limit is 256 B"),
        (
            "http2: { window: 2GiB }",
            "http2.window",
            "the limit is 2147483647 B",
        ),
    ] {
        let text = format!("{ok}{block}\n");
        assert_refused(&text, field, &[words]);
    }
    // Each size within its bound, but together more payload than a u64 holds with headroom.
    let text = ok
        .replace("count: 2,", "count: 10000000,")
        .replace("duration: 10s", "duration: 7h");
    assert_refused(
        &text,
        "workload.events.payload",
        &["payload bytes in all", "the limit is 2^60"],
    );
}

/// A scenario, with its trace beside it in a temporary folder.
fn trace_scenario(dir: &Path, trace: &str) -> std::path::PathBuf {
    let path = dir.join("trace.yaml");
    std::fs::write(
        &path,
        scenario(&format!("{{ source: trace, trace: {trace} }}")),
    )
    .unwrap();
    path
}

/// Regression (reproducer `trace-dev-zero`, and the trace FIFO of check.sh): `/dev/zero`
/// was read until memory ran out, and a FIFO with no writer blocked forever.
#[cfg(unix)]
#[test]
fn traces_that_are_not_regular_files_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let mut cases = vec![("/dev/zero".to_string(), "a character device")];
    cases.push((".".to_string(), "a directory"));
    let fifo = dir.path().join("fifo.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    if made {
        cases.push(("fifo.csv".to_string(), "a named pipe (FIFO)"));
    }
    for (trace, kind) in cases {
        let path = trace_scenario(dir.path(), &trace);
        let e = within(Duration::from_secs(10), move || {
            load_file(&path, &[]).expect_err("refused")
        });
        assert!(e.position.is_some(), "not located: {e}");
        assert_eq!(e.field.as_deref(), Some("workload.events.trace"), "{e}");
        assert!(e.message.contains(kind), "{e}");
        assert!(e.message.contains("not a regular file"), "{e}");
    }
    // The scenario file itself: a FIFO is refused without waiting for a writer.
    if made {
        let e = within(Duration::from_secs(10), move || {
            load_file(&fifo, &[]).expect_err("refused")
        });
        assert!(e.message.contains("not a regular file"), "{e}");
    }
}

/// A trace larger than MAX_TRACE_BYTES is refused by its size, not read.
#[test]
fn traces_above_the_size_limit_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("big.csv");
    let file = std::fs::File::create(&csv).unwrap();
    file.set_len(rtsim::scenario::limits::MAX_TRACE_BYTES + 1)
        .unwrap();
    let path = trace_scenario(dir.path(), "big.csv");
    let e = load_file(&path, &[]).expect_err("refused");
    assert!(e.position.is_some(), "not located: {e}");
    assert!(
        e.message
            .contains("larger than 64 MiB, the limit for a trace"),
        "{e}"
    );
    std::fs::write(&csv, "time,size\n1,18446744073709551615\n").unwrap();
    let e = load_file(&path, &[]).expect_err("refused");
    assert!(e.message.contains("the limit is 1073741824 bytes"), "{e}");
}
