//! `rtsim report`: write a results folder's `report.html` again from its saved files; and
//! the writing of `report.html` (with the `scenario.yaml` and `provenance.json` it is
//! built from) that `run`, `sweep` and `merge` share, so that all of them write the same
//! bytes from the same results.

use std::path::{Path, PathBuf};

use clap::Args;
use rtsim::page::{self as html, REPORT_FILE, SavedRun, Source};
use rtsim::plot::charts::LabelledSeries;
use rtsim::report::provenance::{Command, PROVENANCE_FILE, Provenance, SCENARIO_FILE};
use rtsim::report::sweep::SweepSummary;

use super::CliError;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A folder written by `rtsim run` (summary.json) or `rtsim sweep` / `rtsim merge`
    /// (sweep.json); report.html is written into it.
    #[arg(value_name = "RESULTS_DIR")]
    pub dir: PathBuf,
}

pub fn report(args: ReportArgs) -> Result<(), CliError> {
    let dir = &args.dir;
    let expected = "a results folder written by `rtsim run` (holding summary.json) or `rtsim sweep` (holding sweep.json)";
    if !dir.exists() {
        return Err(CliError::input(format!(
            "{}: no such folder; expected {expected}",
            dir.display()
        )));
    }
    if !dir.is_dir() {
        return Err(CliError::input(format!(
            "{} is a file, not a folder; expected {expected}",
            dir.display()
        )));
    }
    let summary = dir.join("summary.json");
    let sweep = dir.join("sweep.json");
    let text = read_optional(&dir.join(SCENARIO_FILE))?;
    let provenance = match read_optional(&dir.join(PROVENANCE_FILE))? {
        Some(json) => Some(parse::<Provenance>(&dir.join(PROVENANCE_FILE), &json)?),
        None => None,
    };
    // The command that wrote the folder last decides; an older folder has no record of it.
    let command = match provenance.as_ref().map(|p| p.command) {
        Some(command) => command,
        None if summary.exists() => Command::Run,
        None if sweep.exists() => Command::Sweep,
        None => {
            return Err(CliError::input(format!(
                "{} is not a results folder: it holds neither summary.json nor sweep.json; expected {expected}",
                dir.display()
            )));
        }
    };
    let source = Source {
        scenario_text: text.as_deref(),
        provenance: provenance.as_ref(),
    };
    let page = match command {
        Command::Run => {
            let json = read(&summary)?;
            let series = read_optional(&dir.join("series.json"))?;
            run_page(&summary, &json, series.as_deref(), source)?
        }
        Command::Sweep => {
            let saved = parse::<SweepSummary>(&sweep, &read(&sweep)?)?;
            if let Some(shard) = saved.shard {
                return Err(CliError::input(format!(
                    "{} holds shard {} of {} of a sweep, not the whole sweep: join the shards with `rtsim merge DIR... --out DIR`, then report the merged folder",
                    dir.display(),
                    shard.index,
                    shard.count
                )));
            }
            html::sweep_report(&saved, source)
        }
    };
    let file = dir.join(REPORT_FILE);
    std::fs::write(&file, page)
        .map_err(|e| CliError::failure(format!("cannot write {}: {e}", file.display())))?;
    super::print_stdout(&format!("wrote {}\n", file.display()))
}

/// The page of a run from the text of its summary.json (at `file`) and series.json.
fn run_page(
    file: &Path,
    summary: &str,
    series: Option<&str>,
    source: Source,
) -> Result<String, CliError> {
    let saved = parse::<SavedRun>(file, summary)?;
    let series = match series {
        Some(json) => Some(parse::<Vec<LabelledSeries>>(
            &file.with_file_name("series.json"),
            json,
        )?),
        None => None,
    };
    Ok(html::run_report(&saved, series.as_deref(), source))
}

/// Writes a run's `scenario.yaml`, `provenance.json` and `report.html` into `out`, the
/// report built from the texts of summary.json and series.json just written, read back as
/// `rtsim report` reads them.
pub fn write_run(
    out: &Path,
    text: &str,
    provenance: &Provenance,
    summary: &str,
    series: &str,
) -> std::io::Result<()> {
    write_source(out, text, provenance)?;
    let source = Source {
        scenario_text: Some(text),
        provenance: Some(provenance),
    };
    let page = run_page(&out.join("summary.json"), summary, Some(series), source)
        .unwrap_or_else(|e| panic!("summary.json and series.json read back: {e}"));
    std::fs::write(out.join(REPORT_FILE), page)
}

/// Writes a sweep's `scenario.yaml` and `provenance.json` into `out` (when known), and for
/// a whole sweep its `report.html` (a shard's would show a slice; `merge` writes it).
pub fn write_sweep(
    out: &Path,
    summary: &SweepSummary,
    text: Option<&str>,
    provenance: Option<&Provenance>,
) -> std::io::Result<()> {
    if let (Some(text), Some(provenance)) = (text, provenance) {
        write_source(out, text, provenance)?;
    }
    if summary.shard.is_none() {
        let source = Source {
            scenario_text: text,
            provenance,
        };
        std::fs::write(out.join(REPORT_FILE), html::sweep_report(summary, source))?;
    }
    Ok(())
}

fn write_source(out: &Path, text: &str, provenance: &Provenance) -> std::io::Result<()> {
    std::fs::write(out.join(SCENARIO_FILE), text)?;
    std::fs::write(out.join(PROVENANCE_FILE), provenance.json())
}

/// A file's text; one that cannot be read is an input error naming it.
fn read(file: &Path) -> Result<String, CliError> {
    std::fs::read_to_string(file)
        .map_err(|e| CliError::input(format!("{}: cannot read: {e}", file.display())))
}

/// A file's text, or `None` when there is no such file.
pub fn read_optional(file: &Path) -> Result<Option<String>, CliError> {
    match std::fs::read_to_string(file) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::input(format!(
            "{}: cannot read: {e}",
            file.display()
        ))),
    }
}

/// A saved JSON file's contents; one that does not parse is an input error naming it.
pub fn parse<T: serde::de::DeserializeOwned>(file: &Path, json: &str) -> Result<T, CliError> {
    serde_json::from_str(json).map_err(|e| {
        CliError::input(format!(
            "{}: not what rtsim writes there: {e}",
            file.display()
        ))
    })
}
