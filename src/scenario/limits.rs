//! The limits a scenario file must keep within, and how they are said when exceeded.
//!
//! A scenario is a few kilobytes of YAML (the largest example is under 3 KB). The limits
//! stop a mistaken or hostile input (a log file, `/dev/zero`, an alias bomb, thousands of
//! nested brackets) before it costs time, memory or stack, and each is reported in words
//! with its value, at the place where it was exceeded ("nested more than 64 levels deep;
//! the limit is 64"), never as the parser's debug output. Both YAML passes (the untyped
//! one of [`super::locate`] and the typed one) read with [`options`], so both stop at the
//! same limits. The table of `docs/limits.md` is written from this file ([`super::doc_tables`]).
//!
//! The bounds on the values a scenario gives (sizes, counts, rates, durations, topics and
//! subscriptions) are in [`super::bounds`]; the most clients, replicas, tabs and events per
//! run in [`super::validate`].

use serde_saphyr::budget::BudgetBreach;

/// Size of a scenario file, checked before it is read into memory.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Size of a trace file (`workload.events.trace`), checked before it is read: 64 MiB holds
/// several million rows (a row is 10 to 30 bytes), more than the events a run may create
/// ([`super::validate::MAX_EVENTS_PER_RUN`]) at the sizes traces are exported at; a larger
/// file is most likely not a trace.
pub const MAX_TRACE_BYTES: u64 = 64 * 1024 * 1024;
/// Mappings and lists inside each other, the top-level mapping included (serde's
/// recursion, and so the stack, grows with it).
pub const MAX_DEPTH: usize = 64;
/// YAML nodes: mappings, lists and single values, as written (not expanded from aliases).
pub const MAX_NODES: usize = 250_000;
/// Parser events: every node, and the end of every mapping and list.
pub const MAX_EVENTS: usize = 1_000_000;
/// Aliases (`*name`) written in the file.
pub const MAX_ALIASES: usize = 50_000;
/// Anchors (`&name`) written in the file.
pub const MAX_ANCHORS: usize = 50_000;
/// Merge keys (`<<`) written in the file.
pub const MAX_MERGE_KEYS: usize = 10_000;
/// Bytes of all the values together (text of every scalar and tag).
pub const MAX_SCALAR_BYTES: usize = 16 * 1024 * 1024;
/// Nodes that aliases expand to, over the whole file (what an alias bomb inflates).
pub const MAX_ALIAS_EXPANSION: usize = 1_000_000;
/// Aliases whose anchors hold further aliases, inside each other.
pub const MAX_ALIAS_NESTING: usize = 64;
/// Aliases per anchor, on average, once a file has at least [`ALIAS_RATIO_FROM`] aliases.
pub const MAX_ALIASES_PER_ANCHOR: usize = 10;
/// The number of aliases from which [`MAX_ALIASES_PER_ANCHOR`] applies.
pub const ALIAS_RATIO_FROM: usize = 100;

/// How serde-saphyr reads a scenario: the budgets above; a `.nan` or `.inf` where the type
/// is open (a unit, a sweep value) is passed on as its text, so that the field it was
/// written for says it must be finite; comments are skipped, not kept.
pub fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_nodes: MAX_NODES,
            max_events: MAX_EVENTS,
            max_aliases: MAX_ALIASES,
            max_anchors: MAX_ANCHORS,
            max_merge_keys: MAX_MERGE_KEYS,
            max_total_scalar_bytes: MAX_SCALAR_BYTES,
            enforce_alias_anchor_ratio: true,
            alias_anchor_min_aliases: ALIAS_RATIO_FROM,
            alias_anchor_ratio_multiplier: MAX_ALIASES_PER_ANCHOR,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_ALIAS_EXPANSION,
            max_replay_stack_depth: MAX_ALIAS_NESTING,
        },
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::AsString,
        emit_comments: false,
    }
}

/// What a parser budget breach means, in words, with the limit and its value.
pub(crate) fn budget_exceeded(breach: &BudgetBreach) -> String {
    match breach {
        BudgetBreach::Depth { .. } => format!(
            "the YAML is nested more than {MAX_DEPTH} levels deep here (mappings and lists inside each other, the top-level mapping included); the limit is {MAX_DEPTH} levels"
        ),
        BudgetBreach::Nodes { .. } => format!(
            "the file holds more than {MAX_NODES} YAML nodes (mappings, lists and values); the limit is {MAX_NODES} nodes"
        ),
        BudgetBreach::Events { .. } => format!(
            "the file holds more than {MAX_EVENTS} YAML parser events (each value, and each start and end of a mapping or list, is one); the limit is {MAX_EVENTS}"
        ),
        BudgetBreach::Aliases { .. } => format!(
            "the file holds more than {MAX_ALIASES} aliases (`*name`); the limit is {MAX_ALIASES} aliases"
        ),
        BudgetBreach::Anchors { .. } => format!(
            "the file holds more than {MAX_ANCHORS} anchors (`&name`); the limit is {MAX_ANCHORS} anchors"
        ),
        BudgetBreach::MergeKeys { .. } => format!(
            "the file holds more than {MAX_MERGE_KEYS} merge keys (`<<`); the limit is {MAX_MERGE_KEYS} merge keys"
        ),
        BudgetBreach::ScalarBytes { .. } => format!(
            "the values in the file add up to more than {} of text; the limit is {}",
            mebibytes(MAX_SCALAR_BYTES as u64),
            mebibytes(MAX_SCALAR_BYTES as u64)
        ),
        BudgetBreach::AliasAnchorRatio { aliases, anchors } => format!(
            "the file uses {aliases} aliases (`*name`) for {anchors} anchors (`&name`); from {ALIAS_RATIO_FROM} aliases on, the limit is {MAX_ALIASES_PER_ANCHOR} aliases per anchor (what an alias bomb exceeds)"
        ),
        BudgetBreach::RecordedAnchorEvents { .. } | BudgetBreach::RecordedAnchorBytes { .. } => {
            "the anchors (`&name`) hold more than the YAML parser keeps for aliases (1000000 values or 64 MiB); the limit guards against alias bombs".to_string()
        }
        BudgetBreach::Documents { .. } => {
            "the file holds too many YAML documents (`---` lines); a scenario is one document"
                .to_string()
        }
        BudgetBreach::SequenceUnbalanced => {
            "malformed YAML: a mapping or list ends that was never started".to_string()
        }
        other => format!("the YAML exceeds a parser limit ({other:?})"),
    }
}

/// What an alias-expansion limit means, in words; `None` for other errors.
pub(crate) fn alias_limit_exceeded(error: &serde_saphyr::Error) -> Option<String> {
    match error {
        serde_saphyr::Error::AliasReplayLimitExceeded { .. } => Some(format!(
            "aliases (`*name`) expand to more than {MAX_ALIAS_EXPANSION} YAML nodes in all; the limit is {MAX_ALIAS_EXPANSION} (what an alias bomb exceeds)"
        )),
        serde_saphyr::Error::AliasReplayStackDepthExceeded { .. } => Some(format!(
            "aliases (`*name`) are nested in the anchors they name more than {MAX_ALIAS_NESTING} levels deep; the limit is {MAX_ALIAS_NESTING} levels"
        )),
        serde_saphyr::Error::AliasExpansionLimitExceeded {
            max_expansions_per_anchor,
            ..
        } => Some(format!(
            "an anchor (`&name`) is expanded by aliases more than {max_expansions_per_anchor} times; the limit is {max_expansions_per_anchor}"
        )),
        _ => None,
    }
}

/// `16 MiB`, or the exact bytes when not a whole number of mebibytes.
pub(crate) fn mebibytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}
