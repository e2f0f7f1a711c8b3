//! `rtsim capacity` (issue 20, "Capacity and the knee"): the smallest replica count for a
//! p99 limit on `scenarios/capacity.yaml`, checked against separate runs just below and at
//! the answer; a refusal when the probes are not monotone in the direction asked; bad
//! input (exit 2, naming what was expected); the same bytes at 1 and 2 threads.

use crate::support::rtsim_in;
use rtsim::scenario::{self, Override};

const EXAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/capacity.yaml");

/// Runs `rtsim capacity` on the example with `args`, writing into a fresh folder: exit
/// code, stdout, stderr and capacity.json.
fn capacity(args: &[&str]) -> (i32, String, String, serde_json::Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut all = vec!["capacity", EXAMPLE, "--out", out.to_str().unwrap()];
    all.extend(args);
    let (code, stdout, stderr) = rtsim_in(dir.path(), &all);
    let json = std::fs::read_to_string(out.join("capacity.json"))
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap_or(serde_json::Value::Null);
    (code, stdout, stderr, json, dir)
}

/// The upper 95 % bound of SSE's p99 (ms) over the example's replications, run apart from
/// `capacity`: every variant of the scenario with `server.replicas` set, through
/// [`rtsim::replication::run`].
fn sse_p99_bound_ms(replicas: u32) -> f64 {
    let overrides = [Override::parse(&format!("server.replicas={replicas}")).unwrap()];
    let s = scenario::load_file(EXAMPLE.as_ref(), &overrides).unwrap();
    assert_eq!(s.replications, 3, "the example runs 3 replications");
    let limits = rtsim::engine::Limits::events(rtsim::sim::DEFAULT_MAX_EVENTS);
    let (first, replications) = rtsim::replication::run(&s, &limits, false).unwrap();
    assert!(first.iter().all(|r| r.stopped.is_none()));
    let p99 = replications
        .unwrap()
        .variant("sse")
        .unwrap()
        .metric("latency.p99")
        .copied()
        .unwrap();
    p99.high() / 1e6
}

#[test]
fn the_fewest_replicas_for_a_p99_limit_agree_with_runs_below_and_at_the_answer() {
    let (code, stdout, stderr, json, _dir) = capacity(&[
        "--axis",
        "server.replicas",
        "--from",
        "1",
        "--to",
        "8",
        "--objective",
        "latency_p99<=50ms",
        "--variant",
        "sse",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let sse = &json["variants"][0];
    assert_eq!(sse["label"], "sse");
    assert_eq!(sse["outcome"]["kind"], "answer");
    let answer = sse["outcome"]["value"].as_u64().unwrap();
    assert_eq!(answer, 3, "{stdout}");
    // Bisection over 1..=8: the ends 1 and 8, then 4 (passes), 2 (fails), 3 (passes): five
    // probes, 2 + ⌈log₂ 7⌉.
    let probed: Vec<u64> = sse["probes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_u64().unwrap())
        .collect();
    assert_eq!(probed, [1, 8, 4, 2, 3]);
    // Separate runs: one replica fewer breaks the limit on its bound, the answer meets it.
    let below = sse_p99_bound_ms(2);
    let at = sse_p99_bound_ms(3);
    assert!(below > 50.0, "2 replicas: bound {below} ms");
    assert!(at <= 50.0, "3 replicas: bound {at} ms");
    // And capacity judged the same figures (the same seeds at every value).
    let probe = |v: u64| {
        sse["probes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["value"] == v)
            .unwrap()
            .clone()
    };
    for (value, bound) in [(2, below), (3, at)] {
        let f = &probe(value)["figure"];
        let high = (f["mean"].as_f64().unwrap() + f["half_width"].as_f64().unwrap()) / 1e6;
        assert!(
            (high - bound).abs() < 1e-9,
            "{value}: {high} against {bound}"
        );
    }
    assert!(
        stdout.contains("`sse`: server.replicas = 3 meets latency_p99 ≤ 50ms"),
        "{stdout}"
    );
    assert!(stdout.contains("; 2 does not ("), "{stdout}");
}

#[test]
fn a_figure_that_goes_the_wrong_way_is_refused_naming_the_probes() {
    // Asking for the largest replica count that meets the limit says p99 should get no
    // better with more replicas; it falls from 91.7 ms at 1 to 29.3 ms at 8, so the two
    // ends disagree (1 fails where 8 passes) and no bound is given.
    let (code, _, stderr, json, dir) = capacity(&[
        "--axis",
        "server.replicas",
        "--from",
        "1",
        "--to",
        "8",
        "--find",
        "largest",
        "--objective",
        "latency_p99<=50ms",
        "--variant",
        "sse",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "error: `sse`: refused, latency_p99 is not monotone along server.replicas \
             (latency_p99 should get no better as server.replicas grows)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("The probes that disagree: at 1 "),
        "{stderr}"
    );
    assert!(stderr.contains(" at 8."), "{stderr}");
    let outcome = &json["variants"][0]["outcome"];
    assert_eq!(outcome["kind"], "not_monotone");
    assert_eq!(outcome["value"][0]["lower"], 1);
    assert_eq!(outcome["value"][0]["higher"], 8);
    // The report and the chart are written all the same.
    assert!(dir.path().join("out/capacity.svg").exists());
}

#[test]
fn no_value_in_the_bounds_exits_1() {
    // Long polling's p99 stays above 50 ms at 8 replicas (the re-request after each event).
    let (code, stdout, stderr, json, _dir) = capacity(&[
        "--axis",
        "server.replicas",
        "--from",
        "4",
        "--to",
        "8",
        "--objective",
        "latency_p99<=50ms",
        "--variant",
        "long-poll",
        "--set",
        "clients.browsers.count=1000",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["variants"][0]["outcome"]["kind"], "none_meets");
    assert!(
        stdout.contains("`long-poll`: no value of server.replicas from 4 to 8 meets"),
        "{stdout}"
    );
}

#[test]
fn bad_input_exits_2_saying_what_was_expected() {
    let cases: &[(&[&str], &str)] = &[
        (
            &["--objective", "p99<=250ms"],
            "--objective `p99` is not an objective: expected one of latency_p99<=VALUE",
        ),
        (
            &["--objective", "delivered_share<=99%"],
            "delivered_share is a lower limit, written `delivered_share>=VALUE`",
        ),
        (
            &["--objective", "latency_p99<=soon"],
            "--objective `latency_p99<=soon`: ",
        ),
        (
            &["--from", "8", "--to", "8"],
            "--from 8 --to 8: expected --from below --to",
        ),
        (
            &["--variant", "carrier-pigeon"],
            "--variant carrier-pigeon: the scenario has no variant of that label; it has sse, ws, long-poll",
        ),
        (
            &["--replications", "1"],
            "--replications 1: expected at least 2",
        ),
        (
            &["--set", "server.replicas=2"],
            "the axis `server.replicas` is what capacity varies",
        ),
        (
            &["--objective", "monthly_cost<=100"],
            "the scenario has no `cost:` section",
        ),
        (&["--unit", "m s"], "--unit `m s`: expected letters only"),
    ];
    for (args, expected) in cases {
        // The case's flags, then the defaults of those it does not give.
        let mut all: Vec<&str> = args.to_vec();
        for pair in [
            ["--axis", "server.replicas"],
            ["--from", "1"],
            ["--to", "4"],
            ["--objective", "latency_p99<=50ms"],
        ] {
            if !args.contains(&pair[0]) {
                all.extend(pair);
            }
        }
        let (code, _, stderr, _, _dir) = capacity(&all);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    // An axis the scenario has no field for: the scenario's own error, naming the field.
    let (code, _, stderr, _, _dir) = capacity(&[
        "--axis",
        "server.replicaz",
        "--from",
        "1",
        "--to",
        "4",
        "--objective",
        "latency_p99<=50ms",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("replicaz"), "{stderr}");
    // A value the field does not take: a duration unit on a count.
    let (code, _, stderr, _, _dir) = capacity(&[
        "--axis",
        "server.replicas",
        "--unit",
        "ms",
        "--from",
        "1",
        "--to",
        "4",
        "--objective",
        "latency_p99<=50ms",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("server.replicas"), "{stderr}");
}

#[test]
fn the_same_bytes_at_1_and_2_threads() {
    let mut outputs = Vec::new();
    for jobs in ["1", "2"] {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let (code, _, stderr) = rtsim_in(
            dir.path(),
            &[
                "capacity",
                EXAMPLE,
                "--set",
                "clients.browsers.count=600",
                "--set",
                "duration=1m",
                "--axis",
                "server.replicas",
                "--from",
                "1",
                "--to",
                "4",
                "--objective",
                "latency_p99<=40ms",
                "--variant",
                "sse",
                "--variant",
                "ws",
                "--jobs",
                jobs,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(code == 0 || code == 1, "{stderr}");
        outputs.push(
            ["capacity.md", "capacity.json", "capacity.svg"]
                .map(|f| std::fs::read(out.join(f)).unwrap()),
        );
    }
    assert!(
        outputs[0] == outputs[1],
        "different bytes at 1 and 2 threads"
    );
}

#[test]
fn the_longest_polling_interval_for_a_p99_limit_matches_the_uniform_wait() {
    // Polling every T: an event waits for the next poll, uniformly over [0, T), then the
    // response's path d; p99 ≈ 0.99·T + d. For p99 ≤ 10 s the longest T is
    // (10 s − d) / 0.99: 10,101 ms with d = 0, 9,999 ms with d = 100 ms (the default's
    // link is 20 ms one way, ±3 ms jitter, and the server's work is microseconds), so the
    // answer lies between them.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/default.yaml");
    let (code, stdout, stderr) = rtsim_in(
        dir.path(),
        &[
            "capacity",
            default,
            "--set",
            "clients.browsers.count=200",
            "--axis",
            "transports[1].polling.interval",
            "--unit",
            "ms",
            "--from",
            "1000",
            "--to",
            "30000",
            "--objective",
            "latency_p99<=10s",
            "--find",
            "largest",
            "--variant",
            "poll-10s",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("capacity.json")).unwrap()).unwrap();
    let answer = json["variants"][0]["outcome"]["value"].as_u64().unwrap();
    assert!((9_999..=10_101).contains(&answer), "{answer} ms: {stdout}");
    assert!(
        stdout.contains("`poll-10s`: transports[1].polling.interval = "),
        "{stdout}"
    );
}
