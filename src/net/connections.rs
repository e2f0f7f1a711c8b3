//! The clients' TCP connections as the wire sees them. Per client: its connection's two
//! directions (the messages on their way, delivered in order; the receiver's delayed-ACK
//! debt; the sender's round-trip estimate; where a partition releases its data), the
//! server's send buffer for its stream, and the stream's HTTP/2 flow-control window.
//!
//! Owns: in-order arrival, which message an arrival is, the pure ACKs that sending and
//! receiving owe (returned to the caller to count), the round-trip samples (Karn's rule:
//! none from a retransmitted message), the send buffer's queue and byte count, and the
//! bytes written and not yet credited back. Does not own: the access links and what loss
//! and partitions do on them ([`crate::net::network::Network`], called from
//! [`Connections::transmit`]); a connection's life (handshakes, TLS, idle timers: the
//! simulation's); the byte counters (the caller counts what these functions return); the
//! policy when a send buffer overflows (the simulation's, it needs the stream).
//!
//! Generic over the message type `M`: the wire needs of a message only what [`Carried`]
//! says, so this layer does not know what an HTTP response or a WebSocket frame is.

use std::collections::VecDeque;

use crate::net::loss::RttEstimator;
use crate::net::network::{Network, Sent, Transfer};
use crate::net::tcp::TcpParams;
use crate::net::tcp::{AckState, PureAcks};
use crate::net::wire::Direction;
use crate::time::Nanos;

/// What the connection needs to know of a message it carries.
pub trait Carried {
    /// TCP segments it took.
    fn segments(&self) -> u64;
    /// Bytes on the wire, all layers.
    fn wire(&self) -> u64;
    /// When it was sent.
    fn sent_at(&self) -> Nanos;
    /// Some segment of it was retransmitted (then it gives no round-trip sample).
    fn retransmitted(&self) -> bool;
    /// It takes part in the delayed-ACK accounting (SYN and SYN-ACK do not).
    fn acknowledged(&self) -> bool;
    /// It was put on the wire at `at`; `retransmitted`: loss made TCP resend a segment.
    fn sent(&mut self, at: Nanos, retransmitted: bool);
}

/// One direction of a connection.
#[derive(Debug, Clone)]
struct Channel<M> {
    /// Arrival of the last message in this direction (for in-order delivery).
    last_arrival: Nanos,
    in_flight: VecDeque<M>,
    /// The ACK debt of the side that receives in this direction.
    receiver_acks: AckState,
    /// The sender's round-trip estimate, for its retransmission timeout.
    rtt: RttEstimator,
    /// Under a partition: (its end, when the first segment lost in it gets through); the
    /// rest of the connection's data follows it then.
    partition_release: (Nanos, Nanos),
}

impl<M> Default for Channel<M> {
    fn default() -> Self {
        Channel {
            last_arrival: 0,
            in_flight: VecDeque::new(),
            receiver_acks: AckState::default(),
            rtt: RttEstimator::default(),
            partition_release: (0, 0),
        }
    }
}

/// The server's send buffer of one stream: messages waiting for the client's busy link.
#[derive(Debug, Clone)]
struct SendBuffer<M> {
    waiting: VecDeque<M>,
    /// Their bytes on the wire.
    queued: u64,
    /// A link-free event is pending.
    armed: bool,
}

impl<M> Default for SendBuffer<M> {
    fn default() -> Self {
        SendBuffer {
            waiting: VecDeque::new(),
            queued: 0,
            armed: false,
        }
    }
}

/// One client's connection.
#[derive(Debug, Clone)]
struct Slot<M> {
    /// By [`Direction::index`].
    channels: [Channel<M>; 2],
    send_buffer: SendBuffer<M>,
    /// HTTP/2 flow control: stream bytes written and not yet credited back.
    window_used: u64,
}

impl<M> Default for Slot<M> {
    fn default() -> Self {
        Slot {
            channels: [Channel::default(), Channel::default()],
            send_buffer: SendBuffer::default(),
            window_used: 0,
        }
    }
}

/// The connections of one run, one per client (tabs sharing an HTTP/2 connection keep
/// their own message queues; the connection's owner orders their arrivals).
#[derive(Debug, Clone)]
pub struct Connections<M> {
    slots: Vec<Slot<M>>,
}

impl<M: Carried> Connections<M> {
    /// Connections for `clients` clients, all idle.
    pub fn new(clients: usize) -> Self {
        let mut slots = Vec::with_capacity(clients);
        slots.resize_with(clients, Slot::default);
        Connections { slots }
    }

    /// The sender in `direction` writes at `now`: the ACK it owed for the opposite
    /// direction rides on its data (or, if its timer fired, went out alone before). Returns
    /// the pure ACKs owed, sent in `direction`.
    #[inline]
    pub fn before_send(
        &mut self,
        c: usize,
        direction: Direction,
        now: Nanos,
        tcp: &TcpParams,
    ) -> PureAcks {
        let opposite = direction.reverse().index();
        self.slots[c].channels[opposite]
            .receiver_acks
            .on_send(now, tcp)
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
        now: Nanos,
    ) -> (Sent, Nanos) {
        let d = transfer.direction.index();
        let channel = &mut self.slots[c].channels[d];
        let sent = network.send(transfer, &channel.rtt, &mut channel.partition_release, now);
        msg.sent(now, sent.recovery.retransmitted_segments > 0);
        channel.in_flight.push_back(msg);
        let last = &mut self.slots[owner].channels[d].last_arrival;
        let arrival = sent.arrival.max(*last);
        *last = arrival;
        (sent, arrival)
    }

    /// Takes the next message off client `c`'s connection in `direction` at `now`. The
    /// sender samples the round trip when `back` (the reverse trip's latency) is given;
    /// the receiver acknowledges by the delayed-ACK rule. Returns the message and the pure
    /// ACKs owed, sent in the reverse direction.
    ///
    /// # Panics
    /// When nothing is on the way: every arrival event follows a [`Self::transmit`].
    #[inline]
    pub fn receive(
        &mut self,
        c: usize,
        direction: Direction,
        now: Nanos,
        back: Option<Nanos>,
        tcp: &TcpParams,
    ) -> (M, PureAcks) {
        let channel = &mut self.slots[c].channels[direction.index()];
        let msg = channel
            .in_flight
            .pop_front()
            .expect("an arrival event follows every send");
        if let (false, Some(back)) = (msg.retransmitted(), back) {
            // The sender learns of the arrival one reverse trip later.
            channel.rtt.sample(now - msg.sent_at() + back);
        }
        let acks = if msg.acknowledged() {
            channel.receiver_acks.on_data(now, msg.segments(), tcp)
        } else {
            PureAcks::default()
        };
        (msg, acks)
    }

    /// Settles `c`'s ACK debts at `now` (a close or the end of the run): the delayed ACKs
    /// whose timers fired, by the direction of the data they acknowledge (down, then up);
    /// what is still owed is cleared.
    pub fn settle_acks(&mut self, c: usize, now: Nanos, tcp: &TcpParams) -> [PureAcks; 2] {
        let mut owed = [PureAcks::default(); 2];
        for direction in [Direction::Down, Direction::Up] {
            let channel = &mut self.slots[c].channels[direction.index()];
            owed[direction.index()] = channel.receiver_acks.finish(now, tcp);
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

    /// Puts `msg` in `c`'s send buffer; returns the bytes waiting there now.
    pub fn buffer(&mut self, c: usize, msg: M) -> u64 {
        let buffer = &mut self.slots[c].send_buffer;
        buffer.queued += msg.wire();
        buffer.waiting.push_back(msg);
        buffer.queued
    }

    /// The oldest message in `c`'s send buffer, taken out.
    pub fn unbuffer(&mut self, c: usize) -> Option<M> {
        let buffer = &mut self.slots[c].send_buffer;
        let msg = buffer.waiting.pop_front()?;
        buffer.queued -= msg.wire();
        Some(msg)
    }

    /// Bytes waiting in `c`'s send buffer.
    #[inline]
    pub fn buffered(&self, c: usize) -> u64 {
        self.slots[c].send_buffer.queued
    }

    /// Nothing waits in `c`'s send buffer.
    #[inline]
    pub fn buffer_empty(&self, c: usize) -> bool {
        self.slots[c].send_buffer.waiting.is_empty()
    }

    /// Arms `c`'s link-free event; false if one was pending already.
    pub fn arm_link_free(&mut self, c: usize) -> bool {
        !std::mem::replace(&mut self.slots[c].send_buffer.armed, true)
    }

    /// `c`'s link-free event fired.
    pub fn link_free_fired(&mut self, c: usize) {
        self.slots[c].send_buffer.armed = false;
    }

    /// Bytes written on `c`'s stream and not yet credited back.
    #[inline]
    pub fn window_used(&self, c: usize) -> u64 {
        self.slots[c].window_used
    }

    /// `c`'s stream wrote `bytes` more.
    pub fn window_wrote(&mut self, c: usize, bytes: u64) {
        self.slots[c].window_used += bytes;
    }

    /// The client credited `bytes` back (it also counts header and PING bytes, which are
    /// not flow-controlled, so a credit can exceed what is outstanding).
    pub fn window_credit(&mut self, c: usize, bytes: u64) {
        let used = &mut self.slots[c].window_used;
        *used = used.saturating_sub(bytes);
    }

    /// A new stream of `c` starts with a fresh window.
    pub fn window_open(&mut self, c: usize) {
        self.slots[c].window_used = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Linux's defaults: 1448-byte segments, 52-byte headers, 40 ms delayed ACKs.
    const TCP: TcpParams = TcpParams {
        mss: 1448,
        header: 52,
        syn: 60,
        delayed_ack: 40_000_000,
    };

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    struct Piece {
        id: u32,
        segments: u64,
        sent_at: Nanos,
        handshake: bool,
    }

    impl Carried for Piece {
        fn segments(&self) -> u64 {
            self.segments
        }
        fn wire(&self) -> u64 {
            self.segments * 1500
        }
        fn sent_at(&self) -> Nanos {
            self.sent_at
        }
        fn retransmitted(&self) -> bool {
            false
        }
        fn sent(&mut self, at: Nanos, _retransmitted: bool) {
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
            sent_at: 0,
            handshake: false,
        }
    }

    fn network() -> Network {
        crate::net::network::tests::network(Vec::new())
    }

    fn transfer(browser: usize, wire: u64) -> Transfer {
        Transfer {
            group: 0,
            browser,
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
        let (_, first) = conns.transmit(0, 0, &mut net, transfer(0, 1000), piece(1, 1), 0);
        assert_eq!(first, 11_000_000);
        // Tab 1 shares tab 0's connection but has its own access link here: its small
        // message would arrive first, and is held behind the owner's last arrival.
        let (sent, second) = conns.transmit(1, 0, &mut net, transfer(1, 100), piece(2, 1), 0);
        assert_eq!(sent.arrival, 10_100_000);
        assert_eq!(second, first);
        let tcp = TCP;
        assert!(!conns.is_quiet(0));
        let (msg, _) = conns.receive(0, Direction::Down, first, None, &tcp);
        assert_eq!(msg.id, 1);
        assert!(conns.is_quiet(0));
        let (msg, _) = conns.receive(1, Direction::Down, second, None, &tcp);
        assert_eq!(msg.id, 2);
    }

    #[test]
    fn the_receiver_owes_an_ack_every_second_segment_and_a_send_carries_it() {
        let tcp = TCP;
        let mut net = network();
        let mut conns = Connections::new(1);
        conns.transmit(0, 0, &mut net, transfer(0, 3000), piece(1, 2), 0);
        let (_, acks) = conns.receive(0, Direction::Down, 20_000_000, None, &tcp);
        // Two full segments at once: one ACK goes at once, in the reverse direction.
        assert_eq!(acks.immediate, 1);
        conns.transmit(0, 0, &mut net, transfer(0, 1000), piece(2, 1), 0);
        let (_, acks) = conns.receive(0, Direction::Down, 30_000_000, None, &tcp);
        assert_eq!(acks, PureAcks::default(), "one segment: the ACK is delayed");
        // The client now writes: its data carries the owed ACK, so none goes alone.
        assert_eq!(
            conns.before_send(0, Direction::Up, 31_000_000, &tcp),
            PureAcks::default()
        );
        // Nothing left to settle at a close.
        let owed = conns.settle_acks(0, 40_000_000, &tcp);
        assert_eq!(owed, [PureAcks::default(); 2]);
    }

    #[test]
    fn a_handshake_message_owes_no_ack_and_a_late_one_is_settled_on_close() {
        let tcp = TCP;
        let mut net = network();
        let mut conns = Connections::new(1);
        let syn = Piece {
            handshake: true,
            ..piece(1, 1)
        };
        conns.transmit(0, 0, &mut net, transfer(0, 60), syn, 0);
        let (_, acks) = conns.receive(0, Direction::Down, 10_000_000, None, &tcp);
        assert_eq!(acks, PureAcks::default());
        conns.transmit(0, 0, &mut net, transfer(0, 1000), piece(2, 1), 0);
        conns.receive(0, Direction::Down, 20_000_000, None, &tcp);
        // Its delayed-ACK timer fires 40 ms later; at the close after that it is counted.
        let owed = conns.settle_acks(0, 100_000_000, &tcp);
        assert_eq!(owed[Direction::Down.index()].expired, Some(60_000_000));
        assert_eq!(owed[Direction::Up.index()], PureAcks::default());
    }

    #[test]
    fn a_round_trip_is_sampled_only_when_asked() {
        let tcp = TCP;
        let mut net = network();
        let mut conns = Connections::new(1);
        let before = conns.slots[0].channels[0].rtt.srtt();
        conns.transmit(0, 0, &mut net, transfer(0, 100), piece(1, 1), 0);
        conns.receive(0, Direction::Down, 10_100_000, None, &tcp);
        assert_eq!(conns.slots[0].channels[0].rtt.srtt(), before);
        conns.transmit(0, 0, &mut net, transfer(0, 100), piece(2, 1), 0);
        conns.receive(0, Direction::Down, 10_200_000, Some(10_000_000), &tcp);
        assert_eq!(conns.slots[0].channels[0].rtt.srtt(), Some(20_200_000));
    }

    #[test]
    fn the_send_buffer_counts_its_bytes_and_gives_messages_back_in_order() {
        let mut conns = Connections::new(1);
        assert!(conns.buffer_empty(0));
        assert_eq!(conns.buffer(0, piece(1, 1)), 1500);
        assert_eq!(conns.buffer(0, piece(2, 2)), 4500);
        assert!(conns.arm_link_free(0));
        assert!(!conns.arm_link_free(0), "one link-free event at a time");
        conns.link_free_fired(0);
        assert!(conns.arm_link_free(0));
        assert_eq!(conns.unbuffer(0).map(|m| m.id), Some(1));
        assert_eq!(conns.buffered(0), 3000);
        assert_eq!(conns.unbuffer(0).map(|m| m.id), Some(2));
        assert_eq!(conns.buffered(0), 0);
        assert_eq!(conns.unbuffer(0), None);
    }

    #[test]
    fn the_window_never_goes_below_zero() {
        let mut conns: Connections<Piece> = Connections::new(1);
        conns.window_wrote(0, 1000);
        conns.window_credit(0, 400);
        assert_eq!(conns.window_used(0), 600);
        conns.window_credit(0, 5000);
        assert_eq!(conns.window_used(0), 0);
        conns.window_wrote(0, 70);
        conns.window_open(0);
        assert_eq!(conns.window_used(0), 0);
    }
}
