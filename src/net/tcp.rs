//! TCP segment accounting: how many segments a message takes, its bytes by layer (the one
//! rule every connection's messages are counted by, the browsers' and the webhooks'), and
//! when the receiver sends pure ACKs and their bytes ([`PureAcks::bytes`]).
//!
//! Timing of the byte stream is modelled by [`super::link`]; this module only counts. The
//! ACK rule follows Linux's delayed ACKs: every second full segment is acknowledged at
//! once; a lone segment is acknowledged after the delayed-ACK timer unless data flowing
//! the other way carries the ACK first (piggybacking).

use serde::Serialize;

use crate::net::wire::LayerBytes;
use crate::time::{Nanos, SimTime};

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

/// What a message is to TCP: a SYN or SYN-ACK, or a segment of the byte stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segmenting {
    /// A SYN or SYN-ACK: one segment of [`TcpParams::syn`] bytes.
    Syn,
    /// Data (or a bare FIN or reset, with none): cut into segments of at most
    /// [`TcpParams::mss`] bytes, each with [`TcpParams::header`] bytes.
    Stream,
}

impl TcpParams {
    /// A message's bytes on the wire by layer, and the segments it takes: `payload` and
    /// `framing` bytes of application data and `tls` bytes of TLS (handshake flights, or
    /// the records' overhead), no retransmissions.
    #[inline]
    pub fn message(
        &self,
        payload: u64,
        framing: u64,
        tls: u64,
        kind: Segmenting,
    ) -> (LayerBytes, u64) {
        let segs = segments(payload + framing + tls, self.mss);
        let tcpip = match kind {
            Segmenting::Syn => self.syn,
            Segmenting::Stream => segs * self.header,
        };
        let layers = LayerBytes {
            payload,
            framing,
            tls,
            tcpip,
            retransmit: 0,
        };
        (layers, segs)
    }
}

/// Pure ACKs a side sends as the result of one step: at most one whose delayed-ACK timer
/// fired at `expired`, and `immediate` ones at the current time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PureAcks {
    pub expired: Option<SimTime>,
    pub immediate: u64,
}

/// The bytes of one step's [`PureAcks`] (each a bare TCP/IP header), by when they leave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AckBytes {
    /// The one whose delayed-ACK timer fired, at its time.
    pub expired: Option<(SimTime, LayerBytes)>,
    /// The immediate ones together, at the current time.
    pub immediate: Option<LayerBytes>,
}

impl PureAcks {
    /// Their bytes on the wire, each a bare TCP/IP header of `header` bytes: the one whose
    /// timer fired at its time, the immediate ones together now; nothing for a side that
    /// sends none.
    #[inline]
    pub fn bytes(self, header: u64) -> AckBytes {
        let acks = |count: u64| LayerBytes {
            tcpip: header * count,
            ..LayerBytes::default()
        };
        AckBytes {
            expired: self.expired.map(|at| (at, acks(1))),
            immediate: (self.immediate > 0).then(|| acks(self.immediate)),
        }
    }
}

/// The ACK debt of one receiving side of a connection.
#[derive(Debug, Clone, Copy, Default)]
pub struct AckState {
    /// Received segments not yet acknowledged (0 or 1 between calls).
    unacked: u64,
    /// Arrival time of the oldest unacknowledged segment.
    since: SimTime,
}

impl AckState {
    /// Data of `segments` segments arrived at `now`.
    pub fn on_data(&mut self, now: SimTime, segments: u64, tcp: &TcpParams) -> PureAcks {
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
    pub fn on_send(&mut self, now: SimTime, tcp: &TcpParams) -> PureAcks {
        let expired = self.expire(now, tcp);
        self.unacked = 0;
        PureAcks {
            expired,
            immediate: 0,
        }
    }

    /// Settles the debt at the end of a run: an ACK whose timer fired by `now` was sent.
    pub fn finish(&mut self, now: SimTime, tcp: &TcpParams) -> PureAcks {
        PureAcks {
            expired: self.expire(now, tcp),
            immediate: 0,
        }
    }

    fn expire(&mut self, now: SimTime, tcp: &TcpParams) -> Option<SimTime> {
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

    /// The instant `nanos` nanoseconds into the run.
    fn t(nanos: u64) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    const TCP: TcpParams = TcpParams {
        mss: 1448,
        header: 52,
        syn: 60,
        delayed_ack: 40_000_000,
    };

    #[test]
    fn a_message_is_counted_by_layer_with_a_header_per_segment() {
        // 3000 bytes of HTTP in one TLS 1.3 record (22): 3022 bytes, three segments.
        let (layers, segs) = TCP.message(2500, 500, 22, Segmenting::Stream);
        assert_eq!(segs, 3);
        assert_eq!(layers.tcpip, 3 * 52);
        assert_eq!(layers.total(), 3022 + 156);
        // A SYN is one segment of its own size; a bare FIN one header.
        assert_eq!(
            TCP.message(0, 0, 0, Segmenting::Syn),
            (
                LayerBytes {
                    tcpip: 60,
                    ..LayerBytes::default()
                },
                1
            )
        );
        assert_eq!(TCP.message(0, 0, 0, Segmenting::Stream).0.total(), 52);
    }

    #[test]
    fn segment_counts() {
        assert_eq!(segments(0, 1448), 1);
        assert_eq!(segments(1448, 1448), 1);
        assert_eq!(segments(1449, 1448), 2);
        assert_eq!(segments(3 * 1448, 1448), 3);
    }

    #[test]
    fn pure_acks_are_a_bare_header_each_at_their_times() {
        let header_bytes = |tcpip| LayerBytes {
            tcpip,
            ..LayerBytes::default()
        };
        assert_eq!(
            PureAcks::default().bytes(TCP.header),
            AckBytes {
                expired: None,
                immediate: None
            }
        );
        let acks = PureAcks {
            expired: Some(t(3)),
            immediate: 2,
        };
        assert_eq!(
            acks.bytes(TCP.header),
            AckBytes {
                expired: Some((t(3), header_bytes(52))),
                immediate: Some(header_bytes(2 * 52))
            }
        );
        let immediate = PureAcks {
            expired: None,
            immediate: 3,
        };
        assert_eq!(
            immediate.bytes(TCP.header),
            AckBytes {
                expired: None,
                immediate: Some(header_bytes(3 * 52))
            }
        );
    }

    #[test]
    fn lone_segment_is_acked_after_the_timer() {
        let mut s = AckState::default();
        assert_eq!(s.on_data(t(100), 1, &TCP), PureAcks::default());
        let done = s.finish(t(100 + TCP.delayed_ack), &TCP);
        assert_eq!(done.expired, Some(t(100 + TCP.delayed_ack)));
        // Settled: nothing more is owed.
        assert_eq!(s.finish(t(u64::MAX / 2), &TCP), PureAcks::default());
    }

    #[test]
    fn a_reply_within_the_timer_carries_the_ack() {
        let mut s = AckState::default();
        s.on_data(t(0), 1, &TCP);
        assert_eq!(s.on_send(t(TCP.delayed_ack - 1), &TCP), PureAcks::default());
        assert_eq!(s.finish(t(10 * TCP.delayed_ack), &TCP), PureAcks::default());
    }

    #[test]
    fn every_second_segment_is_acked_at_once() {
        let mut s = AckState::default();
        assert_eq!(s.on_data(t(5), 5, &TCP).immediate, 2);
        // The fifth segment is still owed; the next one completes a pair.
        assert_eq!(s.on_data(t(6), 1, &TCP).immediate, 1);
        assert_eq!(s.finish(t(u64::MAX / 2), &TCP), PureAcks::default());
    }
}
