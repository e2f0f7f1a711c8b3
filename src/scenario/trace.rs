//! Trace replay (`workload.events.source: trace`): the events of a CSV file with a header
//! row `time,size,audience`, one event per row, in time order. `time` is seconds from the
//! start (`12.5`) or a duration (`12500ms`); `size` is bytes (`300`) or a size (`1.5KB`);
//! `audience` is `all` (or empty). The path is relative to the scenario file.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::error::ScenarioError;
use super::validate::Checker;
use crate::engine::Nanos;
use crate::units::{ByteSize, Duration};

/// The events of a trace that fall within the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// The file, as given.
    pub file: String,
    /// (time, payload bytes), in time order.
    pub events: Vec<(Nanos, u64)>,
    /// Rows after the end of the run, left out.
    pub beyond_end: usize,
}

/// Reads the trace `name` (relative to `scenario_file`'s folder) for a run of `duration`.
pub(crate) fn read(
    name: &str,
    scenario_file: &str,
    duration: Nanos,
    c: &Checker,
) -> Result<Trace, ScenarioError> {
    let field = "workload.events.trace";
    let path: PathBuf = Path::new(scenario_file)
        .parent()
        .map_or_else(|| PathBuf::from(name), |dir| dir.join(name));
    let text = std::fs::read_to_string(&path).map_err(|e| {
        c.error(
            field,
            format!("cannot read the trace {}: {e}", path.display()),
        )
    })?;
    let at = |line: usize, message: String| {
        c.error(field, format!("{}, line {line}: {message}", path.display()))
    };
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l));
    let header = lines
        .by_ref()
        .find(|(_, l)| !l.trim().is_empty())
        .ok_or_else(|| {
            at(
                1,
                "the file is empty; expected a header `time,size,audience`".into(),
            )
        })?;
    let columns: Vec<&str> = header.1.split(',').map(str::trim).collect();
    if columns != ["time", "size", "audience"] && columns != ["time", "size"] {
        return Err(at(
            header.0,
            format!(
                "expected the header `time,size,audience` (or `time,size`), found `{}`",
                header.1.trim()
            ),
        ));
    }
    let mut events = Vec::new();
    let mut beyond_end = 0;
    let mut last = 0;
    for (line, row) in lines {
        if row.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = row.split(',').map(str::trim).collect();
        if cells.len() < 2 || cells.len() > columns.len() {
            return Err(at(
                line,
                format!(
                    "expected {} comma-separated values, found `{row}`",
                    columns.len()
                ),
            ));
        }
        let time = parse_time(cells[0]).map_err(|m| at(line, format!("time: {m}")))?;
        let size = parse_size(cells[1]).map_err(|m| at(line, format!("size: {m}")))?;
        if let Some(audience) = cells.get(2)
            && !audience.is_empty()
            && *audience != "all"
        {
            return Err(at(
                line,
                format!("audience \"{audience}\": only `all` is modelled so far"),
            ));
        }
        if time < last {
            return Err(at(line, "times must not decrease".into()));
        }
        last = time;
        if time > duration {
            beyond_end += 1;
        } else {
            events.push((time, size));
        }
    }
    Ok(Trace {
        file: name.to_string(),
        events,
        beyond_end,
    })
}

fn parse_time(text: &str) -> Result<Nanos, String> {
    if let Ok(seconds) = text.parse::<f64>() {
        if !(seconds.is_finite() && seconds >= 0.0) {
            return Err(format!("\"{text}\" is not a time of at least 0"));
        }
        return Ok((seconds * 1e9).round() as Nanos);
    }
    text.parse::<Duration>()
        .map(|d| d.as_nanos())
        .map_err(|e| format!("\"{text}\": expected seconds (12.5) or a duration (12500ms): {e}"))
}

fn parse_size(text: &str) -> Result<u64, String> {
    let bytes = match text.parse::<u64>() {
        Ok(bytes) => bytes,
        Err(_) => text
            .parse::<ByteSize>()
            .map(|b| b.bytes())
            .map_err(|e| format!("\"{text}\": expected bytes (300) or a size (1.5KB): {e}"))?,
    };
    if bytes == 0 {
        return Err("an event has at least 1 byte".into());
    }
    Ok(bytes)
}
