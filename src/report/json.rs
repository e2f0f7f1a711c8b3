//! `summary.json`: the scenario's identity and every variant's [`RunResult`].

use serde::Serialize;

use crate::metrics::RunResult;
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
    pub warnings: &'a [String],
    pub results: &'a [RunResult],
    /// The thresholds' verdicts.
    pub assertions: Vec<super::checks::CheckOutcome>,
    /// Each variant's documented properties (not simulated), with sources.
    pub properties: Vec<super::properties::PropertyRow>,
    /// The scenario's `charts:` list, when it has one (`rtsim plot` draws those).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub charts: Option<&'a [ChartRequest]>,
}

/// Pretty-printed JSON; keys in a fixed order, so equal results give equal bytes.
pub fn summary_json(scenario: &Scenario, results: &[RunResult]) -> String {
    let summary = Summary {
        scenario: &scenario.name,
        description: &scenario.description,
        seed: scenario.seed,
        duration_s: scenario.duration as f64 / 1e9,
        warmup_s: scenario.warmup as f64 / 1e9,
        clients: scenario.client_count(),
        warnings: &scenario.warnings,
        results,
        assertions: super::checks::check(scenario, results),
        properties: super::properties::property_rows(results),
        charts: scenario.charts.as_deref(),
    };
    let mut text = serde_json::to_string_pretty(&summary).expect("results serialize to JSON");
    text.push('\n');
    text
}
