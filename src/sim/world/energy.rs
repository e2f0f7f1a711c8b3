//! Each mobile device's radio (a browser on a link with a `radio`), driven by the messages
//! its access link carries: an upload when the client sends, a download when a message
//! arrives. Calls come in simulated-time order, as the state machine needs; a transfer
//! lasts its serialization time on the link. Pure ACKs are not fed to it (they travel
//! within the tail that their data opened).

use super::World;
use crate::energy::{Radio, RadioReport};
use crate::metrics::{GroupEnergy, fixed};
use crate::net::wire::Direction;
use crate::sim::event::ClientId;
use crate::time::Nanos;

impl World<'_> {
    /// One radio per browser of a group whose link has one (empty without any).
    pub(super) fn radios_of(scenario: &crate::scenario::Scenario) -> Vec<Option<Radio>> {
        if scenario.links.iter().all(|l| l.radio.is_none()) {
            return Vec::new();
        }
        scenario
            .groups
            .iter()
            .flat_map(|group| {
                let radio = scenario.links[group.link.0 as usize].radio;
                (0..group.count).map(move |_| radio.map(|r| Radio::new(r.params)))
            })
            .collect()
    }

    /// `bytes` leave or reach client `c`'s device at `now`.
    pub(super) fn radio_transfer(
        &mut self,
        c: ClientId,
        direction: Direction,
        bytes: u64,
        now: Nanos,
    ) {
        if self.radios.is_empty() {
            return;
        }
        let client = &self.clients[c as usize];
        let browser = client.browser as usize;
        let Some(radio) = self.radios[browser].as_mut() else {
            return;
        };
        let params = self.network.link(client.group as usize, direction);
        let end = now + params.serialization(bytes);
        radio.transfer(now, end, direction == Direction::Up, bytes);
    }

    /// Group `group`'s devices change to link profile `to` at `now`: each radio's account
    /// closes there, and the new network's radio (if any) starts idle.
    pub(super) fn switch_radios(&mut self, group: u32, to: u32, now: Nanos) {
        if self.radios.is_empty() {
            return;
        }
        if self.radio_past.is_empty() {
            self.radio_past = vec![None; self.radios.len()];
        }
        let first: usize = self.scenario.groups[..group as usize]
            .iter()
            .map(|g| g.count as usize)
            .sum();
        let devices = self.scenario.groups[group as usize].count as usize;
        let next = self.scenario.links[to as usize].radio;
        for d in first..first + devices {
            if let Some(radio) = &self.radios[d] {
                let report = radio.finish(now);
                let past = self.radio_past[d].get_or_insert_with(RadioReport::default);
                past.add(&report);
                past.radios = 1;
            }
            self.radios[d] = next.map(|spec| Radio::idle_from(spec.params, now));
        }
    }

    /// The radio technologies group `g`'s devices used: its link's, then those of the
    /// profiles it switched to.
    fn technologies(&self, g: usize) -> Vec<&'static str> {
        let group = &self.scenario.groups[g];
        let mut out: Vec<&'static str> = Vec::new();
        let profiles =
            std::iter::once(group.link.0).chain(self.scenario.faults.iter().filter_map(|f| {
                match f.kind {
                    crate::scenario::faults::FaultKind::NetworkSwitch { group, to }
                        if group as usize == g =>
                    {
                        Some(to)
                    }
                    _ => None,
                }
            }));
        for p in profiles {
            if let Some(spec) = self.scenario.links[p as usize].radio
                && !out.contains(&spec.technology)
            {
                out.push(spec.technology);
            }
        }
        out
    }

    /// Per group with a radio: what its devices spent over the whole run.
    pub(super) fn energy_results(&self) -> Vec<GroupEnergy> {
        if self.radios.is_empty() {
            return Vec::new();
        }
        let end = self.scenario.duration;
        let mut first = 0usize;
        let mut out = Vec::new();
        for (g, group) in self.scenario.groups.iter().enumerate() {
            let devices = group.count as usize;
            let reports: Vec<RadioReport> = (first..first + devices)
                .filter_map(|d| {
                    let now = self.radios[d].as_ref().map(|radio| radio.finish(end));
                    let past = self.radio_past.get(d).cloned().flatten();
                    match (past, now) {
                        (Some(mut past), Some(now)) => {
                            past.add(&now);
                            past.radios = 1;
                            Some(past)
                        }
                        (past, now) => past.or(now),
                    }
                })
                .collect();
            first += devices;
            if reports.is_empty() {
                continue;
            }
            let total: RadioReport = reports.iter().sum();
            out.push(GroupEnergy {
                group: group.name.clone(),
                technology: self.technologies(g).join(", "),
                joules_per_client_hour: fixed(total.joules_per_client_hour(end), 6),
                high_power_share: fixed(total.high_power_share, 6),
                report: total,
            });
        }
        out
    }
}
