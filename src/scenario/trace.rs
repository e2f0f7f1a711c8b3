//! Trace replay (`workload.events.source: trace`): the events of a CSV file with a header
//! row `time,size,audience`, one event per row, in time order. `time` is seconds from the
//! start (`12.5`) or a duration (`12500ms`); `size` is bytes (`300`) or a size (`1.5KB`);
//! `audience` is `all` (or empty), `user:<client index>` or `topic:<topic index>`. The path
//! is relative to the scenario file.

use std::path::{Path, PathBuf};

use super::bounds::MAX_PAYLOAD_BYTES;
use super::checker::Checker;
use super::error::ScenarioError;
use super::limits::{MAX_TRACE_BYTES, mebibytes};
use crate::time::Nanos;
use crate::units::{ByteSize, Duration};

pub use crate::workload::{Trace, TraceAudience};

/// The text of the trace at `path`, or why not: a path that is not a regular file (a FIFO,
/// a device such as `/dev/zero`, a directory) is refused before it is opened (opening a
/// FIFO waits for a writer; a device may never end), and a file is read up to
/// [`MAX_TRACE_BYTES`], one byte more telling that it is larger.
fn read_bounded(path: &Path) -> Result<String, String> {
    use std::io::Read;
    let too_large = || {
        format!(
            "the file is larger than {}, the limit for a trace",
            mebibytes(MAX_TRACE_BYTES)
        )
    };
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if let Some(kind) = super::source::not_a_regular_file(&metadata) {
        return Err(format!("it is {kind}, not a regular file"));
    }
    if metadata.len() > MAX_TRACE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_TRACE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_TRACE_BYTES {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the file is not UTF-8 (byte offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Reads the trace `name` (relative to `scenario_file`'s folder) for a run of `duration`.
/// `user:<n>` rows must name one of the `clients`; `topic:<n>` rows one of the `topics`.
pub(crate) fn read(
    name: &str,
    scenario_file: &str,
    duration: Nanos,
    (clients, topics): (u64, Option<u32>),
    c: &Checker,
) -> Result<Trace, ScenarioError> {
    let field = "workload.events.trace";
    let path: PathBuf = Path::new(scenario_file)
        .parent()
        .map_or_else(|| PathBuf::from(name), |dir| dir.join(name));
    let text = read_bounded(&path).map_err(|m| {
        c.error(
            field,
            format!("cannot read the trace {}: {m}", path.display()),
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
    let mut audiences = Vec::new();
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
        let audience = match cells.get(2).copied() {
            None | Some("" | "all") => TraceAudience::All,
            Some(text) => audience(text, clients, topics).map_err(|m| at(line, m))?,
        };
        if time < last {
            return Err(at(line, "times must not decrease".into()));
        }
        last = time;
        if time > duration {
            beyond_end += 1;
        } else {
            events.push((time, size));
            audiences.push(audience);
        }
    }
    Ok(Trace {
        file: name.to_string(),
        events,
        audiences,
        beyond_end,
    })
}

/// A row's audience: `user:<client index>` or `topic:<topic index>`.
fn audience(text: &str, clients: u64, topics: Option<u32>) -> Result<TraceAudience, String> {
    let expected = "expected `all`, `user:<client index>` or `topic:<topic index>`";
    let (kind, index) = text
        .split_once(':')
        .ok_or_else(|| format!("audience \"{text}\": {expected}"))?;
    let index: u32 = index
        .trim()
        .parse()
        .map_err(|_| format!("audience \"{text}\": {expected}"))?;
    match kind.trim() {
        "user" if (index as u64) < clients => Ok(TraceAudience::User(index)),
        "user" => Err(format!(
            "audience \"{text}\": the scenario has {clients} clients (numbered from 0)"
        )),
        "topic" => match topics {
            Some(n) if index < n => Ok(TraceAudience::Topic(index)),
            Some(n) => Err(format!(
                "audience \"{text}\": the scenario has {n} topics (numbered from 0)"
            )),
            None => Err(format!(
                "audience \"{text}\": topics need `workload.events.audience: {{ topics: N, ... }}`"
            )),
        },
        _ => Err(format!("audience \"{text}\": {expected}")),
    }
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
    if bytes > MAX_PAYLOAD_BYTES {
        return Err(format!(
            "{bytes} bytes; the limit is {MAX_PAYLOAD_BYTES} bytes (1 GiB) for a payload"
        ));
    }
    Ok(bytes)
}
