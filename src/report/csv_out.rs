//! The CSV files, for pandas, R or a spreadsheet: `runs.csv` (one row per run of `rtsim run`),
//! `sweep.csv` (one row per run of a sweep: the same columns with the point and its swept
//! parameters) and `series.csv` (the time series of `series.json` in long format). With
//! replications, `runs.csv` and `sweep.csv` have a `replication` column: a replication's
//! number on its rows, `mean` or `ci95_half_width` on each variant's summary rows.
//!
//! Every column that has a unit ends with it: `_ms`, `_bytes`, `_bytes_per_client_hour`,
//! `_per_s`, `_bits_per_s`, `_joules_per_client_hour`, `_fraction` (0 to 1), `_ratio`; a
//! column without one is a count, an index, a seed or text. A column name means the same in every file. `docs/outputs.md` documents each
//! column, and a test compares its tables with the headers written here.

use crate::PointResult;
use crate::metrics::RunResult;
use crate::metrics::registry;
use crate::scenario::sweep::{Axis, AxisValues};
use crate::units::{Bandwidth, ByteSize, Duration, Percent, Rate};

/// A measure's column: its name and its cell for a run (empty when the run has no value).
type Column = (&'static str, fn(&RunResult) -> String);

fn opt(v: Option<f64>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

/// The value of a registry metric (the same number as a threshold or a chart reads).
fn metric(name: &str, r: &RunResult) -> String {
    opt(registry::metric(name).and_then(|(_, read)| read(r)))
}

/// The columns of a run after its identity (`scenario`, `run`, and in `sweep.csv` `point`
/// and the swept parameters), in order.
const COLUMNS: &[Column] = &[
    ("label", |r| r.label.clone()),
    ("transport", |r| r.transport.clone()),
    ("seed", |r| r.seed.to_string()),
    ("clients", |r| r.clients.to_string()),
    ("stopped", |r| {
        r.stopped
            .as_ref()
            .map_or(String::new(), |s| s.reason.as_str().to_string())
    }),
    ("latency_mean_ms", |r| {
        opt(r.latency.as_ref().map(|l| l.mean_ms))
    }),
    ("latency_p50_ms", |r| {
        opt(r.latency.as_ref().map(|l| l.p50_ms))
    }),
    ("latency_p90_ms", |r| {
        opt(r.latency.as_ref().map(|l| l.p90_ms))
    }),
    ("latency_p99_ms", |r| {
        opt(r.latency.as_ref().map(|l| l.p99_ms))
    }),
    ("latency_max_ms", |r| {
        opt(r.latency.as_ref().map(|l| l.max_ms))
    }),
    ("first_response_mean_ms", |r| {
        opt(r.first_response.as_ref().map(|l| l.mean_ms))
    }),
    ("down_payload_bytes_per_client_hour", |r| {
        r.bytes_down_per_client_hour.payload.to_string()
    }),
    ("down_framing_bytes_per_client_hour", |r| {
        r.bytes_down_per_client_hour.framing.to_string()
    }),
    ("down_tls_bytes_per_client_hour", |r| {
        r.bytes_down_per_client_hour.tls.to_string()
    }),
    ("down_tcpip_bytes_per_client_hour", |r| {
        r.bytes_down_per_client_hour.tcpip.to_string()
    }),
    ("down_retransmit_bytes_per_client_hour", |r| {
        r.bytes_down_per_client_hour.retransmit.to_string()
    }),
    ("down_total_bytes_per_client_hour", |r| {
        r.bytes_down_per_client_hour.total.to_string()
    }),
    ("up_payload_bytes_per_client_hour", |r| {
        r.bytes_up_per_client_hour.payload.to_string()
    }),
    ("up_framing_bytes_per_client_hour", |r| {
        r.bytes_up_per_client_hour.framing.to_string()
    }),
    ("up_tls_bytes_per_client_hour", |r| {
        r.bytes_up_per_client_hour.tls.to_string()
    }),
    ("up_tcpip_bytes_per_client_hour", |r| {
        r.bytes_up_per_client_hour.tcpip.to_string()
    }),
    ("up_retransmit_bytes_per_client_hour", |r| {
        r.bytes_up_per_client_hour.retransmit.to_string()
    }),
    ("up_total_bytes_per_client_hour", |r| {
        r.bytes_up_per_client_hour.total.to_string()
    }),
    ("payload_efficiency_fraction", |r| {
        r.payload_efficiency.to_string()
    }),
    ("requests_per_s", |r| r.requests_per_second.to_string()),
    ("empty_response_fraction", |r| opt(r.empty_response_share)),
    ("polls_skipped", |r| r.polls_skipped.to_string()),
    ("blocked_streams", |r| r.blocked_streams.blocked.to_string()),
    ("still_blocked_streams", |r| {
        r.blocked_streams.still_blocked.to_string()
    }),
    ("connections_opened", |r| {
        r.totals.connections_opened.to_string()
    }),
    ("retransmitted_segments", |r| {
        r.totals.retransmitted_segments.to_string()
    }),
    ("idle_closes", |r| r.totals.idle_closes.to_string()),
    ("packets_down", |r| r.totals.packets_down.to_string()),
    ("packets_up", |r| r.totals.packets_up.to_string()),
    ("reconnects", |r| r.totals.reconnects.to_string()),
    ("peak_open_connections", |r| {
        r.peak_open_connections.to_string()
    }),
    ("disconnected_clients", |r| {
        r.disconnected_clients.to_string()
    }),
    ("cpu_utilisation_fraction", |r| {
        r.cpu_utilisation.to_string()
    }),
    ("mean_cpu_queueing_delay_ms", |r| {
        r.mean_cpu_queueing_delay_ms.to_string()
    }),
    ("peak_memory_bytes", |r| r.peak_memory_bytes.to_string()),
    ("events_created", |r| r.ledger.events.to_string()),
    ("events_generated", |r| r.ledger.generated.to_string()),
    ("events_delivered", |r| r.ledger.delivered.to_string()),
    ("events_lost", |r| r.ledger.lost.to_string()),
    ("events_in_flight", |r| r.ledger.in_flight.to_string()),
    ("imbalance_connections_ratio", |r| {
        r.imbalance.connections.to_string()
    }),
    ("imbalance_cpu_ratio", |r| r.imbalance.cpu.to_string()),
    ("broker_messages", |r| r.broker_messages.to_string()),
    ("messages_to_server_p99_ms", |r| {
        let m = r.messages.as_ref();
        opt(m.and_then(|m| m.to_server.as_ref()).map(|l| l.p99_ms))
    }),
    ("messages_end_to_end_p99_ms", |r| {
        let m = r.messages.as_ref();
        opt(m.and_then(|m| m.end_to_end.as_ref()).map(|l| l.p99_ms))
    }),
    ("messages_lost", |r| {
        opt(r.messages.as_ref().map(|m| m.lost as f64))
    }),
    ("messages_up_bytes_per_message", |r| {
        opt(r.messages.as_ref().map(|m| m.bytes_up_per_message))
    }),
    ("messages_down_bytes_per_message", |r| {
        opt(r.messages.as_ref().map(|m| m.bytes_down_per_message))
    }),
    ("webhook_attempts_per_delivery", |r| {
        opt(r.webhooks.as_ref().map(|w| w.attempts_per_delivery))
    }),
    ("webhook_duplicates", |r| {
        opt(r.webhooks.as_ref().map(|w| w.duplicates as f64))
    }),
    ("webhook_given_up", |r| {
        opt(r.webhooks.as_ref().map(|w| w.given_up as f64))
    }),
    ("history_events_recovered", |r| {
        opt(r.history.as_ref().map(|h| h.events_recovered as f64))
    }),
    ("clients_on_fallback", |r| {
        opt(r.fallback.as_ref().map(|f| f.on_fallback as f64))
    }),
    ("energy_joules_per_client_hour", |r| {
        metric("energy.joules_per_client_hour", r)
    }),
    ("energy_high_power_fraction", |r| {
        metric("energy.high_power_share", r)
    }),
];

/// What a swept parameter's values are, which gives its number column's unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AxisKind {
    /// Plain numbers: the parameter's own column is already numeric.
    Number,
    /// Durations, written in milliseconds (`_ms`).
    Duration,
    /// Byte sizes, in bytes (`_bytes`).
    Size,
    /// Bandwidths, in bits per second (`_bits_per_s`).
    Bandwidth,
    /// Rates (`2/s`, `3/min`), in events per second (`_per_s`).
    Rate,
    /// Percentages, as fractions from 0 to 1 (`_fraction`).
    Percent,
    /// Anything else (names, booleans, mixed kinds): the text only.
    Text,
}

impl AxisKind {
    /// The kinds a value is tried as, in order; the first that reads every value of an
    /// axis is the axis's (`0` is a number, and also a zero duration among durations).
    const TRIED: [AxisKind; 6] = [
        AxisKind::Number,
        AxisKind::Duration,
        AxisKind::Size,
        AxisKind::Bandwidth,
        AxisKind::Rate,
        AxisKind::Percent,
    ];

    /// The kind of an axis whose values are `values`.
    fn of(values: &AxisValues) -> AxisKind {
        AxisKind::TRIED
            .into_iter()
            .find(|kind| values.iter().all(|v| kind.read(&v).is_some()))
            .unwrap_or(AxisKind::Text)
    }

    /// The suffix of the number column, none when there is no number column.
    fn suffix(self) -> Option<&'static str> {
        match self {
            AxisKind::Number | AxisKind::Text => None,
            AxisKind::Duration => Some("_ms"),
            AxisKind::Size => Some("_bytes"),
            AxisKind::Bandwidth => Some("_bits_per_s"),
            AxisKind::Rate => Some("_per_s"),
            AxisKind::Percent => Some("_fraction"),
        }
    }

    /// `value` in the kind's CSV unit.
    fn read(self, value: &str) -> Option<f64> {
        match self {
            AxisKind::Number => value.parse::<f64>().ok().filter(|x| x.is_finite()),
            AxisKind::Duration => value
                .parse::<Duration>()
                .ok()
                .map(|d| d.as_nanos() as f64 / 1e6),
            AxisKind::Size => value.parse::<ByteSize>().ok().map(|b| b.bytes() as f64),
            AxisKind::Bandwidth => value
                .parse::<Bandwidth>()
                .ok()
                .map(|b| b.bits_per_second() as f64),
            AxisKind::Rate => value.parse::<Rate>().ok().map(|r| r.per_second()),
            AxisKind::Percent => value.parse::<Percent>().ok().map(|p| p.fraction()),
            AxisKind::Text => None,
        }
    }
}

/// The header of `runs.csv`.
pub fn runs_header() -> Vec<String> {
    ["scenario", "run", "variant"]
        .into_iter()
        .chain(COLUMNS.iter().map(|(name, _)| *name))
        .map(str::to_string)
        .collect()
}

/// The value of the `replication` column in a replication summary's rows: the mean over
/// the replications, and the half-width of its 95 % confidence interval.
pub const MEAN_ROW: &str = "mean";
pub const HALF_WIDTH_ROW: &str = "ci95_half_width";

/// The cells of a variant's two summary rows ([`MEAN_ROW`], [`HALF_WIDTH_ROW`]) over its
/// replications' cells (`cells[i]`: replication i's, every column of [`COLUMNS`]). A
/// column of numbers gives the mean and half-width over the replications that have a
/// value (empty when none has); a column of words (label, transport) gives the words when
/// every replication says the same; the seed, different in each, is left empty.
fn summary_cells(cells: &[Vec<String>]) -> (Vec<String>, Vec<String>) {
    COLUMNS
        .iter()
        .enumerate()
        .map(|(c, (name, _))| {
            let column: Vec<&str> = cells.iter().map(|row| row[c].as_str()).collect();
            if *name == "seed" {
                return (String::new(), String::new());
            }
            let present: Vec<&str> = column.iter().copied().filter(|v| !v.is_empty()).collect();
            let numbers: Option<Vec<f64>> = present.iter().map(|v| v.parse::<f64>().ok()).collect();
            match numbers
                .as_deref()
                .and_then(crate::metrics::interval::Interval::of)
            {
                Some(i) => (i.mean.to_string(), i.half_width.to_string()),
                None if numbers.is_some() => (String::new(), String::new()),
                None if column.iter().all(|v| *v == column[0]) => {
                    (column[0].to_string(), column[0].to_string())
                }
                None => (String::new(), String::new()),
            }
        })
        .unzip()
}

/// The CSV text of one scenario's runs over replications (`runs[i]`: replication i's
/// results, every variant): with one replication, [`runs_csv`]. With more, a `replication`
/// column after `variant` says which replication a row is (0, 1, ...), and after them
/// each variant has two summary rows, `mean` and `ci95_half_width` in that column, with
/// an empty `run`.
pub fn replicated_runs_csv(scenario: &str, runs: &[&[RunResult]]) -> String {
    if runs.len() <= 1 {
        return runs_csv(scenario, runs.first().copied().unwrap_or_default());
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = runs_header();
    header.insert(3, "replication".into());
    writer.write_record(&header).expect("writing to memory");
    let variants = runs[0].len();
    for (i, rep) in runs.iter().enumerate() {
        for (v, r) in rep.iter().enumerate() {
            let run = i * variants + v;
            let mut record = vec![
                scenario.to_string(),
                run.to_string(),
                v.to_string(),
                i.to_string(),
            ];
            record.extend(COLUMNS.iter().map(|(_, cell)| cell(r)));
            writer.write_record(&record).expect("writing to memory");
        }
    }
    for v in 0..variants {
        let cells: Vec<Vec<String>> = runs
            .iter()
            .map(|rep| COLUMNS.iter().map(|(_, cell)| cell(&rep[v])).collect())
            .collect();
        let (mean, half_width) = summary_cells(&cells);
        for (marker, values) in [(MEAN_ROW, mean), (HALF_WIDTH_ROW, half_width)] {
            let mut record = vec![scenario.to_string(), String::new(), v.to_string()];
            record.push(marker.to_string());
            record.extend(values);
            writer.write_record(&record).expect("writing to memory");
        }
    }
    finish(writer)
}

/// The CSV text of one scenario's runs (`runs.csv`): `scenario` is its name.
pub fn runs_csv(scenario: &str, results: &[RunResult]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(runs_header())
        .expect("writing to memory");
    for (index, r) in results.iter().enumerate() {
        let mut record = vec![scenario.to_string(), index.to_string(), index.to_string()];
        record.extend(COLUMNS.iter().map(|(_, cell)| cell(r)));
        writer.write_record(&record).expect("writing to memory");
    }
    finish(writer)
}

/// The CSV text of a sweep (`sweep.csv`): the columns of `runs.csv` with `point` and the
/// swept parameters after `run`. Each parameter has a column named by its path holding the
/// value as written (`10ms`), and when the values are quantities, a column with the number
/// in a unit its name ends with (`<path>_ms`: `10`). Rows are in the order of `points`,
/// then variant.
pub fn sweep_csv(scenario: &str, axes: &[Axis], points: &[PointResult]) -> String {
    let kinds: Vec<AxisKind> = axes.iter().map(|a| AxisKind::of(&a.values)).collect();
    let replicated = points.iter().any(|p| p.replications.is_some());
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["scenario".to_string(), "run".into(), "point".into()];
    for (axis, kind) in axes.iter().zip(&kinds) {
        header.push(axis.path.clone());
        if let Some(suffix) = kind.suffix() {
            header.push(format!("{}{suffix}", axis.path));
        }
    }
    header.push("variant".into());
    if replicated {
        header.push("replication".into());
    }
    header.extend(COLUMNS.iter().map(|(name, _)| name.to_string()));
    writer.write_record(&header).expect("writing to memory");
    for point in points {
        let mut params = Vec::with_capacity(2 * axes.len());
        for ((_, value), kind) in point.params.iter().zip(&kinds) {
            params.push(value.clone());
            if kind.suffix().is_some() {
                params.push(opt(kind.read(value)));
            }
        }
        let runs: Vec<&[RunResult]> = match &point.replications {
            Some(replications) => replications.all(&point.results),
            None => vec![&point.results],
        };
        let variants = point.results.len();
        for (i, rep) in runs.iter().enumerate() {
            for (v, r) in rep.iter().enumerate() {
                // Run numbers count every earlier point's runs, shard or not.
                let run = (point.point * runs.len() + i) * variants + v;
                let mut record = vec![
                    scenario.to_string(),
                    run.to_string(),
                    point.point.to_string(),
                ];
                record.extend(params.iter().cloned());
                record.push(v.to_string());
                if replicated {
                    record.push(i.to_string());
                }
                record.extend(COLUMNS.iter().map(|(_, cell)| cell(r)));
                writer.write_record(&record).expect("writing to memory");
            }
        }
        if runs.len() <= 1 {
            continue;
        }
        for v in 0..variants {
            let cells: Vec<Vec<String>> = runs
                .iter()
                .map(|rep| COLUMNS.iter().map(|(_, cell)| cell(&rep[v])).collect())
                .collect();
            let (mean, half_width) = summary_cells(&cells);
            for (marker, values) in [(MEAN_ROW, mean), (HALF_WIDTH_ROW, half_width)] {
                let mut record = vec![scenario.to_string(), String::new(), point.point.to_string()];
                record.extend(params.iter().cloned());
                record.push(v.to_string());
                record.push(marker.to_string());
                record.extend(values);
                writer.write_record(&record).expect("writing to memory");
            }
        }
    }
    finish(writer)
}

/// The header of `series.csv`.
pub const SERIES_HEADER: [&str; 7] = [
    "scenario", "variant", "label", "series", "time_s", "value", "unit",
];

/// The series of `series.json` in `series.csv`, in order, with their units: each value is
/// that of the second from `time_s` to `time_s + 1` (the last: to the end of the run).
pub const SERIES: [(&str, &str); 6] = [
    ("connections", "count"),
    ("new_connections", "count"),
    ("requests", "count"),
    ("reconnects", "count"),
    ("cpu_utilisation", "fraction"),
    ("latency_mean_ms", "ms"),
];

/// The time series of `series.json` in long format (`series.csv`): one row per variant,
/// series and simulated second; an empty value where the series has none (no event was
/// delivered in that second).
pub fn series_csv(scenario: &str, results: &[RunResult]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(SERIES_HEADER)
        .expect("writing to memory");
    for (variant, r) in results.iter().enumerate() {
        let s = &r.series;
        let counts = |v: &[u64]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let columns: [Vec<String>; 6] = [
            counts(&s.connections),
            counts(&s.new_connections),
            counts(&s.requests),
            counts(&s.reconnects),
            s.cpu_utilisation.iter().map(|x| x.to_string()).collect(),
            s.latency_mean_ms.iter().map(|x| opt(*x)).collect(),
        ];
        for ((name, unit), values) in SERIES.iter().zip(columns) {
            for (second, value) in values.into_iter().enumerate() {
                writer
                    .write_record([
                        scenario,
                        &variant.to_string(),
                        &r.label,
                        name,
                        &second.to_string(),
                        &value,
                        unit,
                    ])
                    .expect("writing to memory");
            }
        }
    }
    finish(writer)
}

fn finish(writer: csv::Writer<Vec<u8>>) -> String {
    String::from_utf8(writer.into_inner().expect("flushing memory")).expect("CSV of UTF-8 fields")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(values: &[&str]) -> AxisKind {
        AxisKind::of(&AxisValues::List(
            values.iter().map(|v| v.to_string()).collect(),
        ))
    }

    #[test]
    fn axes_are_read_as_the_kind_every_value_has() {
        assert_eq!(kind(&["10", "1e3", "2.5"]), AxisKind::Number);
        assert_eq!(kind(&["0", "10ms", "1.5s"]), AxisKind::Duration);
        assert_eq!(kind(&["100B", "1KiB"]), AxisKind::Size);
        assert_eq!(kind(&["1Mbit/s", "10MB/s"]), AxisKind::Bandwidth);
        assert_eq!(kind(&["2/s", "3/min"]), AxisKind::Rate);
        assert_eq!(kind(&["5%", "0.5%"]), AxisKind::Percent);
        assert_eq!(kind(&["round_robin", "least_connections"]), AxisKind::Text);
        assert_eq!(kind(&["10ms", "1KB"]), AxisKind::Text);
        assert_eq!(kind(&["1", "nan"]), AxisKind::Text);
    }

    #[test]
    fn quantities_are_numbers_in_the_column_unit() {
        assert_eq!(AxisKind::Duration.read("1.5s"), Some(1500.0));
        assert_eq!(AxisKind::Duration.read("100us"), Some(0.1));
        assert_eq!(AxisKind::Size.read("1KiB"), Some(1024.0));
        assert_eq!(AxisKind::Size.read("1KB"), Some(1000.0));
        assert_eq!(AxisKind::Bandwidth.read("10Mbit/s"), Some(1e7));
        assert_eq!(AxisKind::Bandwidth.read("1KB/s"), Some(8000.0));
        assert_eq!(AxisKind::Rate.read("3/min"), Some(0.05));
        assert_eq!(AxisKind::Percent.read("5%"), Some(0.05));
    }

    #[test]
    fn column_names_are_unique() {
        let header = runs_header();
        let mut sorted = header.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), header.len(), "{header:?}");
    }

    #[test]
    fn summary_rows_average_numbers_copy_words_and_leave_the_seed_out() {
        let column = |name: &str| COLUMNS.iter().position(|(n, _)| *n == name).unwrap();
        let row = |seed: &str, p99: &str, label: &str| {
            let mut cells = vec![String::new(); COLUMNS.len()];
            cells[column("seed")] = seed.into();
            cells[column("latency_p99_ms")] = p99.into();
            cells[column("label")] = label.into();
            cells
        };
        // Three replications; the third delivered nothing (no p99).
        let cells = [
            row("7", "10", "sse"),
            row("99", "14", "sse"),
            row("5", "", "sse"),
        ];
        let (mean, half_width) = summary_cells(&cells);
        assert_eq!(mean[column("latency_p99_ms")], "12");
        // Two values 10 and 14: s = 2.828, t(0.975, 1) = 12.706, half-width 25.41.
        let h: f64 = half_width[column("latency_p99_ms")].parse().unwrap();
        assert!(
            (h - 12.70620474 * 8f64.sqrt() / 2f64.sqrt()).abs() < 1e-9,
            "{h}"
        );
        assert_eq!(mean[column("label")], "sse");
        assert_eq!(mean[column("seed")], "");
        assert_eq!(half_width[column("seed")], "");
        // A column no replication has a value of stays empty.
        assert_eq!(mean[column("latency_p50_ms")], "");
    }
}
