//! The sender's connections: an arena of slots reused after a close, each with a
//! generation so that late messages of a closed connection are told apart, and the
//! keep-alive pool of idle connections per receiver.
//!
//! Owns: which connections are open, to whom, for which attempt, and what each end knows
//! of it. Does not own the wire: a connection's messages on their way, their in-order
//! arrival and the links they cross are [`Connections`]' and [`Network`]'s, the same as
//! for the clients' connections, by slot (a slot reused is renewed there too).
//!
//! HTTP/1.1 without pipelining: a connection carries one request at a time. The sender
//! opens as many connections to a receiver as it has attempts waiting (no per-host limit).

use std::collections::VecDeque;

use super::config::WebhookConfig;
use super::event::{ConnRef, PairId, ReceiverId};
use super::message::Message;
use crate::engine::rng::{self, Stream};
use crate::ids::{BrowserId, Generation, GroupId};
use crate::net::connections::{Carried, Connections};
use crate::net::loss::MIN_RTO;
use crate::net::network::{Network, Sent, Transfer};
use crate::net::tcp::TcpParams;
use crate::net::wire::Direction;
use crate::time::SimTime;

/// What the receiver's end knows of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Peer {
    /// The SYN has not arrived yet.
    Unknown,
    /// Accepted and usable.
    Open,
    /// Refused, reset at an outage, or broken by a lost response: the receiver sends
    /// nothing more on it and drops whatever arrives.
    Gone,
}

/// One connection, as the sender and the receiver see it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Conn {
    pub receiver: ReceiverId,
    /// The pair whose attempt uses the connection; `None`: idle in the pool.
    pub pair: Option<PairId>,
    /// The sender has the SYN-ACK (a reset now means the connection was reset, not refused).
    pub established: bool,
    pub peer: Peer,
}

#[derive(Debug, Clone)]
struct Slot {
    generation: Generation,
    conn: Option<Conn>,
}

/// Every open connection of the run, addressed by [`ConnRef`].
#[derive(Debug, Clone)]
pub(super) struct Arena {
    slots: Vec<Slot>,
    /// Closed slots, reused last-closed first.
    free: Vec<u32>,
    /// The connections' wire side, by slot.
    wire: Connections<Message>,
}

impl Default for Arena {
    fn default() -> Self {
        Arena {
            slots: Vec::new(),
            free: Vec::new(),
            wire: Connections::new(0),
        }
    }
}

impl Arena {
    /// Opens a connection to `receiver` for `pair`'s attempt.
    pub fn open(&mut self, receiver: ReceiverId, pair: PairId) -> ConnRef {
        let conn = Conn {
            receiver,
            pair: Some(pair),
            established: false,
            peer: Peer::Unknown,
        };
        let reused = self.free.pop();
        self.wire
            .renew(reused.map_or(self.slots.len(), |slot| slot as usize));
        if let Some(slot) = reused {
            let entry = &mut self.slots[slot as usize];
            entry.conn = Some(conn);
            ConnRef {
                slot,
                generation: entry.generation,
            }
        } else {
            // Fits in 26 bits: live connections never outnumber pairs (checked by the
            // configuration), since one is opened only when no idle one is left.
            let slot = self.slots.len() as u32;
            self.slots.push(Slot {
                generation: Generation::default(),
                conn: Some(conn),
            });
            ConnRef {
                slot,
                generation: Generation::default(),
            }
        }
    }

    /// The most connections open at once so far: a slot is added only when every slot is
    /// in use.
    pub fn peak(&self) -> usize {
        self.slots.len()
    }

    /// The connection, if it is still open.
    pub fn get(&self, conn: ConnRef) -> Option<&Conn> {
        let slot = self.slots.get(conn.slot as usize)?;
        (slot.generation == conn.generation)
            .then_some(slot.conn.as_ref())
            .flatten()
    }

    /// The connection, if it is still open.
    pub fn get_mut(&mut self, conn: ConnRef) -> Option<&mut Conn> {
        let slot = self.slots.get_mut(conn.slot as usize)?;
        if slot.generation == conn.generation {
            slot.conn.as_mut()
        } else {
            None
        }
    }

    /// Closes the connection (if still open): its slot may be reused, and anything still
    /// addressed to it is dropped.
    pub fn close(&mut self, conn: ConnRef) {
        if let Some(slot) = self.slots.get_mut(conn.slot as usize)
            && slot.generation == conn.generation
            && slot.conn.take().is_some()
        {
            slot.generation = slot.generation.next();
            self.free.push(conn.slot);
        }
    }

    /// Puts `msg` on `conn` at `now`, if it is still open: it crosses its receiver's path
    /// ([`Network::send`]) and arrives in order behind the connection's earlier messages.
    /// Returns the connection's receiver, what the network did and the arrival.
    pub fn transmit(
        &mut self,
        conn: ConnRef,
        network: &mut Network,
        msg: Message,
        now: SimTime,
    ) -> Option<(ReceiverId, Sent, SimTime)> {
        let r = self.get(conn)?.receiver;
        let transfer = Transfer {
            group: GroupId::new(r.get()),
            browser: BrowserId::new(r.get()),
            direction: msg.direction(),
            data: msg.bytes.total() - msg.bytes.tcpip,
            wire: msg.bytes.total(),
            segments: msg.segments(),
            path_latency: 0,
        };
        let c = conn.slot as usize;
        let (sent, arrival) = self.wire.transmit(c, c, network, transfer, msg, now);
        Some((r, sent, arrival))
    }

    /// The message just put on `conn` in `direction` is lost whole: it never arrives.
    pub fn lose_newest(&mut self, conn: ConnRef, direction: Direction) {
        if self.get(conn).is_some() {
            self.wire.lose_newest(conn.slot as usize, direction);
        }
    }

    /// Takes the next message arriving on `conn` in `direction` at `now`, with the
    /// connection, if it is still open (a closed one dropped what it carried). Pure ACKs
    /// are not counted on webhook paths (see [`super::message`]): no message owes one.
    pub fn receive(
        &mut self,
        conn: ConnRef,
        direction: Direction,
        now: SimTime,
        tcp: &TcpParams,
    ) -> Option<(&mut Conn, Message)> {
        let slot = self.slots.get_mut(conn.slot as usize)?;
        if slot.generation != conn.generation {
            return None;
        }
        let open = slot.conn.as_mut()?;
        let (msg, _acks) =
            self.wire
                .receive(conn.slot as usize, direction, now, None, tcp, MIN_RTO);
        Some((open, msg))
    }

    /// Open connections to `receiver`, in slot order.
    pub fn open_to(&self, receiver: ReceiverId) -> Vec<ConnRef> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(slot, entry)| {
                let conn = entry.conn.as_ref()?;
                (conn.receiver == receiver).then_some(ConnRef {
                    slot: slot as u32,
                    generation: entry.generation,
                })
            })
            .collect()
    }
}

/// Idle keep-alive connections of one receiver, oldest first. Entries of connections
/// closed meanwhile are skipped when met (their generation no longer matches).
#[derive(Debug, Clone, Default)]
pub(super) struct Pool {
    /// (connection, idle since), in the order they went idle.
    idle: VecDeque<(ConnRef, SimTime)>,
}

impl Pool {
    /// `conn` went idle at `now`.
    pub fn put(&mut self, conn: ConnRef, now: SimTime) {
        self.idle.push_back((conn, now));
    }

    /// The connection idle longest, and since when, without taking it.
    pub fn oldest(&self) -> Option<(ConnRef, SimTime)> {
        self.idle.front().copied()
    }

    pub fn drop_oldest(&mut self) {
        self.idle.pop_front();
    }

    /// Takes the most recently idle entry (it may be stale; the caller checks).
    pub fn take_newest(&mut self) -> Option<ConnRef> {
        self.idle.pop_back().map(|(conn, _)| conn)
    }
}

/// The paths to the receivers as a [`Network`]: receiver `r` is group `r` with its link, and
/// access link `r`, jittered by the streams `webhook-link-{down,up}:<name>`. Segment loss
/// streams are named `webhook-segment-loss-{down,up}:<name>` but never drawn: a lossy
/// profile is refused on a webhook path. No partitions.
pub(super) fn paths(config: &WebhookConfig) -> Network {
    let streams = |purpose: &str| -> Vec<[Stream; 2]> {
        config
            .receivers
            .iter()
            .map(|r| {
                let stream = |direction: &str| {
                    rng::stream(
                        config.seed,
                        &format!("webhook-{purpose}-{direction}:{}", r.name),
                    )
                };
                [stream("down"), stream("up")]
            })
            .collect()
    };
    let receivers = config.receivers.len();
    Network::new(
        config.receivers.iter().map(|r| r.link).collect(),
        (streams("link"), streams("segment-loss")),
        vec![Vec::new(); receivers],
        receivers,
        config.tcp.mss,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::link::LinkParams;
    use crate::time::Nanos;
    use crate::webhook::ReceiverConfig;
    use crate::webhook::message::{Kind, ReceiverMsg, SenderMsg};

    #[test]
    fn a_reused_slot_does_not_answer_for_its_old_connection() {
        let mut arena = Arena::default();
        let first = arena.open(ReceiverId::new(0), PairId::new(7));
        arena.close(first);
        assert!(arena.get(first).is_none());
        let second = arena.open(ReceiverId::new(1), PairId::new(8));
        assert_eq!(second.slot, first.slot, "the slot is reused");
        assert!(arena.get(first).is_none(), "the old reference stays dead");
        assert_eq!(
            arena.get(second).map(|c| c.pair),
            Some(Some(PairId::new(8)))
        );
        // Closing through a stale reference leaves the new connection alone.
        arena.close(first);
        assert!(arena.get(second).is_some());
        assert_eq!(arena.open_to(ReceiverId::new(1)), vec![second]);
        assert!(arena.open_to(ReceiverId::new(0)).is_empty());
    }

    #[test]
    fn a_reused_slot_carries_only_its_own_messages() {
        const MS: Nanos = 1_000_000;
        let link = LinkParams {
            bits_per_second: 8_000_000,
            latency: 10 * MS,
            jitter: 0,
            loss_ppm: 0,
        };
        let config = WebhookConfig::new(vec![
            ReceiverConfig::new(
                "far",
                [LinkParams {
                    latency: 50 * MS,
                    ..link
                }; 2],
            ),
            ReceiverConfig::new("near", [link; 2]),
        ]);
        let mut network = paths(&config);
        let mut arena = Arena::default();
        // A SYN to the far receiver, then the connection is dropped before it arrives.
        let first = arena.open(ReceiverId::new(0), PairId::new(7));
        let syn = Message::from_sender(&config, SenderMsg::Syn, 0);
        let (_, _, arrival) = arena
            .transmit(first, &mut network, syn, SimTime::ZERO)
            .unwrap();
        assert_eq!(
            arrival.as_nanos(),
            50 * MS + 60_000,
            "60 bytes at a byte a microsecond, then 50 ms"
        );
        arena.close(first);
        assert!(
            arena
                .transmit(first, &mut network, syn, SimTime::ZERO)
                .is_none()
        );
        // Its slot now holds a connection to the near receiver: its SYN is not held behind
        // the dropped one, and its arrival takes its own message, not the old SYN.
        let second = arena.open(ReceiverId::new(1), PairId::new(8));
        assert_eq!(second.slot, first.slot);
        let (_, _, arrival) = arena
            .transmit(second, &mut network, syn, SimTime::ZERO)
            .unwrap();
        assert_eq!(arrival.as_nanos(), 10 * MS + 60_000);
        assert!(
            arena
                .receive(first, Direction::Down, arrival, &config.tcp)
                .is_none()
        );
        let (open, msg) = arena
            .receive(second, Direction::Down, arrival, &config.tcp)
            .unwrap();
        assert_eq!(
            (open.receiver, msg.kind),
            (ReceiverId::new(1), Kind::Sender(SenderMsg::Syn))
        );
        // A lost response never arrives; nothing else is on the way.
        let response = Message::from_receiver(&config, ReceiverMsg::Response);
        arena
            .transmit(second, &mut network, response, arrival)
            .unwrap();
        arena.lose_newest(second, Direction::Up);
        assert!(arena.wire.is_quiet(second.slot as usize));
    }
}
