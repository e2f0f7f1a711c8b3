//! The scenario: the YAML format (raw serde types), its validation into a runnable
//! [`Scenario`], `--set` overrides, and errors that point into the file.
//!
//! Loading has two phases, as the style guide asks: serde reads the text into
//! [`raw::RawScenario`] (unknown fields, wrong types and bad units fail here with serde-
//! saphyr's line and column), then [`validate`] resolves names and checks ranges, reporting
//! the field path and the location found by [`locate`].

pub mod assertions;
pub mod charts;
pub mod defaults;
pub mod error;
pub mod faults;
pub mod grpc;
pub mod limits;
pub mod locate;
pub mod overrides;
pub mod radio;
pub mod raw;
mod source;
pub mod spec;
pub mod sweep;
pub mod topology;
pub mod trace;
pub mod two_way;
pub mod validate;
pub mod webhook;
pub mod workload;

pub use error::ScenarioError;
pub use overrides::Override;
pub use spec::*;
pub use trace::TraceAudience;

use locate::{Locations, Position};
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
    "sweep",
    "faults",
    "assert",
    "charts",
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
    let plan = plan(file, text, overrides)?;
    Ok(plan
        .points
        .into_iter()
        .next()
        .expect("a plan has at least one point")
        .scenario)
}

/// Parses scenario text and expands its sweep into validated points.
pub fn plan(file: &str, text: &str, overrides: &[Override]) -> Result<sweep::Plan, ScenarioError> {
    let raw = parse(file, text)?;
    sweep::plan(file, text, &raw, overrides)
}

/// Reads a scenario file and expands its sweep.
pub fn plan_file(
    path: &std::path::Path,
    overrides: &[Override],
) -> Result<sweep::Plan, ScenarioError> {
    let file = path.display().to_string();
    let text = source::read(path, &file)?;
    plan(&file, &text, overrides)
}

/// Phase two for one point: validation of raw types that already carry the overrides.
pub(crate) fn validate_raw(
    file: &str,
    text: &str,
    raw: &RawScenario,
    overrides: &[Override],
) -> Result<Scenario, ScenarioError> {
    let locations = Locations::from_text(text).unwrap_or_default();
    let checker = validate::Checker {
        file,
        text,
        locations: &locations,
        overridden: overrides,
    };
    validate::validate(raw, &checker)
}

/// Phase one: YAML text to the raw serde types.
pub fn parse(file: &str, text: &str) -> Result<RawScenario, ScenarioError> {
    if text.trim().is_empty() {
        return Err(ScenarioError::new(
            file,
            "the file is empty; expected a YAML mapping with at least name, duration, network, clients, workload and transports",
        )
        .at(text, Some(Position { line: 1, column: 1 })));
    }
    // Syntax first, on the untyped tree, so that a malformed document is reported as such
    // rather than as whatever type error the typed pass stumbles on.
    let locations = Locations::from_text(text).map_err(|e| syntax_error(file, text, &e))?;
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
    let raw: RawScenario = serde_saphyr::from_str(text).map_err(|e| {
        // A value merged from an anchor is reported where it is written, not where merged.
        let defined = e
            .locations()
            .map(|l| l.defined_location)
            .filter(|l| l.line() > 0);
        let position = defined
            .map(|l| Position {
                line: l.line(),
                column: l.column(),
            })
            .or(error_position(&e));
        let message = tidy_parser_message(&e.without_snippet().to_string());
        // serde reports a missing field where the mapping ends, which names no field: a
        // missing top-level field is reported at the top of the file instead.
        if let Some(missing) = missing_field(&message) {
            let top_level = TOP_LEVEL_KEYS.contains(&missing)
                && !locations.top_level_keys().iter().any(|(k, _)| k == missing);
            let start = Some(Position { line: 1, column: 1 });
            return ScenarioError::new(file, format!("missing required field `{missing}`"))
                .at(text, if top_level { start } else { position });
        }
        let mut error = ScenarioError::new(file, message).at(text, position);
        if let Some(path) = position.and_then(|p| locations.path_at(p)) {
            error = error.field(path);
        }
        error
    })?;
    Ok(raw)
}

/// The field name of serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
}

fn error_position(e: &serde_saphyr::Error) -> Option<Position> {
    e.location().map(|l| Position {
        line: l.line(),
        column: l.column(),
    })
}

/// A YAML syntax error; an unclosed `{` or `[` is reported where it was opened.
fn syntax_error(file: &str, text: &str, e: &serde_saphyr::Error) -> ScenarioError {
    let position = error_position(e);
    let message = tidy_parser_message(&e.without_snippet().to_string());
    let unclosed = message.contains("expected ',' or '}'")
        || message.contains("expected ',' or ']'")
        || message.contains("unclosed");
    if unclosed
        && let Some((opened, bracket)) = position.and_then(|p| locate::unclosed_bracket(text, p))
    {
        let noticed = position.map_or(String::new(), |p| {
            format!(" at line {}, column {}", p.line, p.column)
        });
        return ScenarioError::new(
            file,
            format!("this `{bracket}` is never closed (the parser noticed{noticed}: {message})"),
        )
        .at(text, Some(opened));
    }
    ScenarioError::new(file, format!("malformed YAML: {message}")).at(text, position)
}

/// Says parser messages in the scenario author's words: drops a trailing location (shown
/// separately), spells out Rust integer types and library advice.
pub(crate) fn tidy_parser_message(message: &str) -> String {
    let mut message = message.to_string();
    if let Some(cut) = message.rfind(" at line ") {
        let tail: Vec<&str> = message[cut..].split_whitespace().collect();
        let number = |w: &str| {
            let w = w.trim_end_matches(',');
            !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit())
        };
        if let ["at", "line", l, "column", c] = tail.as_slice()
            && number(l)
            && number(c)
        {
            message.truncate(cut);
        }
    }
    if let Some(cut) = message.find(", set DuplicateKeyPolicy") {
        message.truncate(cut);
        message.push_str("; each key may appear only once in a mapping");
    }
    for (rust, words) in [
        ("u32", "a whole number from 0 to 4294967295"),
        ("u64", "a whole number from 0 to 18446744073709551615"),
    ] {
        if message == format!("invalid {rust}") {
            return format!("expected {words}");
        }
        message = message.replace(&format!("expected {rust}"), &format!("expected {words}"));
    }
    message
}

/// The JSON Schema of the scenario format (pretty-printed, with a trailing newline).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(raw::RawScenario);
    let mut text = serde_json::to_string_pretty(&schema).expect("a schema serializes to JSON");
    text.push('\n');
    text
}
