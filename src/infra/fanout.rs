//! Who each replica serves a new event to: per replica, the streams (SSE, WebSocket, gRPC)
//! it holds in the order they opened, how many long-poll requests it holds, and how far
//! the workload's events have reached it.
//!
//! Owns: those lists and counts, and their rules (a stream is listed once until it ends; a
//! replica never holds fewer than zero requests; events reach a replica in order, so its
//! mark only grows); the registered clients in registration order; the walks a new event
//! makes, over a replica's streams ([`Fanout::stream`], opening order) and over the
//! registered clients for held requests ([`Fanout::subscriber`]), each handing the
//! caller the clients one by one to decide on; and where a new event goes: without a broker only to the replica it
//! originates on (round robin, [`Fanout::origin`]) and the others miss it, with one to
//! every replica in service with a subscriber ([`Fanout::broker_targets`]); and, for an
//! event that never reaches a replica, the walk over its streams that makes each pass over
//! it and counts those that lose it ([`Fanout::missed_on_streams`]). Does not own: the
//! clients (their cursors, whether an event is for them, what they received or lost), the
//! broker's latency and cost, nor the push job a replica starts for each listed stream,
//! which the simulation decides as it walks the list.

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
    /// The clients the server counts events for, in the order they registered: where a
    /// new event looks for held long-poll requests.
    subscribers: Vec<ClientId>,
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
            subscribers: Vec::new(),
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
    /// for a caller that acts on each stream while walking the list.)
    #[inline]
    pub fn stream(&self, r: ReplicaId, i: usize) -> Option<ClientId> {
        self.streams[r].get(i).copied()
    }

    /// The server counts events for `c` from now on (once per client).
    pub fn subscribe(&mut self, c: ClientId) {
        self.subscribers.push(c);
    }

    /// The `i`-th registered client in registration order, if that many registered: a
    /// new event looks among them for the long-poll requests held on its replica (the
    /// caller decides per client). An index, as [`Fanout::stream`] is.
    #[inline]
    pub fn subscriber(&self, i: usize) -> Option<ClientId> {
        self.subscribers.get(i).copied()
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

    /// Event `n` never reaches replica `r` (no broker brought it there): every stream on
    /// `r`, in opening order, passes over it, and those it was news to lose it. `misses(c)`
    /// moves `c`'s cursor past `n` and says whether `c` loses it (it is for `c`, and `c`
    /// had not passed it: a stream that subscribed after `n` was created starts after it);
    /// the cursors, and what a loss means for a client, are the caller's. Returns how many
    /// streams lose it.
    pub fn missed_on_streams(&self, r: ReplicaId, mut misses: impl FnMut(ClientId) -> bool) -> u64 {
        let mut lost = 0;
        for &c in &self.streams[r] {
            lost += u64::from(misses(c));
        }
        lost
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
    fn subscribers_are_walked_in_registration_order() {
        let mut fanout = Fanout::new(2);
        assert_eq!(fanout.subscriber(0), None);
        for c in [4, 0, 9] {
            fanout.subscribe(ClientId::new(c));
        }
        let subscribers: Vec<u32> = (0..)
            .map_while(|i| fanout.subscriber(i))
            .map(ClientId::get)
            .collect();
        assert_eq!(subscribers, [4, 0, 9]);
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
    #[test]
    fn an_event_a_replica_never_gets_is_lost_by_its_streams_that_had_not_passed_it() {
        let mut fanout = Fanout::new(2);
        for c in [4, 1, 2, 3] {
            fanout.stream_opened(ReplicaId::new(0), ClientId::new(c));
        }
        fanout.stream_opened(ReplicaId::new(1), ClientId::new(0));
        // Cursors (the next event each client has not passed); event 5 is for all but 3.
        let mut cursors = [0, 5, 9, 2, 5];
        let mut asked = Vec::new();
        let lost = fanout.missed_on_streams(ReplicaId::new(0), |c| {
            asked.push(c.get());
            let cursor = &mut cursors[c.index()];
            let news = *cursor <= 5;
            *cursor = (*cursor).max(6);
            news && c.get() != 3
        });
        assert_eq!(
            asked,
            [4, 1, 2, 3],
            "every stream on replica 0, in opening order"
        );
        // 4 and 1 lose it; 2 had passed it (subscribed later); 3 passes it, not its event.
        assert_eq!(lost, 2);
        assert_eq!(cursors, [0, 6, 9, 6, 6], "replica 1's stream is not asked");
        assert_eq!(fanout.missed_on_streams(ReplicaId::new(1), |_| false), 0);
        assert_eq!(
            Fanout::new(1).missed_on_streams(ReplicaId::new(0), |_| true),
            0
        );
    }
}
