//! Checking a scenario's thresholds against its results.

use serde::{Deserialize, Serialize};

use crate::metrics::RunResult;
use crate::metrics::registry::{self, MetricUnit};
use crate::scenario::Scenario;

/// A threshold's verdict on one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckOutcome {
    pub assertion: String,
    pub label: String,
    pub metric: String,
    /// The measured value in the metric's base unit; none when the run has no such value
    /// (e.g. no latency sample), which fails the check.
    pub value: Option<f64>,
    pub passed: bool,
}

/// Every threshold of `scenario` on `results`, in the scenario's order.
pub fn check(scenario: &Scenario, results: &[RunResult]) -> Vec<CheckOutcome> {
    scenario
        .assertions
        .iter()
        .map(|a| {
            let value = results
                .iter()
                .find(|r| r.label == a.label)
                .and_then(|r| registry::metric(&a.metric).and_then(|(_, read)| read(r)));
            CheckOutcome {
                assertion: a.text.clone(),
                label: a.label.clone(),
                metric: a.metric.clone(),
                value,
                passed: value.is_some_and(|v| a.op.holds(v, a.threshold)),
            }
        })
        .collect()
}

/// Lines for the terminal: `PASS sse.latency.p99 < 250ms (measured 26.3 ms)`.
pub fn describe(outcomes: &[CheckOutcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        let verdict = if o.passed { "PASS" } else { "FAIL" };
        let value = match (o.value, registry::metric(&o.metric)) {
            (Some(v), Some((unit, _))) => format!("measured {}", shown(v, unit)),
            _ => "no value".to_string(),
        };
        out.push_str(&format!("{verdict} {} ({value})\n", o.assertion));
    }
    out
}

/// A metric value in readable units.
pub fn shown(value: f64, unit: MetricUnit) -> String {
    match unit {
        MetricUnit::Duration => super::human_ms(value / 1e6),
        MetricUnit::Bytes => super::human_bytes(value),
        MetricUnit::Fraction => format!("{:.1}%", value * 100.0),
        MetricUnit::Number => format!("{value}"),
    }
}
