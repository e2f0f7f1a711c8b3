//! The event streams a variant's channels receive: the workload's own events (`events`)
//! and the clients' published messages (`messages`). A variant of one transport receives
//! them all on it (the short form); a variant of several channels routes each stream to the
//! one channel that receives it (`transports[].channels[].receives`).
//!
//! Owns: the streams' names and numbers, and a channel's set of streams as a bit mask.
//! Does not own: which event belongs to which stream in a run (the event log's
//! [`super::Audiences`] keep it, as [`super::Audience::Stream`]) nor which client is
//! which channel (`transport::channels`).

/// A stream's number: its bit in a [`StreamMask`].
pub type StreamId = u8;

/// A set of streams, one bit per [`StreamId`].
pub type StreamMask = u8;

/// The workload's events (`workload.events`, or a trace).
pub const EVENTS: StreamId = 0;
/// The clients' messages the server publishes to every client
/// (`workload.messages.deliver_to: all`).
pub const MESSAGES: StreamId = 1;

/// The streams' names as a scenario writes them, by number.
pub const NAMES: [&str; 2] = ["events", "messages"];

/// Every stream.
pub const ALL: StreamMask = (1 << NAMES.len()) - 1;

/// The stream of this name.
pub fn by_name(name: &str) -> Option<StreamId> {
    NAMES.iter().position(|n| *n == name).map(|i| i as StreamId)
}

/// The mask holding stream `s` alone.
#[inline]
pub const fn bit(s: StreamId) -> StreamMask {
    1 << s
}

/// The names of the streams in `mask`, in stream order.
pub fn names(mask: StreamMask) -> Vec<&'static str> {
    (0..NAMES.len())
        .filter(|s| mask & bit(*s as StreamId) != 0)
        .map(|s| NAMES[s])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_masks_agree() {
        assert_eq!(by_name("events"), Some(EVENTS));
        assert_eq!(by_name("messages"), Some(MESSAGES));
        assert_eq!(by_name("presence"), None);
        assert_eq!(names(ALL), vec!["events", "messages"]);
        assert_eq!(names(bit(MESSAGES)), vec!["messages"]);
        assert!(names(0).is_empty());
    }
}
