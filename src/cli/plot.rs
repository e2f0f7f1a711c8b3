//! `rtsim plot`: draw a results folder's charts again from its saved summary.json or
//! sweep.json, without running anything.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use rtsim::RunResult;
use rtsim::plot::charts::{self, Chart};
use rtsim::report::sweep::SweepSummary;

use super::{EXIT_FAILURE, EXIT_INPUT};

#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A folder written by `rtsim run` (summary.json) or `rtsim sweep` (sweep.json).
    #[arg(value_name = "RESULTS_DIR")]
    pub dir: PathBuf,
}

/// The part of summary.json the charts need.
#[derive(serde::Deserialize)]
struct Saved {
    scenario: String,
    results: Vec<RunResult>,
}

pub fn plot(args: PlotArgs) -> ExitCode {
    let mut charts: Vec<Chart> = Vec::new();
    let summary = args.dir.join("summary.json");
    let sweep = args.dir.join("sweep.json");
    if !summary.exists() && !sweep.exists() {
        eprintln!(
            "error: {} holds neither summary.json nor sweep.json",
            args.dir.display()
        );
        return ExitCode::from(EXIT_INPUT);
    }
    if summary.exists() {
        match read::<Saved>(&summary).and_then(|s| charts::run_charts(&s.scenario, &s.results)) {
            Ok(more) => charts.extend(more),
            Err(e) => return fail(&e),
        }
    }
    let series = args.dir.join("series.json");
    if summary.exists() && series.exists() {
        let drawn = read::<Saved>(&summary).and_then(|s| {
            let runs = read::<Vec<charts::LabelledSeries>>(&series)?;
            charts::series_charts(&s.scenario, &runs)
        });
        match drawn {
            Ok(more) => charts.extend(more),
            Err(e) => return fail(&e),
        }
    }
    if sweep.exists() {
        match read::<SweepSummary>(&sweep).and_then(|s| charts::sweep_charts(&s)) {
            Ok(more) => charts.extend(more),
            Err(e) => return fail(&e),
        }
    }
    match write_charts(&args.dir, &charts) {
        Ok(()) => {
            for (name, _) in &charts {
                println!("wrote {}", args.dir.join(name).display());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write charts to {}: {e}", args.dir.display());
            ExitCode::from(EXIT_FAILURE)
        }
    }
}

fn read<T: serde::de::DeserializeOwned>(file: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_INPUT)
}

/// Writes each chart into `dir`.
pub fn write_charts(dir: &Path, charts: &[Chart]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, svg) in charts {
        std::fs::write(dir.join(name), svg)?;
    }
    Ok(())
}
