//! Charts: deterministic SVG with titles, axis labels and legends; `rtsim plot` draws the
//! same files again from saved results.

use std::path::Path;

use assert_cmd::Command;

const SMALL: &str = "name: small
duration: 30s
network: { n: { latency: 10ms, bandwidth: 10Mbit/s } }
clients: { u: { count: 10, link: n, ramp: 10s } }
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
    assert!(cdf.contains("small: delivery latency distribution"));
    assert!(cdf.contains("delivery latency (ms)") && cdf.contains("events delivered within"));
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

/// A chart whose every value is the same number says nothing: it is not drawn. Without a
/// ramp, SMALL's ten clients hold ten connections every second in every variant.
#[test]
fn a_flat_chart_is_not_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("s.yaml"), SMALL.replace(", ramp: 10s", "")).unwrap();
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "o"]), 0);
    let drawn = files(&d.join("o"), ".svg");
    assert!(!drawn.contains(&"connections-over-time.svg".to_string()));
    assert_eq!(drawn.len(), CHARTS.len() - 1);
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
    assert!(first.contains("small: p99 delivery latency against clients in group u"));
    assert!(first.contains("p99 delivery latency (ms)"));
    std::fs::remove_file(d.join("o").join(name)).unwrap();
    assert_eq!(rtsim(d, &["plot", "o"]), 0);
    assert_eq!(svg(&d.join("o"), name), first);
    // A folder without results is an input error.
    std::fs::create_dir(d.join("empty")).unwrap();
    assert_eq!(rtsim(d, &["plot", "empty"]), 2);
}

/// Markers are closed outlines (SMALL's three variants have a circle, a square and a
/// triangle), the legend's one a variant included.
fn closed_paths(svg: &str) -> usize {
    svg.split("points=\"")
        .skip(1)
        .filter(|rest| {
            let points: Vec<&str> = rest.split('"').next().unwrap().split_whitespace().collect();
            points.len() > 2 && points.first() == points.last()
        })
        .count()
}

#[test]
fn long_time_series_get_a_few_markers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let markers = |name: &str| closed_paths(&svg(&d.join("o"), name)) - 3;
    // 30 s: 31 points a line, each marked.
    std::fs::write(d.join("s.yaml"), SMALL).unwrap();
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "o"]), 0);
    assert_eq!(markers("connections-over-time.svg"), 3 * 31);
    // 200 s: 201 points a line would merge into a band; twelve markers a line.
    let long = SMALL.replace("duration: 30s", "duration: 200s");
    std::fs::write(d.join("s.yaml"), long).unwrap();
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "o"]), 0);
    let few = markers("connections-over-time.svg");
    assert!((3 * 10..=3 * 13).contains(&few), "{few} markers");
    // The frontier keeps its points, one per variant.
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
    assert!(rps.contains("small: requests per second against clients in group u"));
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
        // The title (20 px text at the top) darkens pixels in rows 0..30.
        let dark = (0..30)
            .flat_map(|y| (0..800).map(move |x| (x, y)))
            .filter(|(x, y)| image.get_pixel(*x, *y).0.iter().all(|c| *c < 100))
            .count();
        assert!(dark > 100, "{name}: {dark} dark pixels in the title band");
    }
}

/// A run for the chart snapshots: 60 s (long enough for spiky series to be smoothed), two
/// replicas with a crash at 30 s, a variant that polls too rarely to deliver anything, and
/// two streaming variants that coincide.
const KINDS: &str = "name: kinds
duration: 60s
network: { n: { latency: 10ms, bandwidth: 10Mbit/s } }
clients: { u: { count: 20, link: n } }
server: { replicas: 2 }
load_balancer: { layer: 4 }
broker: {}
workload: { events: { source: poisson, rate: 2/s, payload: 100B } }
faults:
  - { at: 30s, crash: { replica: 0, restart_after: 10s } }
transports:
  - { label: poll-1s, polling: { interval: 1s } }
  - { label: poll-hourly, polling: { interval: 1h } }
  - { label: sse, sse: {} }
  - { label: ws, websocket: {} }
";

/// Every kind of chart byte for byte (issue 16, "charts that read at a glance"): the
/// latency distribution and the frontier with a variant that delivered nothing, the time
/// series with a fault marked and spiky rates smoothed, a metric against one swept
/// parameter, against one of two (a panel per value of the other; a variant the other does
/// not change drawn once, in a panel of its own), and against one of several (one line per
/// value, a variant they do not change drawn once). A change here is
/// a change in the pictures: review it as one. (Not with the `png` feature, which measures
/// SVG text with the embedded font.)
#[test]
#[cfg(not(feature = "png"))]
fn every_chart_kind() {
    use rtsim::plot::charts::{LabelledSeries, run_charts, series_charts_with_faults};

    let s = crate::support::scenario(KINDS);
    let results = crate::support::run(&s);
    assert!(
        results[1].latency.is_none(),
        "poll-hourly delivers nothing in 60 s"
    );
    let mut charts = run_charts(&s.name, &results);
    let series: Vec<LabelledSeries> = results
        .iter()
        .map(|r| LabelledSeries {
            label: r.label.clone(),
            series: r.series.clone(),
        })
        .collect();
    charts.extend(series_charts_with_faults(
        &s.name,
        &series,
        &results[0].faults,
    ));
    let names: Vec<&str> = charts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "latency-cdf",
            "frontier",
            "connections-over-time",
            "requests-over-time",
            "cpu-over-time",
            "latency-over-time"
        ]
    );
    for chart in &charts {
        let svg = chart.figure.svg().unwrap();
        insta::assert_snapshot!(format!("kinds_{}", chart.name), svg);
    }

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let sweeps = [
        ("one", "  clients.u.count: [5, 50, 500]\n"),
        (
            "two",
            "  clients.u.count: [5, 50, 500]\n  server.cores: [1, 2]\n",
        ),
        (
            "own",
            "  clients.u.count: [5, 50, 500]\n  transports.0.polling.interval: [1s, 5s]\n",
        ),
        (
            "many",
            "  clients.u.count: [5, 50]\n  transports.0.polling.interval: [1s, 2s, 3s, 4s, 5s, 6s, 7s]\n",
        ),
    ];
    let small = SMALL.replace("duration: 30s", "duration: 15s");
    for (name, axes) in sweeps {
        let text = format!(
            "{small}sweep:\n{axes}charts:\n  - latency.p99 vs clients.u.count\n  - cpu_utilisation vs clients.u.count\n"
        );
        std::fs::write(d.join(format!("{name}.yaml")), text).unwrap();
        let out = format!("{name}-out");
        assert_eq!(
            rtsim(
                d,
                &["sweep", &format!("{name}.yaml"), "--out", &out, "--quiet"]
            ),
            0
        );
        for chart in [
            "latency-p99-vs-clients-u-count",
            "cpu-utilisation-vs-clients-u-count",
        ] {
            let svg = svg(&d.join(&out), &format!("{chart}.svg"));
            if name == "own" {
                // sse-feed and ws do not poll: drawn once, in a panel of their own.
                assert!(
                    svg.contains(">\nany polling interval of poll-1s\n<"),
                    "{chart}"
                );
            }
            insta::assert_snapshot!(format!("sweep_{name}_{chart}"), svg);
        }
    }
}

/// Against one of two parameters, a variant the other does not change is drawn once: in a
/// panel of its own when others change (sse-feed and ws do not poll, so the polling
/// interval of poll-1s leaves them alone), in a single panel when none does (every client
/// holds one connection, whatever the server's cores).
#[test]
fn a_variant_the_other_parameter_does_not_change_is_drawn_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let small = SMALL.replace("duration: 30s", "duration: 15s");
    for (name, other, metric) in [
        (
            "own",
            "transports.0.polling.interval: [1s, 5s]",
            "latency.p99",
        ),
        ("none", "server.cores: [1, 2]", "peak_open_connections"),
    ] {
        let text = format!(
            "{small}sweep:\n  clients.u.count: [5, 50]\n  {other}\ncharts:\n  - {metric} vs clients.u.count\n"
        );
        std::fs::write(d.join(format!("{name}.yaml")), text).unwrap();
        let out = format!("{name}-out");
        let args = ["sweep", &format!("{name}.yaml"), "--out", &out, "--quiet"];
        assert_eq!(rtsim(d, &args), 0);
        let drawn = files(&d.join(&out), ".svg");
        assert_eq!(drawn.len(), 1, "{drawn:?}");
        let chart = svg(&d.join(&out), &drawn[0]);
        let panel = |title: &str| chart.contains(&format!(">\n{title}\n<"));
        // The text of the chart, its wrapped lines joined (the legend's notes wrap).
        let text: String = chart
            .split('<')
            .filter_map(|piece| piece.split_once('>').map(|(_, t)| t.trim()))
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if name == "own" {
            assert!(panel("polling interval of poll-1s = 1s"), "{chart}");
            assert!(panel("polling interval of poll-1s = 5s"), "{chart}");
            assert!(panel("any polling interval of poll-1s"), "{chart}");
            assert!(
                text.contains("sse-feed and ws are the same at any polling interval of poll-1s"),
                "{text}"
            );
        } else {
            assert!(!panel("server cores = 1"), "one panel: {chart}");
            assert!(
                text.contains("The same at any server cores: each line drawn once."),
                "{text}"
            );
        }
    }
}

/// What a stranger reads: words and units, never field paths; a delivered-nothing variant
/// listed; faults marked; coinciding lines noted; the better corner of the frontier named.
#[test]
fn charts_speak_in_words() {
    use rtsim::plot::charts::{LabelledSeries, run_charts, series_charts_with_faults};

    let s = crate::support::scenario(KINDS);
    let results = crate::support::run(&s);
    let run = run_charts(&s.name, &results);
    let cdf = run[0].figure.svg().unwrap();
    assert!(cdf.contains("poll-hourly (delivered nothing)"), "{cdf}");
    assert!(cdf.contains("events delivered within that time (%)"));
    let frontier = run[1].figure.svg().unwrap();
    assert!(frontier.contains("better: fewer bytes and lower latency"));
    assert!(frontier.contains("poll-hourly (delivered nothing)"));
    let series: Vec<LabelledSeries> = results
        .iter()
        .map(|r| LabelledSeries {
            label: r.label.clone(),
            series: r.series.clone(),
        })
        .collect();
    let charts = series_charts_with_faults(&s.name, &series, &results[0].faults);
    let connections = charts[0].figure.svg().unwrap();
    assert!(
        connections.contains("crash of replica 0"),
        "the fault is marked"
    );
    assert!(connections.contains("faults."), "and said so in the legend");

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = format!("{SMALL}sweep:\n  clients.u.count: [5, 50, 500]\n");
    std::fs::write(d.join("s.yaml"), text).unwrap();
    assert_eq!(rtsim(d, &["sweep", "s.yaml", "--out", "o", "--quiet"]), 0);
    let p99 = svg(&d.join("o"), "latency-p99-vs-clients-u-count.svg");
    assert!(p99.contains("p99 delivery latency (ms)"));
    assert!(p99.contains("clients in group u"));
    assert!(!p99.contains("clients.u.count") && !p99.contains("latency.p99"));
    let cpu = svg(&d.join("o"), "cpu-utilisation-vs-clients-u-count.svg");
    assert!(
        cpu.contains("server CPU (%)") && cpu.contains("\n100\n"),
        "0 to 100 %"
    );
}

/// Issue 20: a sweep with replications draws each line at the mean over them, in a band of
/// its 95% confidence interval, and says so under the legend.
#[test]
#[cfg(not(feature = "png"))]
fn a_sweep_with_replications_draws_confidence_bands() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let small = SMALL.replace("duration: 30s", "duration: 15s");
    let text = format!(
        "{small}sweep:\n  clients.u.count: [5, 50, 500]\ncharts:\n  - latency.p99 vs clients.u.count\n"
    );
    std::fs::write(d.join("r.yaml"), text).unwrap();
    let chart = "latency-p99-vs-clients-u-count.svg";
    assert_eq!(rtsim(d, &["sweep", "r.yaml", "--out", "one", "--quiet"]), 0);
    let args = [
        "sweep",
        "r.yaml",
        "--out",
        "three",
        "--quiet",
        "--replications",
        "3",
    ];
    assert_eq!(rtsim(d, &args), 0);
    let (one, three) = (svg(&d.join("one"), chart), svg(&d.join("three"), chart));
    // The note under the legend, wrapped: "Lines: the mean over 3 replications; bands:
    // its 95% confidence interval."
    assert!(
        three.contains(">\nLines: the mean over 3\n<")
            && three.contains(">\nits 95% confidence\n<"),
        "the note explains the bands"
    );
    assert!(
        !one.contains("replications"),
        "one replication: no bands, no note"
    );
    // One band (a shaded polygon) per variant, behind its line.
    assert_eq!(three.matches("<polygon").count(), 3);
    assert_eq!(one.matches("<polygon").count(), 0);
    insta::assert_snapshot!("sweep_replicated_latency-p99-vs-clients-u-count", three);
}

/// Issue 20: with replications the frontier puts each variant at its means, with error bars
/// of their 95% intervals, and says so; a snapshot holds the picture.
#[test]
#[cfg(not(feature = "png"))]
fn a_run_with_replications_draws_error_bars_on_the_frontier() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("s.yaml"), SMALL).unwrap();
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "one"]), 0);
    assert_eq!(
        rtsim(
            d,
            &["run", "s.yaml", "--out", "three", "--replications", "3"]
        ),
        0
    );
    let (one, three) = (
        svg(&d.join("one"), "frontier.svg"),
        svg(&d.join("three"), "frontier.svg"),
    );
    assert!(
        three.contains(">\nPoints: means over the\n<"),
        "the note explains the bars"
    );
    assert!(
        !one.contains("Points: means"),
        "one replication: no bars, no note"
    );
    // Two bars (bytes and p99) per variant, each a line and two caps.
    let paths = |svg: &str| svg.matches("<polyline").count();
    assert_eq!(paths(&three), paths(&one) + 3 * 2 * 3);
    // `rtsim plot` draws the same bars from the saved summary.json.
    assert_eq!(rtsim(d, &["plot", "three"]), 0);
    assert_eq!(svg(&d.join("three"), "frontier.svg"), three);
    insta::assert_snapshot!("frontier_with_replications", three);
}
