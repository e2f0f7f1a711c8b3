//! `rtsim plot`: draw a results folder's charts again from its saved summary.json or
//! sweep.json, without running anything; and the chart options every command shares.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use rtsim::RunResult;
use rtsim::plot::charts;
use rtsim::plot::render::NO_PNG;
use rtsim::plot::{Chart, ImageFormat};
use rtsim::report::sweep::SweepSummary;
use rtsim::scenario::charts::ChartRequest;

use super::{EXIT_FAILURE, EXIT_INPUT};

#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A folder written by `rtsim run` (summary.json) or `rtsim sweep` (sweep.json).
    #[arg(value_name = "RESULTS_DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub charts: ChartArgs,
}

/// Chart options of `run`, `sweep`, `merge` and `plot`.
#[derive(Debug, Args)]
pub struct ChartArgs {
    /// Write each chart as PNG as well as SVG (800x500 pixels, DejaVu Sans built in). Needs
    /// rtsim built with `--features png`.
    #[arg(long)]
    pub png: bool,
}

impl ChartArgs {
    /// The formats to write, or an error if this build cannot write one of them.
    pub fn formats(&self) -> Result<Vec<ImageFormat>, String> {
        let mut formats = vec![ImageFormat::Svg];
        if self.png {
            formats.push(ImageFormat::Png);
        }
        match formats.iter().find(|f| !f.available()) {
            Some(_) => Err(format!("--png: {NO_PNG}")),
            None => Ok(formats),
        }
    }
}

/// The part of summary.json the charts need.
#[derive(serde::Deserialize)]
struct Saved {
    scenario: String,
    results: Vec<RunResult>,
    #[serde(default)]
    charts: Option<Vec<ChartRequest>>,
}

pub fn plot(args: PlotArgs) -> ExitCode {
    let formats = match args.charts.formats() {
        Ok(formats) => formats,
        Err(e) => return fail(&e),
    };
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
        let saved = match read::<Saved>(&summary) {
            Ok(saved) => saved,
            Err(e) => return fail(&e),
        };
        let mut run = charts::run_charts(&saved.scenario, &saved.results);
        let series = args.dir.join("series.json");
        if series.exists() {
            match read::<Vec<charts::LabelledSeries>>(&series) {
                Ok(runs) => run.extend(charts::series_charts(&saved.scenario, &runs)),
                Err(e) => return fail(&e),
            }
        }
        charts.extend(charts::chosen(run, saved.charts.as_deref()));
    }
    if sweep.exists() {
        match read::<SweepSummary>(&sweep) {
            Ok(s) => charts.extend(charts::sweep_charts(&s)),
            Err(e) => return fail(&e),
        }
    }
    match write_charts(&args.dir, &charts, &formats) {
        Ok(written) => {
            for name in written {
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

/// Writes each chart into `dir` in each format; returns the file names written.
pub fn write_charts(
    dir: &Path,
    charts: &[Chart],
    formats: &[ImageFormat],
) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    for chart in charts {
        for format in formats {
            let bytes = chart.render(*format).map_err(std::io::Error::other)?;
            let name = chart.file_name(*format);
            std::fs::write(dir.join(&name), bytes)?;
            written.push(name);
        }
    }
    Ok(written)
}
