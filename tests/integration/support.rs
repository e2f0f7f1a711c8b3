//! Shared helpers: build scenarios from YAML text and run them.

use std::path::Path;

use assert_cmd::Command;
use rtsim::RunResult;
use rtsim::scenario::{self, Scenario};

/// Parses and validates YAML text, panicking with the error (a test bug) if invalid.
pub fn scenario(yaml: &str) -> Scenario {
    scenario::load_str("<test>", yaml, &[]).unwrap_or_else(|e| panic!("invalid test scenario: {e}"))
}

/// Runs every variant of a scenario.
pub fn run(s: &Scenario) -> Vec<RunResult> {
    rtsim::run(s, rtsim::sim::DEFAULT_MAX_EVENTS).expect("run within limits")
}

/// Runs every variant of `s` with its invariants checked after every event; panics with
/// the variant's label and the broken invariant.
pub fn run_checked(s: &Scenario) -> Vec<RunResult> {
    let log = rtsim::workload::EventLog::generate(s);
    s.transports
        .iter()
        .map(|variant| {
            match rtsim::sim::run_variant_checked(s, &log, variant, &rtsim::sim::DEFAULT_LIMITS) {
                Ok((result, _)) => result,
                Err(e) => panic!("{}: {e}", variant.label),
            }
        })
        .collect()
}

/// The summary JSON of a run of `s` on a pool of `threads` threads.
pub fn summary_on_threads(s: &Scenario, threads: usize) -> String {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| rtsim::report::summary_json(s, &run(s)))
}

/// A one-group scenario: `clients` clients on a link of `latency` one-way delay and
/// `bandwidth`, events from `source` at `rate` with `payload`; `yaml` adds the transports.
pub struct Simple<'a> {
    pub clients: u32,
    pub latency: &'a str,
    pub bandwidth: &'a str,
    pub source: &'a str,
    pub rate: &'a str,
    pub payload: &'a str,
    pub duration: &'a str,
    pub warmup: &'a str,
}

impl Simple<'_> {
    /// The scenario text with one transport variant per item (YAML flow mappings).
    pub fn yaml(&self, transports: &[&str]) -> String {
        let Simple {
            clients,
            latency,
            bandwidth,
            source,
            rate,
            payload,
            duration,
            warmup,
        } = self;
        let mut text = format!(
            "name: test
seed: 11
duration: {duration}
warmup: {warmup}
network:
  link: {{ latency: {latency}, bandwidth: {bandwidth} }}
clients:
  users: {{ count: {clients}, link: link }}
workload:
  events: {{ source: {source}, rate: {rate}, payload: {payload} }}
transports:
"
        );
        for t in transports {
            text.push_str(&format!("  - {t}\n"));
        }
        text
    }
}

/// Runs the `rtsim` binary in `dir` with `args` and the environment variables `env`: its
/// exit code, standard output and standard error.
pub fn rtsim_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("rtsim").unwrap();
    cmd.current_dir(dir).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// [`rtsim_env`] without extra environment.
pub fn rtsim_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    rtsim_env(dir, args, &[])
}

/// A fresh folder holding `text` as `s.yaml`.
pub fn folder_with(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.yaml"), text).unwrap();
    dir
}

/// Five clients for twenty seconds, three variants.
pub const SMALL: &str = "\
name: small
seed: 3
duration: 20s
warmup: 2s
network:
  dsl: { latency: 20ms, bandwidth: 10Mbit/s }
clients:
  users: { count: 5, link: dsl }
workload:
  events: { source: poisson, rate: 1/s, payload: 100B }
transports:
  - { label: poll-1s, polling: { interval: 1s } }
  - { label: sse-feed, sse: {} }
  - { label: ws, websocket: {} }
";
