//! Thresholds (`assert:`): `<label>.<metric> <op> <value>`, e.g. `sse.latency.p99 < 250ms`
//! or `poll-1s.bytes_down_per_client_hour < 5MB`. Parsed and checked against the labels
//! and metric names when the scenario loads, so a typo is an input error.
//!
//! An entry is that text, or a mapping `{ threshold: <text>, judged_on: mean | bound }` saying
//! what a scenario with replications compares with the limit: the mean over the
//! replications (the default) or the end of its 95 % confidence interval on the failing
//! side ([`On`]).

use serde::{Deserialize, Serialize};

use super::checker::Checker;
use super::error::ScenarioError;
use crate::metrics::registry::{self, MetricUnit};
use crate::units::{ByteSize, Duration, Percent};

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = "<")]
    Less,
    #[serde(rename = "<=")]
    LessOrEqual,
    #[serde(rename = ">")]
    Greater,
    #[serde(rename = ">=")]
    GreaterOrEqual,
}

impl Op {
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Less => value < threshold,
            Op::LessOrEqual => value <= threshold,
            Op::Greater => value > threshold,
            Op::GreaterOrEqual => value >= threshold,
        }
    }
}

/// What a threshold compares with its limit when a scenario has replications (the field is
/// `judged_on`: YAML 1.1 reads a bare `on` as a boolean).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum On {
    // (Plain comments, not docs: the schema then lists the two words as an `enum`.)
    // The mean over the replications (with one replication: its value).
    #[default]
    Mean,
    // The end of the mean's 95 % confidence interval that is nearer failing: the upper end
    // for `<` and `<=`, the lower end for `>` and `>=`. The threshold passes only if even
    // that end is within the limit: "the true mean is within it, at 95 % confidence".
    Bound,
}

impl On {
    pub fn is_mean(&self) -> bool {
        *self == On::Mean
    }
}

/// An `assert:` entry as written: the threshold's text, or a mapping with `judged_on`.
#[derive(Debug, Clone, schemars::JsonSchema)]
#[serde(untagged)]
pub enum RawAssert {
    /// `<label>.<metric> <op> <value>`, judged on the mean.
    Text(String),
    Detailed(RawThreshold),
}

impl<'de> Deserialize<'de> for RawAssert {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        super::raw::either_shape(
            deserializer,
            serde_json::Value::is_string,
            RawAssert::Text,
            RawAssert::Detailed,
        )
    }
}

/// A threshold and what it is judged on.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawThreshold {
    /// `<label>.<metric> <op> <value>`, e.g. `sse.latency.p99 < 250ms`. Required.
    pub threshold: String,
    /// `mean` (the mean over the replications) or `bound` (the end of its 95 % confidence
    /// interval nearer failing: the upper end for `<`, `<=`, the lower for `>`, `>=`). With
    /// one replication both are the run's value. Default mean.
    #[schemars(with = "Option<On>")]
    pub judged_on: Option<String>,
}

/// One threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assertion {
    /// As written.
    pub text: String,
    pub label: String,
    pub metric: String,
    pub op: Op,
    /// In the metric's base unit (nanoseconds, bytes, a fraction or a number).
    pub threshold: f64,
    /// What is compared with `threshold` when there are replications.
    #[serde(skip_serializing_if = "On::is_mean")]
    pub judged_on: On,
}

/// Parses every `assert:` entry against the variants' labels.
pub(crate) fn parse(
    entries: &[RawAssert],
    labels: &[String],
    c: &Checker,
) -> Result<Vec<Assertion>, ScenarioError> {
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let (text, on, path) = match entry {
                RawAssert::Text(text) => (text, On::Mean, format!("assert[{i}]")),
                RawAssert::Detailed(t) => {
                    let on = match t.judged_on.as_deref() {
                        None | Some("mean") => On::Mean,
                        Some("bound") => On::Bound,
                        Some(other) => {
                            return Err(c.error(
                                &format!("assert[{i}].judged_on"),
                                format!("unknown value `{other}`: expected `mean` or `bound`"),
                            ));
                        }
                    };
                    (&t.threshold, on, format!("assert[{i}].threshold"))
                }
            };
            let assertion = parse_one(text, labels).map_err(|m| c.error(&path, m))?;
            Ok(Assertion {
                judged_on: on,
                ..assertion
            })
        })
        .collect()
}

/// Reads one threshold as written (`sse.latency.p99 < 250ms`) of the variant `label`, as
/// a sweep.json records it: its metric, comparison and limit in the metric's base unit.
pub fn read(text: &str, label: &str) -> Result<Assertion, String> {
    parse_one(text, &[label.to_string()])
}

/// Reads one threshold as written against several variants' `labels` (the longest label
/// that prefixes it wins), for files other than a scenario that state thresholds (the
/// claims list).
pub fn read_any(text: &str, labels: &[String]) -> Result<Assertion, String> {
    parse_one(text, labels)
}

impl Op {
    /// `<`, `<=`, `>` or `>=`.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Less => "<",
            Op::LessOrEqual => "<=",
            Op::Greater => ">",
            Op::GreaterOrEqual => ">=",
        }
    }
}

fn parse_one(text: &str, labels: &[String]) -> Result<Assertion, String> {
    let expected = "expected `<label>.<metric> <op> <value>`, e.g. `sse.latency.p99 < 250ms`";
    let (at, op, len) = ["<=", ">=", "<", ">"]
        .iter()
        .find_map(|sym| {
            text.find(sym).map(|at| {
                let op = match *sym {
                    "<=" => Op::LessOrEqual,
                    ">=" => Op::GreaterOrEqual,
                    "<" => Op::Less,
                    _ => Op::Greater,
                };
                (at, op, sym.len())
            })
        })
        .ok_or_else(|| format!("\"{text}\" has no comparison (<, <=, >, >=); {expected}"))?;
    let left = text[..at].trim();
    let right = text[at + len..].trim();
    // The longest label that prefixes the left side, followed by a dot.
    let label = labels
        .iter()
        .filter(|l| left.len() > l.len() && left.starts_with(l.as_str()) && left[l.len()..].starts_with('.'))
        .max_by_key(|l| l.len())
        .ok_or_else(|| {
            format!(
                "\"{left}\" names no transport variant; expected `<label>.<metric>` with a label among: {}",
                labels.join(", ")
            )
        })?;
    let metric = &left[label.len() + 1..];
    let (unit, _) = registry::metric(metric).ok_or_else(|| {
        format!(
            "unknown metric \"{metric}\"; expected one of: {}",
            registry::names()
        )
    })?;
    let threshold = match unit {
        MetricUnit::Duration => right
            .parse::<Duration>()
            .map(|d| d.as_nanos() as f64)
            .map_err(|e| e.to_string())?,
        MetricUnit::Bytes => right
            .parse::<ByteSize>()
            .map(|b| b.bytes() as f64)
            .map_err(|e| e.to_string())?,
        MetricUnit::Fraction if right.ends_with('%') => right
            .parse::<Percent>()
            .map(|p| p.fraction())
            .map_err(|e| e.to_string())?,
        MetricUnit::Fraction | MetricUnit::Number => right
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("\"{right}\" is not a number"))?,
    };
    Ok(Assertion {
        text: text.to_string(),
        label: label.clone(),
        metric: metric.to_string(),
        op,
        threshold,
        judged_on: On::Mean,
    })
}
