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

fn files(dir: &Path, extension: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(extension))
        .collect();
    names.sort();
    names
}

/// A scenario's `charts:` list picks the run charts; the list is saved in summary.json, so
/// `rtsim plot` redraws the same ones.
#[test]
fn a_run_draws_the_charts_its_scenario_lists() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = format!("{SMALL}charts: [frontier, cpu-over-time]\n");
    std::fs::write(d.join("s.yaml"), text).unwrap();
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "o"]), 0);
    assert_eq!(
        files(&d.join("o"), ".svg"),
        ["cpu-over-time.svg", "frontier.svg"]
    );
    let frontier = svg(&d.join("o"), "frontier.svg");
    std::fs::remove_file(d.join("o/frontier.svg")).unwrap();
    std::fs::remove_file(d.join("o/cpu-over-time.svg")).unwrap();
    assert_eq!(rtsim(d, &["plot", "o"]), 0);
    assert_eq!(
        files(&d.join("o"), ".svg"),
        ["cpu-over-time.svg", "frontier.svg"]
    );
    assert_eq!(svg(&d.join("o"), "frontier.svg"), frontier);
}

/// In a sweep, `<metric> vs <parameter>` draws any registered metric (not only the headline
/// ones); shards merged draw the same chart as one run.
#[test]
fn a_sweep_draws_any_metric_it_lists_against_its_parameter() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = format!(
        "{SMALL}sweep:\n  clients.u.count: [5, 50]\ncharts:\n  - latency.p50 vs clients.u.count\n  - requests_per_second vs clients.u.count\n"
    );
    std::fs::write(d.join("s.yaml"), text).unwrap();
    assert_eq!(rtsim(d, &["sweep", "s.yaml", "--out", "all", "--quiet"]), 0);
    let wanted = [
        "latency-p50-vs-clients-u-count.svg",
        "requests-per-second-vs-clients-u-count.svg",
    ];
    assert_eq!(files(&d.join("all"), ".svg"), wanted);
    let rps = svg(&d.join("all"), wanted[1]);
    assert!(rps.contains("small: requests_per_second against clients.u.count"));
    for shard in ["1/2", "2/2"] {
        let out = format!("part{}", &shard[..1]);
        let args = [
            "sweep", "s.yaml", "--shard", shard, "--out", &out, "--quiet",
        ];
        assert_eq!(rtsim(d, &args), 0);
        assert!(
            files(&d.join(&out), ".svg").is_empty(),
            "shards draw no charts"
        );
    }
    assert_eq!(rtsim(d, &["merge", "part1", "part2", "--out", "m"]), 0);
    assert_eq!(files(&d.join("m"), ".svg"), wanted);
    for name in wanted {
        assert_eq!(svg(&d.join("m"), name), svg(&d.join("all"), name));
    }
}

/// `--png` in a build without the `png` feature says how to get it, before running.
#[test]
#[cfg(not(feature = "png"))]
fn png_without_the_feature_is_an_input_error() {
    let out = Command::cargo_bin("rtsim")
        .unwrap()
        .args(["run", "--png", "--out", "/nonexistent/never-written"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--features png"), "{stderr}");
}

/// With the `png` feature, `--png` writes each chart as an 800x500 PNG beside its SVG,
/// identical from run to run, with text drawn (dark pixels in the title band).
#[test]
#[cfg(feature = "png")]
fn png_charts_are_written_beside_the_svg() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("s.yaml"), SMALL).unwrap();
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "a", "--png"]), 0);
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "b", "--png"]), 0);
    let svgs: Vec<String> = files(&d.join("a"), ".svg")
        .iter()
        .map(|n| n.replace(".svg", ".png"))
        .collect();
    assert_eq!(files(&d.join("a"), ".png"), svgs);
    for name in &svgs {
        let a = std::fs::read(d.join("a").join(name)).unwrap();
        assert_eq!(a, std::fs::read(d.join("b").join(name)).unwrap(), "{name}");
        let image = image::load_from_memory(&a).unwrap().to_rgb8();
        assert_eq!(image.dimensions(), (800, 500), "{name}");
        // The title (20 px text, 15 px margin) darkens pixels in rows 15..40.
        let dark = (15..40)
            .flat_map(|y| (0..800).map(move |x| (x, y)))
            .filter(|(x, y)| image.get_pixel(*x, *y).0.iter().all(|c| *c < 100))
            .count();
        assert!(dark > 100, "{name}: {dark} dark pixels in the title band");
    }
}
