//! A managed WebSocket gateway in front of a serverless server (API Gateway WebSocket APIs,
//! a WebSocket variant's `gateway: true` on `server.kind: serverless`): it holds each client's WebSocket connection
//! while the functions run only for the connection's routes (`$connect`, each client
//! message, `$disconnect`) and for each push (the sender's `POST` to the connection's
//! `@connections` URL). It closes a connection at its maximum duration or after its idle
//! timeout, and counts what the bill charges: messages and connection time.
//!
//! Owns: each client's gateway connection (when it opened, its last data message), the
//! gateway's limits, the counts (messages, connects, disconnects, connection time within
//! the window, closes at either limit). Does not own: the invocations (their starts and
//! billed time are [`crate::infra::serverless::Functions`]'), when a connection opens,
//! closes or carries a message (the simulation says), nor the prices ([`crate::cost`]).
//!
//! What counts as activity for the idle timeout: a data message either way (a push, a
//! client message). The gateway sends no pings of its own; control frames are not
//! modelled on a gateway variant (`websocket.ping` is refused beside it), so a client that
//! neither sends nor receives for `idle_timeout` is closed and reconnects.

use serde::Serialize;

use crate::time::{Nanos, SimTime};

const S: Nanos = 1_000_000_000;

/// The longest a gateway connection lives: 2 hours, API Gateway's "Connection duration for
/// WebSocket API" quota (AWS API Gateway developer guide, "Amazon API Gateway quotas",
/// WebSocket API quotas table, read 2026-12-07; not increasable). An input.
pub const DEFAULT_CONNECTION_DURATION: Nanos = 2 * 3600 * S;
/// A gateway connection with no message this long is closed: 10 minutes, API Gateway's
/// "Idle Connection Timeout" for WebSocket APIs (same page, read 2026-12-07; not
/// increasable). An input.
pub const DEFAULT_IDLE_TIMEOUT: Nanos = 10 * 60 * S;

/// The gateway's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct GatewaySpec {
    /// A connection is closed this long after it opened.
    pub connection_duration: Nanos,
    /// A connection with no data message this long is closed.
    pub idle_timeout: Nanos,
}

impl Default for GatewaySpec {
    fn default() -> Self {
        GatewaySpec {
            connection_duration: DEFAULT_CONNECTION_DURATION,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
        }
    }
}

/// What the gateway carried, within the measurement window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GatewayCounts {
    /// Data messages, both ways (pushes sent to clients, clients' messages received).
    pub messages: u64,
    /// Connections opened (`$connect` answered).
    pub connects: u64,
    /// Connections closed (`$disconnect`), whatever closed them.
    pub disconnects: u64,
    /// Connection time inside the window, summed over the connections, nanoseconds.
    pub connection_ns: u128,
    /// Connections closed after `idle_timeout` without a message.
    pub idle_closes: u64,
    /// Connections closed at `connection_duration`.
    pub duration_closes: u64,
}

/// The gateway's connections of one run.
#[derive(Debug, Clone)]
pub struct Gateway {
    spec: GatewaySpec,
    /// Per client: when its gateway connection opened (`None`: none open).
    open: Vec<Option<SimTime>>,
    /// Per client: its connection's last data message (or its opening).
    last_message: Vec<SimTime>,
    counts: GatewayCounts,
    window: (Nanos, Nanos),
}

impl Gateway {
    /// The gateway for `clients` clients, measured over `[warmup, duration)`.
    pub fn new(spec: GatewaySpec, clients: usize, window: (Nanos, Nanos)) -> Self {
        Gateway {
            spec,
            open: vec![None; clients],
            last_message: vec![SimTime::ZERO; clients],
            counts: GatewayCounts::default(),
            window,
        }
    }

    pub fn spec(&self) -> &GatewaySpec {
        &self.spec
    }

    fn in_window(&self, now: SimTime) -> bool {
        (self.window.0..self.window.1).contains(&now.as_nanos())
    }

    /// `client`'s connection opened at `now` (its `$connect` answered).
    pub fn opened(&mut self, client: usize, now: SimTime) {
        self.counts.connects += u64::from(self.in_window(now));
        self.open[client] = Some(now);
        self.last_message[client] = now;
    }

    /// Whether `client` has a gateway connection open.
    pub fn is_open(&self, client: usize) -> bool {
        self.open[client].is_some()
    }

    /// A data message to or from `client` passed the gateway at `now`. Nothing without an
    /// open connection (a push to a gone connection is refused: `410 Gone`, not billed).
    pub fn message(&mut self, client: usize, now: SimTime) {
        if self.open[client].is_some() {
            self.counts.messages += u64::from(self.in_window(now));
            self.last_message[client] = now;
        }
    }

    /// When `client`'s connection reaches its idle timeout if no message comes first
    /// (`None`: none open).
    pub fn idle_due(&self, client: usize) -> Option<SimTime> {
        self.open[client]?;
        Some(self.last_message[client] + self.spec.idle_timeout)
    }

    /// `client`'s connection closed at `now`: its time in the window is counted. Returns
    /// whether one was open (then the function's `$disconnect` route runs).
    pub fn closed(&mut self, client: usize, now: SimTime) -> bool {
        let Some(since) = self.open[client].take() else {
            return false;
        };
        self.counts.disconnects += u64::from(self.in_window(now));
        self.counts.connection_ns += self.overlap(since, now);
        true
    }

    /// A connection was closed at `idle_timeout` at `now`.
    pub fn idle_closed(&mut self, now: SimTime) {
        self.counts.idle_closes += u64::from(self.in_window(now));
    }

    /// A connection was closed at `connection_duration` at `now`.
    pub fn duration_closed(&mut self, now: SimTime) {
        self.counts.duration_closes += u64::from(self.in_window(now));
    }

    /// The part of `[since, until)` inside the window, nanoseconds.
    fn overlap(&self, since: SimTime, until: SimTime) -> u128 {
        let from = since.as_nanos().max(self.window.0);
        let to = until.as_nanos().min(self.window.1);
        u128::from(to.saturating_sub(from))
    }

    /// The counts at the run's end `end`: connections still open count up to it.
    pub fn result(&self, end: SimTime) -> GatewayCounts {
        let mut counts = self.counts;
        for since in self.open.iter().flatten() {
            counts.connection_ns += self.overlap(*since, end);
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: u64) -> SimTime {
        SimTime::from_nanos(s * S)
    }

    #[test]
    fn connection_time_is_counted_inside_the_window_only() {
        let mut g = Gateway::new(GatewaySpec::default(), 2, (10 * S, 100 * S));
        g.opened(0, at(5));
        g.opened(1, at(20));
        assert!(g.closed(0, at(30)));
        assert!(!g.closed(0, at(31)), "closed once");
        // Client 0: 10 s to 30 s = 20 s; client 1: 20 s to the end (100 s) = 80 s.
        let counts = g.result(at(100));
        assert_eq!(counts.connection_ns, u128::from(100 * S));
        // Client 0 opened before the window: only client 1's connect counts.
        assert_eq!((counts.connects, counts.disconnects), (1, 1));
    }

    #[test]
    fn a_message_moves_the_idle_deadline_and_a_closed_connection_carries_none() {
        let mut g = Gateway::new(GatewaySpec::default(), 1, (0, 10_000 * S));
        assert_eq!(g.idle_due(0), None);
        g.opened(0, at(0));
        assert_eq!(g.idle_due(0), Some(at(600)));
        g.message(0, at(100));
        assert_eq!(g.idle_due(0), Some(at(700)));
        g.closed(0, at(200));
        g.message(0, at(300));
        assert_eq!(
            g.result(at(1000)).messages,
            1,
            "a push to a gone connection is not billed"
        );
    }
}
