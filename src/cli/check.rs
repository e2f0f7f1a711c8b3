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
    match args.scenario.plan() {
        Ok(plan) => {
            let scenario = &plan.points[0].scenario;
            print_warnings(scenario);
            if plan.points.len() > 1 {
                let axes: Vec<String> = plan
                    .axes
                    .iter()
                    .map(|a| format!("{} ({} values)", a.path, a.values.len()))
                    .collect();
                eprintln!(
                    "sweep: {} points over {}",
                    plan.points.len(),
                    axes.join(", ")
                );
            }
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
