//! Routing for slow consumers: a stream's send buffer and its overflow policy are
//! [`crate::net::send_buffer::Waiting`]'s, kept per client in
//! [`crate::net::connections::Connections`]; here the world offers each write, schedules
//! the link-free events it is told to, keeps the replica's buffered bytes, and does what
//! an overflow means for the stream: dropped messages' events are lost, a disconnect ends
//! the stream.
//!
//! A disconnected stream's waiting messages are discarded, its queued push jobs are
//! dropped as they finish, and the connection closes once the bytes already on the wire
//! have arrived; the client then does what its transport does on a lost connection (SSE
//! reconnects and resumes from its last event, a WebSocket client stays disconnected).

use super::World;
use crate::engine::Scheduler;
use crate::metrics::recorder::Count;
use crate::net::send_buffer::{LinkFree, Offer, Overflow};
use crate::net::wire::Direction;
use crate::sim::event::{ClientId, Event, Msg, MsgKind};
use crate::time::SimTime;

impl World<'_> {
    /// Transmits `msg` now, or — for a stream with a send buffer whose link is busy — puts
    /// it in the buffer.
    pub(super) fn transmit_or_buffer(
        &mut self,
        c: ClientId,
        direction: Direction,
        msg: Msg,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let spec = self.scenario.server.send_buffer;
        // Without a send buffer (the usual case) the stream's state is not read at all.
        let streaming = || direction == Direction::Down && self.transports[c].is_streaming();
        let Some(spec) = spec.filter(|_| streaming()) else {
            self.transmit(c, direction, msg, now, s);
            return;
        };
        if self.log.conflate
            && let MsgKind::Event(n) = msg.kind
        {
            self.conflate_waiting(c, n);
        }
        let browser = self.clients[c].browser;
        let free_at = self.network.busy_until(browser, Direction::Down);
        let wire = msg.wire;
        let (queued, wake, overflow) = match self
            .connections
            .send_buffer_mut(c.index())
            .offer(msg, free_at, now, spec)
        {
            Offer::Transmit(msg) => {
                self.transmit(c, direction, msg, now, s);
                return;
            }
            Offer::Waits {
                queued,
                wake,
                overflow,
            } => (queued, wake, overflow),
        };
        let r = self.replica_of(c);
        self.fleet.server(r).buffered_changed(wire as i64);
        self.recorder.send_buffer(queued);
        if let Some(at) = wake {
            s.at(at, Event::LinkFree(c));
        }
        if !overflow {
            return;
        }
        match self.connections.send_buffer_mut(c.index()).overflow(spec) {
            Overflow::Keep => {}
            Overflow::Dropped(dropped) => {
                for msg in dropped {
                    self.fleet.server(r).buffered_changed(-(msg.wire as i64));
                    match msg.kind {
                        MsgKind::Event(n) => self.settle(c, n.next()),
                        MsgKind::Batch { first, count } => self.settle(c, first + count),
                        _ => {}
                    }
                    let client = &mut self.clients[c];
                    client.events_on_wire -= msg.events() as u64;
                    client.lost += msg.events() as u64;
                    self.recorder.lost().slow_consumer += msg.events() as u64;
                    self.recorder.count(Count::SlowConsumerDrops, now);
                }
            }
            Overflow::Disconnect => {
                self.recorder.count(Count::SlowConsumerDisconnects, now);
                // The stream ends: a reconnecting EventSource gets its waiting events again
                // from its Last-Event-ID.
                self.clients[c].closing = true;
                self.server_forgets(c, now);
            }
        }
    }

    /// Latest value wins: event `n` is written to `c`'s stream, so the events of its topic
    /// still waiting in the send buffer are replaced (conflated), as a dropped write's are
    /// lost: settled, so that an ended stream never hands them back.
    fn conflate_waiting(&mut self, c: ClientId, n: crate::ids::EventNo) {
        let log = &self.log;
        let replaced = self
            .connections
            .send_buffer_mut(c.index())
            .take_replaced(|m| matches!(m.kind, MsgKind::Event(k) if log.superseded(k, n.next())));
        let r = self.replica_of(c);
        for msg in replaced {
            self.fleet.server(r).buffered_changed(-(msg.wire as i64));
            if let MsgKind::Event(k) = msg.kind {
                self.settle(c, k.next());
            }
            self.clients[c].events_on_wire -= 1;
            self.conflated[c] += 1;
        }
    }

    /// The link may be free for `c`'s next waiting message.
    pub(super) fn link_free(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let browser = self.clients[c].browser;
        let free_at = self.network.busy_until(browser, Direction::Down);
        match self
            .connections
            .send_buffer_mut(c.index())
            .link_free(free_at, now)
        {
            LinkFree::Idle => {}
            LinkFree::Busy(at) => s.at(at, Event::LinkFree(c)),
            LinkFree::Send(msg) => {
                let r = self.replica_of(c);
                self.fleet.server(r).buffered_changed(-(msg.wire as i64));
                self.transmit(c, Direction::Down, msg, now, s);
                let free_at = self.network.busy_until(browser, Direction::Down);
                if let Some(at) = self.connections.send_buffer_mut(c.index()).sent(free_at) {
                    s.at(at, Event::LinkFree(c));
                }
            }
        }
    }

    fn pop_waiting(&mut self, c: ClientId) -> Option<Msg> {
        let r = self.replica_of(c);
        let msg = self.connections.send_buffer_mut(c.index()).pop()?;
        self.fleet.server(r).buffered_changed(-(msg.wire as i64));
        Some(msg)
    }

    /// `c`'s stream ended at the server: the events handed to it and not yet on the wire
    /// (in push jobs, waiting in its send buffer) go back to the server's pending ones (see
    /// [`World::rewind_cursor`]). Push jobs still running are dropped as they finish,
    /// unless `jobs_void` (the process that ran them is gone).
    pub(super) fn withdraw_handed_out(&mut self, c: ClientId, jobs_void: bool) {
        // Batched events count in the jobs too; their batches' jobs are dropped (or void)
        // as batches, the rest one push job an event.
        let batched = self.batches.withdraw(c, jobs_void);
        let client = &mut self.clients[c];
        let in_jobs = std::mem::take(&mut client.events_in_jobs);
        if !jobs_void {
            client.stale_jobs += in_jobs.saturating_sub(batched);
        }
        let mut handed_back = in_jobs;
        while let Some(msg) = self.pop_waiting(c) {
            let client = &mut self.clients[c];
            client.events_on_wire -= msg.events() as u64;
            handed_back += msg.events() as u64;
        }
        self.rewind_cursor(c, handed_back as u32);
    }

    /// A push job finished for a stream that no longer exists: dropped (its event went
    /// back to pending when the stream ended).
    pub(super) fn discard_push(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let client = &mut self.clients[c];
        if client.stale_jobs > 0 {
            client.stale_jobs -= 1;
        } else if client.events_in_jobs > 0 {
            // Not handed back when its stream ended (no stream has ended without that
            // today): hand it back now.
            client.events_in_jobs -= 1;
            self.rewind_cursor(c, 1);
        }
        self.finish_close_if_drained(c, now, s);
    }

    /// A closing stream closes once nothing of it is left on the wire or in the CPU.
    pub(super) fn finish_close_if_drained(
        &mut self,
        c: ClientId,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let client = &mut self.clients[c];
        if client.closing && !client.connection.open {
            // Closed already (refused, denied, dropped under it): nothing left to close.
            client.closing = false;
            return;
        }
        let drained =
            client.stale_jobs == 0 && client.events_in_jobs == 0 && self.batches.stale(c) == 0;
        if client.closing && drained && self.is_quiet(c) {
            self.clients[c].closing = false;
            self.drop_connection(c, now, s);
        }
    }
}
