//! `rtsim recommend`: read a requirements file, run the candidates, print the
//! recommendation and write recommendation.md and recommendation.json. Exit 1 when no
//! candidate passes (the nearest miss and the cheapest fix are in the report), 2 for bad
//! requirements.

use std::path::PathBuf;

use clap::Args;
use rtsim::recommend::{self, output, requirements};

use super::{CliError, Exit};

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES)]
pub struct RecommendArgs {
    /// The requirements file (YAML; see scenarios/requirements/ and the Recommend page).
    pub requirements: PathBuf,
    /// Output folder for recommendation.md and recommendation.json [default:
    /// out/<name>-recommendation]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads (the recommendation does not depend on it) [default: the number of
    /// cores]; at least 1.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = super::jobs_flag)]
    pub jobs: Option<usize>,
}

pub fn recommend(args: RecommendArgs) -> Result<(), CliError> {
    let req = requirements::load_file(&args.requirements)?;
    let pool = super::thread_pool(args.jobs)?;
    let limits = rtsim::engine::Limits::events(rtsim::sim::DEFAULT_MAX_EVENTS);
    let rec = pool
        .install(|| recommend::recommend(&req, &limits))
        .map_err(|e| match e {
            recommend::RecommendError::Scenario(e) => CliError::input(e.to_string()),
            recommend::RecommendError::Run(e) => CliError::failure(format!(
                "requirements `{}` (seed {}): {e}",
                req.name, req.seed
            )),
        })?;
    let markdown = output::markdown(&req, &rec);
    let json = output::json(&req, &rec);
    let chart = rtsim::plot::Chart {
        name: "recommendation".into(),
        figure: output::chart(&req, &rec),
    };
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join(format!("{}-recommendation", req.name)));
    std::fs::create_dir_all(&out)
        .and_then(|_| std::fs::write(out.join("recommendation.md"), &markdown))
        .and_then(|_| std::fs::write(out.join("recommendation.json"), &json))
        .and_then(|_| super::plot::write_charts(&out, &[chart], &[rtsim::plot::ImageFormat::Svg]))
        .map_err(|e| {
            CliError::failure(format!("cannot write results to {}: {e}", out.display()))
        })?;
    super::print_stdout(&format!(
        "{markdown}\nwrote {}/{{recommendation.md,recommendation.json,recommendation.svg}}\n",
        out.display()
    ))?;
    if rec.round.winner().is_none() {
        return Err(CliError::reported(Exit::Failure));
    }
    Ok(())
}
