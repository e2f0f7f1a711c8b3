//! The sender's connections: an arena of slots reused after a close, each with a
//! generation so that late messages of a closed connection are told apart, and the
//! keep-alive pool of idle connections per receiver.
//!
//! HTTP/1.1 without pipelining: a connection carries one request at a time. The sender
//! opens as many connections to a receiver as it has attempts waiting (no per-host limit).

use std::collections::VecDeque;

use super::event::{ConnRef, PairId};
use crate::time::Nanos;

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
    pub receiver: u32,
    /// The pair whose attempt uses the connection; `None`: idle in the pool.
    pub pair: Option<PairId>,
    /// The sender has the SYN-ACK (a reset now means the connection was reset, not refused).
    pub established: bool,
    pub peer: Peer,
    /// Arrival of the last message in each direction ([`crate::net::wire::Direction::index`]):
    /// a TCP stream is never reordered.
    pub last_arrival: [Nanos; 2],
}

#[derive(Debug, Clone)]
struct Slot {
    generation: u32,
    conn: Option<Conn>,
}

/// Every open connection of the run, addressed by [`ConnRef`].
#[derive(Debug, Clone, Default)]
pub(super) struct Arena {
    slots: Vec<Slot>,
    /// Closed slots, reused last-closed first.
    free: Vec<u32>,
}

impl Arena {
    /// Opens a connection to `receiver` for `pair`'s attempt.
    pub fn open(&mut self, receiver: u32, pair: PairId) -> ConnRef {
        let conn = Conn {
            receiver,
            pair: Some(pair),
            established: false,
            peer: Peer::Unknown,
            last_arrival: [0; 2],
        };
        if let Some(slot) = self.free.pop() {
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
                generation: 0,
                conn: Some(conn),
            });
            ConnRef {
                slot,
                generation: 0,
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
            slot.generation = slot.generation.wrapping_add(1);
            self.free.push(conn.slot);
        }
    }

    /// Open connections to `receiver`, in slot order.
    pub fn open_to(&self, receiver: u32) -> Vec<ConnRef> {
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
    idle: VecDeque<(ConnRef, Nanos)>,
}

impl Pool {
    /// `conn` went idle at `now`.
    pub fn put(&mut self, conn: ConnRef, now: Nanos) {
        self.idle.push_back((conn, now));
    }

    /// The connection idle longest, and since when, without taking it.
    pub fn oldest(&self) -> Option<(ConnRef, Nanos)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_slot_does_not_answer_for_its_old_connection() {
        let mut arena = Arena::default();
        let first = arena.open(0, 7);
        arena.close(first);
        assert!(arena.get(first).is_none());
        let second = arena.open(1, 8);
        assert_eq!(second.slot, first.slot, "the slot is reused");
        assert!(arena.get(first).is_none(), "the old reference stays dead");
        assert_eq!(arena.get(second).map(|c| c.pair), Some(Some(8)));
        // Closing through a stale reference leaves the new connection alone.
        arena.close(first);
        assert!(arena.get(second).is_some());
        assert_eq!(arena.open_to(1), vec![second]);
        assert!(arena.open_to(0).is_empty());
    }
}
