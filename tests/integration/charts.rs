//! Charts: deterministic SVG with titles, axis labels and legends; `rtsim plot` draws the
//! same files again from saved results.

use std::path::Path;

use assert_cmd::Command;

const SMALL: &str = "name: small
duration: 30s
network: { n: { latency: 10ms, bandwidth: 10Mbit/s } }
clients: { u: { count: 10, link: n } }
workload: { events: { source: poisson, rate: 2/s, payload: 100B } }
transports:
  - { label: poll-1s, polling: { interval: 1s } }
  - { label: sse-feed, sse: {} }
  - { label: ws, websocket: {} }
";

fn rtsim(dir: &Path, args: &[&str]) -> i32 {
    Command::cargo_bin("rtsim")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
        .status
        .code()
        .unwrap_or(-1)
}

fn svg(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn run_charts_are_labelled_and_identical_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("s.yaml"), SMALL).unwrap();
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "a"]), 0);
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "b"]), 0);
    for name in CHARTS {
        let a = svg(&d.join("a"), name);
        assert_eq!(a, svg(&d.join("b"), name), "{name} differs between runs");
        assert!(a.starts_with("<svg"), "{name}");
        for label in ["poll-1s", "sse-feed", "ws"] {
            assert!(a.contains(label), "{name} has no legend entry for {label}");
        }
    }
    let cdf = svg(&d.join("a"), "latency-cdf.svg");
    assert!(cdf.contains("small: delivery latency"));
    assert!(cdf.contains("delivery latency (ms)") && cdf.contains("share of events delivered"));
    let frontier = svg(&d.join("a"), "frontier.svg");
    assert!(frontier.contains("p99 delivery latency (ms)"));
    assert!(
        frontier.contains("(optimal)"),
        "the Pareto-optimal variants are marked"
    );
    assert!(svg(&d.join("a"), "connections-over-time.svg").contains("simulated time (s)"));
    // `rtsim plot` redraws every run chart, time series included, from the saved JSON.
    for name in CHARTS {
        std::fs::remove_file(d.join("a").join(name)).unwrap();
    }
    assert_eq!(rtsim(d, &["plot", "a"]), 0);
    for name in CHARTS {
        assert_eq!(
            svg(&d.join("a"), name),
            svg(&d.join("b"), name),
            "{name} redrawn"
        );
    }
}

const CHARTS: [&str; 6] = [
    "latency-cdf.svg",
    "frontier.svg",
    "connections-over-time.svg",
    "requests-over-time.svg",
    "cpu-over-time.svg",
    "latency-over-time.svg",
];

#[test]
fn plot_draws_the_same_charts_from_saved_results() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = format!("{SMALL}sweep:\n  clients.u.count: [5, 50, 500]\n");
    std::fs::write(d.join("s.yaml"), text).unwrap();
    assert_eq!(rtsim(d, &["sweep", "s.yaml", "--out", "o", "--quiet"]), 0);
    let name = "latency-p99-vs-clients-u-count.svg";
    let first = svg(&d.join("o"), name);
    assert!(first.contains("small: latency.p99 against clients.u.count"));
    assert!(first.contains("latency.p99 (ms)"));
    std::fs::remove_file(d.join("o").join(name)).unwrap();
    assert_eq!(rtsim(d, &["plot", "o"]), 0);
    assert_eq!(svg(&d.join("o"), name), first);
    // A folder without results is an input error.
    std::fs::create_dir(d.join("empty")).unwrap();
    assert_eq!(rtsim(d, &["plot", "empty"]), 2);
}

#[test]
fn long_time_series_are_drawn_without_point_markers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let markers = |name: &str| svg(&d.join("o"), name).matches("<circle").count();
    // 30 s: 31 points a line, each marked.
    std::fs::write(d.join("s.yaml"), SMALL).unwrap();
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "o"]), 0);
    assert_eq!(markers("connections-over-time.svg"), 3 * 31);
    // 200 s: 201 points a line would merge into a band; lines only.
    let long = SMALL.replace("duration: 30s", "duration: 200s");
    std::fs::write(d.join("s.yaml"), long).unwrap();
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "o"]), 0);
    assert_eq!(markers("connections-over-time.svg"), 0);
    // The frontier keeps its points (one per variant, ringed when optimal).
    assert!(markers("frontier.svg") >= 3);
}
