//! What a radio (or a fleet of radios) spent: joules, seconds per state, promotions.
//!
//! Reports add: summing the reports of many clients gives the fleet's totals, with the
//! high-power share recomputed from the summed seconds. Floating-point sums depend on
//! their order, so sum in a fixed order (client id) to keep results byte-identical.

use std::iter::Sum;

use serde::{Deserialize, Serialize};

use crate::time::Nanos;

/// One number per radio state. `tail` is the LTE DRX tail, the UMTS DCH tail or the WiFi
/// tail; `fach` and `fach_promotion` are UMTS only (zero elsewhere).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PerState {
    pub idle: f64,
    pub promotion: f64,
    pub active: f64,
    pub tail: f64,
    pub fach: f64,
    pub fach_promotion: f64,
}

impl PerState {
    pub fn total(&self) -> f64 {
        self.idle + self.promotion + self.active + self.tail + self.fach + self.fach_promotion
    }

    fn add(&mut self, other: &PerState) {
        self.idle += other.idle;
        self.promotion += other.promotion;
        self.active += other.active;
        self.tail += other.tail;
        self.fach += other.fach;
        self.fach_promotion += other.fach_promotion;
    }
}

/// The energy account of one radio, or the sum over several.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RadioReport {
    /// Radios summed into this report (1 for one client).
    pub radios: u64,
    /// Total energy: the states' energy plus the data energy, J.
    pub joules: f64,
    /// Energy of each state (power × time in it), J.
    pub joules_in: PerState,
    /// Energy of the data term (α × megabits moved), J.
    pub data_joules: f64,
    /// Time in each state, s. Per radio, they add up to the accounted duration.
    pub seconds_in: PerState,
    /// Share of the time spent outside IDLE (0 when no time was accounted).
    pub high_power_share: f64,
    /// Promotions from IDLE.
    pub promotions: u64,
    /// UMTS promotions from FACH to DCH.
    pub fach_promotions: u64,
    pub bytes_up: u64,
    pub bytes_down: u64,
}

impl RadioReport {
    /// Adds `other` into `self`.
    pub fn add(&mut self, other: &RadioReport) {
        self.radios += other.radios;
        self.joules += other.joules;
        self.joules_in.add(&other.joules_in);
        self.data_joules += other.data_joules;
        self.seconds_in.add(&other.seconds_in);
        self.high_power_share = high_power_share(&self.seconds_in);
        self.promotions += other.promotions;
        self.fach_promotions += other.fach_promotions;
        self.bytes_up += other.bytes_up;
        self.bytes_down += other.bytes_down;
    }

    /// Joules per radio per hour over `duration` (the run's accounted window).
    pub fn joules_per_client_hour(&self, duration: Nanos) -> f64 {
        joules_per_client_hour(self.joules, self.radios, duration)
    }
}

impl<'a> Sum<&'a RadioReport> for RadioReport {
    fn sum<I: Iterator<Item = &'a RadioReport>>(iter: I) -> RadioReport {
        iter.fold(RadioReport::default(), |mut total, report| {
            total.add(report);
            total
        })
    }
}

impl Sum<RadioReport> for RadioReport {
    fn sum<I: Iterator<Item = RadioReport>>(iter: I) -> RadioReport {
        iter.fold(RadioReport::default(), |mut total, report| {
            total.add(&report);
            total
        })
    }
}

/// Share of `seconds` spent outside IDLE.
pub(super) fn high_power_share(seconds: &PerState) -> f64 {
    let total = seconds.total();
    if total > 0.0 {
        (total - seconds.idle) / total
    } else {
        0.0
    }
}

/// `joules` spent by `clients` over `duration`, per client per hour; 0 when there are no
/// clients or no time.
pub fn joules_per_client_hour(joules: f64, clients: u64, duration: Nanos) -> f64 {
    if clients == 0 || duration == 0 {
        return 0.0;
    }
    joules * 3600e9 / duration as f64 / clients as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(joules: f64, idle: f64, tail: f64, promotions: u64) -> RadioReport {
        let seconds_in = PerState {
            idle,
            tail,
            ..PerState::default()
        };
        RadioReport {
            radios: 1,
            joules,
            joules_in: PerState {
                tail: joules,
                ..PerState::default()
            },
            data_joules: 0.0,
            high_power_share: high_power_share(&seconds_in),
            seconds_in,
            promotions,
            fach_promotions: 0,
            bytes_up: 10,
            bytes_down: 20,
        }
    }

    #[test]
    fn summing_reports_adds_counts_and_reweights_the_high_power_share() {
        let a = report(10.0, 90.0, 10.0, 1);
        let b = report(30.0, 10.0, 90.0, 3);
        let total: RadioReport = [a.clone(), b.clone()].iter().sum();
        assert_eq!(total.radios, 2);
        assert_eq!(total.joules, 40.0);
        assert_eq!(total.joules_in.tail, 40.0);
        assert_eq!(total.seconds_in.idle, 100.0);
        assert_eq!(total.promotions, 4);
        assert_eq!(total.bytes_down, 40);
        // 100 s of tail out of 200 s, not the mean of the two shares by radio.
        assert_eq!(total.high_power_share, 0.5);
        let owned: RadioReport = vec![a, b].into_iter().sum();
        assert_eq!(owned, total);
    }

    #[test]
    fn an_empty_sum_is_zero() {
        let total: RadioReport = std::iter::empty::<RadioReport>().sum();
        assert_eq!(total, RadioReport::default());
        assert_eq!(total.high_power_share, 0.0);
    }

    #[test]
    fn joules_per_client_hour_scales_by_clients_and_time() {
        let half_hour: Nanos = 1_800_000_000_000;
        assert_eq!(joules_per_client_hour(100.0, 2, half_hour), 100.0);
        assert_eq!(joules_per_client_hour(100.0, 0, half_hour), 0.0);
        assert_eq!(joules_per_client_hour(100.0, 2, 0), 0.0);
        let mut fleet = report(100.0, 0.0, 1.0, 0);
        fleet.add(&report(100.0, 0.0, 1.0, 0));
        assert_eq!(fleet.joules_per_client_hour(half_hour), 200.0);
    }
}
