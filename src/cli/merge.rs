//! `rtsim merge`: join the sweep.json of several shards into the whole sweep's outputs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use rtsim::report::sweep::SweepSummary;

use super::{EXIT_FAILURE, EXIT_INPUT};

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output folders of the shards (each holding a sweep.json). Shards of different
    /// sweeps (another scenario text, --set, --seed or rtsim version) and two different
    /// copies of the same points are refused (exit 2); identical copies are taken once.
    #[arg(required = true, value_name = "DIR")]
    pub parts: Vec<PathBuf>,
    /// Where to write the merged sweep.json and sweep.csv.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub charts: super::plot::ChartArgs,
}

pub fn merge(args: MergeArgs) -> ExitCode {
    let formats = match args.charts.formats() {
        Ok(formats) => formats,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INPUT);
        }
    };
    let mut parts = Vec::new();
    for dir in &args.parts {
        let file = dir.join("sweep.json");
        let part = std::fs::read_to_string(&file)
            .map_err(|e| format!("{}: cannot read: {e}", file.display()))
            .and_then(|text| {
                serde_json::from_str::<SweepSummary>(&text)
                    .map_err(|e| format!("{}: not a sweep.json: {e}", file.display()))
            });
        match part {
            Ok(part) => parts.push((file.display().to_string(), part)),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(EXIT_INPUT);
            }
        }
    }
    let merged = match SweepSummary::merge(parts) {
        Ok(merged) => merged,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(EXIT_INPUT);
        }
    };
    if let Err(e) = super::sweep::write(&args.out, &merged, &formats) {
        eprintln!("error: cannot write results to {}: {e}", args.out.display());
        return ExitCode::from(EXIT_FAILURE);
    }
    super::sweep::report(&merged, &args.out)
}
