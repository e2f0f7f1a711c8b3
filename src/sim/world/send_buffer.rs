//! Slow consumers: a stream's send buffer at the server, where writes wait for a client's
//! busy link, and the policy when it overflows its limit — keep buffering (memory grows),
//! drop the oldest waiting messages (their events are lost), or disconnect the stream.
//!
//! A disconnected stream's waiting messages are discarded, its queued push jobs are
//! dropped as they finish, and the connection closes once the bytes already on the wire
//! have arrived; the client then does what its transport does on a lost connection (SSE
//! reconnects and resumes from its last event, a WebSocket client stays disconnected).

use super::World;
use crate::engine::Scheduler;
use crate::metrics::recorder::Count;
use crate::net::wire::Direction;
use crate::scenario::SlowConsumerPolicy;
use crate::sim::event::{ClientId, Event, Msg, MsgKind};
use crate::time::Nanos;

impl World<'_> {
    /// Transmits `msg` now, or — for a stream with a send buffer whose link is busy — puts
    /// it in the buffer.
    pub(super) fn transmit_or_buffer(
        &mut self,
        c: ClientId,
        direction: Direction,
        msg: Msg,
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let buffer = self.scenario.server.send_buffer;
        // Without a send buffer (the usual case) the stream's state is not read at all.
        let streaming = || direction == Direction::Down && self.transports[c].is_streaming();
        let Some(buffer) = buffer.filter(|_| streaming()) else {
            self.transmit(c, direction, msg, now, s);
            return;
        };
        let browser = self.clients[c].browser as usize;
        let free_at = self.network.busy_until(browser, Direction::Down);
        if free_at <= now && self.connections.buffer_empty(c.index()) {
            self.transmit(c, direction, msg, now, s);
            return;
        }
        let r = self.replica_of(c);
        let queued = self.connections.buffer(c.index(), msg);
        self.fleet.server(r).buffered_changed(msg.wire as i64);
        self.recorder.send_buffer(queued);
        self.arm_link_free(c, free_at.max(now), s);
        if queued > buffer.limit {
            self.overflow(c, buffer.limit, buffer.policy, now);
        }
    }

    fn arm_link_free(&mut self, c: ClientId, at: Nanos, s: &mut Scheduler<Event>) {
        if self.connections.arm_link_free(c.index()) {
            s.at(at, Event::LinkFree(c));
        }
    }

    /// The link may be free for `c`'s next waiting message.
    pub(super) fn link_free(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
        self.connections.link_free_fired(c.index());
        let browser = self.clients[c].browser as usize;
        let free_at = self.network.busy_until(browser, Direction::Down);
        if self.connections.buffer_empty(c.index()) {
            return;
        }
        if free_at > now {
            // Another tab's bytes took the link meanwhile.
            self.arm_link_free(c, free_at, s);
            return;
        }
        let msg = self.pop_waiting(c).expect("checked non-empty");
        self.transmit(c, Direction::Down, msg, now, s);
        if !self.connections.buffer_empty(c.index()) {
            let free_at = self.network.busy_until(browser, Direction::Down);
            self.arm_link_free(c, free_at, s);
        }
    }

    fn pop_waiting(&mut self, c: ClientId) -> Option<Msg> {
        let r = self.replica_of(c);
        let msg = self.connections.unbuffer(c.index())?;
        self.fleet.server(r).buffered_changed(-(msg.wire as i64));
        Some(msg)
    }

    fn overflow(&mut self, c: ClientId, limit: u64, policy: SlowConsumerPolicy, now: Nanos) {
        match policy {
            SlowConsumerPolicy::Buffer => {}
            SlowConsumerPolicy::DropOldest => {
                while self.connections.buffered(c.index()) > limit {
                    let Some(msg) = self.pop_waiting(c) else {
                        break;
                    };
                    if let MsgKind::Event(n) = msg.kind {
                        self.settle(c, n + 1);
                    }
                    let client = &mut self.clients[c];
                    client.events_on_wire -= msg.events() as u64;
                    client.lost += msg.events() as u64;
                    self.recorder.lost().slow_consumer += msg.events() as u64;
                    self.recorder.count(Count::SlowConsumerDrops, now);
                }
            }
            SlowConsumerPolicy::Disconnect => {
                self.recorder.count(Count::SlowConsumerDisconnects, now);
                // The stream ends: a reconnecting EventSource gets its waiting events again
                // from its Last-Event-ID.
                self.clients[c].closing = true;
                self.server_forgets(c);
            }
        }
    }

    /// `c`'s stream ended at the server: the events handed to it and not yet on the wire
    /// (in push jobs, waiting in its send buffer) go back to the server's pending ones (see
    /// [`World::rewind_cursor`]). Push jobs still running are dropped as they finish,
    /// unless `jobs_void` (the process that ran them is gone).
    pub(super) fn withdraw_handed_out(&mut self, c: ClientId, jobs_void: bool) {
        let client = &mut self.clients[c];
        let in_jobs = std::mem::take(&mut client.events_in_jobs);
        if !jobs_void {
            client.stale_jobs += in_jobs;
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
    pub(super) fn discard_push(&mut self, c: ClientId, now: Nanos, s: &mut Scheduler<Event>) {
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
        now: Nanos,
        s: &mut Scheduler<Event>,
    ) {
        let client = &mut self.clients[c];
        if client.closing && !client.connection.open {
            // Closed already (refused, denied, dropped under it): nothing left to close.
            client.closing = false;
            return;
        }
        let drained = client.stale_jobs == 0 && client.events_in_jobs == 0;
        if client.closing && drained && self.is_quiet(c) {
            self.clients[c].closing = false;
            self.drop_connection(c, now, s);
        }
    }
}
