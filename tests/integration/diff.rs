//! `rtsim diff A B`: two real runs compared metric by metric from their JSON, the same run
//! twice (nothing moves, exit 0), thresholds (exit 1), sweeps, and folders that cannot be
//! compared (exit 2).

use std::path::Path;

use crate::support::{SMALL, rtsim_in};

/// Five clients for twenty seconds, three variants; `sweep` adds a 2 x 1 grid.
fn small(sweep: bool) -> String {
    let mut text = SMALL.to_string();
    if sweep {
        text.push_str("sweep:\n  clients.users.count: [5, 8]\n");
    }
    text
}

/// Runs `command` (`run` or `sweep`) on the small scenario into `dir/out`, with `seed`.
fn results(dir: &Path, command: &str, out: &str, seed: &str) {
    std::fs::write(dir.join("s.yaml"), small(command == "sweep")).unwrap();
    let mut args = vec![command, "s.yaml", "--out", out, "--seed", seed];
    if command == "sweep" {
        args.push("--quiet");
    }
    let (code, _, stderr) = rtsim_in(dir, &args);
    assert_eq!(code, 0, "{stderr}");
}

/// The table's rows: the lines between the header line and the blank line after it.
fn rows(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .skip_while(|l| !l.contains("variant") || !l.contains("change"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

#[test]
fn the_same_run_twice_differs_in_nothing() {
    let dir = tempfile::tempdir().unwrap();
    results(dir.path(), "run", "a", "3");
    results(dir.path(), "run", "b", "3");
    let (code, stdout, stderr) = rtsim_in(dir.path(), &["diff", "a", "b", "--threshold", "0"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("A: a/summary.json (run of `small`, seed 3)"),
        "{stdout}"
    );
    assert!(rows(&stdout).is_empty(), "{stdout}");
    let last = stdout.lines().last().unwrap();
    assert!(last.ends_with(": 0 differ, 0 by more than 0%"), "{last}");
    // --all lists every metric, each unchanged.
    let (code, stdout, _) = rtsim_in(dir.path(), &["diff", "a", "b", "--all"]);
    assert_eq!(code, 0);
    let all = rows(&stdout);
    assert!(all.len() > 100, "{stdout}");
    assert!(all.iter().all(|r| r.ends_with(" 0%")), "{stdout}");
    for variant in ["poll-1s", "sse-feed", "ws"] {
        assert!(
            all.iter()
                .any(|r| r.starts_with(variant) && r.contains(" latency.p99_ms ")),
            "{variant}: {stdout}"
        );
    }
}

#[test]
fn two_seeds_differ_metric_by_metric_in_a_stable_sorted_table() {
    let dir = tempfile::tempdir().unwrap();
    results(dir.path(), "run", "a", "3");
    results(dir.path(), "run", "b", "4");
    let (code, stdout, stderr) = rtsim_in(dir.path(), &["diff", "a", "b"]);
    assert_eq!(
        code, 0,
        "without --threshold a difference is no failure: {stderr}"
    );
    let table = rows(&stdout);
    assert!(!table.is_empty(), "{stdout}");
    // Sorted by variant, then metric.
    let keys: Vec<(&str, &str)> = table
        .iter()
        .map(|r| {
            let mut words = r.split_whitespace();
            (words.next().unwrap(), words.next().unwrap())
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    // Each row: A, B and the relative change from A, as written in summary.json.
    let read = |d: &str| -> serde_json::Value {
        serde_json::from_str(
            &std::fs::read_to_string(dir.path().join(d).join("summary.json")).unwrap(),
        )
        .unwrap()
    };
    let (a, b) = (read("a"), read("b"));
    let poll_a = a["results"][0]["latency"]["mean_ms"].as_f64().unwrap();
    let poll_b = b["results"][0]["latency"]["mean_ms"].as_f64().unwrap();
    assert_ne!(poll_a, poll_b, "another seed gives another mean latency");
    let row = table
        .iter()
        .find(|r| r.starts_with("poll-1s ") && r.contains(" latency.mean_ms "))
        .unwrap_or_else(|| panic!("no poll-1s latency.mean_ms row:\n{stdout}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[2].parse::<f64>().unwrap(), poll_a);
    assert_eq!(cells[3].parse::<f64>().unwrap(), poll_b);
    let change = (poll_b - poll_a) / poll_a * 100.0;
    assert_eq!(cells[4], format!("{change:+.2}%"), "{row}");
    // The same output every time.
    let (_, again, _) = rtsim_in(dir.path(), &["diff", "a", "b"]);
    assert_eq!(stdout, again);

    // A threshold below the largest change fails (exit 1), marking the rows beyond it.
    let (code, stdout, stderr) = rtsim_in(dir.path(), &["diff", "a", "b", "--threshold", "0.5%"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.contains("moved by more than 0.5%"), "{stderr}");
    assert!(rows(&stdout).iter().any(|r| r.ends_with(" !")), "{stdout}");
    // The folders' JSON files can be named instead of the folders.
    let (code, _, _) = rtsim_in(
        dir.path(),
        &["diff", "a/summary.json", "b", "--threshold", "0.5"],
    );
    assert_eq!(code, 1);
}

#[test]
fn sweeps_are_compared_point_by_point() {
    let dir = tempfile::tempdir().unwrap();
    results(dir.path(), "sweep", "a", "3");
    results(dir.path(), "sweep", "same", "3");
    results(dir.path(), "sweep", "b", "4");
    let (code, stdout, stderr) = rtsim_in(dir.path(), &["diff", "a", "same", "--threshold", "0"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("(2 point(s), 6 variant result(s)): 0 differ"),
        "{stdout}"
    );

    let (code, stdout, _) = rtsim_in(dir.path(), &["diff", "a", "b"]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("point 0: clients.users.count=5\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("point 1: clients.users.count=8\n"),
        "{stdout}"
    );
    let table = rows(&stdout);
    assert!(
        table.iter().any(|r| r.trim_start().starts_with("0 ")),
        "{stdout}"
    );
    assert!(
        table.iter().any(|r| r.trim_start().starts_with("1 ")),
        "{stdout}"
    );
}

#[test]
fn folders_that_cannot_be_compared_are_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    results(dir.path(), "run", "run", "3");
    results(dir.path(), "sweep", "sweep", "3");
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    std::fs::create_dir(dir.path().join("broken")).unwrap();
    std::fs::write(dir.path().join("broken/summary.json"), "{ not json").unwrap();
    for (a, b, says) in [
        ("run", "missing", "missing: no such folder"),
        ("empty", "run", "empty is not a results folder"),
        ("broken", "run", "broken/summary.json: not JSON"),
        (
            "run",
            "sweep",
            "cannot compare a run (run/summary.json) with a sweep",
        ),
        (
            "run",
            "s.yaml",
            "s.yaml is neither a folder nor a summary.json",
        ),
    ] {
        let (code, stdout, stderr) = rtsim_in(dir.path(), &["diff", a, b]);
        assert_eq!(code, 2, "diff {a} {b}: {stdout}{stderr}");
        assert!(stderr.contains(says), "diff {a} {b}: {stderr}");
        assert!(stdout.is_empty(), "{stdout}");
    }
    let (code, _, stderr) = rtsim_in(dir.path(), &["diff", "run", "run", "--threshold", "-5"]);
    assert_eq!(code, 2, "{stderr}");
}
