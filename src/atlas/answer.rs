//! A use case's one-line answer, derived from its run's figures: the variant that is best
//! on the figure that matters for that use case, and which others it cannot be told from.
//!
//! Owns: the derivation. The use case names its figures in order ([`Criterion`]); the
//! first decides. The variant with the best mean on it leads; every other variant whose
//! paired difference from the leader is within the margin or the replications' noise
//! ([`crate::claims::judge::judge`], the claims page's own test, with its 5 % margin) ties
//! with it. The next figure, if any, is read among the leader and its ties only, and so
//! on, until one variant is left or the figures run out. If variants are still tied then,
//! the simplest of them wins (`rtsim recommend`'s simplicity rank,
//! [`crate::recommend::mechanism`]; on equal ranks the last leader): the figures cannot
//! tell them apart, so the one with less to build and run is the better choice.
//! Does not own: the runs ([`crate::evidence`]) nor the page ([`super::page`]).

use crate::claims::judge::{self, Figure, Outcome, Statement};
use crate::metrics::interval::Interval;
use crate::recommend::mechanism::Simplicity;
use crate::scenario::assertions::Op;

/// Which way a figure is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Lower,
    Higher,
}

/// A figure that matters for a use case, and which way is better.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Criterion {
    pub metric: String,
    pub better: Better,
}

impl Criterion {
    /// `lowest latency.p99`, as the page says it.
    pub fn words(&self) -> String {
        let way = match self.better {
            Better::Lower => "lowest",
            Better::Higher => "highest",
        };
        format!("{way} `{}`", self.metric)
    }
}

/// One step of the derivation: the figure read, the leader on it with its interval, and
/// the variants tied with the leader (in the scenario's order).
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub criterion: Criterion,
    pub leader: String,
    pub interval: Interval,
    pub tied: Vec<String>,
    /// Variants without a value of this figure in some replication (no latency sample:
    /// an upload-only variant), left out of this step and the next.
    pub without: Vec<String>,
}

/// The answer: each step in order, then the simplest of the variants still tied, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub steps: Vec<Step>,
    /// The simplest of the last step's leader and its ties, when it has ties.
    pub simplest: Option<Simplest>,
}

/// The tie-break by simplicity: the variant chosen and its simplicity.
#[derive(Debug, Clone, PartialEq)]
pub struct Simplest {
    pub label: String,
    pub simplicity: Simplicity,
}

impl Answer {
    /// The winner: the simplest of the last step's leader and ties, or its leader alone.
    pub fn winner(&self) -> &str {
        match &self.simplest {
            Some(s) => &s.label,
            None => &self.steps.last().expect("at least one step").leader,
        }
    }

    /// The variants the last step could not tell from the winner (the scenario's order,
    /// the last leader first when the winner is a simpler variant tied with it).
    pub fn tied(&self) -> Vec<String> {
        let last = self.steps.last().expect("at least one step");
        let winner = self.winner();
        std::iter::once(&last.leader)
            .chain(&last.tied)
            .filter(|l| *l != winner)
            .cloned()
            .collect()
    }
}

/// Derives the answer over the variants `labels` (the scenario's order), reading each
/// variant's figures per replication with `figures(label, metric)` and its simplicity
/// with `simplicity(label)`; `margin` as a share of the leader's mean. `Err` when no
/// variant has a value of a figure.
pub fn derive(
    labels: &[String],
    figures: &dyn Fn(&str, &str) -> Vec<Option<f64>>,
    simplicity: &dyn Fn(&str) -> Simplicity,
    criteria: &[Criterion],
    margin: f64,
) -> Result<Answer, String> {
    let mut candidates: Vec<String> = labels.to_vec();
    let mut steps = Vec::with_capacity(criteria.len());
    for criterion in criteria {
        // Each candidate's figures in every replication, or none.
        let mut read: Vec<(String, Vec<Option<f64>>, Interval)> = Vec::new();
        let mut without = Vec::new();
        for label in &candidates {
            let values = figures(label, &criterion.metric);
            let complete: Option<Vec<f64>> = values.iter().copied().collect();
            match complete.as_deref().and_then(Interval::of) {
                Some(interval) => read.push((label.clone(), values, interval)),
                None => without.push(label.clone()),
            }
        }
        // The best mean leads; on equal means the earlier variant (the scenario's order).
        let leader = read
            .iter()
            .enumerate()
            .min_by(|(i, a), (j, b)| {
                let (x, y) = (a.2.mean, b.2.mean);
                let order = match criterion.better {
                    Better::Lower => x.total_cmp(&y),
                    Better::Higher => y.total_cmp(&x),
                };
                order.then(i.cmp(j))
            })
            .map(|(i, _)| i)
            .ok_or_else(|| {
                format!(
                    "no variant has a value of `{}` in every replication",
                    criterion.metric
                )
            })?;
        let (leader_label, leader_values, interval) = read[leader].clone();
        // `other` is worse than the leader when the paired difference says so beyond the
        // margin and the noise; otherwise the two tie.
        let worse = match criterion.better {
            Better::Lower => Op::Greater,
            Better::Higher => Op::Less,
        };
        let mut tied = Vec::new();
        for (label, values, _) in &read {
            if *label == leader_label {
                continue;
            }
            let statement = Statement::Compare {
                left: Figure {
                    label: label.clone(),
                    metric: criterion.metric.clone(),
                },
                op: worse,
                right: Figure {
                    label: leader_label.clone(),
                    metric: criterion.metric.clone(),
                },
            };
            let reading = judge::judge(&statement, values, &leader_values, margin)
                .expect("complete figures were read above");
            if reading.outcome != Outcome::Holds {
                tied.push(label.clone());
            }
        }
        candidates = std::iter::once(leader_label.clone())
            .chain(tied.iter().cloned())
            .collect();
        let alone = tied.is_empty();
        steps.push(Step {
            criterion: criterion.clone(),
            leader: leader_label,
            interval,
            tied,
            without,
        });
        // One variant left: the later figures have nothing to decide.
        if alone {
            break;
        }
    }
    let Some(last) = steps.last() else {
        return Err("no figure to decide on".into());
    };
    // The first of the least simplicity, the leader first: on equal ranks it stays.
    let simplest = (!last.tied.is_empty()).then(|| {
        std::iter::once(&last.leader)
            .chain(&last.tied)
            .map(|label| Simplest {
                label: label.clone(),
                simplicity: simplicity(label),
            })
            .min_by_key(|s| (s.simplicity.rank, s.simplicity.channels))
            .expect("the leader at least")
    });
    Ok(Answer { steps, simplest })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::judge::DEFAULT_MARGIN;
    use crate::recommend::mechanism::Mechanism;

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    fn lowest(metric: &str) -> Criterion {
        Criterion {
            metric: metric.into(),
            better: Better::Lower,
        }
    }

    fn highest(metric: &str) -> Criterion {
        Criterion {
            metric: metric.into(),
            better: Better::Higher,
        }
    }

    /// Every variant equally simple: the figures alone decide.
    fn same(_: &str) -> Simplicity {
        Simplicity::of_mechanism(Mechanism::WebSocket)
    }

    /// Figures per (label, metric), three replications each.
    fn table(rows: &[(&str, &str, [f64; 3])]) -> impl Fn(&str, &str) -> Vec<Option<f64>> {
        let rows: Vec<(String, String, [f64; 3])> = rows
            .iter()
            .map(|(l, m, v)| (l.to_string(), m.to_string(), *v))
            .collect();
        move |label: &str, metric: &str| {
            rows.iter()
                .find(|(l, m, _)| l == label && m == metric)
                .map_or(vec![None; 3], |(_, _, v)| {
                    v.iter().map(|x| Some(*x)).collect()
                })
        }
    }

    /// The lowest mean wins outright when every other variant is worse in every
    /// replication by more than the margin: poll is 40 ms ± a little above ws and sse.
    #[test]
    fn a_clear_leader_wins_alone() {
        let figures = table(&[
            ("poll", "latency.p99", [540.0, 545.0, 550.0]),
            ("sse", "latency.p99", [100.0, 101.0, 102.0]),
            ("ws", "latency.p99", [130.0, 131.0, 132.0]),
        ]);
        let a = derive(
            &labels(&["poll", "sse", "ws"]),
            &figures,
            &same,
            &[lowest("latency.p99")],
            DEFAULT_MARGIN,
        )
        .unwrap();
        assert_eq!(a.winner(), "sse");
        assert!(a.tied().is_empty());
        // The leader's interval: mean 101, s = 1, t(0.975, 2) = 4.303 → 4.303 / √3 = 2.484.
        assert!((a.steps[0].interval.mean - 101.0).abs() < 1e-9);
        assert!((a.steps[0].interval.half_width - 2.484).abs() < 1e-3);
    }

    /// ws is 2 % above sse in every replication: a real difference, but under the 5 %
    /// margin, so the two tie; the second figure (bytes) breaks the tie for ws, and
    /// poll, worse on the first figure, is not read on the second.
    #[test]
    fn a_tie_within_the_margin_goes_to_the_next_figure() {
        let figures = table(&[
            ("poll", "latency.p99", [900.0, 910.0, 920.0]),
            ("sse", "latency.p99", [100.0, 110.0, 120.0]),
            ("ws", "latency.p99", [102.0, 112.2, 122.4]),
            ("poll", "bytes_per_client_hour", [1.0, 1.0, 1.0]),
            ("sse", "bytes_per_client_hour", [500.0, 510.0, 520.0]),
            ("ws", "bytes_per_client_hour", [300.0, 305.0, 310.0]),
        ]);
        let a = derive(
            &labels(&["poll", "sse", "ws"]),
            &figures,
            &same,
            &[lowest("latency.p99"), lowest("bytes_per_client_hour")],
            DEFAULT_MARGIN,
        )
        .unwrap();
        assert_eq!(a.steps[0].leader, "sse");
        assert_eq!(a.steps[0].tied, vec!["ws".to_string()]);
        assert_eq!(a.winner(), "ws");
        assert!(a.tied().is_empty());
        // With a 1 % margin the 2 % gap is told apart: sse wins on the first figure alone.
        let strict = derive(
            &labels(&["poll", "sse", "ws"]),
            &figures,
            &same,
            &[lowest("latency.p99"), lowest("bytes_per_client_hour")],
            0.01,
        )
        .unwrap();
        assert_eq!(strict.steps[0].tied, Vec::<String>::new());
        assert_eq!(strict.winner(), "sse");
        // Nothing left to decide: the bytes are not read.
        assert_eq!(strict.steps.len(), 1);
    }

    /// Noise ties too: b's mean is 20 % above a's, but the paired differences (−10, +50,
    /// +10: mean 16.7, s = 30.6, half-width 4.303 · 30.6 / √3 = 76) straddle zero.
    #[test]
    fn noise_that_straddles_zero_is_a_tie_and_higher_can_be_better() {
        let figures = table(&[
            ("a", "delivered_share", [100.0, 50.0, 100.0]),
            ("b", "delivered_share", [90.0, 100.0, 110.0]),
            ("c", "delivered_share", [10.0, 11.0, 12.0]),
        ]);
        let a = derive(
            &labels(&["a", "b", "c"]),
            &figures,
            &same,
            &[highest("delivered_share")],
            DEFAULT_MARGIN,
        )
        .unwrap();
        assert_eq!(a.winner(), "b");
        assert_eq!(a.tied(), ["a".to_string()]);
    }

    /// A variant without the figure (an upload-only variant has no latency) is left out
    /// and named; equal means go to the scenario's first variant; a figure nobody has is
    /// an error.
    #[test]
    fn missing_figures_and_equal_means() {
        let figures = table(&[
            ("x", "delivered_share", [1.0, 1.0, 1.0]),
            ("y", "delivered_share", [1.0, 1.0, 1.0]),
        ]);
        let a = derive(
            &labels(&["x", "y", "z"]),
            &figures,
            &same,
            &[highest("delivered_share")],
            DEFAULT_MARGIN,
        )
        .unwrap();
        assert_eq!(a.winner(), "x");
        assert_eq!(a.tied(), ["y".to_string()]);
        assert_eq!(a.steps[0].without, ["z".to_string()]);
        let e = derive(
            &labels(&["x", "y"]),
            &figures,
            &same,
            &[lowest("latency.p99")],
            DEFAULT_MARGIN,
        )
        .unwrap_err();
        assert!(e.contains("latency.p99"), "{e}");
    }

    /// Issue 20: variants the figures cannot tell apart go to the simplest. ws leads on
    /// the only figure and poll and sse tie with it (within 1 %): poll (rank 1) wins. Without
    /// poll, sse (2) wins over the leader ws (5); with equal ranks the leader stays; a
    /// clear leader needs no tie-break.
    #[test]
    fn a_tie_after_the_last_figure_goes_to_the_simplest() {
        let figures = table(&[
            ("poll", "latency.p99", [101.0, 102.0, 103.0]),
            ("ws", "latency.p99", [100.0, 101.0, 102.0]),
            ("sse", "latency.p99", [100.5, 101.5, 102.5]),
        ]);
        let rank = |label: &str| {
            Simplicity::of_mechanism(match label {
                "poll" => Mechanism::ShortPolling,
                "sse" => Mechanism::Sse,
                _ => Mechanism::WebSocket,
            })
        };
        let criteria = [lowest("latency.p99")];
        let a = derive(
            &labels(&["poll", "ws", "sse"]),
            &figures,
            &rank,
            &criteria,
            DEFAULT_MARGIN,
        )
        .unwrap();
        assert_eq!(a.steps[0].leader, "ws");
        assert_eq!(a.winner(), "poll");
        assert_eq!(a.tied(), ["ws".to_string(), "sse".to_string()]);
        let b = derive(
            &labels(&["ws", "sse"]),
            &figures,
            &rank,
            &criteria,
            DEFAULT_MARGIN,
        )
        .unwrap();
        assert_eq!(b.winner(), "sse");
        assert_eq!(b.simplest.as_ref().unwrap().simplicity.rank, 2);
        // Equally simple: the leader.
        let c = derive(
            &labels(&["sse", "ws"]),
            &figures,
            &same,
            &criteria,
            DEFAULT_MARGIN,
        )
        .unwrap();
        assert_eq!(c.winner(), "ws");
        // No tie left: no tie-break.
        let d = derive(&labels(&["ws", "sse"]), &figures, &rank, &criteria, 0.0).unwrap();
        assert!(d.simplest.is_none());
        assert_eq!(d.winner(), "ws");
    }
}
