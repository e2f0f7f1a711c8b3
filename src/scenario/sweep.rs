//! Sweeps: a scenario's `sweep:` block, a grid of points, each a scenario with some fields
//! set. The axes are taken in the order they are written in the file ([`RawSweep`] keeps
//! it), and points are numbered in row-major order over them (the last parameter written
//! changes fastest), so a point's number is stable whatever machine or shard runs it.
//!
//! The grid is never built: a [`Plan`] holds the base scenario and the axes, counts the
//! points with checked arithmetic, and builds point `i` on demand by reading `i` as a
//! mixed-radix number (one digit per axis). So `check` of a sweep of millions of points
//! counts them, `run --point K` builds one, and `sweep` builds a few at a time.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Scenario;
use super::charts::ChartRequest;
use super::error::ScenarioError;
use super::locate::Locations;
use super::overrides::{self, Override};
use super::raw::RawScenario;
use crate::units::{Bandwidth, ByteSize, Duration};

/// A `sweep:` block as written: (field path, axis) in the order of the file. It reads from
/// and writes to a YAML/JSON mapping (its JSON Schema is a map's); unlike a `BTreeMap` it
/// keeps the author's order, which is the order of the axes, of `params` and of the columns.
#[derive(Debug, Clone, Default)]
pub struct RawSweep(pub Vec<(String, RawAxis)>);

impl RawSweep {
    /// The axes, in the order written.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &RawAxis)> {
        self.0.iter().map(|(path, axis)| (path, axis))
    }
}

impl Serialize for RawSweep {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (path, axis) in &self.0 {
            map.serialize_entry(path, axis)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for RawSweep {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> serde::de::Visitor<'de> for InOrder {
            type Value = RawSweep;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a mapping of field paths to a list of values or a range")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawSweep, A::Error> {
                let mut axes: Vec<(String, RawAxis)> = Vec::new();
                while let Some((path, axis)) = map.next_entry::<String, RawAxis>()? {
                    // The YAML reader refuses a repeated key already; a map from elsewhere
                    // (JSON) is held to the same rule rather than keeping the last copy.
                    if axes.iter().any(|(p, _)| *p == path) {
                        return Err(serde::de::Error::custom(format!("`{path}` is swept twice")));
                    }
                    axes.push((path, axis));
                }
                Ok(RawSweep(axes))
            }
        }
        deserializer.deserialize_map(InOrder)
    }
}

/// One swept parameter: a list of values, or a range.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum RawAxis {
    /// The values, as they would be written in the field (`[100, 1000]`, `[1s, 10s]`).
    List(Vec<serde_json::Value>),
    /// `from` to `to` in `steps` values, linear or logarithmic.
    Range(RawRange),
}

/// A range of values for a swept parameter.
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRange {
    /// First value: a number or a quantity with its unit (`1s`, `1KB`, `1Mbit/s`).
    pub from: serde_json::Value,
    /// Last value, in the same kind.
    pub to: serde_json::Value,
    /// Values from `from` to `to` inclusive; at least 2.
    pub steps: u32,
    /// `linear` or `log`. Default `linear`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("enum" = ["linear", "log", null]))]
    pub scale: Option<String>,
}

/// The most points a sweep may have; a bigger grid is refused at its `sweep:` block.
///
/// Why 10^9: even at a millisecond of simulation per point and variant, a billion points
/// are eleven days of one core's work, and their `sweep.json` hundreds of gigabytes, so no
/// useful sweep comes near it, while a grid that does is almost always a typo (`steps:
/// 1000000` for `100`) or several long axes multiplied. Point numbers then fit in 32 bits
/// and are exact in a JSON reader's double. Nothing is allocated per point to enforce it:
/// the count is a checked product of the axes' lengths.
pub const MAX_SWEEP_POINTS: usize = 1_000_000_000;

/// One swept parameter and its values, as field text.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Axis {
    pub path: String,
    pub values: AxisValues,
}

/// The values of an axis: written out, or a range computed value by value (a range of
/// millions of steps is never held in memory). Serialized as the list of values either way.
#[derive(Debug, Clone)]
pub enum AxisValues {
    List(Vec<String>),
    Range(Range),
}

/// `steps` values from `from` to `to` in one kind of quantity, computed in its base unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    from: f64,
    to: f64,
    steps: u32,
    log: bool,
    kind: RangeKind,
}

/// What a range's values are, which says how each is written back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RangeKind {
    /// Whole numbers at both ends: every value rounded to a whole number.
    Integer,
    Number,
    Duration,
    Size,
    Bandwidth,
}

/// Reads a quantity of one kind in its base unit (nanoseconds, bytes, bit/s).
type ReadQuantity = fn(&str) -> Option<f64>;

impl Range {
    /// The range from `from` to `to` (numbers, or quantities of one kind).
    fn new(from: &str, to: &str, steps: u32, log: bool) -> Result<Range, String> {
        let kinds: [(RangeKind, ReadQuantity); 3] = [
            (RangeKind::Duration, |s| {
                s.parse::<Duration>().ok().map(|d| d.as_nanos() as f64)
            }),
            (RangeKind::Size, |s| {
                s.parse::<ByteSize>().ok().map(|b| b.bytes() as f64)
            }),
            (RangeKind::Bandwidth, |s| {
                s.parse::<Bandwidth>()
                    .ok()
                    .map(|b| b.bits_per_second() as f64)
            }),
        ];
        let found = if let (Ok(a), Ok(b)) = (from.parse::<f64>(), to.parse::<f64>()) {
            let integers = from.parse::<i64>().is_ok() && to.parse::<i64>().is_ok();
            let kind = if integers {
                RangeKind::Integer
            } else {
                RangeKind::Number
            };
            Some((kind, a, b))
        } else {
            kinds
                .iter()
                .find_map(|(kind, read)| Some((*kind, read(from)?, read(to)?)))
        };
        let Some((kind, a, b)) = found else {
            return Err(format!(
                "cannot make a range from \"{from}\" to \"{to}\": expected two numbers, durations, sizes or bandwidths of the same kind"
            ));
        };
        if log && (a <= 0.0 || b <= 0.0) {
            return Err("a logarithmic range needs values above zero".into());
        }
        Ok(Range {
            from: a,
            to: b,
            steps,
            log,
            kind,
        })
    }

    /// Value `i` (below `steps`) in the base unit, before it is rounded to one.
    fn x(&self, i: usize) -> f64 {
        let (a, b) = (self.from, self.to);
        let t = i as f64 / (self.steps - 1) as f64;
        if self.log {
            a * (b / a).powf(t)
        } else {
            a + (b - a) * t
        }
    }

    /// Value `i` (below `steps`), written as a value of the field.
    fn value(&self, i: usize) -> String {
        let x = self.x(i);
        match self.kind {
            RangeKind::Integer => format!("{}", x.round() as i64),
            RangeKind::Number => format!("{x}"),
            RangeKind::Duration => Duration::from_nanos(x.round() as u64).to_string(),
            RangeKind::Size => ByteSize(x.round() as u64).to_string(),
            RangeKind::Bandwidth => Bandwidth(x.round() as u64).to_string(),
        }
    }
}

impl AxisValues {
    pub fn len(&self) -> usize {
        match self {
            AxisValues::List(values) => values.len(),
            AxisValues::Range(range) => range.steps as usize,
        }
    }

    /// Never true for a scenario's axis (an empty axis is refused); here for completeness.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Value `i`; panics when `i` is not below [`len`](Self::len).
    pub fn get(&self, i: usize) -> String {
        match self {
            AxisValues::List(values) => values[i].clone(),
            AxisValues::Range(range) => {
                assert!(
                    i < range.steps as usize,
                    "value {i} of a range of {}",
                    range.steps
                );
                range.value(i)
            }
        }
    }

    /// Value `i` as a whole number in its base unit (a count, or nanoseconds for a
    /// duration) when it is one: the number [`get`](Self::get)'s text reads as, without
    /// writing the text (for estimates over many points).
    pub fn whole(&self, i: usize) -> Option<u64> {
        match self {
            AxisValues::List(values) => {
                let text = values[i].as_str();
                text.parse::<u64>()
                    .ok()
                    .or_else(|| text.parse::<Duration>().ok().map(|d| d.as_nanos()))
                    .or_else(|| {
                        // A YAML float written back (`1000.0`).
                        text.parse::<f64>()
                            .ok()
                            .filter(|x| x.is_finite() && *x >= 0.0 && x.fract() == 0.0)
                            .map(|x| x as u64)
                    })
            }
            AxisValues::Range(range) => {
                assert!(
                    i < range.steps as usize,
                    "value {i} of a range of {}",
                    range.steps
                );
                let x = range.x(i);
                match range.kind {
                    RangeKind::Number if x.fract() != 0.0 => None,
                    _ if x < 0.0 => None,
                    _ => Some(x.round() as u64),
                }
            }
        }
    }

    pub fn first(&self) -> Option<String> {
        (!self.is_empty()).then(|| self.get(0))
    }

    /// The values in order, each computed when reached.
    pub fn iter(&self) -> impl Iterator<Item = String> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// Whether every value is a number, duration, size or bandwidth (a range's always are).
    pub fn all_numeric(&self) -> bool {
        match self {
            AxisValues::List(values) => values.iter().all(|v| numeric(v).is_some()),
            AxisValues::Range(_) => true,
        }
    }
}

impl From<Vec<String>> for AxisValues {
    fn from(values: Vec<String>) -> Self {
        AxisValues::List(values)
    }
}

/// Equal when they hold the same values in the same order, however they are stored.
impl PartialEq for AxisValues {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (AxisValues::List(a), AxisValues::List(b)) => a == b,
            (AxisValues::Range(a), AxisValues::Range(b)) if a == b => true,
            _ => self.len() == other.len() && self.iter().eq(other.iter()),
        }
    }
}

impl serde::Serialize for AxisValues {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for AxisValues {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<String>::deserialize(deserializer).map(AxisValues::List)
    }
}

/// One point of a sweep: its number, the values it sets, and the scenario they give.
#[derive(Debug, Clone)]
pub struct Point {
    pub index: usize,
    /// (path, value) for every axis, in axis order.
    pub params: Vec<(String, String)>,
    pub scenario: Scenario,
}

/// A scenario and its sweep (one point when it sweeps nothing): the base scenario and the
/// axes, from which any point is built on demand.
#[derive(Debug, Clone)]
pub struct Plan {
    pub axes: Vec<Axis>,
    /// The number of points: the product of the axes' lengths, at most [`MAX_SWEEP_POINTS`].
    count: usize,
    file: String,
    text: String,
    locations: Locations,
    /// The scenario without its `sweep:` block, ready for each point's values.
    base: overrides::Base,
    /// The command-line overrides, applied to every point after the swept values.
    cli: Vec<Override>,
    /// Warnings every point carries (charts whose parameter `--set` fixed).
    unplotted: Vec<String>,
    /// `--seed`, replacing every point's seed.
    seed: Option<u64>,
    /// `--replications`, replacing every point's `replications`.
    replications: Option<u32>,
}

impl Plan {
    /// How many points the sweep has (1 without a sweep).
    pub fn point_count(&self) -> usize {
        self.count
    }

    /// The scenario text the plan was made from, as read.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Gives every point the master seed `seed` (the `--seed` option).
    pub fn set_seed(&mut self, seed: u64) {
        self.seed = Some(seed);
    }

    /// Gives every point `replications` replications (the `--replications` option), within
    /// [`crate::replication::MAX_REPLICATIONS`].
    pub fn set_replications(&mut self, replications: u32) {
        self.replications = Some(replications);
    }

    /// Point `index` (below [`point_count`](Self::point_count)), validated; its errors name
    /// the point and point at the swept values in the file.
    pub fn point(&self, index: usize) -> Result<Point, ScenarioError> {
        assert!(
            index < self.count,
            "point {index} of a sweep of {}",
            self.count
        );
        let (file, text) = (self.file.as_str(), self.text.as_str());
        // Row-major: the last axis is the lowest digit of the point number.
        let mut rest = index;
        let mut chosen = vec![0; self.axes.len()];
        for (a, axis) in self.axes.iter().enumerate().rev() {
            let n = axis.values.len();
            chosen[a] = rest % n;
            rest /= n;
        }
        let params: Vec<(String, String)> = self
            .axes
            .iter()
            .zip(&chosen)
            .map(|(axis, which)| (axis.path.clone(), axis.values.get(*which)))
            .collect();
        let mut all = Vec::new();
        for ((path, value), which) in params.iter().zip(&chosen) {
            let axis_field = format!("sweep.{path}");
            let o = Override::parse(&format!("{path}={value}")).map_err(|e| {
                ScenarioError::new(
                    file,
                    format!("sweep: `{path}` is not a field path: {}", e.message),
                )
                .at(text, self.locations.find(&axis_field))
                .field(&axis_field)
            })?;
            // Which value of the axis: its errors point at that value in the file.
            let written = self.locations.find(&format!("{axis_field}[{which}]"));
            all.push(o.written_in(file, text, written));
        }
        all.extend(self.cli.iter().cloned());
        // Errors name the point, when there is a sweep.
        let at_point = |mut e: ScenarioError| {
            if !params.is_empty() {
                e.message = format!("sweep point {index} ({}): {}", describe(&params), e.message);
            }
            e
        };
        let patched = self.base.apply(&all).map_err(at_point)?;
        let mut scenario = super::validate_raw(file, text, &patched, &all).map_err(at_point)?;
        scenario.warnings.extend(self.unplotted.iter().cloned());
        if let Some(seed) = self.seed {
            scenario.seed = seed;
        }
        if let Some(replications) = self.replications {
            scenario.replications = replications;
        }
        Ok(Point {
            index,
            params,
            scenario,
        })
    }
}

/// Reads the sweep of `raw` (parsed from `file`/`text`), with command-line `overrides`
/// applied to every point; an override of a swept field fixes it (the axis goes). Checks the
/// axes and the grid's size, and builds no point.
pub fn plan(
    file: &str,
    text: &str,
    raw: &RawScenario,
    cli: &[Override],
) -> Result<Plan, ScenarioError> {
    let locations = Locations::from_text(text).unwrap_or_default();
    let mut axes = axes(file, text, &locations, raw)?;
    let unplotted = check_chart_axes(file, text, raw, &axes, cli)?;
    axes.retain(|axis| !fixed(cli, &axis.path));
    let count = grid_size(&axes).map_err(|message| {
        ScenarioError::new(file, message)
            .at(text, locations.find("sweep"))
            .field("sweep")
    })?;
    let base = overrides::Base::new(file, text, raw)?;
    Ok(Plan {
        axes,
        count,
        file: file.to_string(),
        text: text.to_string(),
        locations,
        base,
        cli: cli.to_vec(),
        unplotted,
        seed: None,
        replications: None,
    })
}

/// The number of points of a grid over `axes`, or why it is refused: more than
/// [`MAX_SWEEP_POINTS`]. The product is checked, so no grid wraps around to a small count.
fn grid_size(axes: &[Axis]) -> Result<usize, String> {
    let lengths: Vec<usize> = axes.iter().map(|a| a.values.len()).collect();
    let count = lengths
        .iter()
        .try_fold(1u128, |product, n| product.checked_mul(*n as u128));
    match count {
        Some(count) if count <= MAX_SWEEP_POINTS as u128 => Ok(count as usize),
        _ => {
            let count = count.map_or_else(
                || format!("more than {}", u128::MAX),
                |count| count.to_string(),
            );
            let each: Vec<String> = axes
                .iter()
                .map(|a| format!("{} ({})", a.path, a.values.len()))
                .collect();
            Err(format!(
                "the sweep has {count} points ({}), more than the limit of {MAX_SWEEP_POINTS} points; sweep fewer values, or split the sweep into several files",
                each.join(" × ")
            ))
        }
    }
}

/// Checks that every `<metric> vs <parameter>` chart names a numeric swept parameter;
/// returns a warning for each one whose parameter `--set` fixed (it cannot be drawn).
fn check_chart_axes(
    file: &str,
    text: &str,
    raw: &RawScenario,
    axes: &[Axis],
    cli: &[Override],
) -> Result<Vec<String>, ScenarioError> {
    let mut warnings = Vec::new();
    let locations = Locations::from_text(text).unwrap_or_default();
    for (i, entry) in raw.charts.iter().flatten().enumerate() {
        // A malformed entry is reported by validation, with the other fields.
        let Ok(ChartRequest::Against { parameter, .. }) = ChartRequest::parse(entry) else {
            continue;
        };
        let field = format!("charts[{i}]");
        let bad = |message: String| {
            ScenarioError::new(file, message)
                .at(text, locations.find(&field))
                .field(&field)
        };
        let Some(axis) = axes.iter().find(|a| a.path == parameter) else {
            let swept: Vec<&str> = axes.iter().map(|a| a.path.as_str()).collect();
            return Err(bad(if swept.is_empty() {
                format!("\"{entry}\" plots against `{parameter}`, but the scenario has no `sweep:`")
            } else {
                format!(
                    "\"{entry}\" plots against `{parameter}`, which is not swept; swept parameters: {}",
                    swept.join(", ")
                )
            }));
        };
        if !axis.values.all_numeric() {
            let values: Vec<String> = axis.values.iter().collect();
            return Err(bad(format!(
                "\"{entry}\": the values of `{parameter}` ({}) are not all numbers, durations, sizes or bandwidths, so they make no axis",
                values.join(", ")
            )));
        }
        if fixed(cli, &parameter) {
            warnings.push(format!(
                "charts[{i}] \"{entry}\" is not drawn: --set fixes `{parameter}`"
            ));
        }
    }
    Ok(warnings)
}

/// Whether a command-line override sets the swept field `path` (which then is not swept).
fn fixed(cli: &[Override], path: &str) -> bool {
    cli.iter()
        .any(|o| o.dotted() == path || o.argument.starts_with(&format!("{path}=")))
}

/// A swept value as a number, and the unit its chart axis is labelled in: plain numbers,
/// durations in seconds, sizes in bytes, bandwidths in bit/s.
pub fn numeric(value: &str) -> Option<(f64, &'static str)> {
    if let Ok(x) = value.parse::<f64>() {
        return Some((x, ""));
    }
    if let Ok(d) = value.parse::<Duration>() {
        return Some((d.as_nanos() as f64 / 1e9, " (s)"));
    }
    if let Ok(b) = value.parse::<ByteSize>() {
        return Some((b.bytes() as f64, " (bytes)"));
    }
    if let Ok(b) = value.parse::<Bandwidth>() {
        return Some((b.bits_per_second() as f64, " (bit/s)"));
    }
    None
}

/// `a=1, b=2`.
pub fn describe(params: &[(String, String)]) -> String {
    params
        .iter()
        .map(|(p, v)| format!("{p}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn axes(
    file: &str,
    text: &str,
    locations: &Locations,
    raw: &RawScenario,
) -> Result<Vec<Axis>, ScenarioError> {
    let mut axes = Vec::new();
    // In the order written: the first axis is the highest digit of the point number.
    for (path, axis) in raw.sweep.iter().flat_map(RawSweep::iter) {
        let field = format!("sweep.{path}");
        let bad = |message: String| {
            ScenarioError::new(file, message)
                .at(text, locations.find(&field))
                .field(&field)
        };
        let values = match axis {
            RawAxis::List(values) => {
                if values.is_empty() {
                    return Err(bad("needs at least one value".into()));
                }
                AxisValues::List(
                    values
                        .iter()
                        .map(scalar_text)
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(bad)?,
                )
            }
            RawAxis::Range(range) => {
                if range.steps < 2 {
                    return Err(bad("`steps` must be at least 2".into()));
                }
                let log = match range.scale.as_deref() {
                    None | Some("linear") => false,
                    Some("log") => true,
                    Some(other) => {
                        return Err(bad(format!(
                            "unknown scale \"{other}\"; expected linear or log"
                        )));
                    }
                };
                let from = scalar_text(&range.from).map_err(bad)?;
                let to = scalar_text(&range.to).map_err(bad)?;
                AxisValues::Range(Range::new(&from, &to, range.steps, log).map_err(bad)?)
            }
        };
        axes.push(Axis {
            path: path.clone(),
            values,
        });
    }
    Ok(axes)
}

fn scalar_text(value: &Value) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(format!("sweep values must be scalars, found {other}")),
    }
}

/// `steps` values from `from` to `to`, all of them (the tests' view of a range).
#[cfg(test)]
fn steps(from: &str, to: &str, steps: u32, log: bool) -> Result<Vec<String>, String> {
    let range = AxisValues::Range(Range::new(from, to, steps, log)?);
    Ok(range.iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_of_numbers_and_quantities() {
        assert_eq!(
            steps("100", "100000", 4, true).unwrap(),
            ["100", "1000", "10000", "100000"]
        );
        assert_eq!(steps("1", "3", 3, false).unwrap(), ["1", "2", "3"]);
        assert_eq!(steps("1s", "3s", 3, false).unwrap(), ["1s", "2s", "3s"]);
        assert_eq!(
            steps("1KB", "100KB", 3, true).unwrap(),
            ["1KB", "10KB", "100KB"]
        );
        assert!(steps("1s", "3KB", 3, false).is_err());
        assert!(steps("0", "10", 3, true).is_err());
    }
}

#[cfg(test)]
mod plan_tests {
    use super::*;

    const GRID: &str = "name: grid
duration: 10s
network: { n: { latency: 10ms, bandwidth: 10Mbit/s } }
clients: { u: { count: 10, link: n } }
workload: { events: { source: poisson, rate: 1/s, payload: 100B } }
transports:
  - { label: sse, sse: {} }
sweep:
  clients.u.count: [3, 4, 5]
  network.n.latency: { from: 1ms, to: 4ms, steps: 4 }
  workload.events.payload: [100B, 1KB]
";

    /// Point numbers are unchanged by building points on demand: row-major over the axes in
    /// the order written, the last axis fastest, as the grid was expanded before.
    #[test]
    fn points_are_numbered_row_major() {
        let plan = crate::scenario::plan("grid.yaml", GRID, &[]).unwrap();
        assert_eq!(plan.point_count(), 24);
        let mut expected = Vec::new();
        for count in ["3", "4", "5"] {
            for latency in ["1ms", "2ms", "3ms", "4ms"] {
                for payload in ["100B", "1KB"] {
                    expected.push(vec![
                        ("clients.u.count".to_string(), count.to_string()),
                        ("network.n.latency".to_string(), latency.to_string()),
                        ("workload.events.payload".to_string(), payload.to_string()),
                    ]);
                }
            }
        }
        for (i, params) in expected.iter().enumerate() {
            let point = plan.point(i).unwrap();
            assert_eq!(point.index, i);
            assert_eq!(&point.params, params, "point {i}");
        }
        assert_eq!(plan.point(23).unwrap().scenario.client_count(), 5);
    }

    /// The axes keep the order of the file, not the alphabetical one; a map from elsewhere
    /// naming an axis twice is refused rather than keeping one copy.
    #[test]
    fn axes_keep_the_order_written() {
        let reversed = GRID.replace(
            "  clients.u.count: [3, 4, 5]\n  network.n.latency: { from: 1ms, to: 4ms, steps: 4 }\n  workload.events.payload: [100B, 1KB]\n",
            "  workload.events.payload: [100B, 1KB]\n  clients.u.count: [3, 4, 5]\n  network.n.latency: { from: 1ms, to: 4ms, steps: 4 }\n",
        );
        assert_ne!(reversed, GRID);
        let plan = crate::scenario::plan("grid.yaml", &reversed, &[]).unwrap();
        let paths: Vec<&str> = plan.axes.iter().map(|a| a.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "workload.events.payload",
                "clients.u.count",
                "network.n.latency"
            ]
        );
        let params = plan.point(5).unwrap().params;
        assert_eq!(
            params,
            [
                ("workload.events.payload".to_string(), "100B".to_string()),
                ("clients.u.count".to_string(), "4".to_string()),
                ("network.n.latency".to_string(), "2ms".to_string()),
            ]
        );
        // Written back in the same order.
        let sweep: RawSweep = serde_json::from_str(r#"{"b": [1, 2], "a": [3], "c": [4]}"#).unwrap();
        assert_eq!(
            serde_json::to_string(&sweep).unwrap(),
            r#"{"b":[1,2],"a":[3],"c":[4]}"#
        );
        let twice = serde_json::from_str::<RawSweep>(r#"{"a": [1], "a": [2]}"#).unwrap_err();
        assert!(twice.to_string().contains("`a` is swept twice"), "{twice}");
    }

    #[test]
    fn grid_sizes_are_checked_not_wrapped() {
        let axis = |n: u32| Axis {
            path: "a".into(),
            values: AxisValues::Range(Range::new("1", "2", n, false).unwrap()),
        };
        assert_eq!(grid_size(&[]), Ok(1));
        assert_eq!(
            grid_size(&[axis(1000), axis(1000), axis(1000)]),
            Ok(1_000_000_000)
        );
        let over = grid_size(&[axis(1000), axis(1000), axis(1001)]).unwrap_err();
        assert!(over.contains("1001000000 points"), "{over}");
        // 2^64 wraps a u64 product to 0; 65536^8 = 2^128 overflows even a u128.
        let wraps = grid_size(&[axis(65536), axis(65536), axis(65536), axis(65536)]).unwrap_err();
        assert!(wraps.contains("18446744073709551616 points"), "{wraps}");
        let huge = grid_size(&vec![axis(65536); 8]).unwrap_err();
        assert!(
            huge.contains("more than 340282366920938463463374607431768211455"),
            "{huge}"
        );
    }

    #[test]
    fn ranges_serialize_as_their_values() {
        let values = AxisValues::Range(Range::new("1s", "3s", 3, false).unwrap());
        assert_eq!(
            serde_json::to_string(&values).unwrap(),
            r#"["1s","2s","3s"]"#
        );
        let list: AxisValues = serde_json::from_str(r#"["1s","2s","3s"]"#).unwrap();
        assert_eq!(list, values);
    }
}
