//! The use-case atlas: every use case the transport comparisons name (chat, games, live
//! dashboards, tickers, logs, monitoring, ...), each with the example scenario that asks
//! its question, a chart, and the one-line answer derived from the scenario's run.
//!
//! The use cases are data (`atlas/atlas.yaml`): each names the documents that mention it
//! and either a scenario with the figures that decide it (`measured:`) or why rtsim cannot
//! model it yet (`not_modelled:`). `rtsim atlas` runs the scenarios (through
//! [`crate::evidence`], as the claims page does), derives each answer ([`answer`]) and
//! writes `docs/atlas.md` ([`page`]); `--check` fails when the committed page differs from
//! a fresh one.
//!
//! Owns: the atlas file's format and its validation (located errors, exit 2). Does not
//! own: the scenarios (ordinary scenario files), the runs, nor the documents' list format
//! ([`crate::claims::Document`], shared with the claims page).

pub mod answer;
pub mod page;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::claims::Document;
use crate::claims::judge::DEFAULT_MARGIN;
use crate::evidence::{self, Cache, Failure, LimitsFor};
use crate::metrics::registry;
use crate::scenario::ScenarioError;
use crate::scenario::locate::Locations;
use answer::{Answer, Better, Criterion};

/// The atlas file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAtlas {
    documents: BTreeMap<String, Document>,
    use_cases: Vec<RawUseCase>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUseCase {
    id: String,
    title: String,
    asks: String,
    named_by: Vec<String>,
    measured: Option<RawMeasured>,
    not_modelled: Option<NotModelled>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasured {
    scenario: String,
    #[serde(default)]
    set: Vec<String>,
    decide: Vec<RawCriterion>,
    #[serde(default)]
    show: Vec<String>,
    chart: String,
    note: Option<String>,
}

/// `{ lowest: <metric> }` or `{ highest: <metric> }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    lowest: Option<String>,
    highest: Option<String>,
}

/// Why a use case has no scenario yet.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NotModelled {
    pub why: String,
}

/// A use case, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct UseCase {
    pub id: String,
    pub title: String,
    /// The question, in a sentence or two.
    pub asks: String,
    /// Keys of [`Atlas::documents`]: the comparisons that name this use case.
    pub named_by: Vec<String>,
    pub scenario: Option<Measured>,
    /// Set when there is no scenario.
    pub not_modelled: Option<NotModelled>,
}

/// A use case's scenario and the figures that decide it.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// As written in the atlas file, and resolved.
    pub scenario: String,
    pub path: PathBuf,
    pub set: Vec<String>,
    /// The first decides; each next one breaks the ties of the one before.
    pub decide: Vec<Criterion>,
    /// More figures for the page's table.
    pub show: Vec<String>,
    /// A chart of the scenario, as written (relative to the atlas file).
    pub chart: String,
    pub note: Option<String>,
}

impl Measured {
    /// Every figure the page's table shows: the deciding ones, then `show`.
    pub fn columns(&self) -> Vec<String> {
        let mut columns: Vec<String> = self.decide.iter().map(|c| c.metric.clone()).collect();
        for m in &self.show {
            if !columns.contains(m) {
                columns.push(m.clone());
            }
        }
        columns
    }
}

/// The atlas file, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Atlas {
    pub documents: BTreeMap<String, Document>,
    pub use_cases: Vec<UseCase>,
}

/// Reads and validates an atlas file. Scenario and chart paths are resolved against its
/// folder and must exist; every scenario must load with its overrides.
pub fn load_file(path: &Path) -> Result<Atlas, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ScenarioError::new(&file, format!("cannot read the atlas file: {e}")))?;
    let folder = path.parent().unwrap_or(Path::new("."));
    load_str(&file, &text, folder)
}

/// Parses and validates atlas text; `file` names it in errors, `folder` resolves paths.
pub fn load_str(file: &str, text: &str, folder: &Path) -> Result<Atlas, ScenarioError> {
    let (raw, locations): (RawAtlas, Locations) = crate::scenario::parse_document(file, text)?;
    let error = |path: &str, message: String| {
        ScenarioError::new(file, message)
            .at(text, locations.find(path))
            .field(path)
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut use_cases = Vec::with_capacity(raw.use_cases.len());
    for (i, u) in raw.use_cases.into_iter().enumerate() {
        let at = |field: &str| format!("use_cases[{i}].{field}");
        crate::claims::entry::check(
            ("use_cases", i),
            &u.id,
            &mut seen,
            ("named_by", &u.named_by),
            &raw.documents,
            &error,
        )?;
        let (scenario, not_modelled) = match (u.measured, u.not_modelled) {
            (Some(m), None) => (Some(measured(m, folder, &|f, m| error(&at(f), m))?), None),
            (None, Some(n)) => (None, Some(n)),
            _ => {
                return Err(error(
                    &format!("use_cases[{i}]"),
                    "expected exactly one of `measured` and `not_modelled`".into(),
                ));
            }
        };
        use_cases.push(UseCase {
            id: u.id,
            title: u.title,
            asks: u.asks,
            named_by: u.named_by,
            scenario,
            not_modelled,
        });
    }
    Ok(Atlas {
        documents: raw.documents,
        use_cases,
    })
}

/// A `measured:` block checked: its files exist, its scenario loads, its figures are
/// known metrics. `error(field under measured, message)` locates a mistake.
fn measured(
    m: RawMeasured,
    folder: &Path,
    error: &dyn Fn(&str, String) -> ScenarioError,
) -> Result<Measured, ScenarioError> {
    let path = folder.join(&m.scenario);
    if !path.is_file() {
        return Err(error(
            "measured.scenario",
            format!("no scenario file at {}", path.display()),
        ));
    }
    if !folder.join(&m.chart).is_file() {
        return Err(error(
            "measured.chart",
            format!(
                "no chart at {} (tools/regenerate-plots.sh draws the gallery)",
                folder.join(&m.chart).display()
            ),
        ));
    }
    evidence::labels(&path, &m.set)
        .map_err(|e| error("measured", format!("in {}: {e}", m.scenario)))?;
    let known = |metric: &str, field: String| {
        if registry::metric(metric).is_some() {
            Ok(())
        } else {
            Err(error(
                &field,
                format!(
                    "unknown metric `{metric}`; expected one of: {}",
                    registry::names()
                ),
            ))
        }
    };
    if m.decide.is_empty() {
        return Err(error(
            "measured.decide",
            "expected at least one `{ lowest: <metric> }` or `{ highest: <metric> }`".into(),
        ));
    }
    let mut decide = Vec::with_capacity(m.decide.len());
    for (k, c) in m.decide.into_iter().enumerate() {
        let field = format!("measured.decide[{k}]");
        let (metric, better) = match (c.lowest, c.highest) {
            (Some(metric), None) => (metric, Better::Lower),
            (None, Some(metric)) => (metric, Better::Higher),
            _ => {
                return Err(error(
                    &field,
                    "expected exactly one of `lowest` and `highest`".into(),
                ));
            }
        };
        known(&metric, field)?;
        decide.push(Criterion { metric, better });
    }
    for (k, metric) in m.show.iter().enumerate() {
        known(metric, format!("measured.show[{k}]"))?;
    }
    Ok(Measured {
        scenario: m.scenario,
        path,
        set: m.set,
        decide,
        show: m.show,
        chart: m.chart,
        note: m.note,
    })
}

/// What the runs gave for one measured use case: each variant's interval on every column
/// (in [`Measured::columns`] order; `None` where a replication had no value), and the
/// answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub replications: u32,
    pub rows: Vec<(String, Vec<Option<crate::metrics::interval::Interval>>)>,
    pub answer: Answer,
}

/// Runs what the atlas needs and derives every measured use case's answer, in the file's
/// order (`None` for a use case without a scenario). Deterministic.
pub fn evaluate(atlas: &Atlas, limits: LimitsFor) -> Result<Vec<Option<Finding>>, Failure> {
    let mut cache = Cache::default();
    atlas
        .use_cases
        .iter()
        .map(|u| {
            let Some(m) = &u.scenario else {
                return Ok(None);
            };
            let runs = cache.runs(&m.path, &m.scenario, &m.set, limits)?;
            let labels = runs.labels().to_vec();
            let figures = |label: &str, metric: &str| runs.figures(label, metric);
            let simplicity = |label: &str| runs.simplicity(label);
            let answer = answer::derive(&labels, &figures, &simplicity, &m.decide, DEFAULT_MARGIN)
                .map_err(|e| Failure::Run(format!("use case `{}`: {e}", u.id)))?;
            let mut replications = 0;
            let rows = labels
                .iter()
                .map(|label| {
                    let cells = m
                        .columns()
                        .iter()
                        .map(|metric| {
                            let values = runs.figures(label, metric);
                            replications = values.len() as u32;
                            let complete: Option<Vec<f64>> = values.into_iter().collect();
                            complete
                                .as_deref()
                                .and_then(crate::metrics::interval::Interval::of)
                        })
                        .collect();
                    (label.clone(), cells)
                })
                .collect();
            Ok(Some(Finding {
                replications,
                rows,
                answer,
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
documents:
  notes: { title: Notes, file: notes.md }
use_cases:
  - id: microservices
    title: Microservices
    asks: gRPC or REST between services?
    named_by: [notes]
    not_modelled: { why: no internal tier }
";

    #[test]
    fn a_valid_file_reads() {
        let atlas = load_str("a.yaml", GOOD, Path::new(".")).unwrap();
        assert_eq!(atlas.use_cases.len(), 1);
        assert_eq!(
            atlas.use_cases[0].not_modelled.as_ref().unwrap().why,
            "no internal tier"
        );
    }

    #[test]
    fn mistakes_are_located_with_their_field() {
        let unknown_doc = GOOD.replace("named_by: [notes]", "named_by: [nope]");
        let e = load_str("a.yaml", &unknown_doc, Path::new(".")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("use_cases[0].named_by[0]"));
        assert_eq!(e.position.map(|p| p.line), Some(7));
        assert!(e.message.contains("unknown document `nope`"));

        let misspelt = GOOD.replace("asks:", "askz:");
        let e = load_str("a.yaml", &misspelt, Path::new(".")).unwrap_err();
        assert!(e.to_string().contains("askz"), "{e}");

        let neither = GOOD.replace("    not_modelled: { why: no internal tier }\n", "");
        let e = load_str("a.yaml", &neither, Path::new(".")).unwrap_err();
        assert!(e.message.contains("exactly one of"), "{e}");

        let bad_id = GOOD.replace("id: microservices", "id: Micro Services");
        let e = load_str("a.yaml", &bad_id, Path::new(".")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("use_cases[0].id"));

        let missing = GOOD.replace(
            "not_modelled: { why: no internal tier }",
            "measured: { scenario: missing.yaml, decide: [{ lowest: latency.p99 }], chart: c.svg }",
        );
        let e = load_str("a.yaml", &missing, Path::new(".")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("use_cases[0].measured.scenario"));
    }
}
