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
    top_level_keys: Vec<(String, Position)>,
}

impl Locations {
    /// Builds the map from scenario text. Text that does not parse as YAML gives an empty
    /// map: the typed pass reports that error with its location.
    pub fn from_text(text: &str) -> Self {
        let mut locations = Locations::default();
        if let Ok(root) = serde_saphyr::from_str::<Spanned<Node>>(text) {
            if let Node::Map(entries) = &root.value {
                for (key, value) in entries {
                    locations
                        .top_level_keys
                        .push((key.value.clone(), position(&key.referenced)));
                    let _ = value;
                }
            }
            locations.walk(String::new(), &root);
        }
        locations
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

    /// The path of the value at `position`, if one starts exactly there.
    pub fn path_at(&self, position: Position) -> Option<&str> {
        self.by_path
            .iter()
            .find(|(path, p)| **p == position && !path.is_empty())
            .map(|(path, _)| path.as_str())
    }

    /// The top-level keys in file order with their positions.
    pub fn top_level_keys(&self) -> &[(String, Position)] {
        &self.top_level_keys
    }
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
