//! The 95 % confidence interval of a mean over independent replications (Student's t).
//!
//! Owns the arithmetic only: the sample mean, the sample standard deviation and the
//! two-sided 95 % quantile of Student's t distribution with `n − 1` degrees of freedom,
//! giving `mean ± t(0.975, n − 1) · s / √n`. It does not run anything and knows no metric:
//! [`crate::replication`] feeds it one number per replication.
//!
//! Determinism: sums run in the order given and use only `+ − × ÷ √` (correctly rounded in
//! IEEE 754 on every platform), and the quantiles come from a table rather than from `ln`
//! or `exp` (whose last bit may differ between C libraries), so the same samples give the
//! same bits on any machine: sharded sweeps merge byte for byte.

use serde::{Deserialize, Serialize};

/// Mean and 95 % confidence half-width of one figure over `n` replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub mean: f64,
    /// `t(0.975, n − 1) · s / √n`; 0 when `n` is 1 (one run gives no interval: its bound is
    /// its value).
    pub half_width: f64,
    /// Replications that had a value.
    pub n: u32,
}

impl Interval {
    /// The interval of `samples` (in the order given); `None` without samples.
    pub fn of(samples: &[f64]) -> Option<Interval> {
        let n = samples.len();
        if n == 0 {
            return None;
        }
        let mean = samples.iter().sum::<f64>() / n as f64;
        let half_width = if n == 1 {
            0.0
        } else {
            let squares: f64 = samples.iter().map(|x| (x - mean) * (x - mean)).sum();
            let deviation = (squares / (n - 1) as f64).sqrt();
            t_975(n as u32 - 1) * deviation / (n as f64).sqrt()
        };
        Some(Interval {
            mean,
            half_width,
            n: n as u32,
        })
    }

    /// The lower end, `mean − half_width`.
    pub fn low(&self) -> f64 {
        self.mean - self.half_width
    }

    /// The upper end, `mean + half_width`.
    pub fn high(&self) -> f64 {
        self.mean + self.half_width
    }

    /// Whether `value` lies within the interval (ends included).
    pub fn contains(&self, value: f64) -> bool {
        self.low() <= value && value <= self.high()
    }

    /// Whether the two intervals share a value (ends included): two figures whose intervals
    /// overlap are not told apart by the replications.
    pub fn overlaps(&self, other: &Interval) -> bool {
        self.low() <= other.high() && other.low() <= self.high()
    }
}

/// `t(0.975, df)` for the degrees of freedom in the first column: computed to ten
/// significant digits with mpmath (the root of `I_{df/(df+t²)}(df/2, 1/2) / 2 = 0.025`, the
/// regularized incomplete beta function), and agreeing with the three-decimal tables of
/// NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2.
const T_975: [(u32, f64); 44] = [
    (1, 12.70620474),
    (2, 4.30265273),
    (3, 3.182446305),
    (4, 2.776445105),
    (5, 2.570581836),
    (6, 2.446911851),
    (7, 2.364624252),
    (8, 2.306004135),
    (9, 2.262157163),
    (10, 2.228138852),
    (11, 2.20098516),
    (12, 2.17881283),
    (13, 2.160368656),
    (14, 2.144786688),
    (15, 2.131449546),
    (16, 2.119905299),
    (17, 2.109815578),
    (18, 2.10092204),
    (19, 2.093024054),
    (20, 2.085963447),
    (21, 2.079613845),
    (22, 2.073873068),
    (23, 2.06865761),
    (24, 2.063898562),
    (25, 2.059538553),
    (26, 2.055529439),
    (27, 2.051830516),
    (28, 2.048407142),
    (29, 2.045229642),
    (30, 2.042272456),
    (35, 2.030107928),
    (40, 2.02107539),
    (45, 2.014103389),
    (50, 2.008559112),
    (60, 2.000297822),
    (70, 1.994437112),
    (80, 1.990063421),
    (90, 1.986674541),
    (100, 1.983971519),
    (120, 1.979930405),
    (200, 1.971896224),
    (500, 1.964719837),
    (1000, 1.962339081),
    (u32::MAX, 1.959963985),
];

/// The two-sided 95 % quantile of Student's t with `df` degrees of freedom (`df ≥ 1`):
/// from the table, and between two of its rows linearly in `1/df` (the quantile is nearly
/// linear in `1/df`; off by less than 2·10⁻⁴ between rows). Beyond 1000, the normal
/// quantile 1.96 is approached the same way.
pub fn t_975(df: u32) -> f64 {
    assert!(df >= 1, "Student's t needs at least 1 degree of freedom");
    let at = T_975.partition_point(|(d, _)| *d < df);
    let (d_hi, t_hi) = T_975[at];
    if d_hi == df {
        return t_hi;
    }
    let (d_lo, t_lo) = T_975[at - 1];
    let inverse = |d: u32| if d == u32::MAX { 0.0 } else { 1.0 / d as f64 };
    let share = (inverse(d_lo) - inverse(df)) / (inverse(d_lo) - inverse(d_hi));
    t_lo + (t_hi - t_lo) * share
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::{self, RngExt};

    /// The three-decimal values of published t tables (NIST/SEMATECH e-Handbook, 1.3.6.7.2;
    /// any statistics textbook's appendix).
    #[test]
    fn quantiles_match_published_tables() {
        let published = [
            (1, 12.706),
            (2, 4.303),
            (3, 3.182),
            (4, 2.776),
            (5, 2.571),
            (9, 2.262),
            (10, 2.228),
            (19, 2.093),
            (29, 2.045),
            (30, 2.042),
            (40, 2.021),
            (60, 2.000),
            (100, 1.984),
        ];
        for (df, t) in published {
            assert!(
                (t_975(df) - t).abs() < 5e-4,
                "t(0.975, {df}) = {}",
                t_975(df)
            );
        }
    }

    #[test]
    fn quantiles_between_rows_are_close_to_exact() {
        // Exact values (mpmath) of degrees of freedom the table does not hold.
        let exact = [
            (31, 2.039513446),
            (55, 2.004044783),
            (150, 1.975905331),
            (300, 1.967903011),
            (5000, 1.960438552),
        ];
        for (df, t) in exact {
            assert!(
                (t_975(df) - t).abs() < 2e-4,
                "t(0.975, {df}) = {}",
                t_975(df)
            );
        }
        assert!(t_975(u32::MAX - 1) > 1.959963 && t_975(u32::MAX - 1) < 1.96);
        // Falls as the degrees of freedom grow.
        for df in 1..2000 {
            assert!(t_975(df + 1) < t_975(df), "at {df}");
        }
    }

    #[test]
    fn an_interval_of_known_samples() {
        // 1..=5: mean 3, s = √2.5, half-width 2.776445 · √2.5 / √5.
        let i = Interval::of(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert_eq!(i.mean, 3.0);
        assert_eq!(i.n, 5);
        assert!((i.half_width - 2.776445105 * (0.5f64).sqrt()).abs() < 1e-12);
        let one = Interval::of(&[7.5]).unwrap();
        assert_eq!((one.mean, one.half_width, one.n), (7.5, 0.0, 1));
        assert_eq!(Interval::of(&[]), None);
        let same = Interval::of(&[2.0, 2.0, 2.0]).unwrap();
        assert_eq!((same.mean, same.half_width), (2.0, 0.0));
        // 3 ± 2.48 reaches down to 0.52: it overlaps a single 0.6, not a single 0.5.
        let wide = Interval::of(&[2.0, 3.0, 4.0]).unwrap();
        assert!(wide.overlaps(&Interval::of(&[0.6]).unwrap()));
        assert!(!wide.overlaps(&Interval::of(&[0.5]).unwrap()));
        assert!(
            Interval::of(&[0.5])
                .unwrap()
                .overlaps(&Interval::of(&[0.5]).unwrap())
        );
    }

    /// Intervals of samples from a distribution with a known mean contain it about 95 % of
    /// the time (uniform on [0, 1): mean 0.5; normal by Box–Muller: mean 10), with
    /// 5 and 3 samples per interval. Seeded, so the counts are the same on every run.
    #[test]
    fn intervals_cover_the_true_mean_95_percent_of_the_time() {
        let trials = 4000;
        let mut uniform = rng::stream(20, "interval-coverage-uniform");
        let covered = (0..trials)
            .filter(|_| {
                let samples: Vec<f64> = (0..5).map(|_| uniform.random::<f64>()).collect();
                Interval::of(&samples).unwrap().contains(0.5)
            })
            .count();
        let share = covered as f64 / trials as f64;
        assert!((0.935..=0.965).contains(&share), "uniform coverage {share}");

        let mut normal = rng::stream(20, "interval-coverage-normal");
        let mut draw = || {
            let (u, v): (f64, f64) = (normal.random(), normal.random());
            10.0 + 3.0 * (-2.0 * (1.0 - u).ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        };
        let covered = (0..trials)
            .filter(|_| {
                let samples: Vec<f64> = (0..3).map(|_| draw()).collect();
                Interval::of(&samples).unwrap().contains(10.0)
            })
            .count();
        let share = covered as f64 / trials as f64;
        assert!((0.94..=0.96).contains(&share), "normal coverage {share}");
        // With z = 1.96 instead of t(0.975, 2) = 4.303 the same intervals would cover far
        // less: the t quantile is what makes three samples honest.
    }
}
