//! The webhook model's events and their 8-byte packing for the engine's queue.
//!
//! Layout: the top 3 bits are the variant; ids below it. Pair and connection-slot ids get
//! 26 bits (the configuration is checked against [`super::config::MAX_PAIRS`]); attempt
//! numbers, connection generations and receiver epochs a full 32 bits.

use crate::engine::Packed;
use crate::ids::Generation;

/// An (event, receiver) delivery: index `receiver × events + event`.
pub(super) type PairId = u32;

/// A connection: its slot in the arena and the slot's generation when it was opened, so
/// that a message for a connection since closed (its slot reused) is recognised and dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ConnRef {
    pub slot: u32,
    pub generation: Generation,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Event {
    /// Event `n` of the log was created: its deliveries start.
    Created(u32),
    /// A retry of the pair starts (its CPU work is submitted).
    Attempt(PairId),
    /// The sender's CPU work for the pair's attempt is done: it goes on the network.
    Send(PairId),
    /// The response timer of the pair's attempt with this number fired.
    Timeout(PairId, u32),
    /// The next message on the connection towards the receiver arrived.
    AtReceiver(ConnRef),
    /// The next message on the connection towards the sender arrived.
    AtSender(ConnRef),
    /// The receiver with this index finished its oldest request in service, unless it has
    /// been reset since (its epoch differs).
    ServiceDone(u32, u32),
    /// The receiver with this index goes down (`true`) or comes back up (`false`).
    Downtime(u32, bool),
}

const TAG_SHIFT: u32 = 61;
const ID_MASK: u64 = (1 << 26) - 1;

/// An id of at most 26 bits and a 32-bit value.
fn id_and_word(id: u32, word: u32) -> u64 {
    debug_assert!(u64::from(id) <= ID_MASK, "id {id} exceeds 26 bits");
    ((u64::from(id) & ID_MASK) << 32) | u64::from(word)
}

fn conn_bits(conn: ConnRef) -> u64 {
    id_and_word(conn.slot, conn.generation.get())
}

impl Packed for Event {
    fn pack(self) -> u64 {
        let (tag, bits) = match self {
            Event::Created(n) => (0, u64::from(n)),
            Event::Attempt(pair) => (1, u64::from(pair)),
            Event::Send(pair) => (2, u64::from(pair)),
            Event::Timeout(pair, attempt) => (3, id_and_word(pair, attempt)),
            Event::AtReceiver(conn) => (4, conn_bits(conn)),
            Event::AtSender(conn) => (5, conn_bits(conn)),
            Event::ServiceDone(receiver, epoch) => (6, id_and_word(receiver, epoch)),
            Event::Downtime(receiver, starts) => (7, id_and_word(receiver, u32::from(starts))),
        };
        (tag << TAG_SHIFT) | bits
    }

    fn unpack(packed: u64) -> Self {
        let id = ((packed >> 32) & ID_MASK) as u32;
        let word = packed as u32;
        match packed >> TAG_SHIFT {
            0 => Event::Created(word),
            1 => Event::Attempt(word),
            2 => Event::Send(word),
            3 => Event::Timeout(id, word),
            4 => Event::AtReceiver(ConnRef {
                slot: id,
                generation: Generation::new(word),
            }),
            5 => Event::AtSender(ConnRef {
                slot: id,
                generation: Generation::new(word),
            }),
            6 => Event::ServiceDone(id, word),
            _ => Event::Downtime(id, word != 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_survives_packing_at_its_limits() {
        let top = (1 << 26) - 1;
        let conn = ConnRef {
            slot: top,
            generation: Generation::new(u32::MAX),
        };
        let events = [
            Event::Created(u32::MAX),
            Event::Attempt(top),
            Event::Send(0),
            Event::Timeout(top, u32::MAX),
            Event::AtReceiver(conn),
            Event::AtSender(conn),
            Event::AtSender(ConnRef {
                slot: 3,
                generation: Generation::default(),
            }),
            Event::ServiceDone(top, u32::MAX),
            Event::Downtime(top, true),
            Event::Downtime(0, false),
        ];
        for event in events {
            assert_eq!(Event::unpack(event.pack()), event);
        }
    }
}
