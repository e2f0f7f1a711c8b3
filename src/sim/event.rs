//! The engine events of a run and the messages that travel on connections.
//!
//! Events are small plain values. A message's contents wait in its connection's in-order
//! queue; the arrival event only names the connection, because TCP delivers in order.

pub use crate::ids::ClientId;
pub use crate::transport::message::{ConnInfo, MsgKind};

/// Something that happens at a point in simulated time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A client comes alive.
    ClientStart(ClientId),
    /// A client-side timer (the next poll).
    ClientTimer(ClientId),
    /// The next message on the client's uplink reaches the server.
    ArriveAtServer(ClientId),
    /// The next message on the client's downlink reaches the client.
    ArriveAtClient(ClientId),
    /// A CPU job for this client finished on the server; the third field is the client's
    /// job epoch when the job started (a crash voids older jobs).
    JobDone(ClientId, Job, u32),
    /// A held long-poll request times out, if it is still the held one (generation).
    HoldTimeout(ClientId, u32),
    /// The server's keep-alive idle timer for the client's connection.
    IdleTimeout(ClientId),
    /// Time for the next heartbeat or ping on the client's stream (connection generation).
    Keepalive(ClientId, u32),
    /// A proxy's idle timer for the client's connection.
    ProxyIdle(ClientId),
    /// Close the client's connection (of this generation) at its next quiet moment, for a
    /// [`CloseReason`].
    CloseWhenQuiet(ClientId, u32, u32),
    /// The drain period of the replicas from this index on ended.
    DrainEnd(u32),
    /// The client's downlink may be free for the next message of its send buffer.
    LinkFree(ClientId),
    /// Time for the server's next HTTP/2 PING on the client's connection (generation).
    Http2PingTimer(ClientId, u32),
    /// Workload event number `n` is created.
    Created(u32),
    /// The broker's message for event `n` reaches replica `r`.
    BrokerDelivery(u32, u32),
    /// Replica `r` finished processing the broker's message for event `n`.
    BrokerDone(u32, u32),
    /// Scale step `k` of the load balancer takes effect.
    Scale(u32),
    /// Scheduled fault `k` happens.
    Fault(u32),
    /// Replica `r` is back after a crash.
    Restart(u32),
    /// The load balancer probes replica `r`.
    HealthProbe(u32),
    /// Step `s` of deploy fault `k`: replica s/3 leaves service (s%3 = 0), is closed (1),
    /// is back (2).
    Deploy(u32, u32),
    /// The proxy or balancer restarted by fault `k` is back.
    MiddleboxBack(u32),
    /// Client message `k` (of the workload's messages) is written by its client.
    ClientMessage(u32),
}

/// Bits of a push job's event number (and of an answer job's hold generation); the epoch takes the rest of the 32 (5 bits, so it
/// wraps after 32 crashes: a job would have to wait through 32 crashes to be mistaken).
const EVENT_BITS: u32 = 27;
pub const EVENT_MASK: u32 = (1 << EVENT_BITS) - 1;
/// The epoch bits a push job keeps: compare epochs of push jobs under this mask.
pub const PUSH_EPOCH_MASK: u32 = (1 << (32 - EVENT_BITS)) - 1;

impl crate::engine::Packed for Event {
    /// Kind in the top byte, client in the next three, the rest (generation, event number)
    /// in the low four. Clients are fewer than 2^24 (the scenario limit is 10^7).
    #[inline]
    fn pack(self) -> u64 {
        let (kind, client, aux): (u64, ClientId, u32) = match self {
            Event::ClientStart(c) => (0, c, 0),
            Event::ClientTimer(c) => (1, c, 0),
            Event::ArriveAtServer(c) => (2, c, 0),
            Event::ArriveAtClient(c) => (3, c, 0),
            Event::HoldTimeout(c, g) => (4, c, g),
            Event::IdleTimeout(c) => (5, c, 0),
            Event::Keepalive(c, g) => (6, c, g),
            Event::ProxyIdle(c) => (12, c, 0),
            Event::LinkFree(c) => (13, c, 0),
            Event::CloseWhenQuiet(c, g, reason) => {
                debug_assert!(g < 1 << 24 && reason < 256);
                (14, c, g | reason << 24)
            }
            Event::DrainEnd(r) => (15, 0, r),
            Event::Http2PingTimer(c, g) => (7, c, g),
            Event::Created(n) => (8, 0, n),
            Event::BrokerDelivery(r, n) => (9, r, n),
            Event::BrokerDone(r, n) => (10, r, n),
            Event::Scale(k) => (11, 0, k),
            Event::JobDone(c, Job::Request(g), e) => {
                (16, c, g & EVENT_MASK | (e & PUSH_EPOCH_MASK) << EVENT_BITS)
            }
            Event::JobDone(c, Job::Push(n), e) => {
                debug_assert!(n <= EVENT_MASK, "event {n} does not fit {EVENT_BITS} bits");
                (17, c, n | (e & PUSH_EPOCH_MASK) << EVENT_BITS)
            }
            Event::JobDone(c, Job::Answer(g), e) => {
                (18, c, g & EVENT_MASK | (e & PUSH_EPOCH_MASK) << EVENT_BITS)
            }
            Event::JobDone(c, Job::Keepalive, e) => (19, c, e),
            Event::JobDone(c, Job::TlsHandshake, e) => (20, c, e),
            Event::JobDone(c, Job::Http2Ping, e) => (21, c, e),
            Event::Fault(k) => (22, 0, k),
            Event::Restart(r) => (23, 0, r),
            Event::HealthProbe(r) => (24, 0, r),
            Event::Deploy(k, step) => (25, k, step),
            Event::MiddleboxBack(k) => (26, 0, k),
            Event::ClientMessage(k) => (27, 0, k),
            Event::JobDone(c, Job::Message(k), e) => {
                debug_assert!(
                    k <= EVENT_MASK,
                    "message {k} does not fit {EVENT_BITS} bits"
                );
                (28, c, k | (e & PUSH_EPOCH_MASK) << EVENT_BITS)
            }
        };
        debug_assert!(client < 1 << 24, "client id {client} does not fit 24 bits");
        kind << 56 | (client as u64) << 32 | aux as u64
    }

    #[inline]
    fn unpack(packed: u64) -> Self {
        let client = ((packed >> 32) & 0x00ff_ffff) as ClientId;
        let aux = packed as u32;
        match packed >> 56 {
            0 => Event::ClientStart(client),
            1 => Event::ClientTimer(client),
            2 => Event::ArriveAtServer(client),
            3 => Event::ArriveAtClient(client),
            4 => Event::HoldTimeout(client, aux),
            5 => Event::IdleTimeout(client),
            6 => Event::Keepalive(client, aux),
            12 => Event::ProxyIdle(client),
            13 => Event::LinkFree(client),
            14 => Event::CloseWhenQuiet(client, aux & 0x00ff_ffff, aux >> 24),
            15 => Event::DrainEnd(aux),
            7 => Event::Http2PingTimer(client, aux),
            8 => Event::Created(aux),
            9 => Event::BrokerDelivery(client, aux),
            10 => Event::BrokerDone(client, aux),
            11 => Event::Scale(aux),
            16 => Event::JobDone(client, Job::Request(aux & EVENT_MASK), aux >> EVENT_BITS),
            17 => Event::JobDone(client, Job::Push(aux & EVENT_MASK), aux >> EVENT_BITS),
            18 => Event::JobDone(client, Job::Answer(aux & EVENT_MASK), aux >> EVENT_BITS),
            19 => Event::JobDone(client, Job::Keepalive, aux),
            20 => Event::JobDone(client, Job::TlsHandshake, aux),
            21 => Event::JobDone(client, Job::Http2Ping, aux),
            22 => Event::Fault(aux),
            23 => Event::Restart(aux),
            24 => Event::HealthProbe(aux),
            25 => Event::Deploy(client, aux),
            26 => Event::MiddleboxBack(aux),
            27 => Event::ClientMessage(aux),
            28 => Event::JobDone(client, Job::Message(aux & EVENT_MASK), aux >> EVENT_BITS),
            other => unreachable!("no event kind {other}: only pack() makes these"),
        }
    }
}

/// Why a connection is closed at its next quiet moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum CloseReason {
    /// A proxy's maximum connection lifetime.
    Lifetime = 0,
    /// Its replica was removed and drained.
    Drain = 1,
    /// The server's maximum connection age (gRPC `max_connection_age`).
    Age = 2,
}

/// Server work whose completion triggers a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// An HTTP request (poll, long-poll request, SSE subscribe, WebSocket upgrade) that
    /// came on the client's connection of this generation (its low [`EVENT_BITS`] bits):
    /// if that connection is gone when the job ends, nobody is there to answer.
    Request(u32),
    /// Write event `n` to the client's stream.
    Push(u32),
    /// Answer the held long-poll request of this hold generation (its low
    /// [`EVENT_BITS`] bits): a job for a request the server has since dropped is void.
    Answer(u32),
    /// Write a heartbeat or ping.
    Keepalive,
    /// The server's part of a TLS handshake; its first flight leaves when it is done.
    TlsHandshake,
    /// Write an HTTP/2 PING.
    Http2Ping,
    /// Handle client message `k` that arrived on a stream (WebSocket, gRPC), and publish it.
    Message(u32),
}

impl Job {
    /// Jobs that keep only [`PUSH_EPOCH_MASK`]'s bits of the epoch (their aux holds a number).
    pub fn short_epoch(self) -> bool {
        matches!(
            self,
            Job::Push(_) | Job::Message(_) | Job::Answer(_) | Job::Request(_)
        )
    }
}

/// A message with its application-layer bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Msg {
    pub kind: MsgKind,
    /// Events it carries for its client (a response's range may hold others' events).
    pub events: u32,
    pub payload: u64,
    pub framing: u64,
    /// TCP segments it took (set when sent).
    pub segments: u64,
    /// Bytes on the wire, all layers (set when sent).
    pub wire: u64,
    /// Bytes above TCP: what segment loss can hit (set when sent).
    pub data: u64,
    /// When it was sent, for the sender's round-trip estimate.
    pub sent_at: u64,
    /// Some segment of it was retransmitted (no round-trip sample then: Karn's rule).
    pub retransmitted: bool,
}

impl Msg {
    /// Events the message carries for its client.
    pub fn events(&self) -> u32 {
        self.events
    }
}

impl crate::net::connections::Carried for Msg {
    fn segments(&self) -> u64 {
        self.segments
    }
    fn wire(&self) -> u64 {
        self.wire
    }
    fn sent_at(&self) -> u64 {
        self.sent_at
    }
    fn retransmitted(&self) -> bool {
        self.retransmitted
    }
    /// SYN and SYN-ACK carry no data and take no part in the delayed-ACK accounting.
    fn acknowledged(&self) -> bool {
        !matches!(self.kind, MsgKind::Syn | MsgKind::SynAck)
    }
    fn sent(&mut self, at: u64, retransmitted: bool) {
        self.sent_at = at;
        self.retransmitted = retransmitted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Packed;

    #[test]
    fn every_event_survives_packing() {
        let c = (1 << 24) - 1;
        let events = [
            Event::ClientStart(0),
            Event::ClientTimer(c),
            Event::ArriveAtServer(7),
            Event::ArriveAtClient(c),
            Event::HoldTimeout(3, u32::MAX),
            Event::IdleTimeout(c),
            Event::Keepalive(9, 4),
            Event::ProxyIdle(c),
            Event::LinkFree(c),
            Event::CloseWhenQuiet(c, 77, CloseReason::Drain as u32),
            Event::DrainEnd(3),
            Event::Http2PingTimer(c, 12),
            Event::Created(u32::MAX),
            Event::BrokerDelivery(999, 5),
            Event::BrokerDone(3, u32::MAX),
            Event::Scale(2),
            Event::JobDone(c, Job::Request(EVENT_MASK), 7),
            Event::JobDone(1, Job::Push(EVENT_MASK), PUSH_EPOCH_MASK),
            Event::JobDone(1, Job::Push(99_999_999), 3),
            Event::JobDone(2, Job::Answer(EVENT_MASK), PUSH_EPOCH_MASK),
            Event::JobDone(3, Job::Keepalive, 0),
            Event::JobDone(4, Job::TlsHandshake, 1),
            Event::JobDone(5, Job::Http2Ping, 2),
            Event::Fault(3),
            Event::Restart(9),
            Event::HealthProbe(1),
            Event::Deploy(3, 8),
            Event::MiddleboxBack(2),
            Event::ClientMessage(u32::MAX),
            Event::JobDone(c, Job::Message(EVENT_MASK), PUSH_EPOCH_MASK),
            Event::JobDone(6, Job::Message(12), 1),
        ];
        for event in events {
            assert_eq!(Event::unpack(event.pack()), event);
        }
    }
}
