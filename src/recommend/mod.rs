//! `rtsim recommend`: turns a requirements file into a recommendation. It generates the
//! candidate variants ([`candidates`]), runs them with replications
//! ([`crate::replication::run`]), judges every objective on the confidence bound and ranks
//! those that pass by monthly cost and simplicity ([`judge`]), finds the client send rate at
//! which the winner changes (bisection), and when nothing passes, the nearest miss and the
//! cheapest change that makes it pass. [`output`] writes it as Markdown and JSON.
//!
//! Deterministic: every run is seeded from the requirements, runs come back in a fixed
//! order whatever the thread count, and the bisection probes a fixed sequence of integer
//! rates (messages per client-hour).

pub mod candidates;
pub mod judge;
pub mod mechanism;
pub mod output;
pub mod requirements;

use serde::Serialize;

use crate::engine::Limits;
use crate::replication::{self, Failed};
use crate::scenario::ScenarioError;
use crate::units::{Rate, RatePer};
use candidates::{Candidate, Changes};
use judge::Judged;
use requirements::Requirements;

/// Why a recommendation could not be made.
#[derive(Debug)]
pub enum RecommendError {
    /// The generated scenario is invalid (a requirement out of the simulator's range).
    Scenario(ScenarioError),
    /// A run failed.
    Run(Failed),
}

impl std::fmt::Display for RecommendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecommendError::Scenario(e) => write!(f, "{e}"),
            RecommendError::Run(e) => write!(f, "{e}"),
        }
    }
}

/// The candidates judged at one setting, and the passing ones' order.
#[derive(Debug, Clone)]
pub struct Round {
    pub judged: Vec<Judged>,
    /// Indices into `judged`, best first.
    pub ranking: Vec<usize>,
}

impl Round {
    pub fn winner(&self) -> Option<&Judged> {
        self.ranking.first().map(|&i| &self.judged[i])
    }
}

/// Where the answer changes along the clients' send rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Flip {
    /// The requirement varied.
    pub input: &'static str,
    /// Messages per client-hour as required (0: the clients do not send).
    pub from_per_hour: u64,
    /// The first probed rate at which another candidate wins, messages per client-hour.
    pub at_per_hour: u64,
    /// The last probed rate with the same winner, on the near side.
    pub last_same_per_hour: u64,
    pub winner: String,
    pub new_winner: Option<String>,
}

/// A change tried on the nearest miss.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fix {
    pub change: &'static str,
    pub passes: bool,
    pub monthly_cost_usd: f64,
}

/// When nothing passes: the candidate nearest to passing and the changes tried on it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearestMiss {
    pub label: String,
    /// Its worst bound over its limit (1.3: 30 % past it).
    pub worst_excess: f64,
    pub fixes: Vec<Fix>,
    /// The cheapest change that makes it pass.
    pub cheapest_fix: Option<String>,
}

/// A whole recommendation.
#[derive(Debug, Clone)]
pub struct Recommendation {
    pub round: Round,
    /// The searches along the send rate (up, and down when the clients send).
    pub flips: Vec<Flip>,
    /// Send rates probed and their winners (messages per client-hour, label).
    pub probes: Vec<(u64, Option<String>)>,
    pub nearest_miss: Option<NearestMiss>,
}

/// Probes of the bisection after the first that shows a change: each halves the bracket.
pub const BISECTION_STEPS: u32 = 6;

/// The candidates of `req` under `changes` (only `only`, when given) at send rate
/// `per_hour` (messages per client-hour; `None`: as required), run and judged.
pub fn round(
    req: &Requirements,
    changes: Changes,
    per_hour: Option<u64>,
    only: Option<&str>,
    limits: &Limits,
) -> Result<Round, RecommendError> {
    let sends = match per_hour {
        None => req.client_sends,
        Some(0) => None,
        Some(n) => Some(Rate::new(n, RatePer::Hour)),
    };
    let all = candidates::candidates(req, changes, sends.is_some());
    let chosen: Vec<Candidate> = all
        .into_iter()
        .filter(|c| only.is_none_or(|l| c.label == l))
        .collect();
    let scenario =
        candidates::scenario(req, &chosen, sends, changes).map_err(RecommendError::Scenario)?;
    let (first, replications) =
        replication::run(&scenario, limits, false).map_err(RecommendError::Run)?;
    let replications = replications.expect("recommend runs at least 2 replications");
    let all_runs = replications.all(&first);
    let judged: Vec<Judged> = chosen
        .iter()
        .enumerate()
        .map(|(v, candidate)| {
            let runs: Vec<crate::RunResult> = all_runs.iter().map(|rep| rep[v].clone()).collect();
            judge::judge(
                &scenario,
                candidate,
                &runs,
                &replications.variants[v],
                &req.objectives,
            )
        })
        .collect();
    let ranking = judge::rank(&judged, &req.objectives);
    Ok(Round { judged, ranking })
}

/// The clients' send rate as required, in messages per client-hour (at least 1 when they
/// send at all).
pub fn required_per_hour(req: &Requirements) -> u64 {
    req.client_sends
        .map_or(0, |r| ((r.per_second() * 3600.0).round() as u64).max(1))
}

/// Makes the recommendation.
pub fn recommend(req: &Requirements, limits: &Limits) -> Result<Recommendation, RecommendError> {
    let base = round(req, Changes::NONE, None, None, limits)?;
    let mut flips = Vec::new();
    let mut probes = Vec::new();
    let mut nearest_miss = None;
    match base.winner().map(|w| w.candidate.label.clone()) {
        Some(winner) => {
            let from = required_per_hour(req);
            let winner_at = |per_hour: u64, probes: &mut Vec<(u64, Option<String>)>| {
                let r = round(req, Changes::NONE, Some(per_hour), None, limits)?;
                let label = r.winner().map(|w| w.candidate.label.clone());
                probes.push((per_hour, label.clone()));
                Ok::<_, RecommendError>(label)
            };
            // Upwards: 16 times the rate (4 a second when the clients do not send).
            let high = if from == 0 { 4 * 3600 } else { from * 16 };
            let mut directions = vec![(from, high)];
            if from > 1 {
                directions.push((from, (from / 16).max(1)));
            }
            for (near, far) in directions {
                let far_winner = winner_at(far, &mut probes)?;
                if far_winner.as_deref() == Some(winner.as_str()) {
                    continue;
                }
                let (mut same, mut other, mut other_winner) = (near, far, far_winner);
                for _ in 0..BISECTION_STEPS {
                    let middle = (same + other) / 2;
                    if middle == same || middle == other {
                        break;
                    }
                    let w = winner_at(middle, &mut probes)?;
                    if w.as_deref() == Some(winner.as_str()) {
                        same = middle;
                    } else {
                        (other, other_winner) = (middle, w);
                    }
                }
                flips.push(Flip {
                    input: "flow.client_sends",
                    from_per_hour: from,
                    at_per_hour: other,
                    last_same_per_hour: same,
                    winner: winner.clone(),
                    new_winner: other_winner,
                });
            }
        }
        None => nearest_miss = Some(nearest(req, &base, limits)?),
    }
    Ok(Recommendation {
        round: base,
        flips,
        probes,
        nearest_miss,
    })
}

/// The changes tried on the nearest miss, in the order they are listed.
const FIXES: [(&str, Changes); 4] = [
    (
        "twice the replicas (behind a layer-4 balancer, with a broker)",
        Changes {
            replicas_factor: 2,
            ..Changes::NONE
        },
    ),
    (
        "twice the cores per replica",
        Changes {
            cores_factor: 2,
            ..Changes::NONE
        },
    ),
    (
        "polling half as often",
        Changes {
            interval_factor: 2,
            ..Changes::NONE
        },
    ),
    (
        "HTTP/2",
        Changes {
            http2: true,
            ..Changes::NONE
        },
    ),
];

/// The candidate nearest to passing in `base`, and which of [`FIXES`] make it pass.
fn nearest(
    req: &Requirements,
    base: &Round,
    limits: &Limits,
) -> Result<NearestMiss, RecommendError> {
    let miss = base
        .judged
        .iter()
        .min_by(|a, b| {
            a.worst_excess()
                .total_cmp(&b.worst_excess())
                .then(a.candidate.simplicity.cmp(&b.candidate.simplicity))
                .then(a.candidate.label.cmp(&b.candidate.label))
        })
        .expect("there is always a candidate");
    let label = miss.candidate.label.clone();
    let mut fixes = Vec::new();
    for (change, changes) in FIXES {
        let applies = match change {
            "polling half as often" => miss.candidate.mechanism == "short polling",
            "HTTP/2" => {
                miss.candidate.entry
                    != candidates::candidates(req, changes, req.client_sends.is_some())
                        .into_iter()
                        .find(|c| c.label == label)
                        .map(|c| c.entry)
                        .unwrap_or_default()
            }
            _ => true,
        };
        if !applies {
            continue;
        }
        let r = round(req, changes, None, Some(&label), limits)?;
        let judged = &r.judged[0];
        fixes.push(Fix {
            change,
            passes: judged.passed,
            monthly_cost_usd: crate::metrics::result::fixed(judged.monthly_cost.mean, 4),
        });
    }
    let cheapest_fix = fixes
        .iter()
        .filter(|f| f.passes)
        .min_by(|a, b| a.monthly_cost_usd.total_cmp(&b.monthly_cost_usd))
        .map(|f| f.change.to_string());
    Ok(NearestMiss {
        label,
        worst_excess: crate::metrics::result::fixed(miss.worst_excess(), 4),
        fixes,
        cheapest_fix,
    })
}
