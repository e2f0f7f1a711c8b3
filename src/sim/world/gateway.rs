//! A managed WebSocket gateway in the run (a WebSocket variant with `gateway: true` on
//! `server.kind: serverless`): the `$connect` invocation ends when the upgrade is answered, the
//! connection then lives on the gateway (never cut at `max_duration`; closed at the
//! gateway's `connection_duration` or after its `idle_timeout` without a message), each
//! push and each client message is a short invocation whose start (cold or warm) comes
//! before its job's completion, and the connection's end runs `$disconnect`.
//!
//! The adapter only: the connections and their counts are
//! [`crate::infra::gateway::Gateway`]'s, the invocations
//! [`crate::infra::serverless::Functions`]'. Every method is a no-op without a gateway, so
//! other runs are unchanged.

use super::World;
use crate::engine::Scheduler;
use crate::ids::Generation;
use crate::infra::costs::ServerTransport;
use crate::metrics::result::GatewayResult;
use crate::sim::event::{ClientId, CloseReason, Event, Job};
use crate::time::{Nanos, SimTime};

impl World<'_> {
    /// `c`'s upgrade was answered at `now`: its `$connect` invocation ends, the gateway
    /// holds the connection, and its two limits are set.
    pub(super) fn gateway_connected(
        &mut self,
        c: ClientId,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) {
        let Some(g) = &mut self.gateway else {
            return;
        };
        g.opened(c.index(), now);
        let spec = *g.spec();
        if let Some(f) = &mut self.functions {
            f.finish(c.index(), now);
        }
        let generation = self.clients[c].connection.generation;
        for (after, reason) in [
            (spec.connection_duration, CloseReason::GatewayDuration),
            (spec.idle_timeout, CloseReason::GatewayIdle),
        ] {
            s.after(
                after,
                Event::CloseWhenQuiet {
                    client: c,
                    generation,
                    reason: reason as u32,
                },
            );
        }
    }

    /// `job` for `c` starts at `now` and is done at `done`: on a gateway a push (the
    /// sender's `POST` to `@connections`) or a client message (its route) is an invocation
    /// of its own. Returns its start delay (0 for other jobs or without a gateway; 0 when
    /// throttled: the sender's retry is not modelled, the push goes out as if it were
    /// not).
    #[inline]
    pub(super) fn gateway_invocation(
        &mut self,
        c: ClientId,
        job: Job,
        done: SimTime,
        now: SimTime,
    ) -> Nanos {
        let Some(g) = &mut self.gateway else {
            return 0;
        };
        match job {
            Job::Push(_) | Job::Batch => {}
            Job::Message(_) => g.message(c.index(), now),
            _ => return 0,
        }
        self.functions
            .as_mut()
            .map_or(0, |f| f.invoke_for(now, done.since(now)).1)
    }

    /// A push to `c` left the server at `now`: a gateway message.
    #[inline]
    pub(super) fn gateway_pushed(&mut self, c: ClientId, now: SimTime) {
        if let Some(g) = &mut self.gateway {
            g.message(c.index(), now);
        }
    }

    /// `c`'s connection ended at `now`: if the gateway held it, its `$disconnect` runs
    /// (an invocation of the upgrade's request cost).
    pub(super) fn gateway_disconnected(&mut self, c: ClientId, now: SimTime) {
        let Some(g) = &mut self.gateway else {
            return;
        };
        if !g.closed(c.index(), now) {
            return;
        }
        let work = (self.scenario.server.costs)
            .row(ServerTransport::WebSocket)
            .cpu
            .request;
        if let Some(f) = &mut self.functions {
            f.invoke_for(now, work);
        }
    }

    /// A gateway idle check for `c`'s connection of `generation` at `now`: if a message
    /// came since it was set, the check moves to the new deadline and true is returned
    /// (the connection stays).
    pub(super) fn gateway_idle_postponed(
        &mut self,
        c: ClientId,
        generation: Generation,
        now: SimTime,
        s: &mut Scheduler<Event>,
    ) -> bool {
        let connection = &self.clients[c].connection;
        if !connection.open || connection.generation != generation {
            return false;
        }
        let Some(due) = self.gateway.as_ref().and_then(|g| g.idle_due(c.index())) else {
            return false;
        };
        if due <= now {
            return false;
        }
        s.at(
            due,
            Event::CloseWhenQuiet {
                client: c,
                generation,
                reason: CloseReason::GatewayIdle as u32,
            },
        );
        true
    }

    /// A connection was closed at one of the gateway's limits at `now`.
    pub(super) fn gateway_closed_at_limit(&mut self, reason: u32, now: SimTime) {
        if let Some(g) = &mut self.gateway {
            if reason == CloseReason::GatewayIdle as u32 {
                g.idle_closed(now);
            } else {
                g.duration_closed(now);
            }
        }
    }

    /// The gateway's figures, with a gateway only.
    pub(super) fn gateway_result(&self) -> Option<GatewayResult> {
        let g = self.gateway.as_ref()?;
        let counts = g.result(SimTime::from_nanos(self.scenario.duration));
        Some(GatewayResult {
            messages: counts.messages,
            connects: counts.connects,
            disconnects: counts.disconnects,
            connection_minutes: crate::metrics::fixed(counts.connection_ns as f64 / 60e9, 3),
            idle_closes: counts.idle_closes,
            duration_closes: counts.duration_closes,
        })
    }
}
