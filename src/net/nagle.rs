//! Nagle's algorithm (RFC 896) for one sending side of a connection, as Linux runs it
//! (`tcp_nagle_check` with Minshall's variant, `tcp_minshall_check`): a write smaller than
//! one segment waits while a previous small segment of the sender is unacknowledged; a
//! write made while one waits joins it. `TCP_NODELAY` turns it off ([`super::tcp::TcpSide`]).
//!
//! Owns: when a write leaves. Does not own: when the ACK reaches the sender (the caller
//! predicts it from the receiver's ACK policy, [`super::tcp::AckState::predict_ack`], plus
//! the reverse trip). The prediction assumes the receiver writes nothing first: data of
//! its own would carry the ACK sooner. In the write-write-read pattern that matters (the
//! receiver answers only once it has the second write) it does not, so the classic stall
//! — the second write waits for the delayed ACK, 40 ms under Linux — comes out whole.
//! Not modelled: the full segments of a large write leave at once while only its sub-MSS
//! tail would wait; here a message of more than one segment never waits on its own.

use crate::time::SimTime;

/// The sender's Nagle state in one direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Nagle {
    /// When the ACK of the last small segment sent reaches the sender.
    small_acked: SimTime,
    /// When the write now waiting leaves (in the past when none waits).
    held_until: SimTime,
}

impl Nagle {
    /// When a write made at `now` leaves; `small`: it fits in one segment less than the
    /// MSS.
    pub fn release(&mut self, now: SimTime, small: bool) -> SimTime {
        if now < self.held_until {
            return self.held_until;
        }
        if small && now < self.small_acked {
            self.held_until = self.small_acked;
            return self.small_acked;
        }
        now
    }

    /// A small segment left; its ACK reaches the sender at `acked`.
    pub fn small_sent(&mut self, acked: SimTime) {
        self.small_acked = self.small_acked.max(acked);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::tcp::{AckPolicy, AckState, Arrival, TcpSide};

    const MS: u64 = 1_000_000;

    fn t(nanos: u64) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    /// Write-write-read over a 10 ms one-way path to a Linux receiver past its quick ACKs:
    /// write A (100 B) at 0 arrives at 10 ms; the receiver, owing one lone segment, ACKs
    /// when its timer fires at 50 ms; the ACK is back at 60 ms. With Nagle, write B (100 B)
    /// at 1 ms waits until 60 ms: the 40 ms stall plus a round trip. With NODELAY it
    /// leaves at 1 ms.
    #[test]
    fn a_small_write_waits_for_the_delayed_ack_of_the_previous_one() {
        let linux = TcpSide {
            ack: AckPolicy::Linux,
            delayed_ack: 40 * MS,
            nodelay: false,
        };
        let mut receiver = AckState::default();
        // Past its 16 quick ACKs (segments 1 ms apart, long before).
        for k in 0..16 {
            receiver.on_data(
                t(k * MS),
                Arrival {
                    segments: 1,
                    bytes: 100,
                },
                &linux,
                1448,
                250 * MS,
            );
        }
        let a = Arrival {
            segments: 1,
            bytes: 100,
        };
        // Arrival 10 ms after the write at 0, the last data 1 ms before the 16th above.
        let base = 20 * MS;
        let mut nagle = Nagle::default();
        assert_eq!(nagle.release(t(base), true), t(base), "nothing outstanding");
        let ack_leaves = receiver.predict_ack(t(base + 10 * MS), a, &linux, 1448, 250 * MS);
        assert_eq!(ack_leaves, t(base + 50 * MS));
        nagle.small_sent(ack_leaves + 10 * MS);
        // B waits for it: 60 ms after A's write, 59 ms after its own.
        assert_eq!(nagle.release(t(base + MS), true), t(base + 60 * MS));
        // A third small write meanwhile joins B.
        assert_eq!(nagle.release(t(base + 30 * MS), true), t(base + 60 * MS));
        // A full segment written after B left does not wait.
        assert_eq!(nagle.release(t(base + 61 * MS), false), t(base + 61 * MS));
        // Without Nagle (the caller does not ask): B at 1 ms. A quick-ACK receiver
        // (a fresh connection) answers on arrival, so B waits one round trip only.
        let fresh = AckState::default();
        assert_eq!(
            fresh.predict_ack(t(10 * MS), a, &linux, 1448, 250 * MS),
            t(10 * MS)
        );
    }
}
