//! The workload as a run is given it: the event source, payload sizes and encoding, the
//! clients' messages, the audiences and a replayed trace's rows, with the bound and the
//! defaults that belong to them. The scenario reads them from YAML (`scenario::workload`,
//! `scenario::trace`); this module says what they are.

use serde::Serialize;

use crate::time::Nanos;

/// The largest payload of an event or a message, 1 GiB: the scenario refuses larger ones
/// (`scenario::bounds` gives the reasons), and a drawn size is cut here, so that no size
/// is one the byte counts cannot hold.
pub const MAX_PAYLOAD_BYTES: u64 = 1 << 30;

/// Protobuf size against the JSON text of the same event: 22-37 % in N. Larsgård's
/// comparison ("Comparing sizes of protobuf vs json", a record with a string and numbers);
/// field names are gone and numbers are varints. 35 % is used.
pub const PROTOBUF_FACTOR_PERCENT: u64 = 35;

/// A message of `json` bytes of JSON as protobuf: [`PROTOBUF_FACTOR_PERCENT`] of it,
/// rounded up, at least 1 byte.
pub fn protobuf_size(json: u64) -> u64 {
    (json * PROTOBUF_FACTOR_PERCENT).div_ceil(100).max(1)
}
/// Exponent of the topics' Zipf popularity: Breslau et al., "Web Caching and Zipf-like
/// Distributions" (INFOCOM 1999), measured 0.64 to 0.83 for web requests.
pub const DEFAULT_TOPIC_ZIPF: f64 = 0.8;

/// What the server sends and the clients send, and to whom.
#[derive(Debug, Clone, Serialize)]
pub struct WorkloadSpec {
    pub source: EventSource,
    pub encoding: Encoding,
    /// Mean events per second (during bursts, for a bursty source).
    pub rate_per_second: f64,
    pub payload: PayloadSpec,
    /// The event as a protobuf message (gRPC), when the scenario fixes it; otherwise
    /// [`PROTOBUF_FACTOR_PERCENT`] of each event's payload.
    pub protobuf_size: Option<u64>,
    /// The replayed trace, with `EventSource::Trace`.
    pub trace: Option<Trace>,
    /// What the clients send, in a two-way workload.
    pub messages: Option<MessageSpec>,
    /// Who receives each event.
    pub audience: AudienceSpec,
    /// The names of the workload's event streams by number: `events` for
    /// `workload.events`, the names of `workload.streams` in sorted order, none without
    /// events. The first stream's source is the fields above; each further one's is in
    /// `more_streams`.
    #[serde(skip)]
    pub stream_names: crate::workload::streams::StreamNames,
    /// The sources of the streams after the first, in stream order.
    #[serde(skip)]
    pub more_streams: Vec<StreamSource>,
    /// The scenario names its streams (`workload.streams`): a connection that receives
    /// several tags each event with its stream's name ([`crate::workload::streams::Tags`]).
    #[serde(skip)]
    pub named_streams: bool,
}

/// One workload stream's own source: when its events happen and how large they are.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamSource {
    pub source: EventSource,
    /// Mean events per second (during bursts, for a bursty source).
    pub rate_per_second: f64,
    pub payload: PayloadSpec,
    /// The replayed trace, with `EventSource::Trace`.
    pub trace: Option<Trace>,
}

impl WorkloadSpec {
    /// Every workload stream's source, by stream number.
    pub fn sources(&self) -> Vec<StreamSource> {
        if self.source == EventSource::None {
            return Vec::new();
        }
        let first = StreamSource {
            source: self.source,
            rate_per_second: self.rate_per_second,
            payload: self.payload,
            trace: self.trace.clone(),
        };
        std::iter::once(first)
            .chain(self.more_streams.iter().cloned())
            .collect()
    }

    /// Some event of the workload may be of zero bytes (a fixed `0B` payload, or a uniform
    /// one from `0B`): the transports must carry an empty message.
    pub fn may_send_empty_events(&self) -> bool {
        let empty = |p: &PayloadSpec| {
            matches!(
                p,
                PayloadSpec::Fixed(0) | PayloadSpec::Uniform { min: 0, .. }
            )
        };
        empty(&self.payload) || self.more_streams.iter().any(|s| empty(&s.payload))
    }

    /// The streams a run has: the workload's, and the messages when they are published.
    pub fn present_streams(&self) -> crate::workload::streams::StreamMask {
        use crate::workload::streams::{MESSAGES, bit};
        let workload = match self.source {
            EventSource::None => 0,
            _ => ((1u16 << self.stream_names.workload().len()) - 1) as u8,
        };
        workload
            | if self.messages.is_some_and(|m| m.broadcast) {
                bit(MESSAGES)
            } else {
                0
            }
    }
}

/// Who receives the workload's events.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AudienceSpec {
    All,
    /// Each event to one client, drawn uniformly.
    User,
    /// Each event to the subscribers of its topic (drawn uniformly); each client subscribes
    /// to `subscriptions` distinct topics drawn by a Zipf law of `exponent` (default
    /// [`DEFAULT_TOPIC_ZIPF`]).
    Topics {
        topics: u32,
        subscriptions: u32,
        exponent: f64,
    },
}

/// Client-to-server messages (a chat, an editor, a game).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MessageSpec {
    /// Mean messages per client per second (Poisson).
    pub rate_per_second: f64,
    pub payload: PayloadSpec,
    /// The server forwards each message to every client as an event; `false`: uploads only.
    pub broadcast: bool,
}

/// Event payload sizes.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadSpec {
    Fixed(u64),
    /// Uniform in [min, max] bytes.
    Uniform {
        min: u64,
        max: u64,
    },
    /// Log-normal with this median and log standard deviation.
    LogNormal {
        median: u64,
        sigma: f64,
    },
    /// Each event's size is its trace row's.
    FromTrace,
}

/// How event payloads are encoded by the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// JSON text: carried as is by every transport.
    Json,
    /// Binary: base64 on text-only transports, binary frames on WebSocket.
    Binary,
}

/// When the server's events happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventSource {
    Poisson,
    Periodic,
    /// Poisson during `on`, nothing during `off`, from time 0.
    Bursty {
        on: Nanos,
        off: Nanos,
    },
    /// The rows of a trace file (`WorkloadSpec::trace`).
    Trace,
    /// No server-originated events: the clients' messages are the only ones.
    None,
}

/// Who a trace row's event is for, as the scenario gives it: a user by its client index,
/// a topic by its index (plain numbers, as the scenario's data keeps them; the run's
/// [`Audience`](super::Audience) holds them as a `ClientId` and a `TopicId`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TraceAudience {
    All,
    User(u32),
    Topic(u32),
}

/// The events of a trace that fall within the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// The file, as given.
    pub file: String,
    /// (time, payload bytes), in time order.
    pub events: Vec<(Nanos, u64)>,
    /// Each event's audience.
    pub audiences: Vec<TraceAudience>,
    /// Rows after the end of the run, left out.
    pub beyond_end: usize,
}
