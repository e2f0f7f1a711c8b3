//! Who each replica serves a new event to: per replica, the streams (SSE, WebSocket, gRPC)
//! it holds in the order they opened, how many long-poll requests it holds, and how far
//! the workload's events have reached it.
//!
//! Owns: those lists and counts, and their rules (a stream is listed once until it ends; a
//! replica never holds fewer than zero requests; events reach a replica in order, so its
//! mark only grows). Does not own: the clients (their cursors and what they received), nor
//! what a replica does for each listed stream (a push job, a loss), which the simulation
//! decides as it walks the list.

use crate::ids::{ClientId, EventNo, ReplicaId};

/// The replicas' fan-out lists of one run.
#[derive(Debug, Clone, Default)]
pub struct Fanout {
    /// Per replica: its streams, in the order they opened.
    streams: Vec<Vec<ClientId>>,
    /// Per replica: long-poll requests it holds.
    held: Vec<u32>,
    /// Per replica: events numbered below this have reached it.
    reached: Vec<EventNo>,
}

impl Fanout {
    /// Empty lists for `replicas` replicas.
    pub fn new(replicas: usize) -> Self {
        Fanout {
            streams: vec![Vec::new(); replicas],
            held: vec![0; replicas],
            reached: vec![EventNo::default(); replicas],
        }
    }

    /// `c`'s stream now lives on replica `r`.
    pub fn stream_opened(&mut self, r: ReplicaId, c: ClientId) {
        debug_assert!(!self.streams[r].contains(&c), "stream {c} listed twice");
        self.streams[r].push(c);
    }

    /// `c`'s stream on replica `r` ended.
    pub fn stream_ended(&mut self, r: ReplicaId, c: ClientId) {
        self.streams[r].retain(|t| *t != c);
    }

    /// The `i`-th stream on replica `r`, if it has that many. (An index, not an iterator:
    /// the caller acts on each stream while walking the list.)
    #[inline]
    pub fn stream(&self, r: ReplicaId, i: usize) -> Option<ClientId> {
        self.streams[r].get(i).copied()
    }

    /// Whether any stream lives on replica `r`.
    #[inline]
    pub fn has_streams(&self, r: ReplicaId) -> bool {
        !self.streams[r].is_empty()
    }

    /// Replica `r` holds one more long-poll request.
    pub fn hold(&mut self, r: ReplicaId) {
        self.held[r] += 1;
    }

    /// Replica `r` answered or dropped a request it held.
    ///
    /// # Panics
    /// When it held none: a request is released only once, where it was held.
    pub fn release(&mut self, r: ReplicaId) {
        self.held[r] = self.held[r]
            .checked_sub(1)
            .expect("a replica releases only requests it holds");
    }

    /// Whether replica `r` holds long-poll requests.
    #[inline]
    pub fn holds_requests(&self, r: ReplicaId) -> bool {
        self.held[r] > 0
    }

    /// Event `n` reached replica `r`.
    #[inline]
    pub fn reached(&mut self, r: ReplicaId, n: EventNo) {
        let mark = &mut self.reached[r];
        *mark = (*mark).max(n.next());
    }

    /// Events numbered below this have reached replica `r`.
    #[inline]
    pub fn reached_below(&self, r: ReplicaId) -> EventNo {
        self.reached[r]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_listed_in_opening_order_until_they_end() {
        let mut fanout = Fanout::new(2);
        assert!(!fanout.has_streams(ReplicaId::new(0)));
        for c in [3, 1, 2] {
            fanout.stream_opened(ReplicaId::new(0), ClientId::new(c));
        }
        fanout.stream_opened(ReplicaId::new(1), ClientId::new(9));
        fanout.stream_ended(ReplicaId::new(0), ClientId::new(1));
        let listed: Vec<u32> = (0..)
            .map_while(|i| fanout.stream(ReplicaId::new(0), i))
            .map(ClientId::get)
            .collect();
        assert_eq!(listed, [3, 2]);
        assert_eq!(fanout.stream(ReplicaId::new(1), 0), Some(ClientId::new(9)));
        assert_eq!(fanout.stream(ReplicaId::new(1), 1), None);
    }

    #[test]
    fn held_requests_are_counted_per_replica() {
        let mut fanout = Fanout::new(2);
        fanout.hold(ReplicaId::new(1));
        fanout.hold(ReplicaId::new(1));
        assert!(!fanout.holds_requests(ReplicaId::new(0)));
        fanout.release(ReplicaId::new(1));
        assert!(fanout.holds_requests(ReplicaId::new(1)));
        fanout.release(ReplicaId::new(1));
        assert!(!fanout.holds_requests(ReplicaId::new(1)));
    }

    #[test]
    #[should_panic(expected = "releases only requests it holds")]
    fn a_replica_cannot_release_a_request_it_does_not_hold() {
        Fanout::new(1).release(ReplicaId::new(0));
    }

    #[test]
    fn the_reached_mark_only_grows() {
        let mut fanout = Fanout::new(1);
        assert_eq!(fanout.reached_below(ReplicaId::new(0)), EventNo::new(0));
        fanout.reached(ReplicaId::new(0), EventNo::new(4));
        fanout.reached(ReplicaId::new(0), EventNo::new(2));
        assert_eq!(fanout.reached_below(ReplicaId::new(0)), EventNo::new(5));
    }
}
