//! `rtsim capacity`: read the scenario and the question (axis, bounds, objective), search
//! each chosen variant, print the answer and write capacity.md, capacity.json and
//! capacity.svg. Exit 1 when a variant has no value in the bounds that meets the objective
//! or its figure is not monotone along the axis (the report says which probes disagree),
//! 2 for a bad scenario or bad arguments.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use rtsim::capacity::{self, Find, Outcome, Question, objective, output};
use rtsim::scenario::Override;

use super::{CliError, Exit, ScenarioArgs};

/// `--find`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FindArg {
    /// The smallest value that meets the objective (replicas, cores).
    Smallest,
    /// The largest value that still meets it (a client count: the knee).
    Largest,
}

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES)]
pub struct CapacityArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// The integer field to search, as a `--set` path: `server.replicas`, `server.cores`,
    /// `clients.browsers.count`, `transports[0].polling.interval` (with `--unit ms`).
    #[arg(long, value_name = "PATH")]
    pub axis: String,
    /// The smallest value searched (a whole number).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = super::u64_flag)]
    pub from: u64,
    /// The largest value searched (a whole number, more than --from).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = super::u64_flag)]
    pub to: u64,
    /// Written after each value when it is set: `ms` for an interval in whole
    /// milliseconds [default: nothing, a plain count].
    #[arg(long, value_name = "UNIT", default_value = "")]
    pub unit: String,
    /// The objective, as `rtsim recommend` names it, with its limit: `latency_p99<=250ms`,
    /// `message_latency_p99<=100ms`, `delivered_share>=99%`, `bytes_per_client_hour<=2MB`,
    /// `cpu_utilisation<=70%`, `energy_per_client_hour<=50`, `monthly_cost<=500`. Judged on
    /// the 95% confidence bound nearer failing.
    #[arg(long, value_name = "NAME<=VALUE")]
    pub objective: String,
    /// Which end of the values that meet it is the answer [default: largest for a client
    /// count (`clients.<group>.count`), smallest otherwise].
    #[arg(long, value_enum)]
    pub find: Option<FindArg>,
    /// The variant to search, by label; repeatable [default: each variant].
    #[arg(long, value_name = "LABEL")]
    pub variant: Vec<String>,
    /// Replications at each probe, replacing the scenario's [default: the scenario's when
    /// more than 1, else 3]; 2 to 1000 (the verdict is on a confidence bound).
    #[arg(long, value_name = "R", allow_negative_numbers = true, value_parser = super::replications_flag)]
    pub replications: Option<u32>,
    /// Output folder for capacity.md, capacity.json and capacity.svg [default:
    /// out/<scenario name>-capacity]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads (the answer does not depend on it) [default: the number of cores];
    /// at least 1.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = super::jobs_flag)]
    pub jobs: Option<usize>,
}

/// The default of `--find` for an axis: the largest for a client group's count.
fn default_find(axis: &str) -> Find {
    let parts: Vec<&str> = axis.split('.').collect();
    match parts.as_slice() {
        ["clients", _, "count"] => Find::Largest,
        _ => Find::Smallest,
    }
}

pub fn capacity(args: CapacityArgs) -> Result<(), CliError> {
    let objective = objective::parse(&args.objective)
        .map_err(|e| CliError::input(format!("--objective {e}")))?;
    if args.from >= args.to {
        return Err(CliError::input(format!(
            "--from {} --to {}: expected --from below --to",
            args.from, args.to
        )));
    }
    if !args.unit.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(CliError::input(format!(
            "--unit `{}`: expected letters only (`ms`, `s`)",
            args.unit
        )));
    }
    if let Some(set) = args.scenario.set.iter().find(|s| {
        s.split_once('=')
            .is_some_and(|(p, _)| p.trim() == args.axis)
    }) {
        return Err(CliError::input(format!(
            "--set {set}: the axis `{}` is what capacity varies; leave it out of --set",
            args.axis
        )));
    }
    if args.replications == Some(1) {
        return Err(CliError::input(
            "--replications 1: expected at least 2 (the verdict is on a confidence bound, \
             which needs two runs)",
        ));
    }
    let question = Question {
        axis: args.axis.clone(),
        unit: args.unit.clone(),
        from: args.from,
        to: args.to,
        find: match args.find {
            Some(FindArg::Smallest) => Find::Smallest,
            Some(FindArg::Largest) => Find::Largest,
            None => default_find(&args.axis),
        },
        objective,
    };
    let at = |value: u64| {
        let set = Override::parse(&format!("{}={}", question.axis, question.written(value)))?;
        let plan = args.scenario.plan_with(&[set])?;
        if plan.point_count() > 1 {
            return Err(rtsim::ScenarioError {
                file: args
                    .scenario
                    .file
                    .as_ref()
                    .map_or(rtsim::scenario::DEFAULT_SCENARIO_NAME.to_string(), |f| {
                        f.display().to_string()
                    }),
                position: None,
                field: Some("sweep".into()),
                message: format!(
                    "{} points: capacity searches one axis of one scenario; fix the sweep's \
                     axes with --set",
                    plan.point_count()
                ),
                source_line: None,
            });
        }
        let mut scenario = plan.point(0)?.scenario;
        scenario.replications = args.replications.unwrap_or(if scenario.replications > 1 {
            scenario.replications
        } else {
            capacity::DEFAULT_REPLICATIONS
        });
        Ok(scenario)
    };
    let first = at(question.from)?;
    super::print_warnings(&first);
    let labels: Vec<&str> = first.transports.iter().map(|t| t.label.as_str()).collect();
    let variants: Vec<usize> = if args.variant.is_empty() {
        (0..labels.len()).collect()
    } else {
        let mut named: Vec<&String> = Vec::new();
        for label in &args.variant {
            if !named.contains(&label) {
                named.push(label);
            }
        }
        named
            .into_iter()
            .map(|wanted| {
                labels.iter().position(|l| l == wanted).ok_or_else(|| {
                    CliError::input(format!(
                        "--variant {wanted}: the scenario has no variant of that label; it has {}",
                        labels.join(", ")
                    ))
                })
            })
            .collect::<Result<_, _>>()?
    };
    let pool = super::thread_pool(args.jobs)?;
    let limits = rtsim::engine::Limits::events(rtsim::sim::DEFAULT_MAX_EVENTS);
    let result = pool
        .install(|| capacity::capacity(&question, &variants, &at, &limits))
        .map_err(|e| match e {
            capacity::CapacityError::Input(e) => CliError::from(e),
            capacity::CapacityError::Question(e) => CliError::input(e),
            capacity::CapacityError::Run { .. } => CliError::failure(format!(
                "scenario `{}` (seed {}): {e}",
                first.name, first.seed
            )),
        })?;
    let markdown = output::markdown(&result);
    let chart = rtsim::plot::Chart {
        name: "capacity".into(),
        figure: output::chart(&result),
    };
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join(format!("{}-capacity", result.scenario)));
    std::fs::create_dir_all(&out)
        .and_then(|_| std::fs::write(out.join("capacity.md"), &markdown))
        .and_then(|_| std::fs::write(out.join("capacity.json"), output::json(&result)))
        .and_then(|_| super::plot::write_charts(&out, &[chart], &[rtsim::plot::ImageFormat::Svg]))
        .map_err(|e| {
            CliError::failure(format!("cannot write results to {}: {e}", out.display()))
        })?;
    super::print_stdout(&format!(
        "{markdown}\nwrote {}/{{capacity.md,capacity.json,capacity.svg}}\n",
        out.display()
    ))?;
    let refused: Vec<String> = result
        .variants
        .iter()
        .filter(|v| matches!(v.outcome, Outcome::NotMonotone(_)))
        .map(|v| output::sentence(&result, v))
        .collect();
    if !refused.is_empty() {
        return Err(CliError::failure(refused.join("\n")));
    }
    if result.variants.iter().any(|v| v.answer().is_none()) {
        return Err(CliError::reported(Exit::Failure));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_count_looks_for_the_knee() {
        assert_eq!(default_find("clients.browsers.count"), Find::Largest);
        assert_eq!(default_find("server.replicas"), Find::Smallest);
        assert_eq!(default_find("clients.browsers.ramp"), Find::Smallest);
    }
}
