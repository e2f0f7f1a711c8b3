//! `rtsim check`: validate a scenario without running it.

use std::process::ExitCode;

use clap::Args;

use super::{ScenarioArgs, input_error, print_warnings};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
}

pub fn check(args: CheckArgs) -> ExitCode {
    match args.scenario.load() {
        Ok(scenario) => {
            print_warnings(&scenario);
            let labels: Vec<&str> = scenario
                .transports
                .iter()
                .map(|t| t.label.as_str())
                .collect();
            super::print_stdout(&format!(
                "ok: scenario `{}`: {} clients in {} group(s), {} s simulated, variants: {}\n",
                scenario.name,
                scenario.client_count(),
                scenario.groups.len(),
                scenario.duration as f64 / 1e9,
                labels.join(", ")
            ))
        }
        Err(error) => input_error(&error),
    }
}
