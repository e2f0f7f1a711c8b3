//! Sweeps: the grid, parallel and sharded runs that give the same bytes, reruns of one
//! point, shards from batch-array environments.

use std::path::Path;

use crate::support::{folder_with as setup, rtsim_env as rtsim};
use serde_json::Value;

const SWEEP: &str = "name: sw
duration: 20s
network: { n: { latency: 10ms, bandwidth: 10Mbit/s } }
clients: { u: { count: 10, link: n } }
workload: { events: { source: poisson, rate: 1/s, payload: 100B } }
transports:
  - { label: poll, polling: { interval: 1s } }
  - { label: sse, sse: {} }
sweep:
  clients.u.count: { from: 10, to: 1000, steps: 3, scale: log }
  workload.events.payload: [100B, 1KB]
";

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn the_grid_has_every_combination_in_row_major_order() {
    let dir = setup(SWEEP);
    let (code, _, err) = rtsim(
        dir.path(),
        &["sweep", "s.yaml", "--out", "o", "--quiet"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&read(&dir.path().join("o"), "sweep.json")).unwrap();
    let points = json["points"].as_array().unwrap();
    assert_eq!(points.len(), 6);
    let params: Vec<(String, String)> = points
        .iter()
        .map(|p| {
            (
                p["params"][0][1].as_str().unwrap().into(),
                p["params"][1][1].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("10", "100B"),
        ("10", "1KB"),
        ("100", "100B"),
        ("100", "1KB"),
        ("1000", "100B"),
        ("1000", "1KB"),
    ];
    for (got, want) in params.iter().zip(expected) {
        assert_eq!((got.0.as_str(), got.1.as_str()), want);
    }
    // Each point really has its parameters.
    assert_eq!(points[4]["results"][0]["clients"], 1000);
    let csv = read(&dir.path().join("o"), "sweep.csv");
    assert_eq!(csv.lines().count(), 1 + 12);
    assert!(csv.starts_with(
        "scenario,run,point,clients.u.count,workload.events.payload,workload.events.payload_bytes,variant,label,"
    ));
}

#[test]
fn one_and_two_threads_write_the_same_bytes() {
    let dir = setup(SWEEP);
    rtsim(
        dir.path(),
        &["sweep", "s.yaml", "--out", "one", "--jobs", "1", "--quiet"],
        &[],
    );
    rtsim(
        dir.path(),
        &["sweep", "s.yaml", "--out", "two", "--jobs", "2", "--quiet"],
        &[],
    );
    for file in ["sweep.json", "sweep.csv"] {
        assert_eq!(
            read(&dir.path().join("one"), file),
            read(&dir.path().join("two"), file)
        );
    }
}

#[test]
fn merged_shards_are_byte_identical_to_one_run() {
    let dir = setup(SWEEP);
    let d = dir.path();
    rtsim(d, &["sweep", "s.yaml", "--out", "all", "--quiet"], &[]);
    for k in 1..=3 {
        let (code, _, err) = rtsim(
            d,
            &[
                "sweep",
                "s.yaml",
                "--out",
                &format!("part{k}"),
                "--shard",
                &format!("{k}/3"),
                "--quiet",
            ],
            &[],
        );
        assert_eq!(code, 0, "{err}");
    }
    let part1: Value = serde_json::from_str(&read(&d.join("part1"), "sweep.json")).unwrap();
    assert_eq!(
        part1["points"].as_array().unwrap().len(),
        2,
        "points 0 and 3"
    );
    let (code, _, err) = rtsim(
        d,
        &["merge", "part3", "part1", "part2", "--out", "merged"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    for file in ["sweep.json", "sweep.csv"] {
        assert_eq!(
            read(&d.join("all"), file),
            read(&d.join("merged"), file),
            "{file}"
        );
    }
    // A missing shard is an error naming the missing points.
    let (code, _, err) = rtsim(d, &["merge", "part1", "part2", "--out", "partial"], &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("points missing") && err.contains('2') && err.contains('5'),
        "{err}"
    );
}

#[test]
fn batch_array_environments_give_the_shard() {
    let dir = setup(SWEEP);
    let d = dir.path();
    rtsim(
        d,
        &[
            "sweep", "s.yaml", "--out", "direct", "--shard", "2/3", "--quiet",
        ],
        &[],
    );
    rtsim(
        d,
        &[
            "sweep",
            "s.yaml",
            "--out",
            "slurm",
            "--shard-from-env",
            "--quiet",
        ],
        &[
            ("SLURM_ARRAY_TASK_ID", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
        ],
    );
    rtsim(
        d,
        &[
            "sweep",
            "s.yaml",
            "--out",
            "k8s",
            "--shard-from-env",
            "--shard-count",
            "3",
            "--quiet",
        ],
        &[("JOB_COMPLETION_INDEX", "1")],
    );
    let direct = read(&d.join("direct"), "sweep.json");
    assert_eq!(direct, read(&d.join("slurm"), "sweep.json"));
    assert_eq!(direct, read(&d.join("k8s"), "sweep.json"));
    let (code, _, err) = rtsim(d, &["sweep", "s.yaml", "--shard-from-env", "--quiet"], &[]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn one_point_reruns_alone_with_the_same_numbers() {
    let dir = setup(SWEEP);
    let d = dir.path();
    rtsim(d, &["sweep", "s.yaml", "--out", "all", "--quiet"], &[]);
    let (code, _, err) = rtsim(
        d,
        &[
            "run", "s.yaml", "--point", "3", "--out", "p3", "--format", "json",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("point 3: clients.u.count=100, workload.events.payload=1KB"),
        "{err}"
    );
    let sweep: Value = serde_json::from_str(&read(&d.join("all"), "sweep.json")).unwrap();
    let single: Value = serde_json::from_str(&read(&d.join("p3"), "summary.json")).unwrap();
    assert_eq!(sweep["points"][3]["results"], single["results"]);
    // Without --point, `run` refuses to guess.
    let (code, _, err) = rtsim(d, &["run", "s.yaml"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("sweeps 6 points"), "{err}");
}

#[test]
fn set_fixes_a_swept_parameter() {
    let dir = setup(SWEEP);
    let d = dir.path();
    let (code, _, err) = rtsim(
        d,
        &[
            "sweep",
            "s.yaml",
            "--out",
            "o",
            "--quiet",
            "--set",
            "clients.u.count=50",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&read(&d.join("o"), "sweep.json")).unwrap();
    assert_eq!(json["points"].as_array().unwrap().len(), 2);
    assert_eq!(json["points"][0]["results"][0]["clients"], 50);
}

#[test]
fn bad_sweeps_are_input_errors() {
    for (axis, expected) in [
        ("clients.u.cuont: [1, 2]", "cuont"),
        (
            "clients.u.count: { from: 1s, to: 3KB, steps: 3 }",
            "cannot make a range",
        ),
        (
            "clients.u.count: { from: 0, to: 10, steps: 3, scale: log }",
            "above zero",
        ),
        ("clients.u.count: []", "at least one value"),
    ] {
        let text = SWEEP.replace(
            "  clients.u.count: { from: 10, to: 1000, steps: 3, scale: log }",
            &format!("  {axis}"),
        );
        let dir = setup(&text);
        let (code, _, err) = rtsim(dir.path(), &["check", "s.yaml"], &[]);
        assert_eq!(code, 2, "{axis}: {err}");
        assert!(err.contains(expected), "{axis}: {err}");
        assert!(!err.contains("panicked"));
    }
}

/// The sweep of [`SWEEP`] with the given `sweep:` block instead.
fn with_axes(axes: &str) -> String {
    let at = SWEEP.find("sweep:\n").unwrap();
    format!("{}sweep:\n{axes}", &SWEEP[..at])
}

/// Issue min-sweep-axes-product-wraps-to-zero and -capacity-overflow: a grid of 2^64 points
/// wrapped to 0 (index out of bounds) and one of 10^20 overflowed a capacity (panic). Both
/// are refused at the `sweep:` block, naming the count and the limit.
#[test]
fn grids_above_the_point_limit_are_refused_at_the_sweep_block() {
    for (axes, count) in [
        (
            "  clients.u.count: { from: 1, to: 65536, steps: 65536 }
  network.n.latency: { from: 1ms, to: 65536ms, steps: 65536 }
  network.n.bandwidth: { from: 1Mbit/s, to: 65536Mbit/s, steps: 65536 }
  workload.events.payload: { from: 1B, to: 65536B, steps: 65536 }
",
            "18446744073709551616",
        ),
        (
            "  clients.u.count: { from: 1, to: 10000, steps: 10000 }
  network.n.latency: { from: 1ms, to: 10000ms, steps: 10000 }
  network.n.bandwidth: { from: 1Mbit/s, to: 10000Mbit/s, steps: 10000 }
  workload.events.payload: { from: 1B, to: 10000B, steps: 10000 }
  workload.events.rate: { from: 1, to: 10000, steps: 10000 }
",
            "100000000000000000000",
        ),
    ] {
        let dir = setup(&with_axes(axes));
        for args in [
            &["check", "s.yaml"][..],
            &["sweep", "s.yaml", "--quiet", "--out", "o"],
            &["run", "s.yaml", "--point", "0", "--out", "o"],
        ] {
            let (code, _, err) = rtsim(dir.path(), args, &[]);
            assert_eq!(code, 2, "{args:?}: {err}");
            let first = err.lines().next().unwrap();
            assert!(
                first.starts_with("error: s.yaml:10:3: field `sweep`:"),
                "{args:?}: {err}"
            );
            assert!(
                first.contains(count) && first.contains("limit of 1000000000"),
                "{args:?}: {err}"
            );
            assert!(!err.contains("0 point(s)"), "{args:?}: {err}");
        }
    }
}

/// Issue sweep-10M-points: `check` and `run --point K` built all ten million points first
/// (an 8.7 GB allocation). Now `check` counts them and `run --point` builds one.
#[test]
fn ten_million_points_are_counted_not_built() {
    let dir = setup(&with_axes(
        "  clients.u.count: { from: 1, to: 1000, steps: 10000000 }\n",
    ));
    let d = dir.path();
    let started = std::time::Instant::now();
    let (code, _, err) = rtsim(d, &["check", "s.yaml"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("sweep: 10000000 points over clients.u.count (10000000 values)"),
        "{err}"
    );
    let (code, _, err) = rtsim(
        d,
        &["run", "s.yaml", "--point", "9999999", "--out", "p"],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("point 9999999: clients.u.count=1000"), "{err}");
    let (code, _, err) = rtsim(
        d,
        &["run", "s.yaml", "--point", "10000000", "--out", "p"],
        &[],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("has 10000000 point(s)"), "{err}");
    // A shard of ten points out of ten million: built and run lazily.
    let (code, _, err) = rtsim(
        d,
        &[
            "sweep",
            "s.yaml",
            "--quiet",
            "--shard",
            "1/1000000",
            "--out",
            "s",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let json: Value = serde_json::from_str(&read(&d.join("s"), "sweep.json")).unwrap();
    assert_eq!(json["points_total"], 10_000_000);
    let numbers: Vec<u64> = json["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["point"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (0..10).map(|k| k * 1_000_000).collect::<Vec<_>>());
    assert_eq!(
        json["axes"][0]["values"].as_array().unwrap().len(),
        10_000_000
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(120),
        "took {:?}",
        started.elapsed()
    );
}

/// Shards of one sweep, `--set` given to shard `k` only, and the unsharded run; `SWEEP8`
/// (with thresholds) in `d`.
fn shards(d: &Path, with_set: Option<usize>) {
    for k in 1..=3 {
        let out = format!("part{k}");
        let shard = format!("{k}/3");
        let mut args = vec![
            "sweep", "s.yaml", "--out", &out, "--shard", &shard, "--quiet",
        ];
        if with_set == Some(k) {
            args.extend(["--set", "network.n.latency=200ms"]);
        }
        let (code, _, err) = rtsim(d, &args, &[]);
        assert_eq!(code, 0, "{err}");
    }
}

/// [`SWEEP`] with thresholds, whose values are written to sweep.json and read back by merge.
fn with_thresholds() -> String {
    format!("{SWEEP}assert:\n  - sse.latency.p99 < 1s\n  - poll.latency.p50 < 10s\n")
}

/// Issue merge-mixed-shards: shards run with another `--set` were merged silently, and of
/// two different copies of a shard the first given won. Both are refused now; identical
/// copies are taken once, and the merge of a sweep with thresholds is byte-identical.
#[test]
fn merge_refuses_shards_of_different_sweeps_and_conflicting_copies() {
    let dir = setup(&with_thresholds());
    let d = dir.path();
    let (full_code, _, err) = rtsim(d, &["sweep", "s.yaml", "--out", "all", "--quiet"], &[]);
    assert_eq!(full_code, 0, "{err}");
    shards(d, None);
    // Identical copies: accepted, the same bytes as one run.
    let (code, _, err) = rtsim(
        d,
        &[
            "merge", "part1", "part2", "part2", "part3", "--out", "merged",
        ],
        &[],
    );
    assert_eq!(code, full_code, "{err}");
    for file in ["sweep.json", "sweep.csv"] {
        assert_eq!(
            read(&d.join("all"), file),
            read(&d.join("merged"), file),
            "{file}"
        );
    }
    // Shard 2 again, with another latency.
    std::fs::rename(d.join("part2"), d.join("part2-plain")).unwrap();
    shards(d, Some(2));
    let (code, _, err) = rtsim(d, &["merge", "part1", "part2", "part3", "--out", "m1"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("part1/sweep.json and part2/sweep.json come from different sweeps")
            && err.contains("--set network.n.latency=200ms")
            && err.contains("no --set"),
        "{err}"
    );
    assert!(!d.join("m1").exists());
    // Two copies of shard 2 whose results differ (the same origin, one file altered).
    std::fs::rename(d.join("part2"), d.join("part2-latency")).unwrap();
    std::fs::rename(d.join("part2-plain"), d.join("part2")).unwrap();
    std::fs::create_dir(d.join("part2-altered")).unwrap();
    let json = read(&d.join("part2"), "sweep.json");
    let altered = json.replacen("\"generated\": ", "\"generated\": 1", 1);
    assert_ne!(json, altered);
    std::fs::write(d.join("part2-altered/sweep.json"), altered).unwrap();
    let (code, _, err) = rtsim(
        d,
        &[
            "merge",
            "part1",
            "part2",
            "part2-altered",
            "part3",
            "--out",
            "m2",
        ],
        &[],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(
            "part2/sweep.json and part2-altered/sweep.json hold different results for point 1"
        ),
        "{err}"
    );
    // A whole sweep is not a shard.
    let (code, _, err) = rtsim(d, &["merge", "all", "part1", "--out", "m3"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("all/sweep.json holds a whole sweep"), "{err}");
}
