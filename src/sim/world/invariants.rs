//! The world's side of the invariant checker ([`crate::sim::invariants`]): after every
//! event, when the run asks for it, the world builds the checker's read-only
//! [`View`] of its quantities and hands it over.
//!
//! What it does not own: the checks, their wording and what they keep between events (the
//! checker's).

use super::World;
use crate::ids::{BrowserId, GroupId};
use crate::net::wire::Direction;
use crate::scenario::faults::FaultKind;
use crate::sim::build::link_params;
use crate::sim::event::{ClientId, Event};
use crate::sim::invariants::{Invariants, View};
use crate::time::SimTime;

impl World<'_> {
    /// Checks every invariant after `event` at `now`; keeps the first broken one.
    pub(super) fn check_invariants(&mut self, now: SimTime, event: Event) {
        if self
            .invariants
            .as_ref()
            .is_none_or(|i| i.broken().is_some())
        {
            return;
        }
        let view = self.invariant_view(now);
        if let Some(invariants) = &mut self.invariants {
            invariants.check(&view, &event);
        }
    }

    /// The first invariant broken by the run, in words, if it checked them.
    pub fn broken_invariant(&self) -> Option<&str> {
        self.invariants.as_ref()?.broken()
    }

    /// Asks the run to check its invariants after every event.
    pub fn check_invariants_every_event(&mut self) {
        let browser_group = (0..self.browsers.len())
            .map(BrowserId::at)
            .map(|b| self.clients[self.browsers.first_tab(b)].group)
            .collect();
        self.invariants = Some(Invariants::new(browser_group));
    }

    /// What the checks read, now.
    fn invariant_view(&self, now: SimTime) -> View {
        // After a network switch a group's links differ over time: the fastest profile of
        // the scenario bounds.
        let switched = (self.scenario.faults.iter())
            .any(|f| matches!(f.kind, FaultKind::NetworkSwitch { .. }));
        let link_bits_per_second = GroupId::all(self.scenario.groups.len())
            .map(|group| {
                std::array::from_fn(|d| {
                    if switched {
                        (self.scenario.links.iter())
                            .map(|profile| link_params(profile)[d].bits_per_second)
                            .max()
                            .unwrap_or(0)
                    } else {
                        let direction = [Direction::Down, Direction::Up][d];
                        self.network.link(group, direction).bits_per_second
                    }
                })
            })
            .collect();
        View {
            now,
            ledgers: (ClientId::all(self.visible_clients))
                .map(|c| self.client_ledger(c))
                .collect(),
            window_opening: self.window_opening(),
            admitted: self.fleet.connections_admitted(),
            open_at_front: self.fleet.open_connections(),
            open_at_replicas: (self.fleet.servers().iter())
                .map(|server| server.open_connections())
                .collect(),
            open_at_proxies: self.middleboxes.open().collect(),
            pairs_created: u64::from(self.events_so_far.get()) * self.clients.len() as u64,
            waiting: (self.clients.iter())
                .map(|c| [c.events_in_jobs, c.events_on_wire, c.stale_jobs])
                .collect(),
            link_bits_per_second,
            window: self.scenario.duration - self.scenario.warmup,
        }
    }
}
