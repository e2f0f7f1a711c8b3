//! The engine events of a run and the messages that travel on connections.
//!
//! Events are small plain values. A message's contents wait in its connection's in-order
//! queue; the arrival event only names the connection, because TCP delivers in order.
//! A server job says what CPU work it is ([`Job::work`]); the fleet prices the work.

pub use crate::ids::ClientId;
use crate::ids::{EventNo, FaultId, Generation, MessageNo, ReplicaId};
use crate::infra::fleet::Work;
use crate::time::SimTime;
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
    /// A CPU job for this client finished on the server.
    JobDone {
        client: ClientId,
        job: Job,
        /// The client's job epoch when the job started (a crash voids older jobs).
        epoch: u32,
    },
    /// A held long-poll request times out, if it is still the held one.
    HoldTimeout {
        client: ClientId,
        generation: Generation,
    },
    /// The server's keep-alive idle timer for the client's connection.
    IdleTimeout(ClientId),
    /// Time for the next heartbeat or ping on the client's stream, if its connection is
    /// still of this generation.
    Keepalive {
        client: ClientId,
        generation: Generation,
    },
    /// A proxy's idle timer for the client's connection.
    ProxyIdle(ClientId),
    /// Close the client's connection (of this generation) at its next quiet moment, for a
    /// [`CloseReason`] (as its `u32`).
    CloseWhenQuiet {
        client: ClientId,
        generation: Generation,
        reason: u32,
    },
    /// The drain period of the replicas from this one on ended.
    DrainEnd(ReplicaId),
    /// The client's downlink may be free for the next message of its send buffer.
    LinkFree(ClientId),
    /// Time for the server's next HTTP/2 PING on the client's connection, if it is still of
    /// this generation.
    Http2PingTimer {
        client: ClientId,
        generation: Generation,
    },
    /// The workload's event `k` (in its source's order) is created.
    Created(EventNo),
    /// The broker's message for workload event `event` reaches replica `replica`.
    BrokerDelivery { replica: ReplicaId, event: EventNo },
    /// Replica `replica` finished processing the broker's message for event `event`.
    BrokerDone { replica: ReplicaId, event: EventNo },
    /// Scale step `step` of the load balancer takes effect.
    Scale { step: u32 },
    /// Scheduled fault `k` happens.
    Fault(FaultId),
    /// Replica `r` is back after a crash.
    Restart(ReplicaId),
    /// The load balancer probes replica `r`.
    HealthProbe(ReplicaId),
    /// Step `step` of deploy fault `fault`: replica step/3 leaves service (step % 3 = 0),
    /// is closed (1), is back (2).
    Deploy { fault: FaultId, step: u32 },
    /// The proxy or balancer restarted by fault `k` is back.
    MiddleboxBack(FaultId),
    /// Client message `message` (an index into the workload's messages) is written by its
    /// client.
    ClientMessage { message: MessageNo },
    /// The batch window of this generation of the client's stream ends
    /// ([`crate::transport::batch`]).
    BatchDue { client: ClientId, generation: u32 },
    /// Internal call `call` (an index of the world's calls) reaches its service replica
    /// ([`crate::infra::services`]).
    CallArrived { call: u32 },
    /// The service replica finished call `call`: its reply leaves.
    CallServed { call: u32 },
    /// The reply to call `call` reaches the front replica that made it.
    ReplyArrived { call: u32 },
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
    #[inline(always)]
    fn pack(self) -> u64 {
        let (kind, slot, aux): (u64, u32, u32) = match self {
            Event::ClientStart(c) => (0, c.get(), 0),
            Event::ClientTimer(c) => (1, c.get(), 0),
            Event::ArriveAtServer(c) => (2, c.get(), 0),
            Event::ArriveAtClient(c) => (3, c.get(), 0),
            Event::HoldTimeout {
                client: c,
                generation: g,
            } => (4, c.get(), g.get()),
            Event::IdleTimeout(c) => (5, c.get(), 0),
            Event::Keepalive {
                client: c,
                generation: g,
            } => (6, c.get(), g.get()),
            Event::ProxyIdle(c) => (12, c.get(), 0),
            Event::LinkFree(c) => (13, c.get(), 0),
            Event::CloseWhenQuiet {
                client: c,
                generation: g,
                reason,
            } => {
                debug_assert!(g.get() < 1 << 24 && reason < 256);
                (14, c.get(), g.get() | reason << 24)
            }
            Event::DrainEnd(r) => (15, 0, r.get()),
            Event::Http2PingTimer {
                client: c,
                generation: g,
            } => (7, c.get(), g.get()),
            Event::Created(n) => (8, 0, n.get()),
            Event::BrokerDelivery {
                replica: r,
                event: n,
            } => (9, r.get(), n.get()),
            Event::BrokerDone {
                replica: r,
                event: n,
            } => (10, r.get(), n.get()),
            Event::Scale { step } => (11, 0, step),
            Event::JobDone {
                client: c,
                job: Job::Request(g),
                epoch: e,
            } => (
                16,
                c.get(),
                g.get() & EVENT_MASK | (e & PUSH_EPOCH_MASK) << EVENT_BITS,
            ),
            Event::JobDone {
                client: c,
                job: Job::Push(n),
                epoch: e,
            } => {
                debug_assert!(
                    n.get() <= EVENT_MASK,
                    "event {n} does not fit {EVENT_BITS} bits"
                );
                (17, c.get(), n.get() | (e & PUSH_EPOCH_MASK) << EVENT_BITS)
            }
            Event::JobDone {
                client: c,
                job: Job::Answer(g),
                epoch: e,
            } => (
                18,
                c.get(),
                g.get() & EVENT_MASK | (e & PUSH_EPOCH_MASK) << EVENT_BITS,
            ),
            Event::JobDone {
                client: c,
                job: Job::Keepalive,
                epoch: e,
            } => (19, c.get(), e),
            Event::JobDone {
                client: c,
                job: Job::TlsHandshake,
                epoch: e,
            } => (20, c.get(), e),
            Event::JobDone {
                client: c,
                job: Job::Http2Ping,
                epoch: e,
            } => (21, c.get(), e),
            Event::Fault(k) => (22, 0, k.get()),
            Event::Restart(r) => (23, 0, r.get()),
            Event::HealthProbe(r) => (24, 0, r.get()),
            Event::Deploy { fault: k, step } => (25, k.get(), step),
            Event::MiddleboxBack(k) => (26, 0, k.get()),
            Event::ClientMessage { message } => (27, 0, message.get()),
            Event::BatchDue {
                client: c,
                generation,
            } => (29, c.get(), generation),
            Event::JobDone {
                client: c,
                job: Job::Batch,
                epoch: e,
            } => (30, c.get(), e),
            Event::CallArrived { call } => (31, 0, call),
            Event::CallServed { call } => (32, 0, call),
            Event::ReplyArrived { call } => (33, 0, call),
            Event::JobDone {
                client: c,
                job: Job::Message(k),
                epoch: e,
            } => {
                debug_assert!(
                    k.get() <= EVENT_MASK,
                    "message {k} does not fit {EVENT_BITS} bits"
                );
                (28, c.get(), k.get() | (e & PUSH_EPOCH_MASK) << EVENT_BITS)
            }
        };
        debug_assert!(slot < 1 << 24, "client id {slot} does not fit 24 bits");
        kind << 56 | (slot as u64) << 32 | aux as u64
    }

    #[inline]
    fn unpack(packed: u64) -> Self {
        let slot = ((packed >> 32) & 0x00ff_ffff) as u32;
        let client = ClientId::new(slot);
        let aux = packed as u32;
        match packed >> 56 {
            0 => Event::ClientStart(client),
            1 => Event::ClientTimer(client),
            2 => Event::ArriveAtServer(client),
            3 => Event::ArriveAtClient(client),
            4 => Event::HoldTimeout {
                client,
                generation: Generation::new(aux),
            },
            5 => Event::IdleTimeout(client),
            6 => Event::Keepalive {
                client,
                generation: Generation::new(aux),
            },
            12 => Event::ProxyIdle(client),
            13 => Event::LinkFree(client),
            14 => Event::CloseWhenQuiet {
                client,
                generation: Generation::new(aux & 0x00ff_ffff),
                reason: aux >> 24,
            },
            15 => Event::DrainEnd(ReplicaId::new(aux)),
            7 => Event::Http2PingTimer {
                client,
                generation: Generation::new(aux),
            },
            8 => Event::Created(EventNo::new(aux)),
            9 => Event::BrokerDelivery {
                replica: ReplicaId::new(slot),
                event: EventNo::new(aux),
            },
            10 => Event::BrokerDone {
                replica: ReplicaId::new(slot),
                event: EventNo::new(aux),
            },
            11 => Event::Scale { step: aux },
            16 => Event::JobDone {
                client,
                job: Job::Request(Generation::new(aux & EVENT_MASK)),
                epoch: aux >> EVENT_BITS,
            },
            17 => Event::JobDone {
                client,
                job: Job::Push(EventNo::new(aux & EVENT_MASK)),
                epoch: aux >> EVENT_BITS,
            },
            18 => Event::JobDone {
                client,
                job: Job::Answer(Generation::new(aux & EVENT_MASK)),
                epoch: aux >> EVENT_BITS,
            },
            19 => Event::JobDone {
                client,
                job: Job::Keepalive,
                epoch: aux,
            },
            20 => Event::JobDone {
                client,
                job: Job::TlsHandshake,
                epoch: aux,
            },
            21 => Event::JobDone {
                client,
                job: Job::Http2Ping,
                epoch: aux,
            },
            22 => Event::Fault(FaultId::new(aux)),
            23 => Event::Restart(ReplicaId::new(aux)),
            24 => Event::HealthProbe(ReplicaId::new(aux)),
            25 => Event::Deploy {
                fault: FaultId::new(slot),
                step: aux,
            },
            26 => Event::MiddleboxBack(FaultId::new(aux)),
            27 => Event::ClientMessage {
                message: MessageNo::new(aux),
            },
            28 => Event::JobDone {
                client,
                job: Job::Message(MessageNo::new(aux & EVENT_MASK)),
                epoch: aux >> EVENT_BITS,
            },
            29 => Event::BatchDue {
                client,
                generation: aux,
            },
            30 => Event::JobDone {
                client,
                job: Job::Batch,
                epoch: aux,
            },
            31 => Event::CallArrived { call: aux },
            32 => Event::CallServed { call: aux },
            33 => Event::ReplyArrived { call: aux },
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
    /// A serverless invocation's `max_duration` (its stream is cut).
    MaxDuration = 3,
    /// A managed WebSocket gateway's maximum connection duration.
    GatewayDuration = 4,
    /// A managed WebSocket gateway's idle timeout (checked again if a message came).
    GatewayIdle = 5,
}

/// Server work whose completion triggers a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// An HTTP request (poll, long-poll request, SSE subscribe, WebSocket upgrade) that
    /// came on the client's connection of this generation (its low [`EVENT_BITS`] bits):
    /// if that connection is gone when the job ends, nobody is there to answer.
    Request(Generation),
    /// Write event `n` to the client's stream (at most [`EVENT_MASK`]: the pack keeps
    /// 27 bits).
    Push(EventNo),
    /// Answer the held long-poll request of this hold generation (its low
    /// [`EVENT_BITS`] bits): a job for a request the server has since dropped is void.
    Answer(Generation),
    /// Write a heartbeat or ping.
    Keepalive,
    /// The server's part of a TLS handshake; its first flight leaves when it is done.
    TlsHandshake,
    /// Write an HTTP/2 PING.
    Http2Ping,
    /// Handle client message `k` that arrived on a stream (WebSocket, gRPC), and publish it.
    Message(MessageNo),
    /// Write the client's oldest closed batch ([`crate::transport::batch`]) to its stream:
    /// one message however many events it holds.
    Batch,
}

impl Job {
    /// What a request or answer job keeps of `generation`: its low [`EVENT_BITS`] bits,
    /// compared with the same bits of the connection's or the hold's generation when the
    /// job ends.
    #[inline]
    pub fn kept(generation: Generation) -> Generation {
        generation.low_bits(EVENT_BITS)
    }

    /// The CPU work this job is, as the fleet's cost table sees it; `accept`: a request
    /// that is the first on its connection (it also pays the accept); `bytes`: the payload
    /// of the message a push or a client's message carries. Inlined, so that where the job
    /// is known its work is too.
    #[inline(always)]
    pub fn work(self, accept: bool, bytes: u64) -> Work {
        match self {
            Job::Request(_) => Work::Request { accept },
            Job::Push(_) | Job::Answer(_) | Job::Batch => Work::Push { bytes },
            Job::Message(_) => Work::Read { bytes },
            Job::Keepalive | Job::Http2Ping => Work::Ping,
            Job::TlsHandshake => Work::TlsHandshake,
        }
    }

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
    pub sent_at: SimTime,
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
    fn data(&self) -> u64 {
        self.data
    }
    fn sent_time(&self) -> SimTime {
        self.sent_at
    }
    fn retransmitted(&self) -> bool {
        self.retransmitted
    }
    /// SYN and SYN-ACK carry no data and take no part in the delayed-ACK accounting.
    fn acknowledged(&self) -> bool {
        !matches!(self.kind, MsgKind::Syn | MsgKind::SynAck)
    }
    fn sent(&mut self, at: SimTime, retransmitted: bool) {
        self.sent_at = at;
        self.retransmitted = retransmitted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Packed;

    #[test]
    fn a_job_is_the_work_the_cost_table_prices() {
        let g = Generation::new(1);
        assert_eq!(
            Job::Request(g).work(true, 9),
            Work::Request { accept: true }
        );
        assert_eq!(
            Job::Request(g).work(false, 0),
            Work::Request { accept: false }
        );
        // Writing an event and answering a held poll are each one write on a connection;
        // publishing a client's message is a read (priced with its own per-byte work);
        // `accept` is a request's alone.
        for job in [Job::Push(EventNo::new(3)), Job::Answer(g)] {
            assert_eq!(job.work(true, 180), Work::Push { bytes: 180 }, "{job:?}");
        }
        assert_eq!(
            Job::Message(MessageNo::new(4)).work(true, 180),
            Work::Read { bytes: 180 }
        );
        assert_eq!(Job::Keepalive.work(false, 0), Work::Ping);
        assert_eq!(Job::Http2Ping.work(false, 0), Work::Ping);
        assert_eq!(Job::TlsHandshake.work(true, 0), Work::TlsHandshake);
    }

    #[test]
    fn every_event_survives_packing() {
        let c = ClientId::new((1 << 24) - 1);
        let events = [
            Event::ClientStart(ClientId::new(0)),
            Event::ClientTimer(c),
            Event::ArriveAtServer(ClientId::new(7)),
            Event::ArriveAtClient(c),
            Event::HoldTimeout {
                client: ClientId::new(3),
                generation: Generation::new(u32::MAX),
            },
            Event::IdleTimeout(c),
            Event::Keepalive {
                client: ClientId::new(9),
                generation: Generation::new(4),
            },
            Event::ProxyIdle(c),
            Event::LinkFree(c),
            Event::CloseWhenQuiet {
                client: c,
                generation: Generation::new(77),
                reason: CloseReason::Drain as u32,
            },
            Event::DrainEnd(ReplicaId::new(3)),
            Event::Http2PingTimer {
                client: c,
                generation: Generation::new(12),
            },
            Event::Created(EventNo::new(u32::MAX)),
            Event::BrokerDelivery {
                replica: ReplicaId::new(999),
                event: EventNo::new(5),
            },
            Event::BrokerDone {
                replica: ReplicaId::new(3),
                event: EventNo::new(u32::MAX),
            },
            Event::Scale { step: 2 },
            Event::JobDone {
                client: c,
                job: Job::Request(Generation::new(EVENT_MASK)),
                epoch: 7,
            },
            Event::JobDone {
                client: ClientId::new(1),
                job: Job::Push(EventNo::new(EVENT_MASK)),
                epoch: PUSH_EPOCH_MASK,
            },
            Event::JobDone {
                client: ClientId::new(1),
                job: Job::Push(EventNo::new(99_999_999)),
                epoch: 3,
            },
            Event::JobDone {
                client: ClientId::new(2),
                job: Job::Answer(Generation::new(EVENT_MASK)),
                epoch: PUSH_EPOCH_MASK,
            },
            Event::JobDone {
                client: ClientId::new(3),
                job: Job::Keepalive,
                epoch: 0,
            },
            Event::JobDone {
                client: ClientId::new(4),
                job: Job::TlsHandshake,
                epoch: 1,
            },
            Event::JobDone {
                client: ClientId::new(5),
                job: Job::Http2Ping,
                epoch: 2,
            },
            Event::Fault(FaultId::new(3)),
            Event::Restart(ReplicaId::new(9)),
            Event::HealthProbe(ReplicaId::new(1)),
            Event::Deploy {
                fault: FaultId::new(3),
                step: 8,
            },
            Event::MiddleboxBack(FaultId::new(2)),
            Event::ClientMessage {
                message: MessageNo::new(u32::MAX),
            },
            Event::JobDone {
                client: c,
                job: Job::Message(MessageNo::new(EVENT_MASK)),
                epoch: PUSH_EPOCH_MASK,
            },
            Event::JobDone {
                client: ClientId::new(6),
                job: Job::Message(MessageNo::new(12)),
                epoch: 1,
            },
            Event::BatchDue {
                client: ClientId::new(7),
                generation: u32::MAX,
            },
            Event::JobDone {
                client: ClientId::new(7),
                job: Job::Batch,
                epoch: u32::MAX,
            },
            Event::CallArrived { call: u32::MAX },
            Event::CallServed { call: 7 },
            Event::ReplyArrived { call: 0 },
        ];
        for event in events {
            assert_eq!(Event::unpack(event.pack()), event);
        }
    }

    /// The queue orders equal times by packed value, so typed ids must keep the bit
    /// layout they had as bare numbers: kind in the top byte, client, replica or fault in
    /// the next three, event number, generation, replica or step in the low four.
    #[test]
    fn typed_ids_and_named_fields_keep_the_bit_layout_of_bare_numbers() {
        let at = |kind: u64, slot: u64, aux: u64| kind << 56 | slot << 32 | aux;
        let cases = [
            (Event::Created(EventNo::new(77)), at(8, 0, 77)),
            (
                Event::BrokerDelivery {
                    replica: ReplicaId::new(5),
                    event: EventNo::new(9),
                },
                at(9, 5, 9),
            ),
            (
                Event::BrokerDone {
                    replica: ReplicaId::new(2),
                    event: EventNo::new(u32::MAX),
                },
                at(10, 2, u32::MAX as u64),
            ),
            (Event::DrainEnd(ReplicaId::new(3)), at(15, 0, 3)),
            (Event::Fault(FaultId::new(4)), at(22, 0, 4)),
            (Event::Restart(ReplicaId::new(6)), at(23, 0, 6)),
            (Event::HealthProbe(ReplicaId::new(1)), at(24, 0, 1)),
            (
                Event::Deploy {
                    fault: FaultId::new(7),
                    step: 11,
                },
                at(25, 7, 11),
            ),
            (Event::MiddleboxBack(FaultId::new(8)), at(26, 0, 8)),
            (Event::Scale { step: 2 }, at(11, 0, 2)),
            (
                Event::ClientMessage {
                    message: MessageNo::new(12),
                },
                at(27, 0, 12),
            ),
            // Generations and a push job's event: the low four bytes, a close's reason above
            // its 24 bits, a job's epoch above its 27.
            (
                Event::HoldTimeout {
                    client: ClientId::new(4),
                    generation: Generation::new(u32::MAX),
                },
                at(4, 4, u32::MAX as u64),
            ),
            (
                Event::Keepalive {
                    client: ClientId::new(1),
                    generation: Generation::new(9),
                },
                at(6, 1, 9),
            ),
            (
                Event::Http2PingTimer {
                    client: ClientId::new(2),
                    generation: Generation::new(3),
                },
                at(7, 2, 3),
            ),
            (
                Event::CloseWhenQuiet {
                    client: ClientId::new(5),
                    generation: Generation::new(77),
                    reason: CloseReason::Age as u32,
                },
                at(14, 5, 2 << 24 | 77),
            ),
            (
                Event::JobDone {
                    client: ClientId::new(6),
                    job: Job::Request(Generation::new(EVENT_MASK)),
                    epoch: 3,
                },
                at(16, 6, 3 << 27 | EVENT_MASK as u64),
            ),
            (
                Event::JobDone {
                    client: ClientId::new(6),
                    job: Job::Answer(Generation::new(8)),
                    epoch: 1,
                },
                at(18, 6, 1 << 27 | 8),
            ),
            (
                Event::JobDone {
                    client: ClientId::new(7),
                    job: Job::Push(EventNo::new(5)),
                    epoch: 2,
                },
                at(17, 7, 2 << 27 | 5),
            ),
            (
                Event::BatchDue {
                    client: ClientId::new(8),
                    generation: u32::MAX,
                },
                at(29, 8, u32::MAX as u64),
            ),
            (
                Event::JobDone {
                    client: ClientId::new(9),
                    job: Job::Batch,
                    epoch: 40,
                },
                at(30, 9, 40),
            ),
        ];
        for (event, packed) in cases {
            assert_eq!(event.pack(), packed, "{event:?}");
        }
        // Their traces read as they did with bare numbers.
        assert_eq!(
            format!(
                "{:?}",
                Event::Deploy {
                    fault: FaultId::new(7),
                    step: 11
                }
            ),
            "Deploy { fault: 7, step: 11 }"
        );
        assert_eq!(
            format!("{:?}", Event::Restart(ReplicaId::new(6))),
            "Restart(6)"
        );
        assert_eq!(
            format!(
                "{:?}",
                Event::HoldTimeout {
                    client: ClientId::new(0),
                    generation: Generation::new(2)
                }
            ),
            "HoldTimeout { client: 0, generation: 2 }"
        );
        assert_eq!(
            Job::kept(Generation::new((1 << 27) + 4)),
            Generation::new(4),
            "a job keeps a generation's low 27 bits"
        );
    }
}
