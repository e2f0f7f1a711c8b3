//! Each mobile device's radio (a browser on a link with a `radio`), driven by the messages
//! its access link carries: an upload when the client sends, a download when a message
//! arrives. Calls come in simulated-time order, as the state machine needs; a transfer
//! lasts its serialization time on the link. Pure ACKs are not fed to it (they travel
//! within the tail that their data opened).

use super::{Protocol, World};
use crate::energy::{Radio, RadioReport};
use crate::engine::Nanos;
use crate::metrics::{GroupEnergy, fixed};
use crate::net::wire::Direction;
use crate::sim::event::ClientId;

impl<P: Protocol> World<'_, P> {
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
        let params = &self.links[client.group as usize][direction.index()];
        let end = now + params.serialization(bytes);
        radio.transfer(now, end, direction == Direction::Up, bytes);
    }

    /// Per group with a radio: what its devices spent over the whole run.
    pub(super) fn energy_results(&self) -> Vec<GroupEnergy> {
        if self.radios.is_empty() {
            return Vec::new();
        }
        let end = self.scenario.duration;
        let mut first = 0usize;
        let mut out = Vec::new();
        for group in &self.scenario.groups {
            let devices = group.count as usize;
            let reports: Vec<RadioReport> = self.radios[first..first + devices]
                .iter()
                .flatten()
                .map(|radio| radio.finish(end))
                .collect();
            first += devices;
            let Some(spec) = self.scenario.links[group.link.0 as usize].radio else {
                continue;
            };
            let total: RadioReport = reports.iter().sum();
            out.push(GroupEnergy {
                group: group.name.clone(),
                technology: spec.technology.to_string(),
                joules_per_client_hour: fixed(total.joules_per_client_hour(end), 6),
                high_power_share: fixed(total.high_power_share, 6),
                report: total,
            });
        }
        out
    }
}
