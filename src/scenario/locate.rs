//! Where each value of a scenario file sits: a map from a field path
//! (`clients.browsers.link`, `transports[2].polling.interval`) to its line and column.
//!
//! Serde's typed pass reports its own errors with locations; this map serves the second
//! phase (name resolution and range checks), whose errors name a path. It is built by a
//! separate pass over the same text with serde-saphyr's `Spanned`, so merge keys and
//! anchors resolve exactly as in the typed pass, and with the same limits
//! ([`super::limits::options`]). It also records each value's shape (mapping, list,
//! single value), so that a type error can say what was found.

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

/// The shape of a YAML value, as a type error names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Mapping,
    List,
    /// A number, a string, a boolean.
    Single,
    /// `~`, `null` or nothing after the colon.
    Empty,
}

impl Shape {
    /// The shape in words, after "found".
    pub fn words(self) -> &'static str {
        match self {
            Shape::Mapping => "a mapping",
            Shape::List => "a list",
            Shape::Single => "a single value",
            Shape::Empty => "an empty value",
        }
    }
}

/// Whether an error is about a mapping key (an unknown or duplicate field) or about a value
/// (its type or its unit): a block mapping starts where its first key does, so one position
/// can name both the mapping and its first key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Key,
    Value,
}

/// Field path → position and shape of its value, plus the top-level keys in file order.
#[derive(Debug, Default, Clone)]
pub struct Locations {
    by_path: BTreeMap<String, (Position, Shape)>,
    /// Position of each mapping key and the path it names.
    keys: Vec<(Position, String)>,
    /// Values merged or aliased from an anchor: where the anchor wrote them, and the path
    /// of each copy.
    copies: Vec<(Position, String)>,
    top_level_keys: Vec<(String, Position)>,
}

impl Locations {
    /// Builds the map from scenario text; fails with the parser's error when the text is
    /// not well-formed YAML (a syntax error, as opposed to a type error).
    pub fn from_text(text: &str) -> Result<Self, serde_saphyr::Error> {
        let mut locations = Locations::default();
        let root =
            serde_saphyr::from_str_with_options::<Spanned<Node>>(text, super::limits::options())?;
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
        let shape = match &node.value {
            Node::Map(_) => Shape::Mapping,
            Node::Seq(_) => Shape::List,
            Node::Scalar => Shape::Single,
            Node::Null => Shape::Empty,
        };
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
            Node::Scalar | Node::Null => {}
        }
        let defined = position(&node.defined);
        if defined != position(&node.referenced) && defined.line > 0 {
            // Merged or aliased: also findable where it is written.
            self.copies.push((defined, path.clone()));
        }
        self.by_path
            .insert(path, (position(&node.referenced), shape));
    }

    /// Position of the value at `path`, or of its nearest located ancestor (a default that
    /// was not written in the file is reported at the block that omits it).
    pub fn find(&self, path: &str) -> Option<Position> {
        let mut probe = path;
        loop {
            if let Some((found, _)) = self.by_path.get(probe) {
                return Some(*found);
            }
            let cut = probe.rfind(['.', '['])?;
            probe = &probe[..cut];
        }
    }

    /// The path of the key or value at `position`, if exactly one starts there (values
    /// merged from an anchor all sit at the anchor, so they name no single field). `role`
    /// decides between a block mapping and its first key, which start at the same place:
    /// a key error names the key, a value error the mapping.
    pub fn path_for(&self, position: Position, role: Role) -> Option<&str> {
        let keys: Vec<&str> = self
            .keys
            .iter()
            .filter(|(p, _)| *p == position)
            .map(|(_, path)| path.as_str())
            .collect();
        let values: Vec<&str> = self
            .by_path
            .iter()
            .filter(|(path, (p, _))| *p == position && !path.is_empty())
            .map(|(path, _)| path.as_str())
            .collect();
        let (preferred, fallback) = match role {
            Role::Key => (keys, values),
            Role::Value => (values, keys),
        };
        let mut found = if preferred.is_empty() {
            fallback
        } else {
            preferred
        };
        found.extend(
            self.copies
                .iter()
                .filter(|(p, _)| *p == position)
                .map(|(_, path)| path.as_str()),
        );
        let first = *found.first()?;
        found.iter().all(|path| *path == first).then_some(first)
    }

    /// The path of the value written at `defined` (inside an anchor) and used through the
    /// alias or merge key at `used`, if one such copy is found.
    pub fn copy_path(&self, defined: Position, used: Position) -> Option<&str> {
        let mut found = self
            .copies
            .iter()
            .filter(|(p, path)| {
                *p == defined && self.by_path.get(path).is_some_and(|(at, _)| *at == used)
            })
            .map(|(_, path)| path.as_str());
        let first = found.next()?;
        found.all(|other| other == first).then_some(first)
    }

    /// The shape of the value at `path` (`""` is the whole file), if it was written.
    pub fn shape(&self, path: &str) -> Option<Shape> {
        self.by_path.get(path).map(|(_, shape)| *shape)
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
    Null,
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
        Ok(Node::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u64, column: u64) -> Position {
        Position { line, column }
    }

    /// A block mapping starts where its first key does: a key error names the key, a value
    /// error the mapping.
    #[test]
    fn one_position_names_a_key_or_a_mapping_by_role() {
        let locations = Locations::from_text("network:\n  broadband:\n    latncy: 20ms\n").unwrap();
        assert_eq!(
            locations.path_for(at(3, 5), Role::Key),
            Some("network.broadband.latncy")
        );
        assert_eq!(
            locations.path_for(at(3, 5), Role::Value),
            Some("network.broadband")
        );
        assert_eq!(
            locations.path_for(at(3, 13), Role::Value),
            Some("network.broadband.latncy")
        );
    }

    #[test]
    fn shapes_are_recorded() {
        let text = "a: {b: 1}\nc: [1]\nd: x\ne:\n";
        let locations = Locations::from_text(text).unwrap();
        assert_eq!(locations.shape(""), Some(Shape::Mapping));
        assert_eq!(locations.shape("a"), Some(Shape::Mapping));
        assert_eq!(locations.shape("c"), Some(Shape::List));
        assert_eq!(locations.shape("c[0]"), Some(Shape::Single));
        assert_eq!(locations.shape("d"), Some(Shape::Single));
        assert_eq!(locations.shape("e"), Some(Shape::Empty));
        assert_eq!(locations.shape("f"), None);
    }

    /// A value merged from an anchor into two places is written once; where it is used
    /// tells the copies apart.
    #[test]
    fn a_merged_value_is_named_by_where_it_is_used() {
        let text = "x: &h\n  size: 1\na: { <<: *h }\nb:\n  <<: *h\n";
        let locations = Locations::from_text(text).unwrap();
        assert_eq!(locations.path_for(at(2, 9), Role::Value), None);
        let used_in_a = locations.find("a.size").unwrap();
        let used_in_b = locations.find("b.size").unwrap();
        assert_ne!(used_in_a, used_in_b);
        assert_eq!(locations.copy_path(at(2, 9), used_in_a), Some("a.size"));
        assert_eq!(locations.copy_path(at(2, 9), used_in_b), Some("b.size"));
    }
}
