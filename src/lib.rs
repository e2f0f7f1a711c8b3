//! rtsim: a deterministic discrete-event simulator that compares how real-time updates
//! reach users — short polling, long polling, Server-Sent Events, WebSocket, gRPC and
//! webhooks — by running each over the same workload and measuring latency, bytes, server
//! load and delivery.
//!
//! Map of the code (data flows one way, top to bottom):
//! - [`units`]: `"20ms"`, `"32KiB"`, `"50Mbit/s"`, `"2/s"`, `"1%"` parsed exactly.
//! - [`scenario`]: the YAML format, its validation and `--set` overrides → [`Scenario`].
//! - [`workload`]: the event log, the clients' messages and the audiences every variant
//!   shares (common random numbers).
//! - [`engine`]: simulated time, the `(time, seq)` event queue, random streams, run loop.
//! - [`net`], [`infra`]: links, TCP accounting, bytes by layer; the server's CPU and memory.
//! - [`energy`]: a mobile radio's state machine (LTE, 3G, WiFi) turning transfers into joules.
//! - [`transport`]: one file per transport: framing rules and behaviour.
//! - [`sim`]: the world of one run, gluing the above together.
//! - [`metrics`]: what a run measured → [`RunResult`].
//! - [`replication`]: a scenario's variants run R times with derived seeds; each metric's
//!   mean and 95 % confidence interval.
//! - [`cost`]: a variant's monthly cost at list prices, from its measured usage.
//! - [`recommend`]: `rtsim recommend`: candidates generated from requirements, judged on
//!   confidence bounds, ranked by cost and simplicity.
//! - [`capacity`]: `rtsim capacity`: the smallest replicas, cores or interval (or the
//!   largest client count) that meets an objective, by bisection along one axis.
//! - [`report`]: terminal table, JSON, Markdown and CSV.
//! - [`evidence`]: the runs behind the generated docs pages ([`claims`], [`atlas`]): each
//!   scenario point once, every variant's figure per replication.
//! - [`claims`]: the claims page; [`atlas`]: the use-case atlas page.
//! - [`page`]: the self-contained HTML report, `report.html` (tables and charts together).
//! - [`webhook`]: server-to-server POSTs per event with retries (at least once), its own model.
//!
//! # Using rtsim as a library
//!
//! Load a scenario (parsed, overridden and validated: a mistake is a [`ScenarioError`]
//! naming the file, line and field), run every transport variant over one shared event
//! log, and read each variant's [`RunResult`] — the figures `rtsim run` writes to
//! `summary.json`:
//!
//! ```no_run
//! use rtsim::scenario::{self, Override};
//!
//! let overrides = [Override::parse("clients.browsers.count=200")?];
//! let scenario = scenario::load_file("scenarios/default.yaml".as_ref(), &overrides)?;
//! let results = rtsim::run(&scenario, rtsim::sim::DEFAULT_MAX_EVENTS)?;
//! for result in &results {
//!     let p99 = result.latency.as_ref().map(|l| l.p99_ms);
//!     println!("{}: p99 {p99:?} ms, {} delivered", result.label, result.ledger.delivered);
//! }
//! print!("{}", rtsim::report::text_table(&results));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! `examples/run_scenario.rs` is the same as a complete program
//! (`cargo run --release --example run_scenario -- scenarios/chat.yaml`). For sweeps,
//! [`scenario::plan_file`] gives the points of a `sweep:` block and [`run_points`] runs
//! them; [`report`] turns results into the CLI's table, JSON, Markdown, CSV and HTML. The
//! scenario format and the outputs are documented in `docs/` (an mdBook).

pub mod atlas;
pub mod capacity;
pub mod claims;
pub mod cost;
pub mod energy;
pub mod engine;
pub mod evidence;
pub mod ids;
pub mod infra;
pub mod metrics;
pub mod net;
pub mod page;
pub mod plot;
pub mod recommend;
pub mod replication;
pub mod report;
pub mod scenario;
pub mod sim;
pub mod time;
pub mod transport;
pub mod units;
pub mod webhook;
pub mod workload;

pub use metrics::RunResult;
pub use scenario::{Scenario, ScenarioError};

use rayon::prelude::*;

/// Runs every transport variant of `scenario` (in parallel) over one shared event log.
/// Results come back in the scenario's order and do not depend on the thread count.
pub fn run(scenario: &Scenario, max_events: u64) -> Result<Vec<RunResult>, engine::EngineError> {
    run_within(scenario, &engine::Limits::events(max_events))
}

/// [`run`] within `limits`: a variant that reaches one stops cleanly, its result marked
/// [`RunResult::stopped`].
pub fn run_within(
    scenario: &Scenario,
    limits: &engine::Limits,
) -> Result<Vec<RunResult>, engine::EngineError> {
    run_variants(scenario, |log, variant| {
        sim::run_variant(scenario, log, variant, limits)
    })
}

/// [`run_within`], checking every run's invariants after every event (ledgers balance, no
/// count below zero, no link beyond its bandwidth, time moves on): a broken one is an
/// [`engine::EngineError::InvariantBroken`]. A pass over every client per event: slow, for
/// tests and for hunting a defect (`rtsim run --check-invariants`).
pub fn run_checked(
    scenario: &Scenario,
    limits: &engine::Limits,
) -> Result<Vec<RunResult>, engine::EngineError> {
    run_variants(scenario, |log, variant| {
        sim::run_variant_checked(scenario, log, variant, limits).map(|(result, _)| result)
    })
}

/// Runs every variant of `scenario` with `run`, in parallel over one shared event log.
fn run_variants(
    scenario: &Scenario,
    run: impl Fn(
        &workload::EventLog,
        &scenario::TransportSpec,
    ) -> Result<RunResult, engine::EngineError>
    + Sync,
) -> Result<Vec<RunResult>, engine::EngineError> {
    let log = workload::EventLog::generate(scenario);
    scenario
        .transports
        .par_iter()
        .map(|variant| run(&log, variant))
        .collect()
}

/// The results of one sweep point.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PointResult {
    pub point: usize,
    /// (parameter path, value), in the sweep's axis order.
    pub params: Vec<(String, String)>,
    pub seed: u64,
    /// Replication 0's results (the point's own seed), one per variant.
    pub results: Vec<RunResult>,
    pub assertions: Vec<report::checks::CheckOutcome>,
    /// With more than one replication: the others' results and every metric's interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replications: Option<replication::Replications>,
}

/// Runs `points`, every replication of every variant of every point in parallel;
/// `progress` is called once per finished run, with the place in `points` of the run's
/// point. Results come back in the order of `points` and do not depend on the thread
/// count; an error is the first failing run's in that order.
pub fn run_points(
    points: &[scenario::sweep::Point],
    limits: &engine::Limits,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Vec<PointResult>, (usize, replication::Failed)> {
    // Each point's replications: (point's place, replication, scenario), point by point.
    type Replica<'a> = (usize, u32, std::borrow::Cow<'a, Scenario>);
    let scenarios: Vec<Replica<'_>> = points
        .iter()
        .enumerate()
        .flat_map(|(k, point)| {
            (0..)
                .zip(replication::scenarios(&point.scenario))
                .map(move |(i, s)| (k, i, s))
        })
        .collect();
    let logs: Vec<workload::EventLog> = scenarios
        .par_iter()
        .map(|(_, _, s)| workload::EventLog::generate(s.as_ref()))
        .collect();
    let jobs: Vec<(usize, usize)> = scenarios
        .iter()
        .enumerate()
        .flat_map(|(j, (_, _, s))| (0..s.transports.len()).map(move |v| (j, v)))
        .collect();
    let runs: Vec<Result<RunResult, (usize, replication::Failed)>> = jobs
        .par_iter()
        .map(|(j, v)| {
            let (k, replication, scenario) = &scenarios[*j];
            let result = sim::run_variant(scenario, &logs[*j], &scenario.transports[*v], limits)
                .map_err(|error| {
                    (
                        points[*k].index,
                        replication::Failed {
                            replication: *replication,
                            seed: scenario.seed,
                            error,
                        },
                    )
                });
            progress(*k);
            result
        })
        .collect();
    let mut runs = runs.into_iter();
    let mut out = Vec::with_capacity(points.len());
    for point in points {
        let variants = point.scenario.transports.len();
        let replications = (0..point.scenario.replications.max(1))
            .map(|_| {
                (0..variants)
                    .map(|_| runs.next().expect("one run per variant and replication"))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (results, replications) =
            replication::Replications::new(point.scenario.seed, replications);
        out.push(PointResult {
            point: point.index,
            params: point.params.clone(),
            seed: point.scenario.seed,
            assertions: report::checks::check_replicated(
                &point.scenario,
                &results,
                replications.as_ref(),
            ),
            results,
            replications,
        });
    }
    Ok(out)
}
