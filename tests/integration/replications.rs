//! Replications (issue 20): R runs of every variant with derived seeds, reported as mean ±
//! 95 % confidence interval; one replication is exactly the run without them, and the
//! outputs are the same bytes at any thread count and shard split.

use std::path::Path;

use crate::support::{folder_with as setup, rtsim_in as rtsim};
use serde_json::Value;

const SCENARIO: &str = "name: rep
seed: 11
duration: 30s
warmup: 5s
network: { n: { latency: 15ms, jitter: 5ms, bandwidth: 10Mbit/s } }
clients: { u: { count: 20, link: n, ramp: 2s } }
workload: { events: { source: poisson, rate: 2/s, payload: 150B } }
transports:
  - { label: poll, polling: { interval: 2s } }
  - { label: sse, sse: {} }
";

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

fn json(dir: &Path, file: &str) -> Value {
    serde_json::from_str(&read(dir, file)).unwrap()
}

#[test]
fn one_replication_is_the_run_without_replications() {
    let dir = setup(SCENARIO);
    let d = dir.path();
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "plain"]).0, 0);
    let (code, out, err) = rtsim(d, &["run", "s.yaml", "--out", "one", "--replications", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains('±'), "{out}");
    for file in ["summary.json", "summary.md", "runs.csv", "series.csv"] {
        assert_eq!(
            read(&d.join("plain"), file),
            read(&d.join("one"), file),
            "{file}"
        );
    }
    let csv = read(&d.join("plain"), "runs.csv");
    assert!(
        !csv.lines().next().unwrap().contains("replication"),
        "{csv}"
    );
}

#[test]
fn replications_report_means_and_intervals_and_keep_replication_zero() {
    let dir = setup(SCENARIO);
    let d = dir.path();
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "plain"]).0, 0);
    let (code, out, err) = rtsim(
        d,
        &["run", "s.yaml", "--out", "three", "--replications", "3"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(" ± "),
        "the table shows mean ± half-width:\n{out}"
    );

    let plain = json(&d.join("plain"), "summary.json");
    let three = json(&d.join("three"), "summary.json");
    // Replication 0 is the scenario's own run, figure for figure.
    assert_eq!(plain["results"], three["results"]);
    assert!(plain.get("replications").is_none());
    let reps = &three["replications"];
    assert_eq!(reps["count"], 3);
    let seeds: Vec<u64> = reps["seeds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_u64().unwrap())
        .collect();
    assert_eq!(seeds[0], 11);
    assert_eq!(seeds[1], rtsim::replication::seed(11, 1));
    assert_eq!(seeds[2], rtsim::replication::seed(11, 2));
    assert_eq!(reps["runs"].as_array().unwrap().len(), 2);
    assert_eq!(reps["runs"][1][0]["seed"], seeds[2]);

    // The interval of a metric is the t interval of the three runs' values.
    let p99 = |run: &Value| run["latency"]["p99_ms"].as_f64().unwrap() * 1e6;
    let values = [
        p99(&three["results"][1]),
        p99(&reps["runs"][0][1]),
        p99(&reps["runs"][1][1]),
    ];
    let expected = rtsim::metrics::interval::Interval::of(&values).unwrap();
    let sse = &reps["variants"][1];
    assert_eq!(sse["label"], "sse");
    let got = &sse["metrics"]["latency.p99"];
    assert_eq!(got["mean"].as_f64().unwrap(), expected.mean);
    assert_eq!(got["half_width"].as_f64().unwrap(), expected.half_width);
    assert_eq!(got["n"], 3);
    assert!(
        expected.half_width > 0.0,
        "three seeds, three different p99s"
    );

    // runs.csv: a row per replication and variant, then each variant's mean and half-width.
    let csv = read(&d.join("three"), "runs.csv");
    let rows: Vec<Vec<String>> = csv
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(
        rows[0][..5],
        ["scenario", "run", "variant", "replication", "label"]
    );
    assert_eq!(rows.len(), 1 + 3 * 2 + 2 * 2);
    let markers: Vec<&str> = rows[1..].iter().map(|r| r[3].as_str()).collect();
    assert_eq!(
        markers,
        [
            "0",
            "0",
            "1",
            "1",
            "2",
            "2",
            "mean",
            "ci95_half_width",
            "mean",
            "ci95_half_width"
        ]
    );
    let column = rows[0].iter().position(|c| c == "latency_p99_ms").unwrap();
    let sse_mean: f64 = rows[9][column].parse().unwrap();
    assert!((sse_mean - expected.mean / 1e6).abs() < 1e-9, "{sse_mean}");
    assert_eq!(rows[9][4], "sse");
    assert_eq!(rows[9][1], "", "summary rows have no run number");
}

#[test]
fn replications_are_the_same_bytes_at_any_thread_count() {
    let dir = setup(SCENARIO);
    let d = dir.path();
    for (out, jobs) in [("j1", "1"), ("j3", "3")] {
        let args = [
            "run",
            "s.yaml",
            "--out",
            out,
            "--replications",
            "4",
            "--jobs",
            jobs,
        ];
        assert_eq!(rtsim(d, &args).0, 0);
    }
    for file in ["summary.json", "summary.md", "runs.csv", "report.html"] {
        assert_eq!(
            read(&d.join("j1"), file),
            read(&d.join("j3"), file),
            "{file}"
        );
    }
    // `rtsim report` and `rtsim plot` write the same page and charts again from the folder.
    let page = read(&d.join("j1"), "report.html");
    assert!(
        page.contains("mean over 4 replications"),
        "the page says what its cells are"
    );
    assert!(page.contains(" ± "), "the page's table shows intervals");
    let frontier = read(&d.join("j1"), "frontier.svg");
    assert_eq!(rtsim(d, &["report", "j1"]).0, 0);
    assert_eq!(rtsim(d, &["plot", "j1"]).0, 0);
    assert_eq!(read(&d.join("j1"), "report.html"), page);
    assert_eq!(read(&d.join("j1"), "frontier.svg"), frontier);
}

#[test]
fn the_scenario_field_sets_replications_and_the_flag_replaces_it() {
    let dir = setup(&SCENARIO.replace("seed: 11\n", "seed: 11\nreplications: 4\n"));
    let d = dir.path();
    let (code, out, _) = rtsim(d, &["check", "s.yaml"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("variants: poll, sse, 4 replications each"),
        "{out}"
    );
    assert_eq!(rtsim(d, &["run", "s.yaml", "--out", "field"]).0, 0);
    assert_eq!(
        json(&d.join("field"), "summary.json")["replications"]["count"],
        4
    );
    assert_eq!(
        rtsim(
            d,
            &["run", "s.yaml", "--out", "flag", "--replications", "2"]
        )
        .0,
        0
    );
    assert_eq!(
        json(&d.join("flag"), "summary.json")["replications"]["count"],
        2
    );
    // The flag is recorded, so report.html says how to reproduce the folder.
    assert_eq!(json(&d.join("flag"), "provenance.json")["replications"], 2);
    assert_eq!(
        rtsim(
            d,
            &["run", "s.yaml", "--out", "single", "--replications", "1"]
        )
        .0,
        0
    );
    assert!(
        json(&d.join("single"), "summary.json")
            .get("replications")
            .is_none()
    );
}

#[test]
fn bad_replication_counts_are_input_errors_naming_the_field() {
    for bad in ["0", "1001", "-2", "two"] {
        let dir =
            setup(&SCENARIO.replace("seed: 11\n", &format!("seed: 11\nreplications: {bad}\n")));
        let (code, _, err) = rtsim(dir.path(), &["check", "s.yaml"]);
        assert_eq!(code, 2, "replications: {bad}: {err}");
        assert!(
            err.contains("s.yaml:3:"),
            "replications: {bad} names its line: {err}"
        );
        assert!(err.contains("replications"), "{err}");
    }
    let dir = setup(SCENARIO);
    for bad in ["0", "1001", "-1"] {
        let (code, _, err) = rtsim(dir.path(), &["run", "s.yaml", "--replications", bad]);
        assert_eq!(code, 2, "--replications {bad}: {err}");
        assert!(err.contains("--replications"), "{err}");
    }
}

#[test]
fn thresholds_judge_the_mean_or_the_bound() {
    let dir = setup(SCENARIO);
    let d = dir.path();
    assert_eq!(
        rtsim(d, &["run", "s.yaml", "--out", "o", "--replications", "5"]).0,
        0
    );
    let summary = json(&d.join("o"), "summary.json");
    let bytes = &summary["replications"]["variants"][1]["metrics"]["bytes_per_client_hour"];
    let (mean, half_width) = (
        bytes["mean"].as_f64().unwrap(),
        bytes["half_width"].as_f64().unwrap(),
    );
    assert!(
        half_width > 10.0,
        "the seeds' event counts differ: {half_width}"
    );
    // A limit between the mean and the upper bound: the mean passes, the bound fails.
    let limit = (mean + half_width / 2.0).round() as u64;
    let text = format!(
        "{SCENARIO}assert:\n  - sse.bytes_per_client_hour < {limit}B\n  - {{ threshold: \"sse.bytes_per_client_hour < {limit}B\", judged_on: bound }}\n  - {{ threshold: \"sse.bytes_per_client_hour < {limit}B\", judged_on: mean }}\n"
    );
    std::fs::write(d.join("t.yaml"), text).unwrap();
    let (code, _, err) = rtsim(d, &["run", "t.yaml", "--out", "t", "--replications", "5"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("1 of 3 thresholds failed"), "{err}");
    let checks = json(&d.join("t"), "summary.json")["assertions"].clone();
    let verdicts: Vec<(bool, &str)> = checks
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["passed"].as_bool().unwrap(),
                c["judged_on"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(verdicts, [(true, "mean"), (false, "bound"), (true, "mean")]);
    assert_eq!(checks[1]["value"].as_f64().unwrap(), mean + half_width);
    assert!(err.contains("upper 95% bound"), "{err}");
    // With one replication the bound is the run's value: both pass or fail together.
    let (code, _, err) = rtsim(d, &["run", "t.yaml", "--out", "t1"]);
    let single = json(&d.join("t1"), "summary.json")["assertions"].clone();
    let passed: Vec<bool> = single
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["passed"].as_bool().unwrap())
        .collect();
    assert!(passed.iter().all(|p| *p == passed[0]), "{err}");
    assert_eq!(code, if passed[0] { 0 } else { 1 });
    assert!(
        single[0].get("judged_on").is_none(),
        "a single run on the mean reads as before"
    );
    assert_eq!(single[1]["judged_on"], "bound");
}

#[test]
fn a_bad_judged_on_value_is_an_input_error_at_its_field() {
    let text = format!(
        "{SCENARIO}assert:\n  - {{ threshold: \"sse.latency.p99 < 1s\", judged_on: upper }}\n"
    );
    let dir = setup(&text);
    let (code, _, err) = rtsim(dir.path(), &["check", "s.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("s.yaml:12:53"), "points at the value: {err}");
    assert!(
        err.contains("assert[0].judged_on"),
        "names the field: {err}"
    );
    assert!(
        err.contains("mean") && err.contains("bound"),
        "says what is expected: {err}"
    );
    let text = format!("{SCENARIO}assert:\n  - {{ threshold: \"sse.latency.p999 < 1s\" }}\n");
    let dir = setup(&text);
    let (code, _, err) = rtsim(dir.path(), &["check", "s.yaml"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("assert[0].threshold"),
        "names the field: {err}"
    );
}

const SWEEP: &str =
    "sweep:\n  clients.u.count: [10, 20, 40]\n  workload.events.payload: [100B, 1KB]\n";

#[test]
fn a_sharded_sweep_with_replications_merges_into_the_unsharded_bytes() {
    let dir = setup(&format!("{SCENARIO}{SWEEP}"));
    let d = dir.path();
    let (code, _, err) = rtsim(
        d,
        &[
            "sweep",
            "s.yaml",
            "--out",
            "all",
            "--replications",
            "3",
            "--quiet",
            "--jobs",
            "2",
        ],
    );
    assert_eq!(code, 0, "{err}");
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let out = format!("part{k}");
        let args = [
            "sweep",
            "s.yaml",
            "--out",
            &out,
            "--shard",
            &shard,
            "--replications",
            "3",
            "--quiet",
            "--jobs",
            "1",
        ];
        let (code, _, err) = rtsim(d, &args);
        assert_eq!(code, 0, "{err}");
    }
    let (code, _, err) = rtsim(d, &["merge", "part2", "part3", "part1", "--out", "merged"]);
    assert_eq!(code, 0, "{err}");
    for file in [
        "sweep.json",
        "sweep.csv",
        "report.html",
        "latency-p99-vs-clients-u-count.svg",
    ] {
        assert_eq!(
            read(&d.join("all"), file),
            read(&d.join("merged"), file),
            "{file}"
        );
    }
    let sweep = json(&d.join("all"), "sweep.json");
    for point in sweep["points"].as_array().unwrap() {
        assert_eq!(point["replications"]["count"], 3);
        assert_eq!(point["replications"]["seeds"][0], point["seed"]);
    }
    let csv = read(&d.join("all"), "sweep.csv");
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let at = header.iter().position(|c| *c == "replication").unwrap();
    assert_eq!(header[at - 1], "variant");
    // 6 points × 2 variants × (3 replications + mean + half-width).
    assert_eq!(csv.lines().count(), 1 + 6 * 2 * 5);
    // Shards run with other replications are not merged.
    let args = [
        "sweep",
        "s.yaml",
        "--out",
        "other",
        "--shard",
        "1/3",
        "--replications",
        "2",
        "--quiet",
    ];
    assert_eq!(rtsim(d, &args).0, 0);
    let (code, _, err) = rtsim(d, &["merge", "other", "part2", "part3", "--out", "bad"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--replications"), "{err}");
}

#[test]
fn diff_compares_the_means_over_replications() {
    let dir = setup(SCENARIO);
    let d = dir.path();
    let a = ["run", "s.yaml", "--out", "a", "--replications", "3"];
    assert_eq!(rtsim(d, &a).0, 0);
    let b = [
        "run",
        "s.yaml",
        "--out",
        "b",
        "--replications",
        "3",
        "--seed",
        "12",
    ];
    assert_eq!(rtsim(d, &b).0, 0);
    let (code, out, err) = rtsim(d, &["diff", "a", "b"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("replications.mean.latency.p99"), "{out}");
    let (code, out, _) = rtsim(d, &["diff", "a", "a", "--all"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("replications.half_width.bytes_per_client_hour"),
        "{out}"
    );
    assert!(out.contains(": 0 differ"), "{out}");
}

#[test]
fn a_stopped_replication_is_named_with_its_seed() {
    let dir = setup(SCENARIO);
    let args = [
        "run",
        "s.yaml",
        "--out",
        "o",
        "--replications",
        "2",
        "--max-events",
        "300",
    ];
    let (code, _, err) = rtsim(dir.path(), &args);
    assert_eq!(code, 3, "stopped by a budget: {err}");
    let seed = rtsim::replication::seed(11, 1);
    assert!(
        err.contains(&format!(
            "replication 1 (seed {seed}): INCOMPLETE: variant `sse`"
        )),
        "{err}"
    );
    let summary = json(&dir.path().join("o"), "summary.json");
    assert_eq!(summary["complete"], false);
}
