//! `--set PATH=VALUE`: override one scalar field of a parsed scenario by its path
//! (`clients.browsers.count=5000`, `transports[1].polling.interval=2s`).
//!
//! The parsed scenario is turned into a JSON tree, the value is placed at the path, and the
//! tree is read back through the same serde types, so an override is checked exactly like
//! the file (unknown field, wrong type, bad unit). Its errors name the field path and where
//! the override came from: the `--set` argument, or the line of a `sweep:` value.

use serde_json::Value;

use super::error::ScenarioError;
use super::limits::MAX_DEPTH;
use super::locate::Position;
use super::raw::RawScenario;

/// One parsed `--set` argument, or one value of a sweep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The argument as given, for error messages.
    pub argument: String,
    /// Path segments: keys and sequence indices.
    pub path: Vec<Segment>,
    pub value: String,
    /// Where it was written, which is where its errors point.
    pub origin: Origin,
}

/// Where an override was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--set PATH=VALUE` on the command line.
    CommandLine,
    /// A value in the scenario file (of its `sweep:` block): the file, the position and
    /// the text of its line.
    File {
        file: String,
        position: Option<Position>,
        source_line: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

impl Override {
    /// Parses `a.b[2].c=value` (also `a.b.2.c=value`).
    pub fn parse(argument: &str) -> Result<Override, ScenarioError> {
        let bad = |why: &str| {
            ScenarioError::new(
                &format!("--set {argument}"),
                format!("{why}; expected PATH=VALUE, e.g. clients.browsers.count=5000"),
            )
        };
        let (path_text, value) = argument.split_once('=').ok_or_else(|| bad("missing `=`"))?;
        let mut path = Vec::new();
        for part in path_text.split('.') {
            let (key, indices) = match part.find('[') {
                Some(open) => (&part[..open], &part[open..]),
                None => (part, ""),
            };
            if key.is_empty() && indices.is_empty() {
                return Err(bad("empty path segment"));
            }
            if !key.is_empty() {
                match key.parse::<usize>() {
                    Ok(index) if !path.is_empty() => path.push(Segment::Index(index)),
                    _ => path.push(Segment::Key(key.to_string())),
                }
            }
            let mut rest = indices;
            while !rest.is_empty() {
                let close = rest.find(']').ok_or_else(|| bad("unclosed `[`"))?;
                let index = rest[1..close]
                    .parse::<usize>()
                    .map_err(|_| bad("index in `[]` must be a number"))?;
                path.push(Segment::Index(index));
                rest = &rest[close + 1..];
                if !rest.is_empty() && !rest.starts_with('[') {
                    return Err(bad("unexpected text after `]`"));
                }
            }
        }
        if path.is_empty() {
            return Err(bad("empty path"));
        }
        if path.len() > MAX_DEPTH {
            return Err(bad(&format!(
                "the path has {} parts, more than a scenario nests (the limit is {MAX_DEPTH})",
                path.len()
            )));
        }
        Ok(Override {
            argument: argument.to_string(),
            path,
            value: value.to_string(),
            origin: Origin::CommandLine,
        })
    }

    /// The same override, written in the scenario `file` at `position` (a sweep value):
    /// its errors point there rather than at a `--set` argument.
    pub(crate) fn written_at(mut self, file: &str, text: &str, position: Option<Position>) -> Self {
        let source_line = position.and_then(|p| {
            text.lines()
                .nth(p.line.saturating_sub(1) as usize)
                .map(str::to_string)
        });
        self.origin = Origin::File {
            file: file.to_string(),
            position,
            source_line,
        };
        self
    }

    /// An error caused by this override, about the field at `path` (its own path, or one
    /// whose check it changed).
    pub(crate) fn error(&self, path: &str, message: impl Into<String>) -> ScenarioError {
        let mut error = match &self.origin {
            Origin::CommandLine => ScenarioError::new(&format!("--set {}", self.argument), message),
            Origin::File {
                file,
                position,
                source_line,
            } => {
                let mut error = ScenarioError::new(file, message);
                error.position = *position;
                error.source_line = source_line.clone();
                error
            }
        };
        if !path.is_empty() {
            error = error.field(path);
        }
        error
    }

    /// The path in the notation of error messages (`transports[1].polling.interval`).
    pub fn dotted(&self) -> String {
        let mut out = String::new();
        for segment in &self.path {
            match segment {
                Segment::Key(k) if out.is_empty() => out.push_str(k),
                Segment::Key(k) => {
                    out.push('.');
                    out.push_str(k);
                }
                Segment::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// Applies overrides in order. `top_level` lists the valid top-level keys.
pub(crate) fn apply(
    raw: &RawScenario,
    overrides: &[Override],
    top_level: &[&str],
) -> Result<RawScenario, ScenarioError> {
    if overrides.is_empty() {
        return Ok(raw.clone());
    }
    let mut tree = serde_json::to_value(raw)
        .map_err(|e| ScenarioError::new("--set", format!("cannot represent the scenario: {e}")))?;
    for o in overrides {
        let err = |message: String| o.error(&o.dotted(), message);
        if let Some(Segment::Key(first)) = o.path.first()
            && !top_level.contains(&first.as_str())
        {
            return Err(o.error(
                first,
                format!(
                    "unknown top-level field `{first}`; expected one of: {}",
                    top_level.join(", ")
                ),
            ));
        }
        place(&mut tree, &o.path, &o.value).map_err(err)?;
        // Read back after each override so an error names the override that caused it.
        serde_json::from_value::<RawScenario>(tree.clone())
            .map_err(|e| err(super::yaml_error::tidy_parser_message(&e.to_string())))?;
    }
    serde_json::from_value(tree).map_err(|e| ScenarioError::new("--set", e.to_string()))
}

fn place(tree: &mut Value, path: &[Segment], value: &str) -> Result<(), String> {
    let mut node = tree;
    for (depth, segment) in path.iter().enumerate() {
        let last = depth + 1 == path.len();
        node = match segment {
            Segment::Key(key) => {
                if node.is_null() {
                    *node = Value::Object(Default::default());
                }
                let map = node
                    .as_object_mut()
                    .ok_or_else(|| format!("`{key}` is inside a value that is not a mapping"))?;
                map.entry(key.clone()).or_insert(Value::Null)
            }
            Segment::Index(index) => {
                let list = node
                    .as_array_mut()
                    .ok_or_else(|| format!("[{index}] is applied to a value that is not a list"))?;
                let len = list.len();
                list.get_mut(*index).ok_or_else(|| {
                    format!("index [{index}] is out of range (the list has {len} items)")
                })?
            }
        };
        if last {
            if node.is_object() || node.is_array() {
                return Err(
                    "only scalar fields can be set; this path names a mapping or a list".into(),
                );
            }
            *node = scalar(value, node.is_string());
        }
    }
    Ok(())
}

/// A command-line value as a YAML-like scalar: numbers and booleans by their look, unless
/// the field already holds a string (a name such as `link`).
fn scalar(text: &str, keep_string: bool) -> Value {
    if keep_string {
        return Value::String(text.to_string());
    }
    if let Ok(n) = text.parse::<u64>() {
        return Value::from(n);
    }
    if let Ok(n) = text.parse::<i64>() {
        return Value::from(n);
    }
    if let Ok(x) = text.parse::<f64>()
        && x.is_finite()
    {
        return Value::from(x);
    }
    match text {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::String(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_paths_with_indices() {
        let o = Override::parse("transports[1].polling.interval=2s").unwrap();
        assert_eq!(
            o.path,
            vec![
                Segment::Key("transports".into()),
                Segment::Index(1),
                Segment::Key("polling".into()),
                Segment::Key("interval".into())
            ]
        );
        assert_eq!(o.value, "2s");
        let dotted = Override::parse("transports.1.polling.interval=2s").unwrap();
        assert_eq!(dotted.path, o.path);
        assert_eq!(o.dotted(), "transports[1].polling.interval");
    }

    #[test]
    fn rejects_malformed_arguments() {
        assert!(Override::parse("no-equals").is_err());
        assert!(Override::parse("a..b=1").is_err());
        assert!(Override::parse("a[x]=1").is_err());
        assert!(Override::parse("=1").is_err());
    }

    /// A path deeper than any scenario nests is refused before it builds a tree that deep
    /// (reading that back would recurse once per level).
    #[test]
    fn rejects_paths_deeper_than_the_nesting_limit() {
        let deep = format!("sweep{}=1", ".a".repeat(MAX_DEPTH));
        let error = Override::parse(&deep).unwrap_err();
        assert!(error.message.contains("the limit is 64"), "{error}");
        let deepest = format!("sweep{}=1", ".a".repeat(MAX_DEPTH - 1));
        assert!(Override::parse(&deepest).is_ok());
    }
}
