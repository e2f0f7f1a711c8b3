//! The scenario: the YAML format (raw serde types), its validation into a runnable
//! [`Scenario`], `--set` overrides, and errors that point into the file.
//!
//! Loading has two phases, as the style guide asks: serde reads the text into
//! [`raw::RawScenario`] (unknown fields, wrong types and bad units fail here with serde-
//! saphyr's line and column), then [`validate`] resolves names and checks ranges, reporting
//! the field path and the location found by [`locate`].
//!
//! `--set` overrides and a sweep's values are set in the file's YAML value tree (`tree`,
//! [`overrides`]), typed by the JSON Schema ([`schema`]), and the tree is read by the same
//! typed pass as the file, so they are checked with the same types and messages.
//!
//! Every input error is located: a file is read by `source.rs` (size, UTF-8), parsed within
//! the [`limits`], and the parser's errors are put in the author's words by
//! `yaml_error.rs`; a `--set` error names its argument, a sweep value's error its line.

pub mod assertions;
pub mod balancer;
pub mod bounds;
pub mod channels;
pub mod charts;
mod checker;
pub mod clients;
pub mod compression;
pub mod defaults;
pub mod doc_tables;
pub mod error;
pub mod faults;
mod flow;
pub mod grpc;
pub mod limits;
pub mod locate;
pub mod machines;
pub mod network;
pub mod overrides;
pub mod prices;
pub mod proxies;
pub mod radio;
pub mod raw;
pub mod reconnect;
pub mod reference;
pub mod schema;
pub mod server;
pub mod services;
pub mod shard;
mod source;
pub mod spec;
pub mod stack;
pub mod sweep;
pub mod topology;
pub mod trace;
pub mod transports;
mod tree;
pub mod two_way;
pub mod validate;
pub mod webhook;
pub mod workload;
mod yaml_error;

pub use error::ScenarioError;
pub use overrides::Override;
pub use spec::*;
pub use trace::TraceAudience;

use locate::{Locations, Position, Shape};
use raw::RawScenario;

/// The built-in default scenario (the text of `scenarios/default.yaml`).
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/default.yaml");
/// How the built-in scenario is named in messages.
pub const DEFAULT_SCENARIO_NAME: &str = "<built-in default scenario>";

/// The top-level keys of the format; keys starting with `x-` are also allowed and ignored
/// (they hold YAML anchors, as in Docker Compose).
pub const TOP_LEVEL_KEYS: &[&str] = &[
    "name",
    "description",
    "seed",
    "replications",
    "duration",
    "warmup",
    "network",
    "tcp",
    "tls",
    "http2",
    "proxies",
    "topology",
    "clients",
    "server",
    "load_balancer",
    "broker",
    "workload",
    "rest",
    "receivers",
    "transports",
    "services",
    "sweep",
    "faults",
    "assert",
    "charts",
    "cost",
];

/// Reads and validates a scenario file, applying `--set` overrides.
pub fn load_file(
    path: &std::path::Path,
    overrides: &[Override],
) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text = source::read(path, &file)?;
    load_str(&file, &text, overrides)
}

/// Parses and validates scenario text; `file` names it in error messages. A scenario with a
/// `sweep:` block gives its first point here; [`plan`] gives them all.
pub fn load_str(file: &str, text: &str, overrides: &[Override]) -> Result<Scenario, ScenarioError> {
    Ok(plan(file, text, overrides)?.point(0)?.scenario)
}

/// Parses scenario text and reads its sweep: the axes and the number of points, each point
/// built and validated when asked for ([`sweep::Plan::point`]).
pub fn plan(file: &str, text: &str, overrides: &[Override]) -> Result<sweep::Plan, ScenarioError> {
    let raw = parse(file, text)?;
    sweep::plan(file, text, &raw, overrides)
}

/// Reads a scenario file and its sweep (see [`plan`]).
pub fn plan_file(
    path: &std::path::Path,
    overrides: &[Override],
) -> Result<sweep::Plan, ScenarioError> {
    let file = path.display().to_string();
    let text = source::read(path, &file)?;
    plan(&file, &text, overrides)
}

/// Phase two for one point: validation of a scenario that already carries the overrides.
pub(crate) fn validate_raw(
    file: &str,
    text: &str,
    point: &overrides::Patched,
    overrides: &[Override],
) -> Result<Scenario, ScenarioError> {
    let locations = Locations::from_text(text).unwrap_or_default();
    let checker = checker::Checker {
        file,
        text,
        locations: &locations,
        overridden: overrides,
    };
    validate::validate(&point.raw, &point.tree, &checker)
}

/// Phase one: YAML text to the raw serde types.
pub fn parse(file: &str, text: &str) -> Result<RawScenario, ScenarioError> {
    let start = Some(Position { line: 1, column: 1 });
    if let Some(what) = nothing_written(text) {
        return Err(ScenarioError::new(
            file,
            format!("the file {what}; {}", yaml_error::EXPECTED_TOP_LEVEL),
        )
        .at(text, start));
    }
    // Syntax first, on the untyped tree, so that a malformed document is reported as such
    // rather than as whatever type error the typed pass stumbles on.
    let locations = Locations::from_text(text).map_err(|e| yaml_error::untyped(file, text, &e))?;
    match locations.shape("") {
        Some(Shape::Mapping) => {}
        other => {
            let found = other.map_or("no value", Shape::words);
            return Err(ScenarioError::new(
                file,
                format!(
                    "the file holds {found}, not a mapping; {}",
                    yaml_error::EXPECTED_TOP_LEVEL
                ),
            )
            .at(text, locations.find("").or(start)));
        }
    }
    // The top level admits `x-` keys, so serde cannot deny unknown fields there: check them
    // first, so that a misspelt required field is reported as misspelt, not as missing.
    for (key, position) in locations.top_level_keys() {
        if !key.starts_with("x-") && !TOP_LEVEL_KEYS.contains(&key.as_str()) {
            return Err(ScenarioError::new(
                file,
                format!(
                    "unknown top-level field `{key}`; expected one of: {} (or an `x-` key for anchors)",
                    TOP_LEVEL_KEYS.join(", ")
                ),
            )
            .at(text, Some(*position))
            .field(key));
        }
    }
    serde_saphyr::from_str_with_options(text, limits::options())
        .map_err(|e| yaml_error::typed(file, text, &locations, &e))
}

/// Reads another of rtsim's YAML inputs (the claims list, the requirements of `rtsim
/// recommend`) as `T`, with the scenario's errors: syntax and type errors located at their
/// line and column and named by field path. Returns the located paths too, for the
/// caller's own checks.
pub(crate) fn parse_document<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
) -> Result<(T, Locations), ScenarioError> {
    let locations = Locations::from_text(text).map_err(|e| yaml_error::untyped(file, text, &e))?;
    let value = serde_saphyr::from_str_with_options(text, limits::options())
        .map_err(|e| yaml_error::typed(file, text, &locations, &e))?;
    Ok((value, locations))
}

/// Reads a file as text for [`parse_document`] (size and UTF-8 checked, errors naming it).
pub(crate) fn read_document(path: &std::path::Path) -> Result<(String, String), ScenarioError> {
    let file = path.display().to_string();
    let text = source::read(path, &file)?;
    Ok((file, text))
}

/// What the file holds when it holds no YAML at all ("is empty", "holds only comments"):
/// nothing but blank lines, comments and document markers.
fn nothing_written(text: &str) -> Option<&'static str> {
    let mut comments = false;
    for line in text.trim_start_matches('\u{FEFF}').lines() {
        let line = line.trim();
        match line {
            "" | "---" | "..." => {}
            _ if line.starts_with('#') => comments = true,
            _ => return None,
        }
    }
    Some(if comments {
        "holds only comments"
    } else {
        "is empty"
    })
}

pub use schema::json_schema;
