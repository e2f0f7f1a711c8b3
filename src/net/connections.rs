//! The clients' TCP connections as the wire sees them. Per client: its connection's two
//! directions (the messages on their way, delivered in order; the receiver's delayed-ACK
//! debt; the sender's round-trip estimate; where a partition releases its data), the
//! server's send buffer for its stream, the stream's HTTP/2 flow-control window, the
//! server's keep-alive idle timer and the client's TLS session.
//!
//! Owns: in-order arrival, which message an arrival is, the pure ACKs that sending and
//! receiving owe (returned to the caller to count), the round-trip samples (Karn's rule:
//! none from a retransmitted message), and each client's part of every concept below,
//! which decides for it: the send buffer and its overflow policy
//! ([`crate::net::send_buffer`]), the window's credit arithmetic
//! ([`crate::net::flow_control`]), the idle timeout ([`crate::net::idle`]), the TLS
//! handshake's flights, full or resumed ([`crate::net::handshake`]). Does not own: the
//! access links and what loss and partitions do on them
//! ([`crate::net::network::Network`], called from [`Connections::transmit`]); a
//! message's bytes by layer ([`crate::net::tcp::TcpParams::message`]); the byte counters
//! (the caller counts what these functions return); scheduling (the caller sets the
//! timers and link-free events it is told to); what a connection carries for its client
//! (events, requests, the server's CPU).
//!
//! The messages on their way live in one [`FifoArena`] for all the slots (a queue of two
//! node indices per direction), so a slot holds no heap memory of its own for them.
//!
//! Generic over the message type `M`: the wire needs of a message only what [`Carried`]
//! says, so this layer does not know what an HTTP response or a WebSocket frame is.
//!
//! A slot is a client's for the whole run. A caller whose connections come and go (the
//! webhook sender's, [`crate::webhook`]) renews a slot for each new connection
//! ([`Connections::renew`]), so its messages and the clients' follow one rule.

use crate::net::fifo_arena::{Fifo, FifoArena};
use crate::net::flow_control::FlowWindow;
use crate::net::handshake::TlsSession;
use crate::net::idle::{self, IdleTimer, IdleVerdict};
use crate::net::loss::RttEstimator;
use crate::net::nagle::Nagle;
use crate::net::network::{Network, Sent, Transfer};
use crate::net::send_buffer::Waiting;
use crate::net::tcp::{AckState, Arrival, PureAcks, TcpParams};
use crate::net::wire::Direction;
use crate::time::{Nanos, SimTime};

/// What the connection needs to know of a message it carries. A message is a few figures,
/// `Copy`, so the messages on their way live in a [`FifoArena`] of plain nodes.
pub trait Carried: Copy {
    /// TCP segments it took.
    fn segments(&self) -> u64;
    /// Bytes on the wire, all layers.
    fn wire(&self) -> u64;
    /// Bytes above TCP (what the receiver's ACK rule counts).
    fn data(&self) -> u64;
    /// When it was sent.
    fn sent_time(&self) -> SimTime;
    /// Some segment of it was retransmitted (then it gives no round-trip sample).
    fn retransmitted(&self) -> bool;
    /// It takes part in the delayed-ACK accounting (SYN and SYN-ACK do not).
    fn acknowledged(&self) -> bool;
    /// It was put on the wire at `at`; `retransmitted`: loss made TCP resend a segment.
    fn sent(&mut self, at: SimTime, retransmitted: bool);
}

/// One direction of a connection.
#[derive(Debug, Clone)]
struct Channel {
    /// Arrival of the last message in this direction (for in-order delivery).
    last_arrival: SimTime,
    /// The messages on their way, oldest first (their nodes in [`Connections::in_flight`]).
    in_flight: Fifo,
    /// The ACK state of the side that receives in this direction.
    receiver_acks: AckState,
    /// Nagle's algorithm of the side that sends in this direction (used when it is on).
    nagle: Nagle,
    /// The sender's round-trip estimate, for its retransmission timeout.
    rtt: RttEstimator,
    /// Under a partition: (its end, when the first segment lost in it gets through); the
    /// rest of the connection's data follows it then.
    partition_release: (SimTime, SimTime),
}

impl Default for Channel {
    fn default() -> Self {
        Channel {
            last_arrival: SimTime::ZERO,
            in_flight: Fifo::default(),
            receiver_acks: AckState::default(),
            nagle: Nagle::default(),
            rtt: RttEstimator::default(),
            partition_release: (SimTime::ZERO, SimTime::ZERO),
        }
    }
}

impl Channel {
    /// A new connection's direction: as [`Channel::default`], its messages' nodes freed in
    /// `in_flight`.
    fn renew<M: Copy>(&mut self, in_flight_arena: &mut FifoArena<M>) {
        let Channel {
            last_arrival,
            in_flight,
            receiver_acks,
            nagle,
            rtt,
            partition_release,
        } = self;
        *last_arrival = SimTime::ZERO;
        in_flight_arena.clear(in_flight);
        *receiver_acks = AckState::default();
        *nagle = Nagle::default();
        *rtt = RttEstimator::default();
        *partition_release = (SimTime::ZERO, SimTime::ZERO);
    }
}

/// One client's connection.
#[derive(Debug, Clone)]
struct Slot<M> {
    /// By [`Direction::index`].
    channels: [Channel; 2],
    /// The server's send buffer of its stream.
    send_buffer: Waiting<M>,
    /// HTTP/2 flow control of its stream.
    window: FlowWindow,
    /// The server's keep-alive idle timer.
    idle: IdleTimer,
    /// The client's TLS session, across its connections.
    tls: TlsSession,
}

impl<M> Default for Slot<M> {
    fn default() -> Self {
        Slot {
            channels: [Channel::default(), Channel::default()],
            send_buffer: Waiting::default(),
            window: FlowWindow::default(),
            idle: IdleTimer::default(),
            tls: TlsSession::default(),
        }
    }
}

impl<M: Copy> Slot<M> {
    /// A new connection: as [`Slot::default`], its messages' nodes freed in `in_flight`
    /// (the fields are destructured so that a new one cannot be forgotten here).
    fn renew(&mut self, in_flight: &mut FifoArena<M>) {
        let Slot {
            channels,
            send_buffer,
            window,
            idle,
            tls,
        } = self;
        for channel in channels {
            channel.renew(in_flight);
        }
        *send_buffer = Waiting::default();
        *window = FlowWindow::default();
        *idle = IdleTimer::default();
        *tls = TlsSession::default();
    }
}

/// The connections of one run, one per client (tabs sharing an HTTP/2 connection keep
/// their own message queues; the connection's owner orders their arrivals).
#[derive(Debug, Clone)]
pub struct Connections<M> {
    slots: Vec<Slot<M>>,
    /// The messages on their way on every connection, a queue per slot and direction.
    in_flight: FifoArena<M>,
}

impl<M: Carried> Connections<M> {
    /// Bytes of one connection's record (the slot every client holds for the whole run;
    /// the messages on their way take a node each in a shared arena, on top).
    pub const BYTES_PER_CONNECTION: usize = std::mem::size_of::<Slot<M>>();

    /// Connections for `clients` clients, all idle.
    pub fn new(clients: usize) -> Self {
        let mut slots = Vec::with_capacity(clients);
        slots.resize_with(clients, Slot::default);
        Connections {
            slots,
            in_flight: FifoArena::default(),
        }
    }

    /// Connection `c` starts afresh (a new connection in a slot the caller reuses, or one
    /// slot more when `c` is the number of slots): nothing on the way, no ACK debt, no
    /// round-trip estimate, an empty send buffer, a new TLS session. For callers whose
    /// connections come and go, like the webhook sender's; a client's slot lives as long as
    /// the run.
    pub fn renew(&mut self, c: usize) {
        if c == self.slots.len() {
            self.slots.push(Slot::default());
        } else {
            self.slots[c].renew(&mut self.in_flight);
        }
    }

    /// The message just put on `c`'s connection in `direction` is lost whole: it took its
    /// place on the link, but never arrives (the caller schedules no arrival for it).
    /// Returns it, or `None` when nothing is on the way.
    pub fn lose_newest(&mut self, c: usize, direction: Direction) -> Option<M> {
        let queue = &mut self.slots[c].channels[direction.index()].in_flight;
        self.in_flight.pop_back(queue)
    }

    /// The sender in `direction` writes at `now`: the ACK it owed for the opposite
    /// direction rides on its data (or, if its timer fired, went out alone before). Returns
    /// the pure ACKs owed, sent in `direction`.
    #[inline]
    pub fn before_send(
        &mut self,
        c: usize,
        direction: Direction,
        now: SimTime,
        tcp: &TcpParams,
    ) -> PureAcks {
        let opposite = direction.reverse().index();
        self.slots[c].channels[opposite]
            .receiver_acks
            .on_send(now, tcp.sender(direction))
    }

    /// Nagle's state of the side that writes on `c`'s connection in `direction`.
    #[inline]
    pub fn nagle_mut(&mut self, c: usize, direction: Direction) -> &mut Nagle {
        &mut self.slots[c].channels[direction.index()].nagle
    }

    /// When the receiver of `c`'s connection in `direction` would acknowledge `msg`
    /// arriving at `arrival` if it wrote nothing first (see [`AckState::predict_ack`]).
    pub fn predict_ack(
        &self,
        c: usize,
        direction: Direction,
        msg: &M,
        arrival: SimTime,
        tcp: &TcpParams,
        idle_restart: Nanos,
    ) -> SimTime {
        let data = Arrival {
            segments: msg.segments(),
            bytes: msg.data(),
        };
        self.slots[c].channels[direction.index()]
            .receiver_acks
            .predict_ack(
                arrival,
                data,
                tcp.receiver(direction),
                tcp.mss,
                idle_restart,
            )
    }

    /// Puts `msg` on client `c`'s connection at `now`: the network carries it (`transfer`), and it
    /// arrives no earlier than the last message in its direction on the connection of
    /// `owner` (the client whose connection `c` shares, or `c`). Returns what the network
    /// did and the message's arrival.
    #[inline]
    pub fn transmit(
        &mut self,
        c: usize,
        owner: usize,
        network: &mut Network,
        transfer: Transfer,
        mut msg: M,
        now: SimTime,
    ) -> (Sent, SimTime) {
        let d = transfer.direction.index();
        let channel = &mut self.slots[c].channels[d];
        let sent = network.send(transfer, &channel.rtt, &mut channel.partition_release, now);
        msg.sent(
            now,
            sent.recovery.retransmitted_segments > 0 || sent.overflow_segments > 0,
        );
        self.in_flight.push_back(&mut channel.in_flight, msg);
        let last = &mut self.slots[owner].channels[d].last_arrival;
        let arrival = sent.arrival.max(*last);
        *last = arrival;
        (sent, arrival)
    }

    /// Takes the next message off client `c`'s connection in `direction` at `now`. The
    /// sender samples the round trip when `back` (the reverse trip's latency) is given;
    /// the receiver acknowledges by its ACK policy (`idle_restart`: see
    /// [`AckState::on_data`]). Returns the message and the pure ACKs owed, sent in the
    /// reverse direction.
    ///
    /// # Panics
    /// When nothing is on the way: every arrival event follows a [`Self::transmit`].
    #[inline]
    pub fn receive(
        &mut self,
        c: usize,
        direction: Direction,
        now: SimTime,
        back: Option<Nanos>,
        tcp: &TcpParams,
        idle_restart: Nanos,
    ) -> (M, PureAcks) {
        let channel = &mut self.slots[c].channels[direction.index()];
        let msg = self
            .in_flight
            .pop_front(&mut channel.in_flight)
            .expect("an arrival event follows every send");
        if let (false, Some(back)) = (msg.retransmitted(), back) {
            // The sender learns of the arrival one reverse trip later.
            channel.rtt.sample(now.since(msg.sent_time()) + back);
        }
        let acks = if msg.acknowledged() {
            let data = Arrival {
                segments: msg.segments(),
                bytes: msg.data(),
            };
            let side = tcp.receiver(direction);
            channel
                .receiver_acks
                .on_data(now, data, side, tcp.mss, idle_restart)
        } else {
            PureAcks::default()
        };
        (msg, acks)
    }

    /// Settles `c`'s ACK debts at `now` (a close or the end of the run): the delayed ACKs
    /// whose timers fired, by the direction of the data they acknowledge (down, then up);
    /// what is still owed is cleared.
    pub fn settle_acks(&mut self, c: usize, now: SimTime, tcp: &TcpParams) -> [PureAcks; 2] {
        let mut owed = [PureAcks::default(); 2];
        for direction in [Direction::Down, Direction::Up] {
            let channel = &mut self.slots[c].channels[direction.index()];
            owed[direction.index()] = channel.receiver_acks.finish(now, tcp.receiver(direction));
            channel.receiver_acks = AckState::default();
        }
        owed
    }

    /// Nothing of `c`'s is on the way in either direction.
    #[inline]
    pub fn is_quiet(&self, c: usize) -> bool {
        self.slots[c]
            .channels
            .iter()
            .all(|ch| ch.in_flight.is_empty())
    }

    /// The server's send buffer of `c`'s stream.
    #[inline]
    pub fn send_buffer(&self, c: usize) -> &Waiting<M> {
        &self.slots[c].send_buffer
    }

    /// [`Self::send_buffer`], to offer, drain or wake.
    #[inline]
    pub fn send_buffer_mut(&mut self, c: usize) -> &mut Waiting<M> {
        &mut self.slots[c].send_buffer
    }

    /// Bytes waiting in `c`'s send buffer.
    #[inline]
    pub fn buffered(&self, c: usize) -> u64 {
        self.slots[c].send_buffer.queued()
    }

    /// `c`'s TLS session: held, resumed, and its handshake's answers and bytes.
    #[inline]
    pub fn tls(&self, c: usize) -> &TlsSession {
        &self.slots[c].tls
    }

    /// [`Self::tls`], for a flight that reaches the client or a close.
    #[inline]
    pub fn tls_mut(&mut self, c: usize) -> &mut TlsSession {
        &mut self.slots[c].tls
    }

    /// The server's keep-alive idle timer of `c`'s connection (over HTTP/2: of its
    /// stream, for when it was last used).
    #[inline]
    pub fn idle_mut(&mut self, c: usize) -> &mut IdleTimer {
        &mut self.slots[c].idle
    }

    /// The idle timer of `c`'s connection fired at `now`: see [`idle::fired`]. `tabs`: the
    /// streams on the connection, each with whether something of it beyond the wire keeps
    /// it busy (a request outstanding, messages held at a proxy); a message of theirs on
    /// the wire does too.
    pub fn idle_fired(
        &mut self,
        c: usize,
        open: bool,
        tabs: &[(usize, bool)],
        now: SimTime,
        timeout: Nanos,
    ) -> IdleVerdict {
        let mut timer = self.slots[c].idle;
        let streams = tabs
            .iter()
            .map(|&(t, busy)| (self.slots[t].idle, busy || !self.is_quiet(t)));
        let verdict = idle::fired(&mut timer, open, streams, now, timeout);
        self.slots[c].idle = timer;
        verdict
    }

    /// The HTTP/2 flow-control window of `c`'s stream, both ends' accounts.
    #[inline]
    pub fn window(&self, c: usize) -> &FlowWindow {
        &self.slots[c].window
    }

    /// [`Self::window`], to write, credit or consume.
    #[inline]
    pub fn window_mut(&mut self, c: usize) -> &mut FlowWindow {
        &mut self.slots[c].window
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::network::tests::t;

    /// Linux's defaults: 1448-byte segments, 52-byte headers, 40 ms delayed ACKs.
    const TCP: TcpParams = TcpParams {
        mss: 1448,
        header: 52,
        syn: 60,
        client: LINUX,
        server: LINUX,
    };

    const LINUX: crate::net::tcp::TcpSide = crate::net::tcp::TcpSide {
        ack: crate::net::tcp::AckPolicy::Linux,
        delayed_ack: 40_000_000,
        nodelay: true,
    };

    /// RFC 1122's policy with a 40 ms timer: no quick ACKs.
    const RFC1122: TcpParams = TcpParams {
        client: crate::net::tcp::TcpSide {
            ack: crate::net::tcp::AckPolicy::Rfc1122,
            ..LINUX
        },
        server: crate::net::tcp::TcpSide {
            ack: crate::net::tcp::AckPolicy::Rfc1122,
            ..LINUX
        },
        ..TCP
    };

    /// Linux's idle restart on these tests' paths: TCP_RTO_MIN plus a 20 ms round trip.
    const RESTART: Nanos = 220_000_000;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Piece {
        id: u32,
        segments: u64,
        sent_at: SimTime,
        handshake: bool,
    }

    impl Carried for Piece {
        fn segments(&self) -> u64 {
            self.segments
        }
        fn wire(&self) -> u64 {
            self.segments * 1500
        }
        fn data(&self) -> u64 {
            self.segments * 1448
        }
        fn sent_time(&self) -> SimTime {
            self.sent_at
        }
        fn retransmitted(&self) -> bool {
            false
        }
        fn sent(&mut self, at: SimTime, _retransmitted: bool) {
            self.sent_at = at;
        }
        fn acknowledged(&self) -> bool {
            !self.handshake
        }
    }

    fn piece(id: u32, segments: u64) -> Piece {
        Piece {
            id,
            segments,
            sent_at: SimTime::ZERO,
            handshake: false,
        }
    }

    fn network() -> Network {
        crate::net::network::tests::network(Vec::new())
    }

    fn transfer(browser: usize, wire: u64) -> Transfer {
        Transfer {
            group: crate::ids::GroupId::new(0),
            browser: crate::ids::BrowserId::at(browser),
            direction: Direction::Down,
            data: wire,
            wire,
            segments: 1,
            path_latency: 0,
        }
    }

    #[test]
    fn messages_arrive_in_order_behind_the_owners_last_arrival() {
        let mut net = network();
        let mut conns = Connections::new(2);
        // A 1000-byte message: 1 ms on an 8 Mbit/s link, then 10 ms of propagation.
        let (_, first) = conns.transmit(0, 0, &mut net, transfer(0, 1000), piece(1, 1), t(0));
        assert_eq!(first, t(11_000_000));
        // Tab 1 shares tab 0's connection but has its own access link here: its small
        // message would arrive first, and is held behind the owner's last arrival.
        let (sent, second) = conns.transmit(1, 0, &mut net, transfer(1, 100), piece(2, 1), t(0));
        assert_eq!(sent.arrival, t(10_100_000));
        assert_eq!(second, first);
        let tcp = TCP;
        assert!(!conns.is_quiet(0));
        let (msg, _) = conns.receive(0, Direction::Down, first, None, &tcp, RESTART);
        assert_eq!(msg.id, 1);
        assert!(conns.is_quiet(0));
        let (msg, _) = conns.receive(1, Direction::Down, second, None, &tcp, RESTART);
        assert_eq!(msg.id, 2);
    }

    #[test]
    fn the_receiver_owes_an_ack_every_second_segment_and_a_send_carries_it() {
        let tcp = RFC1122;
        let mut net = network();
        let mut conns = Connections::new(1);
        conns.transmit(0, 0, &mut net, transfer(0, 3000), piece(1, 2), t(0));
        let (_, acks) = conns.receive(0, Direction::Down, t(20_000_000), None, &tcp, RESTART);
        // Two full segments at once: one ACK goes at once, in the reverse direction.
        assert_eq!(acks.immediate, 1);
        conns.transmit(0, 0, &mut net, transfer(0, 1000), piece(2, 1), t(0));
        let (_, acks) = conns.receive(0, Direction::Down, t(30_000_000), None, &tcp, RESTART);
        assert_eq!(acks, PureAcks::default(), "one segment: the ACK is delayed");
        // The client now writes: its data carries the owed ACK, so none goes alone.
        assert_eq!(
            conns.before_send(0, Direction::Up, t(31_000_000), &tcp),
            PureAcks::default()
        );
        // Nothing left to settle at a close.
        let owed = conns.settle_acks(0, t(40_000_000), &tcp);
        assert_eq!(owed, [PureAcks::default(); 2]);
    }

    #[test]
    fn a_handshake_message_owes_no_ack_and_a_late_one_is_settled_on_close() {
        let tcp = RFC1122;
        let mut net = network();
        let mut conns = Connections::new(1);
        let syn = Piece {
            handshake: true,
            ..piece(1, 1)
        };
        conns.transmit(0, 0, &mut net, transfer(0, 60), syn, t(0));
        let (_, acks) = conns.receive(0, Direction::Down, t(10_000_000), None, &tcp, RESTART);
        assert_eq!(acks, PureAcks::default());
        conns.transmit(0, 0, &mut net, transfer(0, 1000), piece(2, 1), t(0));
        conns.receive(0, Direction::Down, t(20_000_000), None, &tcp, RESTART);
        // Its delayed-ACK timer fires 40 ms later; at the close after that it is counted.
        let owed = conns.settle_acks(0, t(100_000_000), &tcp);
        assert_eq!(owed[Direction::Down.index()].expired, Some(t(60_000_000)));
        assert_eq!(owed[Direction::Up.index()], PureAcks::default());
        // Under Linux's policy the first data after the handshake is quick-ACKed.
        let tcp = TCP;
        let mut conns = Connections::new(1);
        conns.transmit(0, 0, &mut net, transfer(0, 60), syn, t(0));
        conns.receive(0, Direction::Down, t(10_000_000), None, &tcp, RESTART);
        conns.transmit(0, 0, &mut net, transfer(0, 1000), piece(2, 1), t(0));
        let (_, acks) = conns.receive(0, Direction::Down, t(20_000_000), None, &tcp, RESTART);
        assert_eq!(acks.immediate, 1);
    }

    #[test]
    fn a_round_trip_is_sampled_only_when_asked() {
        let tcp = TCP;
        let mut net = network();
        let mut conns = Connections::new(1);
        let before = conns.slots[0].channels[0].rtt.srtt();
        conns.transmit(0, 0, &mut net, transfer(0, 100), piece(1, 1), t(0));
        conns.receive(0, Direction::Down, t(10_100_000), None, &tcp, RESTART);
        assert_eq!(conns.slots[0].channels[0].rtt.srtt(), before);
        conns.transmit(0, 0, &mut net, transfer(0, 100), piece(2, 1), t(0));
        conns.receive(
            0,
            Direction::Down,
            t(10_200_000),
            Some(10_000_000),
            &tcp,
            RESTART,
        );
        assert_eq!(conns.slots[0].channels[0].rtt.srtt(), Some(20_200_000));
    }

    #[test]
    fn a_message_on_the_wire_keeps_a_shared_connection_from_going_idle() {
        const TIMEOUT: Nanos = 75_000_000_000;
        let tcp = TCP;
        let mut net = network();
        let mut conns = Connections::new(2);
        assert!(conns.idle_mut(0).answered(t(0)));
        // Tab 1's message is on its way over tab 0's connection when the timer fires.
        conns.transmit(1, 0, &mut net, transfer(1, 1000), piece(1, 1), t(0));
        let tabs = [(0, false), (1, false)];
        assert_eq!(
            conns.idle_fired(0, true, &tabs, t(TIMEOUT), TIMEOUT),
            IdleVerdict::Busy
        );
        // It arrived and tab 1 answered at 10 s: the connection is idle from 85 s.
        conns.receive(1, Direction::Down, t(11_000_000), None, &tcp, RESTART);
        conns.idle_mut(1).touch(t(10_000_000_000));
        assert!(conns.idle_mut(0).answered(t(TIMEOUT)), "disarmed when busy");
        assert_eq!(
            conns.idle_fired(0, true, &tabs, t(2 * TIMEOUT), TIMEOUT),
            IdleVerdict::Close
        );
        let tabs = [(0, false), (1, true)];
        assert_eq!(
            conns.idle_fired(0, true, &tabs, t(3 * TIMEOUT), TIMEOUT),
            IdleVerdict::Busy,
            "a request outstanding keeps it too"
        );
    }

    #[test]
    fn a_renewed_slot_starts_afresh_and_a_lost_message_never_arrives() {
        let tcp = TCP;
        let mut net = network();
        let mut conns = Connections::new(0);
        conns.renew(0);
        // A large message on the first connection: it arrives at 11 ms.
        let (_, first) = conns.transmit(0, 0, &mut net, transfer(0, 1000), piece(1, 1), t(0));
        assert_eq!(first, t(11_000_000));
        // The slot is reused for a new connection over another access link (a webhook
        // sender's slot may go to another receiver): nothing of the old one is on the way,
        // and the new one's small message is not held behind the old one's arrival.
        conns.renew(0);
        assert!(conns.is_quiet(0));
        let (_, second) = conns.transmit(0, 0, &mut net, transfer(1, 100), piece(2, 1), t(0));
        assert_eq!(second, t(10_100_000));
        // A third message is lost whole: it took the link, but only the second arrives.
        let (sent, _) = conns.transmit(0, 0, &mut net, transfer(1, 100), piece(3, 1), t(0));
        assert_eq!(sent.start, t(100_000), "it took its turn on the link");
        assert_eq!(conns.lose_newest(0, Direction::Down).map(|m| m.id), Some(3));
        let (msg, _) = conns.receive(0, Direction::Down, second, None, &tcp, RESTART);
        assert_eq!(msg.id, 2);
        assert!(conns.is_quiet(0));
        assert_eq!(conns.lose_newest(0, Direction::Down), None);
        // Renewing one past the last slot adds one.
        conns.renew(1);
        assert!(conns.is_quiet(1));
    }
}
