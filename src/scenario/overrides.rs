//! `--set PATH=VALUE`: override one single value of a scenario by its path
//! (`clients.browsers.count=5000`, `transports[1].polling.interval=2s`); a sweep's values
//! are set the same way.
//!
//! An override is applied to the scenario's value tree (`tree.rs`) before the tree is
//! read into the raw types, so it is checked exactly like the file (unknown field, wrong
//! type, bad unit, the same messages). The text of the value is typed by what the JSON
//! Schema says the field takes (`schema::Cursor`): `count=5` is a number,
//! `interval=60s` text, `http2=true` a boolean, `label=5` the text `5`. Mappings on the
//! way are added where the field is not written yet; a named entry that needs fields (a
//! client group, a link profile) is not: a `--set` on a group that does not exist says so
//! and lists those that do (a proxy, whose fields all have defaults, is made by its first
//! value). Errors name the override, the field path and what was expected there, and
//! where the override came from: the `--set` argument, or the line of a `sweep:` value.

use std::borrow::Cow;

use serde_json::Value;

use super::TOP_LEVEL_KEYS;
use super::error::ScenarioError;
use super::limits::MAX_DEPTH;
use super::locate::{Locations, Position};
use super::raw::RawScenario;
use super::schema::{Cursor, Kinds};
use super::tree::{Node, Scalar};

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
    pub(crate) fn written_in(mut self, file: &str, text: &str, position: Option<Position>) -> Self {
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

/// A scenario ready for overrides: the raw scenario read from the file and its value tree,
/// both without the `sweep:` block (each point of a sweep is this base with its values
/// set).
#[derive(Debug, Clone)]
pub(crate) struct Base {
    raw: RawScenario,
    tree: Node,
}

/// A scenario with its overrides applied: the raw scenario and the tree it was read from.
/// Without overrides, the base's own.
pub(crate) struct Patched<'a> {
    pub raw: Cow<'a, RawScenario>,
    pub tree: Cow<'a, Node>,
}

impl Base {
    /// The base of `raw`, read from the scenario `text` of `file`.
    pub(crate) fn new(file: &str, text: &str, raw: &RawScenario) -> Result<Base, ScenarioError> {
        let mut tree =
            Node::from_text(text).map_err(|e| super::yaml_error::untyped(file, text, &e))?;
        tree.remove("sweep");
        let mut raw = raw.clone();
        raw.sweep = None;
        Ok(Base { raw, tree })
    }

    /// The scenario with `overrides` set in order, each at its path in the tree, and the
    /// tree read into the raw types as the file is. An error names the override that
    /// caused it: the first whose value the raw types refuse, with the field and what was
    /// expected there.
    pub(crate) fn apply(&self, overrides: &[Override]) -> Result<Patched<'_>, ScenarioError> {
        if overrides.is_empty() {
            return Ok(Patched {
                raw: Cow::Borrowed(&self.raw),
                tree: Cow::Borrowed(&self.tree),
            });
        }
        let mut tree = self.tree.clone();
        for o in overrides {
            set(&mut tree, o)?;
        }
        match read(&tree) {
            Ok(raw) => Ok(Patched {
                raw: Cow::Owned(raw),
                tree: Cow::Owned(tree),
            }),
            Err(last) => Err(self.blame(overrides, last)),
        }
    }

    /// Which override the error `last` (of the tree with all of them set) is due to: the
    /// last one that set the field it is about (or a field inside it, or one of its
    /// fields); else the first after which the tree gives that error; else the last.
    fn blame(&self, overrides: &[Override], last: (Option<String>, String)) -> ScenarioError {
        let named = |o: &Override, (field, message): (Option<String>, String)| {
            let field = field.unwrap_or_else(|| o.dotted());
            // A file's error shows the value in the quoted line; a `--set` has no line, so
            // an error that says what was expected says what was found too.
            let shown = message.contains(&o.value) || o.origin != Origin::CommandLine;
            if field == o.dotted() && message.starts_with("expected ") && !shown {
                return o.error(&field, format!("{message}, found \"{}\"", o.value));
            }
            o.error(&field, message)
        };
        if let Some(field) = &last.0 {
            let related = |o: &&Override| {
                let path = o.dotted();
                within(field, &path) || within(&path, field)
            };
            if let Some(o) = overrides.iter().rev().find(related) {
                return named(o, last);
            }
        }
        let mut tree = self.tree.clone();
        for o in overrides {
            if set(&mut tree, o).is_ok() && read(&tree).err().as_ref() == Some(&last) {
                return named(o, last);
            }
        }
        named(overrides.last().expect("some override was set"), last)
    }
}

/// Whether the field `path` is `outer` or inside it.
fn within(path: &str, outer: &str) -> bool {
    path.strip_prefix(outer)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Reads the tree into the raw types, through the YAML text it writes, with the file's
/// options; an error is the field path (in the tree) and the message, as
/// [`super::yaml_error::typed`] words them for a file.
fn read(tree: &Node) -> Result<RawScenario, (Option<String>, String)> {
    let yaml = tree.to_yaml();
    serde_saphyr::from_str_with_options(&yaml, super::limits::options()).map_err(|e| {
        let locations = Locations::from_text(&yaml).unwrap_or_default();
        let error = super::yaml_error::typed("", &yaml, &locations, &e);
        (error.field, error.message)
    })
}

/// Sets the single value at the override's path: through mappings (adding a field that is
/// not written yet) and list items; not into a named entry that does not exist and needs
/// fields (a client group, a link profile: one value cannot make it), nor over a mapping or
/// a list.
fn set(tree: &mut Node, o: &Override) -> Result<(), ScenarioError> {
    if let Some(Segment::Key(first)) = o.path.first() {
        if !TOP_LEVEL_KEYS.contains(&first.as_str()) {
            return Err(o.error(
                first,
                format!(
                    "unknown top-level field `{first}`; expected one of: {}",
                    TOP_LEVEL_KEYS.join(", ")
                ),
            ));
        }
        if first == "sweep" {
            return Err(o.error(
                first,
                "the sweep cannot be set; set a swept field itself to fix it (the axis then goes)",
            ));
        }
    }
    let mut node = tree;
    let mut cursor = Cursor::root();
    let mut path = String::new();
    for segment in &o.path {
        if node.is_null() && matches!(segment, Segment::Key(_)) {
            *node = Node::Map(Vec::new());
        }
        node = match (segment, node) {
            (Segment::Key(key), Node::Map(entries)) => {
                let field = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                let at = match entries.iter().position(|(k, _)| k == key) {
                    Some(at) => at,
                    // A new entry whose fields all have defaults (a proxy) is made by its
                    // first value; one that needs fields (a client group, a link profile)
                    // is most likely a misspelt name.
                    None if cursor.is_named_entries() && cursor.field(key).needs_fields() => {
                        return Err(o.error(&field, no_entry(&path, key, entries)));
                    }
                    None => {
                        entries.push((key.clone(), Node::Scalar(Scalar::null())));
                        entries.len() - 1
                    }
                };
                cursor = cursor.field(key);
                path = field;
                &mut entries[at].1
            }
            (Segment::Index(index), Node::List(items)) => {
                let len = items.len();
                let Some(item) = items.get_mut(*index) else {
                    return Err(o.error(
                        &path,
                        format!(
                            "has {len} item{}, so there is no [{index}]{}",
                            if len == 1 { "" } else { "s" },
                            if len == 0 {
                                String::new()
                            } else {
                                format!(" (items are [0] to [{}])", len - 1)
                            }
                        ),
                    ));
                };
                cursor = cursor.item();
                path = format!("{path}[{index}]");
                item
            }
            (Segment::Key(key), Node::List(items)) => {
                return Err(o.error(
                    &path,
                    format!(
                        "is a list of {} items, not a mapping: choose an item by its index, e.g. `{path}[0].{key}`",
                        items.len()
                    ),
                ));
            }
            (Segment::Key(key), Node::Scalar(_)) => {
                return Err(o.error(
                    &path,
                    format!("holds a single value, not a mapping, so it has no field `{key}`"),
                ));
            }
            (Segment::Index(index), _) => {
                return Err(o.error(&path, format!("is not a list, so it has no item [{index}]")));
            }
        };
    }
    match node {
        Node::Scalar(_) => {
            *node = Node::Scalar(typed(&o.value, cursor.kinds()));
            Ok(())
        }
        Node::Map(_) => Err(o.error(
            &path,
            "is a mapping; --set sets single values: name a field inside it",
        )),
        Node::List(_) => Err(o.error(
            &path,
            "is a list; --set sets single values: name an item inside it, e.g. `[0]`",
        )),
    }
}

/// Why a named entry cannot be set: it does not exist, and which do.
fn no_entry(map: &str, key: &str, entries: &[(String, Node)]) -> String {
    let (one, many) = match map {
        "clients" => ("client group", "client groups"),
        "network" => ("link profile", "link profiles"),
        "proxies" => ("proxy", "proxies"),
        "receivers" => ("receiver", "receivers"),
        _ => ("entry", "entries"),
    };
    let names: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
    if names.is_empty() {
        format!("there is no {one} `{key}`: the scenario has no {many} under `{map}`")
    } else {
        format!(
            "there is no {one} `{key}`; the {many} are: {}",
            names.join(", ")
        )
    }
}

/// A command-line value as the value of a field that takes `kinds`, as the JSON Schema
/// says: the YAML reading of the text where the field takes it (`5` a number, `true` a
/// boolean), else the text where the field takes text (`label=5` is the text `5`), else
/// the YAML reading all the same, which the raw types then refuse as they would in the
/// file (`count=ten`: "expected a whole number, found string").
fn typed(text: &str, kinds: Kinds) -> Scalar {
    match Scalar::read(text) {
        Some(read) if kinds.admits(&read.value) => read,
        _ if kinds.contains(Kinds::STRING) => Scalar::of(Value::String(text.to_string())),
        Some(read) => read,
        None => Scalar::of(Value::String(text.to_string())),
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

#[cfg(test)]
mod tree_tests {
    use super::*;

    /// The value text takes the kind its field takes, and keeps the YAML reading otherwise
    /// (so that the raw types refuse it as they would in a file).
    #[test]
    fn values_are_typed_by_their_field() {
        let value = |text: &str, kinds: Kinds| typed(text, kinds).value;
        let text = Kinds::STRING.union(Kinds::NULL);
        assert_eq!(value("5", Kinds::INTEGER), Value::from(5));
        assert_eq!(value("5", text), Value::from("5"));
        assert_eq!(value("2.5", Kinds::NUMBER), Value::from(2.5));
        assert_eq!(value("60s", text), Value::from("60s"));
        assert_eq!(value("true", Kinds::BOOLEAN), Value::Bool(true));
        assert_eq!(value("true", text), Value::from("true"));
        assert_eq!(value("ten", Kinds::INTEGER), Value::from("ten"));
        assert_eq!(value("5.5", Kinds::INTEGER), Value::from(5.5));
        assert_eq!(value("null", text), Value::Null);
        assert_eq!(value("\"5\"", Kinds::INTEGER), Value::from("\"5\""));
        assert_eq!(value("a: b", text), Value::from("a: b"));
        // Where the schema says nothing (an unknown field): the YAML reading.
        assert_eq!(value("5", Kinds::ANY), Value::from(5));
    }

    /// Every example scenario, written back from its tree, reads as the file does: the
    /// same raw scenario, field for field (issue 15: a sweep point or a `--set` changes
    /// nothing but what it sets).
    #[test]
    fn every_example_reads_back_from_its_tree_as_from_its_file() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let file = path.display().to_string();
            let raw = crate::scenario::parse(&file, &text).unwrap();
            let base = Base::new(&file, &text, &raw).unwrap();
            let again = read(&base.tree).unwrap_or_else(|e| panic!("{file}: {e:?}"));
            assert_eq!(format!("{again:?}"), format!("{:?}", base.raw), "{file}");
            checked += 1;
        }
        assert!(checked > 20, "{checked} scenarios");
    }
}
