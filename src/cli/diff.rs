//! `rtsim diff A B`: compare two results folders metric by metric, for regression checks.
//!
//! Both folders are read from the JSON the run wrote (`summary.json` of `rtsim run`, or
//! `sweep.json` of `rtsim sweep` / `rtsim merge`), not from the CSV files. Each variant's
//! result (and each sweep point's) is flattened into its numeric leaves, named by their
//! path in the JSON (`latency.p99_ms`, `totals.bytes.down.payload`, `hops[access:dsl].bytes.up.tls`);
//! list items that carry a name (a hop, a group, a proxy, a receiver, a replica) are named
//! by it, others by their position. Left out: the variant's identity (`label`,
//! `transport`, `grpc_mode`, `seed`), `latency_cdf` (its percentiles are under `latency`)
//! and `stopped` (a run that stopped early is reported as a warning instead). Sweep
//! points are matched by their parameters, not their numbers. With replications, each
//! variant's mean and confidence half-width of every registry metric are compared too
//! (`replications.mean.latency.p99`, `replications.half_width.latency.p99`), beside
//! replication 0's figures.
//!
//! A few counters are written only when they are not 0 (`totals.queued_at_end`,
//! `ledger.lost_by_reason.given_up`): a number missing from a section that the other side
//! has is read as 0. A number under a `null` (a latency where nothing was delivered), or in
//! a section, list item, variant or point missing altogether, is "only in A" or "only in B".

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use clap::Args;
use rtsim::report::provenance::{Command, PROVENANCE_FILE, Provenance};
use serde_json::Value;

use super::CliError;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The baseline: a results folder written by `rtsim run --out` (summary.json) or
    /// `rtsim sweep --out` / `rtsim merge --out` (sweep.json), or that file itself.
    #[arg(value_name = "A")]
    pub a: PathBuf,
    /// The results to compare with the baseline, of the same kind (run or sweep).
    #[arg(value_name = "B")]
    pub b: PathBuf,
    /// Exit 1 when any metric moves by more than PCT percent of its value in A (`5` or
    /// `5%`; `0`: any change at all). A metric that goes from 0 to another value, or that
    /// only one side has (a variant, a sweep point, a latency where nothing was
    /// delivered), moves by more than any threshold.
    #[arg(long, value_name = "PCT", value_parser = parse_threshold)]
    pub threshold: Option<f64>,
    /// List every metric compared, also those equal in A and B (by default only those
    /// that differ).
    #[arg(long)]
    pub all: bool,
}

fn parse_threshold(text: &str) -> Result<f64, String> {
    let number = text.trim().strip_suffix('%').unwrap_or(text.trim());
    match number.parse::<f64>() {
        Ok(pct) if pct.is_finite() && pct >= 0.0 => Ok(pct),
        _ => Err(format!(
            "expected a percentage of at least 0, such as `5` or `2.5%`, not `{text}`"
        )),
    }
}

/// What a results folder holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Run,
    Sweep,
}

impl Kind {
    fn file(self) -> &'static str {
        match self {
            Kind::Run => "summary.json",
            Kind::Sweep => "sweep.json",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Sweep => "sweep",
        }
    }
}

/// Where one metric was measured: a sweep point (by its parameters) and a variant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Place {
    /// `name=value` of each swept parameter, in axis order; empty for a run.
    params: String,
    variant: String,
}

/// One part of a metric's path: an object's key, or a list item's name or number.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    Key(String),
    Item(String),
}

/// The path's text: `a.b[name].c`.
fn path_text(steps: &[Step]) -> String {
    let mut text = String::new();
    for step in steps {
        match step {
            Step::Key(key) if text.is_empty() => text.push_str(key),
            Step::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Step::Item(name) => {
                text.push('[');
                text.push_str(name);
                text.push(']');
            }
        }
    }
    text
}

/// A number as read: its value, its text as written, and its path.
#[derive(Debug, Clone)]
struct Leaf {
    value: f64,
    text: String,
    steps: Vec<Step>,
}

/// A results folder read and flattened.
#[derive(Debug)]
struct Results {
    kind: Kind,
    /// The JSON file read.
    file: PathBuf,
    scenario: String,
    seed: Option<u64>,
    /// The point number of each parameter set (0 for a run).
    points: BTreeMap<String, u64>,
    /// Every numeric metric: (place, metric path) -> the number.
    metrics: BTreeMap<(Place, String), Leaf>,
    /// The places (variants at points) present.
    places: HashSet<Place>,
    /// The paths of the objects in each variant's result (list items included), and of the
    /// `null`s: what tells a counter left out for being 0 from one not measured.
    objects: HashSet<(Place, String)>,
    nulls: HashSet<(Place, String)>,
    /// Variants that stopped before the scenario's end, as `point, variant`.
    stopped: Vec<String>,
}

pub fn diff(args: DiffArgs) -> Result<(), CliError> {
    let a = load(&args.a)?;
    let b = load(&args.b)?;
    if a.kind != b.kind {
        return Err(CliError::input(format!(
            "cannot compare a {} ({}) with a {} ({}): give two run folders or two sweep folders",
            a.kind.noun(),
            a.file.display(),
            b.kind.noun(),
            b.file.display()
        )));
    }
    for (side, results) in [("A", &a), ("B", &b)] {
        for place in &results.stopped {
            eprintln!(
                "warning: {side}: {place} stopped before the scenario's end: its figures cover only part of the run"
            );
        }
    }
    let rows = compare(&a, &b, args.threshold);
    let mut text = String::new();
    for (side, results) in [("A", &a), ("B", &b)] {
        text.push_str(&format!(
            "{side}: {} ({} of `{}`{})\n",
            results.file.display(),
            results.kind.noun(),
            results.scenario,
            results
                .seed
                .map_or(String::new(), |seed| format!(", seed {seed}"))
        ));
    }
    text.push('\n');
    let shown: Vec<&Row> = rows
        .iter()
        .filter(|r| args.all || r.change != Change::Same)
        .collect();
    text.push_str(&table(&shown, a.kind, args.threshold));
    if !shown.is_empty() {
        text.push('\n');
    }
    let changed = rows.iter().filter(|r| r.change != Change::Same).count();
    let places: std::collections::BTreeSet<&Place> = rows.iter().map(|r| &r.place).collect();
    let points: std::collections::BTreeSet<&str> =
        places.iter().map(|p| p.params.as_str()).collect();
    let over = rows.iter().filter(|r| r.over).count();
    text.push_str(&format!(
        "{} metrics compared ({}{} variant result(s)): {changed} differ",
        rows.len(),
        if a.kind == Kind::Sweep {
            format!("{} point(s), ", points.len())
        } else {
            String::new()
        },
        places.len(),
    ));
    if let Some(pct) = args.threshold {
        text.push_str(&format!(", {over} by more than {}%", format_number(pct)));
    }
    text.push('\n');
    super::print_stdout(&text)?;
    match args.threshold {
        Some(pct) if over > 0 => Err(CliError::failure(format!(
            "{over} metric(s) moved by more than {}% (marked `!` above)",
            format_number(pct)
        ))),
        _ => Ok(()),
    }
}

/// How a metric changed from A to B.
#[derive(Debug, Clone, PartialEq)]
enum Change {
    Same,
    /// Relative change in percent of A's value (A is not 0).
    Percent(f64),
    /// From 0 to another value.
    FromZero,
    /// Only in B, or only in A.
    New,
    Gone,
}

#[derive(Debug)]
struct Row {
    place: Place,
    point: u64,
    metric: String,
    a: Option<String>,
    b: Option<String>,
    change: Change,
    /// Beyond the threshold.
    over: bool,
}

/// Every metric of A or B, sorted by point number, parameters, variant and metric path.
fn compare(a: &Results, b: &Results, threshold: Option<f64>) -> Vec<Row> {
    let keys: std::collections::BTreeSet<&(Place, String)> =
        a.metrics.keys().chain(b.metrics.keys()).collect();
    let mut rows: Vec<Row> = keys
        .into_iter()
        .map(|key| {
            let (place, metric) = key;
            let other = a.metrics.get(key).or_else(|| b.metrics.get(key));
            let steps = &other.expect("every key comes from A or B").steps;
            let read = |side: &Results| {
                side.metrics
                    .get(key)
                    .map(|leaf| (leaf.value, leaf.text.clone()))
                    .or_else(|| {
                        side.left_out_as_zero(place, steps)
                            .then(|| (0.0, "0".into()))
                    })
            };
            let (va, vb) = (read(a), read(b));
            let change = match (&va, &vb) {
                (Some((x, _)), Some((y, _))) if x == y => Change::Same,
                (Some((x, _)), Some(_)) if *x == 0.0 => Change::FromZero,
                (Some((x, _)), Some((y, _))) => Change::Percent((y - x) / x.abs() * 100.0),
                (None, Some(_)) => Change::New,
                (Some(_), None) => Change::Gone,
                (None, None) => unreachable!("every key comes from A or B"),
            };
            let over = threshold.is_some_and(|pct| match change {
                Change::Same => false,
                Change::Percent(p) => p.abs() > pct,
                Change::FromZero | Change::New | Change::Gone => true,
            });
            let point = a
                .points
                .get(&place.params)
                .or_else(|| b.points.get(&place.params))
                .copied()
                .unwrap_or(0);
            Row {
                place: place.clone(),
                point,
                metric: metric.clone(),
                a: va.map(|(_, text)| text),
                b: vb.map(|(_, text)| text),
                change,
                over,
            }
        })
        .collect();
    rows.sort_by(|x, y| (x.point, &x.place, &x.metric).cmp(&(y.point, &y.place, &y.metric)));
    rows
}

/// The rows as an aligned table (a `point` column for sweeps, with each shown point's
/// parameters listed above it); empty for no rows.
fn table(rows: &[&Row], kind: Kind, threshold: Option<f64>) -> String {
    if rows.is_empty() {
        return String::new();
    }
    let mut text = String::new();
    if kind == Kind::Sweep {
        let mut listed = std::collections::BTreeSet::new();
        for row in rows {
            if listed.insert((row.point, &row.place.params)) {
                text.push_str(&format!("point {}: {}\n", row.point, row.place.params));
            }
        }
        text.push('\n');
    }
    let mut header = Vec::new();
    if kind == Kind::Sweep {
        header.push("point");
    }
    header.extend(["variant", "metric", "A", "B", "change"]);
    let mut cells: Vec<Vec<String>> = vec![header.iter().map(|h| h.to_string()).collect()];
    for row in rows {
        let mut line = Vec::new();
        if kind == Kind::Sweep {
            line.push(row.point.to_string());
        }
        let mut change = match row.change {
            Change::Same => "0%".to_string(),
            Change::Percent(p) => format_percent(p),
            Change::FromZero => "from 0".to_string(),
            Change::New => "only in B".to_string(),
            Change::Gone => "only in A".to_string(),
        };
        if threshold.is_some() {
            change.push_str(if row.over { " !" } else { "  " });
        }
        line.extend([
            row.place.variant.clone(),
            row.metric.clone(),
            row.a.clone().unwrap_or_else(|| "-".into()),
            row.b.clone().unwrap_or_else(|| "-".into()),
            change,
        ]);
        cells.push(line);
    }
    let columns = cells[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            cells
                .iter()
                .map(|l| l[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    // Text columns (variant, metric) to the left, numbers to the right.
    let first_number = columns - 3;
    for line in &cells {
        let mut out = String::new();
        for (c, cell) in line.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            if c > 0 {
                out.push_str("  ");
            }
            let left = c < first_number && !(kind == Kind::Sweep && c == 0);
            if left {
                out.push_str(cell);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str(&" ".repeat(pad));
                out.push_str(cell);
            }
        }
        text.push_str(out.trim_end());
        text.push('\n');
    }
    text
}

/// A relative change: two decimals, or two significant figures when smaller than 0.01 %.
fn format_percent(p: f64) -> String {
    if p.abs() >= 0.01 {
        format!("{p:+.2}%")
    } else {
        format!("{p:+.1e}%")
    }
}

/// A threshold as given (`5`, `2.5`).
fn format_number(x: f64) -> String {
    format!("{x}")
}

/// Reads the results at `path`: a folder holding summary.json or sweep.json, or such a file.
fn load(path: &Path) -> Result<Results, CliError> {
    let expected = "a results folder written by `rtsim run --out` (holding summary.json) or `rtsim sweep --out` / `rtsim merge --out` (holding sweep.json)";
    let shown = path.display();
    let (kind, file) = if path.is_file() {
        match path.file_name().and_then(|n| n.to_str()) {
            Some("summary.json") => (Kind::Run, path.to_path_buf()),
            Some("sweep.json") => (Kind::Sweep, path.to_path_buf()),
            _ => {
                return Err(CliError::input(format!(
                    "{shown} is neither a folder nor a summary.json or sweep.json; expected {expected}"
                )));
            }
        }
    } else if path.is_dir() {
        let summary = path.join(Kind::Run.file());
        let sweep = path.join(Kind::Sweep.file());
        let kind = match (summary.is_file(), sweep.is_file()) {
            (true, false) => Kind::Run,
            (false, true) => Kind::Sweep,
            (false, false) => {
                return Err(CliError::input(format!(
                    "{shown} is not a results folder: it holds neither summary.json nor sweep.json; expected {expected}"
                )));
            }
            // Both: the command that wrote the folder last decides, as for `rtsim report`.
            (true, true) => {
                let provenance = path.join(PROVENANCE_FILE);
                match super::report::read_optional(&provenance)? {
                    Some(json) => {
                        match super::report::parse::<Provenance>(&provenance, &json)?.command {
                            Command::Run => Kind::Run,
                            Command::Sweep => Kind::Sweep,
                        }
                    }
                    None => {
                        return Err(CliError::input(format!(
                            "{shown} holds both summary.json and sweep.json and no provenance.json to say which is current: give the file itself, {shown}/summary.json or {shown}/sweep.json"
                        )));
                    }
                }
            }
        };
        (kind, path.join(kind.file()))
    } else if path.exists() {
        return Err(CliError::input(format!(
            "{shown} is neither a folder nor a file; expected {expected}"
        )));
    } else {
        return Err(CliError::input(format!(
            "{shown}: no such folder; expected {expected}"
        )));
    };
    let text = std::fs::read_to_string(&file)
        .map_err(|e| CliError::input(format!("{}: cannot read: {e}", file.display())))?;
    let json: Value = serde_json::from_str(&text)
        .map_err(|e| CliError::input(format!("{}: not JSON: {e}", file.display())))?;
    read_results(kind, file, &json)
}

/// Flattens a summary.json or sweep.json document.
fn read_results(kind: Kind, file: PathBuf, json: &Value) -> Result<Results, CliError> {
    let not_ours = |what: &str| {
        CliError::input(format!(
            "{}: not what rtsim writes there: {what}",
            file.display()
        ))
    };
    let scenario = json
        .get("scenario")
        .and_then(Value::as_str)
        .ok_or_else(|| not_ours("no `scenario` name"))?
        .to_string();
    let seed = json.get("seed").and_then(Value::as_u64);
    let mut results = Results {
        kind,
        file: file.clone(),
        scenario,
        seed,
        points: BTreeMap::new(),
        metrics: BTreeMap::new(),
        places: HashSet::new(),
        objects: HashSet::new(),
        nulls: HashSet::new(),
        stopped: Vec::new(),
    };
    match kind {
        Kind::Run => {
            let variants = json
                .get("results")
                .and_then(Value::as_array)
                .ok_or_else(|| not_ours("no `results` list"))?;
            results.points.insert(String::new(), 0);
            add_variants(&mut results, String::new(), variants).map_err(|e| not_ours(&e))?;
            add_replications(&mut results, String::new(), json.get("replications"))
                .map_err(|e| not_ours(&e))?;
        }
        Kind::Sweep => {
            let points = json
                .get("points")
                .and_then(Value::as_array)
                .ok_or_else(|| not_ours("no `points` list"))?;
            for point in points {
                let number = point
                    .get("point")
                    .and_then(Value::as_u64)
                    .ok_or_else(|| not_ours("a point without its number"))?;
                let params = params_text(point.get("params"))
                    .ok_or_else(|| not_ours("a point without its parameters"))?;
                let variants = point
                    .get("results")
                    .and_then(Value::as_array)
                    .ok_or_else(|| not_ours("a point without its results"))?;
                if results.points.insert(params.clone(), number).is_some() {
                    return Err(not_ours(&format!("two points with parameters {params}")));
                }
                add_variants(&mut results, params.clone(), variants).map_err(|e| not_ours(&e))?;
                add_replications(&mut results, params, point.get("replications"))
                    .map_err(|e| not_ours(&e))?;
            }
        }
    }
    Ok(results)
}

/// A point's `params` (a list of `[path, value]` pairs) as `path=value, path=value`.
fn params_text(params: Option<&Value>) -> Option<String> {
    let pairs = params?.as_array()?;
    let mut parts = Vec::new();
    for pair in pairs {
        let pair = pair.as_array()?;
        let (path, value) = (pair.first()?.as_str()?, pair.get(1)?);
        let value = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        parts.push(format!("{path}={value}"));
    }
    Some(parts.join(", "))
}

/// Keys of a variant's result that are not metrics.
const NOT_METRICS: [&str; 6] = [
    "label",
    "transport",
    "grpc_mode",
    "seed",
    "latency_cdf",
    "stopped",
];

/// Fields that name a list item (the first present and unique in the list is used).
const ITEM_NAMES: [&str; 6] = ["hop", "group", "proxy", "name", "transport", "replica"];

fn add_variants(results: &mut Results, params: String, variants: &[Value]) -> Result<(), String> {
    for variant in variants {
        let label = variant
            .get("label")
            .and_then(Value::as_str)
            .ok_or("a result without its `label`")?
            .to_string();
        if variant.get("stopped").is_some_and(|s| !s.is_null()) {
            results.stopped.push(if params.is_empty() {
                format!("variant `{label}`")
            } else {
                format!("variant `{label}` at {params}")
            });
        }
        let place = Place {
            params: params.clone(),
            variant: label.clone(),
        };
        if !results.places.insert(place.clone()) {
            return Err(format!("variant `{label}` twice"));
        }
        let object = variant
            .as_object()
            .ok_or_else(|| format!("variant `{label}`'s result is not an object"))?;
        let mut found = Found::default();
        for (key, value) in object {
            if !NOT_METRICS.contains(&key.as_str()) {
                flatten(&mut vec![Step::Key(key.clone())], value, &mut found);
            }
        }
        for leaf in found.leaves {
            let metric = path_text(&leaf.steps);
            if results
                .metrics
                .insert((place.clone(), metric.clone()), leaf)
                .is_some()
            {
                return Err(format!("variant `{label}`: metric {metric} twice"));
            }
        }
        for path in found.objects {
            results.objects.insert((place.clone(), path));
        }
        for path in found.nulls {
            results.nulls.insert((place.clone(), path));
        }
    }
    Ok(())
}

/// With replications (a run's or a point's `replications`), each variant's metrics over
/// them: `replications.mean.<metric>` and `replications.half_width.<metric>` (the registry
/// metrics, in their base units), and `replications.count`. Replication 0's own figures are
/// compared as for a single run, beside these.
fn add_replications(
    results: &mut Results,
    params: String,
    replications: Option<&Value>,
) -> Result<(), String> {
    let Some(replications) = replications.filter(|r| !r.is_null()) else {
        return Ok(());
    };
    let count = replications
        .get("count")
        .and_then(Value::as_u64)
        .ok_or("`replications` without its `count`")?;
    let variants = replications
        .get("variants")
        .and_then(Value::as_array)
        .ok_or("`replications` without its `variants`")?;
    for variant in variants {
        let label = variant
            .get("label")
            .and_then(Value::as_str)
            .ok_or("a replications summary without its `label`")?;
        let place = Place {
            params: params.clone(),
            variant: label.to_string(),
        };
        let metrics = variant
            .get("metrics")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("variant `{label}`'s replications without `metrics`"))?;
        let mut leaves = vec![Leaf {
            value: count as f64,
            text: count.to_string(),
            steps: vec![Step::Key("replications".into()), Step::Key("count".into())],
        }];
        for (name, interval) in metrics {
            for part in ["mean", "half_width"] {
                let Some(number) = interval.get(part).and_then(Value::as_number) else {
                    continue;
                };
                leaves.push(Leaf {
                    value: number.as_f64().unwrap_or(f64::NAN),
                    text: number.to_string(),
                    steps: vec![
                        Step::Key("replications".into()),
                        Step::Key(part.into()),
                        Step::Key(name.clone()),
                    ],
                });
            }
        }
        for leaf in leaves {
            let metric = path_text(&leaf.steps);
            if results
                .metrics
                .insert((place.clone(), metric.clone()), leaf)
                .is_some()
            {
                return Err(format!("variant `{label}`: metric {metric} twice"));
            }
        }
    }
    Ok(())
}

impl Results {
    /// Whether a number this side lacks (at `place`, by `steps`) is a counter rtsim left
    /// out for being 0: the variant is here, no part of the path is `null`, and the
    /// nearest part that is here is an object below the result's top level, with only
    /// object keys under it (a list item, a top-level section, a variant or a point that
    /// is missing is missing, not 0).
    fn left_out_as_zero(&self, place: &Place, steps: &[Step]) -> bool {
        if !self.places.contains(place) {
            return false;
        }
        let has = |set: &HashSet<(Place, String)>, n: usize| {
            set.contains(&(place.clone(), path_text(&steps[..n])))
        };
        if has(&self.nulls, steps.len()) {
            return false;
        }
        for n in (1..steps.len()).rev() {
            if has(&self.nulls, n) {
                return false;
            }
            if has(&self.objects, n) {
                return steps[n..].iter().all(|s| matches!(s, Step::Key(_)));
            }
        }
        false
    }
}

/// What [`flatten`] finds under a variant's result.
#[derive(Debug, Default)]
struct Found {
    leaves: Vec<Leaf>,
    /// Paths of objects and of `null`s.
    objects: Vec<String>,
    nulls: Vec<String>,
}

/// Every numeric leaf under `value`, at `path`, and the objects and nulls on the way.
fn flatten(path: &mut Vec<Step>, value: &Value, found: &mut Found) {
    match value {
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                found.leaves.push(Leaf {
                    value: x,
                    text: n.to_string(),
                    steps: path.clone(),
                });
            }
        }
        Value::Object(map) => {
            found.objects.push(path_text(path));
            for (key, inner) in map {
                path.push(Step::Key(key.clone()));
                flatten(path, inner, found);
                path.pop();
            }
        }
        Value::Array(items) => match item_names(items) {
            // Named items: the field that names them is not a metric.
            Some((field, names)) => {
                for (item, name) in items.iter().zip(names) {
                    path.push(Step::Item(name));
                    found.objects.push(path_text(path));
                    for (key, inner) in item.as_object().into_iter().flatten() {
                        if key != field {
                            path.push(Step::Key(key.clone()));
                            flatten(path, inner, found);
                            path.pop();
                        }
                    }
                    path.pop();
                }
            }
            None => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Step::Item(i.to_string()));
                    flatten(path, item, found);
                    path.pop();
                }
            }
        },
        // A metric that was not measured.
        Value::Null => found.nulls.push(path_text(path)),
        // Text and flags are not metrics.
        Value::String(_) | Value::Bool(_) => {}
    }
}

/// The names of a list's items: the first of [`ITEM_NAMES`] that every item has (as text
/// or a number) and no two share, and the names; `None` to number them.
fn item_names(items: &[Value]) -> Option<(&'static str, Vec<String>)> {
    ITEM_NAMES.iter().find_map(|&field| {
        let names: Vec<String> = items
            .iter()
            .map(|item| match item.get(field)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect::<Option<_>>()?;
        let distinct: std::collections::BTreeSet<&String> = names.iter().collect();
        (distinct.len() == names.len()).then_some((field, names))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(json: &str) -> Results {
        let value: Value = serde_json::from_str(json).unwrap();
        read_results(Kind::Run, PathBuf::from("x/summary.json"), &value).unwrap()
    }

    #[test]
    fn metrics_are_named_by_their_json_path_and_list_items_by_their_names() {
        let r = run(r#"{"scenario": "s", "seed": 3, "results": [
            {"label": "ws", "transport": "websocket", "seed": 9, "latency": {"p99_ms": 1.5},
             "latency_cdf": [[0.5, 1.0]], "stopped": null, "grpc_mode": null,
             "hops": [{"hop": "access:dsl", "bytes": 10}],
             "faults": [{"fault": "crash", "at_s": 1}, {"fault": "crash", "at_s": 2}],
             "replicas": [{"replica": 0, "requests": 4}],
             "energy": [{"group": "phones", "technology": "lte", "joules": 2.0}],
             "history": null}]}"#);
        let names: Vec<&str> = r.metrics.keys().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            names,
            [
                "energy[phones].joules",
                "faults[0].at_s",
                "faults[1].at_s",
                "hops[access:dsl].bytes",
                "latency.p99_ms",
                "replicas[0].requests",
            ]
        );
        assert_eq!(r.seed, Some(3));
        assert!(r.stopped.is_empty());
    }

    #[test]
    fn changes_are_relative_to_a_and_sorted() {
        let a = run(r#"{"scenario": "s", "seed": 1, "results": [
            {"label": "b", "x": 100, "y": 0, "z": 5, "same": 2},
            {"label": "a", "x": 10, "gone": 1}]}"#);
        let b = run(r#"{"scenario": "s", "seed": 2, "results": [
            {"label": "b", "x": 104, "y": 1, "z": 5, "same": 2},
            {"label": "a", "x": 5, "new": 1}]}"#);
        let rows = compare(&a, &b, Some(4.5));
        let seen: Vec<(&str, &str, &Change, bool)> = rows
            .iter()
            .map(|r| {
                (
                    r.place.variant.as_str(),
                    r.metric.as_str(),
                    &r.change,
                    r.over,
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                ("a", "gone", &Change::Gone, true),
                ("a", "new", &Change::New, true),
                ("a", "x", &Change::Percent(-50.0), true),
                ("b", "same", &Change::Same, false),
                ("b", "x", &Change::Percent(4.0), false),
                ("b", "y", &Change::FromZero, true),
                ("b", "z", &Change::Same, false),
            ]
        );
        let shown: Vec<&Row> = rows.iter().collect();
        let text = table(&shown, Kind::Run, Some(4.5));
        let lines: Vec<Vec<&str>> = text
            .lines()
            .map(|l| l.split_whitespace().collect())
            .collect();
        assert_eq!(lines[0], ["variant", "metric", "A", "B", "change"]);
        assert!(
            lines.contains(&vec!["b", "x", "100", "104", "+4.00%"]),
            "{text}"
        );
        assert!(
            lines.contains(&vec!["a", "x", "10", "5", "-50.00%", "!"]),
            "{text}"
        );
        assert!(
            lines.contains(&vec!["a", "gone", "1", "-", "only", "in", "A", "!"]),
            "{text}"
        );
        // Numbers are right-aligned: each row as long as the header's last column needs.
        let ends: std::collections::BTreeSet<usize> = text
            .lines()
            .map(|l| l.trim_end_matches(" !").len())
            .collect();
        assert!(ends.len() <= 2, "{text}");
    }

    #[test]
    fn counters_left_out_for_being_zero_read_as_zero_and_the_unmeasured_as_missing() {
        let a = run(r#"{"scenario": "s", "results": [
            {"label": "v", "totals": {"requests": 1}, "ledger": {"lost_by_reason": {"outage": 0}},
             "latency": null, "hops": []}]}"#);
        let b = run(r#"{"scenario": "s", "results": [
            {"label": "v", "totals": {"requests": 1, "queued_at_end": {"down": 5}},
             "ledger": {"lost_by_reason": {"outage": 0, "given_up": 2}},
             "latency": {"p99_ms": 3.5}, "hops": [{"hop": "h", "bytes": 1}],
             "messages": {"written": 4}}]}"#);
        let rows = compare(&a, &b, Some(10.0));
        let seen: Vec<(&str, Option<&str>, &Change)> = rows
            .iter()
            .filter(|r| r.change != Change::Same)
            .map(|r| (r.metric.as_str(), r.a.as_deref(), &r.change))
            .collect();
        assert_eq!(
            seen,
            [
                ("hops[h].bytes", None, &Change::New),
                ("latency.p99_ms", None, &Change::New),
                (
                    "ledger.lost_by_reason.given_up",
                    Some("0"),
                    &Change::FromZero
                ),
                ("messages.written", None, &Change::New),
                ("totals.queued_at_end.down", Some("0"), &Change::FromZero),
            ]
        );
        assert!(
            rows.iter()
                .filter(|r| r.change != Change::Same)
                .all(|r| r.over)
        );
    }

    #[test]
    fn thresholds_read_with_or_without_a_percent_sign() {
        assert_eq!(parse_threshold("5"), Ok(5.0));
        assert_eq!(parse_threshold("2.5%"), Ok(2.5));
        assert_eq!(parse_threshold("0"), Ok(0.0));
        assert!(parse_threshold("-1").is_err());
        assert!(parse_threshold("five").is_err());
        assert!(parse_threshold("inf").is_err());
    }

    #[test]
    fn small_changes_keep_two_significant_figures() {
        assert_eq!(format_percent(12.345), "+12.35%");
        assert_eq!(format_percent(-0.5), "-0.50%");
        assert_eq!(format_percent(0.000123), "+1.2e-4%");
    }
}
