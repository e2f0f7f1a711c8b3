//! The clients' access network of one run: each group's link parameters, each browser's
//! access link (one serializer per direction, shared by every connection of its tabs), the
//! segment-loss and jitter draws, and the partitions that cut a group off for a while.
//! The webhook sender's paths to its receivers are one too: a group and an access link per
//! receiver, without loss or partitions.
//!
//! Owns: when a message sent on a connection serializes, when it arrives, and what loss
//! and partitions cost it in delay and retransmissions ([`Network::send`]), in segments
//! and bytes ([`Sent::resent`]). Does not own:
//! the connections (their in-order queues, round-trip estimates and ACK debts are the
//! simulation's, handed in where a send needs them), nor the byte counters.
//!
//! Instants (a send's time, when it serializes and arrives, a partition's window, when a
//! link is free) are [`SimTime`]; latencies and timeouts are durations ([`Nanos`]).

use crate::engine::rng::Stream;
use crate::ids::{BrowserId, GroupId};
use crate::net::link::{LinkParams, LinkQueue};
use crate::net::loss::{self, Recovery, RttEstimator};
use crate::net::shared_link::{SharedCounters, SharedQueue};
use crate::net::wire::Direction;
use crate::time::{Nanos, SimTime};

/// The longest retransmission timeout TCP backs off to (Linux's `TCP_RTO_MAX`, 120 s).
const RTO_MAX: Nanos = 120_000_000_000;

/// One message put on a connection, as the network needs it.
#[derive(Debug, Clone, Copy)]
pub struct Transfer {
    /// The client's group (its link profile) and browser (its access link).
    pub group: GroupId,
    pub browser: BrowserId,
    pub direction: Direction,
    /// Bytes above TCP (what segment loss can hit), bytes on the wire, TCP segments.
    pub data: u64,
    pub wire: u64,
    pub segments: u64,
    /// One-way delay added on the path (topology links, proxies).
    pub path_latency: Nanos,
}

/// What became of a [`Transfer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    /// When it serialized on the access link.
    pub start: SimTime,
    pub done: SimTime,
    /// When it arrives (before the connection's in-order delivery).
    pub arrival: SimTime,
    /// What segment loss did to it.
    pub recovery: Recovery,
    /// Segments resent because a partition was in the way.
    pub partition_resends: u64,
    /// Segments a shared link's full buffer dropped (resent after the RTO), and their bytes.
    pub overflow_segments: u64,
    pub overflow_bytes: u64,
}

impl Sent {
    /// What its resends cost, for a message of `wire` bytes in `segments` segments with
    /// `header` bytes of TCP/IP headers per segment: the segments sent again (for loss and
    /// for a partition) and their bytes on the wire; `None` when nothing was sent again.
    /// A segment lost is its data and its header again; each attempt a partition held up
    /// sends the whole message again.
    #[inline(always)]
    pub fn resent(&self, wire: u64, segments: u64, header: u64) -> Option<(u64, u64)> {
        let recovery = self.recovery;
        let resent_segments =
            recovery.retransmitted_segments + self.partition_resends + self.overflow_segments;
        if resent_segments == 0 {
            return None;
        }
        let partition_bytes = if self.partition_resends > 0 {
            self.partition_resends / segments.max(1) * wire
        } else {
            0
        };
        let bytes = recovery.retransmitted_bytes
            + recovery.retransmitted_segments * header
            + partition_bytes
            + self.overflow_bytes;
        Some((resent_segments, bytes))
    }
}

/// The access network of one run.
#[derive(Debug, Clone)]
pub struct Network {
    /// Per group: link parameters by [`Direction::index`].
    links: Vec<[LinkParams; 2]>,
    /// Per browser: its access link's serializers by [`Direction::index`].
    access: Vec<[LinkQueue; 2]>,
    /// Per group: jitter and segment-loss streams by [`Direction::index`].
    jitter: Vec<[Stream; 2]>,
    loss: Vec<[Stream; 2]>,
    /// Per group: when its access links are partitioned, in time order.
    partitions: Vec<Vec<(SimTime, SimTime)>>,
    /// TCP's maximum segment size.
    mss: u64,
    /// The shared links' queues by [`Direction::index`], and per group the shared links its
    /// path crosses (indices into them), from the group toward the servers.
    shared: Vec<[SharedQueue; 2]>,
    crossing: Vec<Vec<u32>>,
}

/// The shared links of a run and, per group, the ones its path crosses toward the servers
/// (indices into the first), for [`Network::with_shared`].
pub type SharedLinks = (Vec<[SharedQueue; 2]>, Vec<Vec<u32>>);

impl Network {
    /// A network of groups with `links`, `jitter` and `loss` streams and `partitions`
    /// (each per group), for `browsers` browsers, with segments of `mss` bytes.
    pub fn new(
        links: Vec<[LinkParams; 2]>,
        (jitter, loss): (Vec<[Stream; 2]>, Vec<[Stream; 2]>),
        partitions: Vec<Vec<(SimTime, SimTime)>>,
        browsers: usize,
        mss: u64,
    ) -> Self {
        Network {
            links,
            access: vec![[LinkQueue::default(); 2]; browsers],
            jitter,
            loss,
            partitions,
            mss,
            shared: Vec::new(),
            crossing: Vec::new(),
        }
    }

    /// The same network with shared links (`crossing` has one entry per group).
    pub fn with_shared(mut self, (shared, crossing): SharedLinks) -> Self {
        debug_assert!(crossing.is_empty() || crossing.len() == self.links.len());
        self.shared = shared;
        self.crossing = crossing;
        self
    }

    /// Each shared link's counters, `[toward the clients, toward the servers]`.
    pub fn shared_counters(&self) -> Vec<[SharedCounters; 2]> {
        self.shared
            .iter()
            .map(|[down, up]| [*down.counters(), *up.counters()])
            .collect()
    }

    /// Whether group `group`'s path crosses a shared link.
    #[inline]
    fn crosses_shared(&self, group: GroupId) -> bool {
        self.crossing
            .get(group.index())
            .is_some_and(|c| !c.is_empty())
    }

    /// A message that left the access link over `[start, done)` through the shared links
    /// of group `group`'s path, in the order `direction` takes them (toward the servers up,
    /// toward the clients down; the access link's serialization and theirs overlap, see
    /// [`crate::net::shared_link`]). Returns how much later than `done` its last byte is
    /// through (a tail a full buffer dropped is resent `rto` after it entered), and the
    /// segments and bytes dropped.
    fn through_shared(
        &mut self,
        group: GroupId,
        direction: Direction,
        (start, done): (SimTime, SimTime),
        (wire, segments): (u64, u64),
        rto: Nanos,
    ) -> (Nanos, u64, u64) {
        let d = direction.index();
        let crossing = &self.crossing[group.index()];
        let (mut ready, mut last) = (start, done);
        let (mut dropped_segments, mut dropped_bytes) = (0, 0);
        let mut pass = |link: u32| {
            let p = self.shared[link as usize][d].pass(ready, last, (wire, segments), rto);
            ready = p.start;
            last = last.max(p.done);
            dropped_segments += p.dropped_segments;
            dropped_bytes += p.dropped_bytes;
        };
        match direction {
            Direction::Up => crossing.iter().copied().for_each(&mut pass),
            Direction::Down => crossing.iter().rev().copied().for_each(&mut pass),
        }
        (last.since(done), dropped_segments, dropped_bytes)
    }

    /// Group `group`'s link in `direction`.
    #[inline]
    pub fn link(&self, group: GroupId, direction: Direction) -> &LinkParams {
        &self.links[group][direction.index()]
    }

    /// Group `group` moves to other links (a network switch).
    pub fn switch_links(&mut self, group: GroupId, links: [LinkParams; 2]) {
        self.links[group] = links;
    }

    /// Whether a connection of group `group` in `direction` needs its round-trip estimate
    /// (it paces the retransmissions of loss and partitions).
    #[inline]
    pub fn needs_rtt(&self, group: GroupId, direction: Direction) -> bool {
        self.links[group][direction.index()].loss_ppm > 0
            || !self.partitions[group].is_empty()
            || self.crosses_shared(group)
    }

    /// When browser `browser`'s access link in `direction` is free.
    #[inline]
    pub fn busy_until(&self, browser: BrowserId, direction: Direction) -> SimTime {
        self.access[browser][direction.index()].busy_until()
    }

    /// Sends `transfer` at `now` on a connection whose sender estimates `rtt`:
    /// segment loss and its recovery, serialization on the browser's access link,
    /// propagation, jitter and the path's delay, then any partition in its way.
    /// `partition_release` is the connection's (partition end, release time): data behind
    /// a segment held by a partition follows it.
    #[inline(always)]
    pub fn send(
        &mut self,
        transfer: Transfer,
        rtt: &RttEstimator,
        partition_release: &mut (SimTime, SimTime),
        now: SimTime,
    ) -> Sent {
        let Transfer { group, browser, .. } = transfer;
        let d = transfer.direction.index();
        let params = &self.links[group][d];
        let recovery = if params.loss_ppm == 0 {
            Recovery::default()
        } else {
            loss::transmit(
                transfer.data,
                self.mss,
                params.loss_ppm,
                rtt.srtt().unwrap_or(2 * params.latency),
                rtt.rto(),
                &mut self.loss[group][d],
            )
        };
        // The message's own arrival; the connection delivers in order after this.
        let mut own = SimTime::ZERO;
        let sent = self.access[browser][d].transmit(
            now,
            transfer.wire,
            recovery.delay + transfer.path_latency,
            params,
            &mut self.jitter[group][d],
            &mut own,
        );
        let (mut arrival, mut overflow_segments, mut overflow_bytes) = (sent.arrival, 0, 0);
        if self.crosses_shared(group) {
            let (later, segments, bytes) = self.through_shared(
                group,
                transfer.direction,
                (sent.start, sent.done),
                (transfer.wire, transfer.segments),
                rtt.rto(),
            );
            arrival = arrival.saturating_add(later);
            (overflow_segments, overflow_bytes) = (segments, bytes);
        }
        let (arrival, partition_resends) = if self.partitions[group].is_empty() {
            (arrival, 0)
        } else {
            let (held, resends) =
                self.through_partitions(group, now, arrival, rtt.rto(), partition_release);
            (held, resends * transfer.segments.max(1))
        };
        Sent {
            start: sent.start,
            done: sent.done,
            arrival,
            recovery,
            partition_resends,
            overflow_segments,
            overflow_bytes,
        }
    }

    /// When the message sent at `sent` on group `group`'s link, due at `arrival`, really
    /// arrives: a partition over its way holds it until the connection's first lost
    /// segment gets through — TCP retries it after its RTO, doubling from `rto` (at most
    /// 120 s, as in Linux), and the first retry after the partition succeeds — and the data
    /// behind it follows. `release` is the connection's (partition end, release time).
    /// Returns the arrival and the retransmissions this message caused.
    fn through_partitions(
        &self,
        group: GroupId,
        sent: SimTime,
        arrival: SimTime,
        rto: Nanos,
        release: &mut (SimTime, SimTime),
    ) -> (SimTime, u64) {
        let mut arrival = arrival;
        let mut resent = 0;
        for (from, to) in &self.partitions[group] {
            if arrival <= *from || sent >= *to {
                continue;
            }
            let trip = arrival.since(sent);
            if release.0 != *to {
                // The connection's first segment lost in this partition.
                let mut attempt = sent.max(*from);
                let mut wait = rto.max(1);
                while attempt < *to {
                    attempt += wait;
                    wait = (wait * 2).min(RTO_MAX);
                    resent += 1;
                }
                *release = (*to, attempt);
            }
            arrival = arrival.max(release.1 + trip);
        }
        (arrival, resent)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::rng::stream;

    const MS: Nanos = 1_000_000;
    const S: Nanos = 1_000_000_000;

    /// The instant `nanos` nanoseconds into the run.
    pub(crate) fn t(nanos: u64) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    /// One group on a 8 Mbit/s (a byte a microsecond) link of 10 ms each way, without loss
    /// or jitter, two browsers (also the connections' tests' network).
    pub(crate) fn network(partitions: Vec<(SimTime, SimTime)>) -> Network {
        let link = LinkParams {
            bits_per_second: 8_000_000,
            latency: 10 * MS,
            jitter: 0,
            loss_ppm: 0,
        };
        let streams = || vec![[stream(1, "a"), stream(1, "b")]];
        Network::new(
            vec![[link; 2]],
            (streams(), streams()),
            vec![partitions],
            2,
            1448,
        )
    }

    fn transfer(browser: usize, wire: u64) -> Transfer {
        Transfer {
            group: GroupId::new(0),
            browser: BrowserId::at(browser),
            direction: Direction::Down,
            data: wire,
            wire,
            segments: 1,
            path_latency: 2 * MS,
        }
    }

    #[test]
    fn a_browser_s_messages_queue_on_its_access_link() {
        let mut net = network(Vec::new());
        let rtt = RttEstimator::default();
        let mut release = (SimTime::ZERO, SimTime::ZERO);
        let first = net.send(transfer(0, 1000), &rtt, &mut release, t(0));
        // 1000 bytes take 1 ms, then 10 ms of latency and 2 ms on the path.
        assert_eq!(
            (first.start, first.done, first.arrival),
            (t(0), t(MS), t(13 * MS))
        );
        let second = net.send(transfer(0, 1000), &rtt, &mut release, t(0));
        assert_eq!(
            (second.start, second.done),
            (t(MS), t(2 * MS)),
            "it waits for the first"
        );
        let other = net.send(transfer(1, 1000), &rtt, &mut release, t(0));
        assert_eq!(other.start, t(0), "another browser has its own access link");
        assert_eq!(
            net.busy_until(BrowserId::new(0), Direction::Down),
            t(2 * MS)
        );
        assert!(!net.needs_rtt(GroupId::new(0), Direction::Down));
    }

    #[test]
    fn a_partition_holds_data_until_a_retry_after_it_gets_through() {
        // Cut off from 0.5 s to 3 s; the RTO is 1 s (the estimator's initial value).
        let mut net = network(vec![(t(S / 2), t(3 * S))]);
        assert!(net.needs_rtt(GroupId::new(0), Direction::Down));
        let rtt = RttEstimator::default();
        let mut release = (SimTime::ZERO, SimTime::ZERO);
        let sent = net.send(transfer(0, 1000), &rtt, &mut release, t(S));
        // Retries at 2 s and 4 s (the RTO doubles): the second gets through.
        assert_eq!(sent.partition_resends, 2);
        assert_eq!(release, (t(3 * S), t(4 * S)));
        assert_eq!(sent.arrival, t(4 * S + 13 * MS));
        // Data sent behind it on the same connection follows the released segment.
        let behind = net.send(transfer(0, 1000), &rtt, &mut release, t(2 * S));
        assert_eq!(behind.partition_resends, 0);
        assert_eq!(behind.arrival, t(4 * S + 13 * MS));
        // After the partition, nothing is held.
        let after = net.send(transfer(0, 1000), &rtt, &mut release, t(5 * S));
        assert_eq!(after.arrival, t(5 * S + 13 * MS));
    }
    #[test]
    fn a_resend_costs_a_lost_segment_s_data_and_header_and_a_partition_s_whole_message() {
        let sent = |retransmitted_segments, retransmitted_bytes, partition_resends| Sent {
            start: SimTime::ZERO,
            done: SimTime::ZERO,
            arrival: SimTime::ZERO,
            recovery: Recovery {
                delay: 0,
                retransmitted_segments,
                retransmitted_bytes,
            },
            partition_resends,
            overflow_segments: 0,
            overflow_bytes: 0,
        };
        // A 3-segment message of 4000 bytes on the wire; 40-byte headers.
        assert_eq!(sent(0, 0, 0).resent(4000, 3, 40), None);
        assert_eq!(sent(1, 1448, 0).resent(4000, 3, 40), Some((1, 1448 + 40)));
        // Two attempts held up by a partition: the whole message twice (6 segments).
        assert_eq!(sent(0, 0, 6).resent(4000, 3, 40), Some((6, 8000)));
        assert_eq!(
            sent(2, 2000, 3).resent(4000, 3, 40),
            Some((5, 2000 + 80 + 4000))
        );
    }
}
