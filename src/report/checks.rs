//! Checking a scenario's thresholds against its results.

use serde::{Deserialize, Serialize};

use crate::metrics::RunResult;
use crate::metrics::interval::Interval;
use crate::metrics::registry::{self, MetricUnit};
use crate::replication::Replications;
use crate::scenario::Scenario;
use crate::scenario::assertions::{On, Op};

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
    /// What `value` is when the threshold says `judged_on:` or the run has replications: `mean`
    /// or `bound` (absent for a single run judged on its value, as always).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged_on: Option<On>,
    /// With replications: the metric's mean and 95 % confidence half-width over them, in
    /// [`unit`](Self::unit), that `value` was taken from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
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
                judged_on: (!a.judged_on.is_mean()).then_some(a.judged_on),
                interval: None,
            }
        })
        .collect()
}

/// [`check`] with replications: each threshold judged on its metric's mean over the
/// replications, or on the end of its confidence interval nearer failing ([`bound`]) when
/// it says `judged_on: bound`. Without replications, [`check`].
pub fn check_replicated(
    scenario: &Scenario,
    results: &[RunResult],
    replications: Option<&Replications>,
) -> Vec<CheckOutcome> {
    let Some(replications) = replications else {
        return check(scenario, results);
    };
    scenario
        .assertions
        .iter()
        .map(|a| {
            let interval = replications
                .variant(&a.label)
                .and_then(|v| v.metric(&a.metric))
                .copied();
            let value = interval.map(|i| match a.judged_on {
                On::Mean => i.mean,
                On::Bound => bound(&i, a.op),
            });
            CheckOutcome {
                assertion: a.text.clone(),
                label: a.label.clone(),
                metric: a.metric.clone(),
                value,
                threshold: Some(a.threshold),
                unit: unit_name(&a.metric).map(str::to_string),
                passed: value.is_some_and(|v| a.op.holds(v, a.threshold)),
                judged_on: Some(a.judged_on),
                interval,
            }
        })
        .collect()
}

/// The end of `interval` nearer failing a threshold of comparison `op`: the upper end for
/// an upper limit (`<`, `<=`), the lower end for a lower limit (`>`, `>=`).
pub fn bound(interval: &Interval, op: Op) -> f64 {
    match op {
        Op::Less | Op::LessOrEqual => interval.high(),
        Op::Greater | Op::GreaterOrEqual => interval.low(),
    }
}

/// Lines for the terminal: `PASS sse.latency.p99 < 250ms (measured 26.3 ms)`.
pub fn describe(outcomes: &[CheckOutcome]) -> String {
    describe_painted(outcomes, &|verdict, _| verdict.to_string())
}

/// [`describe`] with each verdict (`PASS`, `FAIL`) as `paint` writes it, given whether the
/// check passed: the command line colours it on a terminal.
pub fn describe_painted(outcomes: &[CheckOutcome], paint: &dyn Fn(&str, bool) -> String) -> String {
    let mut out = String::new();
    for o in outcomes {
        let verdict = paint(if o.passed { "PASS" } else { "FAIL" }, o.passed);
        let value = match o.value {
            Some(_) => measured_words(o),
            None => "no value".to_string(),
        };
        out.push_str(&format!("{verdict} {} ({value})\n", o.assertion));
    }
    out
}

/// The measured value as a verdict line says it: `measured 26.3 ms` for a single run;
/// with replications `mean 26.3 ms ± 1.20 ms over 5 runs`, or for a bound `upper 95% bound
/// 27.5 ms of mean 26.3 ms ± 1.20 ms over 5 runs`.
fn measured_words(o: &CheckOutcome) -> String {
    let Some(i) = &o.interval else {
        return format!("measured {}", o.measured());
    };
    let mean = format!(
        "mean {} ± {} over {} runs",
        measured(&o.metric, Some(i.mean)),
        measured(&o.metric, Some(i.half_width)),
        i.n
    );
    match o.judged_on {
        Some(On::Bound) => {
            let end = match crate::scenario::assertions::read(&o.assertion, &o.label) {
                Ok(a) if matches!(a.op, Op::Greater | Op::GreaterOrEqual) => "lower",
                _ => "upper",
            };
            format!("{end} 95% bound {} of {mean}", o.measured())
        }
        _ => mean,
    }
}

/// `measured 1420 ms, limit < 1000 ms`: a threshold's measured value, in the units of
/// [`describe`]'s lines ([`measured`]: `26.3 ms`, `1.20 MB`, `999.8/s`), and its limit in
/// the same units, as precise as it was written (`limit < 0.001/s`, not `< 0/s`).
pub fn measured_against_limit(check: &CheckOutcome) -> String {
    let measured = match check.value {
        Some(_) => measured_words(check),
        None => "no value measured".to_string(),
    };
    match crate::scenario::assertions::read(&check.assertion, &check.label) {
        Ok(a) if registry::metric(&check.metric).is_some() => format!(
            "{measured}, limit {} {}",
            a.op.symbol(),
            limit(&check.metric, a.threshold)
        ),
        _ => measured,
    }
}

/// A threshold of `metric` in the units [`measured`] shows it in, without rounding away
/// what was written (`0.0001%`, `0.001/s`).
fn limit(metric: &str, threshold: f64) -> String {
    let shown = measured(metric, Some(threshold));
    let Some((unit, _)) = registry::metric(metric) else {
        return shown;
    };
    match unit {
        MetricUnit::Fraction => format!("{}%", plain(threshold * 100.0)),
        MetricUnit::Number => match number_unit(metric) {
            "per_s" => format!("{}/s", plain(threshold)),
            "joules" => format!("{} J", plain(threshold)),
            _ => plain(threshold),
        },
        MetricUnit::Duration | MetricUnit::Bytes => shown,
    }
}

/// `v` with up to 6 decimals, without trailing zeros (`0.001`, `80`, `0.0001`).
fn plain(v: f64) -> String {
    let text = format!("{v:.6}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(assertion: &str, metric: &str, value: Option<f64>, passed: bool) -> CheckOutcome {
        CheckOutcome {
            assertion: assertion.into(),
            label: "ws".into(),
            metric: metric.into(),
            value,
            threshold: None,
            unit: unit_name(metric).map(str::to_string),
            passed,
            judged_on: None,
            interval: None,
        }
    }

    #[test]
    fn fail_lines_give_the_value_and_the_limit_in_units() {
        let latency = outcome("ws.latency.p99 < 1ms", "latency.p99", Some(10.2e6), false);
        assert_eq!(
            measured_against_limit(&latency),
            "measured 10.2 ms, limit < 1.00 ms"
        );
        let rate = outcome(
            "ws.requests_per_second < 0.001",
            "requests_per_second",
            Some(0.667),
            false,
        );
        assert_eq!(
            measured_against_limit(&rate),
            "measured 0.7/s, limit < 0.001/s"
        );
        let cpu = outcome(
            "ws.cpu_utilisation < 0.0001%",
            "cpu_utilisation",
            Some(0.0002),
            false,
        );
        assert_eq!(
            measured_against_limit(&cpu),
            "measured 0.0%, limit < 0.0001%"
        );
        let none = outcome("ws.latency.p99 < 1ms", "latency.p99", None, false);
        assert_eq!(
            measured_against_limit(&none),
            "no value measured, limit < 1.00 ms"
        );
    }

    #[test]
    fn verdicts_are_painted_as_asked() {
        let lines = describe_painted(
            &[
                outcome("ws.latency.p99 < 1ms", "latency.p99", Some(10.2e6), false),
                outcome("ws.latency.p99 < 1s", "latency.p99", Some(10.2e6), true),
            ],
            &|v, passed| format!("<{v}:{passed}>"),
        );
        assert_eq!(
            lines,
            "<FAIL:false> ws.latency.p99 < 1ms (measured 10.2 ms)\n\
             <PASS:true> ws.latency.p99 < 1s (measured 10.2 ms)\n"
        );
    }
}
