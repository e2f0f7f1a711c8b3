//! The event streams a variant's channels receive: the workload's own streams (`events` in
//! the short form, or the streams named under `workload.streams`) and the clients' published
//! messages (`messages`). A variant of one transport receives them all on it; a variant of
//! several channels routes each stream to the one channel that receives it
//! (`transports[].channels[].receives`).
//!
//! When a scenario names its streams (`workload.streams`), a connection that receives two
//! or more of them tells them apart on the wire: each SSE event carries an `event: <name>`
//! line and each WebSocket event an application envelope naming the stream ([`Tags`]).
//! The short form (`workload.events`) names nothing and adds nothing, as before.
//!
//! Owns: the streams' names and numbers, a channel's set of streams as a bit mask, and
//! which event is of which stream and which clients' events are tagged with its name. Does
//! not own: which client receives which event (the event log's [`super::Audiences`] keep
//! it, as [`super::Audience::Stream`]) nor which client is which channel
//! (`transport::channels`).

/// A stream's number: its bit in a [`StreamMask`]. The workload's streams are numbered
/// from 0 in the order of their names (`workload.streams` is a map, read sorted); the
/// clients' messages are [`MESSAGES`].
pub type StreamId = u8;

/// A set of streams, one bit per [`StreamId`].
pub type StreamMask = u8;

/// The short form's one stream, `events` (`workload.events`, or a trace).
pub const EVENTS: StreamId = 0;
/// The clients' messages the server publishes to every client
/// (`workload.messages.deliver_to: all`): the last bit, after every workload stream.
pub const MESSAGES: StreamId = 7;
/// The name of [`MESSAGES`], which no workload stream may take.
pub const MESSAGES_NAME: &str = "messages";
/// The most streams a workload may name: every bit of a mask but the messages'.
pub const MAX_WORKLOAD_STREAMS: usize = MESSAGES as usize;

/// Every stream.
pub const ALL: StreamMask = StreamMask::MAX;

/// The mask holding stream `s` alone.
#[inline]
pub const fn bit(s: StreamId) -> StreamMask {
    1 << s
}

/// The names of a scenario's streams: its workload streams by number, then `messages`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StreamNames {
    workload: Vec<String>,
}

impl StreamNames {
    /// The names of the workload's streams, by number (at most [`MAX_WORKLOAD_STREAMS`]).
    pub fn new(workload: Vec<String>) -> Self {
        assert!(
            workload.len() <= MAX_WORKLOAD_STREAMS,
            "checked by the scenario"
        );
        StreamNames { workload }
    }

    /// The short form's: one stream, `events`.
    pub fn short() -> Self {
        StreamNames::new(vec!["events".to_string()])
    }

    /// The workload's streams' names, by number.
    pub fn workload(&self) -> &[String] {
        &self.workload
    }

    /// The stream of this name.
    pub fn by_name(&self, name: &str) -> Option<StreamId> {
        if name == MESSAGES_NAME {
            return Some(MESSAGES);
        }
        self.workload
            .iter()
            .position(|n| n == name)
            .map(|i| i as StreamId)
    }

    /// Stream `s`'s name.
    pub fn name(&self, s: StreamId) -> &str {
        if s == MESSAGES {
            MESSAGES_NAME
        } else {
            &self.workload[usize::from(s)]
        }
    }

    /// The names of the streams in `mask`, in stream order.
    pub fn names(&self, mask: StreamMask) -> Vec<&str> {
        (0..=MESSAGES)
            .filter(|s| mask & bit(*s) != 0)
            .filter(|s| *s == MESSAGES || usize::from(*s) < self.workload.len())
            .map(|s| self.name(s))
            .collect()
    }

    /// Every name a channel may receive, for an error message.
    pub fn listed(&self) -> String {
        let mut all: Vec<&str> = self.workload.iter().map(String::as_str).collect();
        all.push(MESSAGES_NAME);
        all.join(", ")
    }
}

/// Which stream each event of a run is of, and whose events carry their stream's name:
/// those of a client that receives two or more streams, in a scenario that names its
/// streams. The bytes of the name are the transports' ([`Tags::name_len_for`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tags {
    /// Per event number, its stream.
    of_event: Vec<StreamId>,
    /// Per stream number, the bytes of its name.
    name_len: [u64; MESSAGES as usize + 1],
    /// Whose events are tagged.
    tagged: Tagged,
}

/// Whose events are tagged: every client's (one transport receiving several streams), or
/// client by client (channels).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Tagged {
    All(bool),
    Clients(Vec<bool>),
}

impl Tags {
    /// The tags of a run whose streams are `names` and of which `present` exist (the
    /// workload's, and the messages when published), before any event, with every client
    /// receiving every stream.
    pub fn new(names: &StreamNames, present: StreamMask) -> Self {
        let mut name_len = [0; MESSAGES as usize + 1];
        for (s, len) in name_len.iter_mut().enumerate() {
            if s == usize::from(MESSAGES) || s < names.workload.len() {
                *len = names.name(s as StreamId).len() as u64;
            }
        }
        Tags {
            of_event: Vec::new(),
            name_len,
            tagged: Tagged::All(present.count_ones() >= 2),
        }
    }

    /// The same streams, each client (channel) receiving its `receives` of the `present`.
    pub fn routed(&self, receives: &[StreamMask], present: StreamMask) -> Self {
        Tags {
            tagged: Tagged::Clients(
                receives
                    .iter()
                    .map(|m| (m & present).count_ones() >= 2)
                    .collect(),
            ),
            ..self.clone()
        }
    }

    /// The same streams and clients, no events yet.
    pub fn empty_like(&self) -> Self {
        Tags {
            of_event: Vec::new(),
            ..self.clone()
        }
    }

    /// Appends the next event's stream.
    pub fn push(&mut self, s: StreamId) {
        self.of_event.push(s);
    }

    /// Event `n`'s stream (by its number's index).
    #[inline]
    pub fn of(&self, n: usize) -> StreamId {
        self.of_event[n]
    }

    /// Every event's stream, by number.
    pub fn of_events(&self) -> &[StreamId] {
        &self.of_event
    }

    /// The bytes of event `n`'s stream name when client `c`'s events are tagged.
    #[inline]
    pub fn name_len_for(&self, n: usize, c: usize) -> Option<u64> {
        let tagged = match &self.tagged {
            Tagged::All(all) => *all,
            Tagged::Clients(clients) => clients.get(c).copied().unwrap_or(false),
        };
        tagged.then(|| self.name_len[usize::from(self.of_event[n])])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_masks_agree() {
        let names = StreamNames::new(vec!["presence".into(), "prices".into()]);
        assert_eq!(names.by_name("presence"), Some(0));
        assert_eq!(names.by_name("prices"), Some(1));
        assert_eq!(names.by_name("messages"), Some(MESSAGES));
        assert_eq!(names.by_name("events"), None);
        assert_eq!(names.names(ALL), vec!["presence", "prices", "messages"]);
        assert_eq!(names.names(bit(MESSAGES)), vec!["messages"]);
        assert!(names.names(0).is_empty());
        assert_eq!(names.listed(), "presence, prices, messages");
        assert_eq!(StreamNames::short().names(ALL), vec!["events", "messages"]);
    }

    /// Tagged: a client receiving two present streams; not one receiving one, nor any
    /// client when only one stream exists.
    #[test]
    fn only_clients_of_two_streams_or_more_are_tagged() {
        let names = StreamNames::new(vec!["presence".into(), "prices".into()]);
        let mut tags = Tags::new(&names, bit(0) | bit(1));
        tags.push(1);
        tags.push(0);
        assert_eq!(tags.name_len_for(0, 5), Some("prices".len() as u64));
        assert_eq!(tags.name_len_for(1, 5), Some("presence".len() as u64));
        let routed = tags.routed(&[bit(0), bit(0) | bit(1), bit(0) | bit(MESSAGES)], 0b11);
        assert_eq!(routed.name_len_for(0, 0), None);
        assert_eq!(routed.name_len_for(0, 1), Some(6));
        assert_eq!(
            routed.name_len_for(0, 2),
            None,
            "messages are not published"
        );
        let one = Tags::new(&names, bit(0));
        assert_eq!(
            one.routed(&[ALL], bit(0)).tagged,
            Tagged::Clients(vec![false])
        );
    }
}
