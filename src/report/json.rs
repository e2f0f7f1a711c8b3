//! `summary.json`: the scenario's identity and every variant's [`RunResult`].

use serde::Serialize;

use crate::metrics::RunResult;
use crate::replication::Replications;
use crate::scenario::Scenario;
use crate::scenario::charts::ChartRequest;

/// The JSON summary of a scenario run.
#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    pub scenario: &'a str,
    pub description: &'a str,
    pub seed: u64,
    pub duration_s: f64,
    pub warmup_s: f64,
    pub clients: u64,
    /// `false` when a variant's run stopped before the end (absent when every run is
    /// complete, so complete runs read as they always have).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complete: Option<bool>,
    /// The variants that stopped early: which, why, at what simulated time.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stopped: Vec<StoppedVariant<'a>>,
    pub warnings: &'a [String],
    /// Replication 0's results (the scenario's own seed), one per variant.
    pub results: &'a [RunResult],
    /// With more than one replication: the others' results and each metric's mean and
    /// 95 % confidence interval over all of them (absent for a single run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replications: Option<&'a Replications>,
    /// The thresholds' verdicts.
    pub assertions: Vec<super::checks::CheckOutcome>,
    /// Each variant's documented properties (not simulated), with sources.
    pub properties: Vec<super::properties::PropertyRow>,
    /// Each variant's monthly cost, item by item, when the scenario has a `cost:` section.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Vec<super::cost::VariantCost>>,
    /// The scenario's `charts:` list, when it has one (`rtsim plot` draws those).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charts: Option<&'a [ChartRequest]>,
}

/// A variant whose run stopped before the scenario's end.
#[derive(Debug, Serialize)]
pub struct StoppedVariant<'a> {
    pub variant: &'a str,
    pub reason: &'static str,
    pub simulated_s: f64,
    pub detail: &'a str,
}

/// The variants of `results` that stopped early, in scenario order.
pub fn stopped_variants(results: &[RunResult]) -> Vec<StoppedVariant<'_>> {
    results
        .iter()
        .filter_map(|r| {
            r.stopped.as_ref().map(|s| StoppedVariant {
                variant: &r.label,
                reason: s.reason.as_str(),
                simulated_s: s.simulated_s,
                detail: &s.detail,
            })
        })
        .collect()
}

/// One line per variant that stopped early, saying so, for the text and Markdown reports;
/// empty when every run is complete.
pub fn incomplete_lines(results: &[RunResult], duration_s: f64) -> Vec<String> {
    stopped_variants(results)
        .iter()
        .map(|s| {
            format!(
                "INCOMPLETE: variant `{}` stopped at {:.3} s of {} s simulated ({}): {}. Its \
                 figures cover only that time; rates are over the whole window.",
                s.variant, s.simulated_s, duration_s, s.reason, s.detail
            )
        })
        .collect()
}

/// Pretty-printed JSON; keys in a fixed order, so equal results give equal bytes.
pub fn summary_json(scenario: &Scenario, results: &[RunResult]) -> String {
    replicated_summary_json(scenario, results, None)
}

/// [`summary_json`] of a run with replications: `results` are replication 0's.
pub fn replicated_summary_json(
    scenario: &Scenario,
    results: &[RunResult],
    replications: Option<&Replications>,
) -> String {
    let summary = Summary {
        scenario: &scenario.name,
        description: &scenario.description,
        seed: scenario.seed,
        duration_s: scenario.duration as f64 / 1e9,
        warmup_s: scenario.warmup as f64 / 1e9,
        clients: scenario.client_count(),
        complete: results
            .iter()
            .chain(replications.iter().flat_map(|r| r.runs.iter().flatten()))
            .any(|r| r.stopped.is_some())
            .then_some(false),
        stopped: stopped_variants(results),
        warnings: &scenario.warnings,
        results,
        replications,
        assertions: super::checks::check_replicated(scenario, results, replications),
        properties: super::properties::property_rows(results),
        cost: super::cost::variant_costs(
            scenario,
            &match replications {
                Some(r) => r.all(results),
                None => vec![results],
            },
        ),
        charts: scenario.charts.as_deref(),
    };
    let mut text = serde_json::to_string_pretty(&summary).expect("results serialize to JSON");
    text.push('\n');
    text
}
