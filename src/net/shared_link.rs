//! A link that many connections share, one direction: an office uplink, a server's NIC, a
//! region's egress (issue 18). A FIFO serializer with a drop-tail buffer, in front of which
//! every message of every group whose path crosses the link queues.
//!
//! Owns: when a message passes the link (queueing behind what is already there, then its
//! own serialization), which of its segments the full buffer drops, and the link's
//! counters (bytes carried, segments dropped, queueing delay, peak backlog) over the
//! measurement window. Does not own: the access links before and after it, the loss
//! recovery of the segments it drops (the caller adds the retransmission timeout and
//! counts the resent bytes), nor which groups cross it (the scenario's topology).
//!
//! # The model, and why this one
//!
//! Issue 18 offers two: a flow-level fair-share model (max-min fairness, as SimGrid's
//! validated flow models) or per-packet queueing. rtsim's traffic is mostly
//! application-limited (small messages at the workload's rate), which a fair-share model
//! cannot queue: it has no queue, so no bufferbloat and no overflow. So this is a queue,
//! at message granularity to keep one computation per message and no new events:
//!
//! - **FIFO and drop-tail.** A message entering at `t` finds a backlog of
//!   `(busy_until − t) × rate` bytes. Whole segments that fit in `buffer − backlog` are
//!   queued; the rest of the message (its tail: its segments arrive in order and the later
//!   ones find the buffer full) is dropped. A drop-tail queue's delay at saturation is
//!   therefore at most `buffer / rate`.
//! - **Pipelined with the access link.** A message's segments flow through the access link
//!   and the shared one together: the shared link starts when the message's first byte
//!   reaches it and cannot finish before the access link has finished sending it
//!   ([`SharedQueue::pass`] takes both instants).
//! - **Admission in sending order.** The passage is computed when the message is sent, in
//!   the simulation's `(time, seq)` order, not when its first byte reaches the link; the two
//!   differ by at most the access link's queueing for that browser, so FIFO order between
//!   browsers can be off by that much.
//! - **No congestion control.** Senders do not slow down on loss (no cwnd): fine for the
//!   application-limited traffic rtsim models, optimistic for bulk transfers (a reconnect
//!   storm's histories), which queue and overflow as offered.
//! - **The dropped tail is resent after the retransmission timeout** (the tail of a write
//!   has no later segments to raise duplicate ACKs, so TCP waits for its RTO, RFC 6298;
//!   Linux's tail-loss probe would come sooner, RFC 8985). The resend takes serializer
//!   time when it is due: it waits in a list by due time, and joins the queue before the
//!   first message that enters at or after that time, so the link's capacity is spent on
//!   it as on any message. Its own arrival is estimated when the message is sent, from the
//!   queue known then (optimistic by the messages that enter between now and the resend),
//!   and it is assumed to fit the buffer.
//!
//! Validated by the tests below against theory: N equal senders get 1/N of the capacity,
//! the delay at saturation is `buffer / rate`, and Poisson arrivals of equal messages wait
//! as M/D/1 predicts (Pollaczek–Khinchine: `ρ / (2μ(1 − ρ))`).

use std::collections::BTreeMap;

use crate::net::loss::MAX_RTO;
use crate::time::{Nanos, SimTime};

/// The buffer of a shared link when the scenario does not say: 1,000 packets of 1,500
/// bytes, Linux's default transmit queue (`txqueuelen` 1000, ip-link(8)) of full Ethernet
/// frames.
pub const DEFAULT_BUFFER: u64 = 1_000 * 1_500;

/// One direction of a shared link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SharedParams {
    pub bits_per_second: u64,
    /// Drop-tail buffer, bytes.
    pub buffer: u64,
}

impl SharedParams {
    /// Time to put `bytes` on the link, rounded up to whole nanoseconds.
    pub fn serialization(&self, bytes: u64) -> Nanos {
        let ns = (bytes as u128 * 8_000_000_000).div_ceil(self.bits_per_second as u128);
        ns.min(u64::MAX as u128) as Nanos
    }

    /// Bytes the link sends in `ns`, rounded up (a part-sent byte still holds its place).
    fn bytes_in(&self, ns: Nanos) -> u64 {
        let bytes = (ns as u128 * self.bits_per_second as u128).div_ceil(8_000_000_000);
        bytes.min(u64::MAX as u128) as u64
    }
}

/// A message's way through the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Passage {
    /// When its first byte went on the link, and when its last kept byte left.
    pub start: SimTime,
    pub done: SimTime,
    /// Segments of its tail that the full buffer dropped, and their bytes (resent, and
    /// included in `done`).
    pub dropped_segments: u64,
    pub dropped_bytes: u64,
}

/// What a shared link did within the measurement window (messages that entered it then).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SharedCounters {
    pub messages: u64,
    /// Bytes carried, resends included.
    pub bytes: u64,
    pub dropped_segments: u64,
    pub dropped_bytes: u64,
    /// Sum and maximum of the time messages waited behind others.
    pub queueing_total: u128,
    pub queueing_max: Nanos,
    /// The most bytes the buffer held.
    pub peak_backlog: u64,
}

/// One direction of a shared link: its serializer and its counters.
#[derive(Debug, Clone)]
pub struct SharedQueue {
    params: SharedParams,
    busy_until: SimTime,
    /// The measurement window `[from, to)`.
    window: (SimTime, SimTime),
    counters: SharedCounters,
    /// Resends of dropped tails not yet due: by due time, their bytes and the timeout
    /// that doubles if the buffer drops them again.
    resends: BTreeMap<SimTime, (u64, Nanos)>,
}

impl SharedQueue {
    pub fn new(params: SharedParams, window: (SimTime, SimTime)) -> Self {
        SharedQueue {
            params,
            busy_until: SimTime::ZERO,
            window,
            counters: SharedCounters::default(),
            resends: BTreeMap::new(),
        }
    }

    pub fn counters(&self) -> &SharedCounters {
        &self.counters
    }

    /// Bytes waiting in the buffer at `t`.
    pub fn backlog(&self, t: SimTime) -> u64 {
        self.params.bytes_in(self.busy_until.saturating_since(t))
    }

    /// Queues the resends due at or before `t`, in due order; what the buffer has no room
    /// for is dropped again and resent after twice the timeout (RFC 6298 §5.5, at most
    /// [`MAX_RTO`]).
    fn take_resends_due(&mut self, t: SimTime) {
        while let Some(entry) = self.resends.first_entry() {
            if *entry.key() > t {
                break;
            }
            let (due, (bytes, rto)) = entry.remove_entry();
            let room = self.params.buffer.saturating_sub(self.backlog(due));
            let kept = bytes.min(room);
            let start = due.max(self.busy_until);
            self.busy_until = start.saturating_add(self.params.serialization(kept));
            if (self.window.0..self.window.1).contains(&due) {
                self.counters.bytes += kept;
                self.counters.dropped_bytes += bytes - kept;
            }
            if kept < bytes {
                let rto = (2 * rto).min(MAX_RTO);
                self.resend(due.saturating_add(rto), bytes - kept, rto);
            }
        }
    }

    fn resend(&mut self, due: SimTime, bytes: u64, rto: Nanos) {
        let entry = self.resends.entry(due).or_default();
        entry.0 += bytes;
        entry.1 = entry.1.max(rto);
    }

    /// A message of `wire` bytes in `segments` segments whose first byte reaches the link at
    /// `ready` and whose last leaves the link before it at `upstream_done`: what fits in the
    /// buffer queues, the tail that does not is dropped and resent `rto` after `ready`.
    pub fn pass(
        &mut self,
        ready: SimTime,
        upstream_done: SimTime,
        (wire, segments): (u64, u64),
        rto: Nanos,
    ) -> Passage {
        self.take_resends_due(ready);
        let segments = segments.max(1);
        let backlog = self.backlog(ready);
        let room = self.params.buffer.saturating_sub(backlog);
        let (kept, dropped_segments) = if wire <= room {
            (wire, 0)
        } else {
            let per_segment = wire.div_ceil(segments);
            let fit = (room / per_segment).min(segments);
            (fit * per_segment, segments - fit)
        };
        let start = ready.max(self.busy_until);
        let mut done = if kept == 0 {
            start
        } else {
            let done = start.saturating_add(self.params.serialization(kept));
            self.busy_until = done;
            done.max(upstream_done)
        };
        let dropped_bytes = wire - kept;
        if dropped_bytes > 0 {
            // Estimated from the queue known now: behind what is queued and behind the
            // resends due no later than this one (all resent with it, if it is a burst's).
            let due = ready.saturating_add(rto);
            let ahead: u64 = self
                .resends
                .range(..=due)
                .map(|(_, (bytes, _))| bytes)
                .sum();
            self.resend(due, dropped_bytes, rto);
            let resent = due
                .max(self.busy_until)
                .saturating_add(self.params.serialization(ahead + dropped_bytes));
            done = done.max(resent);
        }
        if (self.window.0..self.window.1).contains(&ready) {
            let c = &mut self.counters;
            let waited = start.since(ready);
            c.messages += 1;
            c.bytes += kept;
            c.dropped_segments += dropped_segments;
            c.dropped_bytes += dropped_bytes;
            c.queueing_total += u128::from(waited);
            c.queueing_max = c.queueing_max.max(waited);
            c.peak_backlog = c.peak_backlog.max(backlog + kept);
        }
        Passage {
            start,
            done,
            dropped_segments,
            dropped_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::{exponential, stream};

    const MS: Nanos = 1_000_000;
    const RTO: Nanos = 200 * MS;

    fn queue(mbit: u64, buffer: u64) -> SharedQueue {
        SharedQueue::new(
            SharedParams {
                bits_per_second: mbit * 1_000_000,
                buffer,
            },
            (SimTime::ZERO, SimTime::MAX),
        )
    }

    fn at(ns: Nanos) -> SimTime {
        SimTime::from_nanos(ns)
    }

    #[test]
    fn an_idle_link_passes_a_message_in_its_serialization_time() {
        // 1,500 B at 12 Mbit/s: 1,500 × 8 / 12e6 s = 1 ms.
        let mut q = queue(12, DEFAULT_BUFFER);
        let p = q.pass(at(5 * MS), at(5 * MS), (1_500, 1), RTO);
        assert_eq!(
            (p.start, p.done, p.dropped_segments),
            (at(5 * MS), at(6 * MS), 0)
        );
        // Pipelined: a slower access link before it sets the end.
        let p = q.pass(at(10 * MS), at(20 * MS), (1_500, 1), RTO);
        assert_eq!((p.start, p.done), (at(10 * MS), at(20 * MS)));
    }

    /// N senders offering more than the link carries, each a message of the same size in
    /// turn: each gets 1/N of the capacity (FIFO serves them alternately).
    #[test]
    fn n_equal_senders_get_one_nth_of_the_capacity_each() {
        let n = 4;
        // 10 Mbit/s, 1,250 B messages: 1 ms each; every sender offers one every 2 ms
        // (2x the link's capacity in all), for 10 s. Ample buffer: nothing dropped.
        let mut q = queue(10, 100_000_000);
        let mut carried = vec![0u64; n];
        let (end, mut t) = (at(10_000 * MS), 0);
        loop {
            for (s, bytes) in carried.iter_mut().enumerate() {
                let ready = at(t + s as u64);
                let p = q.pass(ready, ready, (1_250, 1), RTO);
                if p.done <= end {
                    *bytes += 1_250;
                }
            }
            t += 2 * MS;
            if at(t) >= end {
                break;
            }
        }
        // 10 Mbit/s over 10 s is 12.5 MB; a quarter each, to one message.
        for bytes in carried {
            assert!(bytes.abs_diff(12_500_000 / 4) <= 1_250, "{bytes}");
        }
    }

    /// Offered more than it carries, the queue fills to the buffer and a message waits at
    /// most buffer / rate (150,000 B at 12 Mbit/s is 100 ms) less its own serialization. The link stays busy and what
    /// it carries is its capacity: 1,500 B a millisecond.
    #[test]
    fn the_delay_at_saturation_is_the_buffer_over_the_rate_and_the_rest_is_dropped() {
        let mut q = queue(12, 150_000);
        let mut worst = 0;
        let mut dropped = 0;
        // 1,500 B every 0.5 ms: twice the 1 ms per message the link takes, for 2 s.
        for k in 0..4_000u64 {
            let ready = at(k * MS / 2);
            let p = q.pass(ready, ready, (1_500, 1), RTO);
            if p.dropped_segments == 0 {
                worst = worst.max(p.start.since(ready));
            }
            dropped += p.dropped_segments;
        }
        // A message enters only if it fits behind the backlog, so it waits at most for
        // buffer − itself: 148,500 B at 12 Mbit/s, 99 ms, reached once the queue is full.
        assert_eq!(worst, 99 * MS);
        assert!(q.counters().peak_backlog <= 150_000);
        // Busy from the start: 2 s at one message a millisecond, plus what the full
        // buffer still holds at the end (at most 150,000 B). At least the excess offered
        // (4,000 − 2,000 − the buffer's 100) is dropped; more messages are, since their
        // resends come back to a full buffer and compete with them.
        let carried = q.counters().bytes;
        assert!((3_000_000..=3_150_000).contains(&carried), "{carried}");
        assert!((1_900..4_000).contains(&dropped), "{dropped}");
        assert_eq!(q.counters().dropped_segments, dropped);
    }

    /// A dropped tail is resent one RTO after it entered, and takes the link's time then.
    #[test]
    fn a_dropped_tail_comes_one_rto_later_and_takes_the_link_then() {
        // A full 3,000 B buffer at 12 Mbit/s (2 ms of backlog): the next 1,500 B message is
        // dropped whole and resent at 200 ms, when the link is idle: done at 201 ms.
        let mut q = queue(12, 3_000);
        q.pass(at(0), at(0), (3_000, 2), RTO);
        let p = q.pass(at(0), at(0), (1_500, 1), RTO);
        assert_eq!((p.dropped_segments, p.done), (1, at(201 * MS)));
        // A message entering at 200.5 ms queues behind the resend (due at 200 ms).
        let p = q.pass(
            at(200 * MS + MS / 2),
            at(200 * MS + MS / 2),
            (1_500, 1),
            RTO,
        );
        assert_eq!((p.start, p.done), (at(201 * MS), at(202 * MS)));
        assert_eq!(q.counters().bytes, 3_000 + 1_500 + 1_500);
    }

    #[test]
    fn a_message_larger_than_the_room_loses_its_tail_in_whole_segments() {
        // 3,000 B of backlog in a 5,000 B buffer: room for 2,000 B, one 1,500 B segment of
        // a four-segment 6,000 B message.
        let mut q = queue(12, 5_000);
        q.pass(at(0), at(0), (3_000, 2), RTO);
        let p = q.pass(at(0), at(0), (6_000, 4), RTO);
        assert_eq!((p.dropped_segments, p.dropped_bytes), (3, 4_500));
        // It starts behind the 2 ms backlog and takes 1 ms for the segment it kept; the
        // other three (4,500 B, 3 ms) are resent at 200 ms, on an idle link.
        assert_eq!((p.start, p.done), (at(2 * MS), at(203 * MS)));
    }

    /// Poisson arrivals of equal messages at load ρ = 0.5 on an ample buffer: M/D/1, whose
    /// mean wait is ρ / (2μ(1 − ρ)) = 0.5 × the service time (Pollaczek–Khinchine).
    #[test]
    fn poisson_arrivals_wait_as_m_d_1_predicts() {
        let mut q = queue(12, u64::MAX);
        let mut rng = stream(7, "m/d/1");
        let service = 1.0; // ms for 1,500 B at 12 Mbit/s
        let mean_gap = 2.0 * MS as f64; // ρ = 0.5
        let (mut t, n) = (0u64, 200_000);
        let mut waited = 0u128;
        for _ in 0..n {
            t += exponential(&mut rng, mean_gap);
            let ready = at(t);
            let p = q.pass(ready, ready, (1_500, 1), RTO);
            waited += u128::from(p.start.since(ready));
        }
        let mean = waited as f64 / n as f64 / MS as f64;
        let theory = 0.5 / (2.0 * (1.0 / service) * (1.0 - 0.5));
        assert!(
            (mean - theory).abs() / theory < 0.03,
            "{mean} against {theory}"
        );
    }

    #[test]
    fn only_messages_entering_within_the_window_are_counted() {
        let params = SharedParams {
            bits_per_second: 12_000_000,
            buffer: DEFAULT_BUFFER,
        };
        let mut q = SharedQueue::new(params, (at(10 * MS), at(20 * MS)));
        for ms in [0, 10, 19, 20] {
            q.pass(at(ms * MS), at(ms * MS), (1_500, 1), RTO);
        }
        assert_eq!((q.counters().messages, q.counters().bytes), (2, 3_000));
    }
}
