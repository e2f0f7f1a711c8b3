//! Who each replica serves a new event to: per replica, the streams (SSE, WebSocket, gRPC)
//! it holds in the order they opened, how many long-poll requests it holds, and how far
//! the workload's events have reached it.
//!
//! Owns: those lists and counts, and their rules (a stream is listed once until it ends; a
//! replica never holds fewer than zero requests; events reach a replica in order, so its
//! mark only grows); and where a new event goes: without a broker only to the replica it
//! originates on (round robin, [`Fanout::origin`]) and the others miss it, with one to
//! every replica in service with a subscriber ([`Fanout::broker_targets`]). Does not own:
//! the clients (their cursors and what they received), the broker's latency and cost, nor
//! what a replica does for each listed stream (a push job, a loss), which the simulation
//! decides as it walks the list.

use crate::ids::{ClientId, EventNo, ReplicaId};

/// Which subscribers a replica pushes new events to (the variant's transports say).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Subscribers {
    /// Streams (SSE, WebSocket, gRPC).
    pub streams: bool,
    /// Held long-poll requests.
    pub held_requests: bool,
}

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

    /// Where event `n` originates without a broker: the replicas in service take the events
    /// in turn (round robin over `0..active`).
    #[inline]
    pub fn origin(n: EventNo, active: u32) -> ReplicaId {
        ReplicaId::new(n.get() % active)
    }

    /// The replicas among `0..active` other than `origin`: without a broker, their
    /// subscribers miss an event that originates on `origin`.
    pub fn missed_by(origin: ReplicaId, active: u32) -> impl Iterator<Item = ReplicaId> {
        ReplicaId::all(active).filter(move |r| *r != origin)
    }

    /// Whether replica `r` holds a subscriber of the kinds that `subscribers` pushes to (so
    /// the broker sends it each event).
    #[inline]
    pub fn has_subscribers(&self, r: ReplicaId, subscribers: Subscribers) -> bool {
        (subscribers.streams && self.has_streams(r))
            || (subscribers.held_requests && self.holds_requests(r))
    }

    /// The replicas among `0..active` that the broker brings a new event to, in replica
    /// order: those with a subscriber.
    pub fn broker_targets(
        &self,
        active: u32,
        subscribers: Subscribers,
    ) -> impl Iterator<Item = ReplicaId> + '_ {
        ReplicaId::all(active).filter(move |r| self.has_subscribers(*r, subscribers))
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
    fn without_a_broker_events_originate_round_robin_and_the_others_miss_them() {
        let origins: Vec<u32> = (0..7)
            .map(|n| Fanout::origin(EventNo::new(n), 3).get())
            .collect();
        assert_eq!(origins, [0, 1, 2, 0, 1, 2, 0]);
        let missed = Fanout::missed_by(ReplicaId::new(1), 3).map(ReplicaId::get);
        assert_eq!(missed.collect::<Vec<_>>(), [0, 2]);
        assert_eq!(Fanout::missed_by(ReplicaId::new(0), 1).count(), 0);
    }

    #[test]
    fn the_broker_reaches_the_replicas_with_subscribers_it_pushes_to() {
        let mut fanout = Fanout::new(4);
        fanout.stream_opened(ReplicaId::new(1), ClientId::new(5));
        fanout.hold(ReplicaId::new(2));
        fanout.stream_opened(ReplicaId::new(3), ClientId::new(6));
        let targets = |fanout: &Fanout, active, streams, held_requests| {
            let subscribers = Subscribers {
                streams,
                held_requests,
            };
            fanout
                .broker_targets(active, subscribers)
                .map(ReplicaId::get)
                .collect::<Vec<_>>()
        };
        assert_eq!(targets(&fanout, 4, true, false), [1, 3]);
        assert_eq!(targets(&fanout, 4, false, true), [2]);
        assert_eq!(targets(&fanout, 4, true, true), [1, 2, 3]);
        // Replica 3 is out of service (scaled in): it gets nothing.
        assert_eq!(targets(&fanout, 3, true, true), [1, 2]);
        assert_eq!(targets(&fanout, 4, false, false), Vec::<u32>::new());
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
