//! Sweeps: a scenario's `sweep:` block expanded into a grid of points, each a scenario with
//! some fields set. Points are numbered in row-major order (the last parameter changes
//! fastest), so a point's number is stable whatever machine or shard runs it.

use serde_json::Value;

use super::charts::ChartRequest;
use super::error::ScenarioError;
use super::overrides::{self, Override};
use super::raw::{RawAxis, RawScenario};
use super::{Scenario, TOP_LEVEL_KEYS};
use crate::units::{Bandwidth, ByteSize, Duration};

/// One swept parameter and its values, as field text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Axis {
    pub path: String,
    pub values: Vec<String>,
}

/// One point of a sweep: its number, the values it sets, and the scenario they give.
#[derive(Debug, Clone)]
pub struct Point {
    pub index: usize,
    /// (path, value) for every axis, in axis order.
    pub params: Vec<(String, String)>,
    pub scenario: Scenario,
}

/// A scenario and its sweep: one point when it sweeps nothing.
#[derive(Debug, Clone)]
pub struct Plan {
    pub axes: Vec<Axis>,
    pub points: Vec<Point>,
}

/// Expands the sweep of `raw` (parsed from `file`/`text`), with command-line `overrides`
/// applied to every point; an override of a swept field fixes it (the axis goes).
pub fn plan(
    file: &str,
    text: &str,
    raw: &RawScenario,
    cli: &[Override],
) -> Result<Plan, ScenarioError> {
    let locations = super::locate::Locations::from_text(text).unwrap_or_default();
    let mut axes = axes(file, text, &locations, raw)?;
    let unplotted = check_chart_axes(file, text, raw, &axes, cli)?;
    axes.retain(|axis| !fixed(cli, &axis.path));
    let mut base = raw.clone();
    base.sweep = None;
    let count: usize = axes.iter().map(|a| a.values.len()).product();
    let mut points = Vec::with_capacity(count);
    for index in 0..count {
        let mut rest = index;
        let mut params = vec![(String::new(), String::new()); axes.len()];
        // Which value of each axis: its errors point at that value in the file.
        let mut chosen = vec![0; axes.len()];
        for (a, axis) in axes.iter().enumerate().rev() {
            let n = axis.values.len();
            chosen[a] = rest % n;
            params[a] = (axis.path.clone(), axis.values[rest % n].clone());
            rest /= n;
        }
        let mut all = Vec::new();
        for ((path, value), which) in params.iter().zip(&chosen) {
            let axis_field = format!("sweep.{path}");
            let o = Override::parse(&format!("{path}={value}")).map_err(|e| {
                ScenarioError::new(
                    file,
                    format!("sweep: `{path}` is not a field path: {}", e.message),
                )
                .at(text, locations.find(&axis_field))
                .field(&axis_field)
            })?;
            let written = locations.find(&format!("{axis_field}[{which}]"));
            all.push(o.written_at(file, text, written));
        }
        all.extend(cli.iter().cloned());
        // Errors name the point, when there is a sweep.
        let at_point = |mut e: ScenarioError| {
            if !params.is_empty() {
                e.message = format!("sweep point {index} ({}): {}", describe(&params), e.message);
            }
            e
        };
        let point_raw = overrides::apply(&base, &all, TOP_LEVEL_KEYS).map_err(at_point)?;
        let scenario = super::validate_raw(file, text, &point_raw, &all).map_err(at_point)?;
        let mut scenario = scenario;
        scenario.warnings.extend(unplotted.iter().cloned());
        points.push(Point {
            index,
            params,
            scenario,
        });
    }
    Ok(Plan { axes, points })
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
    let locations = super::locate::Locations::from_text(text).unwrap_or_default();
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
        if axis.values.iter().any(|v| numeric(v).is_none()) {
            return Err(bad(format!(
                "\"{entry}\": the values of `{parameter}` ({}) are not all numbers, durations, sizes or bandwidths, so they make no axis",
                axis.values.join(", ")
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
    locations: &super::locate::Locations,
    raw: &RawScenario,
) -> Result<Vec<Axis>, ScenarioError> {
    let mut axes = Vec::new();
    for (path, axis) in raw.sweep.iter().flatten() {
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
                values
                    .iter()
                    .map(scalar_text)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(bad)?
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
                steps(&from, &to, range.steps, log).map_err(bad)?
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

/// `steps` values from `from` to `to`: numbers, or quantities of one kind (durations, sizes,
/// bandwidths) computed in their base unit and written back with their unit.
fn steps(from: &str, to: &str, steps: u32, log: bool) -> Result<Vec<String>, String> {
    let spread = |a: f64, b: f64| -> Result<Vec<f64>, String> {
        if log && (a <= 0.0 || b <= 0.0) {
            return Err("a logarithmic range needs values above zero".into());
        }
        Ok((0..steps)
            .map(|i| {
                let t = i as f64 / (steps - 1) as f64;
                if log {
                    a * (b / a).powf(t)
                } else {
                    a + (b - a) * t
                }
            })
            .collect())
    };
    if let (Ok(a), Ok(b)) = (from.parse::<f64>(), to.parse::<f64>()) {
        let integers = from.parse::<i64>().is_ok() && to.parse::<i64>().is_ok();
        return Ok(spread(a, b)?
            .into_iter()
            .map(|x| {
                if integers {
                    format!("{}", x.round() as i64)
                } else {
                    format!("{x}")
                }
            })
            .collect());
    }
    macro_rules! quantity {
        ($ty:ty, $get:ident, $make:expr) => {
            if let (Ok(a), Ok(b)) = (from.parse::<$ty>(), to.parse::<$ty>()) {
                return Ok(spread(a.$get() as f64, b.$get() as f64)?
                    .into_iter()
                    .map(|x| ($make)(x.round() as u64).to_string())
                    .collect());
            }
        };
    }
    quantity!(Duration, as_nanos, Duration::from_nanos);
    quantity!(ByteSize, bytes, ByteSize);
    quantity!(Bandwidth, bits_per_second, Bandwidth);
    Err(format!(
        "cannot make a range from \"{from}\" to \"{to}\": expected two numbers, durations, sizes or bandwidths of the same kind"
    ))
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
