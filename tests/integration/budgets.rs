//! Runs under budgets (issue "Correct under stress"): `--max-events`, `--max-wall`, the memory
//! budget and a saturated server stop a run cleanly, with a report marked incomplete, instead
//! of an error with nothing written or an out-of-memory abort. Not timed: every stop here is
//! a deterministic one.

use std::path::Path;

use crate::support::{folder_with as setup, rtsim_in as rtsim};
use serde_json::Value;

/// Five clients for twenty seconds, two variants.
const SMALL: &str = "\
name: small
seed: 3
duration: 20s
network:
  dsl: { latency: 20ms, bandwidth: 10Mbit/s }
clients:
  users: { count: 5, link: dsl }
workload:
  events: { source: poisson, rate: 1/s, payload: 100B }
transports:
  - { label: sse-feed, sse: {} }
  - { label: ws, websocket: {} }
";

/// One core asked for 20 cores' worth of pushes: 200 clients, 100 events/s, 1 ms a push.
const SATURATED: &str = "\
name: saturated
duration: 1h
network:
  dsl: { latency: 20ms, bandwidth: 50Mbit/s }
clients:
  users: { count: 200, link: dsl }
server: { cores: 1, cost: { push: 1ms } }
workload:
  events: { source: poisson, rate: 100/s, payload: 100B }
transports:
  - { label: ws, websocket: {} }
";

fn json(dir: &Path, file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
}

#[test]
fn the_event_limit_writes_an_incomplete_report_naming_the_variant() {
    let dir = setup(SMALL);
    let d = dir.path();
    let (code, stdout, stderr) = rtsim(
        d,
        &[
            "run",
            "s.yaml",
            "--out",
            "a",
            "--max-events",
            "50",
            "--jobs",
            "1",
        ],
    );
    assert_eq!(code, 3, "a budget stop exits 3; stderr:\n{stderr}");
    assert!(
        stdout.contains("INCOMPLETE: variant `sse-feed`"),
        "{stdout}"
    );
    let summary = json(d, "a/summary.json");
    assert_eq!(summary["complete"], false, "{summary:#}");
    let stopped = summary["stopped"].as_array().unwrap();
    assert_eq!(stopped.len(), 2, "both variants stop: {summary:#}");
    assert_eq!(stopped[0]["variant"], "sse-feed");
    assert_eq!(stopped[0]["reason"], "max-events");
    let at = stopped[0]["simulated_s"].as_f64().unwrap();
    assert!(at > 0.0 && at < 20.0, "{at}");
    assert_eq!(summary["results"][0]["sim_events"], 50);
    assert_eq!(summary["results"][1]["stopped"]["reason"], "max-events");
    let markdown = std::fs::read_to_string(d.join("a/summary.md")).unwrap();
    assert!(markdown.contains("INCOMPLETE"), "{markdown}");
    // The same stop point at any thread count.
    let (code, _, _) = rtsim(
        d,
        &[
            "run",
            "s.yaml",
            "--out",
            "b",
            "--max-events",
            "50",
            "--jobs",
            "2",
        ],
    );
    assert_eq!(code, 3);
    assert_eq!(
        std::fs::read(d.join("a/summary.json")).unwrap(),
        std::fs::read(d.join("b/summary.json")).unwrap()
    );
}

#[test]
fn a_complete_run_is_not_marked() {
    let dir = setup(SMALL);
    let (code, _, stderr) = rtsim(
        dir.path(),
        &["run", "s.yaml", "--out", "a", "--max-wall", "1h"],
    );
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(dir.path().join("a/summary.json")).unwrap();
    assert!(!text.contains("\"complete\"") && !text.contains("\"stopped\""));
}

#[test]
fn bad_budgets_are_input_errors() {
    let dir = setup(SMALL);
    for args in [
        ["--max-wall", "0"],
        ["--max-wall", "soon"],
        ["--memory-limit", "lots"],
    ] {
        let mut all = vec!["run", "s.yaml", "--out", "a"];
        all.extend(args);
        let (code, _, stderr) = rtsim(dir.path(), &all);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(args[0]), "{args:?}: {stderr}");
    }
}

#[test]
fn a_saturated_server_stops_the_run_and_says_so() {
    let dir = setup(SATURATED);
    let d = dir.path();
    let (code, stdout, stderr) = rtsim(d, &["run", "s.yaml", "--out", "a"]);
    assert_eq!(
        code, 1,
        "saturation is a failure of the system; stderr:\n{stderr}"
    );
    assert!(stdout.contains("saturated"), "{stdout}");
    assert!(stderr.contains("saturated"), "{stderr}");
    let summary = json(d, "a/summary.json");
    assert_eq!(summary["complete"], false);
    let stop = &summary["stopped"][0];
    assert_eq!(stop["reason"], "saturated", "{summary:#}");
    assert_eq!(stop["variant"], "ws");
    // Half a minute's backlog builds at 19 s a second: about 2 s in, not an hour.
    let at = stop["simulated_s"].as_f64().unwrap();
    assert!(at > 0.5 && at < 10.0, "{at}");
    let detail = stop["detail"].as_str().unwrap();
    assert!(detail.contains("on 1 core(s)"), "{detail}");
}

#[test]
fn a_run_estimated_past_the_memory_budget_is_refused_naming_the_largest_part() {
    let dir = setup(&SMALL.replace("count: 5,", "count: 100000,"));
    let (code, stdout, stderr) = rtsim(
        dir.path(),
        &["run", "s.yaml", "--out", "a", "--memory-limit", "64MiB"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.is_empty());
    let first = stderr.lines().next().unwrap();
    assert!(first.starts_with("error: not enough memory"), "{first}");
    assert!(
        first.contains("budget of 64 MiB (--memory-limit)"),
        "{first}"
    );
    assert!(first.contains("the largest part is clients"), "{first}");
    assert!(!dir.path().join("a").exists(), "nothing is written");
}

#[test]
fn a_sweep_point_stopped_by_a_budget_is_reported_incomplete() {
    let dir = setup(&format!("{SMALL}sweep:\n  clients.users.count: [5, 6]\n"));
    let d = dir.path();
    let (code, stdout, stderr) = rtsim(
        d,
        &[
            "sweep",
            "s.yaml",
            "--quiet",
            "--out",
            "a",
            "--max-events",
            "50",
        ],
    );
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stdout.contains("INCOMPLETE: point 0 variant `sse-feed`"),
        "{stdout}"
    );
    let sweep = json(d, "a/sweep.json");
    let text = sweep.to_string();
    assert!(text.contains("\"max-events\""), "{sweep:#}");
}
