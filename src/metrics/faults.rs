//! What each scheduled fault did to the clients: how many it cut off, how many came back,
//! and when enough of them had ([`RECOVERED_SHARE`]); with the run's time series, each
//! fault's [`FaultResult`].
//!
//! Owns: the per-fault counts and recovery time (and a deploy's size). Does not own: which clients a fault hits
//! or when a client counts as back (the simulation decides both and reports them here),
//! nor the words that describe a fault (the simulation names its replicas, groups and
//! proxies).

use crate::ids::FaultId;
use crate::metrics::series::TimeSeries;
use crate::metrics::{FaultResult, fixed};
use crate::time::SimTime;

/// Share of the affected clients that counts as recovered.
pub const RECOVERED_SHARE: f64 = 0.99;
/// CPU utilisation of a second that counts as saturated.
pub const SATURATED: f64 = 0.95;

/// What happened to one fault's clients.
#[derive(Debug, Clone, Default)]
struct FaultStats {
    affected: u64,
    recovered: u64,
    recovered_at: Option<SimTime>,
    /// A rolling deploy: the replicas it went through.
    deployed: u32,
}

/// The faults of one run, in the scenario's order.
#[derive(Debug, Clone)]
pub struct FaultRecovery {
    stats: Vec<FaultStats>,
}

impl FaultRecovery {
    /// `faults` faults, none of which has hit anyone yet.
    pub fn new(faults: usize) -> Self {
        FaultRecovery {
            stats: vec![FaultStats::default(); faults],
        }
    }

    /// Fault `k`, a rolling deploy, goes through `replicas` replicas.
    pub fn deploys(&mut self, k: FaultId, replicas: u32) {
        self.stats[k].deployed = replicas;
    }

    /// The replicas fault `k` deployed to (0 unless it is a rolling deploy).
    pub fn deployed(&self, k: FaultId) -> u32 {
        self.stats[k].deployed
    }

    /// Fault `k` cut off one more client, as it struck.
    pub fn cut_off(&mut self, k: FaultId) {
        self.stats[k].affected += 1;
    }

    /// A later step of fault `k` cut off `clients` more clients, and its recovery waits
    /// for them too (a rolling deploy takes each replica in turn, and recovers from the
    /// whole of it).
    pub fn cut_off_later(&mut self, k: FaultId, clients: u64) {
        let stats = &mut self.stats[k];
        stats.affected += clients;
        if clients > 0 {
            stats.recovered_at = None;
        }
    }

    /// A client fault `k` cut off is back at `now`; the fault has recovered once
    /// [`RECOVERED_SHARE`] of its clients are.
    pub fn recovered(&mut self, k: FaultId, now: SimTime) {
        let stats = &mut self.stats[k];
        stats.recovered += 1;
        let needed = (stats.affected as f64 * RECOVERED_SHARE).ceil() as u64;
        if stats.recovered_at.is_none() && stats.recovered >= needed {
            stats.recovered_at = Some(now);
        }
    }

    /// Each fault's result: `faults` gives each one's time and description, `series` the
    /// run's finished time series (peak new connections and CPU from the fault's second
    /// on).
    pub fn results<'a>(
        &self,
        faults: impl Iterator<Item = (SimTime, String)> + 'a,
        series: &TimeSeries,
    ) -> Vec<FaultResult> {
        faults
            .zip(&self.stats)
            .map(|((at, fault), stats)| {
                // The result and the per-second series count in (nano)seconds.
                let from = (at.as_nanos() / 1_000_000_000) as usize;
                let cpu = series.cpu_utilisation.get(from..).unwrap_or(&[]);
                FaultResult {
                    at_s: at.as_nanos() as f64 / 1e9,
                    fault,
                    clients_affected: stats.affected,
                    clients_recovered: stats.recovered,
                    recovered_after_s: stats.recovered_at.map(|t| t.since(at) as f64 / 1e9),
                    peak_new_connections_per_s: series
                        .new_connections
                        .get(from..)
                        .unwrap_or(&[])
                        .iter()
                        .copied()
                        .max()
                        .unwrap_or(0),
                    peak_cpu_utilisation: fixed(cpu.iter().copied().fold(0.0, f64::max), 6),
                    seconds_cpu_saturated: cpu.iter().filter(|u| **u >= SATURATED).count() as u64,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Nanos;

    const S: Nanos = 1_000_000_000;

    /// The instant `nanos` after the run began.
    fn at(nanos: Nanos) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    #[test]
    fn a_fault_recovers_when_99_percent_of_its_clients_are_back() {
        let mut faults = FaultRecovery::new(1);
        for _ in 0..200 {
            faults.cut_off(FaultId::new(0));
        }
        for k in 0..198 {
            faults.recovered(FaultId::new(0), at(10 * S + k));
        }
        // ceil(0.99 × 200) = 198: the 198th client back is the recovery.
        let recovered_at = |f: &FaultRecovery| f.stats[0].recovered_at;
        assert_eq!(recovered_at(&faults), Some(at(10 * S + 197)));
        faults.recovered(FaultId::new(0), at(20 * S));
        assert_eq!(
            recovered_at(&faults),
            Some(at(10 * S + 197)),
            "the first time counts"
        );
        // A deploy step cutting off more clients: recovery waits for them again.
        faults.cut_off_later(FaultId::new(0), 100);
        assert_eq!(recovered_at(&faults), None);
        faults.cut_off_later(FaultId::new(0), 0);
        faults.recovered(FaultId::new(0), at(30 * S));
        // 200 back of 300, needed ceil(297) = 297.
        assert_eq!(recovered_at(&faults), None);
    }

    #[test]
    fn a_result_reads_the_series_from_the_faults_second_on() {
        let mut faults = FaultRecovery::new(1);
        faults.cut_off(FaultId::new(0));
        faults.recovered(FaultId::new(0), at(7 * S + S / 2));
        let mut series = TimeSeries::default();
        series.cpu_utilisation = vec![1.0, 0.2, 0.96, 0.5];
        series.new_connections = vec![50, 3, 9, 4];
        let results = faults.results([(at(S), "crash".to_string())].into_iter(), &series);
        let r = &results[0];
        assert_eq!((r.at_s, r.fault.as_str()), (1.0, "crash"));
        assert_eq!((r.clients_affected, r.clients_recovered), (1, 1));
        assert_eq!(r.recovered_after_s, Some(6.5));
        assert_eq!(
            r.peak_new_connections_per_s, 9,
            "before the fault is not counted"
        );
        assert_eq!(r.peak_cpu_utilisation, 0.96);
        assert_eq!(r.seconds_cpu_saturated, 1);
    }
}
