//! Ids of the things a run simulates, at the ground so that every layer can name them
//! without importing the layer that owns them.

use std::fmt;
use std::ops::{Index, IndexMut};

/// A client of a run (its tabs and REST clients are clients too): its index among the
/// run's clients, as a type of its own so that it cannot be mixed up with a replica, an
/// event number or a group. Per-client vectors are indexed by it directly (`v[c]`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ClientId(u32);

impl ClientId {
    /// The client with index `n`.
    #[inline]
    pub const fn new(n: u32) -> Self {
        ClientId(n)
    }

    /// The client at position `index` of a run's clients.
    ///
    /// # Panics
    /// When `index` does not fit 32 bits (a scenario has at most 10^7 clients).
    #[inline]
    pub fn at(index: usize) -> Self {
        ClientId(u32::try_from(index).expect("a run has fewer than 2^32 clients"))
    }

    /// Its number.
    #[inline]
    pub const fn get(self) -> u32 {
        self.0
    }

    /// Its position in per-client vectors.
    #[inline]
    pub const fn index(self) -> usize {
        self.0 as usize
    }

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

/// Printed as its bare number (event traces read `ArriveAtClient(3)`).
impl fmt::Debug for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl From<ClientId> for u32 {
    fn from(c: ClientId) -> u32 {
        c.0
    }
}

impl<T> Index<ClientId> for Vec<T> {
    type Output = T;
    #[inline]
    fn index(&self, c: ClientId) -> &T {
        &self[c.index()]
    }
}

impl<T> IndexMut<ClientId> for Vec<T> {
    #[inline]
    fn index_mut(&mut self, c: ClientId) -> &mut T {
        &mut self[c.index()]
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
}
