//! The claims page: what the transport comparisons people read before they come to rtsim
//! say (latency, bandwidth, server load, scalability, proxies, mobile, ...), and what
//! rtsim measures for each claim.
//!
//! The claims are data (`claims/claims.yaml`): each names the documents that make it, and
//! either a statement rtsim checks on a scenario (`measured:`) or why a simulation cannot
//! measure it, with a cited source (`not_measurable:`). `rtsim claims` runs the scenarios
//! ([`evaluate`]), judges each statement ([`judge`]) and writes `docs/claims.md`
//! ([`page`]); `--check` fails when the committed page differs from a fresh one.
//!
//! Owns: the claims file's format and its validation (located errors, exit 2). Does not
//! own: the scenarios (ordinary scenario files), the runs ([`crate::replication`]) nor
//! the metrics ([`crate::metrics::registry`]).

pub(crate) mod entry;
pub mod evaluate;
pub mod judge;
pub mod page;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::scenario::ScenarioError;
use crate::scenario::locate::Locations;
use crate::units::Percent;

/// The claims file as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaims {
    /// The documents the claims come from, by a short key.
    documents: BTreeMap<String, Document>,
    claims: Vec<RawClaim>,
}

/// A document that makes claims: its title and where it is kept.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Document {
    pub title: String,
    /// Its file name in the collection of comparisons the claims were read from.
    pub file: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    id: String,
    topic: Topic,
    says: String,
    sources: Vec<String>,
    measured: Option<RawMeasured>,
    not_measurable: Option<NotMeasurable>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasured {
    /// A scenario file, relative to the claims file.
    scenario: String,
    /// `--set` overrides applied to it (`workload.events.rate=1/s`).
    #[serde(default)]
    set: Vec<String>,
    /// The statement checked: `<label>.<metric> <op> <value>` or
    /// `<label>.<metric> <op> <label>.<metric>`.
    holds: String,
    /// Differences below this share of the compared figure count as none.
    margin: Option<Percent>,
    /// Judge the statement at each value of one field: the verdict says where it flips.
    over: Option<Over>,
    /// What the reader should know about the measurement (shown on the page).
    note: Option<String>,
}

/// An axis: a scenario field and the values it takes, in order.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Over {
    pub field: String,
    pub values: Vec<String>,
}

/// Why a simulation cannot measure a claim, and where the answer is found instead.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NotMeasurable {
    pub why: String,
    pub source: String,
}

/// What a claim is about: the page's sections, in this order.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    Latency,
    Bandwidth,
    ServerLoad,
    Scalability,
    Reconnect,
    Proxies,
    Mobile,
    Binary,
    Direction,
    BrowserSupport,
    Complexity,
    DecisionTree,
    WrongChoices,
    Architectures,
}

impl Topic {
    pub fn title(self) -> &'static str {
        match self {
            Topic::Latency => "Latency",
            Topic::Bandwidth => "Bandwidth and efficiency",
            Topic::ServerLoad => "Server load",
            Topic::Scalability => "Scalability",
            Topic::Reconnect => "Reconnecting",
            Topic::Proxies => "Proxies and firewalls",
            Topic::Mobile => "Mobile",
            Topic::Binary => "Binary data",
            Topic::Direction => "Direction of communication",
            Topic::BrowserSupport => "Browser support",
            Topic::Complexity => "Complexity",
            Topic::DecisionTree => "The decision tree",
            Topic::WrongChoices => "The \"wrong choices\"",
            Topic::Architectures => "Example architectures",
        }
    }
}

/// A claim and how it is judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    pub id: String,
    pub topic: Topic,
    /// The claim in the documents' words (shortened).
    pub says: String,
    /// Keys of [`Claims::documents`].
    pub sources: Vec<String>,
    pub evidence: Evidence,
}

/// How a claim is judged.
#[derive(Debug, Clone, PartialEq)]
pub enum Evidence {
    Measured(Box<Measured>),
    NotMeasurable(NotMeasurable),
}

/// A statement checked on a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// The scenario file as written in the claims file, and resolved.
    pub scenario: String,
    pub path: PathBuf,
    pub set: Vec<String>,
    /// The statement as written, and as read against the scenario's variants.
    pub holds: String,
    pub statement: judge::Statement,
    pub margin: f64,
    pub over: Option<Over>,
    pub note: Option<String>,
}

impl Measured {
    /// Each point the statement is judged at: its axis value (`None` without an axis) and
    /// the overrides that make it (the claim's own, then the axis field's value).
    pub fn points(&self) -> Vec<(Option<String>, Vec<String>)> {
        Self::points_of(&self.set, self.over.as_ref())
    }

    fn points_of(set: &[String], over: Option<&Over>) -> Vec<(Option<String>, Vec<String>)> {
        match over {
            None => vec![(None, set.to_vec())],
            Some(over) => over
                .values
                .iter()
                .map(|v| {
                    let mut set = set.to_vec();
                    set.push(format!("{}={v}", over.field));
                    (Some(v.clone()), set)
                })
                .collect(),
        }
    }
}

/// The claims file, validated.
#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    pub documents: BTreeMap<String, Document>,
    pub claims: Vec<Claim>,
}

/// Reads and validates a claims file. Scenario files are resolved against its folder and
/// must load (with each point's overrides); statements are read against their variants.
pub fn load_file(path: &Path) -> Result<Claims, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| ScenarioError::new(&file, format!("cannot read the claims file: {e}")))?;
    let folder = path.parent().unwrap_or(Path::new("."));
    load_str(&file, &text, folder)
}

/// Parses and validates claims text; `file` names it in errors, `folder` resolves the
/// scenario paths.
pub fn load_str(file: &str, text: &str, folder: &Path) -> Result<Claims, ScenarioError> {
    let (raw, locations): (RawClaims, Locations) = crate::scenario::parse_document(file, text)?;
    let error = |path: &str, message: String| {
        ScenarioError::new(file, message)
            .at(text, locations.find(path))
            .field(path)
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut claims = Vec::with_capacity(raw.claims.len());
    for (i, c) in raw.claims.into_iter().enumerate() {
        let at = |field: &str| format!("claims[{i}].{field}");
        entry::check(
            ("claims", i),
            &c.id,
            &mut seen,
            ("sources", &c.sources),
            &raw.documents,
            &error,
        )?;
        let evidence = match (c.measured, c.not_measurable) {
            (Some(m), None) => {
                let path = folder.join(&m.scenario);
                if !path.is_file() {
                    return Err(error(
                        &at("measured.scenario"),
                        format!("no scenario file at {}", path.display()),
                    ));
                }
                if let Some(over) = &m.over
                    && over.values.len() < 2
                {
                    return Err(error(
                        &at("measured.over.values"),
                        "expected at least two values to judge along".into(),
                    ));
                }
                // The statement against the scenario's variants, and every point's
                // overrides, before anything runs.
                let points = Measured::points_of(&m.set, m.over.as_ref());
                let mut statement = None;
                for (_, set) in &points {
                    let labels = crate::evidence::labels(&path, set)
                        .map_err(|e| error(&at("measured"), format!("in {}: {e}", m.scenario)))?;
                    statement = Some(judge::Statement::parse(&m.holds, &labels).map_err(|e| {
                        error(&at("measured.holds"), format!("{e} (in {})", m.scenario))
                    })?);
                }
                Evidence::Measured(Box::new(Measured {
                    scenario: m.scenario,
                    path,
                    set: m.set,
                    statement: statement.expect("at least one point"),
                    holds: m.holds,
                    margin: m.margin.map_or(judge::DEFAULT_MARGIN, |p| p.fraction()),
                    over: m.over,
                    note: m.note,
                }))
            }
            (None, Some(n)) => Evidence::NotMeasurable(n),
            _ => {
                return Err(error(
                    &format!("claims[{i}]"),
                    "expected exactly one of `measured` and `not_measurable`".into(),
                ));
            }
        };
        claims.push(Claim {
            id: c.id,
            topic: c.topic,
            says: c.says,
            sources: c.sources,
            evidence,
        });
    }
    Ok(Claims {
        documents: raw.documents,
        claims,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
documents:
  notes: { title: Notes, file: notes.md }
claims:
  - id: simple-claim
    topic: browser_support
    says: Works everywhere.
    sources: [notes]
    not_measurable: { why: a browser feature, source: the HTML standard }
";

    #[test]
    fn a_valid_file_reads() {
        let claims = load_str("c.yaml", GOOD, Path::new(".")).unwrap();
        assert_eq!(claims.claims.len(), 1);
        assert_eq!(claims.claims[0].topic, Topic::BrowserSupport);
    }

    #[test]
    fn mistakes_are_located_with_their_field() {
        let unknown_doc = GOOD.replace("sources: [notes]", "sources: [nope]");
        let e = load_str("c.yaml", &unknown_doc, Path::new(".")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("claims[0].sources[0]"));
        assert_eq!(e.position.map(|p| p.line), Some(7));
        assert!(e.message.contains("unknown document `nope`"));

        let misspelt = GOOD.replace("says:", "sayz:");
        let e = load_str("c.yaml", &misspelt, Path::new(".")).unwrap_err();
        assert!(e.to_string().contains("sayz"), "{e}");
        assert_eq!(e.position.map(|p| p.line), Some(6));

        let both = format!("{GOOD}    measured: {{ scenario: x.yaml, holds: a.b < 1 }}\n");
        let e = load_str("c.yaml", &both, Path::new(".")).unwrap_err();
        assert!(e.message.contains("exactly one of"), "{e}");

        let bad_id = GOOD.replace("simple-claim", "Simple Claim");
        let e = load_str("c.yaml", &bad_id, Path::new(".")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("claims[0].id"));

        let missing = GOOD.replace(
            "not_measurable: { why: a browser feature, source: the HTML standard }",
            "measured: { scenario: missing.yaml, holds: a.latency.p99 < 1s }",
        );
        let e = load_str("c.yaml", &missing, Path::new(".")).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("claims[0].measured.scenario"));
    }
}
