//! Routing for HTTP/2 flow control as backpressure (gRPC): the window's arithmetic is
//! [`crate::net::flow_control::FlowWindow`]'s, kept per client in
//! [`crate::net::connections::Connections`]; here the world hands a stream its pending
//! events, in order, while the window has room. Events it may not write yet stay pending
//! at the server, in the shared event store, not in the connection's send buffer: a slow
//! consumer stops the sender instead of growing the server's memory. A variant that
//! conflates writes only the newest pending event of each topic when room opens.

use super::World;
use crate::engine::Scheduler;
use crate::ids::{EventNo, ReplicaId};
use crate::sim::event::{ClientId, Event, Job, MsgKind};
use crate::time::SimTime;

impl World<'_> {
    /// Event `n` is at replica `r`: each stream there gets its pending events, `n` last,
    /// as far as its window allows.
    pub(super) fn push_to_streams_windowed(
        &mut self,
        r: ReplicaId,
        n: EventNo,
        window: u64,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        self.fanout.reached(r, n);
        let mut i = 0;
        while let Some(c) = self.fanout.stream(r, i) {
            i += 1;
            if self.clients[c].cursor <= n {
                self.push_within_window(c, window, now, s);
            }
        }
    }

    /// Queues push jobs for `c`'s pending events that have reached its replica, in order,
    /// while its window has room.
    pub(super) fn push_within_window(
        &mut self,
        c: ClientId,
        window: u64,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let limit = self
            .fanout
            .reached_below(self.replica_of(c))
            .min(self.events_so_far);
        loop {
            let client = &self.clients[c];
            let n = client.cursor;
            if n >= limit || !self.connections.window(c.index()).has_room(window) {
                return;
            }
            if !self.log.is_for(n, c) {
                self.clients[c].cursor = n.next();
                continue;
            }
            if self.log.conflate && self.log.superseded(n, limit) {
                // Latest value wins: a newer event of its topic waits too, so this one is
                // replaced, never written (settled: an ended stream never hands it back).
                self.clients[c].cursor = n.next();
                self.settle(c, n.next());
                self.conflated[c] += 1;
                continue;
            }
            let info = client.connection.info;
            let batch = self.batch_window(c);
            let bytes = match batch {
                // Its element of the batch's repeated field (the message's prefix and
                // frame headers are charged as the batch closes).
                Some(_) => self.batched_window_bytes(n),
                None => {
                    let (payload, framing) =
                        self.chain
                            .primary()
                            .size(MsgKind::Event(n), &self.log, info);
                    payload + framing
                }
            };
            let client = &mut self.clients[c];
            client.cursor = n.next();
            client.events_in_jobs += 1;
            self.connections.window_mut(c.index()).wrote(bytes);
            match batch {
                None => self.run_job(c, Job::Push(n), now, s),
                Some(window) => self.batch_event(c, n, window, now, s),
            }
        }
    }

    /// The client credited `credit` bytes back: room for more of its pending events.
    pub(super) fn window_credit(
        &mut self,
        c: ClientId,
        credit: u64,
        window: u64,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        self.connections.window_mut(c.index()).credited(credit);
        if self.transports[c].is_streaming() {
            self.push_within_window(c, window, now, s);
        }
    }

    /// A new stream of `c` starts with a fresh window.
    pub(super) fn open_window(&mut self, c: ClientId) {
        self.connections.window_mut(c.index()).open_stream();
    }
}
