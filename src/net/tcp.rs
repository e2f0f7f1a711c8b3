//! TCP segment accounting: how many segments a message takes, and when the receiver sends
//! pure ACKs.
//!
//! Timing of the byte stream is modelled by [`super::link`]; this module only counts. The
//! ACK rule follows Linux's delayed ACKs: every second full segment is acknowledged at
//! once; a lone segment is acknowledged after the delayed-ACK timer unless data flowing
//! the other way carries the ACK first (piggybacking).

use serde::Serialize;

use crate::time::Nanos;

const MS: Nanos = 1_000_000;

/// TCP maximum segment size: a 1500-byte Ethernet MTU less [`DEFAULT_HEADER`].
pub const DEFAULT_MSS: u64 = 1448;
/// IPv4 (20, RFC 791) + TCP (20, RFC 9293) + timestamps option (12, RFC 7323; Linux
/// enables timestamps by default).
pub const DEFAULT_HEADER: u64 = 52;
/// SYN / SYN-ACK: IPv4 20 + TCP 20 + 20 bytes of options (MSS, SACK-permitted, timestamps,
/// window scale, padding), as Linux sends them.
pub const DEFAULT_SYN: u64 = 60;
/// Linux's minimum delayed-ACK timeout (`TCP_DELACK_MIN`, 40 ms).
pub const DEFAULT_DELAYED_ACK: Nanos = 40 * MS;

/// The TCP figures every connection of a run shares.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct TcpParams {
    /// Maximum segment size, bytes of payload. Default [`DEFAULT_MSS`].
    pub mss: u64,
    /// Header bytes added to every segment (IP, TCP and its options). Default
    /// [`DEFAULT_HEADER`].
    pub header: u64,
    /// Bytes of a SYN or SYN-ACK. Default [`DEFAULT_SYN`].
    pub syn: u64,
    /// The delayed-ACK timeout. Default [`DEFAULT_DELAYED_ACK`].
    pub delayed_ack: Nanos,
}

impl Default for TcpParams {
    /// Linux's figures over Ethernet (the defaults above).
    fn default() -> Self {
        TcpParams {
            mss: DEFAULT_MSS,
            header: DEFAULT_HEADER,
            syn: DEFAULT_SYN,
            delayed_ack: DEFAULT_DELAYED_ACK,
        }
    }
}

/// Segments needed for `bytes` of application data (at least one).
pub fn segments(bytes: u64, mss: u64) -> u64 {
    bytes.div_ceil(mss).max(1)
}

/// Pure ACKs a side sends as the result of one step: at most one whose delayed-ACK timer
/// fired at `expired`, and `immediate` ones at the current time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PureAcks {
    pub expired: Option<Nanos>,
    pub immediate: u64,
}

/// The ACK debt of one receiving side of a connection.
#[derive(Debug, Clone, Copy, Default)]
pub struct AckState {
    /// Received segments not yet acknowledged (0 or 1 between calls).
    unacked: u64,
    /// Arrival time of the oldest unacknowledged segment.
    since: Nanos,
}

impl AckState {
    /// Data of `segments` segments arrived at `now`.
    pub fn on_data(&mut self, now: Nanos, segments: u64, tcp: &TcpParams) -> PureAcks {
        let expired = self.expire(now, tcp);
        let total = self.unacked + segments;
        if total % 2 == 1 && self.unacked == 0 {
            self.since = now;
        }
        self.unacked = total % 2;
        PureAcks {
            expired,
            immediate: total / 2,
        }
    }

    /// This side sends data at `now`: an owed ACK rides on it unless its timer fired first.
    pub fn on_send(&mut self, now: Nanos, tcp: &TcpParams) -> PureAcks {
        let expired = self.expire(now, tcp);
        self.unacked = 0;
        PureAcks {
            expired,
            immediate: 0,
        }
    }

    /// Settles the debt at the end of a run: an ACK whose timer fired by `now` was sent.
    pub fn finish(&mut self, now: Nanos, tcp: &TcpParams) -> PureAcks {
        PureAcks {
            expired: self.expire(now, tcp),
            immediate: 0,
        }
    }

    fn expire(&mut self, now: Nanos, tcp: &TcpParams) -> Option<Nanos> {
        if self.unacked > 0 && now >= self.since + tcp.delayed_ack {
            self.unacked = 0;
            Some(self.since + tcp.delayed_ack)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TCP: TcpParams = TcpParams {
        mss: 1448,
        header: 52,
        syn: 60,
        delayed_ack: 40_000_000,
    };

    #[test]
    fn segment_counts() {
        assert_eq!(segments(0, 1448), 1);
        assert_eq!(segments(1448, 1448), 1);
        assert_eq!(segments(1449, 1448), 2);
        assert_eq!(segments(3 * 1448, 1448), 3);
    }

    #[test]
    fn lone_segment_is_acked_after_the_timer() {
        let mut s = AckState::default();
        assert_eq!(s.on_data(100, 1, &TCP), PureAcks::default());
        let done = s.finish(100 + TCP.delayed_ack, &TCP);
        assert_eq!(done.expired, Some(100 + TCP.delayed_ack));
        // Settled: nothing more is owed.
        assert_eq!(s.finish(u64::MAX / 2, &TCP), PureAcks::default());
    }

    #[test]
    fn a_reply_within_the_timer_carries_the_ack() {
        let mut s = AckState::default();
        s.on_data(0, 1, &TCP);
        assert_eq!(s.on_send(TCP.delayed_ack - 1, &TCP), PureAcks::default());
        assert_eq!(s.finish(10 * TCP.delayed_ack, &TCP), PureAcks::default());
    }

    #[test]
    fn every_second_segment_is_acked_at_once() {
        let mut s = AckState::default();
        assert_eq!(s.on_data(5, 5, &TCP).immediate, 2);
        // The fifth segment is still owed; the next one completes a pair.
        assert_eq!(s.on_data(6, 1, &TCP).immediate, 1);
        assert_eq!(s.finish(u64::MAX / 2, &TCP), PureAcks::default());
    }
}
