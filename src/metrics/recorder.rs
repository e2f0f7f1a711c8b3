//! What one run counts while it runs: the counts of the measurement window, bytes by client
//! group and layer, delivery latency and order, per-second series and losses by reason.
//!
//! Owns the window rule: a [`Count`] or a byte counts only when it happens in
//! `[warmup, duration)`; the few whole-run counts (deliveries out of order, tabs blocked,
//! losses) say so. Does not own: the per-client ledgers (the simulation's clients hold
//! them) nor how the counts become a [`crate::metrics::RunResult`], which the simulation
//! assembles at the end from what this gives back.

use crate::ids::GroupId;
use crate::metrics::order::Arrival;
use crate::metrics::series::TimeSeries;
use crate::metrics::{LatencyRecorder, LostByReason, QueuedBytes};
use crate::net::wire::{Direction, LayerBytes, WireBytes};
use crate::time::{Nanos, SimTime};

/// An occurrence counted when it happens in the measurement window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// HTTP requests read by the server (polls, stream requests, REST calls).
    Requests,
    /// Complete HTTP responses carrying events (or none: empty ones too).
    Responses,
    EmptyResponses,
    /// Poll ticks skipped because the previous poll was unanswered.
    PollsSkipped,
    /// Connections refused (a proxy or replica full, a balancer without capacity).
    Refused,
    /// WebSocket upgrades a proxy denied.
    Denied,
    /// Connections opened (SYNs reaching the server).
    ConnectionsOpened,
    /// Connections the server closed after its keep-alive idle timeout.
    IdleCloses,
    /// Connections a proxy closed when idle, or at its maximum lifetime.
    ProxyCloses,
    LifetimeCloses,
    /// Connections closed at the server's maximum connection age (gRPC).
    AgeCloses,
    /// Connections closed when their replica's drain period ended.
    DrainCloses,
    /// Requests sent anew after a lost connection.
    Reconnects,
    /// Broker messages (one per event per replica with subscribers).
    BrokerMessages,
    /// Slow consumers: messages dropped from send buffers, streams disconnected.
    SlowConsumerDrops,
    SlowConsumerDisconnects,
    /// TCP segments sent (first transmissions, handshakes included), and sent again.
    SegmentsSent,
    RetransmittedSegments,
    /// IP packets sent by direction: every segment (data, retransmitted, handshake, FIN
    /// exchange) and every pure ACK.
    PacketsDown,
    PacketsUp,
    /// Long-polling requests answered `Session ID unknown`, and the handshakes after them.
    SessionMisses,
    SessionHandshakes,
}

const COUNTS: usize = Count::SessionHandshakes as usize + 1;

/// The counters of one run.
#[derive(Debug)]
pub struct Recorder {
    warmup: SimTime,
    duration: SimTime,
    counts: [u64; COUNTS],
    /// Bytes per client group: every hop on the group's path carries them.
    bytes_by_group: Vec<WireBytes>,
    /// Bytes still to serialize on the access links when the run ends, by direction.
    queued_at_end: QueuedBytes,
    /// Delivery latency of events created in the window.
    latency: LatencyRecorder,
    /// Whole run: connection opened → first response or stream start.
    first_response: LatencyRecorder,
    /// Whole run: deliveries after a later event, and deliveries of an event again.
    out_of_order: u64,
    duplicates: u64,
    /// Whole run: tabs that had to wait for an HTTP/1.1 connection, and their waits.
    blocked_streams: u64,
    blocked_wait: LatencyRecorder,
    /// Whole run: the largest send buffer.
    peak_send_buffer: u64,
    /// Whole run: lost (event, client) pairs by reason.
    lost: LostByReason,
    series: TimeSeries,
}

impl Recorder {
    /// The counters of a run measuring `[warmup, duration)` over `groups` client groups.
    pub fn new(warmup: Nanos, duration: Nanos, groups: usize) -> Self {
        Recorder {
            warmup: SimTime::ZERO + warmup,
            duration: SimTime::ZERO + duration,
            counts: [0; COUNTS],
            bytes_by_group: vec![WireBytes::default(); groups],
            queued_at_end: QueuedBytes::default(),
            latency: LatencyRecorder::default(),
            first_response: LatencyRecorder::default(),
            out_of_order: 0,
            duplicates: 0,
            blocked_streams: 0,
            blocked_wait: LatencyRecorder::default(),
            peak_send_buffer: 0,
            lost: LostByReason::default(),
            series: TimeSeries::new(duration),
        }
    }

    /// The measurement window `[warmup, duration)`.
    #[inline]
    pub fn window(&self) -> (SimTime, SimTime) {
        (self.warmup, self.duration)
    }

    /// Whether `time` is in the measurement window.
    #[inline]
    pub fn in_window(&self, time: SimTime) -> bool {
        time >= self.warmup && time < self.duration
    }

    /// One `count` at `now` (ignored outside the window).
    #[inline]
    pub fn count(&mut self, count: Count, now: SimTime) {
        self.add(count, now, 1);
    }

    /// `n` of `count` at `now` (ignored outside the window).
    #[inline]
    pub fn add(&mut self, count: Count, now: SimTime, n: u64) {
        if self.in_window(now) {
            self.counts[count as usize] += n;
        }
    }

    /// The window's total of `count`.
    pub fn get(&self, count: Count) -> u64 {
        self.counts[count as usize]
    }

    /// Bytes on a connection of group `group` at `time` (ignored outside the window).
    #[inline]
    pub fn add_bytes(
        &mut self,
        group: GroupId,
        time: SimTime,
        direction: Direction,
        bytes: LayerBytes,
    ) {
        if self.in_window(time) {
            self.bytes(group, direction, bytes);
        }
    }

    /// Bytes of the window on a connection of group `group` (the caller took the window's
    /// part of them).
    #[inline]
    pub fn bytes(&mut self, group: GroupId, direction: Direction, bytes: LayerBytes) {
        self.bytes_by_group[group]
            .direction_mut(direction)
            .add(bytes);
    }

    /// Bytes of a message still serializing when the run ends.
    #[inline]
    pub fn queued_at_end(&mut self, direction: Direction, bytes: u64) {
        match direction {
            Direction::Down => self.queued_at_end.down += bytes,
            Direction::Up => self.queued_at_end.up += bytes,
        }
    }

    /// An event created at `created` reached a client at `now`, as `arrival` says of its
    /// order.
    #[inline]
    pub fn delivered(&mut self, created: SimTime, now: SimTime, arrival: Arrival) {
        match arrival {
            Arrival::InOrder => {}
            Arrival::Late => self.out_of_order += 1,
            Arrival::Duplicate => self.duplicates += 1,
        }
        if created >= self.warmup {
            self.latency.record(now.since(created));
        }
        self.series.delivered(now, now.since(created));
    }

    /// A connection's first response or stream start came `wait` after it opened.
    pub fn first_response(&mut self, wait: Nanos) {
        self.first_response.record(wait);
    }

    /// A tab started waiting for an HTTP/1.1 connection; one got one after `wait`.
    pub fn blocked(&mut self) {
        self.blocked_streams += 1;
    }

    pub fn unblocked(&mut self, wait: Nanos) {
        self.blocked_wait.record(wait);
    }

    /// A send buffer holds `queued` bytes.
    #[inline]
    pub fn send_buffer(&mut self, queued: u64) {
        self.peak_send_buffer = self.peak_send_buffer.max(queued);
    }

    /// Losses by reason (whole run), to add to.
    pub fn lost(&mut self) -> &mut LostByReason {
        &mut self.lost
    }

    /// Losses by reason counted so far (the window ledger's opening mark reads them).
    pub fn lost_so_far(&self) -> LostByReason {
        self.lost
    }

    /// Late and repeated deliveries so far: (out of order, duplicates).
    pub fn misordered_so_far(&self) -> (u64, u64) {
        (self.out_of_order, self.duplicates)
    }

    /// The per-second series, to record into.
    #[inline]
    pub fn series(&mut self) -> &mut TimeSeries {
        &mut self.series
    }

    /// What the run counted, for its result.
    pub fn finish(self) -> Recorded {
        let mut bytes = WireBytes::default();
        for group in &self.bytes_by_group {
            bytes.down.add(group.down);
            bytes.up.add(group.up);
        }
        Recorded {
            counts: self.counts,
            bytes,
            bytes_by_group: self.bytes_by_group,
            queued_at_end: self.queued_at_end,
            latency: self.latency,
            first_response: self.first_response,
            out_of_order: self.out_of_order,
            duplicates: self.duplicates,
            blocked_streams: self.blocked_streams,
            blocked_wait: self.blocked_wait,
            peak_send_buffer: self.peak_send_buffer,
            lost: self.lost,
            series: self.series,
        }
    }
}

/// What a run counted, read when its result is assembled.
#[derive(Debug)]
pub struct Recorded {
    counts: [u64; COUNTS],
    /// The window's bytes: the sum over the groups (each byte crosses one access link).
    pub bytes: WireBytes,
    pub bytes_by_group: Vec<WireBytes>,
    pub queued_at_end: QueuedBytes,
    pub latency: LatencyRecorder,
    pub first_response: LatencyRecorder,
    pub out_of_order: u64,
    pub duplicates: u64,
    pub blocked_streams: u64,
    pub blocked_wait: LatencyRecorder,
    pub peak_send_buffer: u64,
    pub lost: LostByReason,
    pub series: TimeSeries,
}

impl Recorded {
    /// The window's total of `count`.
    pub fn get(&self, count: Count) -> u64 {
        self.counts[count as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Groups 0 and 1.
    const G0: GroupId = GroupId::new(0);
    const G1: GroupId = GroupId::new(1);

    const S: Nanos = 1_000_000_000;

    /// The instant `nanos` after the run began.
    fn at(nanos: Nanos) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    fn recorder() -> Recorder {
        // A window from 10 s to 60 s, two groups.
        Recorder::new(10 * S, 60 * S, 2)
    }

    #[test]
    fn counts_only_inside_the_window() {
        let mut r = recorder();
        r.count(Count::Requests, at(9 * S));
        r.count(Count::Requests, at(10 * S));
        r.count(Count::Requests, at(59 * S));
        r.count(Count::Requests, at(60 * S));
        r.add(Count::SegmentsSent, at(30 * S), 7);
        r.add(Count::SegmentsSent, at(5 * S), 100);
        let done = r.finish();
        assert_eq!(done.get(Count::Requests), 2, "10 s counts, 60 s does not");
        assert_eq!(done.get(Count::SegmentsSent), 7);
        assert_eq!(done.get(Count::Responses), 0);
    }

    #[test]
    fn bytes_add_up_by_group_and_direction() {
        let mut r = recorder();
        let layers = |payload, tcpip| LayerBytes {
            payload,
            tcpip,
            ..LayerBytes::default()
        };
        r.add_bytes(G0, at(20 * S), Direction::Down, layers(100, 40));
        r.add_bytes(G1, at(20 * S), Direction::Down, layers(50, 40));
        r.add_bytes(G1, at(20 * S), Direction::Up, layers(0, 40));
        r.add_bytes(G0, at(61 * S), Direction::Down, layers(1000, 40));
        r.bytes(G1, Direction::Up, layers(10, 0));
        r.queued_at_end(Direction::Down, 300);
        let done = r.finish();
        assert_eq!(done.bytes.down.payload, 150);
        assert_eq!(done.bytes.down.total(), 230);
        assert_eq!(done.bytes.up.total(), 50);
        assert_eq!(done.bytes_by_group[1].up.total(), 50);
        assert_eq!(done.queued_at_end.down, 300);
    }

    #[test]
    fn latency_counts_events_created_in_the_window_and_order_the_whole_run() {
        let mut r = recorder();
        r.delivered(at(5 * S), at(11 * S), Arrival::InOrder);
        r.delivered(at(20 * S), at(20 * S + S / 10), Arrival::InOrder);
        r.delivered(at(21 * S), at(21 * S + S / 5), Arrival::Late);
        r.delivered(at(2 * S), at(3 * S), Arrival::Duplicate);
        let done = r.finish();
        let latency = done.latency.summary().expect("two in the window");
        assert_eq!(latency.samples, 2);
        assert_eq!((done.out_of_order, done.duplicates), (1, 1));
    }

    #[test]
    fn the_peak_send_buffer_is_the_largest_seen() {
        let mut r = recorder();
        for queued in [10, 500, 20] {
            r.send_buffer(queued);
        }
        r.lost().slow_consumer += 3;
        let done = r.finish();
        assert_eq!(done.peak_send_buffer, 500);
        assert_eq!(done.lost.slow_consumer, 3);
    }
}
