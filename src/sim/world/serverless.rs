//! A serverless server's invocations in the run (`server.kind: serverless`): a request
//! starts an invocation when it arrives (or is throttled with a `429`), the invocation's
//! start delay comes before its first job's answer, it ends when the request is answered
//! or its stream or connection ends, and a long poll's hold or a stream is cut at
//! `max_duration`.
//!
//! The adapter only: the instances, their starts and counts are
//! [`crate::infra::serverless::Functions`]'; the fleet behind it is one replica balanced
//! at layer 7 (each request on its own, as API Gateway does), whose cores are the
//! instances' (one per concurrent invocation). Every method is a no-op without a
//! serverless server, so a fixed fleet's runs are unchanged.

use super::World;
use crate::engine::Scheduler;
use crate::metrics::result::ServerlessResult;
use crate::sim::event::{ClientId, CloseReason, Event};
use crate::time::{Nanos, SimTime};

impl World<'_> {
    /// `c`'s request reached the function at `now`: false if the concurrency limit
    /// throttles it.
    #[inline]
    pub(super) fn invocation_starts(&mut self, c: ClientId, now: SimTime) -> bool {
        match &mut self.functions {
            None => true,
            Some(f) => f.invoke(c.index(), now) != crate::infra::serverless::Start::Throttled,
        }
    }

    /// `c`'s invocation ended at `now`.
    #[inline]
    pub(super) fn invocation_ends(&mut self, c: ClientId, now: SimTime) {
        if let Some(f) = &mut self.functions {
            f.finish(c.index(), now);
        }
        self.gateway_disconnected(c, now);
    }

    /// The start delay (cold or warm) `c`'s invocation owes its first job; 0 on a fixed
    /// fleet.
    #[inline]
    pub(super) fn start_owed(&mut self, c: ClientId) -> Nanos {
        self.functions
            .as_mut()
            .map_or(0, |f| f.take_start(c.index()))
    }

    /// How long `c`'s long poll may be held from `now`, at most `timeout`.
    #[inline]
    pub(super) fn hold_limit(&mut self, c: ClientId, timeout: Nanos, now: SimTime) -> Nanos {
        match &mut self.functions {
            None => timeout,
            Some(f) => f.hold(c.index(), timeout, now),
        }
    }

    /// `c`'s held long poll timed out at `now` (counted if `max_duration` cut it).
    #[inline]
    pub(super) fn hold_ended_by_timeout(&mut self, c: ClientId, now: SimTime) {
        if let Some(f) = &mut self.functions {
            f.hold_timed_out(c.index(), now);
        }
    }

    /// `c`'s stream just opened: on a function it is closed when its invocation reaches
    /// `max_duration` (at the connection's next quiet moment, as a proxy's lifetime).
    pub(super) fn limit_stream(&mut self, c: ClientId, now: SimTime, s: &mut Scheduler<Event>) {
        let Some(f) = &self.functions else {
            return;
        };
        if self.gateway.is_some() {
            self.gateway_connected(c, now, s);
            return;
        }
        let remaining = f.remaining(c.index(), now);
        s.after(
            remaining,
            Event::CloseWhenQuiet {
                client: c,
                generation: self.clients[c].connection.generation,
                reason: CloseReason::MaxDuration as u32,
            },
        );
    }

    /// A stream was closed at `max_duration` at `now`.
    pub(super) fn stream_cut(&mut self, now: SimTime) {
        if let Some(f) = &mut self.functions {
            f.stream_cut(now);
        }
    }

    /// The invocations' figures, for a serverless server only.
    pub(super) fn serverless_result(&self) -> Option<ServerlessResult> {
        let f = self.functions.as_ref()?;
        let counts = f.result(SimTime::from_nanos(self.scenario.duration));
        Some(ServerlessResult {
            invocations: counts.cold + counts.warm,
            cold_starts: counts.cold,
            warm_starts: counts.warm,
            throttled: counts.throttled,
            peak_concurrency: counts.peak_concurrency,
            cut_long_polls: counts.cut_holds,
            cut_streams: counts.cut_streams,
            billed_seconds: crate::metrics::fixed(counts.billed_ns as f64 / 1e9, 3),
            gateway: self.gateway_result(),
        })
    }
}
