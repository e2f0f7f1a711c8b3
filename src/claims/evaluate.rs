//! Running the claims' scenarios and reading each measured claim's statement from them.
//!
//! Owns: which runs a claims file needs (each scenario once per distinct set of
//! overrides, shared between the claims that name it), and reading the statement's
//! figures replication by replication. Does not own: the judgement ([`super::judge`]),
//! the runs themselves ([`crate::replication::run`]) nor the page ([`super::page`]).

use std::collections::BTreeMap;

use super::judge::{self, Outcome, Reading, Statement, Verdict};
use super::{Claim, Claims, Evidence, Measured};
use crate::engine::Limits;
use crate::metrics::RunResult;
use crate::metrics::registry;
use crate::replication::{self, Replications};
use crate::scenario::{self, Override, Scenario};

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

/// Why a claims file could not be judged.
#[derive(Debug)]
pub enum Failure {
    /// A mistake in the claims file or a scenario it names (exit 2).
    Input(String),
    /// A run failed or stopped early (exit 1).
    Run(String),
}

/// One scenario point's runs: replication 0's results and the others.
struct Runs {
    first: Vec<RunResult>,
    replications: Option<Replications>,
    labels: Vec<String>,
}

impl Runs {
    /// `label`'s `metric` in each replication, in order.
    fn figures(&self, label: &str, metric: &str) -> Vec<Option<f64>> {
        let (_, read) = registry::metric(metric).expect("a statement names known metrics");
        let index = self
            .labels
            .iter()
            .position(|l| l == label)
            .expect("a statement names the scenario's variants");
        let all: Vec<&[RunResult]> = match &self.replications {
            Some(r) => r.all(&self.first),
            None => vec![&self.first],
        };
        all.iter().map(|results| read(&results[index])).collect()
    }
}

/// What a scenario's runs may spend, or why they are refused (a memory budget); the
/// command line decides.
pub type LimitsFor<'a> = &'a dyn Fn(&Scenario) -> Result<Limits, String>;

/// Runs what `claims` needs, with the limits `limits` gives for each scenario, and judges
/// every claim, in the file's order. Deterministic: the runs are, and nothing here depends
/// on their order.
pub fn evaluate(claims: &Claims, limits: LimitsFor) -> Result<Vec<Finding>, Failure> {
    let mut cache: BTreeMap<(String, Vec<String>), Runs> = BTreeMap::new();
    claims
        .claims
        .iter()
        .map(|claim| finding(claim, limits, &mut cache))
        .collect()
}

fn finding(
    claim: &Claim,
    limits: LimitsFor,
    cache: &mut BTreeMap<(String, Vec<String>), Runs>,
) -> Result<Finding, Failure> {
    let Evidence::Measured(m) = &claim.evidence else {
        return Ok(Finding::NotMeasurable);
    };
    let settings = m.points();
    let mut replications = 0;
    let mut points = Vec::with_capacity(settings.len());
    for (value, set) in settings {
        let key = (m.path.display().to_string(), set.clone());
        if !cache.contains_key(&key) {
            let runs = run(m, &set, limits)?;
            cache.insert(key.clone(), runs);
        }
        let runs = &cache[&key];
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

/// Loads `m`'s scenario with `set` and runs every variant over its replications.
fn run(m: &Measured, set: &[String], limits: LimitsFor) -> Result<Runs, Failure> {
    let overrides: Vec<Override> = set
        .iter()
        .map(|s| Override::parse(s))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::Input(e.to_string()))?;
    let scenario: Scenario =
        scenario::load_file(&m.path, &overrides).map_err(|e| Failure::Input(e.to_string()))?;
    if scenario.replications < 2 {
        return Err(Failure::Input(format!(
            "{}: a claims scenario needs `replications:` of 2 or more (the verdict reads \
             confidence intervals)",
            m.scenario
        )));
    }
    let limits = limits(&scenario).map_err(Failure::Run)?;
    let (first, replications) = replication::run(&scenario, &limits, false)
        .map_err(|e| Failure::Run(format!("{}: {e}", m.scenario)))?;
    let all: Vec<&[RunResult]> = match &replications {
        Some(r) => r.all(&first),
        None => vec![&first],
    };
    if let Some(stopped) = all
        .iter()
        .flat_map(|results| results.iter())
        .find(|r| r.stopped.is_some())
    {
        return Err(Failure::Run(format!(
            "{}: variant `{}` stopped before the end, so its figures judge nothing",
            m.scenario, stopped.label
        )));
    }
    let labels = first.iter().map(|r| r.label.clone()).collect();
    Ok(Runs {
        first,
        replications,
        labels,
    })
}
