//! A client's access link, one direction: a FIFO queue in front of a serializer, then
//! propagation delay plus jitter.
//!
//! A message leaves when the link is free (`busy_until`), takes `bytes × 8 / bandwidth` to
//! serialize, and arrives after the one-way latency plus a uniform draw from `[0, jitter]`.
//! Data on the link belongs to one TCP stream, which jitter must not reorder: a message
//! never arrives before the one sent ahead of it.
//!
//! A message's bytes are carried while it serializes: [`carried_within`] gives the part of
//! them that falls within a measurement window, so that the bytes a window reports never
//! exceed what the link can carry in it (the part serialized after the end is still
//! queued). Instants (when the link is free, a message's start, end and arrival, the
//! window's bounds) are [`SimTime`]; latency, jitter and serialization are durations.
//! Pure ACKs and the segments resent after a loss are counted by the caller but
//! take no serializer time (their time shows as delay instead).

use crate::engine::rng::{Stream, uniform_below};
use crate::time::{Nanos, SimTime};

/// Transmission parameters of one direction.
#[derive(Debug, Clone, Copy)]
pub struct LinkParams {
    pub bits_per_second: u64,
    pub latency: Nanos,
    pub jitter: Nanos,
    /// Segment loss probability, parts per million.
    pub loss_ppm: u32,
}

impl LinkParams {
    /// Time to put `bytes` on the wire, rounded up to whole nanoseconds.
    pub fn serialization(&self, bytes: u64) -> Nanos {
        // u64 arithmetic while bytes x 8e9 fits (below 2.3 GB), u128 beyond.
        match bytes.checked_mul(8_000_000_000) {
            Some(bit_ns) => bit_ns.div_ceil(self.bits_per_second),
            None => {
                let ns = (bytes as u128 * 8_000_000_000).div_ceil(self.bits_per_second as u128);
                ns.min(u64::MAX as u128) as Nanos
            }
        }
    }
}

/// The serializer of one direction of one access link, shared by every connection on it.
#[derive(Debug, Clone, Copy, Default)]
pub struct LinkQueue {
    /// When the serializer finishes what is queued.
    busy_until: SimTime,
}

/// One message on a link: when it started and finished serializing, and when it arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transmission {
    pub start: SimTime,
    pub done: SimTime,
    pub arrival: SimTime,
}

/// The part of `bytes`, serialized evenly over `[start, done)`, that the link carries within
/// `[from, to)` (rounded down). A message that takes no time is carried at `start`.
pub fn carried_within(
    bytes: u64,
    start: SimTime,
    done: SimTime,
    from: SimTime,
    to: SimTime,
) -> u64 {
    if done <= start {
        return if (from..to).contains(&start) {
            bytes
        } else {
            0
        };
    }
    let overlap = done.min(to).saturating_since(start.max(from));
    let serializing = done.since(start);
    if overlap == serializing {
        return bytes;
    }
    (bytes as u128 * overlap as u128 / serializing as u128) as u64
}

impl LinkQueue {
    /// When the serializer finishes what is queued.
    pub fn busy_until(&self) -> SimTime {
        self.busy_until
    }

    /// Sends a data message of `bytes` at `now`, delayed by `recovery` more (the
    /// retransmission of lost segments), on the connection whose last arrival is `order`;
    /// returns its arrival time, never before `order` (a TCP stream is not reordered).
    pub fn send(
        &mut self,
        now: SimTime,
        bytes: u64,
        recovery: Nanos,
        params: &LinkParams,
        rng: &mut Stream,
        order: &mut SimTime,
    ) -> SimTime {
        self.transmit(now, bytes, recovery, params, rng, order)
            .arrival
    }

    /// [`LinkQueue::send`], also telling when the message serialized.
    pub fn transmit(
        &mut self,
        now: SimTime,
        bytes: u64,
        recovery: Nanos,
        params: &LinkParams,
        rng: &mut Stream,
        order: &mut SimTime,
    ) -> Transmission {
        let start = now.max(self.busy_until);
        let done = start.saturating_add(params.serialization(bytes));
        self.busy_until = done;
        let arrival = done + params.latency + uniform_below(rng, params.jitter + 1) + recovery;
        *order = arrival.max(*order);
        Transmission {
            start,
            done,
            arrival: *order,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

    /// The instant `nanos` nanoseconds into the run.
    fn t(nanos: u64) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    #[test]
    fn serialization_and_queueing() {
        let p = LinkParams {
            bits_per_second: 8_000_000, // one byte per microsecond
            latency: 10_000,
            jitter: 0,
            loss_ppm: 0,
        };
        let mut rng = stream(1, "test");
        let mut q = LinkQueue::default();
        let mut order = SimTime::ZERO;
        assert_eq!(
            q.send(t(0), 1000, 0, &p, &mut rng, &mut order),
            t(1_000_000 + 10_000)
        );
        // Queued behind the first message.
        assert_eq!(
            q.send(t(500_000), 1000, 0, &p, &mut rng, &mut order),
            t(2_000_000 + 10_000)
        );
        // An idle link starts at once.
        assert_eq!(
            q.send(t(5_000_000), 1, 0, &p, &mut rng, &mut order),
            t(5_001_000 + 10_000)
        );
    }

    #[test]
    fn a_window_gets_the_bytes_serialized_within_it() {
        // 1000 bytes over [100, 200): a quarter of the time falls in [175, 300).
        assert_eq!(carried_within(1000, t(100), t(200), t(175), t(300)), 250);
        assert_eq!(carried_within(1000, t(100), t(200), t(0), t(150)), 500);
        assert_eq!(carried_within(1000, t(100), t(200), t(100), t(200)), 1000);
        assert_eq!(carried_within(1000, t(100), t(200), t(200), t(300)), 0);
        // Taking no time: carried at its start.
        assert_eq!(carried_within(40, t(100), t(100), t(100), t(101)), 40);
        assert_eq!(carried_within(40, t(100), t(100), t(101), t(200)), 0);
    }

    #[test]
    fn a_busy_link_carries_no_more_than_its_capacity_in_a_window() {
        let p = LinkParams {
            bits_per_second: 8_000_000, // one byte per microsecond
            latency: 0,
            jitter: 0,
            loss_ppm: 0,
        };
        let mut rng = stream(1, "test");
        let mut q = LinkQueue::default();
        let mut order = SimTime::ZERO;
        // 100 messages of 1 MB offered in the first second: a second carries 1 MB.
        let mut carried = 0;
        for i in 0..100 {
            let sent = q.transmit(t(i * 10_000_000), 1_000_000, 0, &p, &mut rng, &mut order);
            carried += carried_within(1_000_000, sent.start, sent.done, t(0), t(1_000_000_000));
        }
        assert_eq!(carried, 1_000_000);
    }

    #[test]
    fn jitter_never_reorders() {
        let p = LinkParams {
            bits_per_second: 1_000_000_000,
            latency: 1_000_000,
            jitter: 5_000_000,
            loss_ppm: 0,
        };
        let mut rng = stream(3, "test");
        let mut q = LinkQueue::default();
        let mut order = SimTime::ZERO;
        let mut last = SimTime::ZERO;
        let mut spread = Vec::new();
        for i in 0..1000 {
            let now = t(i * 100_000);
            let arrival = q.send(now, 100, 0, &p, &mut rng, &mut order);
            assert!(arrival >= last);
            last = arrival;
            spread.push(arrival.since(now));
        }
        assert!(spread.iter().any(|d| *d > 3_000_000), "jitter is applied");
    }
}
