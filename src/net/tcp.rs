//! TCP segment accounting: how many segments a message takes, its bytes by layer (the one
//! rule every connection's messages are counted by, the browsers' and the webhooks'), and
//! when a receiver sends pure ACKs ([`AckState`], by its side's [`AckPolicy`]) and their
//! bytes ([`PureAcks::bytes`]).
//!
//! Timing of the byte stream is modelled by [`super::link`]; this module only counts and
//! says when. Nagle's algorithm, which waits for these ACKs, is [`super::nagle`].
//!
//! The ACK policies ([`AckPolicy`]), each a small model of a real receiver:
//! - `linux` (the default): quick ACKs (one per segment) for the first
//!   [`LINUX_QUICKACKS`] segments of a connection and again after the sender fell silent
//!   for longer than the receiver's retransmission timeout (`tcp_event_data_recv`), unless
//!   the side is interactive (it wrote within the ACK timeout of receiving: Linux's
//!   "pingpong" mode, left when a delayed-ACK timer fires). Otherwise an ACK goes at once
//!   when more than one full segment is unacknowledged (`__tcp_ack_snd_check`: more than
//!   `rcv_mss` bytes, the receiver's estimate of the sender's MSS, at least
//!   [`LINUX_INITIAL_RCV_MSS`]), and a lone segment waits for the delayed-ACK timer
//!   (`TCP_DELACK_MIN`, 40 ms) unless data this side writes carries the ACK first.
//!   Not modelled: the adaptive ACK timeout (`ato` grows from 40 ms up to 200 ms or the
//!   RTT on a connection whose timers keep firing), the shrinking of `rcv_mss` on small
//!   segments without PSH, receive-window updates, GRO (segments arriving back to back
//!   are each acknowledged here, where Linux may coalesce them) and out-of-order data.
//! - `rfc1122`: RFC 1122 §4.2.3.2 — an ACK for at least every second segment (as BSD's
//!   `tcp_input` does: a segment arriving while an ACK is delayed is acknowledged at once),
//!   a lone segment delayed by the timer (default [`RFC1122_DELAYED_ACK`], the 200 ms of
//!   common implementations; the RFC requires less than [`RFC1122_MAX_DELAYED_ACK`]).
//! - `immediate`: an ACK for every segment at once (Linux's `TCP_QUICKACK` kept set).

use serde::Serialize;

use crate::net::wire::{Direction, LayerBytes};
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
/// Linux's delayed-ACK timeout: `TCP_DELACK_MIN` (and `TCP_ATO_MIN`), `HZ/25` = 40 ms in
/// `include/net/tcp.h`.
pub const DEFAULT_DELAYED_ACK: Nanos = 40 * MS;
/// Linux's longest delayed-ACK timeout, `TCP_DELACK_MAX` (`HZ/5` = 200 ms,
/// `include/net/tcp.h`): the bound on `delayed_ack` under the `linux` policy.
pub const LINUX_MAX_DELAYED_ACK: Nanos = 200 * MS;
/// Quick ACKs Linux grants at a connection's first data and after an idle gap longer than
/// the RTO: `TCP_MAX_QUICKACKS` (16, `include/net/tcp.h`; `tcp_incr_quickack` grants
/// `min(16, rcv_wnd / (2 rcv_mss))`, 16 with the default receive buffer).
pub const LINUX_QUICKACKS: u64 = 16;
/// Linux's first estimate of the sender's MSS, `TCP_MSS_DEFAULT` (536 bytes,
/// `tcp_initialize_rcv_mss`); it grows to the largest segment received
/// (`tcp_measure_rcv_mss`), at most the MSS.
pub const LINUX_INITIAL_RCV_MSS: u64 = 536;
/// The delayed-ACK timer of the `rfc1122` policy: 200 ms, "most implementations use a
/// 200-ms delay" (Stevens, TCP/IP Illustrated Vol. 1, §19.3; BSD's `tcp_fasttimo`,
/// Windows' `TcpDelAckTicks` = 2).
pub const RFC1122_DELAYED_ACK: Nanos = 200 * MS;
/// RFC 1122 §4.2.3.2: "the delay MUST be less than 0.5 seconds".
pub const RFC1122_MAX_DELAYED_ACK: Nanos = 500 * MS;

/// The ACK policy of both sides: Linux's, what the servers and most clients run
/// (Android and ChromeOS are Linux too).
pub const DEFAULT_ACK_POLICY: AckPolicy = AckPolicy::Linux;
/// `TCP_NODELAY` on both sides: see [`TcpSide::nodelay`].
pub const DEFAULT_NODELAY: bool = true;

/// When a receiver acknowledges data (see the module's doc for each model).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AckPolicy {
    /// Linux's delayed ACKs with quick-ACK mode.
    #[default]
    Linux,
    /// RFC 1122's delayed ACK: every second segment, a lone one after the timer.
    Rfc1122,
    /// An ACK for every segment at once.
    Immediate,
}

impl AckPolicy {
    /// The policy's delayed-ACK timer when the scenario sets none (0 for `immediate`,
    /// which has none).
    pub const fn default_delayed_ack(self) -> Nanos {
        match self {
            AckPolicy::Linux => DEFAULT_DELAYED_ACK,
            AckPolicy::Rfc1122 => RFC1122_DELAYED_ACK,
            AckPolicy::Immediate => 0,
        }
    }
}

/// One side's TCP behaviour: how it acknowledges what it receives, and whether its writes
/// wait for ACKs (Nagle).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TcpSide {
    /// Its ACK policy. Default [`AckPolicy::Linux`].
    pub ack: AckPolicy,
    /// Its delayed-ACK timer (unused by `immediate`). Default by policy
    /// ([`AckPolicy::default_delayed_ack`]).
    pub delayed_ack: Nanos,
    /// `TCP_NODELAY`: Nagle's algorithm off. Default true: browsers set it on their
    /// sockets (Chromium's `SetTCPNoDelay` in `net/socket/tcp_socket_posix.cc`) and so do
    /// most servers (nginx's `tcp_nodelay on` default, Go's `net.TCPConn` "the default is
    /// true (no delay)", Node.js's `http.createServer` `noDelay: true`).
    pub nodelay: bool,
}

impl Default for TcpSide {
    fn default() -> Self {
        TcpSide {
            ack: DEFAULT_ACK_POLICY,
            delayed_ack: DEFAULT_ACK_POLICY.default_delayed_ack(),
            nodelay: DEFAULT_NODELAY,
        }
    }
}

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
    /// The client's side (the browser's, or a webhook sender's).
    pub client: TcpSide,
    /// The server's side.
    pub server: TcpSide,
}

impl Default for TcpParams {
    /// Linux's figures over Ethernet (the defaults above).
    fn default() -> Self {
        TcpParams {
            mss: DEFAULT_MSS,
            header: DEFAULT_HEADER,
            syn: DEFAULT_SYN,
            client: TcpSide::default(),
            server: TcpSide::default(),
        }
    }
}

impl TcpParams {
    /// The side that receives what travels in `direction` (the client what goes down).
    #[inline]
    pub fn receiver(&self, direction: Direction) -> &TcpSide {
        match direction {
            Direction::Down => &self.client,
            Direction::Up => &self.server,
        }
    }

    /// The side that writes what travels in `direction`.
    #[inline]
    pub fn sender(&self, direction: Direction) -> &TcpSide {
        self.receiver(direction.reverse())
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

/// The ACK state of one receiving side of a connection: what it owes, and (under `linux`)
/// its quick-ACK budget, whether it is interactive and its estimate of the sender's MSS.
///
/// Every connection holds two (one per receiving side) for the whole run, so the fields
/// are as narrow as their ranges allow (32 bytes, from 64): the segments owed are 0 or 1
/// (`rfc1122` acknowledges every second one), the bytes owed at most two MSS (`linux`
/// acknowledges once more than `rcv_mss` are owed), the quick ACKs at most
/// [`LINUX_QUICKACKS`], `rcv_mss` at most the MSS (below 2^16), and "no data yet" is
/// `rcv_mss == 0` (the first data sets it to at least 1), so `last_data` needs no `Option`.
#[derive(Debug, Clone, Copy, Default)]
pub struct AckState {
    /// Arrival time of the oldest unacknowledged segment.
    since: SimTime,
    /// Arrival of the last data (`linux`); meaningful once `rcv_mss > 0`.
    last_data: SimTime,
    /// Received bytes not yet acknowledged (`linux`).
    unacked_bytes: u32,
    /// The estimate of the sender's MSS (`linux`), 0 before the first data.
    rcv_mss: u32,
    /// Received segments not yet acknowledged (`rfc1122`): 0 or 1.
    unacked_segments: u8,
    /// Quick ACKs left (`linux`).
    quick: u8,
    /// Wrote within the ACK timeout of receiving (`linux`'s pingpong mode): no quick ACKs.
    interactive: bool,
}

/// A message of data as the receiver sees it: its segments and its bytes above TCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    pub segments: u64,
    pub bytes: u64,
}

impl AckState {
    /// Data arrived at `now`, received by a side that behaves as `side` over segments of
    /// at most `mss` bytes; `idle_restart`: a silence of the sender longer than this
    /// (Linux: the receiver's RTO) starts quick ACKs again.
    #[inline]
    pub fn on_data(
        &mut self,
        now: SimTime,
        data: Arrival,
        side: &TcpSide,
        mss: u64,
        idle_restart: Nanos,
    ) -> PureAcks {
        let expired = self.expire(now, side);
        let immediate = match side.ack {
            AckPolicy::Immediate => data.segments,
            AckPolicy::Rfc1122 => self.every_second_segment(now, data.segments),
            AckPolicy::Linux => self.linux(now, data, mss, idle_restart),
        };
        PureAcks { expired, immediate }
    }

    /// When the ACK of data arriving at `arrival` would leave if nothing else happened
    /// first (no data of the receiver's carries it sooner): at once, or when the
    /// delayed-ACK timer fires. For Nagle ([`super::nagle`]), at the sender's write.
    pub fn predict_ack(
        &self,
        arrival: SimTime,
        data: Arrival,
        side: &TcpSide,
        mss: u64,
        idle_restart: Nanos,
    ) -> SimTime {
        let mut after = *self;
        after.on_data(arrival, data, side, mss, idle_restart);
        if after.owes() {
            after.since.saturating_add(side.delayed_ack)
        } else {
            arrival
        }
    }

    /// This side sends data at `now`: an owed ACK rides on it unless its timer fired
    /// first. Under `linux`, writing within the ACK timeout of the last data received
    /// makes the side interactive, and an ACK carried counts against the quick ACKs
    /// (`tcp_event_ack_sent`).
    #[inline]
    pub fn on_send(&mut self, now: SimTime, side: &TcpSide) -> PureAcks {
        let expired = self.expire(now, side);
        if side.ack == AckPolicy::Linux {
            if self.rcv_mss > 0 && now.since(self.last_data) < side.delayed_ack {
                self.interactive = true;
            }
            if self.owes() {
                self.quick = self.quick.saturating_sub(1);
            }
        }
        self.clear();
        PureAcks {
            expired,
            immediate: 0,
        }
    }

    /// Settles the debt at the end of a run: an ACK whose timer fired by `now` was sent.
    pub fn finish(&mut self, now: SimTime, side: &TcpSide) -> PureAcks {
        PureAcks {
            expired: self.expire(now, side),
            immediate: 0,
        }
    }

    /// Something received is not yet acknowledged.
    #[inline]
    fn owes(&self) -> bool {
        self.unacked_segments > 0 || self.unacked_bytes > 0
    }

    fn clear(&mut self) {
        self.unacked_segments = 0;
        self.unacked_bytes = 0;
    }

    /// The delayed-ACK timer fired by `now`: the ACK left then. Linux leaves pingpong
    /// mode when it does (`tcp_delack_timer_handler`).
    #[inline]
    fn expire(&mut self, now: SimTime, side: &TcpSide) -> Option<SimTime> {
        if !self.owes() {
            return None;
        }
        let fires = self.since.saturating_add(side.delayed_ack);
        if now >= fires {
            self.clear();
            self.interactive = false;
            Some(fires)
        } else {
            None
        }
    }

    /// `rfc1122`: an ACK for every second segment; a lone one waits for the timer.
    fn every_second_segment(&mut self, now: SimTime, segments: u64) -> u64 {
        let total = u64::from(self.unacked_segments) + segments;
        let acks = total / 2;
        if total % 2 == 1 && (acks > 0 || self.unacked_segments == 0) {
            // The last segment waits, from its arrival.
            self.since = now;
        }
        self.unacked_segments = (total % 2) as u8;
        acks
    }

    /// `linux`: quick ACKs, then an ACK when more than `rcv_mss` bytes are owed.
    fn linux(&mut self, now: SimTime, data: Arrival, mss: u64, idle_restart: Nanos) -> u64 {
        const QUICKACKS: u8 = LINUX_QUICKACKS as u8;
        if self.rcv_mss == 0 {
            self.quick = QUICKACKS;
        } else if now.since(self.last_data) > idle_restart {
            self.quick = self.quick.max(QUICKACKS);
        }
        self.last_data = now;
        // Segments are full but the last; `tcp_measure_rcv_mss` takes the largest.
        let segments = data.segments.max(1);
        let full = segments - 1;
        let last = data.bytes.saturating_sub(full * mss).clamp(1, mss);
        let largest = if full > 0 { mss } else { last };
        let mut rcv_mss = u64::from(self.rcv_mss);
        if largest > rcv_mss {
            // At least the first estimate (0 before the first data), at most the MSS
            // (`largest` is), so it fits the `u32`.
            rcv_mss = largest.max(LINUX_INITIAL_RCV_MSS.min(mss));
            self.rcv_mss = rcv_mss as u32;
        }
        if self.quick > 0 && !self.interactive {
            // One ACK per segment, each spending one quick ACK (`tcp_dec_quickack_mode`).
            self.quick = u64::from(self.quick).saturating_sub(segments) as u8;
            self.clear();
            return segments;
        }
        let mut owed = u64::from(self.unacked_bytes);
        let owed_before = owed > 0;
        let mut acks = 0;
        let mut acked = false;
        // Full segments: with rcv_mss = mss (a full one was seen), one already owed makes
        // the next one acknowledged at once, so they pair up.
        if full > 0 {
            if owed > 0 {
                acks = 1 + (full - 1) / 2;
                owed = if (full - 1) % 2 == 1 { mss } else { 0 };
            } else {
                acks = full / 2;
                owed = if full % 2 == 1 { mss } else { 0 };
            }
            acked = acks > 0;
        }
        owed = owed.saturating_add(last);
        if owed > rcv_mss {
            acks += 1;
            acked = true;
            owed = 0;
        }
        if owed > 0 && (acked || !owed_before) {
            self.since = now;
        }
        // At most the MSS and one segment (`owed` was at most `rcv_mss` before `last`).
        self.unacked_bytes = owed as u32;
        acks
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
        client: LINUX_NODELAY,
        server: LINUX_NODELAY,
    };

    const LINUX_NODELAY: TcpSide = TcpSide {
        ack: AckPolicy::Linux,
        delayed_ack: 40 * MS,
        nodelay: true,
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

    /// A side with `ack`, its default timer.
    fn side(ack: AckPolicy) -> TcpSide {
        TcpSide {
            ack,
            delayed_ack: ack.default_delayed_ack(),
            nodelay: true,
        }
    }

    /// One segment of `bytes`.
    fn one(bytes: u64) -> Arrival {
        Arrival { segments: 1, bytes }
    }

    /// Linux's idle restart on a path of 50 ms round trip: TCP_RTO_MIN + RTT.
    const RESTART: Nanos = 250 * MS;

    /// Spends the 16 quick ACKs of a fresh `linux` receiver: 16 small segments 100 ms apart
    /// (`t` 0 .. 1.5 s), each acknowledged at once.
    fn past_quickacks(s: &mut AckState, linux: &TcpSide) {
        for k in 0..LINUX_QUICKACKS {
            let acks = s.on_data(t(k * 100 * MS), one(200), linux, TCP.mss, RESTART);
            assert_eq!(acks.immediate, 1, "quick ACK {k}");
        }
    }

    #[test]
    fn immediate_acknowledges_every_segment_at_once() {
        // N = 5 small events: 5 pure ACKs, none delayed, nothing owed after.
        let imm = side(AckPolicy::Immediate);
        let mut s = AckState::default();
        let mut acks = 0;
        for k in 0..5 {
            let got = s.on_data(t(k * MS), one(100), &imm, TCP.mss, RESTART);
            assert_eq!(got.expired, None);
            acks += got.immediate;
        }
        assert_eq!(acks, 5);
        // A three-segment message: three ACKs.
        let three = Arrival {
            segments: 3,
            bytes: 4000,
        };
        assert_eq!(
            s.on_data(t(9 * MS), three, &imm, TCP.mss, RESTART)
                .immediate,
            3
        );
        assert_eq!(s.finish(t(u64::MAX / 2), &imm), PureAcks::default());
    }

    #[test]
    fn linux_quick_acks_the_first_sixteen_segments_then_delays_a_lone_one() {
        let linux = side(AckPolicy::Linux);
        let mut s = AckState::default();
        past_quickacks(&mut s, &linux);
        // The 17th, 100 ms after the 16th (less than the 250 ms restart): delayed.
        let at = 1_600 * MS;
        assert_eq!(
            s.on_data(t(at), one(200), &linux, TCP.mss, RESTART),
            PureAcks::default()
        );
        // The next one 100 ms later finds the ACK sent by the timer at +40 ms.
        let next = s.on_data(t(at + 100 * MS), one(200), &linux, TCP.mss, RESTART);
        assert_eq!(next.expired, Some(t(at + 40 * MS)));
        assert_eq!(next.immediate, 0);
    }

    #[test]
    fn linux_at_low_rate_acknowledges_each_event_once() {
        let linux = side(AckPolicy::Linux);
        // Events 100 ms apart after the quick ACKs: one ACK per event, 40 ms after it
        // (the timer fires before the next arrives). Ten events, ten ACKs.
        let mut s = AckState::default();
        past_quickacks(&mut s, &linux);
        let mut expired = Vec::new();
        for k in 0..10 {
            let at = 1_600 * MS + k * 100 * MS;
            let acks = s.on_data(t(at), one(200), &linux, TCP.mss, RESTART);
            assert_eq!(acks.immediate, 0);
            expired.extend(acks.expired);
        }
        expired.extend(s.finish(t(u64::MAX / 2), &linux).expired);
        let want: Vec<_> = (0..10)
            .map(|k| t(1_600 * MS + k * 100 * MS + 40 * MS))
            .collect();
        assert_eq!(expired, want);
        // Events 1 s apart: each silence exceeds the RTO (250 ms), so each event restarts
        // quick-ACK mode and is acknowledged at once: one ACK per event, no delay.
        let mut s = AckState::default();
        for k in 0..40 {
            let acks = s.on_data(t(k * 1_000 * MS), one(200), &linux, TCP.mss, RESTART);
            assert_eq!(
                acks,
                PureAcks {
                    expired: None,
                    immediate: 1
                },
                "event {k}"
            );
        }
    }

    #[test]
    fn linux_at_high_rate_acknowledges_every_second_full_segment() {
        let linux = side(AckPolicy::Linux);
        // `n` events of `bytes` 10 ms apart after the quick ACKs: (ACKs at once, ACKs by
        // the timer).
        let acks_of = |n: u64, bytes: u64| {
            let mut s = AckState::default();
            past_quickacks(&mut s, &linux);
            let (mut immediate, mut expired) = (0, 0);
            for k in 0..n {
                let acks = s.on_data(
                    t(1_600 * MS + k * 10 * MS),
                    one(bytes),
                    &linux,
                    TCP.mss,
                    RESTART,
                );
                immediate += acks.immediate;
                expired += u64::from(acks.expired.is_some());
            }
            (immediate, expired)
        };
        // Full-sized events (1448 B): the second of each pair makes 2896 > rcv_mss = 1448
        // bytes owed, an ACK at once: 20 events, 10 ACKs.
        assert_eq!(acks_of(20, 1448), (10, 0));
        // Small events (200 B): rcv_mss stays at 536 (no full segment seen), so the third
        // makes 600 > 536 bytes owed: 30 events, 10 ACKs, none by the timer (the third
        // comes 20 ms after the first, within 40 ms).
        assert_eq!(acks_of(30, 200), (10, 0));
        // A five-segment write (4 full, 1 short) arriving at once: ACKs after segments 2
        // and 4, the fifth owed.
        let five = Arrival {
            segments: 5,
            bytes: 4 * 1448 + 100,
        };
        let mut s = AckState::default();
        past_quickacks(&mut s, &linux);
        assert_eq!(
            s.on_data(t(1_600 * MS), five, &linux, TCP.mss, RESTART)
                .immediate,
            2
        );
        assert!(s.owes());
    }

    #[test]
    fn linux_interactive_side_delays_even_in_quick_mode_until_a_timer_fires() {
        let linux = side(AckPolicy::Linux);
        let mut s = AckState::default();
        // A request arrives (quick ACK), the side answers 5 ms later: interactive.
        assert_eq!(
            s.on_data(t(0), one(300), &linux, TCP.mss, RESTART)
                .immediate,
            1
        );
        s.on_send(t(5 * MS), &linux);
        // The next request, 100 ms later, is not quick-ACKed: the answer should carry it.
        assert_eq!(
            s.on_data(t(100 * MS), one(300), &linux, TCP.mss, RESTART),
            PureAcks::default()
        );
        // No answer: the timer fires at 140 ms and the side is no longer interactive.
        let next = s.on_data(t(200 * MS), one(300), &linux, TCP.mss, RESTART);
        assert_eq!(next.expired, Some(t(140 * MS)));
        assert_eq!(next.immediate, 1, "quick again");
    }

    #[test]
    fn rfc1122_acknowledges_every_second_segment_and_a_lone_one_after_200ms() {
        let rfc = side(AckPolicy::Rfc1122);
        let mut s = AckState::default();
        // No quick ACKs at the start: the first lone segment waits 200 ms.
        assert_eq!(
            s.on_data(t(0), one(100), &rfc, TCP.mss, RESTART),
            PureAcks::default()
        );
        let done = s.finish(t(RFC1122_DELAYED_ACK), &rfc);
        assert_eq!(done.expired, Some(t(RFC1122_DELAYED_ACK)));
        // Two small segments 10 ms apart: the second is acknowledged at once.
        assert_eq!(
            s.on_data(t(SECOND), one(100), &rfc, TCP.mss, RESTART)
                .immediate,
            0
        );
        assert_eq!(
            s.on_data(t(SECOND + 10 * MS), one(100), &rfc, TCP.mss, RESTART)
                .immediate,
            1
        );
        assert_eq!(s.finish(t(u64::MAX / 2), &rfc), PureAcks::default());
    }

    const SECOND: Nanos = 1_000 * MS;

    #[test]
    fn the_predicted_ack_is_at_once_or_at_the_timer() {
        let linux = side(AckPolicy::Linux);
        let s = AckState::default();
        // Fresh: a quick ACK on arrival.
        assert_eq!(
            s.predict_ack(t(7), one(100), &linux, TCP.mss, RESTART),
            t(7)
        );
        let mut s = AckState::default();
        past_quickacks(&mut s, &linux);
        let at = t(1_600 * MS);
        assert_eq!(
            s.predict_ack(at, one(100), &linux, TCP.mss, RESTART),
            t(1_640 * MS)
        );
        // The prediction changes nothing.
        assert_eq!(
            s.on_data(at, one(100), &linux, TCP.mss, RESTART),
            PureAcks::default()
        );
    }

    #[test]
    fn a_reply_within_the_timer_carries_the_ack() {
        let linux = side(AckPolicy::Linux);
        let mut s = AckState::default();
        past_quickacks(&mut s, &linux);
        s.on_data(t(1_600 * MS), one(100), &linux, TCP.mss, RESTART);
        assert_eq!(s.on_send(t(1_639 * MS), &linux), PureAcks::default());
        assert_eq!(s.finish(t(u64::MAX / 2), &linux), PureAcks::default());
    }
}
