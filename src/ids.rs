//! Ids of the things a run simulates, at the ground so that every layer can name them
//! without importing the layer that owns them.
//!
//! Each id is a `u32` index in a type of its own, so that a replica cannot be passed where
//! a proxy, a fault or an event number is meant: [`ClientId`] (a client), [`ReplicaId`] (a
//! server replica), [`ProxyId`] (an HTTP proxy), [`TopicId`] (a workload topic),
//! [`EventNo`] (a workload event's number, in creation order), [`MessageNo`] (a client's
//! message in a two-way workload, in writing order), [`FaultId`] (a scheduled fault, in
//! the scenario's order), [`GroupId`] (a client group, in the scenario's order) and
//! [`BrowserId`] (a browser, whose tabs are clients). They are `#[repr(transparent)]` and
//! `Copy`, and their accessors `#[inline]`, so they compile to the bare number. Per-id vectors are indexed by the id directly (`v[r]`).
//! Each prints (`Debug` and `Display`) as its bare number, so an event trace reads
//! `Restart(2)`, as it did when the ids were bare numbers.
//!
//! [`Generation`] is a counter rather than an index: a client's connections opened, its
//! long-poll holds, or a webhook connection slot's reuses, so far. A timer, job or message
//! carries the generation it was set for and is void when it meets a later one; it counts
//! up with a wrapping [`Generation::next`], has [`Generation::NONE`] for "none yet", and
//! prints as its bare number too.
//!
//! [`EventNo`] is also the workload log's position: a client's cursor is the number of the
//! next event it has not passed, and a range of events is a first number and a count. So
//! it has the few operations positions need, each the `u32` operation it replaces: `n + k`
//! and `n - k` (a position moved by a count), [`EventNo::next`], [`EventNo::prev`],
//! [`EventNo::since`] (two positions give a count) and the walks [`EventNo::and_next`] and
//! [`EventNo::up_to`]. A count of events stays a `u32`.
//!
//! [`MaybeFault`] is a fault or none packed in a `FaultId`'s four bytes (a client's fault
//! awaiting recovery), where an `Option<FaultId>` would take eight.
//!
//! Still bare numbers, on purpose: the scenario's data (its fault kinds, trace audiences,
//! group and link order, scale and deploy steps: plain indices, which the run wraps); a
//! client's order keys (`metrics::order`: its place in its own sequence of events, not a
//! position in the log); and counts and epochs that are only counted up and compared, never
//! passed where an id is meant (a client's job epoch, a webhook receiver's epoch, attempt
//! numbers, the webhook arena's slot inside its typed `ConnRef`).
//!
//! The webhook model's own ids (`PairId`, `ReceiverId`) are its own business, declared in
//! `webhook::event` with this module's `id_type!` macro (`pub(crate)`), so they behave
//! like these.
//!
//! Owns: the id types and their conversions. Does not own: what the ids index (the
//! fleet, the middleboxes, the groups' links, the workload, the scenario's faults).

use std::fmt;
use std::num::NonZeroU32;
use std::ops::{Add, Sub};

/// Declares an id type: a `u32` index with `new`/`at`/`get`/`index`, printing as its bare
/// number, indexing `Vec<T>` and slices directly. Paths are spelled in full, so that a
/// model's own ids elsewhere in the crate (the webhook model's) use it as they are.
macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[repr(transparent)]
        pub struct $name(u32);

        impl $name {
            #[doc = concat!("The ", $what, " with number `n`.")]
            #[inline]
            pub const fn new(n: u32) -> Self {
                $name(n)
            }

            #[doc = concat!("The ", $what, " at position `index`.")]
            ///
            /// # Panics
            /// When `index` does not fit 32 bits (the scenario limits keep every count far
            /// below).
            #[inline]
            pub fn at(index: usize) -> Self {
                $name(u32::try_from(index).expect(concat!("fewer than 2^32 of ", $what, "s")))
            }

            /// Its number.
            #[inline]
            pub const fn get(self) -> u32 {
                self.0
            }

            #[doc = concat!("Its position in per-", $what, " vectors.")]
            #[inline]
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        /// Printed as its bare number.
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }

        impl From<$name> for u32 {
            #[inline]
            fn from(id: $name) -> u32 {
                id.0
            }
        }

        impl<T> ::std::ops::Index<$name> for Vec<T> {
            type Output = T;
            #[inline]
            fn index(&self, id: $name) -> &T {
                &self[id.index()]
            }
        }

        impl<T> ::std::ops::IndexMut<$name> for Vec<T> {
            #[inline]
            fn index_mut(&mut self, id: $name) -> &mut T {
                &mut self[id.index()]
            }
        }

        impl<T> ::std::ops::Index<$name> for [T] {
            type Output = T;
            #[inline]
            fn index(&self, id: $name) -> &T {
                &self[id.index()]
            }
        }

        impl<T> ::std::ops::IndexMut<$name> for [T] {
            #[inline]
            fn index_mut(&mut self, id: $name) -> &mut T {
                &mut self[id.index()]
            }
        }
    };
}
pub(crate) use id_type;

id_type!(
    /// A client of a run (its tabs and REST clients are clients too): its index among the
    /// run's clients.
    ClientId,
    "client"
);

id_type!(
    /// A server replica behind the load balancer: its index among the most replicas a run
    /// ever has in service (`infra::Fleet`, `infra::Fanout`).
    ReplicaId,
    "replica"
);

id_type!(
    /// An HTTP proxy: its index among the scenario's proxies (`infra::Middleboxes`).
    ProxyId,
    "proxy"
);

id_type!(
    /// A topic of the workload's audience: its index among the scenario's topics.
    TopicId,
    "topic"
);

id_type!(
    /// A workload event's number: events are numbered in the order they are created, from
    /// 0, and a client's cursor is the number of the next event it has not passed.
    EventNo,
    "event"
);

id_type!(
    /// A client's message in a two-way workload: its index in the workload's messages
    /// (`EventLog::messages`), which are in the order they are written.
    MessageNo,
    "message"
);

id_type!(
    /// A scheduled fault: its index in the scenario's fault list.
    FaultId,
    "fault"
);

id_type!(
    /// A client group (the scenario's `clients:` entries: a link profile, a path, a
    /// count of browsers): its index among the scenario's groups.
    GroupId,
    "group"
);

id_type!(
    /// A browser (a device): its tabs are clients that share its access link, its radio
    /// and its connection pool. Its index among the run's browsers, group by group.
    BrowserId,
    "browser"
);

impl ClientId {
    /// The clients `0..count`, in order.
    pub fn all(count: usize) -> impl DoubleEndedIterator<Item = ClientId> + Clone {
        (0..count).map(ClientId::at)
    }

    /// The clients from `self` up to (not including) `end`.
    pub fn up_to(self, end: ClientId) -> impl DoubleEndedIterator<Item = ClientId> + Clone {
        (self.0..end.0).map(ClientId)
    }

    /// The client `k` places after this one.
    #[inline]
    pub fn plus(self, k: u32) -> Self {
        ClientId(self.0 + k)
    }
}

impl ReplicaId {
    /// The replicas `0..count`, in order.
    pub fn all(count: u32) -> impl DoubleEndedIterator<Item = ReplicaId> + Clone {
        (0..count).map(ReplicaId)
    }
}

impl GroupId {
    /// The groups `0..count`, in order.
    pub fn all(count: usize) -> impl DoubleEndedIterator<Item = GroupId> + Clone {
        (0..count).map(GroupId::at)
    }
}

impl EventNo {
    /// The first event of a run (also the cursor of a client that has passed none).
    pub const FIRST: EventNo = EventNo(0);

    /// The event after this one.
    #[inline]
    #[must_use]
    pub const fn next(self) -> Self {
        EventNo(self.0 + 1)
    }

    /// The event before this one.
    ///
    /// # Panics
    /// On [`EventNo::FIRST`] (in debug builds, as the `u32` subtraction did).
    #[inline]
    #[must_use]
    pub const fn prev(self) -> Self {
        EventNo(self.0 - 1)
    }

    /// How many events lie from `earlier` up to this one: `self - earlier` (a count, not a
    /// position).
    ///
    /// # Panics
    /// When `earlier` comes after this one (in debug builds, as the `u32` subtraction did).
    #[inline]
    #[must_use]
    pub const fn since(self, earlier: EventNo) -> u32 {
        self.0 - earlier.0
    }

    /// [`EventNo::since`], or 0 when `earlier` comes after this one.
    #[inline]
    #[must_use]
    pub const fn saturating_since(self, earlier: EventNo) -> u32 {
        self.0.saturating_sub(earlier.0)
    }

    /// The events from this one up to (not including) `end`, in order.
    #[inline]
    pub fn up_to(self, end: EventNo) -> impl DoubleEndedIterator<Item = EventNo> + Clone {
        (self.0..end.0).map(EventNo)
    }

    /// The `count` events from this one on, in order.
    #[inline]
    pub fn and_next(self, count: u32) -> impl DoubleEndedIterator<Item = EventNo> + Clone {
        (self.0..self.0 + count).map(EventNo)
    }
}

/// The event `k` places after this one.
impl Add<u32> for EventNo {
    type Output = EventNo;
    #[inline]
    fn add(self, k: u32) -> EventNo {
        EventNo(self.0 + k)
    }
}

/// The event `k` places before this one.
impl Sub<u32> for EventNo {
    type Output = EventNo;
    #[inline]
    fn sub(self, k: u32) -> EventNo {
        EventNo(self.0 - k)
    }
}

/// A fault or none, in the four bytes of a [`FaultId`] (an `Option<FaultId>` takes eight):
/// what a per-client record keeps of the fault it has not yet recovered from. It holds the
/// fault's number plus one, so that none is the zero its `Default` gives.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(transparent)]
pub struct MaybeFault(Option<NonZeroU32>);

impl MaybeFault {
    /// No fault.
    pub const NONE: MaybeFault = MaybeFault(None);

    /// Fault `k`.
    #[inline]
    pub const fn some(k: FaultId) -> Self {
        // A run has far fewer than 2^32 - 1 faults: the sum never saturates.
        MaybeFault(Some(NonZeroU32::MIN.saturating_add(k.0)))
    }

    /// The fault, if any.
    #[inline]
    pub const fn get(self) -> Option<FaultId> {
        match self.0 {
            Some(n) => Some(FaultId(n.get() - 1)),
            None => None,
        }
    }

    /// The fault, if any, leaving none.
    #[inline]
    pub fn take(&mut self) -> Option<FaultId> {
        std::mem::take(self).get()
    }
}

impl From<Option<FaultId>> for MaybeFault {
    #[inline]
    fn from(k: Option<FaultId>) -> Self {
        k.map_or(MaybeFault::NONE, MaybeFault::some)
    }
}

/// Printed as the `Option<FaultId>` it stands for: `None`, `Some(3)`.
impl fmt::Debug for MaybeFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.get(), f)
    }
}

/// A generation: the number of connections a client has opened, of holds its long-poll
/// requests have had, or of times a webhook connection slot was reused, so far. A timer,
/// a job or a message meant for one generation carries it and is void when it meets a
/// later one. Not an index: it counts up ([`Generation::next`], which wraps) and is only
/// compared for equality.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Generation(u32);

impl Generation {
    /// No generation: what a per-client record holds before it has seen any (a run never
    /// counts that far).
    pub const NONE: Generation = Generation(u32::MAX);

    /// The generation with number `n`.
    #[inline]
    pub const fn new(n: u32) -> Self {
        Generation(n)
    }

    /// Its number.
    #[inline]
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The generation after this one (after `u32::MAX` comes 0).
    #[inline]
    #[must_use]
    pub const fn next(self) -> Self {
        Generation(self.0.wrapping_add(1))
    }

    /// Its low `bits` bits: what a packed field of that width keeps of it.
    #[inline]
    #[must_use]
    pub const fn low_bits(self, bits: u32) -> Self {
        Generation(self.0 & ((1 << bits) - 1))
    }
}

/// Printed as its bare number.
impl fmt::Debug for Generation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Display for Generation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<Generation> for u32 {
    #[inline]
    fn from(g: Generation) -> u32 {
        g.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_per_client_vectors_and_prints_as_its_number() {
        let mut v = vec![10, 20, 30];
        v.push(40);
        let c = ClientId::new(1);
        v[c] += 1;
        assert_eq!(v[c], 21);
        assert_eq!(format!("{c:?} {c}"), "1 1");
        assert_eq!(
            ClientId::all(3).map(ClientId::get).collect::<Vec<_>>(),
            [0, 1, 2]
        );
        assert_eq!(
            ClientId::new(2)
                .up_to(ClientId::new(4))
                .map(u32::from)
                .collect::<Vec<_>>(),
            [2, 3]
        );
        assert_eq!(ClientId::new(2).plus(3), ClientId::new(5));
    }

    #[test]
    fn every_id_indexes_vectors_and_slices_and_prints_as_its_number() {
        let mut v = vec!['a', 'b', 'c'];
        v[ReplicaId::new(2)] = 'z';
        assert_eq!(v[ReplicaId::new(2)], 'z');
        assert_eq!(v.as_slice()[ProxyId::new(0)], 'a');
        v.as_mut_slice()[TopicId::new(1)] = 'y';
        assert_eq!(v[EventNo::new(1)], 'y');
        assert_eq!(v[FaultId::at(0)], 'a');
        assert_eq!(v[GroupId::new(2)], 'z');
        v[BrowserId::at(1)] = 'x';
        assert_eq!(v[BrowserId::new(1)], 'x');
        assert_eq!(v[MessageNo::new(1)], 'x');
        assert!(MessageNo::new(1) < MessageNo::at(2));
        assert_eq!(
            format!("{:?}", (MessageNo::new(12), Some(MessageNo::new(3)))),
            "(12, Some(3))"
        );
        assert_eq!(format!("{:?}", BrowserId::new(5)), "5");
        assert_eq!(
            GroupId::all(3)
                .rev()
                .map(GroupId::index)
                .collect::<Vec<_>>(),
            [2, 1, 0]
        );
        assert_eq!(
            format!("{:?}", [GroupId::new(0), GroupId::new(4)]),
            "[0, 4]"
        );
        // An event trace prints `Restart(2)`, `Fault(7)`, `Created(11)`: bare numbers.
        assert_eq!(format!("{:?}", Some(ReplicaId::new(2))), "Some(2)");
        assert_eq!(format!("{:?} {}", FaultId::new(7), FaultId::new(7)), "7 7");
        assert_eq!(
            format!("{:?}", (EventNo::new(11), ProxyId::new(3))),
            "(11, 3)"
        );
    }

    #[test]
    fn ids_order_and_convert_like_their_numbers() {
        assert!(ReplicaId::new(1) < ReplicaId::new(2));
        assert_eq!(ReplicaId::default(), ReplicaId::new(0));
        assert_eq!(u32::from(TopicId::new(9)), 9);
        assert_eq!(ProxyId::at(4).index(), 4);
        assert_eq!(EventNo::new(4).next(), EventNo::new(5));
        assert_eq!(
            ReplicaId::all(3)
                .rev()
                .map(ReplicaId::get)
                .collect::<Vec<_>>(),
            [2, 1, 0]
        );
        assert_eq!(size_of::<ReplicaId>(), size_of::<u32>());
    }

    #[test]
    fn event_positions_move_by_counts_and_give_counts() {
        let n = EventNo::new;
        assert_eq!(EventNo::FIRST, n(0));
        assert_eq!(n(4) + 3, n(7));
        assert_eq!(n(7) - 3, n(4));
        assert_eq!((n(4).next(), n(4).prev()), (n(5), n(3)));
        assert_eq!(n(9).since(n(4)), 5);
        assert_eq!(n(4).since(n(4)), 0);
        assert_eq!(
            (n(9).saturating_since(n(4)), n(4).saturating_since(n(9))),
            (5, 0)
        );
        assert_eq!(n(3).and_next(3).collect::<Vec<_>>(), [n(3), n(4), n(5)]);
        assert_eq!(n(3).and_next(0).count(), 0);
        assert_eq!(n(2).up_to(n(4)).rev().collect::<Vec<_>>(), [n(3), n(2)]);
        assert_eq!(n(4).up_to(n(2)).count(), 0, "an empty walk backwards");
        assert!(n(3) < n(4) && n(4).max(n(2)) == n(4));
        assert_eq!(format!("{:?} {}", n(4) + 1, n(4).prev()), "5 3");
    }

    #[test]
    #[should_panic(expected = "fewer than 2^32 of replicas")]
    fn an_index_past_32_bits_is_refused() {
        ReplicaId::at(1 << 32);
    }

    #[test]
    fn a_maybe_fault_is_an_option_of_a_fault_in_four_bytes() {
        assert_eq!(MaybeFault::default(), MaybeFault::NONE);
        assert_eq!(MaybeFault::NONE.get(), None);
        for k in [0, 1, 41] {
            let mut maybe = MaybeFault::some(FaultId::new(k));
            assert_eq!(maybe.get(), Some(FaultId::new(k)));
            assert_eq!(MaybeFault::from(Some(FaultId::new(k))), maybe);
            assert_eq!(maybe.take(), Some(FaultId::new(k)));
            assert_eq!(maybe, MaybeFault::NONE, "taken");
            assert_eq!(maybe.take(), None);
        }
        assert_eq!(MaybeFault::from(None), MaybeFault::NONE);
        assert_ne!(
            MaybeFault::some(FaultId::new(0)),
            MaybeFault::NONE,
            "fault 0 is a fault"
        );
        assert_eq!(
            format!(
                "{:?} {:?}",
                MaybeFault::some(FaultId::new(3)),
                MaybeFault::NONE
            ),
            "Some(3) None"
        );
        assert_eq!(size_of::<MaybeFault>(), size_of::<FaultId>());
    }

    #[test]
    fn a_generation_counts_up_wraps_and_prints_as_its_number() {
        assert_eq!(Generation::default().next(), Generation::new(1));
        assert_eq!(Generation::new(u32::MAX).next(), Generation::new(0));
        assert_eq!(Generation::NONE, Generation::new(u32::MAX));
        assert!(Generation::new(1) < Generation::new(2));
        assert_eq!(
            Generation::new((1 << 27) + 5).low_bits(27),
            Generation::new(5)
        );
        assert_eq!(Generation::new(7).low_bits(27), Generation::new(7));
        assert_eq!(
            format!("{:?} {}", Some(Generation::new(3)), Generation::new(3)),
            "Some(3) 3"
        );
        assert_eq!(u32::from(Generation::new(9)), 9);
        assert_eq!(size_of::<Generation>(), size_of::<u32>());
    }
}
