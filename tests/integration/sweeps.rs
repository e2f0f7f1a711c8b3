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

/// A point of a sweep.json: its number, its (parameter, value) pairs and its results.
type PointOf = (u64, Vec<(String, String)>, Value);

/// The points of the sweep.json in `dir`.
fn points_of(dir: &Path) -> Vec<PointOf> {
    let json: Value = serde_json::from_str(&read(dir, "sweep.json")).unwrap();
    json["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let params = p["params"]
                .as_array()
                .unwrap()
                .iter()
                .map(|pair| {
                    (
                        pair[0].as_str().unwrap().to_string(),
                        pair[1].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            (p["point"].as_u64().unwrap(), params, p["results"].clone())
        })
        .collect()
}

/// The axes run in the order they are written in the file, not sorted by name: the first
/// one written changes slowest. Written the other way round, the same runs come out in
/// another order, with the same numbers.
#[test]
fn axes_run_in_the_order_written() {
    let payload_first =
        with_axes("  workload.events.payload: [100B, 1KB]\n  clients.u.count: [10, 20, 30]\n");
    let dir = setup(&payload_first);
    let d = dir.path();
    let (code, _, err) = rtsim(d, &["check", "s.yaml"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("over workload.events.payload (2 values), clients.u.count (3 values)"),
        "{err}"
    );
    let (code, _, err) = rtsim(d, &["sweep", "s.yaml", "--out", "o", "--quiet"], &[]);
    assert_eq!(code, 0, "{err}");
    let written = points_of(&d.join("o"));
    let pairs: Vec<(u64, &str, &str)> = written
        .iter()
        .map(|(n, params, _)| {
            assert_eq!(params[0].0, "workload.events.payload");
            assert_eq!(params[1].0, "clients.u.count");
            (*n, params[0].1.as_str(), params[1].1.as_str())
        })
        .collect();
    assert_eq!(
        pairs,
        [
            (0, "100B", "10"),
            (1, "100B", "20"),
            (2, "100B", "30"),
            (3, "1KB", "10"),
            (4, "1KB", "20"),
            (5, "1KB", "30"),
        ]
    );
    let csv = read(&d.join("o"), "sweep.csv");
    assert!(
        csv.starts_with(
            "scenario,run,point,workload.events.payload,workload.events.payload_bytes,\
             clients.u.count,variant,label,"
        ),
        "{csv}"
    );
    let (code, _, err) = rtsim(d, &["run", "s.yaml", "--point", "1", "--out", "p1"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("point 1: workload.events.payload=100B, clients.u.count=20"),
        "{err}"
    );
    // The other order: the same runs and numbers, the clients axis slowest now.
    let clients_first =
        with_axes("  clients.u.count: [10, 20, 30]\n  workload.events.payload: [100B, 1KB]\n");
    std::fs::write(d.join("s.yaml"), clients_first).unwrap();
    let (code, _, err) = rtsim(d, &["sweep", "s.yaml", "--out", "other", "--quiet"], &[]);
    assert_eq!(code, 0, "{err}");
    let other = points_of(&d.join("other"));
    assert_eq!(other[1].1[0], ("clients.u.count".into(), "10".into()));
    assert_eq!(
        other[1].1[1],
        ("workload.events.payload".into(), "1KB".into())
    );
    for (_, params, results) in &written {
        let twin = other
            .iter()
            .find(|(_, p, _)| p[0].1 == params[1].1 && p[1].1 == params[0].1)
            .expect("the same point in the other order");
        assert_eq!(&twin.2, results, "{params:?}");
    }
}

/// Shards balanced by estimated cost: with points of very unequal cost (a clients axis last,
/// whose values round robin would deal one per shard), the busiest shard is within the
/// stated bound of the ideal, and the merged shards are the unsharded sweep byte for byte.
#[test]
fn balanced_shards_stay_within_the_bound_and_merge_byte_for_byte() {
    let dir = setup(&with_axes(
        "  workload.events.payload: [100B, 1KB]\n  clients.u.count: [2, 40, 800]\n",
    ));
    let d = dir.path();
    let (code, _, err) = rtsim(d, &["sweep", "s.yaml", "--out", "all", "--quiet"], &[]);
    assert_eq!(code, 0, "{err}");
    let n = 3u64;
    let mut busiest = 0;
    let mut parts = Vec::new();
    for k in 1..=n {
        let out = format!("part{k}");
        let shard = format!("{k}/{n}");
        let (code, _, err) = rtsim(
            d,
            &[
                "sweep", "s.yaml", "--out", &out, "--shard", &shard, "--quiet",
            ],
            &[],
        );
        assert_eq!(code, 0, "{err}");
        // Duration and variants are the same at every point: the cost is the clients.
        let load: u64 = points_of(&d.join(&out))
            .iter()
            .map(|(_, _, results)| results[0]["clients"].as_u64().unwrap())
            .sum();
        busiest = busiest.max(load);
        parts.push(out);
    }
    let costs: Vec<u64> = points_of(&d.join("all"))
        .iter()
        .map(|(_, _, results)| results[0]["clients"].as_u64().unwrap())
        .collect();
    let (total, costliest): (u64, u64) = (costs.iter().sum(), *costs.iter().max().unwrap());
    // The bound of docs/ci.md: the ideal plus (N - 1)/N of the costliest point.
    assert!(
        busiest * n <= total + costliest * (n - 1),
        "busiest shard {busiest} clients, total {total}, costliest point {costliest}"
    );
    // Here the split is the best there is: each 800-client point alone.
    assert_eq!(busiest, 800);
    let round_robin = (0..n as usize)
        .map(|k| costs.iter().skip(k).step_by(n as usize).sum::<u64>())
        .max()
        .unwrap();
    assert_eq!(round_robin, 1600, "round robin puts both 800s in shard 3");
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    args.extend(["--out", "merged"]);
    let (code, _, err) = rtsim(d, &args, &[]);
    assert_eq!(code, 0, "{err}");
    for file in ["sweep.json", "sweep.csv"] {
        assert_eq!(
            read(&d.join("all"), file),
            read(&d.join("merged"), file),
            "{file}"
        );
    }
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
    // Balanced by estimated cost (10, 10, 100, 100, 1000 and 1000 clients × 20 s × 2
    // variants): the two costliest points alone in shards 1 and 2, the four others in 3.
    let numbers = |part: &str| -> Vec<u64> {
        let json: Value = serde_json::from_str(&read(&d.join(part), "sweep.json")).unwrap();
        json["points"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["point"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(numbers("part1"), [4]);
    assert_eq!(numbers("part2"), [5]);
    assert_eq!(numbers("part3"), [0, 1, 2, 3]);
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
    let (code, _, err) = rtsim(d, &["merge", "part1", "part3", "--out", "partial"], &[]);
    assert_eq!(code, 2);
    assert!(err.contains("points missing from the parts: 5\n"), "{err}");
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
    // A shard of a few points out of ten million: built and run lazily. Above 2^20 points
    // shards are consecutive runs of about equal estimated cost: the last millionth of the
    // cost is the last five points, of 1000 clients each (the mean point has about 500).
    let (code, _, err) = rtsim(
        d,
        &[
            "sweep",
            "s.yaml",
            "--quiet",
            "--shard",
            "1000000/1000000",
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
    assert_eq!(numbers, (9_999_995..10_000_000).collect::<Vec<_>>());
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
            "part2/sweep.json and part2-altered/sweep.json hold different results for point 5"
        ),
        "{err}"
    );
    // A whole sweep is not a shard.
    let (code, _, err) = rtsim(d, &["merge", "all", "part1", "--out", "m3"], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("all/sweep.json holds a whole sweep"), "{err}");
}
