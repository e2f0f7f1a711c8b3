//! The YAML parser's errors in the scenario author's words.
//!
//! Every error of serde-saphyr becomes a [`ScenarioError`] located in the file (a value
//! merged from an anchor where it is written), naming the field path found at that
//! position (a key error names the key, a value error the value), and saying what was
//! expected: a list or a mapping and what was found instead, a limit and its value, where a
//! bracket was left open. No debug output, Rust type name or advice to the programmer
//! embedding the library reaches the user.

use serde_saphyr::Error;

use super::error::ScenarioError;
use super::flow;
use super::limits;
use super::locate::{Locations, Position, Role};

/// What the top level must hold, for messages about a file that holds something else.
pub(crate) const EXPECTED_TOP_LEVEL: &str = "expected a YAML mapping with at least name, duration, network, clients, workload and transports";

/// An error of the untyped pass, which reads the YAML structure: a syntax error, a limit,
/// a duplicate key. An error inside a flow collection that is never closed is reported at
/// its opening bracket.
pub(crate) fn untyped(file: &str, text: &str, e: &Error) -> ScenarioError {
    let position = position(e);
    if let Some(words) = limit_exceeded(e) {
        return ScenarioError::new(file, words).at(text, position);
    }
    let message = tidy_parser_message(&e.without_snippet().to_string());
    // The parser says so when it finds no closing bracket where one must be; otherwise
    // (text that is valid inside a flow collection, or a later key) look for one that is
    // never closed.
    let says_unclosed = ["expected ',' or '}'", "expected ',' or ']'", "unclosed"]
        .iter()
        .any(|hint| message.contains(hint));
    let bracket = position.and_then(|p| {
        if says_unclosed {
            flow::open_before(text, p).pop()
        } else {
            flow::never_closed_before(text, p)
        }
    });
    if let (Some(p), Some((opened, bracket))) = (position, bracket) {
        return ScenarioError::new(
            file,
            format!(
                "this `{bracket}` is never closed (the parser noticed at line {}, column {}: {message})",
                p.line, p.column
            ),
        )
        .at(text, Some(opened));
    }
    if let Error::MultipleDocuments { .. } = original(e) {
        return ScenarioError::new(
            file,
            "a second YAML document starts here (after a `---` line); a scenario file holds one",
        )
        .at(text, position);
    }
    ScenarioError::new(file, format!("malformed YAML: {message}")).at(text, position)
}

/// An error of the typed pass, which reads the YAML into the scenario's types: an unknown
/// field, a value of the wrong shape or type, a bad unit, a missing field.
pub(crate) fn typed(file: &str, text: &str, locations: &Locations, e: &Error) -> ScenarioError {
    let position = position(e);
    if let Some(words) = limit_exceeded(e) {
        return ScenarioError::new(file, words).at(text, position);
    }
    let inner = original(e);
    let message = tidy_parser_message(&e.without_snippet().to_string());
    // serde reports a missing field where the mapping ends, which names no field: a
    // missing top-level field is reported at the top of the file instead.
    if let Some(missing) = missing_field(&message) {
        let top_level = super::TOP_LEVEL_KEYS.contains(&missing)
            && !locations.top_level_keys().iter().any(|(k, _)| k == missing);
        let start = Some(Position { line: 1, column: 1 });
        return ScenarioError::new(file, format!("missing required field `{missing}`"))
            .at(text, if top_level { start } else { position });
    }
    let role = match inner {
        Error::SerdeUnknownField { .. } | Error::DuplicateMappingKey { .. } => Role::Key,
        _ => Role::Value,
    };
    let path = match alias_sites(e) {
        // A value from an anchor: the field that uses it.
        Some((defined, used)) => locations.copy_path(defined, used),
        None => position.and_then(|p| locations.path_for(p, role)),
    };
    let found = path.and_then(|p| locations.shape(p)).map(|s| s.words());
    let message = match inner {
        Error::Unexpected { expected, .. } => match shape_expected(expected) {
            Some(shape) => match found {
                Some(found) => format!("expected {shape}, found {found}"),
                None => format!("expected {shape}"),
            },
            None => message,
        },
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => {
            let found = match unexpected.as_str() {
                "sequence" => "a list",
                "map" => "a mapping",
                "unit value" => "an empty value",
                other => other,
            };
            tidy_parser_message(&format!("expected {expected}, found {found}"))
        }
        Error::NonFiniteFloat { value, .. } => {
            format!("must be a finite number, not `{value}`")
        }
        Error::SerdeUnknownField {
            field, expected, ..
        } => match closest(field, expected) {
            Some(name) => format!("{message}; did you mean `{name}`?"),
            None => message,
        },
        _ => message,
    };
    let error = ScenarioError::new(file, message).at(text, position);
    match path {
        Some(path) => error.field(path),
        None => error,
    }
}

/// The expected name a misspelt `field` most likely meant: the nearest by edit distance
/// (letters added, dropped, changed or swapped), if it is near enough (at most a third of
/// the name's letters, and at least one).
fn closest<'a>(field: &str, expected: &[&'a str]) -> Option<&'a str> {
    let most = (field.chars().count() / 3).max(1);
    expected
        .iter()
        .map(|name| (edit_distance(field, name), *name))
        .filter(|(distance, _)| *distance <= most)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// Optimal string alignment distance between `a` and `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// The words for a structural expectation of serde-saphyr (`expected sequence start`).
fn shape_expected(expected: &str) -> Option<&'static str> {
    match expected {
        "sequence start" => Some("a list (`- item` lines, or `[a, b]`)"),
        "mapping start" => Some("a mapping (`key: value` lines, or `{ key: value }`)"),
        "string scalar" | "scalar" => Some("a single value (a number or text)"),
        _ => None,
    }
}

/// A parser limit or an alias limit, in words with its value.
fn limit_exceeded(e: &Error) -> Option<String> {
    match original(e) {
        Error::Budget { breach, .. } => Some(limits::budget_exceeded(breach)),
        inner => limits::alias_limit_exceeded(inner),
    }
}

/// The error itself, without the snippet or alias wrappers.
fn original(e: &Error) -> &Error {
    match e {
        Error::WithSnippet { error, .. } | Error::AliasError { error, .. } => original(error),
        other => other,
    }
}

/// Where the error is written: a value merged from an anchor where it is written, not
/// where it is merged.
fn position(e: &Error) -> Option<Position> {
    let defined = e
        .locations()
        .map(|l| l.defined_location)
        .filter(|l| l.line() > 0);
    defined.or(e.location()).map(|l| Position {
        line: l.line(),
        column: l.column(),
    })
}

/// Where a value that came through an alias is written (in its anchor) and where it is
/// used (the alias), when they differ.
fn alias_sites(e: &Error) -> Option<(Position, Position)> {
    let sites = e.locations()?;
    let at = |l: serde_saphyr::Location| {
        (l.line() > 0).then(|| Position {
            line: l.line(),
            column: l.column(),
        })
    };
    let (defined, used) = (at(sites.defined_location)?, at(sites.reference_location)?);
    (defined != used).then_some((defined, used))
}

/// The field name of serde's "missing field `x`" message.
fn missing_field(message: &str) -> Option<&str> {
    message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
}

/// Says parser messages in the scenario author's words: drops a trailing location (shown
/// separately), spells out Rust integer types, mappings and lists, and drops library
/// advice.
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
    if let Some(value) = message
        .strip_prefix("invalid type: string \"")
        .and_then(|rest| rest.strip_suffix("\", expected f64"))
        && [".nan", ".inf", "-.inf"].contains(&value)
    {
        return format!("must be a finite number, not {value}");
    }
    if message == "invalid boolean" {
        return "expected true or false".to_string();
    }
    if message == "simple key expected ':'" {
        return "a key must be followed by `:` on its own line (and be at most 1024 characters long)"
            .to_string();
    }
    // serde's own words for shapes and numbers, and the names of the scenario's Rust types.
    message = message.replace("expected f64", "expected a number");
    message = message
        .replace("invalid type: map,", "invalid type: mapping,")
        .replace("invalid type: sequence,", "invalid type: list,")
        .replace("expected a sequence", "expected a list")
        .replace("expected a map", "expected a mapping");
    while let Some(start) = message.find("expected struct Raw") {
        let name_end = message[start + "expected struct ".len()..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .map_or(message.len(), |n| start + "expected struct ".len() + n);
        message.replace_range(start..name_end, "expected a mapping");
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_words_become_the_authors() {
        assert_eq!(
            tidy_parser_message("invalid type: string \"x\", expected struct RawLink"),
            "invalid type: string \"x\", expected a mapping"
        );
        assert_eq!(
            tidy_parser_message("invalid type: map, expected a sequence"),
            "invalid type: mapping, expected a list"
        );
        assert_eq!(
            tidy_parser_message("invalid u32"),
            "expected a whole number from 0 to 4294967295"
        );
        assert_eq!(
            tidy_parser_message(
                "duplicate mapping key: seed, set DuplicateKeyPolicy in Options if acceptable"
            ),
            "duplicate mapping key: seed; each key may appear only once in a mapping"
        );
        assert_eq!(
            tidy_parser_message("invalid boolean"),
            "expected true or false"
        );
        let fields = ["count", "link", "ramp", "tabs", "via", "tls"];
        assert_eq!(closest("cuont", &fields), Some("count"));
        assert_eq!(closest("lnk", &fields), Some("link"));
        assert_eq!(closest("rmap", &fields), Some("ramp"));
        assert_eq!(closest("colour", &fields), None);
        assert_eq!(closest("x", &fields), None);
        assert_eq!(
            tidy_parser_message("bad thing at line 3 column 4"),
            "bad thing"
        );
        assert_eq!(
            tidy_parser_message("invalid type: string \".nan\", expected f64"),
            "must be a finite number, not .nan"
        );
        assert_eq!(
            tidy_parser_message("invalid type: string \"x\", expected f64"),
            "invalid type: string \"x\", expected a number"
        );
    }
}
