//! Axes: a range of values, linear or logarithmic, its ticks, and one number format for every
//! tick of the axis.
//!
//! A logarithmic axis is drawn as a linear one over log10 of the values: its range is widened
//! to whole decades, every decade has a labelled tick and 2..9 times each decade a grid line.
//! A linear axis has ticks at a round step (1, 2 or 5 times a power of ten) and every label
//! has the step's number of decimals, with thousands grouped (`12,500`). Units are never in
//! the ticks: a chart scales its values (ms, MB, %) and says the unit in the axis title.

/// How a chart wants an axis drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// Linear from zero (or below, for negative values) to the largest value.
    Linear,
    /// Linear from zero to the largest value, without headroom: simulated time.
    Span,
    /// Linear from 0 to 100: a percentage.
    Percent,
    /// Logarithmic when every value is positive and they span 100x or more, else [`Linear`](Scale::Linear).
    Auto,
}

/// An axis ready to draw: coordinates are values on a linear axis, log10 of values on a
/// logarithmic one.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Axis {
    pub log: bool,
    pub lo: f64,
    pub hi: f64,
    /// Labelled ticks, in coordinates.
    pub ticks: Vec<f64>,
    /// Grid lines without a label, in coordinates.
    pub minor: Vec<f64>,
    /// Decimals of every label of a linear axis.
    decimals: usize,
}

/// Whether values from `min` to `max` want a logarithmic axis (all positive, 100x or more).
pub(crate) fn wants_log(min: f64, max: f64) -> bool {
    min > 0.0 && max / min >= 100.0
}

impl Axis {
    /// The axis for `values` (non-finite ones ignored) drawn as `scale` wants.
    pub fn fit(scale: Scale, values: impl Iterator<Item = f64>) -> Axis {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        match scale {
            Scale::Percent => Axis::linear(0.0, 100.0),
            Scale::Auto if wants_log(lo, hi) => Axis::log(lo, hi),
            Scale::Span => {
                let lo = lo.min(0.0);
                Axis::linear(lo, if hi > lo { hi } else { lo + 1.0 })
            }
            Scale::Auto | Scale::Linear => {
                let lo = lo.min(0.0);
                // Headroom above the highest value, so a line along the top stays visible.
                let hi = if hi > lo {
                    hi + (hi - lo) * 0.08
                } else {
                    lo + 1.0
                };
                Axis::linear(lo, hi)
            }
        }
    }

    /// A linear axis from `lo` to `hi` with four to eight ticks at a round step.
    pub fn linear(lo: f64, hi: f64) -> Axis {
        let step = round_step((hi - lo) / 5.0);
        let first = (lo / step).ceil() as i64;
        let last = (hi / step + 1e-9).floor() as i64;
        let ticks = (first..=last).map(|k| k as f64 * step).collect();
        let decimals = (-step.log10().floor()).max(0.0) as usize;
        Axis {
            log: false,
            lo,
            hi,
            ticks,
            minor: Vec::new(),
            decimals,
        }
    }

    /// A logarithmic axis from a little below `lo` to a little above `hi` (both positive),
    /// a tick at every decade between.
    pub fn log(lo: f64, hi: f64) -> Axis {
        let (lo, hi) = (lo.log10(), hi.log10());
        let pad = (hi - lo) * 0.04;
        let (lo, hi) = (lo - pad, hi + pad);
        let first = lo.ceil() as i32;
        let last = hi.floor() as i32;
        let minor = (first - 1..=last)
            .flat_map(|k| (2..10).map(move |m| (f64::from(m) * 10f64.powi(k)).log10()))
            .filter(|c| *c >= lo && *c <= hi)
            .collect();
        Axis {
            log: true,
            lo,
            hi,
            ticks: (first..=last).map(f64::from).collect(),
            minor,
            decimals: 0,
        }
    }

    /// Where `value` sits on the axis; `None` when a logarithmic axis cannot show it.
    pub fn coord(&self, value: f64) -> Option<f64> {
        match self.log {
            true if value > 0.0 => Some(value.log10()),
            true => None,
            false => Some(value),
        }
    }

    /// The label of the tick at `coord`.
    pub fn label(&self, coord: f64) -> String {
        if self.log {
            let k = coord.round() as i32;
            let decimals = (-k).max(0) as usize;
            grouped(10f64.powi(k), decimals)
        } else {
            grouped(coord, self.decimals)
        }
    }
}

/// plotters draws an [`Axis`] as a coordinate: bold grid lines and labels at the ticks,
/// light ones at the minor marks, labels written by [`Axis::label`].
impl plotters::coord::ranged1d::Ranged for Axis {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = (value - self.lo) / (self.hi - self.lo);
        let length = f64::from(limit.1 - limit.0);
        limit.0 + (length * share + 1e-3).floor() as i32
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.lo..self.hi
    }
}

/// 1, 2 or 5 times a power of ten, the nearest to `rough`.
fn round_step(rough: f64) -> f64 {
    if rough.is_nan() || rough <= 0.0 || rough.is_infinite() {
        return 1.0;
    }
    let power = 10f64.powf(rough.log10().floor());
    let mantissa = rough / power;
    let nice = if mantissa < 1.5 {
        1.0
    } else if mantissa < 3.5 {
        2.0
    } else if mantissa < 7.5 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// `value` with `decimals` decimals and its thousands grouped with commas.
pub(crate) fn grouped(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    // No "-0".
    if value < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.insert(0, '-');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linear_axis_has_one_format() {
        let axis = Axis::linear(0.0, 8_640.0);
        let labels: Vec<String> = axis.ticks.iter().map(|t| axis.label(*t)).collect();
        assert_eq!(labels, ["0", "2,000", "4,000", "6,000", "8,000"]);
        let axis = Axis::linear(0.0, 1.3);
        let labels: Vec<String> = axis.ticks.iter().map(|t| axis.label(*t)).collect();
        assert_eq!(labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0", "1.2"]);
    }

    #[test]
    fn a_log_axis_labels_every_decade() {
        let axis = Axis::log(25.0, 10_003.0);
        let labels: Vec<String> = axis.ticks.iter().map(|t| axis.label(*t)).collect();
        assert_eq!(labels, ["100", "1,000", "10,000"]);
        let axis = Axis::log(0.003, 0.5);
        let labels: Vec<String> = axis.ticks.iter().map(|t| axis.label(*t)).collect();
        assert_eq!(labels, ["0.01", "0.1"]);
        // 0.003 to 0.5 padded to 0.0024 to 0.61: grid lines at 3..9 thousandths, 2..9
        // hundredths, 0.2 to 0.6.
        assert_eq!(axis.minor.len(), 7 + 8 + 5);
    }

    #[test]
    fn scales_choose_their_ranges() {
        let percent = Axis::fit(Scale::Percent, [3.0, 25.0].into_iter());
        assert_eq!((percent.lo, percent.hi, percent.log), (0.0, 100.0, false));
        assert!(Axis::fit(Scale::Auto, [1.0, 1000.0].into_iter()).log);
        assert!(!Axis::fit(Scale::Auto, [0.0, 1000.0].into_iter()).log);
        assert!(!Axis::fit(Scale::Linear, [1.0, 1000.0].into_iter()).log);
        let time = Axis::fit(Scale::Span, [0.0, 300.0].into_iter());
        assert_eq!((time.lo, time.hi), (0.0, 300.0));
    }

    #[test]
    fn grouping() {
        assert_eq!(grouped(100_000.0, 0), "100,000");
        assert_eq!(grouped(1_234.5, 1), "1,234.5");
        assert_eq!(grouped(-0.0001, 2), "0.00");
        assert_eq!(grouped(-12.0, 0), "-12");
    }
}
