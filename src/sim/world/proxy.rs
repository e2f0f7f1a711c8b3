//! HTTP proxies on a group's path as the world routes to them: added latency, the idle
//! timeout that closes quiet connections, a maximum lifetime. The load balancer's idle
//! timeout works the same way, on every connection. When a planned close (a lifetime, a
//! maximum age) comes and whether it closes now is [`crate::net::lifetime`]'s; response
//! buffering (which messages a buffering proxy holds, when it flushes) is
//! [`crate::infra::middleboxes::Middleboxes`]'s; the paths are built from the scenario in
//! [`crate::sim::build`].
//!
//! A proxy closes a connection that carried no bytes for its idle timeout: a silent SSE
//! stream or WebSocket, a held long poll, an idle keep-alive connection. Closes are taken
//! only when nothing is on the wire or in the server's CPU for the connection (the
//! timer looks again later otherwise), so no message is cut in half. The idle timer
//! (when it fires, what it decides: close, or look again at a time) is
//! [`crate::infra::middleboxes::Middleboxes`]'s, by [`crate::net::idle`]'s rule; the world
//! says whether the connection is open and busy and carries the verdict out. The client
//! then does what its transport does on a lost connection
//! ([`crate::transport::Input::Lost`]): EventSource reconnects after its retry time with
//! `Last-Event-ID`, long polling asks again after a pause, polling opens a new connection
//! at its next poll, and a WebSocket client — which has no built-in reconnect — is left
//! disconnected.

use super::World;

use crate::engine::Scheduler;
use crate::ids::Generation;
use crate::metrics::ProxyResult;
use crate::metrics::recorder::Count;
use crate::net::idle::IdleVerdict;
use crate::net::lifetime::{self, Due};
use crate::sim::event::{ClientId, CloseReason, Event};
use crate::time::{Nanos, SimTime};

impl World<'_> {
    /// Bytes crossed the proxy or balancer for `c` at `now`: the connection is not idle.
    #[inline]
    pub(super) fn proxy_traffic(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let group = self.clients[c].group;
        if let Some(after) = self.middleboxes.traffic(group, c, now) {
            s.after(after, Event::ProxyIdle(c));
        }
    }

    /// The proxy's idle timer for `c` fired: close the connection if it has been silent for
    /// the whole timeout and is quiet; otherwise look again when it could be.
    pub(super) fn proxy_idle(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let (group, open) = (self.clients[c].group, self.clients[c].connection.open);
        let busy = open && self.is_busy(c);
        match self.middleboxes.idle_fired(group, c, open, busy, now) {
            Some(IdleVerdict::Close) => {}
            Some(IdleVerdict::Rearm(at)) => {
                s.at(at, Event::ProxyIdle(c));
                return;
            }
            // Closed already (a middlebox never leaves a busy connection alone), or no
            // idle timeout on the path.
            Some(IdleVerdict::Gone | IdleVerdict::Busy) | None => return,
        }
        if self.in_window(now) {
            self.recorder.count(Count::ProxyCloses, now);
            let group = self.clients[c].group;
            self.middleboxes.idle_closed(group);
        }
        self.drop_connection(c, now, s);
    }

    /// Closes `c`'s connection from the middle of the path and tells its transport.
    pub(super) fn drop_connection(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let tabs = self.tabs_on_connection(c);
        self.close_connection(c, &tabs, now, s);
        for t in tabs {
            self.server_forgets(t, now);
            self.connection_lost(t, now, s);
        }
    }

    /// The server drops what it held for `c`'s connection: its stream, its held request.
    pub(super) fn server_forgets(&mut self, c: ClientId, now: SimTime) {
        let r = self.replica_of(c);
        if self.transports[c].stream_ended() {
            self.fanout.stream_ended(r, c);
            self.withdraw_handed_out(c, false);
        }
        // An answer being written for a held request is void.
        if self.transports[c].release() {
            self.fanout.release(r);
        }
        self.request_completed(c, now);
    }

    /// A new connection of `c` was accepted: its proxies' maximum lifetime starts, and so
    /// does the server's maximum connection age (see [`crate::net::lifetime`]).
    pub(super) fn start_lifetime(&mut self, c: ClientId, s: &mut Scheduler<Event>) {
        let group = self.clients[c].group;
        let generation = self.clients[c].connection.generation;
        let max_lifetime = self.middleboxes.path(group).max_lifetime;
        let planned = self.lifetimes.plan(max_lifetime, self.is_rest(c));
        if let Some(lifetime) = planned.lifetime {
            s.after(
                lifetime,
                Event::CloseWhenQuiet {
                    client: c,
                    generation,
                    reason: CloseReason::Lifetime as u32,
                },
            );
        }
        if let Some(age) = planned.age {
            s.after(
                age,
                Event::CloseWhenQuiet {
                    client: c,
                    generation,
                    reason: CloseReason::Age as u32,
                },
            );
        }
    }

    /// `c`'s connection (of `generation`) is to close for `reason`: now if it is quiet,
    /// else at its next quiet moment (looked for every second).
    pub(super) fn close_when_quiet(
        &mut self,
        c: ClientId,
        generation: Generation,
        reason: u32,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        if reason == CloseReason::GatewayIdle as u32
            && self.gateway_idle_postponed(c, generation, now, s)
        {
            return;
        }
        let connection = &self.clients[c].connection;
        let current = connection.open.then_some(connection.generation);
        match lifetime::when_due(generation, current, || self.is_busy(c)) {
            Due::Gone => return,
            Due::Later(after) => {
                s.after(
                    after,
                    Event::CloseWhenQuiet {
                        client: c,
                        generation,
                        reason,
                    },
                );
                return;
            }
            Due::Now => {}
        }
        if self.in_window(now) {
            if reason == CloseReason::Lifetime as u32 {
                self.recorder.count(Count::LifetimeCloses, now);
                let group = self.clients[c].group;
                self.middleboxes.lifetime_closed(group);
            } else if reason == CloseReason::Age as u32 {
                self.recorder.count(Count::AgeCloses, now);
            } else if reason == CloseReason::MaxDuration as u32 {
                self.stream_cut(now);
            } else if reason >= CloseReason::GatewayDuration as u32 {
                self.gateway_closed_at_limit(reason, now);
            } else {
                self.recorder.count(Count::DrainCloses, now);
            }
        }
        self.drop_connection(c, now, s);
    }

    /// The client tries again after `delay`: its transport's timer sends the request anew
    /// (on a new connection).
    pub(super) fn reconnect_after(
        &mut self,
        c: ClientId,
        delay: Nanos,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        self.transports[c].request_answered();
        self.recorder.count(Count::Reconnects, now);
        self.recorder.series().reconnect(now);
        s.after(delay, Event::ClientTimer(c));
    }

    /// Counts a request through each proxy on `c`'s path.
    pub(super) fn proxies_saw_request(&mut self, c: ClientId) {
        let group = self.clients[c].group;
        self.middleboxes.saw_request(group);
    }

    /// Each proxy's figures for the result.
    pub(super) fn proxy_results(&self) -> Vec<ProxyResult> {
        let seconds = self.scenario.window() as f64 / 1e9;
        let names = self.scenario.proxies.iter().map(|p| p.name.as_str());
        self.middleboxes.results(names, seconds)
    }
}
