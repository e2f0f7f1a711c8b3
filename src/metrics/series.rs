//! Time series: what happened in each simulated second of a run (connections, new
//! connections, requests, reconnects, CPU, delivery latency), for the charts around a fault
//! or a ramp. Its inputs are instants ([`SimTime`]); a second's bin is the instant's
//! whole seconds since the run began.

use serde::{Deserialize, Serialize};

use crate::time::{Nanos, SimTime};

const SECOND: Nanos = 1_000_000_000;

/// Per-second counters of one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeSeries {
    /// Most client connections open during the second.
    pub connections: Vec<u64>,
    pub new_connections: Vec<u64>,
    pub requests: Vec<u64>,
    pub reconnects: Vec<u64>,
    /// CPU time started in the second, over all replicas' cores in service (a job counts in
    /// the second it starts).
    #[serde(skip)]
    cpu_busy: Vec<u64>,
    /// Share of the cores busy, 0 to 1 (computed at the end).
    pub cpu_utilisation: Vec<f64>,
    #[serde(skip)]
    latency_sum: Vec<u128>,
    /// Connections open after the last change, and the second of that change.
    #[serde(skip)]
    level: u64,
    #[serde(skip)]
    level_bin: usize,
    #[serde(skip)]
    deliveries: Vec<u64>,
    /// Mean latency (ms) of the events delivered in the second, when any were.
    pub latency_mean_ms: Vec<Option<f64>>,
    /// The run's end.
    #[serde(skip)]
    end: SimTime,
}

impl TimeSeries {
    pub fn new(duration: Nanos) -> Self {
        let seconds = (duration / SECOND + 1) as usize;
        TimeSeries {
            connections: vec![0; seconds],
            new_connections: vec![0; seconds],
            requests: vec![0; seconds],
            reconnects: vec![0; seconds],
            cpu_busy: vec![0; seconds],
            cpu_utilisation: Vec::new(),
            latency_sum: vec![0; seconds],
            deliveries: vec![0; seconds],
            latency_mean_ms: Vec::new(),
            level: 0,
            level_bin: 0,
            end: SimTime::ZERO + duration,
        }
    }

    #[inline]
    fn bin(&self, now: SimTime) -> usize {
        ((now.as_nanos() / SECOND) as usize).min(self.connections.len().saturating_sub(1))
    }

    /// The number of open connections changed to `open` at `now`: the seconds since the
    /// last change kept the previous number.
    #[inline]
    pub fn connections_now(&mut self, now: SimTime, open: u64) {
        let b = self.bin(now);
        self.carry_level(b);
        self.connections[b] = self.connections[b].max(open);
        self.level = open;
        self.level_bin = b;
    }

    fn carry_level(&mut self, to: usize) {
        for k in self.level_bin..=to.min(self.connections.len() - 1) {
            self.connections[k] = self.connections[k].max(self.level);
        }
    }

    #[inline]
    pub fn connection_opened(&mut self, now: SimTime) {
        let b = self.bin(now);
        self.new_connections[b] += 1;
    }

    #[inline]
    pub fn request(&mut self, now: SimTime) {
        let b = self.bin(now);
        self.requests[b] += 1;
    }

    #[inline]
    pub fn reconnect(&mut self, now: SimTime) {
        let b = self.bin(now);
        self.reconnects[b] += 1;
    }

    /// A core was busy from `start` to `end`: each second gets its share.
    #[inline]
    pub fn cpu(&mut self, start: SimTime, end: SimTime) {
        self.each_second(start, end, |busy, ns| *busy += ns);
    }

    /// Busy time from `start` to `end` that will not happen after all (a crash voided the
    /// queued work).
    pub fn cpu_void(&mut self, start: SimTime, end: SimTime) {
        self.each_second(start, end, |busy, ns| *busy = busy.saturating_sub(ns));
    }

    fn each_second(&mut self, start: SimTime, end: SimTime, mut apply: impl FnMut(&mut u64, u64)) {
        // Work past the run's end (a queue still draining) belongs to no second.
        let end = end.min(self.end);
        let mut t = start;
        while t < end {
            let b = self.bin(t);
            let second_end = SimTime::from_nanos((t.as_nanos() / SECOND + 1) * SECOND);
            let until = end.min(second_end);
            apply(&mut self.cpu_busy[b], until.since(t));
            t = until;
        }
    }

    #[inline]
    pub fn delivered(&mut self, now: SimTime, latency: Nanos) {
        let b = self.bin(now);
        self.latency_sum[b] += latency as u128;
        self.deliveries[b] += 1;
    }

    /// Turns the raw sums into utilisation and means; `cores_at(second)` is the number of
    /// cores in service then.
    pub fn finish(&mut self, cores_at: impl Fn(usize) -> u64) {
        self.carry_level(self.connections.len() - 1);
        self.cpu_utilisation = self
            .cpu_busy
            .iter()
            .enumerate()
            .map(|(s, busy)| {
                let capacity = cores_at(s) as f64 * SECOND as f64;
                // No core in service (every replica down): no utilisation to speak of.
                if capacity == 0.0 {
                    0.0
                } else {
                    super::fixed(*busy as f64 / capacity, 6)
                }
            })
            .collect();
        self.latency_mean_ms = self
            .latency_sum
            .iter()
            .zip(&self.deliveries)
            .map(|(sum, n)| (*n > 0).then(|| super::fixed(*sum as f64 / *n as f64 / 1e6, 6)))
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The instant `nanos` nanoseconds into the run.
    fn t(nanos: u64) -> SimTime {
        SimTime::from_nanos(nanos)
    }

    #[test]
    fn connections_carry_over_quiet_seconds() {
        let mut series = TimeSeries::new(5 * SECOND);
        series.connections_now(t(SECOND / 2), 3);
        series.connections_now(t(3 * SECOND + 1), 1);
        series.finish(|_| 1);
        assert_eq!(series.connections, vec![3, 3, 3, 3, 1, 1]);
    }

    #[test]
    fn cpu_and_latency_per_second() {
        let mut series = TimeSeries::new(2 * SECOND);
        series.cpu(t(0), t(SECOND / 2));
        series.delivered(t(SECOND + 5), 10_000_000);
        series.delivered(t(SECOND + 9), 30_000_000);
        series.finish(|_| 2);
        assert_eq!(series.cpu_utilisation[0], 0.25);
        assert_eq!(series.latency_mean_ms, vec![None, Some(20.0), None]);
    }

    #[test]
    fn busy_time_is_split_across_seconds_and_can_be_voided() {
        let mut series = TimeSeries::new(3 * SECOND);
        // 0.75 s to 2.5 s on one core, of one core in service.
        series.cpu(t(3 * SECOND / 4), t(5 * SECOND / 2));
        series.cpu(t(5 * SECOND / 2), t(10 * SECOND));
        // A crash at 2 s voids the queued work after it.
        series.cpu_void(t(2 * SECOND), t(3 * SECOND));
        series.finish(|_| 1);
        assert_eq!(series.cpu_utilisation, vec![0.25, 1.0, 0.0, 0.0]);
    }
}
