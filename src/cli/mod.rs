//! Subcommands and the arguments they share.

mod check;
mod merge;
mod plot;
mod run;
mod schema;
mod sweep;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use rtsim::scenario::sweep::Plan;
use rtsim::scenario::{self, Override, Scenario, ScenarioError};

/// Exit code for a bad scenario or bad arguments.
pub const EXIT_INPUT: u8 = 2;
/// Exit code for a run that could not finish (a limit was hit, output could not be written).
pub const EXIT_FAILURE: u8 = 1;

/// rtsim: compare how real-time updates reach users (short polling, long polling,
/// Server-Sent Events, WebSocket) by deterministic simulation of a YAML scenario.
#[derive(Debug, Parser)]
#[command(name = "rtsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run every transport variant of a scenario and print the comparison table; write
    /// summary.json, summary.md and runs.csv to the output folder.
    Run(run::RunArgs),
    /// Validate a scenario without running it; exit code 2 if it is invalid. A sweep's
    /// points are counted, not built; a sweep of more than 1,000,000,000 points is refused.
    Check(check::CheckArgs),
    /// Run every point of a scenario's `sweep:` (or one shard of them) in parallel, building
    /// points a batch at a time; write sweep.json and sweep.csv.
    Sweep(sweep::SweepArgs),
    /// Join the outputs of sweep shards into what one unsharded sweep writes; shards of
    /// different sweeps, or two different copies of a point, are refused (exit 2).
    Merge(merge::MergeArgs),
    /// Draw a results folder's charts (SVG) again from its saved JSON.
    Plot(plot::PlotArgs),
    /// Print the JSON Schema of the scenario format (for editors: see the
    /// `yaml-language-server` comment at the top of each example scenario).
    Schema(schema::SchemaArgs),
}

/// Which scenario to load and how to change it.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// Scenario file (YAML). Without it, the built-in default scenario
    /// (the same text as scenarios/default.yaml).
    pub file: Option<PathBuf>,
    /// Override a scalar field by its path, e.g. `--set clients.browsers.count=5000` or
    /// `--set transports[0].polling.interval=2s`. Repeatable; applied in order.
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<String>,
    /// Master seed, replacing the scenario's `seed`: a whole number from 0 to
    /// 18446744073709551615 (a negative one is refused, naming the flag).
    #[arg(long, allow_negative_numbers = true, value_parser = u64_flag)]
    pub seed: Option<u64>,
}

impl ScenarioArgs {
    /// Loads and overrides the scenario and reads its sweep (points are built on demand).
    pub fn plan(&self) -> Result<Plan, ScenarioError> {
        let overrides = self
            .set
            .iter()
            .map(|arg| Override::parse(arg))
            .collect::<Result<Vec<_>, _>>()?;
        let mut plan = match &self.file {
            Some(path) => scenario::plan_file(path, &overrides)?,
            None => scenario::plan(
                scenario::DEFAULT_SCENARIO_NAME,
                scenario::DEFAULT_SCENARIO,
                &overrides,
            )?,
        };
        if let Some(seed) = self.seed {
            plan.set_seed(seed);
        }
        Ok(plan)
    }
}

/// Parses a whole-number flag (`--seed`, `--max-events`, `--point`, ...) of at most `max`.
/// The flags that use it take negative numbers as values (`allow_negative_numbers`), so
/// that `--seed -1` is refused by this parser, which clap reports naming the flag, rather
/// than read as an unknown option `-1`.
fn whole_number(text: &str, max: u128) -> Result<u128, String> {
    let expected = || format!("expected a whole number from 0 to {max}, not {text}");
    if !text.bytes().all(|b| b.is_ascii_digit()) || text.is_empty() {
        return Err(expected());
    }
    match text.parse::<u128>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(expected()),
    }
}

/// A `u64` flag: see [`whole_number`].
pub fn u64_flag(text: &str) -> Result<u64, String> {
    whole_number(text, u64::MAX as u128).map(|n| n as u64)
}

/// A `usize` flag: see [`whole_number`].
pub fn usize_flag(text: &str) -> Result<usize, String> {
    whole_number(text, usize::MAX as u128).map(|n| n as usize)
}

/// `--jobs`: a number of worker threads, at least 1 (0 is refused, not read as "all cores":
/// leaving the flag out means that).
pub fn jobs_flag(text: &str) -> Result<usize, String> {
    match usize_flag(text)? {
        0 => Err("0 worker threads cannot run anything: give at least 1, or leave --jobs out to use every core".into()),
        n => Ok(n),
    }
}

pub fn dispatch(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Check(args) => check::check(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => merge::merge(args),
        Command::Plot(args) => plot::plot(args),
        Command::Schema(args) => schema::schema(args),
    }
}

/// Prints a scenario error and returns the input-error exit code.
pub fn input_error(error: &ScenarioError) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::from(EXIT_INPUT)
}

pub fn print_warnings(scenario: &Scenario) {
    for warning in &scenario.warnings {
        eprintln!("warning: {warning}");
    }
}

/// Prints to standard output; a closed pipe (`rtsim run | head`) is not an error.
pub fn print_stdout(text: &str) -> ExitCode {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(EXIT_FAILURE)
        }
    }
}
