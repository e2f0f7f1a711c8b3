//! Upper bounds on every size, count, rate and duration a scenario gives, so that the
//! simulator's integer arithmetic (nanoseconds and bytes in `u64`) cannot wrap and a run's
//! memory stays within reach. Each bound is reported at the value that exceeds it, with its
//! field path and its value ("is 16 EiB; the limit is 1 GiB"); the table of
//! `docs/limits.md` is written from this file ([`super::doc_tables`]), each with its reason.
//!
//! The bounds hold the arithmetic as follows. Times are `u64` nanoseconds (584 years):
//! every duration is at most [`MAX_DURATION`] (7 days, 2^49.1 ns), so a sum of a few of
//! them, or one times a retry factor, stays far below 2^64. Byte counts are `u64`: every
//! size is at most [`MAX_PAYLOAD_BYTES`] (2^30), so a sum wraps only after 2^34 messages of
//! the largest size, more than a run of [`super::validate::MAX_EVENTS_PER_RUN`] events
//! creates; and the expected payload bytes a run delivers (events × mean payload ×
//! receivers, see [`MAX_PAYLOAD_BYTES_PER_RUN`]) are checked against 2^60 before it starts.
//!
//! The walk is generic: it goes over the scenario's value tree (`tree.rs`, the file
//! with its overrides, values with units as their text, `300B`, `20ms`), and every value is
//! checked by its kind (a size, a duration, a bandwidth, an integer where the JSON Schema
//! says the field takes one) and its field name, so a field added to the format is bounded
//! without being listed here.

use serde_json::Value;

use super::checker::Checker;
use super::error::ScenarioError;
use super::schema::{Cursor, Kinds};
use super::tree::Node;
use crate::units::{Bandwidth, ByteSize, Duration, Rate};

/// Replications of a scenario (`replications`, `--replications`): Student's t quantile is
/// tabled up to 1000 degrees of freedom ([`crate::metrics::interval`]), and a thousand
/// runs of every variant is already far more than a confidence interval needs (its width
/// falls as 1/√R).
pub const MAX_REPLICATIONS: u32 = 1000;

/// Any duration (the run's, a timeout, a delay, an interval): 7 days. A week covers the
/// longest question asked of a feed (a weekly cycle), and 7 days of nanoseconds (6.0e14,
/// 2^49.1) leave 2^14 of headroom for the sums and backoff products of the simulator.
pub const MAX_DURATION: u64 = 7 * 24 * 3600 * 1_000_000_000;
/// An event's or a message's payload, and every size outside the ones below (buffers,
/// memory per connection, a Protobuf size, a gRPC request, a webhook response): 1 GiB.
/// Larger than any HTTP message a browser or server accepts by default (nginx
/// `client_max_body_size` 1 MiB, a WebSocket frame in browsers, gRPC's 4 MiB message limit);
/// 2^30 bytes leave 2^34 messages of headroom in a `u64` byte count.
pub use crate::workload::MAX_PAYLOAD_BYTES;
/// A header block (HTTP request and response headers, TLS hellos, a WebSocket upgrade):
/// 1 MiB, 16 times the largest header section servers accept (nginx 4 × 8 KiB, Node.js
/// 16 KiB, Apache 8 KiB per line).
pub const MAX_HEADER_BYTES: u64 = 1 << 20;
/// TCP maximum segment size: 65495 B, the largest IPv4 datagram (65535 B) less the IPv4 and
/// TCP headers without options (20 B each).
pub const MAX_MSS_BYTES: u64 = 65_495;
/// Bytes of IP and TCP headers per segment, and of a SYN segment: 256 B, more than IPv6
/// (40 B) plus the longest TCP header (60 B, options included) plus link framing.
pub const MAX_TCP_HEADER_BYTES: u64 = 256;
/// HTTP/2 flow-control window: 2^31 − 1 bytes, the largest window RFC 9113 (§6.9.1) allows.
pub const MAX_HTTP2_WINDOW_BYTES: u64 = (1 << 31) - 1;
/// A link's bandwidth: 1 Tbit/s, above the fastest Ethernet standard (800 Gbit/s).
pub const MAX_BANDWIDTH_BITS_PER_SECOND: u64 = 1_000_000_000_000;
/// Any other count (server connections, proxy and receiver capacities, replay buffers,
/// REST history, fallback thresholds, health-check thresholds): 10 million, the most
/// clients a scenario holds ([`super::validate::MAX_CLIENTS`]).
pub const MAX_COUNT: u64 = 10_000_000;
/// Topics of `workload.events.audience`: a million. The run keeps a list per topic (24
/// bytes each, so 24 MB), and a Zipf law over a million topics already gives the last one
/// a weight of 1/14 of a millionth of the first's at exponent 1.
pub const MAX_TOPICS: u32 = 1_000_000;
/// Topics each client subscribes to: 10 000, more than any feed lets a user follow (X
/// allows following 5000 accounts). Drawing them costs O(log topics) each.
pub const MAX_SUBSCRIPTIONS_PER_CLIENT: u32 = 10_000;
/// Subscriptions of all clients together (clients × subscriptions, each client counted
/// once per tab): 5 million (a million clients following 5 topics each), 20 MB of topic
/// numbers, drawn in about 4 s of CPU at worst (10 000 each of a million topics: the
/// weight tree does not fit in cache). Each event's delivery also looks up the receiving
/// clients' subscriptions, so this bounds a run's audience work too.
pub const MAX_SUBSCRIPTIONS: u64 = 5_000_000;
/// Webhook delivery attempts per event (`retry.attempts`) and entries of a `retry.schedule`:
/// 1000, ten times the default (100, about three days of exponential backoff capped at 1h).
pub const MAX_RETRY_ATTEMPTS: u64 = 1000;
/// A webhook backoff `factor`: 1000 (each delay is the previous times it, capped by `max`;
/// real senders use 2).
pub const MAX_RETRY_FACTOR: u64 = 1000;
/// Expected payload bytes a run delivers, over all clients (events × mean payload × the
/// clients that receive them, plus client messages likewise): 2^60 (1 EiB), 16 times below
/// the `u64` limit, so that byte totals keep headroom for headers and retransmissions.
pub const MAX_PAYLOAD_BYTES_PER_RUN: f64 = (1u64 << 60) as f64;

/// Subtrees that hold no scenario quantities of their own: sweep axes (each point is
/// checked once its values are applied), assertions and chart requests (text), and paths
/// (node names).
const SKIPPED: &[&str] = &["sweep", "assert", "charts", "topology.paths"];
/// Text fields whose value may look like a quantity (a label `5s`) without being one.
const TEXT_FIELDS: &[&str] = &["name", "description", "label", "trace", "link", "via"];
/// Integers with no bound here: the seed takes any `u64`; `layer` is 4 or 7; a group's
/// `count` is bounded with the others' (`validate::MAX_CLIENTS` clients in all).
const UNBOUNDED_INTEGERS: &[&str] = &["seed", "layer", "count"];

/// Checks every value of the scenario `tree` against its bound; the first value above one
/// is the error.
pub(crate) fn check(tree: &Node, c: &Checker) -> Result<(), ScenarioError> {
    walk(tree, &Cursor::root(), "", "", c)
}

fn walk(
    node: &Node,
    schema: &Cursor,
    path: &str,
    key: &str,
    c: &Checker,
) -> Result<(), ScenarioError> {
    if SKIPPED.contains(&path) {
        return Ok(());
    }
    match node {
        Node::Map(fields) => {
            for (name, field) in fields {
                let inner = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                walk(field, &schema.field(name), &inner, name, c)?;
            }
            Ok(())
        }
        Node::List(items) => {
            if key == "schedule" && items.len() as u64 > MAX_RETRY_ATTEMPTS {
                return Err(c.error(
                    path,
                    format!(
                        "lists {} delays; the limit is {MAX_RETRY_ATTEMPTS} (attempts per event)",
                        items.len()
                    ),
                ));
            }
            let item = schema.item();
            for (index, value) in items.iter().enumerate() {
                walk(value, &item, &format!("{path}[{index}]"), key, c)?;
            }
            Ok(())
        }
        // A text field may hold what looks like a quantity or a number (a label `5s`).
        Node::Scalar(_) if TEXT_FIELDS.contains(&key) => Ok(()),
        Node::Scalar(scalar) => match &scalar.value {
            // Only where the field takes an integer: a float field (`sigma: 2`) is no count.
            Value::Number(number) if schema.kinds().contains(Kinds::INTEGER) => {
                match number.as_u64() {
                    Some(n) if !UNBOUNDED_INTEGERS.contains(&key) => integer(n, path, key, c),
                    _ => Ok(()),
                }
            }
            Value::String(text) => quantity(text, path, key, c),
            _ => Ok(()),
        },
    }
}

/// An integer field: a count.
fn integer(n: u64, path: &str, key: &str, c: &Checker) -> Result<(), ScenarioError> {
    let (limit, what) = match key {
        "topics" => (u64::from(MAX_TOPICS), "topics"),
        "subscriptions" => (
            u64::from(MAX_SUBSCRIPTIONS_PER_CLIENT),
            "subscriptions per client",
        ),
        "attempts" => (MAX_RETRY_ATTEMPTS, "attempts per event"),
        "factor" => (MAX_RETRY_FACTOR, "as a backoff factor"),
        _ => (MAX_COUNT, "as a count"),
    };
    if n > limit {
        return Err(c.error(path, format!("is {n}; the limit is {limit} {what}")));
    }
    Ok(())
}

/// A text field: checked when it is a size, a duration, a rate or a bandwidth (a name or
/// a choice such as `deny` is none of them).
fn quantity(text: &str, path: &str, key: &str, c: &Checker) -> Result<(), ScenarioError> {
    if let Ok(size) = text.parse::<ByteSize>() {
        let (limit, what) = size_limit(path, key);
        if size.0 > limit {
            return Err(c.error(
                path,
                format!(
                    "is {size} ({} B); the limit is {} for {what}",
                    size.0,
                    bytes(limit)
                ),
            ));
        }
    } else if let Ok(duration) = text.parse::<Duration>() {
        if duration.as_nanos() > MAX_DURATION {
            return Err(c.error(
                path,
                format!(
                    "is {duration}; the limit is {} (7 days) for any duration",
                    Duration(MAX_DURATION)
                ),
            ));
        }
    } else if text.parse::<Rate>().is_ok() {
        // A rate is bounded by what it makes over the run: the events and messages per run
        // (`validate::MAX_EVENTS_PER_RUN`), checked with the duration and the clients.
    } else if let Ok(bandwidth) = text.parse::<Bandwidth>()
        && bandwidth.bits_per_second() > MAX_BANDWIDTH_BITS_PER_SECOND
    {
        return Err(c.error(
            path,
            format!("is {bandwidth}; the limit is 1Tbit/s for a link"),
        ));
    }
    Ok(())
}

/// The bound of a size field, and what it is in words.
fn size_limit(path: &str, key: &str) -> (u64, &'static str) {
    match key {
        "mss" => (MAX_MSS_BYTES, "a TCP segment"),
        "header" | "syn" if path.starts_with("tcp.") => {
            (MAX_TCP_HEADER_BYTES, "the headers of a TCP segment")
        }
        "window" => (MAX_HTTP2_WINDOW_BYTES, "an HTTP/2 window (RFC 9113)"),
        _ if key.ends_with("headers") || key.ends_with("hello") || key.starts_with("upgrade_") => {
            (MAX_HEADER_BYTES, "a header block")
        }
        _ if path.contains("payload") => (MAX_PAYLOAD_BYTES, "a payload"),
        _ => (MAX_PAYLOAD_BYTES, "any size"),
    }
}

/// `1 GiB`, `64 KiB`, or the bytes when not a whole number of KiB.
fn bytes(n: u64) -> String {
    match n {
        _ if n >= 1 << 30 && n.is_multiple_of(1 << 30) => format!("{} GiB", n >> 30),
        _ if n >= 1 << 20 && n.is_multiple_of(1 << 20) => format!("{} MiB", n >> 20),
        _ => format!("{n} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bound_is_far_from_wrapping() {
        // A sum of 2^14 of the longest durations, or 2^34 of the largest messages, fits.
        assert!(MAX_DURATION.checked_mul(1 << 14).is_some());
        assert!(MAX_PAYLOAD_BYTES.checked_mul(1 << 33).is_some());
        assert!(MAX_PAYLOAD_BYTES_PER_RUN * 16.0 <= u64::MAX as f64 + 1.0);
        assert!(MAX_SUBSCRIPTIONS <= u64::from(MAX_TOPICS) * 100);
        assert_eq!(bytes(MAX_PAYLOAD_BYTES), "1 GiB");
        assert_eq!(bytes(MAX_HTTP2_WINDOW_BYTES), "2147483647 B");
    }
}
