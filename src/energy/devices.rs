//! The run's mobile devices: one radio per browser of a group whose link has one, the
//! account each device closed at a network switch, and what each group's devices spent.
//!
//! Owns: which device has which radio, switching a group's devices to another network's
//! radio (the old account closes, the new radio starts idle), and summing a group's
//! reports. Does not own: when bytes leave or reach a device and for how long (the
//! simulation computes a transfer's span from its link and hands it in), nor how a group
//! is named or which technologies its profiles use (the simulation's, from the scenario).
//!
//! The simulation hands in instants ([`SimTime`]); the radios count in nanoseconds since
//! the run began (their state machine is a pure model of its own, [`crate::energy::radio`]).
//! A group's report is a results-time query, on the scenario's nanosecond timeline.

use std::ops::Range;

use crate::energy::{Radio, RadioParams, RadioReport};
use crate::ids::{BrowserId, GroupId};
use crate::time::{Nanos, SimTime};

/// The devices of one run.
#[derive(Debug, Clone, Default)]
pub struct Devices {
    /// Per device (browser): its radio now, on a link with one.
    radios: Vec<Option<Radio>>,
    /// Per device: the account of the radios it had before a network switch (empty until
    /// the first switch).
    past: Vec<Option<RadioReport>>,
    /// Per group: its devices.
    groups: Vec<Range<usize>>,
}

impl Devices {
    /// Devices for groups of `(devices, radio)`, in order; no devices at all when no group
    /// has a radio (then every call is a no-op).
    pub fn new(groups: &[(usize, Option<RadioParams>)]) -> Self {
        if groups.iter().all(|(_, radio)| radio.is_none()) {
            return Devices::default();
        }
        let mut first = 0;
        let mut ranges = Vec::with_capacity(groups.len());
        let mut radios = Vec::new();
        for (count, radio) in groups {
            ranges.push(first..first + count);
            radios.extend((0..*count).map(|_| radio.map(Radio::new)));
            first += count;
        }
        Devices {
            radios,
            past: Vec::new(),
            groups: ranges,
        }
    }

    /// No device has or had a radio.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.radios.is_empty()
    }

    /// `bytes` leave (`upload`) or reach `device` over `[start, end)`.
    #[inline]
    pub fn transfer(
        &mut self,
        device: BrowserId,
        start: SimTime,
        end: SimTime,
        upload: bool,
        bytes: u64,
    ) {
        if let Some(radio) = self.radios.get_mut(device.index()).and_then(Option::as_mut) {
            radio.transfer(start.as_nanos(), end.as_nanos(), upload, bytes);
        }
    }

    /// When a packet that needs `device`'s radio at `at` can move (`at` for a device
    /// without a radio): [`Radio::ready_at`].
    #[inline]
    pub fn ready_at(&mut self, device: BrowserId, at: SimTime) -> SimTime {
        match self.radios.get_mut(device.index()).and_then(Option::as_mut) {
            Some(radio) => SimTime::from_nanos(radio.ready_at(at.as_nanos())),
            None => at,
        }
    }

    /// Group `group`'s devices move at `now` to a network whose radio is `next` (none: no
    /// radio to account): each radio's account closes there and the new one starts idle.
    pub fn switch(&mut self, group: GroupId, next: Option<RadioParams>, now: SimTime) {
        let now = now.as_nanos();
        if self.is_empty() {
            return;
        }
        if self.past.is_empty() {
            self.past = vec![None; self.radios.len()];
        }
        for d in self.groups[group].clone() {
            if let Some(radio) = &self.radios[d] {
                let report = radio.finish(now);
                let past = self.past[d].get_or_insert_with(RadioReport::default);
                past.add(&report);
                past.radios = 1;
            }
            self.radios[d] = next.map(|params| Radio::idle_from(params, now));
        }
    }

    /// What group `group`'s devices spent over the run ending at `end`: their reports
    /// summed, each device counted once; `None` when none of them had a radio.
    pub fn group_report(&self, group: GroupId, end: Nanos) -> Option<RadioReport> {
        let range = self.groups.get(group.index())?.clone();
        let reports: Vec<RadioReport> = range
            .filter_map(|d| {
                let now = self.radios[d].as_ref().map(|radio| radio.finish(end));
                let past = self.past.get(d).cloned().flatten();
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
        (!reports.is_empty()).then(|| reports.iter().sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Groups 0 and 1.
    const G0: GroupId = GroupId::new(0);
    const G1: GroupId = GroupId::new(1);

    const SECOND: Nanos = 1_000_000_000;

    /// The instant `nanos` nanoseconds into the run.
    fn t(nanos: u64) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    #[test]
    fn groups_without_a_radio_have_no_devices() {
        let mut devices = Devices::new(&[(3, None), (2, None)]);
        assert!(devices.is_empty());
        devices.transfer(BrowserId::new(0), t(0), t(SECOND), true, 100);
        devices.switch(G1, Some(RadioParams::lte()), t(SECOND));
        assert_eq!(devices.group_report(G0, 10 * SECOND), None);
    }

    #[test]
    fn a_groups_report_sums_its_own_devices_only() {
        let mut devices = Devices::new(&[(2, None), (3, Some(RadioParams::lte()))]);
        assert!(!devices.is_empty());
        assert_eq!(devices.group_report(G0, 10 * SECOND), None);
        devices.transfer(
            BrowserId::new(2),
            t(SECOND),
            t(SECOND + 1_000_000),
            false,
            1000,
        );
        let report = devices
            .group_report(G1, 60 * SECOND)
            .expect("a radio group");
        assert_eq!(report.radios, 3);
        // Exactly one device transferred: its bytes and no others.
        let mut alone = Radio::new(RadioParams::lte());
        alone.transfer(SECOND, SECOND + 1_000_000, false, 1000);
        let idle = Radio::new(RadioParams::lte()).finish(60 * SECOND);
        let expected: RadioReport = [alone.finish(60 * SECOND), idle.clone(), idle].iter().sum();
        assert_eq!(report, expected);
    }

    #[test]
    fn a_switch_closes_the_old_account_and_starts_the_new_radio_idle() {
        let mut devices = Devices::new(&[(1, Some(RadioParams::lte()))]);
        devices.transfer(BrowserId::new(0), t(SECOND), t(2 * SECOND), true, 5000);
        devices.switch(G0, Some(RadioParams::wifi()), t(30 * SECOND));
        devices.transfer(
            BrowserId::new(0),
            t(40 * SECOND),
            t(41 * SECOND),
            false,
            5000,
        );
        let report = devices.group_report(G0, 60 * SECOND).expect("a radio");
        let mut lte = Radio::new(RadioParams::lte());
        lte.transfer(SECOND, 2 * SECOND, true, 5000);
        let mut wifi = Radio::idle_from(RadioParams::wifi(), 30 * SECOND);
        wifi.transfer(40 * SECOND, 41 * SECOND, false, 5000);
        let mut expected = lte.finish(30 * SECOND);
        expected.add(&wifi.finish(60 * SECOND));
        expected.radios = 1;
        assert_eq!(report, expected);
        // Switching to a network without a radio: the account stays, nothing more is added.
        devices.switch(G0, None, t(60 * SECOND));
        devices.transfer(
            BrowserId::new(0),
            t(70 * SECOND),
            t(71 * SECOND),
            true,
            5000,
        );
        assert_eq!(devices.group_report(G0, 90 * SECOND), Some(expected));
    }
}
