//! The scenario as a YAML value tree: the form `--set` and sweep values are applied to
//! (issue 15). The file is read into a [`Node`] tree, each override replaces or adds one
//! single value in it ([`super::overrides`]), and the tree is written back as YAML
//! ([`Node::to_yaml`]) for the typed pass, which reads it into the raw types as it reads
//! the file. So an override is checked by the same serde types, with the same messages, as
//! the file, and the raw types need not serialise.
//!
//! What the tree promises:
//! - It is read by serde-saphyr with the file's limits, so anchors, aliases and merge keys
//!   resolve as in the typed pass. The top-level `x-` keys, which only hold anchors, are
//!   left out.
//! - Every single value keeps its reading (null, boolean, number or text, as YAML 1.2 reads
//!   it, so `yes` and `on` are text here) and the token the file wrote for it (`2024.10`,
//!   `'it''s'`, `0x10`). Written back, the token reads field by field as in the file: a
//!   text field written `2024.10` stays `2024.10`, not the number's `2024.1`. A value whose
//!   token does not fit on one line (a block scalar, a string folded over lines) is written
//!   as its reading, a double-quoted string, which reads as the same text.
//! - Mappings keep their keys in file order. The YAML written back is in block style, with
//!   every key double-quoted (so a key is never read as anything but its text).

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;

/// A value of the scenario: a mapping, a list or a single value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// Keys in file order.
    Map(Vec<(String, Node)>),
    List(Vec<Node>),
    Scalar(Scalar),
}

/// A single value: its reading and the YAML text that says it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scalar {
    /// The value as YAML 1.2 reads it: null, a boolean, a number or text.
    pub value: Value,
    /// One line of YAML that reads as `value`: the file's own token where it has one.
    token: String,
}

impl Scalar {
    /// An empty value (`~`): what a key that is added before it is set holds.
    pub(crate) fn null() -> Scalar {
        Scalar {
            value: Value::Null,
            token: "null".to_string(),
        }
    }

    /// `value` written as JSON text (a double-quoted string, a number, `true`, `null`),
    /// which YAML reads as the same value.
    pub(crate) fn of(value: Value) -> Scalar {
        let token = serde_json::to_string(&value).expect("a single value is JSON");
        Scalar { value, token }
    }

    /// `text` read as a single YAML value, as if written after `key: ` in a file: `5` a
    /// number, `true` a boolean, `60s` text. `None` when the text is not one plain value
    /// on one line: a quoted string, a flow collection, an anchor, alias or tag, a comment,
    /// a `key: value` pair, or the start of a block scalar or document; such text is text.
    pub(crate) fn read(text: &str) -> Option<Scalar> {
        let starts_as_other = text.starts_with([
            '"', '\'', '[', '{', '&', '*', '!', '|', '>', '#', '%', '@', '`',
        ]) || text.starts_with("---")
            || text.starts_with("...");
        if starts_as_other
            || text.trim() != text
            || text.contains(['\n', '\r', '\t'])
            || text.contains(" #")
            || text.contains(": ")
            || text.ends_with(':')
        {
            return None;
        }
        let value = read_single(text)?;
        Some(Scalar {
            value,
            token: text.to_string(),
        })
    }

    pub(crate) fn is_null(&self) -> bool {
        self.value.is_null()
    }
}

impl Node {
    /// Reads scenario `text` (already checked by the typed pass) into a tree, without its
    /// top-level `x-` keys.
    pub(crate) fn from_text(text: &str) -> Result<Node, serde_saphyr::Error> {
        let root: Spanned<TopLevel> = serde_saphyr::from_str_with_options(text, options())?;
        Ok(Node::Map(
            root.value
                .0
                .into_iter()
                .map(|(key, value)| (key, into_node(value, text)))
                .collect(),
        ))
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Node::Scalar(s) if s.is_null())
    }

    /// The tree as YAML text, in block style (see the module's contract).
    pub(crate) fn to_yaml(&self) -> String {
        let mut out = String::new();
        match self {
            Node::Map(entries) if !entries.is_empty() => write_map(entries, 0, &mut out),
            Node::List(items) if !items.is_empty() => write_list(items, 0, &mut out),
            other => {
                write_value(other, 0, &mut out);
                out.remove(0);
            }
        }
        out
    }

    /// Leaves out the top-level entry `key`, if there is one.
    pub(crate) fn remove(&mut self, key: &str) {
        if let Node::Map(entries) = self {
            entries.retain(|(k, _)| k != key);
        }
    }
}

fn write_map(entries: &[(String, Node)], indent: usize, out: &mut String) {
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(&serde_json::to_string(key).expect("a key is JSON text"));
        out.push(':');
        write_value(value, indent, out);
    }
}

fn write_list(items: &[Node], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        write_value(item, indent, out);
    }
}

/// The value after `key:` or `-`, and the end of its line (and the lines of its items).
fn write_value(value: &Node, indent: usize, out: &mut String) {
    match value {
        Node::Scalar(scalar) => {
            if !scalar.token.is_empty() {
                out.push(' ');
                out.push_str(&scalar.token);
            }
            out.push('\n');
        }
        Node::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        Node::List(items) if items.is_empty() => out.push_str(" []\n"),
        Node::Map(entries) => {
            out.push('\n');
            write_map(entries, indent + 2, out);
        }
        Node::List(items) => {
            out.push('\n');
            write_list(items, indent + 2, out);
        }
    }
}

/// How the tree is read: the file's limits, and YAML 1.2's booleans (only `true` and
/// `false`), so that a text field written `no` stays the text `no` in the tree. The typed
/// pass reads the tokens with the file's own options.
fn options() -> serde_saphyr::Options {
    let mut options = super::limits::options();
    options.strict_booleans = true;
    options
}

/// The reading of `token` alone, if it is a single value.
fn read_single(token: &str) -> Option<Value> {
    match serde_saphyr::from_str_with_options::<Read>(token, options()) {
        Ok(Read::Scalar(value)) => Some(value),
        _ => None,
    }
}

/// The top level of the file, its `x-` keys skipped (they may hold any YAML at all).
struct TopLevel(Vec<(String, Spanned<Read>)>);

impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TopVisitor;
        impl<'de> Visitor<'de> for TopVisitor {
            type Value = TopLevel;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key.starts_with("x-") {
                        map.next_value::<IgnoredAny>()?;
                    } else {
                        entries.push((key, map.next_value::<Spanned<Read>>()?));
                    }
                }
                Ok(TopLevel(entries))
            }
        }
        deserializer.deserialize_map(TopVisitor)
    }
}

/// A YAML node as read, each child with its place in the text.
enum Read {
    Map(Vec<(String, Spanned<Read>)>),
    List(Vec<Spanned<Read>>),
    Scalar(Value),
}

/// The tree of a node read from `text`.
fn into_node(read: Spanned<Read>, text: &str) -> Node {
    match read.value {
        Read::Map(entries) => Node::Map(
            entries
                .into_iter()
                .map(|(key, value)| (key, into_node(value, text)))
                .collect(),
        ),
        Read::List(items) => Node::List(items.into_iter().map(|i| into_node(i, text)).collect()),
        Read::Scalar(value) => {
            // Where the value is written (in its anchor, for an alias).
            let span = read.defined.span();
            let token = span
                .byte_offset()
                .zip(span.byte_len())
                .and_then(|(at, len)| {
                    text.get(usize::try_from(at).ok()?..usize::try_from(at + len).ok()?)
                });
            match token {
                Some(token)
                    if !token.contains(['\n', '\r'])
                        && read_single(token).as_ref() == Some(&value) =>
                {
                    Node::Scalar(Scalar {
                        value,
                        token: token.to_string(),
                    })
                }
                _ => Node::Scalar(Scalar::of(value)),
            }
        }
    }
}

impl<'de> Deserialize<'de> for Read {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ReadVisitor)
    }
}

struct ReadVisitor;

impl<'de> Visitor<'de> for ReadVisitor {
    type Value = Read;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML node")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Read, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            entries.push((key, map.next_value::<Spanned<Read>>()?));
        }
        Ok(Read::Map(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Read, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Read>>()? {
            items.push(item);
        }
        Ok(Read::List(items))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Read, E> {
        Ok(Read::Scalar(Value::Bool(value)))
    }
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Read, E> {
        Ok(Read::Scalar(Value::from(value)))
    }
    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Read, E> {
        Ok(Read::Scalar(Value::from(value)))
    }
    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Read, E> {
        self.visit_f64(value as f64)
    }
    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Read, E> {
        self.visit_f64(value as f64)
    }
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Read, E> {
        // A non-finite float reaches here only as a number too large for f64 (`.nan` and
        // `.inf` are passed on as text); its token keeps what was written.
        Ok(Read::Scalar(
            serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_str<E: de::Error>(self, value: &str) -> Result<Read, E> {
        Ok(Read::Scalar(Value::String(value.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Read, E> {
        Ok(Read::Scalar(Value::Null))
    }
    fn visit_none<E: de::Error>(self) -> Result<Read, E> {
        Ok(Read::Scalar(Value::Null))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = r#"x-defs: &link { latency: 20ms, bandwidth: "10Mbit/s" }
name: 2024.10
label: 'it''s'
flag: yes
hex: 0x10
empty:
list: [1, 1.50, +5, "5", ~]
network: { dsl: { <<: *link, jitter: !!str 5 } }
description: >
  folded
  text
"#;

    #[test]
    fn tokens_are_kept_and_x_keys_left_out() {
        let tree = Node::from_text(TEXT).unwrap();
        let yaml = tree.to_yaml();
        assert!(!yaml.contains("x-defs"), "{yaml}");
        for line in [
            "\"name\": 2024.10\n",
            "\"label\": 'it''s'\n",
            "\"flag\": yes\n",
            "\"hex\": 0x10\n",
            "  - 1.50\n",
            "  - +5\n",
            "  - \"5\"\n",
            "    \"latency\": 20ms\n",
            "    \"bandwidth\": \"10Mbit/s\"\n",
            // The tag is not in the token: written as the text it reads as.
            "    \"jitter\": \"5\"\n",
            "\"description\": \"folded text\\n\"\n",
        ] {
            assert!(yaml.contains(line), "{line:?} in:\n{yaml}");
        }
        // Read again, the YAML gives the same tree.
        assert_eq!(Node::from_text(&yaml).unwrap(), tree);
    }

    #[test]
    fn command_line_text_reads_as_one_plain_value_or_not_at_all() {
        let value = |text: &str| Scalar::read(text).map(|s| s.value);
        assert_eq!(value("5"), Some(Value::from(5)));
        assert_eq!(value("-5"), Some(Value::from(-5)));
        assert_eq!(value("0.5"), Some(Value::from(0.5)));
        assert_eq!(value("true"), Some(Value::Bool(true)));
        assert_eq!(value("yes"), Some(Value::from("yes")));
        assert_eq!(value("60s"), Some(Value::from("60s")));
        assert_eq!(value("10Mbit/s"), Some(Value::from("10Mbit/s")));
        assert_eq!(value(".nan"), Some(Value::from(".nan")));
        assert_eq!(value("~"), Some(Value::Null));
        for text in [
            "\"5\"", "[1, 2]", "{a: 1}", "a: b", "*x", "5 # five", "- 5", "---",
        ] {
            assert_eq!(value(text), None, "{text}");
        }
    }
}
