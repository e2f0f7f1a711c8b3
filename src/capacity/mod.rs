//! `rtsim capacity`: along one integer axis of a scenario (replicas, cores per replica, a
//! client count, a polling interval in whole milliseconds), the smallest value that meets
//! an objective (or the largest, for a client count: the knee), found by deterministic
//! bisection with replications at each probe.
//!
//! Owns running one probe (the scenario at one axis value, one variant over its
//! replications, [`crate::replication::run_variant`]) and judging it as `rtsim recommend`
//! judges a limit: on the 95 % confidence bound nearer failing, and a run that did not
//! finish fails. [`objective`] reads the objective, [`search`] chooses the probes and
//! refuses an answer when they are not monotone, [`output`] writes the Markdown, JSON
//! and chart. It does not build scenarios: the caller hands it a function from axis value
//! to validated scenario (the command line applies `--set PATH=VALUE` to the file).
//!
//! Deterministic: every probe runs the scenario's seed (the same replication seeds at
//! every value, so neighbouring probes differ by the axis, not by the draw), the probes
//! follow from the bounds and the verdicts alone, and variants come back in the
//! scenario's order at any thread count.

pub mod objective;
pub mod output;
pub mod search;

use rayon::prelude::*;
use serde::Serialize;

use crate::engine::Limits;
use crate::metrics::interval::Interval;
use crate::recommend::judge::MONTHLY_COST;
use crate::recommend::requirements::{Goal, Objective};
use crate::replication::{self, Failed};
use crate::scenario::{Scenario, ScenarioError};
pub use search::{Disagreement, Find, Outcome, Probe};

/// Replications at each probe when neither the scenario (with more than one) nor
/// `--replications` says: 3, as `rtsim recommend` (its
/// [`DEFAULT_REPLICATIONS`](crate::recommend::requirements::DEFAULT_REPLICATIONS)).
pub const DEFAULT_REPLICATIONS: u32 = crate::recommend::requirements::DEFAULT_REPLICATIONS;

/// What is asked.
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    /// The field path the axis sets (`server.replicas`).
    pub axis: String,
    /// Written after each value (`ms` for an interval; empty for a count).
    pub unit: String,
    pub from: u64,
    pub to: u64,
    pub find: Find,
    pub objective: Objective,
}

impl Question {
    /// An axis value as the scenario is given it: `4`, `250ms`.
    pub fn written(&self, value: u64) -> String {
        format!("{value}{}", self.unit)
    }
}

/// One variant's search.
#[derive(Debug, Clone, Serialize)]
pub struct VariantCapacity {
    pub label: String,
    /// Its index among the scenario's variants (its colour in charts).
    #[serde(skip)]
    pub index: usize,
    /// In the order probed.
    pub probes: Vec<Probe>,
    pub outcome: Outcome,
}

impl VariantCapacity {
    pub fn answer(&self) -> Option<u64> {
        match self.outcome {
            Outcome::Answer(v) => Some(v),
            _ => None,
        }
    }

    /// The probes by axis value.
    pub fn by_value(&self) -> Vec<&Probe> {
        let mut sorted: Vec<&Probe> = self.probes.iter().collect();
        sorted.sort_by_key(|p| p.value);
        sorted
    }
}

/// The whole answer.
#[derive(Debug, Clone, Serialize)]
pub struct Capacity {
    pub scenario: String,
    pub seed: u64,
    pub replications: u32,
    #[serde(flatten)]
    pub question: Question,
    pub variants: Vec<VariantCapacity>,
}

/// Why a search could not be made.
#[derive(Debug)]
pub enum CapacityError {
    /// The scenario at an axis value is invalid.
    Input(ScenarioError),
    /// The question does not fit the scenario.
    Question(String),
    /// A run failed.
    Run { value: u64, failed: Failed },
}

impl std::fmt::Display for CapacityError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CapacityError::Input(e) => write!(f, "{e}"),
            CapacityError::Question(e) => write!(f, "{e}"),
            CapacityError::Run { value, failed } => write!(f, "at {value}: {failed}"),
        }
    }
}

/// Searches each of `variants` (indices into the scenario's transports) for the answer to
/// `question`; `at(value)` is the scenario at an axis value, with the replications to run.
pub fn capacity(
    question: &Question,
    variants: &[usize],
    at: &(dyn Fn(u64) -> Result<Scenario, ScenarioError> + Sync),
    limits: &Limits,
) -> Result<Capacity, CapacityError> {
    let first = at(question.from).map_err(CapacityError::Input)?;
    if question.objective.metric == MONTHLY_COST && first.cost.is_none() {
        return Err(CapacityError::Question(format!(
            "--objective {}: the scenario has no `cost:` section to price the runs with",
            question.objective.name
        )));
    }
    let labels: Vec<String> = first.transports.iter().map(|t| t.label.clone()).collect();
    let searched: Vec<Result<VariantCapacity, CapacityError>> = variants
        .par_iter()
        .map(|&v| {
            let (probes, outcome) = search::search(
                question.from,
                question.to,
                question.find,
                question.objective.goal,
                |value| probe(question, at, value, v, &labels, limits),
            )?;
            Ok(VariantCapacity {
                label: labels[v].clone(),
                index: v,
                probes,
                outcome,
            })
        })
        .collect();
    Ok(Capacity {
        scenario: first.name.clone(),
        seed: first.seed,
        replications: first.replications,
        question: question.clone(),
        variants: searched.into_iter().collect::<Result<_, _>>()?,
    })
}

/// Runs variant `v` at axis `value` over the replications and judges it.
fn probe(
    question: &Question,
    at: &(dyn Fn(u64) -> Result<Scenario, ScenarioError> + Sync),
    value: u64,
    v: usize,
    labels: &[String],
    limits: &Limits,
) -> Result<Probe, CapacityError> {
    let scenario = at(value).map_err(CapacityError::Input)?;
    let now: Vec<&str> = scenario
        .transports
        .iter()
        .map(|t| t.label.as_str())
        .collect();
    if now != labels {
        return Err(CapacityError::Question(format!(
            "`{}` changes the variants (at {}: {}; at {}: {}): the axis must leave them as they are",
            question.axis,
            question.written(question.from),
            labels.join(", "),
            question.written(value),
            now.join(", ")
        )));
    }
    let (runs, intervals) = replication::run_variant(&scenario, v, limits)
        .map_err(|failed| CapacityError::Run { value, failed })?;
    let figure = if question.objective.metric == MONTHLY_COST {
        let prices = scenario
            .cost
            .as_ref()
            .expect("a monthly_cost objective is refused without a `cost:` section");
        let costs: Vec<f64> = runs
            .iter()
            .map(|r| crate::report::cost::bill(&scenario, prices, r).total())
            .collect();
        Interval::of(&costs)
    } else {
        intervals.metric(question.objective.metric).copied()
    };
    let complete = runs.iter().all(|r| r.stopped.is_none());
    Ok(Probe {
        value,
        figure,
        complete,
        passed: complete && figure.is_some_and(|f| meets(question.objective.goal, &f)),
    })
}

/// Whether `figure` meets `goal` on its bound nearer failing (as `rtsim recommend`
/// judges): the upper end for an upper limit, the lower end for a lower one.
pub fn meets(goal: Goal, figure: &Interval) -> bool {
    match goal {
        Goal::Max(limit) => figure.high() <= limit,
        Goal::Min(limit) => figure.low() >= limit,
        Goal::Minimise => true,
    }
}

/// The bound `goal` is judged on.
pub fn bound(goal: Goal, figure: &Interval) -> f64 {
    match goal {
        Goal::Min(_) => figure.low(),
        _ => figure.high(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judged_on_the_bound_nearer_failing() {
        let p99 = Interval {
            mean: 240e6,
            half_width: 20e6,
            n: 3,
        };
        // 240 ± 20 ms: the mean meets ≤ 250 ms, its upper bound 260 ms does not.
        assert!(!meets(Goal::Max(250e6), &p99));
        assert!(meets(Goal::Max(260e6), &p99));
        assert_eq!(bound(Goal::Max(250e6), &p99), 260e6);
        let share = Interval {
            mean: 0.995,
            half_width: 0.004,
            n: 3,
        };
        // 99.5 ± 0.4 %: the lower bound 99.1 % meets ≥ 99 %, not ≥ 99.2 %.
        assert!(meets(Goal::Min(0.99), &share));
        assert!(!meets(Goal::Min(0.992), &share));
    }
}
