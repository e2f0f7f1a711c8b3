//! `rtsim plot`: draw a results folder's charts again from its saved summary.json or
//! sweep.json, without running anything; and the chart options every command shares.

use std::path::{Path, PathBuf};

use clap::Args;
use rtsim::RunResult;
use rtsim::plot::charts;
use rtsim::plot::render::NO_PNG;
use rtsim::plot::{Chart, ImageFormat};
use rtsim::report::sweep::SweepSummary;
use rtsim::scenario::charts::ChartRequest;

use super::CliError;

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
    replications: Option<rtsim::replication::Replications>,
    #[serde(default)]
    charts: Option<Vec<ChartRequest>>,
}

pub fn plot(args: PlotArgs) -> Result<(), CliError> {
    let formats = args.charts.formats().map_err(CliError::input)?;
    let mut charts: Vec<Chart> = Vec::new();
    let summary = args.dir.join("summary.json");
    let sweep = args.dir.join("sweep.json");
    if !summary.exists() && !sweep.exists() {
        return Err(CliError::input(format!(
            "{} holds neither summary.json nor sweep.json",
            args.dir.display()
        )));
    }
    if summary.exists() {
        let saved = read::<Saved>(&summary)?;
        let mut run = charts::replicated_run_charts(
            &saved.scenario,
            &saved.results,
            saved.replications.as_ref(),
        );
        let series = args.dir.join("series.json");
        if series.exists() {
            let runs = read::<Vec<charts::LabelledSeries>>(&series)?;
            let faults = saved.results.first().map_or(&[][..], |r| &r.faults[..]);
            run.extend(charts::series_charts_with_faults(
                &saved.scenario,
                &runs,
                faults,
            ));
        }
        charts.extend(charts::chosen(run, saved.charts.as_deref()));
    }
    if sweep.exists() {
        charts.extend(charts::sweep_charts(&read::<SweepSummary>(&sweep)?));
    }
    let written = write_charts(&args.dir, &charts, &formats).map_err(|e| {
        CliError::failure(format!(
            "cannot write charts to {}: {e}",
            args.dir.display()
        ))
    })?;
    for name in written {
        println!("wrote {}", args.dir.join(name).display());
    }
    Ok(())
}

/// A saved JSON file; one that cannot be read or parsed is an input error.
fn read<T: serde::de::DeserializeOwned>(file: &Path) -> Result<T, CliError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| CliError::input(format!("{}: {e}", file.display())))?;
    serde_json::from_str(&text).map_err(|e| CliError::input(format!("{}: {e}", file.display())))
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
