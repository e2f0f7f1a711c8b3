//! Segment loss and TCP's recovery: which segments of a message are lost, how long their
//! retransmission delays the message, and the retransmission timeout estimate.
//!
//! Each segment is lost independently with the link's loss probability (so is each of its
//! retransmissions). A lost segment followed by at least three more segments of the same
//! write is recovered by fast retransmit after the duplicate ACKs come back, about one round
//! trip (RFC 5681 section 3.2); any other loss waits for the retransmission timeout, which
//! doubles with each further loss of the same segment (RFC 6298 section 5.5). The message
//! arrives when its last segment does; later messages on the connection wait behind it
//! (head-of-line blocking, kept by the link's in-order rule).

use crate::engine::rng::{RngExt, Stream};
use crate::time::Nanos;

const MS: Nanos = 1_000_000;
/// RTO before any round-trip sample (RFC 6298 section 2.1).
pub const INITIAL_RTO: Nanos = 1_000 * MS;
/// Lower bound of the RTO: Linux's `TCP_RTO_MIN` (RFC 6298 suggests 1 s; Linux uses 200 ms).
pub const MIN_RTO: Nanos = 200 * MS;
/// Upper bound of the RTO (RFC 6298 section 2.5: at least 60 s).
pub const MAX_RTO: Nanos = 60_000 * MS;
/// Segments that must follow a lost one for three duplicate ACKs to trigger fast retransmit.
const DUPLICATE_ACKS: u64 = 3;

/// RFC 6298's smoothed round-trip time and variation, kept by a connection's sender.
#[derive(Debug, Clone, Copy, Default)]
pub struct RttEstimator {
    srtt: Option<Nanos>,
    rttvar: Nanos,
}

impl RttEstimator {
    /// Takes one round-trip sample (never from a retransmitted message: Karn's rule).
    pub fn sample(&mut self, rtt: Nanos) {
        match self.srtt {
            None => {
                self.srtt = Some(rtt);
                self.rttvar = rtt / 2;
            }
            Some(srtt) => {
                // rttvar = 3/4 rttvar + 1/4 |srtt - rtt|; srtt = 7/8 srtt + 1/8 rtt.
                self.rttvar = (3 * self.rttvar + srtt.abs_diff(rtt)) / 4;
                self.srtt = Some((7 * srtt + rtt) / 8);
            }
        }
    }

    /// The smoothed round-trip time, if any sample was taken.
    pub fn srtt(&self) -> Option<Nanos> {
        self.srtt
    }

    /// The retransmission timeout: srtt + 4 rttvar within [200 ms, 60 s]; 1 s before any
    /// sample.
    pub fn rto(&self) -> Nanos {
        match self.srtt {
            None => INITIAL_RTO,
            Some(srtt) => (srtt + 4 * self.rttvar).clamp(MIN_RTO, MAX_RTO),
        }
    }
}

/// What loss did to one message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recovery {
    /// Extra delay until the message's last segment arrives.
    pub delay: Nanos,
    /// Segment transmissions that were retransmissions.
    pub retransmitted_segments: u64,
    /// Data bytes those retransmissions carried (headers not included).
    pub retransmitted_bytes: u64,
}

/// Draws the fate of a write of `bytes` (cut into segments of at most `mss`; at least one
/// segment) sent with loss probability `loss_ppm` parts per million, on a connection whose
/// sender estimates `rtt` (for fast retransmit) and `rto`.
pub fn transmit(
    bytes: u64,
    mss: u64,
    loss_ppm: u32,
    rtt: Nanos,
    rto: Nanos,
    rng: &mut Stream,
) -> Recovery {
    let mut recovery = Recovery::default();
    if loss_ppm == 0 {
        return recovery;
    }
    let segments = crate::net::tcp::segments(bytes, mss);
    let size = |index: u64| {
        if index + 1 < segments {
            mss
        } else {
            bytes - (segments - 1) * mss
        }
    };
    let lost = |rng: &mut Stream| rng.random_range(0..1_000_000u32) < loss_ppm;
    for index in 0..segments {
        let mut delay = 0;
        let mut attempt = 0u32;
        while lost(rng) {
            let fast = attempt == 0 && segments - index > DUPLICATE_ACKS;
            delay += if fast {
                rtt
            } else {
                // Backoff: the n-th timeout of the same segment waits 2^n RTOs.
                let backoff = attempt.saturating_sub(u32::from(segments - index > DUPLICATE_ACKS));
                (rto << backoff.min(16)).min(MAX_RTO)
            };
            attempt += 1;
            recovery.retransmitted_segments += 1;
            recovery.retransmitted_bytes += size(index);
        }
        recovery.delay = recovery.delay.max(delay);
    }
    recovery
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

    #[test]
    fn rto_follows_rfc_6298() {
        let mut e = RttEstimator::default();
        assert_eq!(e.rto(), INITIAL_RTO);
        e.sample(100 * MS);
        // srtt 100 ms, rttvar 50 ms: 100 + 200 = 300 ms.
        assert_eq!(e.rto(), 300 * MS);
        for _ in 0..200 {
            e.sample(40 * MS);
        }
        // A steady 40 ms path: the RTO falls to its 200 ms floor.
        assert_eq!(e.rto(), MIN_RTO);
        assert!(e.srtt().unwrap().abs_diff(40 * MS) < MS);
    }

    #[test]
    fn no_loss_no_delay() {
        let mut rng = stream(1, "t");
        assert_eq!(
            transmit(10_000, 1000, 0, 50 * MS, MIN_RTO, &mut rng),
            Recovery::default()
        );
    }

    #[test]
    fn lone_segments_wait_for_the_timeout_and_long_writes_retransmit_fast() {
        let mut rng = stream(2, "t");
        // Certain loss is unusable (it never ends), so use 50% and look at the first losses.
        let mut lone = Vec::new();
        for _ in 0..2000 {
            let r = transmit(100, 1000, 500_000, 50 * MS, 300 * MS, &mut rng);
            if r.retransmitted_segments == 1 {
                lone.push(r.delay);
                assert_eq!(r.retransmitted_bytes, 100);
            }
        }
        assert!(lone.iter().all(|d| *d == 300 * MS), "one timeout");
        let mut head = Vec::new();
        for _ in 0..2000 {
            // Ten segments (the last one 500 bytes); look at single losses.
            let r = transmit(9_500, 1000, 100_000, 50 * MS, 300 * MS, &mut rng);
            if r.retransmitted_segments == 1 {
                head.push(r.delay);
                assert!(r.retransmitted_bytes == 1000 || r.retransmitted_bytes == 500);
            }
        }
        // A single loss among the first 6 segments is fast (50 ms), among the last 4 a timeout.
        assert!(head.contains(&(50 * MS)) && head.contains(&(300 * MS)));
        assert!(head.iter().all(|d| *d == 50 * MS || *d == 300 * MS));
    }

    #[test]
    fn loss_rate_is_the_configured_one() {
        let mut rng = stream(3, "t");
        let mut resent = 0;
        let n = 200_000;
        for _ in 0..n {
            resent += transmit(1, 1000, 20_000, 50 * MS, MIN_RTO, &mut rng).retransmitted_segments;
        }
        // Expected n p / (1 - p) = 4082 retransmissions; binomial sd about 64.
        assert!((resent as f64 - 4082.0).abs() < 5.0 * 64.0, "{resent}");
    }

    #[test]
    fn repeated_timeouts_back_off() {
        let mut rng = stream(4, "t");
        let mut seen_double = false;
        for _ in 0..20_000 {
            let r = transmit(1, 1000, 300_000, 50 * MS, 200 * MS, &mut rng);
            if r.retransmitted_segments == 2 {
                // 200 ms, then 400 ms.
                assert_eq!(r.delay, 600 * MS);
                seen_double = true;
            }
        }
        assert!(seen_double);
    }
}
