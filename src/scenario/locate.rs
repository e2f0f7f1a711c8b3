//! Where each value of a scenario file sits: a map from a field path
//! (`clients.browsers.link`, `transports[2].polling.interval`) to its line and column.
//!
//! Serde's typed pass reports its own errors with locations; this map serves the second
//! phase (name resolution and range checks), whose errors name a path. It is built by a
//! separate pass over the same text with serde-saphyr's `Spanned`, so merge keys and
//! anchors resolve exactly as in the typed pass.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// Line and column (1-based) of a value in the scenario text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u64,
    pub column: u64,
}

/// Field path → position of its value, plus the top-level keys in file order.
#[derive(Debug, Default, Clone)]
pub struct Locations {
    by_path: BTreeMap<String, Position>,
    /// Position of each mapping key and the path it names.
    keys: Vec<(Position, String)>,
    top_level_keys: Vec<(String, Position)>,
}

impl Locations {
    /// Builds the map from scenario text; fails with the parser's error when the text is
    /// not well-formed YAML (a syntax error, as opposed to a type error).
    pub fn from_text(text: &str) -> Result<Self, serde_saphyr::Error> {
        let mut locations = Locations::default();
        let root = serde_saphyr::from_str::<Spanned<Node>>(text)?;
        if let Node::Map(entries) = &root.value {
            for (key, _) in entries {
                locations
                    .top_level_keys
                    .push((key.value.clone(), position(&key.referenced)));
            }
        }
        locations.walk(String::new(), &root);
        Ok(locations)
    }

    fn walk(&mut self, path: String, node: &Spanned<Node>) {
        match &node.value {
            Node::Map(entries) => {
                for (key, value) in entries {
                    let child = if path.is_empty() {
                        key.value.clone()
                    } else {
                        format!("{path}.{}", key.value)
                    };
                    self.keys.push((position(&key.referenced), child.clone()));
                    self.walk(child, value);
                }
            }
            Node::Seq(items) => {
                for (index, item) in items.iter().enumerate() {
                    self.walk(format!("{path}[{index}]"), item);
                }
            }
            Node::Scalar => {}
        }
        let defined = position(&node.defined);
        if defined != position(&node.referenced) && defined.line > 0 {
            // Merged or aliased: also findable where it is written.
            self.keys.push((defined, path.clone()));
        }
        self.by_path.insert(path, position(&node.referenced));
    }

    /// Position of the value at `path`, or of its nearest located ancestor (a default that
    /// was not written in the file is reported at the block that omits it).
    pub fn find(&self, path: &str) -> Option<Position> {
        let mut probe = path;
        loop {
            if let Some(found) = self.by_path.get(probe) {
                return Some(*found);
            }
            let cut = probe.rfind(['.', '['])?;
            probe = &probe[..cut];
        }
    }

    /// The path of the key or value at `position`, if exactly one starts there (values
    /// merged from an anchor all sit at the anchor, so they name no single field).
    pub fn path_at(&self, position: Position) -> Option<&str> {
        let mut found = self
            .keys
            .iter()
            .filter(|(p, _)| *p == position)
            .map(|(_, path)| path.as_str())
            .chain(
                self.by_path
                    .iter()
                    .filter(|(path, p)| **p == position && !path.is_empty())
                    .map(|(path, _)| path.as_str()),
            );
        let first = found.next()?;
        found.all(|other| other == first).then_some(first)
    }

    /// The top-level keys in file order with their positions.
    pub fn top_level_keys(&self) -> &[(String, Position)] {
        &self.top_level_keys
    }
}

/// The innermost `{` or `[` left open before `until`: where an unclosed flow collection
/// began. Quoted strings and comments are skipped.
pub fn unclosed_bracket(text: &str, until: Position) -> Option<(Position, char)> {
    let mut open: Vec<(Position, char)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line_no = index as u64 + 1;
        if line_no > until.line {
            break;
        }
        let mut quote: Option<char> = None;
        for (column, ch) in line.chars().enumerate() {
            let here = Position {
                line: line_no,
                column: column as u64 + 1,
            };
            if line_no == until.line && here.column >= until.column {
                break;
            }
            match (quote, ch) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(ch),
                (None, '#') => break,
                (None, '{' | '[') => open.push((here, ch)),
                (None, '}' | ']') => {
                    open.pop();
                }
                _ => {}
            }
        }
    }
    open.pop()
}

fn position(location: &serde_saphyr::Location) -> Position {
    Position {
        line: location.line(),
        column: location.column(),
    }
}

/// A YAML node with the positions of its children; scalars keep no value.
enum Node {
    Map(Vec<(Spanned<String>, Spanned<Node>)>),
    Seq(Vec<Spanned<Node>>),
    Scalar,
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar)
    }
}
