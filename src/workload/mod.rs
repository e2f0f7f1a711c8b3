//! The workload: when server-to-client events happen and how large they are.
//!
//! The event log is generated once per scenario and shared by every transport variant, so
//! all variants deliver the very same events (common random numbers). Event times come from
//! the `workload` random stream and sizes from `payload-size`, so drawing sizes does not
//! move the times.

use crate::ids::{ClientId, EventNo};
pub mod audience;
pub mod messages;
pub mod spec;
pub mod streams;

pub use audience::{Audience, Audiences};
pub use messages::ClientMessage;
pub use spec::{
    AudienceSpec, DEFAULT_TOPIC_ZIPF, Encoding, EventSource, MAX_PAYLOAD_BYTES, MessageSpec,
    PROTOBUF_FACTOR_PERCENT, PayloadSpec, StreamSource, Trace, TraceAudience, WorkloadSpec,
    protobuf_size,
};

use crate::engine::rng::{self, RngExt, Stream};
use crate::time::Nanos;

/// What a workload is drawn from: the master seed, the run's length, the workload and the
/// client groups in the scenario's order (their names name the groups' random streams).
/// The scenario converts into it (`From<&Scenario>`), so `EventLog::generate(&scenario)`
/// reads as before.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    pub seed: u64,
    pub duration: Nanos,
    pub spec: &'a WorkloadSpec,
    pub groups: Vec<Cohort<'a>>,
}

/// A client group as the workload sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cohort<'a> {
    pub name: &'a str,
    /// Browsers.
    pub count: u32,
    /// Tabs per browser; each tab is a client.
    pub tabs: u32,
    /// A browser starts at a uniform draw from `[0, ramp)`.
    pub ramp: Nanos,
}

impl Inputs<'_> {
    /// Total number of clients (tabs) over all groups.
    pub fn client_count(&self) -> u64 {
        self.groups
            .iter()
            .map(|g| g.count as u64 * g.tabs as u64)
            .sum()
    }
}

/// Every event of a run, in time order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLog {
    /// Creation time of each event, by number ([`EventLog::time_of`]); event `i` has SSE
    /// id `i + 1`.
    pub times: Vec<Nanos>,
    pub encoding: Encoding,
    sizes: Sizes,
    /// The protobuf size of every event, when the scenario fixes it.
    protobuf: Option<u64>,
    /// What the clients send (two-way workloads), client by client.
    pub messages: Vec<ClientMessage>,
    /// Who receives each event, when not every client receives every event.
    pub audiences: Option<Audiences>,
    /// Each event's stream and whose events name it, when the scenario names its streams.
    pub tags: Option<streams::Tags>,
    /// Latest value wins (a variant's `conflate: per_topic`, issue 20): a range of events
    /// handed to a client at once carries only the newest of each topic
    /// ([`EventLog::carried`]). Set on the variant's own copy ([`EventLog::conflating`]).
    pub conflate: bool,
}

/// Payload sizes: one for all, or cumulative sums (`cum[n]` is the bytes of events before
/// `n`), so that a range's total is one subtraction.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sizes {
    Fixed(u64),
    Varying(Vec<u64>),
}

impl EventLog {
    /// The events of a scenario (or of any [`Inputs`]) within `[0, duration)`.
    pub fn generate<'a>(inputs: impl Into<Inputs<'a>>) -> Self {
        Self::from_inputs(&inputs.into())
    }

    fn from_inputs(inputs: &Inputs) -> Self {
        let w = inputs.spec;
        let names = &w.stream_names;
        let mut per_stream: Vec<(Vec<Nanos>, Sizes)> = w
            .sources()
            .iter()
            .enumerate()
            .map(|(s, source)| stream_events(inputs, source, &names.workload()[s]))
            .collect();
        let tags = w
            .named_streams
            .then(|| streams::Tags::new(names, w.present_streams()));
        let (times, sizes, tags) = match per_stream.len() {
            0 => (Vec::new(), Sizes::Fixed(1), tags),
            1 => {
                let (times, sizes) = per_stream.pop().expect("one stream");
                let tags = tags.map(|mut t| {
                    times.iter().for_each(|_| t.push(streams::EVENTS));
                    t
                });
                (times, sizes, tags)
            }
            _ => {
                let (times, sizes, tags) =
                    merge(per_stream, tags.expect("several streams are named"));
                (times, sizes, Some(tags))
            }
        };
        let count = times.len();
        EventLog {
            times,
            encoding: w.encoding,
            sizes,
            protobuf: w.protobuf_size,
            messages: messages::generate(inputs),
            audiences: Audiences::generate(inputs, count),
            tags,
            conflate: false,
        }
    }

    /// When event `n` was created.
    #[inline]
    pub fn time_of(&self, n: EventNo) -> Nanos {
        self.times[n]
    }

    /// The number the next event created gets: one past the last so far.
    #[inline]
    pub fn end(&self) -> EventNo {
        EventNo::at(self.times.len())
    }

    /// Payload bytes of event `n`.
    pub fn payload(&self, n: EventNo) -> u64 {
        match &self.sizes {
            Sizes::Fixed(bytes) => *bytes,
            Sizes::Varying(cum) => cum[n.next()] - cum[n],
        }
    }

    /// Payload bytes of events `first..first + count`.
    pub fn payloads(&self, first: EventNo, count: u32) -> u64 {
        match &self.sizes {
            // At most 2^30 × 2^32 with the payload bound; saturating beyond, never wrapping.
            Sizes::Fixed(bytes) => bytes.saturating_mul(count as u64),
            Sizes::Varying(cum) => cum[first + count] - cum[first],
        }
    }

    /// Event `n` as a protobuf message: the scenario's size, or 35 % of its payload.
    pub fn protobuf(&self, n: EventNo) -> u64 {
        self.protobuf_of(self.payload(n))
    }

    /// A message of `payload` JSON bytes as protobuf: the scenario's size, or 35 % of it.
    pub fn protobuf_of(&self, payload: u64) -> u64 {
        self.protobuf.unwrap_or_else(|| protobuf_size(payload))
    }

    /// A log with no events yet and this one's encoding rules, for a run that numbers its
    /// events as it creates them (clients' messages among the workload's).
    pub fn empty_like(&self) -> Self {
        EventLog {
            times: Vec::new(),
            encoding: self.encoding,
            sizes: Sizes::Fixed(0),
            protobuf: self.protobuf,
            messages: Vec::new(),
            audiences: self.audiences.as_ref().map(Audiences::empty_like),
            tags: self.tags.as_ref().map(streams::Tags::empty_like),
            conflate: self.conflate,
        }
    }

    /// Appends an event of stream `stream` created at `time` with `payload` bytes for
    /// `audience`; returns its number.
    pub fn push(
        &mut self,
        time: Nanos,
        payload: u64,
        audience: Audience,
        stream: streams::StreamId,
    ) -> EventNo {
        let n = self.times.len();
        self.times.push(time);
        if let Some(audiences) = &mut self.audiences {
            audiences.push(audience);
        }
        if let Some(tags) = &mut self.tags {
            tags.push(stream);
        }
        if let Sizes::Fixed(bytes) = self.sizes {
            if bytes == payload || n == 0 {
                self.sizes = Sizes::Fixed(payload);
                return EventNo::at(n);
            }
            self.sizes = Sizes::Varying((0..=n as u64).map(|i| i * bytes).collect());
        }
        if let Sizes::Varying(cum) = &mut self.sizes {
            let total = cum.last().copied().unwrap_or(0) + payload;
            cum.push(total);
        }
        EventNo::at(n)
    }

    /// Bytes a text-only transport adds to carry event `n`'s payload: none for JSON;
    /// base64's inflation for binary.
    pub fn text_inflation(&self, n: EventNo) -> u64 {
        match self.encoding {
            Encoding::Json => 0,
            Encoding::Binary => {
                let payload = self.payload(n);
                base64_len(payload) - payload
            }
        }
    }

    /// [`Self::text_inflation`] of events `first..first + count`.
    pub fn text_inflations(&self, first: EventNo, count: u32) -> u64 {
        match (self.encoding, &self.sizes) {
            (Encoding::Json, _) => 0,
            (Encoding::Binary, Sizes::Fixed(_)) => {
                self.text_inflation(first).saturating_mul(count as u64)
            }
            (Encoding::Binary, Sizes::Varying(_)) => {
                first.and_next(count).map(|n| self.text_inflation(n)).sum()
            }
        }
    }

    /// This log routed to the channels of a variant of several channels: every event (all
    /// the workload's, for every user) is of its stream ([`Self::stream_of`]), and client
    /// `c` (a channel) receives the streams of `receives[c]`, of which `present` exist
    /// (whose events are tagged with their stream's name follows). The workload must be
    /// for every user (the scenario refuses audiences with channels).
    pub fn routed(&self, receives: Vec<streams::StreamMask>, present: streams::StreamMask) -> Self {
        debug_assert!(self.audiences.is_none(), "channels take audience: all");
        let of_event: Vec<streams::StreamId> = (0..self.times.len())
            .map(|n| self.stream_of(EventNo::at(n)))
            .collect();
        EventLog {
            tags: self.tags.as_ref().map(|t| t.routed(&receives, present)),
            audiences: Some(Audiences::routed(&of_event, receives)),
            ..self.clone()
        }
    }

    /// Event `n`'s stream (the workload's one stream, [`streams::EVENTS`], in the short
    /// form).
    #[inline]
    pub fn stream_of(&self, n: EventNo) -> streams::StreamId {
        self.tags
            .as_ref()
            .map_or(streams::EVENTS, |t| t.of(n.index()))
    }

    /// The bytes of the name of event `n`'s stream when client `c`'s connection tells its
    /// streams apart (it receives several, in a scenario that names them); `None` else.
    #[inline]
    pub fn stream_name_len(&self, n: EventNo, c: ClientId) -> Option<u64> {
        self.tags.as_ref()?.name_len_for(n.index(), c.index())
    }

    /// Event `n`'s audience.
    pub fn audience(&self, n: EventNo) -> Audience {
        self.audiences.as_ref().map_or(Audience::All, |a| a.of(n))
    }

    /// Whether event `n` is for client `c`.
    #[inline]
    pub fn is_for(&self, n: EventNo, c: ClientId) -> bool {
        self.audiences.as_ref().is_none_or(|a| a.is_for(n, c))
    }

    /// How many events numbered in `[from, to)` are for client `c`.
    #[inline]
    pub fn count_for(&self, c: ClientId, from: EventNo, to: EventNo) -> u32 {
        match &self.audiences {
            None => to.since(from),
            Some(a) => a.count_for(c, from, to),
        }
    }

    /// The last `limit` of `c`'s events numbered below `to` and from `from` on: the first
    /// number of the range holding exactly them, and how many there are.
    pub fn newest_for(
        &self,
        c: ClientId,
        from: EventNo,
        to: EventNo,
        limit: u32,
    ) -> (EventNo, u32) {
        let mut first = to;
        let mut found = 0;
        while first > from && found < limit {
            first = first.prev();
            if self.is_for(first, c) {
                found += 1;
            }
        }
        (first, found)
    }

    /// The numbers of the events in `first..first + count` that are for client `c`.
    pub fn matching(
        &self,
        c: ClientId,
        first: EventNo,
        count: u32,
    ) -> impl Iterator<Item = EventNo> + '_ {
        first.and_next(count).filter(move |n| self.is_for(*n, c))
    }

    /// [`Self::payloads`] of the events for client `c`.
    pub fn payloads_for(&self, c: ClientId, first: EventNo, count: u32) -> u64 {
        match &self.audiences {
            None => self.payloads(first, count),
            Some(_) => self
                .matching(c, first, count)
                .map(|n| self.payload(n))
                .sum(),
        }
    }

    /// [`Self::text_inflations`] of the events for client `c`.
    pub fn text_inflations_for(&self, c: ClientId, first: EventNo, count: u32) -> u64 {
        match &self.audiences {
            None => self.text_inflations(first, count),
            Some(_) => self
                .matching(c, first, count)
                .map(|n| self.text_inflation(n))
                .sum(),
        }
    }

    /// This log for a variant that conflates (latest value wins per topic).
    pub fn conflating(&self) -> Self {
        EventLog {
            conflate: true,
            ..self.clone()
        }
    }

    /// Whether a later event of `n`'s topic (its audience: a topic, a user, a stream, or
    /// the whole workload when every event is for everyone) is numbered below `end`: in a
    /// range ending there, `n` is superseded.
    #[inline]
    pub fn superseded(&self, n: EventNo, end: EventNo) -> bool {
        match &self.audiences {
            None => n.next() < end,
            Some(a) => a.next_of_same(n).is_some_and(|m| m < end),
        }
    }

    /// The events of `first..first + count` for client `c` that a message handing them
    /// over at once carries: all of them ([`Self::matching`]), or, when the log conflates,
    /// only the newest of each topic.
    pub fn carried(
        &self,
        c: ClientId,
        first: EventNo,
        count: u32,
    ) -> impl Iterator<Item = EventNo> + '_ {
        let end = first + count;
        self.matching(c, first, count)
            .filter(move |n| !self.conflate || !self.superseded(*n, end))
    }

    /// How many events [`Self::carried`] holds.
    #[inline]
    pub fn carried_count(&self, c: ClientId, first: EventNo, count: u32) -> u32 {
        if !self.conflate {
            return self.count_for(c, first, first + count);
        }
        self.carried(c, first, count).count() as u32
    }

    /// [`Self::payloads_for`] of the events [`Self::carried`] holds.
    #[inline]
    pub fn carried_payloads(&self, c: ClientId, first: EventNo, count: u32) -> u64 {
        if !self.conflate {
            return self.payloads_for(c, first, count);
        }
        self.carried(c, first, count).map(|n| self.payload(n)).sum()
    }

    /// [`Self::text_inflations_for`] of the events [`Self::carried`] holds.
    pub fn carried_inflations(&self, c: ClientId, first: EventNo, count: u32) -> u64 {
        if !self.conflate {
            return self.text_inflations_for(c, first, count);
        }
        self.carried(c, first, count)
            .map(|n| self.text_inflation(n))
            .sum()
    }

    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }
}

/// One workload stream's event times and sizes. The stream named `events` draws from the
/// random streams the short form always drew from (`workload`, `payload-size`), so that
/// `streams: { events: X }` and `events: X` make the same events; any other stream from
/// its own (`workload:<name>`, `payload-size:<name>`).
fn stream_events(inputs: &Inputs, source: &StreamSource, name: &str) -> (Vec<Nanos>, Sizes) {
    let suffix = if name == "events" {
        String::new()
    } else {
        format!(":{name}")
    };
    if let Some(trace) = &source.trace {
        let mut cum = Vec::with_capacity(trace.events.len() + 1);
        cum.push(0);
        let mut total = 0u64;
        for (_, size) in &trace.events {
            total += size;
            cum.push(total);
        }
        return (
            trace.events.iter().map(|(t, _)| *t).collect(),
            Sizes::Varying(cum),
        );
    }
    let times = times(inputs, source, &format!("workload{suffix}"));
    let sizes = match source.payload {
        PayloadSpec::Fixed(bytes) => Sizes::Fixed(bytes),
        spec => {
            let mut stream = rng::stream(inputs.seed, &format!("payload-size{suffix}"));
            let mut cum = Vec::with_capacity(times.len() + 1);
            let mut total = 0u64;
            cum.push(0);
            for _ in 0..times.len() {
                total += draw_size(spec, &mut stream);
                cum.push(total);
            }
            Sizes::Varying(cum)
        }
    };
    (times, sizes)
}

/// The events of several streams as one log: in time order, events at the same time in
/// stream order; each event's stream in `tags`.
fn merge(
    streams: Vec<(Vec<Nanos>, Sizes)>,
    mut tags: streams::Tags,
) -> (Vec<Nanos>, Sizes, streams::Tags) {
    let size_of = |sizes: &Sizes, k: usize| match sizes {
        Sizes::Fixed(bytes) => *bytes,
        Sizes::Varying(cum) => cum[k + 1] - cum[k],
    };
    let total: usize = streams.iter().map(|(t, _)| t.len()).sum();
    let mut order: Vec<(Nanos, u8, usize)> = Vec::with_capacity(total);
    for (s, (times, _)) in streams.iter().enumerate() {
        order.extend(times.iter().enumerate().map(|(k, t)| (*t, s as u8, k)));
    }
    order.sort_unstable();
    let mut times = Vec::with_capacity(total);
    let mut cum = Vec::with_capacity(total + 1);
    cum.push(0u64);
    let mut bytes = 0u64;
    for (t, s, k) in order {
        times.push(t);
        bytes = bytes.saturating_add(size_of(&streams[usize::from(s)].1, k));
        cum.push(bytes);
        tags.push(s);
    }
    (times, Sizes::Varying(cum), tags)
}

/// Event times of `source` within `[0, duration)`, drawn from the random stream `name`:
/// the run's last instant is before `duration` ([`crate::time::SimTime::last_of_run`]), so
/// an event at exactly `duration` could reach nobody (a periodic source whose period
/// divides the duration made one until issue 18).
fn times(inputs: &Inputs, w: &StreamSource, name: &str) -> Vec<Nanos> {
    let mean_gap_ns = 1e9 / w.rate_per_second;
    let mut times = Vec::new();
    match w.source {
        EventSource::Periodic => {
            let gap = (mean_gap_ns.round() as Nanos).max(1);
            let mut t = gap;
            while t < inputs.duration {
                times.push(t);
                t += gap;
            }
        }
        EventSource::Poisson => {
            let mut stream = rng::stream(inputs.seed, name);
            let mut t: Nanos = 0;
            loop {
                let gap = rng::exponential(&mut stream, mean_gap_ns);
                t = t.saturating_add(gap.max(1));
                if t >= inputs.duration {
                    break;
                }
                times.push(t);
            }
        }
        // The log of a trace is read from it (see `EventLog::generate`); without a source
        // the run's only events are the clients' messages.
        EventSource::Trace | EventSource::None => {}
        EventSource::Bursty { on, off } => {
            // A Poisson process at the rate, run only during the bursts: its clock skips
            // each silence.
            let mut stream = rng::stream(inputs.seed, name);
            let mut busy: Nanos = 0;
            loop {
                let gap = rng::exponential(&mut stream, mean_gap_ns);
                busy = busy.saturating_add(gap.max(1));
                let t = busy / on * (on + off) + busy % on;
                if t >= inputs.duration {
                    break;
                }
                times.push(t);
            }
        }
    }
    times
}

/// One event's size in bytes (at least 1).
pub(crate) fn draw_size(spec: PayloadSpec, stream: &mut Stream) -> u64 {
    match spec {
        PayloadSpec::Fixed(bytes) => bytes,
        PayloadSpec::FromTrace => unreachable!("a trace's sizes are its rows'"),
        PayloadSpec::Uniform { min, max } => stream.random_range(min..=max),
        PayloadSpec::LogNormal { median, sigma } => {
            // Box-Muller: a standard normal from two uniforms (1 - u lies in (0, 1]).
            let u1: f64 = 1.0 - stream.random::<f64>();
            let u2: f64 = stream.random::<f64>();
            let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            // The tail is cut at the payload bound, so that a wide law (sigma 5 reaches
            // e^25 times the median) never makes a size the byte counts cannot hold.
            let bytes = ((median as f64) * (sigma * z).exp()).round();
            bytes.clamp(1.0, MAX_PAYLOAD_BYTES as f64) as u64
        }
    }
}

/// Length of the padded base64 encoding of `n` bytes (RFC 4648 section 4): every started
/// group of three bytes becomes four characters.
pub fn base64_len(n: u64) -> u64 {
    4 * n.div_ceil(3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_normal_sizes_have_their_median_and_spread() {
        let mut stream = rng::stream(1, "test");
        let spec = PayloadSpec::LogNormal {
            median: 1000,
            sigma: 0.5,
        };
        let mut sizes: Vec<u64> = (0..20_001).map(|_| draw_size(spec, &mut stream)).collect();
        sizes.sort_unstable();
        let median = sizes[10_000] as f64;
        assert!((median / 1000.0 - 1.0).abs() < 0.03, "{median}");
        // exp(0.5 x 1.2816) = 1.899: the 90th percentile.
        let p90 = sizes[18_000] as f64;
        assert!((p90 / 1899.0 - 1.0).abs() < 0.04, "{p90}");
    }

    /// Regression (reproducer `payload-u64-max`): no drawn size exceeds the payload bound,
    /// even at the widest law a scenario may ask for.
    #[test]
    fn log_normal_sizes_stay_within_the_payload_bound() {
        let mut stream = rng::stream(2, "test");
        let spec = PayloadSpec::LogNormal {
            median: MAX_PAYLOAD_BYTES,
            sigma: 5.0,
        };
        let sizes: Vec<u64> = (0..1000).map(|_| draw_size(spec, &mut stream)).collect();
        assert!(sizes.iter().all(|s| (1..=MAX_PAYLOAD_BYTES).contains(s)));
        assert!(sizes.contains(&MAX_PAYLOAD_BYTES));
    }

    #[test]
    fn pushed_events_keep_their_own_sizes() {
        let mut log = EventLog {
            times: Vec::new(),
            encoding: Encoding::Json,
            sizes: Sizes::Fixed(7),
            protobuf: None,
            messages: Vec::new(),
            audiences: None,
            tags: None,
            conflate: false,
        }
        .empty_like();
        assert_eq!(log.push(5, 100, Audience::All, 0), EventNo::new(0));
        assert_eq!(log.push(6, 100, Audience::All, 0), EventNo::new(1));
        assert_eq!(log.sizes, Sizes::Fixed(100));
        assert_eq!(log.push(9, 40, Audience::All, 0), EventNo::new(2));
        assert_eq!(log.push(9, 1, Audience::All, 0), EventNo::new(3));
        assert_eq!(log.end(), EventNo::new(4));
        assert_eq!(
            EventNo::FIRST
                .up_to(log.end())
                .map(|n| log.payload(n))
                .collect::<Vec<_>>(),
            [100, 100, 40, 1]
        );
        assert_eq!(log.payloads(EventNo::new(1), 3), 141);
        assert_eq!(log.times, [5, 6, 9, 9]);
        assert_eq!(log.time_of(EventNo::new(2)), 9);
        assert_eq!(log.protobuf_of(100), 35);
    }

    #[test]
    fn uniform_sizes_cover_their_range() {
        let mut stream = rng::stream(2, "test");
        let spec = PayloadSpec::Uniform { min: 10, max: 20 };
        let sizes: Vec<u64> = (0..10_000).map(|_| draw_size(spec, &mut stream)).collect();
        assert_eq!(sizes.iter().min(), Some(&10));
        assert_eq!(sizes.iter().max(), Some(&20));
        let mean = sizes.iter().sum::<u64>() as f64 / 10_000.0;
        assert!((mean - 15.0).abs() < 0.1, "{mean}");
    }

    #[test]
    fn base64_lengths_include_padding() {
        // RFC 4648 section 10's test vectors: "f" -> "Zg==", "fo" -> "Zm8=", "foo" -> "Zm9v",
        // "foob" -> "Zm9vYg==", "fooba" -> "Zm9vYmE=", "foobar" -> "Zm9vYmFy".
        let vectors = [
            "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy",
        ];
        for (n, encoded) in vectors.iter().enumerate() {
            assert_eq!(base64_len(n as u64), encoded.len() as u64, "{n} bytes");
        }
    }
}
