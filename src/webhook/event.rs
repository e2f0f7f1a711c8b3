//! The webhook model's events and their 8-byte packing for the engine's queue.
//!
//! Its ids are typed with the crate's `id_type!` macro ([`crate::ids`]): a [`PairId`] (an
//! (event, receiver) delivery) and a [`ReceiverId`]; events are [`EventNo`]s. Each prints
//! as its bare number.
//!
//! Layout: the top 3 bits are the variant; ids below it. Pair and connection-slot ids get
//! 26 bits (the configuration is checked against [`super::config::MAX_PAIRS`]); attempt
//! numbers, connection generations and receiver epochs a full 32 bits.

use crate::engine::Packed;
use crate::ids::{EventNo, Generation, id_type};

id_type!(
    /// An (event, receiver) delivery: its index `receiver × events + event` among the
    /// run's pairs (receiver-major; see `Webhook::pair_id`).
    PairId,
    "pair"
);

id_type!(
    /// A receiver endpoint: its index among the configuration's receivers, which is also
    /// its path's group in the webhook's network.
    ReceiverId,
    "receiver"
);

impl ReceiverId {
    /// The receivers `0..count`, in order.
    pub fn all(count: usize) -> impl Iterator<Item = ReceiverId> {
        (0..count).map(ReceiverId::at)
    }
}

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
    Created(EventNo),
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
    ServiceDone(ReceiverId, u32),
    /// The receiver with this index goes down (`true`) or comes back up (`false`).
    Downtime(ReceiverId, bool),
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
            Event::Created(n) => (0, u64::from(n.get())),
            Event::Attempt(pair) => (1, u64::from(pair.get())),
            Event::Send(pair) => (2, u64::from(pair.get())),
            Event::Timeout(pair, attempt) => (3, id_and_word(pair.get(), attempt)),
            Event::AtReceiver(conn) => (4, conn_bits(conn)),
            Event::AtSender(conn) => (5, conn_bits(conn)),
            Event::ServiceDone(receiver, epoch) => (6, id_and_word(receiver.get(), epoch)),
            Event::Downtime(receiver, starts) => {
                (7, id_and_word(receiver.get(), u32::from(starts)))
            }
        };
        (tag << TAG_SHIFT) | bits
    }

    fn unpack(packed: u64) -> Self {
        let id = ((packed >> 32) & ID_MASK) as u32;
        let word = packed as u32;
        match packed >> TAG_SHIFT {
            0 => Event::Created(EventNo::new(word)),
            1 => Event::Attempt(PairId::new(word)),
            2 => Event::Send(PairId::new(word)),
            3 => Event::Timeout(PairId::new(id), word),
            4 => Event::AtReceiver(ConnRef {
                slot: id,
                generation: Generation::new(word),
            }),
            5 => Event::AtSender(ConnRef {
                slot: id,
                generation: Generation::new(word),
            }),
            6 => Event::ServiceDone(ReceiverId::new(id), word),
            _ => Event::Downtime(ReceiverId::new(id), word != 0),
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
            Event::Created(EventNo::new(u32::MAX)),
            Event::Attempt(PairId::new(top)),
            Event::Send(PairId::new(0)),
            Event::Timeout(PairId::new(top), u32::MAX),
            Event::AtReceiver(conn),
            Event::AtSender(conn),
            Event::AtSender(ConnRef {
                slot: 3,
                generation: Generation::default(),
            }),
            Event::ServiceDone(ReceiverId::new(top), u32::MAX),
            Event::Downtime(ReceiverId::new(top), true),
            Event::Downtime(ReceiverId::new(0), false),
        ];
        for event in events {
            assert_eq!(Event::unpack(event.pack()), event);
        }
    }
}
