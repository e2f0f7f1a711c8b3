//! Replications: every transport variant of a scenario run R times with independent seeds,
//! and each metric's mean and 95 % confidence interval over the R runs.
//!
//! Owns how replication i's seed is derived ([`seed`]), running the R × variants runs in
//! parallel with results in a fixed order whatever the thread count ([`run`],
//! [`run_variant`]), and the per-metric summary ([`intervals`]: every metric of
//! [`crate::metrics::registry`], the names thresholds and charts use). It does not own the
//! statistics ([`crate::metrics::interval`]), the reports that show them
//! ([`crate::report`]) nor the sweep's points ([`crate::run_points`] runs each point's
//! replications with [`scenarios`] and [`intervals`]).
//!
//! Replication 0 is the scenario as written, its seed untouched: with R = 1 (the default)
//! a run is exactly the run without replications, byte for byte.

use std::borrow::Cow;
use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::engine::{self, EngineError};
use crate::metrics::RunResult;
use crate::metrics::interval::Interval;
use crate::metrics::registry;
use crate::scenario::Scenario;

/// Replications when neither the scenario nor `--replications` says: one run per variant.
pub use crate::scenario::defaults::REPLICATIONS as DEFAULT_REPLICATIONS;

/// The most replications a scenario may ask for.
pub use crate::scenario::bounds::MAX_REPLICATIONS;

/// The master seed of replication `replication` of a scenario whose seed is `master`:
/// `master` itself for replication 0, and for i ≥ 1 the seed derived from `master` and the
/// name `replication:<i>` (FNV-1a of the name folded into the seed through SplitMix64, as
/// every random stream's seed is: [`engine::rng::derive`]). Different i give unrelated
/// seeds; the same (seed, i) gives the same seed on every machine.
pub fn seed(master: u64, replication: u32) -> u64 {
    if replication == 0 {
        master
    } else {
        engine::rng::derive(master, &format!("replication:{replication}"))
    }
}

/// The scenario of each replication, in order: the scenario itself (borrowed) first, then
/// copies with each replication's [`seed`].
pub fn scenarios(scenario: &Scenario) -> Vec<Cow<'_, Scenario>> {
    (0..scenario.replications.max(1))
        .map(|i| {
            if i == 0 {
                Cow::Borrowed(scenario)
            } else {
                let mut copy = scenario.clone();
                copy.seed = seed(scenario.seed, i);
                Cow::Owned(copy)
            }
        })
        .collect()
}

/// One variant's metrics over the replications.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VariantIntervals {
    pub label: String,
    /// Each registry metric that at least one replication has a value of, by name (in
    /// the metric's base unit: nanoseconds, bytes, a fraction or a plain number).
    pub metrics: BTreeMap<String, Interval>,
}

impl VariantIntervals {
    /// The interval of `metric`, when a replication had a value of it.
    pub fn metric(&self, metric: &str) -> Option<&Interval> {
        self.metrics.get(metric)
    }
}

/// The replications of a run (or a sweep point) beyond the first, and what they add up
/// to. Present in the outputs only when there is more than one replication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replications {
    /// R, the number of replications (replication 0 included).
    pub count: u32,
    /// Each replication's master seed, from replication 0 (the scenario's seed).
    pub seeds: Vec<u64>,
    /// Each variant's metrics over all R replications, in the scenario's order.
    pub variants: Vec<VariantIntervals>,
    /// Replications 1 to R − 1: each variant's result, in the scenario's order. (Replication
    /// 0's results are the `results` this sits beside.)
    pub runs: Vec<Vec<RunResult>>,
}

impl Replications {
    /// The replications of `runs` (`runs[i]`: replication i's results, every variant) of a
    /// scenario whose seed is `master`; `None` for a single replication.
    pub fn new(master: u64, mut runs: Vec<Vec<RunResult>>) -> (Vec<RunResult>, Option<Self>) {
        if runs.len() <= 1 {
            return (runs.pop().unwrap_or_default(), None);
        }
        let variants = intervals(&runs);
        let count = runs.len() as u32;
        let mut runs = runs.into_iter();
        let first = runs.next().expect("more than one replication");
        let replications = Replications {
            count,
            seeds: (0..count).map(|i| seed(master, i)).collect(),
            variants,
            runs: runs.collect(),
        };
        (first, Some(replications))
    }

    /// Every replication's results in order, given replication 0's (`first`).
    pub fn all<'a>(&'a self, first: &'a [RunResult]) -> Vec<&'a [RunResult]> {
        std::iter::once(first)
            .chain(self.runs.iter().map(Vec::as_slice))
            .collect()
    }

    /// The intervals of the variant labelled `label`.
    pub fn variant(&self, label: &str) -> Option<&VariantIntervals> {
        self.variants.iter().find(|v| v.label == label)
    }
}

/// Each variant's registry metrics over `runs` (`runs[i][v]`: replication i, variant v),
/// variants in the order of replication 0. A metric some replications have no value of
/// (no latency sample) is summarised over those that have one: its `n` says how many.
pub fn intervals<R: AsRef<[RunResult]>>(runs: &[R]) -> Vec<VariantIntervals> {
    let Some(first) = runs.first() else {
        return Vec::new();
    };
    first
        .as_ref()
        .iter()
        .enumerate()
        .map(|(v, r)| VariantIntervals {
            label: r.label.clone(),
            metrics: registry::METRICS
                .iter()
                .filter_map(|(name, _, read)| {
                    let values: Vec<f64> = runs
                        .iter()
                        .filter_map(|rep| rep.as_ref().get(v).and_then(read))
                        .collect();
                    Interval::of(&values).map(|i| (name.to_string(), i))
                })
                .collect(),
        })
        .collect()
}

/// A run that failed, and in which replication.
#[derive(Debug)]
pub struct Failed {
    pub replication: u32,
    /// That replication's master seed.
    pub seed: u64,
    pub error: EngineError,
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.replication == 0 {
            write!(f, "{}", self.error)
        } else {
            write!(
                f,
                "replication {} (seed {}): {}",
                self.replication, self.seed, self.error
            )
        }
    }
}

/// Every variant of `scenario`, each replication over its own event log, all in parallel:
/// replication 0's results and, with more than one replication, the others and their
/// intervals. The same at any thread count. `checked` checks the invariants after every
/// event ([`crate::run_checked`]).
pub fn run(
    scenario: &Scenario,
    limits: &engine::Limits,
    checked: bool,
) -> Result<(Vec<RunResult>, Option<Replications>), Failed> {
    let variants: Vec<usize> = (0..scenario.transports.len()).collect();
    let runs = run_replications(scenario, &variants, limits, checked)?;
    Ok(Replications::new(scenario.seed, runs))
}

/// Variant `variant` (its index in the scenario) over the scenario's replications: its
/// result in each replication, in order, and its metrics' intervals. For commands that
/// judge one candidate at a time.
pub fn run_variant(
    scenario: &Scenario,
    variant: usize,
    limits: &engine::Limits,
) -> Result<(Vec<RunResult>, VariantIntervals), Failed> {
    let runs = run_replications(scenario, &[variant], limits, false)?;
    let summary = intervals(&runs)
        .pop()
        .expect("one variant over at least one replication");
    Ok((runs.into_iter().flatten().collect(), summary))
}

/// `runs[i][k]`: replication i's result of `variants[k]`.
fn run_replications(
    scenario: &Scenario,
    variants: &[usize],
    limits: &engine::Limits,
    checked: bool,
) -> Result<Vec<Vec<RunResult>>, Failed> {
    let scenarios = scenarios(scenario);
    let logs: Vec<crate::workload::EventLog> = scenarios
        .par_iter()
        .map(|s| crate::workload::EventLog::generate(s.as_ref()))
        .collect();
    let jobs: Vec<(usize, usize)> = (0..scenarios.len())
        .flat_map(|i| variants.iter().map(move |v| (i, *v)))
        .collect();
    let results: Vec<Result<RunResult, Failed>> = jobs
        .par_iter()
        .map(|&(i, v)| {
            let s: &Scenario = &scenarios[i];
            let variant = &s.transports[v];
            let result = if checked {
                crate::sim::run_variant_checked(s, &logs[i], variant, limits).map(|(r, _)| r)
            } else {
                crate::sim::run_variant(s, &logs[i], variant, limits)
            };
            result.map_err(|error| Failed {
                replication: i as u32,
                seed: s.seed,
                error,
            })
        })
        .collect();
    let mut results = results.into_iter();
    (0..scenarios.len())
        .map(|_| {
            (0..variants.len())
                .map(|_| results.next().expect("one run per job"))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replication_zero_keeps_the_seed_and_the_others_differ() {
        assert_eq!(seed(42, 0), 42);
        let seeds: Vec<u64> = (0..50).map(|i| seed(42, i)).collect();
        let mut unique = seeds.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), seeds.len());
        // Fixed for ever: results files record them, and a rerun must find the same.
        assert_eq!(seed(3, 1), 5_182_358_454_422_653_616);
        assert_eq!(seed(1, 1), engine::rng::derive(1, "replication:1"));
        assert_ne!(seed(1, 1), seed(2, 1));
    }
}
