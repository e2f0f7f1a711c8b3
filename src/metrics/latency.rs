//! Delivery latency: exact count, mean and maximum, percentiles from an HDR histogram
//! (three significant digits, so a percentile is within 0.1% of the true value).
//!
//! The histogram reports the highest value of a percentile's bucket, which can lie above
//! every sample; a percentile is therefore capped at the exact maximum, so no percentile
//! exceeds it.

use hdrhistogram::Histogram;

use super::result::{LatencySummary, fixed};
use crate::time::Nanos;

#[derive(Debug, Clone, Default)]
pub struct LatencyRecorder {
    /// Made on the first sample: a recorder that never records costs nothing.
    histogram: Option<Histogram<u64>>,
    sum: u128,
    count: u64,
    max: Nanos,
}

impl LatencyRecorder {
    pub fn record(&mut self, latency: Nanos) {
        self.histogram
            .get_or_insert_with(|| {
                // 1 ns to 30 days covers every latency a run can produce.
                Histogram::new_with_bounds(1, 30 * 86_400 * 1_000_000_000, 3)
                    .expect("valid histogram bounds and precision")
            })
            .saturating_record(latency.max(1));
        self.sum += latency as u128;
        self.count += 1;
        self.max = self.max.max(latency);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// Exact mean in nanoseconds.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum as f64 / self.count as f64)
    }

    /// The histogram's value at `quantile`, never above the exact maximum.
    fn at_quantile(&self, histogram: &Histogram<u64>, quantile: f64) -> Nanos {
        histogram.value_at_quantile(quantile).min(self.max)
    }

    /// The distribution as (quantile, milliseconds) pairs: every percent, then 99.5%,
    /// 99.9% and the maximum; empty when nothing was recorded.
    pub fn cdf(&self) -> Vec<(f64, f64)> {
        let Some(histogram) = self.histogram.as_ref() else {
            return Vec::new();
        };
        let mut quantiles: Vec<f64> = (0..100).map(|p| p as f64 / 100.0).collect();
        quantiles.extend([0.995, 0.999]);
        let mut cdf: Vec<(f64, f64)> = quantiles
            .into_iter()
            .map(|q| (q, fixed(self.at_quantile(histogram, q) as f64 / 1e6, 6)))
            .collect();
        cdf.push((1.0, fixed(self.max as f64 / 1e6, 6)));
        cdf
    }

    /// The summary in milliseconds, or `None` when nothing was recorded.
    pub fn summary(&self) -> Option<LatencySummary> {
        let histogram = self.histogram.as_ref()?;
        // Nanosecond resolution, in milliseconds.
        let ms = |ns: f64| fixed(ns / 1e6, 6);
        let q = |quantile: f64| ms(self.at_quantile(histogram, quantile) as f64);
        Some(LatencySummary {
            samples: self.count,
            mean_ms: ms(self.sum as f64 / self.count as f64),
            p50_ms: q(0.50),
            p90_ms: q(0.90),
            p99_ms: q(0.99),
            max_ms: ms(self.max as f64),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_uniform_ladder() {
        let mut r = LatencyRecorder::default();
        for i in 1..=1000u64 {
            r.record(i * 1_000_000); // 1 ms .. 1000 ms
        }
        let s = r.summary().unwrap();
        assert_eq!(s.samples, 1000);
        assert!((s.mean_ms - 500.5).abs() < 1e-9);
        assert!((s.p50_ms - 500.0).abs() / 500.0 < 0.001);
        assert!((s.p99_ms - 990.0).abs() / 990.0 < 0.001);
        assert_eq!(s.max_ms, 1000.0);
    }

    /// 1,000,001 ns lies in a bucket of width 512 ns whose highest value the histogram
    /// reports (1,000,447 ns); every percentile must still be the exact sample.
    #[test]
    fn percentiles_never_exceed_the_exact_maximum() {
        let mut r = LatencyRecorder::default();
        for _ in 0..100 {
            r.record(1_000_001);
        }
        let histogram = r.histogram.as_ref().unwrap();
        assert!(
            histogram.value_at_quantile(0.99) > 1_000_001,
            "the rounding the cap exists for"
        );
        let s = r.summary().unwrap();
        assert_eq!(
            (s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms),
            (1.000001, 1.000001, 1.000001, 1.000001)
        );
        assert!(r.cdf().iter().all(|&(_, ms)| ms <= s.max_ms));
    }

    #[test]
    fn empty_has_no_summary() {
        assert!(LatencyRecorder::default().summary().is_none());
    }
}
