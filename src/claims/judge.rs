//! How one measured claim is judged: its statement (`<label>.<metric> <op> <value>` or
//! `<label>.<metric> <op> <label>.<metric>`), the outcome at one scenario point from every
//! replication's figures, and the verdict over the points of an `over:` axis.
//!
//! Owns: the statement's grammar, the paired comparison with its margin, and how outcomes
//! combine into supports / contradicts / depends. Does not own: running the scenarios
//! ([`super::evaluate`]), nor the statistics of an interval ([`crate::metrics::interval`]).
//!
//! **Paired comparison.** Both variants of a comparison run in every replication over the
//! same event log (common random numbers), so their per-replication figures are paired:
//! the outcome is read from the 95 % confidence interval of the per-replication
//! *difference*, which is far tighter than two separate intervals (two feeds of a
//! Poisson source differ by more between seeds than two transports on one seed).
//!
//! **Margin.** A difference smaller than the claim's margin (default
//! [`DEFAULT_MARGIN`] of the right-hand figure) is "no difference that matters", even when
//! the replications tell it apart: a claim that one transport is faster is not supported
//! by a 0.1 % gap. Likewise a threshold counts as met or missed only when the whole
//! interval is on one side of it.

use crate::metrics::interval::Interval;
use crate::metrics::registry::{self, MetricUnit};
use crate::scenario::assertions::{self, Op};

/// Differences below this share of the compared figure count as none: 5 %, the widest
/// tolerance rtsim's validation tests accept against theory (SSE's mean latency within
/// 5 % of the path and server time, queueing delay within 5 % of Erlang C:
/// docs/testing-and-validation.md), so a smaller gap is within what the model resolves.
pub const DEFAULT_MARGIN: f64 = 0.05;

/// One side of a statement: a variant's metric.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub label: String,
    pub metric: String,
}

/// What a claim says, as rtsim can check it.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `left <op> threshold` (the threshold in the metric's base unit).
    Threshold {
        left: Figure,
        op: Op,
        threshold: f64,
    },
    /// `left <op> right`, the same metric on two variants.
    Compare { left: Figure, op: Op, right: Figure },
}

impl Statement {
    /// Reads `text` against the variants' `labels`; the message says what was expected.
    pub fn parse(text: &str, labels: &[String]) -> Result<Statement, String> {
        let expected = "expected `<label>.<metric> <op> <value>` or \
                        `<label>.<metric> <op> <label>.<metric>`";
        // The right side names a variant when it starts with a label and a dot.
        let op_at = ["<=", ">=", "<", ">"]
            .iter()
            .find_map(|sym| text.find(sym).map(|at| (at, *sym)));
        let Some((at, sym)) = op_at else {
            return Err(format!(
                "\"{text}\" has no comparison (<, <=, >, >=); {expected}"
            ));
        };
        let right_text = text[at + sym.len()..].trim();
        let Some(right) = figure(right_text, labels) else {
            if let Some(dot) = right_text.find('.')
                && registry::metric(&right_text[dot + 1..]).is_some()
            {
                return Err(format!(
                    "\"{right_text}\" names no transport variant; expected `<label>.<metric>` with a label among: {}",
                    labels.join(", ")
                ));
            }
            // A threshold: the scenario format's own reading of it.
            let parsed = assertions::read_any(text, labels)?;
            return Ok(Statement::Threshold {
                left: Figure {
                    label: parsed.label,
                    metric: parsed.metric,
                },
                op: parsed.op,
                threshold: parsed.threshold,
            });
        };
        let left_text = text[..at].trim();
        let left = figure(left_text, labels).ok_or_else(|| {
            format!(
                "\"{left_text}\" is not `<label>.<metric>` with a label among: {} and a metric among: {}",
                labels.join(", "),
                registry::names()
            )
        })?;
        if left.metric != right.metric {
            return Err(format!(
                "\"{text}\" compares {} with {}: both sides must name the same metric",
                left.metric, right.metric
            ));
        }
        let op = match sym {
            "<=" => Op::LessOrEqual,
            ">=" => Op::GreaterOrEqual,
            "<" => Op::Less,
            _ => Op::Greater,
        };
        Ok(Statement::Compare { left, op, right })
    }

    /// The metric the statement reads.
    pub fn metric(&self) -> &str {
        match self {
            Statement::Threshold { left, .. } | Statement::Compare { left, .. } => &left.metric,
        }
    }

    /// The variants it names.
    pub fn labels(&self) -> Vec<&str> {
        match self {
            Statement::Threshold { left, .. } => vec![&left.label],
            Statement::Compare { left, right, .. } => vec![&left.label, &right.label],
        }
    }
}

/// `label.metric` when `text` is exactly that, with a known metric.
fn figure(text: &str, labels: &[String]) -> Option<Figure> {
    labels
        .iter()
        .filter(|l| {
            text.len() > l.len() && text.starts_with(l.as_str()) && text[l.len()..].starts_with('.')
        })
        .max_by_key(|l| l.len())
        .and_then(|l| {
            let metric = &text[l.len() + 1..];
            registry::metric(metric).map(|_| Figure {
                label: l.clone(),
                metric: metric.to_string(),
            })
        })
}

/// What the figures at one point say of a statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It holds, beyond the margin and the replications' noise.
    Holds,
    /// The opposite holds, beyond the margin and the noise.
    Fails,
    /// The two sides are equal within the margin, or the replications cannot tell them
    /// apart (the interval straddles the limit).
    NoDifference,
}

/// The statement's figures at one point: each side's interval, and for a comparison the
/// interval of the paired difference `left − right`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Reading {
    pub left: Interval,
    pub right: Interval,
    /// `left − right`, replication by replication; for a threshold, `left − threshold`.
    pub difference: Interval,
    pub outcome: Outcome,
}

/// Judges `statement` from each replication's figures (`left[i]`, and for a comparison
/// `right[i]`, from replication i), with `margin` as a share of the right-hand figure.
/// `None` when a side has no value in some replication (no latency sample).
pub fn judge(
    statement: &Statement,
    left: &[Option<f64>],
    right: &[Option<f64>],
    margin: f64,
) -> Option<Reading> {
    let left: Vec<f64> = left.iter().copied().collect::<Option<_>>()?;
    let (op, right): (Op, Vec<f64>) = match statement {
        Statement::Threshold { op, threshold, .. } => (*op, vec![*threshold; left.len()]),
        Statement::Compare { op, .. } => (*op, right.iter().copied().collect::<Option<_>>()?),
    };
    if right.len() != left.len() || left.is_empty() {
        return None;
    }
    let differences: Vec<f64> = left.iter().zip(&right).map(|(l, r)| l - r).collect();
    let left_interval = Interval::of(&left)?;
    let right_interval = Interval::of(&right)?;
    let difference = Interval::of(&differences)?;
    // The smallest gap that matters: the margin of the right-hand figure (for a
    // threshold, of the limit); none for a threshold of 0.
    let matters = match statement {
        Statement::Threshold { .. } => 0.0,
        Statement::Compare { .. } => margin * right_interval.mean.abs(),
    };
    let below = difference.high() < 0.0 && -difference.mean >= matters;
    let above = difference.low() > 0.0 && difference.mean >= matters;
    let equal_ok = matches!(op, Op::LessOrEqual | Op::GreaterOrEqual);
    let outcome = match op {
        Op::Less | Op::LessOrEqual if below => Outcome::Holds,
        Op::Greater | Op::GreaterOrEqual if above => Outcome::Holds,
        Op::Less | Op::LessOrEqual if above => Outcome::Fails,
        Op::Greater | Op::GreaterOrEqual if below => Outcome::Fails,
        // `<=` and `>=` also hold when the two are equal within the margin.
        _ if equal_ok && matches!(statement, Statement::Compare { .. }) => Outcome::Holds,
        _ => Outcome::NoDifference,
    };
    Some(Reading {
        left: left_interval,
        right: right_interval,
        difference,
        outcome,
    })
}

/// A claim's verdict, from its outcome at each point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every point supports the claim.
    Supports,
    /// No point supports it: the opposite holds, or there is no difference that matters.
    Contradicts,
    /// It holds at some points and not at others: the first value where that changes.
    Depends { flips_between: (String, String) },
}

impl Verdict {
    /// One word for the page.
    pub fn word(&self) -> &'static str {
        match self {
            Verdict::Supports => "supports",
            Verdict::Contradicts => "contradicts",
            Verdict::Depends { .. } => "depends",
        }
    }
}

/// The verdict over the points of an axis, in the axis' order: `values[i]` names point i.
pub fn verdict(outcomes: &[Outcome], values: &[String]) -> Verdict {
    let holds = |o: &Outcome| *o == Outcome::Holds;
    if outcomes.iter().all(holds) {
        return Verdict::Supports;
    }
    if !outcomes.iter().any(holds) {
        return Verdict::Contradicts;
    }
    let flip = outcomes
        .windows(2)
        .position(|w| holds(&w[0]) != holds(&w[1]))
        .expect("mixed outcomes change somewhere");
    Verdict::Depends {
        flips_between: (values[flip].clone(), values[flip + 1].clone()),
    }
}

/// A figure in readable units (`24.3 ms`, `204 KB`, `0.213%`, `1542`): durations and sizes
/// as the reports show them; shares and plain numbers with three significant digits, so
/// that small figures (a CPU share of 0.2 %) do not round to zero.
pub fn shown(value: f64, metric: &str) -> String {
    let unit = registry::metric(metric).map_or(MetricUnit::Number, |(u, _)| u);
    match unit {
        MetricUnit::Fraction => format!("{}%", significant(value * 100.0)),
        MetricUnit::Number => significant(value),
        _ => crate::report::checks::shown(value, unit),
    }
}

/// Three significant digits, without exponent; whole numbers from 100 up. Below 1e-9 a
/// value is floating-point noise (a half-width of identical replications) and shows as 0.
fn significant(value: f64) -> String {
    let value = if value.abs() < 1e-9 { 0.0 } else { value };
    let magnitude = value.abs();
    let places = if magnitude == 0.0 || magnitude >= 100.0 {
        0
    } else if magnitude >= 10.0 {
        1
    } else if magnitude >= 1.0 {
        2
    } else {
        (2 - magnitude.log10().floor() as i32).clamp(3, 9) as usize
    };
    format!("{value:.places$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        ["sse", "sse-h2", "ws", "poll-5s"]
            .map(String::from)
            .to_vec()
    }

    fn some(values: &[f64]) -> Vec<Option<f64>> {
        values.iter().map(|v| Some(*v)).collect()
    }

    #[test]
    fn statements_are_thresholds_or_comparisons_of_one_metric() {
        let s = Statement::parse("sse-h2.latency.p99 < ws.latency.p99", &labels()).unwrap();
        assert_eq!(
            s,
            Statement::Compare {
                left: Figure {
                    label: "sse-h2".into(),
                    metric: "latency.p99".into()
                },
                op: Op::Less,
                right: Figure {
                    label: "ws".into(),
                    metric: "latency.p99".into()
                },
            }
        );
        let t = Statement::parse("poll-5s.empty_response_share >= 30%", &labels()).unwrap();
        assert!(
            matches!(t, Statement::Threshold { threshold, op: Op::GreaterOrEqual, .. } if (threshold - 0.3).abs() < 1e-12)
        );
        let mixed = Statement::parse("sse.latency.p99 < ws.cpu_utilisation", &labels());
        assert!(mixed.unwrap_err().contains("same metric"));
        let unknown = Statement::parse("quic.latency.p99 < ws.latency.p99", &labels());
        assert!(unknown.unwrap_err().contains("is not `<label>.<metric>`"));
        let unknown = Statement::parse("quic.latency.p99 < 1s", &labels());
        assert!(unknown.unwrap_err().contains("names no transport variant"));
    }

    /// Paired: the two sides move together between replications (a busier seed raises
    /// both), so their separate intervals overlap, yet the left is lower in every one.
    #[test]
    fn a_paired_difference_is_told_apart_where_separate_intervals_overlap() {
        let s = Statement::parse(
            "ws.bytes_per_client_hour < sse.bytes_per_client_hour",
            &labels(),
        )
        .unwrap();
        let ws = some(&[190.0, 210.0, 230.0]);
        let sse = some(&[200.0, 221.0, 241.0]);
        let r = judge(&s, &ws, &sse, 0.04).unwrap();
        assert!(r.left.overlaps(&r.right));
        assert_eq!(r.outcome, Outcome::Holds);
        // A 5 % margin: a gap of about 4.8 % is no difference that matters.
        assert_eq!(
            judge(&s, &ws, &sse, 0.05).unwrap().outcome,
            Outcome::NoDifference
        );
        // The other way round, it fails.
        let o = Statement::parse(
            "sse.bytes_per_client_hour < ws.bytes_per_client_hour",
            &labels(),
        )
        .unwrap();
        assert_eq!(judge(&o, &sse, &ws, 0.04).unwrap().outcome, Outcome::Fails);
    }

    #[test]
    fn a_threshold_needs_the_whole_interval_on_its_side() {
        let s = Statement::parse("poll-5s.latency.max <= 5.6s", &labels()).unwrap();
        let clear = some(&[5.40e9, 5.45e9, 5.50e9]);
        assert_eq!(
            judge(&s, &clear, &[], DEFAULT_MARGIN).unwrap().outcome,
            Outcome::Holds
        );
        let straddles = some(&[5.3e9, 5.6e9, 5.9e9]);
        assert_eq!(
            judge(&s, &straddles, &[], DEFAULT_MARGIN).unwrap().outcome,
            Outcome::NoDifference
        );
        let above = some(&[6.0e9, 6.1e9, 6.2e9]);
        assert_eq!(
            judge(&s, &above, &[], DEFAULT_MARGIN).unwrap().outcome,
            Outcome::Fails
        );
        // A replication without a value: no reading.
        assert!(judge(&s, &[Some(1.0), None], &[], DEFAULT_MARGIN).is_none());
    }

    #[test]
    fn small_shares_and_numbers_keep_three_significant_digits() {
        assert_eq!(shown(0.002134, "cpu_utilisation"), "0.213%");
        assert_eq!(shown(0.374, "empty_response_share"), "37.4%");
        assert_eq!(shown(0.0, "cpu_utilisation"), "0%");
        assert_eq!(shown(23597.333, "events.delivered"), "23597");
        assert_eq!(shown(2.285, "events.delivered"), "2.29");
        // Floating-point noise of identical replications' half-width is no digit.
        assert_eq!(shown(3.5e-14, "cpu_utilisation"), "0%");
        assert_eq!(shown(-2e-12, "events.delivered"), "0");
    }

    #[test]
    fn verdicts_over_an_axis_name_where_they_flip() {
        let values: Vec<String> = ["0.05/s", "0.2/s", "1/s", "5/s"].map(String::from).to_vec();
        use Outcome::*;
        assert_eq!(verdict(&[Holds; 4], &values), Verdict::Supports);
        assert_eq!(
            verdict(&[Fails, NoDifference, Fails, Fails], &values),
            Verdict::Contradicts
        );
        assert_eq!(
            verdict(&[Holds, Holds, Fails, Fails], &values),
            Verdict::Depends {
                flips_between: ("0.2/s".into(), "1/s".into())
            }
        );
    }
}
