//! `rtsim merge`: join the sweep.json of several shards into the whole sweep's outputs.

use std::path::PathBuf;

use clap::Args;
use rtsim::report::provenance::{PROVENANCE_FILE, Provenance, SCENARIO_FILE};
use rtsim::report::sweep::SweepSummary;

use super::CliError;

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output folders of the shards (each holding a sweep.json). Shards of different
    /// sweeps (another scenario text, --set, --seed or rtsim version) and two different
    /// copies of the same points are refused (exit 2); identical copies are taken once.
    #[arg(required = true, value_name = "DIR")]
    pub parts: Vec<PathBuf>,
    /// Where to write the merged sweep.json, sweep.csv, charts and report.html.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub charts: super::plot::ChartArgs,
}

pub fn merge(args: MergeArgs) -> Result<(), CliError> {
    let formats = args.charts.formats().map_err(CliError::input)?;
    let mut parts = Vec::new();
    for dir in &args.parts {
        let file = dir.join("sweep.json");
        let part = std::fs::read_to_string(&file)
            .map_err(|e| format!("{}: cannot read: {e}", file.display()))
            .and_then(|text| {
                serde_json::from_str::<SweepSummary>(&text)
                    .map_err(|e| format!("{}: not a sweep.json: {e}", file.display()))
            });
        parts.push((file.display().to_string(), part.map_err(CliError::input)?));
    }
    let merged = SweepSummary::merge(parts).map_err(CliError::input)?;
    // The shards' scenario text and provenance: equal in every shard (merge refuses shards
    // of different texts, --set or rtsim), so the first shard's serve.
    let first = &args.parts[0];
    let text = super::report::read_optional(&first.join(SCENARIO_FILE))?;
    let provenance = match super::report::read_optional(&first.join(PROVENANCE_FILE))? {
        Some(json) => Some(super::report::parse::<Provenance>(
            &first.join(PROVENANCE_FILE),
            &json,
        )?),
        None => None,
    };
    super::sweep::write(&args.out, &merged, &formats)
        .and_then(|_| {
            super::report::write_sweep(&args.out, &merged, text.as_deref(), provenance.as_ref())
        })
        .map_err(|e| {
            CliError::failure(format!(
                "cannot write results to {}: {e}",
                args.out.display()
            ))
        })?;
    super::sweep::report(&merged, &args.out)
}
