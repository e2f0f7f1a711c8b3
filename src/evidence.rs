//! The runs behind rtsim's generated docs pages (the claims page, the use-case atlas):
//! a scenario file with `--set` overrides, every variant over its replications, and each
//! variant's figure replication by replication.
//!
//! Owns: running a (file, overrides) pair once and sharing it between the entries that
//! name it ([`Cache`]), the refusals such a run needs (fewer than two replications, a
//! variant stopped early), and reading a metric per replication ([`Runs::figures`]). Does
//! not own: the runs themselves ([`crate::replication::run`]), what a page concludes from
//! the figures ([`crate::claims::judge`], [`crate::atlas::answer`]) nor the pages.

use std::collections::BTreeMap;
use std::path::Path;

use crate::engine::Limits;
use crate::metrics::RunResult;
use crate::metrics::registry;
use crate::recommend::mechanism::Simplicity;
use crate::replication::{self, Replications};
use crate::scenario::{self, Override, Scenario, ScenarioError};

/// Why a page's runs could not be made.
#[derive(Debug)]
pub enum Failure {
    /// A mistake in the page's data file or a scenario it names (exit 2).
    Input(String),
    /// A run failed or stopped early (exit 1).
    Run(String),
}

/// What a scenario's runs may spend, or why they are refused (a memory budget); the
/// command line decides.
pub type LimitsFor<'a> = &'a dyn Fn(&Scenario) -> Result<Limits, String>;

/// One scenario point's runs: replication 0's results and the others.
pub struct Runs {
    first: Vec<RunResult>,
    replications: Option<Replications>,
    labels: Vec<String>,
    /// Each variant's simplicity, in the scenario's order.
    simplicity: Vec<Simplicity>,
}

impl Runs {
    /// The variants' labels, in the scenario's order.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// `label`'s simplicity (its mechanism's rank, [`Simplicity`]). The caller names a
    /// variant of the scenario.
    pub fn simplicity(&self, label: &str) -> Simplicity {
        let index = self
            .labels
            .iter()
            .position(|l| l == label)
            .expect("one of the scenario's variants");
        self.simplicity[index]
    }

    /// `label`'s `metric` in each replication, in order (`None` where a replication has
    /// no value: no latency sample). The caller names a known metric and variant.
    pub fn figures(&self, label: &str, metric: &str) -> Vec<Option<f64>> {
        let (_, read) = registry::metric(metric).expect("a known metric");
        let index = self
            .labels
            .iter()
            .position(|l| l == label)
            .expect("one of the scenario's variants");
        let all: Vec<&[RunResult]> = match &self.replications {
            Some(r) => r.all(&self.first),
            None => vec![&self.first],
        };
        all.iter().map(|results| read(&results[index])).collect()
    }
}

/// The runs a page has made so far, by (file, overrides): each pair runs once however
/// many entries name it. Deterministic: every run is, and nothing depends on the order in
/// which the entries ask.
#[derive(Default)]
pub struct Cache {
    runs: BTreeMap<(String, Vec<String>), Runs>,
}

impl Cache {
    /// The runs of the scenario at `path` (`name` as the page's data file writes it, for
    /// messages) with the overrides `set`, running it the first time it is asked for.
    pub fn runs(
        &mut self,
        path: &Path,
        name: &str,
        set: &[String],
        limits: LimitsFor,
    ) -> Result<&Runs, Failure> {
        let key = (path.display().to_string(), set.to_vec());
        if !self.runs.contains_key(&key) {
            let runs = run(path, name, set, limits)?;
            self.runs.insert(key.clone(), runs);
        }
        Ok(&self.runs[&key])
    }
}

/// The variant labels of the scenario at `path` with the `set` overrides: what a data
/// file's statements are checked against before anything runs.
pub fn labels(path: &Path, set: &[String]) -> Result<Vec<String>, ScenarioError> {
    Ok(load(path, set)?
        .transports
        .iter()
        .map(|t| t.label.clone())
        .collect())
}

fn load(path: &Path, set: &[String]) -> Result<Scenario, ScenarioError> {
    let overrides: Vec<Override> = set
        .iter()
        .map(|s| Override::parse(s))
        .collect::<Result<_, _>>()?;
    scenario::load_file(path, &overrides)
}

/// Loads the scenario with `set` and runs every variant over its replications.
fn run(path: &Path, name: &str, set: &[String], limits: LimitsFor) -> Result<Runs, Failure> {
    let scenario = load(path, set).map_err(|e| Failure::Input(e.to_string()))?;
    if scenario.replications < 2 {
        return Err(Failure::Input(format!(
            "{name}: a page's scenario needs `replications:` of 2 or more (its verdict reads \
             confidence intervals)"
        )));
    }
    let limits = limits(&scenario).map_err(Failure::Run)?;
    let (first, replications) = replication::run(&scenario, &limits, false)
        .map_err(|e| Failure::Run(format!("{name}: {e}")))?;
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
            "{name}: variant `{}` stopped before the end, so its figures judge nothing",
            stopped.label
        )));
    }
    let labels = first.iter().map(|r| r.label.clone()).collect();
    let simplicity = scenario.transports.iter().map(Simplicity::of).collect();
    Ok(Runs {
        first,
        replications,
        labels,
        simplicity,
    })
}
