//! Shared helpers: build scenarios from YAML text and run them.

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

/// A one-group scenario: `clients` clients on a link of `latency` one-way delay, events at
/// `rate` with `payload`, and the given transport list (YAML flow items, one per line).
pub fn simple(
    clients: u32,
    latency: &str,
    bandwidth: &str,
    source: &str,
    rate: &str,
    payload: &str,
    duration: &str,
    warmup: &str,
    transports: &[&str],
) -> String {
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
