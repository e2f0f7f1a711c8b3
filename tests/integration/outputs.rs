//! Data ready for analysis (issue 16): the CSV files name their units, mean one thing per
//! column name, and hold the same numbers as the JSON; threshold verdicts carry their units
//! and survive a merge of shards byte for byte; and `docs/outputs.md` documents every file
//! and every column that a run and a sweep write, and nothing they do not.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{folder_with as setup, rtsim_in as rtsim};
use serde_json::Value;

/// Two variants on a radio link, with a server crash (reconnects), a WebSocket without
/// reconnect (disconnected clients) and thresholds of every unit.
const RUN: &str = "\
name: data
seed: 5
duration: 20s
warmup: 2s
network:
  lte: { latency: 40ms, bandwidth: 20Mbit/s, upload: 5Mbit/s, radio: { technology: lte } }
clients:
  phones: { count: 4, link: lte }
workload:
  events: { source: poisson, rate: 1/s, payload: 100B }
faults:
  - { at: 8500ms, crash: { restart_after: 2s } }
transports:
  - { label: sse, sse: { retry: 1s } }
  - { label: ws, websocket: {} }
assert:
  - sse.latency.p99 < 10s
  - sse.bytes_down_per_client_hour < 50MB
  - sse.cpu_utilisation < 50%
  - sse.requests_per_second < 1000
  - sse.energy.joules_per_client_hour < 100000
  - sse.imbalance.cpu < 2
  - ws.disconnected_clients < 100
";

/// A sweep over an axis of every kind: a count, a duration, a size, a bandwidth, a rate, a
/// percentage and a name; with thresholds of every unit.
const SWEEP: &str = "\
name: swept-data
seed: 9
duration: 10s
network: { n: { latency: 10ms, bandwidth: 10Mbit/s } }
clients: { u: { count: 3, link: n } }
workload: { events: { source: poisson, rate: 1/s, payload: 100B } }
transports:
  - { label: poll, polling: { interval: 1s } }
  - { label: sse, sse: {} }
assert:
  - sse.latency.p99 < 30s
  - poll.bytes_down_per_client_hour < 50MB
  - poll.cpu_utilisation < 0.5
  - poll.requests_per_second > 0.1
  - poll.events.lost < 1
sweep:
  clients.u.count: [3]
  network.n.latency: [10ms, 1.5s]
  workload.events.payload: [1KiB]
  network.n.bandwidth: [10Mbit/s]
  workload.events.rate: [120/min]
  network.n.loss: [0.5%]
  workload.events.source: [poisson, periodic]
";

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file))
        .unwrap_or_else(|e| panic!("{}: {e}", dir.join(file).display()))
}

/// A CSV text as its header and rows, each row a map from column to cell.
fn table(text: &str) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(r.len(), header.len(), "a row of another width: {r:?}");
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    (header, rows)
}

fn num(row: &BTreeMap<String, String>, column: &str) -> f64 {
    let cell = row
        .get(column)
        .unwrap_or_else(|| panic!("no column {column}"));
    cell.parse()
        .unwrap_or_else(|e| panic!("{column} = {cell:?} is not a number: {e}"))
}

fn outputs_doc() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/outputs.md")).unwrap()
}

/// The section of `doc` under the heading line `heading`, up to the next `## ` heading.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let start = doc
        .find(&format!("\n{heading}\n"))
        .unwrap_or_else(|| panic!("docs/outputs.md has no `{heading}`"))
        + heading.len()
        + 2;
    let end = doc[start..].find("\n## ").map_or(doc.len(), |e| start + e);
    &doc[start..end]
}

/// The rows of the first table in `text` whose header line starts with `header`, as cells.
fn doc_table(text: &str, header: &str) -> Vec<Vec<String>> {
    let rows: Vec<Vec<String>> = text
        .lines()
        .skip_while(|l| !l.starts_with(header))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|row| {
            row.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert!(!rows.is_empty(), "no table starting {header:?} in:\n{text}");
    rows
}

/// The names in backticks in a table cell: "`a`, `b` (and `c` with `--x`)" gives a, b, c, --x.
fn backticked(cell: &str) -> Vec<String> {
    cell.split('`')
        .skip(1)
        .step_by(2)
        .map(String::from)
        .collect()
}

/// The columns a `| column | meaning |` table of `heading`'s section documents, in order.
fn documented_columns(doc: &str, heading: &str) -> Vec<String> {
    doc_table(section(doc, heading), "| column")
        .iter()
        .flat_map(|row| backticked(&row[0]))
        .collect()
}

/// Runs [`RUN`] and [`SWEEP`] (whole and in two shards, merged) in a fresh folder.
fn outputs() -> tempfile::TempDir {
    let dir = setup(RUN);
    let d = dir.path();
    std::fs::write(d.join("sweep.yaml"), SWEEP).unwrap();
    let (code, _, err) = rtsim(d, &["run", "s.yaml", "--out", "run"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = rtsim(d, &["sweep", "sweep.yaml", "--out", "sweep", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let out = format!("part{k}");
        let args = [
            "sweep",
            "sweep.yaml",
            "--out",
            &out,
            "--shard",
            &shard,
            "--quiet",
        ];
        let (code, _, err) = rtsim(d, &args);
        assert_eq!(code, 0, "{err}");
    }
    let (code, _, err) = rtsim(d, &["merge", "part2", "part1", "--out", "merged"]);
    assert_eq!(code, 0, "{err}");
    dir
}

#[test]
fn docs_list_every_file_and_every_column_written_and_no_other() {
    let dir = outputs();
    let d = dir.path();
    let doc = outputs_doc();

    // Files: each one written is in the table of files, each one listed is written (PNG
    // charts only with `--png`, a build feature).
    let files: Vec<String> = doc_table(&doc, "| file |")
        .iter()
        .flat_map(|row| backticked(&row[0]))
        .filter(|f| !f.starts_with("--"))
        .collect();
    let listed = |name: &str| {
        files.iter().any(|f| match f.strip_prefix('*') {
            Some(ext) => name.ends_with(ext),
            None => f == name,
        })
    };
    let mut written = std::collections::BTreeSet::new();
    for folder in ["run", "sweep", "merged"] {
        for entry in std::fs::read_dir(d.join(folder)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(
                listed(&name),
                "{folder}/{name} is not in the table of files of docs/outputs.md"
            );
            written.insert(name);
        }
    }
    for file in &files {
        let made = match file.strip_prefix('*') {
            Some(".png") => true,
            Some(ext) => written.iter().any(|w| w.ends_with(ext)),
            None => written.contains(file),
        };
        assert!(
            made,
            "docs/outputs.md lists {file}, which no run or sweep wrote"
        );
    }

    // runs.csv: exactly the documented columns, in order.
    let (runs, _) = table(&read(&d.join("run"), "runs.csv"));
    assert_eq!(documented_columns(&doc, "## runs.csv"), runs);
    assert_eq!(runs, rtsim::report::runs_header());

    // sweep.csv: its own columns, one or two per swept parameter, then runs.csv's from
    // `variant` on.
    let documented = documented_columns(&doc, "## sweep.csv");
    let (fixed, patterns): (Vec<&String>, Vec<&String>) =
        documented.iter().partition(|c| !c.starts_with("<path>"));
    let suffixes: Vec<&str> = patterns
        .iter()
        .filter_map(|p| p.strip_prefix("<path>"))
        .filter(|s| !s.is_empty())
        .collect();
    let (sweep, _) = table(&read(&d.join("sweep"), "sweep.csv"));
    assert_eq!(sweep[..fixed.len()].iter().collect::<Vec<_>>(), fixed);
    let variant = sweep.iter().position(|c| c == "variant").unwrap();
    assert_eq!(
        sweep[variant..],
        runs[2..],
        "sweep.csv after its parameters"
    );
    let axes: Vec<String> = SWEEP
        .lines()
        .skip_while(|l| *l != "sweep:")
        .skip(1)
        .map(|l| l.trim().split(':').next().unwrap().to_string())
        .collect();
    let mut expected = Vec::new();
    let mut suffixes_seen = Vec::new();
    for (axis, suffix) in axes.iter().zip([
        None,
        Some("_ms"),
        Some("_bytes"),
        Some("_bits_per_s"),
        Some("_per_s"),
        Some("_fraction"),
        None,
    ]) {
        expected.push(axis.clone());
        if let Some(suffix) = suffix {
            assert!(suffixes.contains(&suffix), "{suffix} is not documented");
            expected.push(format!("{axis}{suffix}"));
            suffixes_seen.push(suffix);
        }
    }
    let mut params: Vec<String> = sweep[fixed.len()..variant].to_vec();
    // The axes may be written in another order than the file's; each parameter's columns
    // stay together.
    let mut grouped: Vec<Vec<String>> = Vec::new();
    for column in params.drain(..) {
        match grouped.last_mut() {
            Some(group) if column.starts_with(&format!("{}_", group[0])) => group.push(column),
            _ => grouped.push(vec![column]),
        }
    }
    grouped.sort();
    let mut expected_grouped: Vec<Vec<String>> = Vec::new();
    for column in expected {
        match expected_grouped.last_mut() {
            Some(group) if column.starts_with(&format!("{}_", group[0])) => group.push(column),
            _ => expected_grouped.push(vec![column]),
        }
    }
    expected_grouped.sort();
    assert_eq!(grouped, expected_grouped, "sweep.csv's parameter columns");
    suffixes_seen.sort();
    let mut all = suffixes.clone();
    all.sort();
    assert_eq!(suffixes_seen, all, "every documented suffix is tested");

    // series.csv: the documented columns, and the documented series with their units.
    let (series, rows) = table(&read(&d.join("run"), "series.csv"));
    assert_eq!(documented_columns(&doc, "## series.csv"), series);
    let documented: Vec<(String, String)> = doc_table(section(&doc, "## series.csv"), "| series")
        .iter()
        .map(|row| {
            (
                backticked(&row[0])[0].clone(),
                backticked(&row[1])[0].clone(),
            )
        })
        .collect();
    let mut written: Vec<(String, String)> = Vec::new();
    for row in &rows {
        let pair = (row["series"].clone(), row["unit"].clone());
        if !written.contains(&pair) {
            written.push(pair);
        }
    }
    assert_eq!(documented, written);
}

/// `--out`'s help names every file `run` and `sweep` write there (charts as `*.svg`), a
/// shard's included, and so does the command's description.
#[test]
fn the_out_help_lists_every_file_written() {
    let dir = outputs();
    let d = dir.path();
    for (command, folders) in [("run", &["run"][..]), ("sweep", &["sweep", "part1"][..])] {
        let (code, help, err) = rtsim(d, &[command, "--help"]);
        assert_eq!(code, 0, "{err}");
        let out = help
            .split("--out <DIR>")
            .nth(1)
            .and_then(|rest| rest.split("\n      --").next())
            .unwrap_or_else(|| panic!("no --out in {command} --help: {help}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        // The command's one-paragraph description (also in `rtsim --help`) names them too,
        // the SVG files as "the charts".
        let about = help
            .split("\n\nUsage:")
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for folder in folders {
            for entry in std::fs::read_dir(d.join(folder)).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                let named = match name.rsplit_once('.') {
                    Some((_, "svg")) => "*.svg".to_string(),
                    _ => name.clone(),
                };
                assert!(
                    out.contains(&named),
                    "`rtsim {command} --help` does not name {folder}/{name} under --out: {out}"
                );
                let described = if named == "*.svg" {
                    "the charts"
                } else {
                    &name
                };
                assert!(
                    about.contains(described),
                    "`rtsim {command} --help` does not name {folder}/{name} in its description: {about}"
                );
            }
        }
    }
}

/// The CSV files hold the JSON's numbers, in the units their names say.
#[test]
fn csv_columns_hold_the_json_numbers_in_the_units_they_name() {
    let dir = outputs();
    let d = dir.path();
    let summary: Value = serde_json::from_str(&read(&d.join("run"), "summary.json")).unwrap();
    let (_, runs) = table(&read(&d.join("run"), "runs.csv"));
    assert_eq!(runs.len(), 2);
    for (i, (row, result)) in runs
        .iter()
        .zip(summary["results"].as_array().unwrap())
        .enumerate()
    {
        assert_eq!(row["scenario"], "data");
        assert_eq!(row["run"], i.to_string());
        assert_eq!(row["variant"], i.to_string());
        assert_eq!(row["label"], result["label"].as_str().unwrap());
        assert_eq!(row["stopped"], "");
        let json = |path: &str| {
            path.split('.')
                .fold(result, |v, key| match key.parse::<usize>() {
                    Ok(i) => &v[i],
                    Err(_) => &v[key],
                })
                .as_f64()
                .unwrap_or_else(|| panic!("{path} in summary.json"))
        };
        assert_eq!(num(row, "latency_p99_ms"), json("latency.p99_ms"));
        assert_eq!(
            num(row, "down_total_bytes_per_client_hour"),
            json("bytes_down_per_client_hour.total")
        );
        assert_eq!(num(row, "requests_per_s"), json("requests_per_second"));
        assert_eq!(
            num(row, "cpu_utilisation_fraction"),
            json("cpu_utilisation")
        );
        assert_eq!(num(row, "reconnects"), json("totals.reconnects"));
        assert_eq!(
            num(row, "disconnected_clients"),
            json("disconnected_clients")
        );
        assert_eq!(num(row, "events_delivered"), json("ledger.delivered"));
        assert_eq!(
            num(row, "energy_joules_per_client_hour"),
            json("energy.0.joules_per_client_hour")
        );
        let share = num(row, "energy_high_power_fraction");
        assert!((0.0..=1.0).contains(&share) && share > 0.0, "{share}");
        assert_eq!(row["empty_response_fraction"], "", "no polls");
    }
    // The crash cut both variants; SSE came back, the WebSocket did not.
    assert!(num(&runs[0], "reconnects") > 0.0, "{:?}", runs[0]);
    assert_eq!(num(&runs[0], "disconnected_clients"), 0.0);
    assert!(num(&runs[1], "disconnected_clients") > 0.0, "{:?}", runs[1]);

    // series.csv: series.json in long format.
    let series: Value = serde_json::from_str(&read(&d.join("run"), "series.json")).unwrap();
    let (_, rows) = table(&read(&d.join("run"), "series.csv"));
    let mut at = 0;
    for (variant, s) in series.as_array().unwrap().iter().enumerate() {
        for (name, unit) in rtsim::report::SERIES {
            let values = s["series"][name].as_array().unwrap();
            for (second, value) in values.iter().enumerate() {
                let row = &rows[at];
                at += 1;
                assert_eq!(row["variant"], variant.to_string());
                assert_eq!(row["label"], s["label"].as_str().unwrap());
                assert_eq!((row["series"].as_str(), row["unit"].as_str()), (name, unit));
                assert_eq!(row["time_s"], second.to_string());
                match value.as_f64() {
                    Some(v) => assert_eq!(num(row, "value"), v, "{row:?}"),
                    None => assert_eq!(row["value"], "", "{row:?}"),
                }
            }
        }
    }
    assert_eq!(at, rows.len());

    // sweep.csv: swept quantities as numbers beside the text, runs numbered over the sweep.
    let sweep: Value = serde_json::from_str(&read(&d.join("sweep"), "sweep.json")).unwrap();
    let (_, rows) = table(&read(&d.join("sweep"), "sweep.csv"));
    assert_eq!(rows.len(), 8);
    for row in &rows {
        let (point, variant) = (num(row, "point") as usize, num(row, "variant") as usize);
        assert_eq!(num(row, "run") as usize, point * 2 + variant);
        assert_eq!(row["scenario"], "swept-data");
        let params = &sweep["points"][point]["params"];
        let param = |path: &str| {
            params
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p[0] == path)
                .unwrap()[1]
                .as_str()
                .unwrap()
                .to_string()
        };
        for path in [
            "network.n.latency",
            "workload.events.source",
            "clients.u.count",
        ] {
            assert_eq!(row[path], param(path));
        }
        let latency_ms = match param("network.n.latency").as_str() {
            "10ms" => 10.0,
            "1.5s" => 1500.0,
            other => panic!("{other}"),
        };
        assert_eq!(num(row, "network.n.latency_ms"), latency_ms);
        assert_eq!(num(row, "clients.u.count"), 3.0);
        assert_eq!(num(row, "workload.events.payload_bytes"), 1024.0);
        assert_eq!(num(row, "network.n.bandwidth_bits_per_s"), 1e7);
        assert_eq!(num(row, "workload.events.rate_per_s"), 2.0);
        assert_eq!(num(row, "network.n.loss_fraction"), 0.005);
        assert!(!row.contains_key("workload.events.source_text"));
        let result = &sweep["points"][point]["results"][variant];
        assert_eq!(row["label"], result["label"].as_str().unwrap());
        match result["latency"]["p99_ms"].as_f64() {
            Some(p99) => assert_eq!(num(row, "latency_p99_ms"), p99),
            None => assert_eq!(row["latency_p99_ms"], "", "no latency: an empty cell"),
        }
    }
}

/// Threshold verdicts say their unit in JSON and in text, and a merge of shards writes the
/// unsharded sweep's files byte for byte, verdicts and all.
#[test]
fn threshold_values_carry_units_and_merge_reproduces_them() {
    let dir = outputs();
    let d = dir.path();
    let summary: Value = serde_json::from_str(&read(&d.join("run"), "summary.json")).unwrap();
    let units: Vec<(&str, &str)> = summary["assertions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["metric"].as_str().unwrap(), a["unit"].as_str().unwrap()))
        .collect();
    assert_eq!(
        units,
        [
            ("latency.p99", "ns"),
            ("bytes_down_per_client_hour", "bytes"),
            ("cpu_utilisation", "fraction"),
            ("requests_per_second", "per_s"),
            ("energy.joules_per_client_hour", "joules"),
            ("imbalance.cpu", "ratio"),
            ("disconnected_clients", "count"),
        ]
    );
    let first = &summary["assertions"][0];
    assert_eq!(
        first["threshold"].as_f64(),
        Some(10e9),
        "10s in ns: {first}"
    );
    assert_eq!(
        first["value"].as_f64().unwrap(),
        summary["results"][0]["latency"]["p99_ms"].as_f64().unwrap() * 1e6
    );
    let bytes = &summary["assertions"][1];
    assert_eq!(bytes["threshold"].as_f64(), Some(50e6), "{bytes}");
    assert_eq!(summary["assertions"][2]["threshold"].as_f64(), Some(0.5));

    // The text: each verdict with the measured value in a readable unit.
    let (_, _, err) = rtsim(d, &["run", "s.yaml", "--out", "again"]);
    for (metric, unit) in [
        ("latency.p99 < 10s", " ms)"),
        ("bytes_down_per_client_hour < 50MB", "B)"),
        ("cpu_utilisation < 50%", "%)"),
        ("requests_per_second < 1000", "/s)"),
        ("energy.joules_per_client_hour < 100000", " J)"),
    ] {
        let line = err
            .lines()
            .find(|l| l.contains(metric))
            .unwrap_or_else(|| panic!("no verdict on {metric}:\n{err}"));
        assert!(
            line.starts_with("PASS ") && line.contains("(measured ") && line.ends_with(unit),
            "{line}"
        );
    }

    // The sweep: the verdicts' units, and the merged files equal to the unsharded ones.
    let sweep = read(&d.join("sweep"), "sweep.json");
    let json: Value = serde_json::from_str(&sweep).unwrap();
    let units: Vec<&str> = json["points"][0]["assertions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["ns", "bytes", "fraction", "per_s", "count"]);
    for file in ["sweep.json", "sweep.csv", "report.html"] {
        assert!(
            read(&d.join("sweep"), file) == read(&d.join("merged"), file),
            "merged {file} differs from the unsharded one"
        );
    }
    let part: Value = serde_json::from_str(&read(&d.join("part1"), "sweep.json")).unwrap();
    assert!(part["points"][0]["assertions"][0]["unit"] == "ns");
}
