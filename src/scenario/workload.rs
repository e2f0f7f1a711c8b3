//! The workload section: when server events happen and how large they are
//! (`workload.events`), and what the clients send (`workload.messages`).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::bounds::{MAX_PAYLOAD_BYTES_PER_RUN, MAX_SUBSCRIPTIONS};
use super::checker::Checker;
use super::error::ScenarioError;
use super::raw::{RawScenario, either_shape};
use super::spec::{AudienceSpec, Encoding, EventSource, MessageSpec, PayloadSpec, WorkloadSpec};
use crate::time::Nanos;
use crate::units::{ByteSize, Duration, Rate};
use crate::workload::streams::{MAX_WORKLOAD_STREAMS, MESSAGES_NAME, StreamNames};
use crate::workload::{StreamSource, TraceAudience};

/// What the server has to deliver, and what the clients send.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawWorkload {
    /// Server-originated events (to every client): the short form of `streams`, one stream
    /// named `events`. Required unless `streams` or `messages` is given.
    pub events: Option<RawEvents>,
    /// Named event streams, instead of `events`: stream name → an event source with the
    /// fields of `events` (its own source, rate, payload; `audience` `all` with more than
    /// one stream, and the same `encoding` and `protobuf_size` in every stream). Each is
    /// received by one channel of a variant of several (`transports[].channels[].receives`)
    /// and all of them by a one-transport variant; a connection that receives two or more
    /// tells them apart on the wire (an SSE `event: <name>` line, a WebSocket envelope
    /// naming the stream). Names: letters, digits, `_` and `-`, not `messages` (the
    /// clients' published messages). 1 to 7 streams. Default: none.
    pub streams: Option<BTreeMap<String, RawEvents>>,
    /// Messages the clients send (a chat, an editor, a game): each reaches the server over
    /// the variant's connection (WebSocket, gRPC bidirectional or client streaming) or a
    /// REST request beside its stream (SSE, polling, long polling). Default: none.
    pub messages: Option<RawMessages>,
}

/// Client-to-server messages.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMessages {
    /// Mean messages each client (each tab) writes per unit time, e.g. `1/min`: a Poisson
    /// process from the client's start, the same messages for every variant (see Two-way
    /// workloads on the Transports page). Required, > 0.
    pub rate: Rate,
    /// Payload bytes per message (its JSON text): a size or a distribution, as for events.
    /// Required, >= 1B.
    pub payload: RawPayload,
    /// Who receives each message once the server has it: `all` (every client, the sender
    /// included, as a chat room echoes) or `none` (uploads only: telemetry). Default `all`.
    #[schemars(extend("enum" = ["all", "none", null]))]
    pub deliver_to: Option<String>,
}

/// An event source.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEvents {
    /// `poisson` (exponential gaps), `periodic` (fixed gaps), `bursty` (Poisson at `rate`
    /// for `on_time`, then silent for `off_time`, and again) or `trace` (the rows of
    /// `trace`). Required.
    #[schemars(extend("enum" = ["poisson", "periodic", "bursty", "trace"]))]
    pub source: String,
    /// `bursty`: how long each burst lasts (from time 0: on, off, on, ...), as ns-3's
    /// on/off source names it (`OnTime`). Formerly `on`, a key YAML 1.1 tools read as the
    /// boolean true. Required with it, > 0.
    pub on_time: Option<Duration>,
    /// `bursty`: the silence between bursts (ns-3's `OffTime`; formerly `off`). Required
    /// with it, > 0.
    pub off_time: Option<Duration>,
    /// The old names of `on_time` and `off_time`, still read so that scenarios written
    /// before the rename run, with a warning that names the new key. Left out of the
    /// schema: no key of the format is one YAML 1.1 tools read as a boolean.
    #[schemars(skip)]
    pub on: Option<Duration>,
    #[schemars(skip)]
    pub off: Option<Duration>,
    /// Mean events per unit time, e.g. `2/s`. Required, > 0 (except with a trace).
    pub rate: Option<Rate>,
    /// `trace`: the CSV file to replay, relative to the scenario, with the header
    /// `time,size,audience` and one event per row: `time` in seconds (`12.5`) or a duration
    /// (`12500ms`), non-decreasing; `size` in bytes (`300`) or a size (`1.5KB`); `audience`
    /// `all` or empty, `user:<n>` (client number n, from 0, in group order) or `topic:<n>`
    /// (topic n, from 0, of `audience`'s topics). `rate` and `payload` do not apply; rows
    /// after the run's end are left out with a warning; a bad row is an error naming the
    /// file and line. Required with `source: trace`.
    pub trace: Option<String>,
    /// Payload bytes per event (the JSON text of the event): a size (`300B`), or a
    /// distribution drawn per event: `{ uniform: [100B, 1KB] }` (inclusive) or `{
    /// lognormal: { median: 300B, sigma: 0.8 } }` (`sigma` the standard deviation of the
    /// logarithm, 0 to 5). Sizes come from their own random stream (`payload-size`), so
    /// every variant gets the same sizes and drawing them does not move the event times.
    /// Required, >= 1B (except with a trace, whose rows give the sizes).
    pub payload: Option<RawPayload>,
    /// Who receives each event: `all` (every client), `user` (one client, drawn uniformly
    /// per event: a personal notification; not with a trace, whose rows name their user) or
    /// topics: `{ topics: 50, subscriptions: 3, zipf: 0.8 }` (each event belongs to one
    /// topic, drawn uniformly, and goes to its subscribers; each client subscribes to
    /// `subscriptions` distinct topics drawn by a Zipf law of exponent `zipf`; see
    /// Audiences on the Workload page). With a trace, its rows may name `user:<n>` or
    /// `topic:<n>`. Default `all`.
    pub audience: Option<RawAudience>,
    /// `json` (text) or `binary`. Text-only transports carry binary payloads base64-encoded
    /// (RFC 4648, padded: 4 x ceil(P/3) characters): inside a quoted JSON string in polling
    /// and long-polling bodies, as the `data:` line of SSE; WebSocket sends binary frames.
    /// The inflation is counted as framing. Default `json`.
    #[schemars(extend("enum" = ["json", "binary", null]))]
    pub encoding: Option<String>,
    /// The event's size as a protobuf message, for gRPC; when given, the clients' messages
    /// on a gRPC stream take this size too. Default: `payload` x 0.35 (22–37 % of the JSON
    /// in N. Larsgård's comparison of protobuf and JSON sizes).
    pub protobuf_size: Option<ByteSize>,
}

/// An event's payload size: fixed, or drawn per event. (Read by hand rather than as an
/// untagged enum, so that a bad size keeps its own message: "missing unit", ...)
#[derive(Debug, Clone, schemars::JsonSchema)]
#[serde(untagged)]
pub enum RawPayload {
    /// Every event has this size.
    Fixed(ByteSize),
    /// Each event's size is drawn from a distribution.
    Distribution(RawPayloadDistribution),
}

impl<'de> Deserialize<'de> for RawPayload {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        either_shape(
            deserializer,
            serde_json::Value::is_object,
            RawPayload::Distribution,
            RawPayload::Fixed,
        )
    }
}

/// An audience: a name, or topics.
#[derive(Debug, Clone, schemars::JsonSchema)]
#[serde(untagged)]
pub enum RawAudience {
    /// `all` or `user`.
    Named(String),
    Topics(RawTopics),
}

impl<'de> Deserialize<'de> for RawAudience {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        either_shape(
            deserializer,
            serde_json::Value::is_object,
            RawAudience::Topics,
            RawAudience::Named,
        )
    }
}

/// Topics with a subscriber distribution.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTopics {
    /// Number of topics. Required, >= 1.
    pub topics: u32,
    /// Distinct topics each client subscribes to (at most `topics`). Default 1.
    pub subscriptions: Option<u32>,
    /// Exponent of the Zipf law of the topics' popularity among subscribers, 0 to 10: topic
    /// k (from 1) is chosen with weight 1/k^zipf; 0 spreads them evenly. Default 0.8
    /// (Breslau et al., "Web Caching and Zipf-like Distributions", INFOCOM 1999, measured
    /// 0.64 to 0.83 for web requests).
    pub zipf: Option<f64>,
}

/// Exactly one distribution.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPayloadDistribution {
    /// Uniform between the two sizes, inclusive.
    pub uniform: Option<[ByteSize; 2]>,
    /// Log-normal: `median` size and `sigma`, the standard deviation of its logarithm.
    pub lognormal: Option<RawLogNormal>,
}

/// A log-normal size distribution.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLogNormal {
    pub median: ByteSize,
    pub sigma: f64,
}

/// Most workload events a run may create (the event log holds each one's time).
pub const MAX_EVENTS_PER_RUN: u64 = 100_000_000;

/// Reads `workload`; `duration` bounds the number of events a run may create.
pub(crate) fn workload(
    raw: &RawScenario,
    duration: Nanos,
    clients: u64,
    c: &Checker,
) -> Result<WorkloadSpec, ScenarioError> {
    let messages = messages(raw, duration, clients, c)?;

    let mut spec = match (&raw.workload.events, &raw.workload.streams) {
        (Some(_), Some(_)) => {
            return Err(c.error(
                "workload.streams",
                "`events` is given too; write one stream as `events` or name every stream under `streams`",
            ));
        }
        (Some(events), None) => {
            events_workload(raw, events, "workload.events", duration, clients, c)?
        }
        (None, Some(streams)) => named_streams(raw, streams, duration, clients, c)?,
        (None, None) if messages.is_some() => WorkloadSpec {
            source: EventSource::None,
            encoding: Encoding::Json,
            rate_per_second: 0.0,
            payload: PayloadSpec::Fixed(1),
            protobuf_size: None,
            trace: None,
            messages: None,
            audience: AudienceSpec::All,
            stream_names: StreamNames::new(Vec::new()),
            more_streams: Vec::new(),
            named_streams: false,
        },
        (None, None) => {
            return Err(c.error(
                "workload",
                "missing `events` or `streams` (what the server sends); it may be left out only when `messages` (what the clients send) is given",
            ));
        }
    };
    spec.messages = messages;
    Ok(spec)
}

/// Reads `workload.streams`: each stream as `workload.events` is read, at its own path;
/// with more than one, every event for every client and one encoding for them all.
fn named_streams(
    raw: &RawScenario,
    streams: &BTreeMap<String, RawEvents>,
    duration: Nanos,
    clients: u64,
    c: &Checker,
) -> Result<WorkloadSpec, ScenarioError> {
    if streams.is_empty() || streams.len() > MAX_WORKLOAD_STREAMS {
        return Err(c.error(
            "workload.streams",
            format!("expected 1 to {MAX_WORKLOAD_STREAMS} streams"),
        ));
    }
    let mut specs: Vec<WorkloadSpec> = Vec::new();
    for (name, events) in streams {
        let at = format!("workload.streams.{name}");
        if name == MESSAGES_NAME {
            return Err(c.error(
                &at,
                "`messages` names the clients' published messages (`workload.messages`); give this stream another name",
            ));
        }
        if name.is_empty()
            || !name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
        {
            return Err(c.error(
                &at,
                "a stream's name is letters, digits, `_` and `-` (it is sent as the SSE event type)",
            ));
        }
        let spec = events_workload(raw, events, &at, duration, clients, c)?;
        if let Some(first) = specs.first() {
            for (field, same) in [
                ("encoding", spec.encoding == first.encoding),
                ("protobuf_size", spec.protobuf_size == first.protobuf_size),
            ] {
                if !same {
                    let first_name = streams.keys().next().expect("a first stream");
                    return Err(c.error(
                        &format!("{at}.{field}"),
                        format!("differs from the stream `{first_name}`'s; every stream of a run takes the same `{field}`"),
                    ));
                }
            }
        }
        specs.push(spec);
    }
    if specs.len() > 1 {
        let total: f64 = specs.iter().map(|s| s.rate_per_second).sum();
        if total * duration as f64 / 1e9 > MAX_EVENTS_PER_RUN as f64 {
            return Err(c.error(
                "workload.streams",
                format!("the streams together would create more than {MAX_EVENTS_PER_RUN} events in the run"),
            ));
        }
        for (name, spec) in streams.keys().zip(&specs) {
            let by_row = spec
                .trace
                .as_ref()
                .is_some_and(|t| t.audiences.iter().any(|a| *a != TraceAudience::All));
            if spec.audience != AudienceSpec::All || by_row {
                return Err(c.error(
                    &format!("workload.streams.{name}.audience"),
                    "with several streams every event is for every client: `audience` (and a trace's rows) must be `all`",
                ));
            }
        }
    }
    let mut specs = specs.into_iter();
    let mut first = specs.next().expect("at least one stream");
    first.more_streams = specs
        .map(|s| StreamSource {
            source: s.source,
            rate_per_second: s.rate_per_second,
            payload: s.payload,
            trace: s.trace,
        })
        .collect();
    first.stream_names = StreamNames::new(streams.keys().cloned().collect());
    first.named_streams = true;
    Ok(first)
}

/// Reads `workload.messages`: every client sends at the rate.
fn messages(
    raw: &RawScenario,
    duration: Nanos,
    clients: u64,
    c: &Checker,
) -> Result<Option<MessageSpec>, ScenarioError> {
    let Some(messages) = &raw.workload.messages else {
        return Ok(None);
    };
    if messages.rate.is_zero() {
        return Err(c.error("workload.messages.rate", "must be greater than 0"));
    }
    let rate_per_second = messages.rate.per_second();
    let expected = rate_per_second * clients as f64 * duration as f64 / 1e9;
    if expected > MAX_EVENTS_PER_RUN as f64 {
        return Err(c.error(
            "workload.messages.rate",
            format!(
                "would have the {clients} clients send about {expected:.0} messages in {}; at most {MAX_EVENTS_PER_RUN} per run",
                raw.duration
            ),
        ));
    }
    let broadcast = match messages.deliver_to.as_deref() {
        None | Some("all") => true,
        Some("none") => false,
        Some(other) => {
            return Err(c.error(
                "workload.messages.deliver_to",
                format!("unknown audience \"{other}\"; expected one of: all, none"),
            ));
        }
    };
    let field = "workload.messages.payload";
    let payload = payload(&messages.payload, field, c)?;
    // A broadcast message reaches every client.
    let receivers = if broadcast { clients.max(1) } else { 1 };
    payload_per_run(
        expected * mean_payload(&payload) * receivers as f64,
        field,
        c,
    )?;
    Ok(Some(MessageSpec {
        rate_per_second,
        payload,
        broadcast,
    }))
}

/// The mean of a payload distribution, in bytes.
fn mean_payload(payload: &PayloadSpec) -> f64 {
    match *payload {
        PayloadSpec::Fixed(bytes) => bytes as f64,
        PayloadSpec::Uniform { min, max } => (min as f64 + max as f64) / 2.0,
        PayloadSpec::LogNormal { median, sigma } => median as f64 * (sigma * sigma / 2.0).exp(),
        PayloadSpec::FromTrace => 0.0,
    }
}

/// Refuses a workload whose expected payload bytes over a run exceed
/// [`MAX_PAYLOAD_BYTES_PER_RUN`], which keeps the run's byte totals far from wrapping.
fn payload_per_run(expected_bytes: f64, field: &str, c: &Checker) -> Result<(), ScenarioError> {
    if expected_bytes > MAX_PAYLOAD_BYTES_PER_RUN {
        return Err(c.error(
            field,
            format!(
                "the run would deliver about {expected_bytes:.3e} payload bytes in all (events × mean payload × receiving clients); the limit is 2^60 (about {MAX_PAYLOAD_BYTES_PER_RUN:.3e}) per run"
            ),
        ));
    }
    Ok(())
}

impl RawEvents {
    /// The events with a value written under an old key name (`on`, `off`: renamed because
    /// YAML 1.1 tools read them as booleans) moved to its new one; both written is refused.
    fn renamed_keys_read(&self, at: &str, c: &Checker) -> Result<RawEvents, ScenarioError> {
        let mut events = self.clone();
        for (old, new, value, renamed) in [
            ("on", "on_time", events.on.take(), &mut events.on_time),
            ("off", "off_time", events.off.take(), &mut events.off_time),
        ] {
            if value.is_some() {
                if renamed.is_some() {
                    return Err(c.error(
                        &format!("{at}.{old}"),
                        format!("`{old}` is the old name of `{new}`, which is also given: write only `{new}`"),
                    ));
                }
                *renamed = value;
            }
        }
        Ok(events)
    }

    /// A warning for each value written under an old key name.
    pub(super) fn renamed_keys_warnings(&self) -> Vec<String> {
        [("on", self.on.is_some()), ("off", self.off.is_some())]
            .into_iter()
            .filter(|(_, given)| *given)
            .map(|(old, _)| {
                let new = format!("{old}_time");
                format!(
                    "`workload.events.{old}` is the old name of `{new}` (YAML 1.1 tools read the key `{old}` as a boolean): write `{new}:`; the old name is read for now"
                )
            })
            .collect()
    }
}

/// Reads `workload.events`.
fn events_workload(
    raw: &RawScenario,
    events: &RawEvents,
    at: &str,
    duration: Nanos,
    clients: u64,
    c: &Checker,
) -> Result<WorkloadSpec, ScenarioError> {
    let events = &events.renamed_keys_read(at, c)?;
    let burst = |field: &str, value: Option<crate::units::Duration>| match value {
        Some(v) if v.as_nanos() > 0 => Ok(v.as_nanos()),
        Some(_) => Err(c.error(&format!("{at}.{field}"), "must be greater than 0s")),
        None => Err(c.error(
            &format!("{at}.source"),
            format!("a bursty source needs `{field}` (how long its bursts and silences last)"),
        )),
    };
    let source = match events.source.as_str() {
        "poisson" => EventSource::Poisson,
        "periodic" => EventSource::Periodic,
        "bursty" => EventSource::Bursty {
            on: burst("on_time", events.on_time)?,
            off: burst("off_time", events.off_time)?,
        },
        "trace" => return trace_workload(events, at, duration, clients, c),
        other => {
            return Err(c.error(
                &format!("{at}.source"),
                format!(
                    "unknown event source \"{other}\"; expected one of: poisson, periodic, bursty, trace"
                ),
            ));
        }
    };
    if !matches!(source, EventSource::Bursty { .. }) {
        for (field, value) in [("on_time", events.on_time), ("off_time", events.off_time)] {
            if value.is_some() {
                return Err(c.error(&format!("{at}.{field}"), "applies only to `source: bursty`"));
            }
        }
    }
    if events.trace.is_some() {
        return Err(c.error(&format!("{at}.trace"), "applies only to `source: trace`"));
    }
    let missing = |name: &str| c.error(at, format!("missing required field `{name}`"));
    let rate = events.rate.ok_or_else(|| missing("rate"))?;
    let rate_per_second = rate.per_second();
    if rate.is_zero() {
        return Err(c.error(&format!("{at}.rate"), "must be greater than 0"));
    }
    let payload = payload(
        events.payload.as_ref().ok_or_else(|| missing("payload"))?,
        &format!("{at}.payload"),
        c,
    )?;
    let audience = audience(events, at, clients, c)?;
    // The event log is built before the run: bound it so a typo in a rate is a clear error
    // rather than an out-of-memory crash.
    let expected_events = rate_per_second * duration as f64 / 1e9;
    if expected_events > MAX_EVENTS_PER_RUN as f64 {
        return Err(c.error(
            &format!("{at}.rate"),
            format!(
                "would create about {expected_events:.0} events in {}; at most {MAX_EVENTS_PER_RUN} per run",
                raw.duration
            ),
        ));
    }
    // Every client may receive every event (an upper bound for topics and users).
    payload_per_run(
        expected_events * mean_payload(&payload) * clients as f64,
        &format!("{at}.payload"),
        c,
    )?;
    let (encoding, protobuf_size) = encoding_and_protobuf(events, at, c)?;
    Ok(WorkloadSpec {
        source,
        encoding,
        rate_per_second,
        payload,
        protobuf_size,
        trace: None,
        messages: None,
        audience,
        stream_names: StreamNames::short(),
        more_streams: Vec::new(),
        named_streams: false,
    })
}

/// Reads `workload.events.audience`.
fn audience(
    events: &RawEvents,
    at: &str,
    clients: u64,
    c: &Checker,
) -> Result<AudienceSpec, ScenarioError> {
    let field = &format!("{at}.audience");
    match &events.audience {
        None => Ok(AudienceSpec::All),
        Some(RawAudience::Named(name)) => match name.as_str() {
            "all" => Ok(AudienceSpec::All),
            "user" => Ok(AudienceSpec::User),
            other => Err(c.error(
                field,
                format!(
                    "unknown audience \"{other}\"; expected all, user or {{ topics: N, subscriptions: K, zipf: S }}"
                ),
            )),
        },
        Some(RawAudience::Topics(t)) => {
            if t.topics == 0 {
                return Err(c.error(field, "topics: must be at least 1"));
            }
            let subscriptions = t.subscriptions.unwrap_or(1);
            if subscriptions == 0 {
                return Err(c.error(field, "subscriptions: must be at least 1"));
            }
            // `topics` and `subscriptions` alone are bounded by `bounds::check`; together
            // they make the subscription lists, one per client.
            let total = clients.saturating_mul(u64::from(subscriptions.min(t.topics)));
            if total > MAX_SUBSCRIPTIONS {
                return Err(c.error(
                    &format!("{field}.subscriptions"),
                    format!(
                        "{clients} clients with {} subscriptions each make {total} subscriptions in all; the limit is {MAX_SUBSCRIPTIONS}",
                        subscriptions.min(t.topics)
                    ),
                ));
            }
            let exponent = t.zipf.unwrap_or(super::defaults::TOPIC_ZIPF);
            if !(exponent.is_finite() && (0.0..=10.0).contains(&exponent)) {
                return Err(c.error(
                    field,
                    format!("zipf: expected an exponent from 0 to 10, found {exponent}"),
                ));
            }
            Ok(AudienceSpec::Topics {
                topics: t.topics,
                subscriptions: subscriptions.min(t.topics),
                exponent,
            })
        }
    }
}

/// A workload replayed from a trace file: no `rate` or `payload` (the rows give them).
fn trace_workload(
    events: &RawEvents,
    at: &str,
    duration: Nanos,
    clients: u64,
    c: &Checker,
) -> Result<WorkloadSpec, ScenarioError> {
    for (field, given) in [
        ("rate", events.rate.is_some()),
        ("payload", events.payload.is_some()),
        ("on_time", events.on_time.is_some()),
        ("off_time", events.off_time.is_some()),
    ] {
        if given {
            return Err(c.error(
                &format!("{at}.{field}"),
                "does not apply to `source: trace` (the trace's rows give the times and sizes)",
            ));
        }
    }
    let name = events.trace.as_deref().ok_or_else(|| {
        c.error(
            &format!("{at}.source"),
            "`source: trace` needs `trace: <file.csv>`",
        )
    })?;
    let audience = audience(events, at, clients, c)?;
    let topics = match audience {
        AudienceSpec::Topics { topics, .. } => Some(topics),
        _ => None,
    };
    if audience == AudienceSpec::User {
        return Err(c.error(
            &format!("{at}.audience"),
            "with a trace, its rows name each event's user (`user:<n>`); use `all` or topics here",
        ));
    }
    let trace = super::trace::read(name, c.file, duration, (clients, topics), c)?;
    if trace.events.len() as u64 > MAX_EVENTS_PER_RUN {
        return Err(c.error(
            &format!("{at}.trace"),
            format!("has more than {MAX_EVENTS_PER_RUN} events in the run"),
        ));
    }
    let trace_bytes: f64 = trace.events.iter().map(|(_, size)| *size as f64).sum();
    payload_per_run(trace_bytes * clients as f64, &format!("{at}.trace"), c)?;
    let (encoding, protobuf_size) = encoding_and_protobuf(events, at, c)?;
    Ok(WorkloadSpec {
        source: EventSource::Trace,
        encoding,
        rate_per_second: trace.events.len() as f64 / (duration as f64 / 1e9),
        payload: PayloadSpec::FromTrace,
        protobuf_size,
        trace: Some(trace),
        messages: None,
        audience,
        stream_names: StreamNames::short(),
        more_streams: Vec::new(),
        named_streams: false,
    })
}

fn encoding_and_protobuf(
    events: &RawEvents,
    at: &str,
    c: &Checker,
) -> Result<(Encoding, Option<u64>), ScenarioError> {
    let encoding = match events.encoding.as_deref() {
        None | Some("json") => Encoding::Json,
        Some("binary") => Encoding::Binary,
        Some(other) => {
            return Err(c.error(
                &format!("{at}.encoding"),
                format!("unknown encoding \"{other}\"; expected one of: json, binary"),
            ));
        }
    };
    let protobuf_size = match events.protobuf_size {
        Some(size) if size.bytes() == 0 => {
            return Err(c.error(&format!("{at}.protobuf_size"), "must be at least 1B"));
        }
        other => other.map(|v| v.bytes()),
    };
    Ok((encoding, protobuf_size))
}

/// A payload: a fixed size or a uniform one may be `0B` (an empty WebSocket or gRPC
/// message; the transports that cannot carry one are refused later,
/// `transports::check_zero_byte_events`); a log-normal median is at least 1B.
fn payload(raw: &RawPayload, field: &str, c: &Checker) -> Result<PayloadSpec, ScenarioError> {
    let at_least_one = |bytes: u64, what: &str| {
        if bytes == 0 {
            Err(c.error(field, format!("{what} must be at least 1B")))
        } else {
            Ok(bytes)
        }
    };
    match raw {
        RawPayload::Fixed(size) => Ok(PayloadSpec::Fixed(size.bytes())),
        RawPayload::Distribution(dist) => match (&dist.uniform, &dist.lognormal) {
            (Some([min, max]), None) => {
                let (min, max) = (min.bytes(), max.bytes());
                if max < min {
                    return Err(c.error(
                        field,
                        format!("uniform: the maximum ({max} B) is below the minimum ({min} B)"),
                    ));
                }
                Ok(PayloadSpec::Uniform { min, max })
            }
            (None, Some(lognormal)) => {
                let median = at_least_one(lognormal.median.bytes(), "the median")?;
                if !(lognormal.sigma.is_finite() && lognormal.sigma >= 0.0 && lognormal.sigma <= 5.0)
                {
                    return Err(c.error(
                        field,
                        format!(
                            "lognormal: sigma must be a number from 0 to 5, found {}",
                            lognormal.sigma
                        ),
                    ));
                }
                Ok(PayloadSpec::LogNormal {
                    median,
                    sigma: lognormal.sigma,
                })
            }
            _ => Err(c.error(
                field,
                "expected a size (e.g. 300B) or exactly one distribution: { uniform: [100B, 1KB] } or { lognormal: { median: 300B, sigma: 0.8 } }",
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::checker::check_scenario;

    const BASE: &str = "name: t\nduration: 1m\nnetwork: { dsl: { latency: 10ms, bandwidth: 10Mbit/s } }\nclients: { web: { count: 10, link: dsl } }\ntransports: [{ sse: {} }]\n";

    #[test]
    fn poisson_events_with_a_fixed_payload() {
        let text = format!(
            "{BASE}workload: {{ events: {{ source: poisson, rate: 2/s, payload: 300B }} }}\n"
        );
        let spec = check_scenario(&text, |raw, c| workload(raw, 60_000_000_000, 10, c)).unwrap();
        assert_eq!(spec.source, EventSource::Poisson);
        assert_eq!(spec.rate_per_second, 2.0);
        assert!(matches!(spec.payload, PayloadSpec::Fixed(300)));
    }

    #[test]
    fn refuses_no_events_without_messages_and_a_bursty_source_without_bursts() {
        let text = format!("{BASE}workload: {{}}\n");
        let error =
            check_scenario(&text, |raw, c| workload(raw, 60_000_000_000, 10, c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("workload"));
        assert!(error.message.starts_with("missing `events`"), "{error}");
        let text =
            format!("{BASE}workload: {{ events: {{ source: bursty, rate: 2/s, payload: 1B }} }}\n");
        let error =
            check_scenario(&text, |raw, c| workload(raw, 60_000_000_000, 10, c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("workload.events.source"));
        assert!(
            error.message.starts_with("a bursty source needs `on_time`"),
            "{error}"
        );
    }

    fn streams_error(streams: &str) -> ScenarioError {
        let text = format!("{BASE}workload:\n  streams:\n{streams}");
        check_scenario(&text, |raw, c| workload(raw, 60_000_000_000, 10, c)).unwrap_err()
    }

    #[test]
    fn named_streams_are_read_in_name_order_each_with_its_source() {
        let text = format!(
            "{BASE}workload:\n  streams:\n    prices: {{ source: poisson, rate: 5/s, payload: 80B }}\n    news: {{ source: periodic, rate: 1/min, payload: 2KB }}\n"
        );
        let spec = check_scenario(&text, |raw, c| workload(raw, 60_000_000_000, 10, c)).unwrap();
        assert_eq!(spec.stream_names.workload(), ["news", "prices"]);
        assert!(spec.named_streams);
        assert_eq!(spec.source, EventSource::Periodic);
        assert_eq!(spec.more_streams.len(), 1);
        assert_eq!(spec.more_streams[0].rate_per_second, 5.0);
        assert_eq!(spec.sources().len(), 2);
        assert_eq!(spec.present_streams(), 0b11);
    }

    /// `streams: { events: X }` is `events: X` (the same random streams): the same events.
    #[test]
    fn a_stream_named_events_makes_the_short_form_s_events() {
        let events = "{ source: poisson, rate: 3/s, payload: { uniform: [10B, 90B] } }";
        let short = format!("{BASE}workload: {{ events: {events} }}\n");
        let named = format!("{BASE}workload: {{ streams: {{ events: {events} }} }}\n");
        let log = |text: &str| {
            let scenario = crate::scenario::load_str("t.yaml", text, &[]).unwrap();
            crate::workload::EventLog::generate(&scenario)
        };
        let (short, named) = (log(&short), log(&named));
        assert!(short.len() > 100);
        assert_eq!(short.times, named.times);
        let n = crate::ids::EventNo::FIRST;
        assert_eq!(
            short.payloads(n, short.len() as u32),
            named.payloads(n, named.len() as u32)
        );
        assert!(short.tags.is_none() && named.tags.is_some());
    }

    #[test]
    fn refuses_bad_stream_names_events_beside_streams_and_mixed_audiences() {
        let error = streams_error("    messages: { source: periodic, rate: 1/s, payload: 1B }\n");
        assert_eq!(error.field.as_deref(), Some("workload.streams.messages"));
        let error = streams_error("    \"a b\": { source: periodic, rate: 1/s, payload: 1B }\n");
        assert_eq!(error.field.as_deref(), Some("workload.streams.a b"));
        let error = streams_error("    a: { source: periodic, payload: 1B }\n");
        assert_eq!(error.field.as_deref(), Some("workload.streams.a"));
        assert_eq!(error.message, "missing required field `rate`");
        let error = streams_error(
            "    a: { source: periodic, rate: 1/s, payload: 1B }\n    b: { source: periodic, rate: 1/s, payload: 1B, audience: user }\n",
        );
        assert_eq!(error.field.as_deref(), Some("workload.streams.b.audience"));
        let error = streams_error(
            "    a: { source: periodic, rate: 1/s, payload: 1B }\n    b: { source: periodic, rate: 1/s, payload: 1B, encoding: binary }\n",
        );
        assert_eq!(error.field.as_deref(), Some("workload.streams.b.encoding"));
        let text = format!(
            "{BASE}workload:\n  events: {{ source: periodic, rate: 1/s, payload: 1B }}\n  streams: {{ a: {{ source: periodic, rate: 1/s, payload: 1B }} }}\n"
        );
        let error =
            check_scenario(&text, |raw, c| workload(raw, 60_000_000_000, 10, c)).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("workload.streams"));
    }
}
