//! Judging the candidates: each objective's figure over the replications (mean and 95 %
//! confidence interval), pass or fail on the confidence bound nearer failing, and the
//! ranking of those that pass.
//!
//! Ranking: by monthly cost, then by each `minimise` objective in the requirements' order,
//! then by simplicity. Two candidates whose intervals overlap on a figure are equal on it
//! ([`Interval::overlaps`]). Because "overlaps" is not transitive, the order is built by
//! repeated selection rather than a sort: of the candidates left, keep those whose interval
//! overlaps the lowest mean's on the first key, of those the ones that overlap the lowest
//! on the next key, and so on; the simplest of what remains comes next (then the lower
//! cost mean, then the label). The same inputs give the same order on any machine.

use serde::Serialize;

use super::candidates::Candidate;
use super::requirements::{Goal, Objective};
use crate::metrics::RunResult;
use crate::metrics::interval::Interval;
use crate::replication::VariantIntervals;
use crate::scenario::Scenario;

/// The name the monthly cost goes by among the objectives' metrics.
pub const MONTHLY_COST: &str = "monthly_cost";

/// One objective's verdict for one candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub objective: &'static str,
    /// The limit as written (`≤ 500ms`, `minimise`).
    pub limit: String,
    /// The figure over the replications, in the metric's base unit; `None`: not measured
    /// (no event delivered, no message sent).
    pub figure: Option<Interval>,
    /// The end of the interval the limit is judged on; `None` for `minimise`.
    pub bound: Option<f64>,
    pub passed: bool,
    /// How far past the limit: bound / limit for `max`, limit / bound for `min` (> 1 fails).
    #[serde(skip)]
    pub excess: f64,
}

/// A candidate with its figures and verdicts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judged {
    #[serde(flatten)]
    pub candidate: Candidate,
    pub monthly_cost: Interval,
    /// p99 delivery latency (ns), for the chart; `None` when nothing was delivered.
    pub latency_p99: Option<Interval>,
    pub verdicts: Vec<Verdict>,
    pub passed: bool,
}

impl Judged {
    /// The interval of key `metric` (the monthly cost or an objective's metric).
    pub fn figure(&self, metric: &str, objectives: &[Objective]) -> Option<Interval> {
        if metric == MONTHLY_COST {
            return Some(self.monthly_cost);
        }
        objectives
            .iter()
            .zip(&self.verdicts)
            .find(|(o, _)| o.metric == metric)
            .and_then(|(_, v)| v.figure)
    }

    /// The worst excess over the failed limits (1 or less when every limit passes).
    pub fn worst_excess(&self) -> f64 {
        self.verdicts.iter().map(|v| v.excess).fold(0.0, f64::max)
    }
}

/// Judges `candidate` from its runs (`runs[i]`: replication i's result) and their
/// intervals.
pub fn judge(
    scenario: &Scenario,
    candidate: &Candidate,
    runs: &[RunResult],
    intervals: &VariantIntervals,
    objectives: &[Objective],
) -> Judged {
    let prices = scenario
        .cost
        .as_ref()
        .expect("recommend prices every scenario");
    let costs: Vec<f64> = runs
        .iter()
        .map(|r| crate::report::cost::bill(scenario, prices, r).total())
        .collect();
    let monthly_cost = Interval::of(&costs).expect("at least one replication");
    // A run that stopped early (a saturated server) fails every limit.
    let complete = runs.iter().all(|r| r.stopped.is_none());
    let verdicts: Vec<Verdict> = objectives
        .iter()
        .map(|o| {
            let figure = if o.metric == MONTHLY_COST {
                Some(monthly_cost)
            } else {
                intervals.metric(o.metric).copied()
            };
            let (bound, excess) = match (o.goal, figure) {
                (Goal::Minimise, _) => (None, 0.0),
                (Goal::Max(limit), Some(f)) => (Some(f.high()), ratio(f.high(), limit)),
                (Goal::Min(limit), Some(f)) => (Some(f.low()), ratio(limit, f.low())),
                (_, None) => (None, f64::INFINITY),
            };
            let excess = if complete { excess } else { f64::INFINITY };
            Verdict {
                objective: o.name,
                limit: o.written.clone(),
                figure,
                bound,
                passed: excess <= 1.0,
                excess,
            }
        })
        .collect();
    let passed = complete && verdicts.iter().all(|v| v.passed);
    Judged {
        candidate: candidate.clone(),
        monthly_cost,
        latency_p99: intervals.metric("latency.p99").copied(),
        verdicts,
        passed,
    }
}

/// `value / limit`, with 0 / 0 as 1 (at the limit) and x / 0 as infinitely past it.
fn ratio(value: f64, limit: f64) -> f64 {
    if limit > 0.0 {
        value / limit
    } else if value <= 0.0 {
        1.0
    } else {
        f64::INFINITY
    }
}

/// The ranking keys: the monthly cost, then each `minimise` objective's metric.
pub fn keys(objectives: &[Objective]) -> Vec<&'static str> {
    std::iter::once(MONTHLY_COST)
        .chain(
            objectives
                .iter()
                .filter(|o| o.goal == Goal::Minimise)
                .map(|o| o.metric),
        )
        .collect()
}

/// The indices of `judged`'s passing candidates, best first (see the module doc).
pub fn rank(judged: &[Judged], objectives: &[Objective]) -> Vec<usize> {
    let keys = keys(objectives);
    let mut left: Vec<usize> = (0..judged.len()).filter(|&i| judged[i].passed).collect();
    let mut order = Vec::new();
    while !left.is_empty() {
        let mut tied = left.clone();
        for key in &keys {
            let figure = |i: usize| judged[i].figure(key, objectives);
            let Some(lowest) = tied
                .iter()
                .filter_map(|&i| figure(i))
                .min_by(|a, b| a.mean.total_cmp(&b.mean))
            else {
                continue;
            };
            tied.retain(|&i| figure(i).is_none_or(|f| f.overlaps(&lowest)));
        }
        let next = *tied
            .iter()
            .min_by(|&&a, &&b| {
                let (a, b) = (&judged[a], &judged[b]);
                a.candidate
                    .simplicity
                    .cmp(&b.candidate.simplicity)
                    .then(a.monthly_cost.mean.total_cmp(&b.monthly_cost.mean))
                    .then(a.candidate.label.cmp(&b.candidate.label))
            })
            .expect("the lowest is among the tied");
        order.push(next);
        left.retain(|&i| i != next);
    }
    order
}

/// Why `loser` is not the winner, in a sentence.
pub fn why_lost(
    loser: &Judged,
    winner: Option<&Judged>,
    objectives: &[Objective],
    show: &dyn Fn(&str, f64) -> String,
) -> String {
    if !loser.passed {
        let failed: Vec<String> = loser
            .verdicts
            .iter()
            .filter(|v| !v.passed)
            .map(|v| match (v.figure, v.bound) {
                (Some(f), Some(b)) => format!(
                    "{} {} ± {} (bound {}) breaks {}",
                    v.objective,
                    show(metric_of(v.objective, objectives), f.mean),
                    show(metric_of(v.objective, objectives), f.half_width),
                    show(metric_of(v.objective, objectives), b),
                    v.limit
                ),
                _ => format!("{} not measured (nothing delivered or sent)", v.objective),
            })
            .collect();
        if failed.is_empty() {
            return "a run stopped before the end (the server saturated)".to_string();
        }
        return format!("fails: {}", failed.join("; "));
    }
    let Some(winner) = winner else {
        return String::new();
    };
    for key in keys(objectives) {
        let (Some(a), Some(b)) = (
            loser.figure(key, objectives),
            winner.figure(key, objectives),
        ) else {
            continue;
        };
        if !a.overlaps(&b) && a.mean > b.mean {
            let name = if key == MONTHLY_COST {
                "monthly cost"
            } else {
                key
            };
            return format!(
                "higher {name}: {} ± {} against {} ± {} (the intervals do not overlap)",
                show(key, a.mean),
                show(key, a.half_width),
                show(key, b.mean),
                show(key, b.half_width)
            );
        }
    }
    if loser.candidate.simplicity > winner.candidate.simplicity {
        format!(
            "equal within the confidence intervals on cost{}, and less simple ({}, rank {}, against {}, rank {})",
            if keys(objectives).len() > 1 {
                " and every minimised figure"
            } else {
                ""
            },
            loser.candidate.mechanism,
            loser.candidate.simplicity,
            winner.candidate.mechanism,
            winner.candidate.simplicity
        )
    } else {
        "ranked after the winner by a figure that another candidate ties (see the ranking)"
            .to_string()
    }
}

fn metric_of(objective: &str, objectives: &[Objective]) -> &'static str {
    objectives
        .iter()
        .find(|o| o.name == objective)
        .map_or("", |o| o.metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(label: &str, simplicity: u32, cost: (f64, f64)) -> Judged {
        Judged {
            candidate: Candidate {
                label: label.into(),
                mechanism: "test",
                simplicity,
                entry: String::new(),
            },
            monthly_cost: Interval {
                mean: cost.0,
                half_width: cost.1,
                n: 3,
            },
            latency_p99: None,
            verdicts: Vec::new(),
            passed: true,
        }
    }

    #[test]
    fn overlapping_costs_are_equal_and_the_simpler_wins() {
        // ws $100 ± 5 and sse $103 ± 5 overlap: SSE (rank 2) before WebSocket (rank 5);
        // long polling at $120 ± 2 does not overlap the cheapest and comes last.
        let judged = [
            candidate("ws", 5, (100.0, 5.0)),
            candidate("sse", 2, (103.0, 5.0)),
            candidate("long-poll", 4, (120.0, 2.0)),
        ];
        assert_eq!(rank(&judged, &[]), vec![1, 0, 2]);
        let show = |_: &str, v: f64| format!("{v}");
        let why = why_lost(&judged[0], Some(&judged[1]), &[], &show);
        assert!(
            why.starts_with("equal within the confidence intervals on cost"),
            "{why}"
        );
        let why = why_lost(&judged[2], Some(&judged[1]), &[], &show);
        assert_eq!(
            why,
            "higher monthly cost: 120 ± 2 against 103 ± 5 (the intervals do not overlap)"
        );
    }

    #[test]
    fn a_cheaper_candidate_beyond_the_noise_wins_whatever_its_rank() {
        let judged = [
            candidate("sse", 2, (103.0, 1.0)),
            candidate("ws", 5, (90.0, 1.0)),
        ];
        assert_eq!(rank(&judged, &[]), vec![1, 0]);
        // A failing candidate is not ranked at all.
        let mut failing = candidate("poll-1s", 1, (10.0, 0.0));
        failing.passed = false;
        assert_eq!(
            rank(&[failing, candidate("sse", 2, (1.0, 0.0))], &[]),
            vec![1]
        );
    }

    #[test]
    fn limits_are_judged_on_the_bound_nearer_failing() {
        assert_eq!(ratio(110.0, 100.0), 1.1);
        assert_eq!(ratio(0.0, 0.0), 1.0);
        assert!(ratio(1.0, 0.0).is_infinite());
    }
}
