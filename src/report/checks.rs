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
    /// The measured value in [`unit`](Self::unit); none when the run has no such value
    /// (e.g. no latency sample), which fails the check.
    pub value: Option<f64>,
    /// The threshold the value is compared with, in [`unit`](Self::unit) (`250ms` is
    /// 250000000 `ns`). Absent from files older rtsim versions wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// The unit of `value` and `threshold`: the metric's base unit ([`unit_name`]).
    /// Absent from files older rtsim versions wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub passed: bool,
}

impl CheckOutcome {
    /// The measured value in readable units (`26.3 ms`, `1.20 MB`, `999.8/s`), or
    /// `no value`.
    pub fn measured(&self) -> String {
        measured(&self.metric, self.value)
    }
}

/// The unit of a metric's values in JSON (a threshold verdict's `value` and `threshold`):
/// `ns` for durations, `bytes` for sizes (per client-hour or per message, as the metric
/// says), `fraction` (0 to 1) for shares, and for plain numbers `per_s` (rates), `joules`
/// (per client-hour), `ratio` (the imbalances) or `count`.
pub fn unit_name(metric: &str) -> Option<&'static str> {
    let (unit, _) = registry::metric(metric)?;
    Some(match unit {
        MetricUnit::Duration => "ns",
        MetricUnit::Bytes => "bytes",
        MetricUnit::Fraction => "fraction",
        MetricUnit::Number => number_unit(metric),
    })
}

/// The unit of a plain-number metric.
fn number_unit(metric: &str) -> &'static str {
    if metric.ends_with("per_second") {
        "per_s"
    } else if metric.starts_with("energy.") {
        "joules"
    } else if metric.starts_with("imbalance.") {
        "ratio"
    } else {
        "count"
    }
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
                threshold: Some(a.threshold),
                unit: unit_name(&a.metric).map(str::to_string),
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
        let value = match o.value {
            Some(_) => format!("measured {}", o.measured()),
            None => "no value".to_string(),
        };
        out.push_str(&format!("{verdict} {} ({value})\n", o.assertion));
    }
    out
}

/// The value of `metric` in readable units, with the unit of a plain number where it has
/// one (`999.8/s`, `120 J`); `no value` for none.
pub fn measured(metric: &str, value: Option<f64>) -> String {
    match (value, registry::metric(metric)) {
        (Some(v), Some((MetricUnit::Number, _))) => match number_unit(metric) {
            "per_s" => format!("{}/s", round(v, 1)),
            "joules" => format!("{} J", round(v, 1)),
            "ratio" => format!("{}", round(v, 2)),
            _ => format!("{v}"),
        },
        (Some(v), Some((unit, _))) => shown(v, unit),
        _ => "no value".to_string(),
    }
}

/// `v` to `places` decimals, without trailing zeros.
fn round(v: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (v * scale).round() / scale
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
