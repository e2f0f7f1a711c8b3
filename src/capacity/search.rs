//! The search of `rtsim capacity` along one integer axis: deterministic bisection for the
//! smallest value that meets a limit (or the largest, for a client count), and the check
//! that the probed figures are monotone along the axis before an answer is given.
//!
//! Pure: it is handed a function that judges one axis value (runs it, in
//! [`super`]) and knows nothing of scenarios. The probes are a fixed sequence for given
//! bounds and verdicts: the two ends, then the middle of the bracket (rounded down) until
//! the bracket is one step wide, so at most `2 + ⌈log₂(to − from)⌉` probes.
//!
//! Monotone: for the smallest value that meets a limit the figure must get no worse as the
//! axis grows (more replicas, no higher p99); for the largest, no better (more clients, no
//! lower p99). Two probes disagree when the one that should be no worse is worse beyond
//! the noise: its verdict fails where the other passes, or their 95 % confidence intervals
//! are apart by more than [`TOLERANCE`] of the limit in the wrong direction. A run that did
//! not finish (a saturated server) or measured nothing counts as the worst figure. Any
//! disagreement refuses the answer: a bisection over a metric that is not monotone can
//! return a wrong bound without noticing. Only the probed values are compared: a dip
//! between two probes that both agree is not seen.

use serde::Serialize;

use crate::metrics::interval::Interval;
use crate::recommend::requirements::Goal;

/// Apart by less than this share of the limit, two figures count as equal in the
/// monotonicity check: 1 %, so that a deterministic figure (a confidence interval of width
/// 0, as a polling variant's p99 often is) wobbling in its last digits between probes is
/// not taken for a trend. A choice of this tool, not a measured value; it never changes a
/// verdict, only whether two probes are said to disagree.
pub const TOLERANCE: f64 = 0.01;

/// Which end of the values that meet the limit is the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Find {
    /// The smallest value that meets it (replicas, cores, a polling interval for a CPU
    /// limit): the figure improves as the axis grows.
    Smallest,
    /// The largest value that still meets it (a client count: the knee; a polling interval
    /// for a latency limit): the figure worsens as the axis grows.
    Largest,
}

/// One axis value, judged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Probe {
    pub value: u64,
    /// The objective's figure over the replications, in the metric's base unit; `None`
    /// when no replication measured it.
    pub figure: Option<Interval>,
    /// Every replication ran to the end (no saturated server, no budget stop).
    pub complete: bool,
    /// The figure's bound nearer failing meets the limit, and the runs are complete.
    pub passed: bool,
}

/// Two probes whose figures go the wrong way along the axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    /// The smaller axis value.
    pub lower: u64,
    /// The larger axis value.
    pub higher: u64,
}

/// What the search found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Outcome {
    /// The answer: the smallest (or largest) value in the bounds that meets the limit.
    Answer(u64),
    /// No value in the bounds meets it (the end that should be best fails).
    NoneMeets,
    /// The probes disagree on the direction: no bound is given.
    NotMonotone(Vec<Disagreement>),
}

/// Searches `from..=to` (`from < to`) for the value `find` asks for, judging values with
/// `probe`; returns the probes in the order made and the outcome.
pub fn search<E>(
    from: u64,
    to: u64,
    find: Find,
    goal: Goal,
    mut probe: impl FnMut(u64) -> Result<Probe, E>,
) -> Result<(Vec<Probe>, Outcome), E> {
    assert!(from < to, "the bounds {from}..={to} are checked before");
    // Position k along the search: the values in the order in which they should go from
    // failing to passing.
    let value = |k: u64| match find {
        Find::Smallest => from + k,
        Find::Largest => to - k,
    };
    let last = to - from;
    let mut probes = Vec::new();
    let worst = probe(value(0))?;
    let best = probe(value(last))?;
    let (worst_passed, best_passed) = (worst.passed, best.passed);
    probes.push(worst);
    probes.push(best);
    let found = if !best_passed {
        None
    } else if worst_passed {
        Some(value(0))
    } else {
        // Invariant: position `failing` fails, position `passing` passes.
        let (mut failing, mut passing) = (0, last);
        while passing - failing > 1 {
            let middle = failing + (passing - failing) / 2;
            let p = probe(value(middle))?;
            if p.passed {
                passing = middle;
            } else {
                failing = middle;
            }
            probes.push(p);
        }
        Some(value(passing))
    };
    let disagreements = disagreements(&probes, find, goal);
    let outcome = if !disagreements.is_empty() {
        Outcome::NotMonotone(disagreements)
    } else {
        match found {
            Some(v) => Outcome::Answer(v),
            None => Outcome::NoneMeets,
        }
    };
    Ok((probes, outcome))
}

/// Every pair of `probes` that goes the wrong way for `find` (see the module doc), by the
/// smaller value, then the larger.
pub fn disagreements(probes: &[Probe], find: Find, goal: Goal) -> Vec<Disagreement> {
    let mut sorted: Vec<&Probe> = probes.iter().collect();
    sorted.sort_by_key(|p| p.value);
    sorted.dedup_by_key(|p| p.value);
    let limit = match goal {
        Goal::Max(l) | Goal::Min(l) => l,
        Goal::Minimise => 0.0,
    };
    let slack = TOLERANCE * limit.abs();
    // The figure as "badness" (higher is worse) and its interval's ends; a missing figure
    // or an incomplete run is infinitely bad.
    let badness = |p: &Probe| -> (f64, f64) {
        match p.figure {
            Some(f) if p.complete => match goal {
                Goal::Min(_) => (-f.high(), -f.low()),
                _ => (f.low(), f.high()),
            },
            _ => (f64::INFINITY, f64::INFINITY),
        }
    };
    // `worse(a, b)`: a is worse than b beyond the noise.
    let worse = |a: &Probe, b: &Probe| {
        let ((a_low, _), (_, b_high)) = (badness(a), badness(b));
        (b.passed && !a.passed) || (a_low > b_high + slack)
    };
    let mut out = Vec::new();
    for (i, lower) in sorted.iter().enumerate() {
        for higher in &sorted[i + 1..] {
            let wrong = match find {
                // Growing the axis should not make it worse.
                Find::Smallest => worse(higher, lower),
                // Growing the axis should not make it better.
                Find::Largest => worse(lower, higher),
            };
            if wrong {
                out.push(Disagreement {
                    lower: lower.value,
                    higher: higher.value,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A probe of a figure known exactly (no noise), judged against `≤ limit`.
    fn exact(value: u64, figure: f64, limit: f64) -> Probe {
        Probe {
            value,
            figure: Some(Interval {
                mean: figure,
                half_width: 0.0,
                n: 3,
            }),
            complete: true,
            passed: figure <= limit,
        }
    }

    /// Runs the search over `f` (value → figure) against `≤ limit`, counting the probes.
    fn run(
        from: u64,
        to: u64,
        find: Find,
        limit: f64,
        f: impl Fn(u64) -> f64,
    ) -> (Vec<u64>, Outcome) {
        let (probes, outcome) = search::<()>(from, to, find, Goal::Max(limit), |v| {
            Ok(exact(v, f(v), limit))
        })
        .unwrap();
        (probes.iter().map(|p| p.value).collect(), outcome)
    }

    #[test]
    fn the_smallest_value_under_a_falling_figure() {
        // p99 = 400 / replicas ms against ≤ 60 ms: 400/6 = 66.7 fails, 400/7 = 57.1 passes,
        // so 7. Probes: the ends 1 and 16, then 8 (passes), 4 (fails), 6 (fails), 7.
        let (probed, outcome) = run(1, 16, Find::Smallest, 60.0, |r| 400.0 / r as f64);
        assert_eq!(outcome, Outcome::Answer(7));
        assert_eq!(probed, [1, 16, 8, 4, 6, 7]);
        // Within 2 + ⌈log₂ 15⌉ = 6 probes.
        assert!(probed.len() <= 6);
    }

    #[test]
    fn the_largest_value_under_a_rising_figure_is_the_knee() {
        // p99 = 20 ms + clients / 100 ms against ≤ 50 ms: 3000 clients give exactly 50
        // (passes, the limit is inclusive), 3001 give 50.01.
        let (probed, outcome) = run(100, 10_000, Find::Largest, 50.0, |n| {
            20.0 + n as f64 / 100.0
        });
        assert_eq!(outcome, Outcome::Answer(3000));
        // Bisection of 9900 steps: at most 2 + ⌈log₂ 9900⌉ = 16 probes.
        assert!(probed.len() <= 16, "{probed:?}");
        assert_eq!(&probed[..2], [10_000, 100]);
    }

    #[test]
    fn ends_that_already_decide() {
        // Every value passes: the smallest is the lower bound, after the two ends only.
        let (probed, outcome) = run(2, 9, Find::Smallest, 100.0, |_| 10.0);
        assert_eq!((probed, outcome), (vec![2, 9], Outcome::Answer(2)));
        // None passes.
        let (probed, outcome) = run(2, 9, Find::Smallest, 1.0, |r| 10.0 / r as f64);
        assert_eq!((probed, outcome), (vec![2, 9], Outcome::NoneMeets));
    }

    #[test]
    fn a_figure_that_turns_back_is_refused_naming_the_probes() {
        // p99 falls as 100 / r up to r = 4 (100, 50, 33.3, 25) and rises as 20·(r − 2)
        // after (5: 60, 6: 80, 7: 100, 8: 120); limit ≤ 45.
        let v = |r: u64| {
            if r <= 4 {
                100.0 / r as f64
            } else {
                20.0 * (r - 2) as f64
            }
        };
        // Bounds 1..=6: 1 (100) and 6 (80) both fail, and 80 is better than 100: nothing
        // meets it, as far as the probes can tell.
        assert_eq!(run(1, 6, Find::Smallest, 45.0, v).1, Outcome::NoneMeets);
        // Bounds 3..=6: 3 (33.3) passes where the larger 6 (80) fails: they disagree.
        let (probed, outcome) = run(3, 6, Find::Smallest, 45.0, v);
        assert_eq!(probed, [3, 6]);
        assert_eq!(
            outcome,
            Outcome::NotMonotone(vec![Disagreement {
                lower: 3,
                higher: 6
            }])
        );
        // The same with a dip back to 40 at 9, found by the bisection itself: 1 (100,
        // fails), 9 (40, passes), then the middles 5 (60), 7 (100), 8 (120), all failing.
        // A bisection that trusted them would answer 9.
        let w = |r: u64| if r == 9 { 40.0 } else { v(r) };
        let (probed, outcome) = run(1, 9, Find::Smallest, 45.0, w);
        assert_eq!(probed, [1, 9, 5, 7, 8]);
        let Outcome::NotMonotone(pairs) = outcome else {
            panic!("{outcome:?}")
        };
        // The pairs whose larger value is worse by more than 1 % of 45 (0.45): 1 (100)
        // against 8 (120); 5 (60) against 7 and 8; 7 (100) against 8 (120). (1 against 7,
        // both 100, are equal.)
        let pairs: Vec<(u64, u64)> = pairs.iter().map(|d| (d.lower, d.higher)).collect();
        assert_eq!(pairs, [(1, 8), (5, 7), (5, 8), (7, 8)]);
    }

    #[test]
    fn noise_and_tiny_wobbles_are_not_trends() {
        let probe = |value, mean, half_width| Probe {
            value,
            figure: Some(Interval {
                mean,
                half_width,
                n: 3,
            }),
            complete: true,
            passed: mean + half_width <= 100.0,
        };
        // 60 ± 5 at 2 and 62 ± 5 at 3 overlap; 50.0 at 4 and 50.4 at 5 differ by less than
        // 1 % of the limit (1.0).
        let probes = [
            probe(2, 60.0, 5.0),
            probe(3, 62.0, 5.0),
            probe(4, 50.0, 0.0),
            probe(5, 50.4, 0.0),
        ];
        assert!(disagreements(&probes, Find::Smallest, Goal::Max(100.0)).is_empty());
        // 50 at 4 and 52 at 5 (2 % of the limit) disagree.
        let probes = [probe(4, 50.0, 0.0), probe(5, 52.0, 0.0)];
        assert_eq!(
            disagreements(&probes, Find::Smallest, Goal::Max(100.0)),
            [Disagreement {
                lower: 4,
                higher: 5
            }]
        );
        // The same pair is the right way round for the largest value.
        assert!(disagreements(&probes, Find::Largest, Goal::Max(100.0)).is_empty());
    }

    #[test]
    fn a_lower_limit_and_incomplete_runs() {
        // Delivered share ≥ 99 %: higher is better. 95 % at 1 and 99.5 % at 2 agree for
        // the smallest value (it improves as the axis grows) and disagree for the largest.
        let probe = |value, mean, complete| Probe {
            value,
            figure: Some(Interval {
                mean,
                half_width: 0.0,
                n: 3,
            }),
            complete,
            passed: complete && mean >= 0.99,
        };
        let probes = [probe(1, 0.95, true), probe(2, 0.995, true)];
        assert!(disagreements(&probes, Find::Smallest, Goal::Min(0.99)).is_empty());
        assert_eq!(
            disagreements(&probes, Find::Largest, Goal::Min(0.99)).len(),
            1
        );
        // A saturated run at the larger value is the worst figure, whatever it measured.
        let probes = [probe(1, 0.95, true), probe(2, 0.999, false)];
        assert_eq!(
            disagreements(&probes, Find::Smallest, Goal::Min(0.99)).len(),
            1
        );
    }
}
