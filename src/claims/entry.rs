//! The checks every entry of a documents-and-entries file gets: the claims file's claims
//! and the atlas file's use cases each carry a kebab-case id, unique in its file, and name
//! at least one of the file's documents, each of them known.
//!
//! Owns: those checks and their messages. Does not own: the files' formats ([`super`],
//! [`crate::atlas`]) nor what an entry says beyond its id and documents.

use std::collections::{BTreeMap, BTreeSet};

use super::Document;
use crate::scenario::ScenarioError;

/// Checks entry `i` of the list `list` (`claims`, `use_cases`): its `id` is lowercase
/// letters, digits and dashes and not in `seen` (added to it), and `named`, the entry's
/// field `field` (`sources`, `named_by`), names at least one key of `documents`, every one
/// known. `error(field path, message)` locates a mistake.
pub(crate) fn check(
    (list, i): (&str, usize),
    id: &str,
    seen: &mut BTreeSet<String>,
    (field, named): (&str, &[String]),
    documents: &BTreeMap<String, Document>,
    error: &dyn Fn(&str, String) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let kebab = !id.is_empty()
        && id
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-');
    if !kebab {
        return Err(error(
            &format!("{list}[{i}].id"),
            format!("`{id}`: expected lowercase letters, digits and dashes"),
        ));
    }
    if !seen.insert(id.to_owned()) {
        return Err(error(
            &format!("{list}[{i}].id"),
            format!("`{id}` is used twice"),
        ));
    }
    if named.is_empty() {
        return Err(error(
            &format!("{list}[{i}].{field}"),
            "expected at least one document".into(),
        ));
    }
    for (k, key) in named.iter().enumerate() {
        if !documents.contains_key(key) {
            let known: Vec<&str> = documents.keys().map(String::as_str).collect();
            return Err(error(
                &format!("{list}[{i}].{field}[{k}]"),
                format!(
                    "unknown document `{key}`; expected one of: {}",
                    known.join(", ")
                ),
            ));
        }
    }
    Ok(())
}
