//! The run's invariants, checked after every event when a run asks for it
//! (`rtsim run --check-invariants`, and the property tests in `tests/invariants.rs`).
//!
//! Checked: simulated time never goes back; every client's ledger balances (each (event,
//! client) pair generated is delivered, lost or in flight, exactly once); no count of
//! open connections or waiting work is below zero (an unsigned count that went below zero
//! shows as more than could ever have been opened); no link carried more bytes than its
//! capacity allows in the time it had.
//!
//! What it does not own: the quantities themselves (the world keeps them) and what a run
//! does with a broken invariant (the run reports it as an error, see
//! [`crate::engine::EngineError::InvariantBroken`]). Checking costs a pass over every client
//! per event, so it is for tests and for hunting a defect, not for production runs.

use super::World;
use crate::net::wire::Direction;
use crate::scenario::faults::FaultKind;
use crate::sim::event::{ClientId, Event};
use crate::time::Nanos;

/// The state the checks keep between events.
#[derive(Debug, Default)]
pub(super) struct Invariants {
    last_time: Nanos,
    /// The first invariant found broken, in words.
    broken: Option<String>,
    /// Per browser, by [`Direction::index`]: bytes its access link carried in the window.
    carried: Vec<[u64; 2]>,
}

impl Invariants {
    /// Browser `b`'s access link carried `bytes` in the window, in `direction`.
    pub(super) fn carried(&mut self, b: usize, direction: Direction, bytes: u64) {
        if self.carried.len() <= b {
            self.carried.resize(b + 1, [0; 2]);
        }
        self.carried[b][direction.index()] += bytes;
    }
}

impl World<'_> {
    /// Checks every invariant after `event` at `now`; keeps the first broken one.
    pub(super) fn check_invariants(&mut self, now: Nanos, event: Event) {
        let Some(state) = &self.invariants else {
            return;
        };
        if state.broken.is_some() {
            return;
        }
        let found = self.first_broken(state.last_time, now);
        let state = self.invariants.as_mut().expect("checked above");
        state.last_time = now;
        if let Some(what) = found {
            state.broken = Some(format!(
                "at simulated time {:.9} s, after {event:?}: {what}",
                now as f64 / 1e9
            ));
        }
    }

    /// The first invariant broken by the run, in words, if it checked them.
    pub fn broken_invariant(&self) -> Option<&str> {
        self.invariants.as_ref()?.broken.as_deref()
    }

    /// Asks the run to check its invariants after every event.
    pub fn check_invariants_every_event(&mut self) {
        self.invariants = Some(Invariants::default());
    }

    fn first_broken(&self, last_time: Nanos, now: Nanos) -> Option<String> {
        if now < last_time {
            return Some(format!("time went back from {last_time} ns"));
        }
        for c in ClientId::all(self.visible_clients) {
            let l = self.client_ledger(c);
            if l.generated != l.delivered + l.lost + l.in_flight {
                return Some(format!(
                    "client {c}'s ledger does not balance: generated {} != delivered {} + lost {} + in flight {}",
                    l.generated, l.delivered, l.lost, l.in_flight
                ));
            }
        }
        // Every count of things open or waiting is at most what could ever have been
        // created: an unsigned count that went below zero wraps far above it.
        let opened = self.fleet.connections_admitted();
        let generated = u64::from(self.events_so_far) * self.clients.len() as u64;
        if self.fleet.open_connections() > opened {
            return Some(format!(
                "{} connections open at the front end, but only {opened} were ever admitted",
                self.fleet.open_connections()
            ));
        }
        for (r, server) in self.fleet.servers().iter().enumerate() {
            if server.open_connections() > opened {
                return Some(format!(
                    "{} connections open at replica {r}, but only {opened} were ever admitted",
                    server.open_connections()
                ));
            }
        }
        for (p, open) in self.middleboxes.open().enumerate() {
            if u64::from(open) > opened {
                return Some(format!(
                    "{open} connections open at proxy {p}, but only {opened} were ever admitted"
                ));
            }
        }
        if let Some(what) = self.link_over_capacity() {
            return Some(what);
        }
        for (c, client) in self.clients.iter().enumerate() {
            let waiting = [
                ("in push jobs", client.events_in_jobs),
                ("on the wire", client.events_on_wire),
                ("in stale jobs", client.stale_jobs),
            ];
            for (place, count) in waiting {
                if count > generated {
                    return Some(format!(
                        "client {c} has {count} events {place}, more than the {generated} (event, client) pairs created"
                    ));
                }
            }
        }
        None
    }

    /// An access link that carried more bytes in the window than its bandwidth allows in
    /// it. After a network switch a group's links differ over time: the fastest profile of
    /// the scenario bounds.
    fn link_over_capacity(&self) -> Option<String> {
        let state = self.invariants.as_ref()?;
        let window = u128::from(self.scenario.duration - self.scenario.warmup);
        let switched = self
            .scenario
            .faults
            .iter()
            .any(|f| matches!(f.kind, FaultKind::NetworkSwitch { .. }));
        for (b, carried) in state.carried.iter().enumerate() {
            let group = self.clients[self.browsers.first_tab(b)].group as usize;
            for (d, carried) in carried.iter().enumerate() {
                let bits_per_second = if switched {
                    (self.scenario.links.iter())
                        .map(|profile| crate::sim::build::link_params(profile)[d].bits_per_second)
                        .max()
                        .unwrap_or(0)
                } else {
                    let direction = [Direction::Down, Direction::Up][d];
                    self.network.link(group, direction).bits_per_second
                };
                let capacity = u128::from(bits_per_second) * window / 8_000_000_000;
                if u128::from(*carried) > capacity {
                    return Some(format!(
                        "browser {b}'s access link carried {carried} bytes in direction {d} within the window, more than the {capacity} its bandwidth allows"
                    ));
                }
            }
        }
        None
    }
}
