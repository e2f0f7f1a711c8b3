//! Running the claims' scenarios and reading each measured claim's statement from them.
//!
//! Owns: which runs a claims file needs (each scenario point once, shared between the
//! claims that name it, through [`crate::evidence`], which the atlas uses too), and
//! reading each statement's figures from them. Does not own: the judgement
//! ([`super::judge`]), the runs themselves ([`crate::evidence`]) nor the page
//! ([`super::page`]).

use super::Evidence;
use super::judge::{self, Outcome, Reading, Statement, Verdict};
use super::{Claim, Claims};
use crate::evidence::Cache;

/// A measured claim's figures at one point of its axis (or its only point).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The axis value, or `None` without an axis.
    pub value: Option<String>,
    pub reading: Reading,
}

/// What rtsim found for one claim.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    Measured {
        statement: Statement,
        replications: u32,
        points: Vec<Point>,
        verdict: Verdict,
    },
    NotMeasurable,
}

pub use crate::evidence::{Failure, LimitsFor};

/// Runs what `claims` needs, with the limits `limits` gives for each scenario, and judges
/// every claim, in the file's order. Deterministic: the runs are, and nothing here depends
/// on their order.
pub fn evaluate(claims: &Claims, limits: LimitsFor) -> Result<Vec<Finding>, Failure> {
    let mut cache = Cache::default();
    claims
        .claims
        .iter()
        .map(|claim| finding(claim, limits, &mut cache))
        .collect()
}

fn finding(claim: &Claim, limits: LimitsFor, cache: &mut Cache) -> Result<Finding, Failure> {
    let Evidence::Measured(m) = &claim.evidence else {
        return Ok(Finding::NotMeasurable);
    };
    let settings = m.points();
    let mut replications = 0;
    let mut points = Vec::with_capacity(settings.len());
    for (value, set) in settings {
        let runs = cache.runs(&m.path, &m.scenario, &set, limits)?;
        let s = &m.statement;
        let labels = s.labels();
        let left = runs.figures(labels[0], s.metric());
        let right = labels
            .get(1)
            .map_or_else(Vec::new, |l| runs.figures(l, s.metric()));
        let reading = judge::judge(s, &left, &right, m.margin).ok_or_else(|| {
            Failure::Run(format!(
                "claim `{}`: `{}` has no value in some replication of {}",
                claim.id, m.holds, m.scenario
            ))
        })?;
        replications = reading.left.n;
        points.push(Point { value, reading });
    }
    let outcomes: Vec<Outcome> = points.iter().map(|p| p.reading.outcome).collect();
    let values: Vec<String> = points
        .iter()
        .map(|p| p.value.clone().unwrap_or_default())
        .collect();
    Ok(Finding::Measured {
        statement: m.statement.clone(),
        replications,
        verdict: judge::verdict(&outcomes, &values),
        points,
    })
}
