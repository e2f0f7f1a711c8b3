//! rtsim: a deterministic discrete-event simulator that compares how real-time updates
//! reach users — short polling, long polling, Server-Sent Events and WebSocket — by
//! running each over the same workload and measuring latency, bytes, server load and
//! delivery.
//!
//! Map of the code (data flows one way, top to bottom):
//! - [`units`]: `"20ms"`, `"32KiB"`, `"50Mbit/s"`, `"2/s"`, `"1%"` parsed exactly.
//! - [`scenario`]: the YAML format, its validation and `--set` overrides → [`Scenario`].
//! - [`workload`]: the event log every variant shares (common random numbers).
//! - [`engine`]: simulated time, the `(time, seq)` event queue, random streams, run loop.
//! - [`net`], [`infra`]: links, TCP accounting, bytes by layer; the server's CPU and memory.
//! - [`transport`]: one file per transport: framing rules and behaviour.
//! - [`sim`]: the world of one run, gluing the above together.
//! - [`metrics`]: what a run measured → [`RunResult`].
//! - [`report`]: terminal table, JSON, Markdown and CSV.

pub mod engine;
pub mod infra;
pub mod metrics;
pub mod net;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod transport;
pub mod units;
pub mod workload;

pub use metrics::RunResult;
pub use scenario::{Scenario, ScenarioError};

use rayon::prelude::*;

/// Runs every transport variant of `scenario` (in parallel) over one shared event log.
/// Results come back in the scenario's order and do not depend on the thread count.
pub fn run(scenario: &Scenario, max_events: u64) -> Result<Vec<RunResult>, engine::EngineError> {
    let log = workload::EventLog::generate(scenario);
    scenario
        .transports
        .par_iter()
        .map(|variant| sim::run_variant(scenario, &log, variant, max_events))
        .collect()
}
