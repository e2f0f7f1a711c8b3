//! Subcommands and the arguments they share.

mod atlas;
mod capacity;
mod check;
mod claims;
mod colour;
mod completions;
mod diff;
mod docs_page;
mod error;
mod init;
mod man;
mod merge;
mod plot;
mod progress;
mod recommend;
mod report;
mod run;
mod schema;
mod stats;
mod sweep;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use rtsim::scenario::sweep::Plan;
use rtsim::scenario::{self, Override, Scenario, ScenarioError};

pub use error::{CliError, Exit};

/// The exit codes, for `--help` (each is an [`Exit`]).
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success: every run complete, every threshold passed
  1  a threshold failed, `recommend` found no candidate that passes, `capacity` found no
     value that meets its objective or refused a metric that is not monotone, a simulated
     server saturated (report written, marked incomplete),
     a run refused for want of memory, or output that could not be written
  2  invalid scenario or arguments
  3  a run stopped by a budget (--max-events, --max-wall, the memory budget): the report
     is written, marked incomplete";

/// The budgets of `run` and `sweep`.
#[derive(Debug, Args)]
pub struct BudgetArgs {
    /// Stop a run after this many simulation events: the report is written, marked
    /// incomplete, and rtsim exits 3. Deterministic: the same stop point at any --jobs.
    #[arg(long, value_name = "N", default_value_t = rtsim::sim::DEFAULT_MAX_EVENTS,
          allow_negative_numbers = true, value_parser = u64_flag)]
    pub max_events: u64,
    /// Stop a run after this much wall-clock time (`30s`, `5m` or plain seconds): the
    /// report is written, marked incomplete, and rtsim exits 3. Where it stops depends on
    /// the machine and its load, so its results are not reproducible.
    #[arg(long, value_name = "DURATION", value_parser = parse_wall)]
    pub max_wall: Option<std::time::Duration>,
    /// Memory rtsim may take (`2GiB`, `512MiB`) [default: 80% of physical memory, or 75% of
    /// `ulimit -v` when lower]. A run estimated to need more is refused (exit 1); a run that
    /// grows past it stops, marked incomplete (exit 3).
    #[arg(long, value_name = "SIZE", value_parser = parse_memory)]
    pub memory_limit: Option<u64>,
}

fn parse_wall(text: &str) -> Result<std::time::Duration, String> {
    let seconds = text
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0);
    if let Some(seconds) = seconds {
        return Ok(std::time::Duration::from_secs_f64(seconds));
    }
    match text.parse::<rtsim::units::Duration>() {
        Ok(d) if d.0 > 0 => Ok(std::time::Duration::from_nanos(d.0)),
        Ok(_) => Err("the wall-clock limit must be more than 0".to_string()),
        Err(e) => Err(format!("{e} (or a plain number of seconds)")),
    }
}

fn parse_memory(text: &str) -> Result<u64, String> {
    match text.parse::<rtsim::units::ByteSize>() {
        Ok(size) if size.0 > 0 => Ok(size.0),
        Ok(_) => Err("the memory limit must be more than 0".to_string()),
        Err(e) => Err(e.to_string()),
    }
}

impl BudgetArgs {
    /// The memory budget: --memory-limit, or this machine's share.
    pub fn budget(&self) -> rtsim::sim::budget::Budget {
        match self.memory_limit {
            Some(bytes) => rtsim::sim::budget::Budget::given(bytes),
            None => rtsim::sim::budget::Budget::default_for_this_machine(),
        }
    }

    /// Estimates `points` run `jobs` at once against the budget: the run limits, or the
    /// refusal (a failure).
    pub fn limits(
        &self,
        points: &[&Scenario],
        jobs: usize,
        started: std::time::Instant,
    ) -> Result<rtsim::engine::Limits, CliError> {
        let budget = self.budget();
        let estimate = rtsim::sim::budget::estimate(points, jobs);
        estimate.check(&budget).map_err(CliError::failure)?;
        let mut limits = estimate.limits(&budget, self.max_events);
        limits.deadline = self.max_wall.map(|wall| started + wall);
        Ok(limits)
    }
}

/// Worker threads for `--jobs` (the number of cores without it).
pub fn jobs(jobs: Option<usize>) -> usize {
    jobs.filter(|j| *j > 0).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    })
}

/// rtsim: compare how real-time updates reach users (short and long polling, Server-Sent
/// Events, WebSocket, gRPC, webhooks) by deterministic simulation of a YAML scenario. The
/// text of `--help` above the commands is the package's `description` in Cargo.toml.
#[derive(Debug, Parser)]
#[command(name = "rtsim", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented starter scenario (a dashboard, a chat, notifications or phones on
    /// LTE) that passes `check`; an existing file is not overwritten without --force.
    Init(init::InitArgs),
    /// Run every transport variant of a scenario and print the comparison table; write
    /// summary.json, summary.md, runs.csv, series.json, series.csv, the charts and
    /// report.html (with the scenario.yaml and provenance.json it is built from) to the
    /// output folder.
    Run(run::RunArgs),
    /// Validate a scenario without running it; exit code 2 if it is invalid. A sweep's
    /// points are counted, not built; a sweep of more than 1,000,000,000 points is refused.
    Check(check::CheckArgs),
    /// Run every point of a scenario's `sweep:` (or one shard of them) in parallel, building
    /// points a batch at a time; write sweep.json, sweep.csv, the charts and report.html
    /// (with scenario.yaml and provenance.json) to the output folder.
    Sweep(sweep::SweepArgs),
    /// Join the outputs of sweep shards into what one unsharded sweep writes; shards of
    /// different sweeps, or two different copies of a point, are refused (exit 2).
    Merge(merge::MergeArgs),
    /// Draw a results folder's charts (SVG) again from its saved JSON.
    Plot(plot::PlotArgs),
    /// Write a results folder's report.html again from its saved files: the same bytes as
    /// the run or sweep wrote.
    Report(report::ReportArgs),
    /// Recommend a transport for a requirements file: generate the candidates, run each
    /// with replications, judge every limit on its confidence bound, rank those that pass
    /// by monthly cost then simplicity; write recommendation.md and recommendation.json.
    /// Exit 1 when nothing passes (with the nearest miss and the cheapest fix).
    Recommend(recommend::RecommendArgs),
    /// Find the smallest value of one integer field (`server.replicas`, `server.cores`, a
    /// polling interval in ms) that meets an objective, or the largest client count that
    /// still does (the knee), by bisection with replications at each probe; refused when
    /// the figure is not monotone along the axis. Writes capacity.md, capacity.json and
    /// capacity.svg. Exit 1 when no value in the bounds meets it or the search is refused.
    Capacity(capacity::CapacityArgs),
    /// Print the JSON Schema of the scenario format (for editors: see the
    /// `yaml-language-server` comment at the top of each example scenario), or with
    /// `--markdown` the scenario reference written from it.
    Schema(schema::SchemaArgs),
    /// Compare two results folders (of `run` or `sweep`) metric by metric: each variant's
    /// (and sweep point's) numbers in A and B and the relative change; with --threshold,
    /// exit 1 when any moves by more than that, for regression checks in CI.
    Diff(diff::DiffArgs),
    /// Judge the claims of the transport comparisons (claims/claims.yaml) by running their
    /// scenarios, and write the claims page (docs/claims.md); with --check, exit 1 when the
    /// page on disk is stale.
    Claims(claims::ClaimsArgs),
    /// Run the use-case atlas's scenarios (atlas/atlas.yaml), derive each use case's answer
    /// from the figures, and write the atlas page (docs/atlas.md); with --check, exit 1
    /// when the page on disk is stale.
    Atlas(atlas::AtlasArgs),
    /// Print a completion script for bash, zsh, fish, elvish or PowerShell.
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff: `rtsim man | man -l -`), or write every page with --out.
    Man(man::ManArgs),
}

/// Which scenario to load and how to change it.
#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// Scenario file (YAML). Without it, the built-in default scenario
    /// (the same text as scenarios/default.yaml).
    pub file: Option<PathBuf>,
    /// Set a field by its path before the scenario is read, e.g. `--set
    /// clients.browsers.count=5000` or `--set transports[0].polling.interval=2s`; missing
    /// sections are created, and the value is checked as if the file said it. Repeatable;
    /// applied in order.
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
        self.plan_with(&[])
    }

    /// [`plan`](Self::plan) with `extra` overrides applied after the `--set` ones.
    pub fn plan_with(&self, extra: &[Override]) -> Result<Plan, ScenarioError> {
        let mut overrides = self
            .set
            .iter()
            .map(|arg| Override::parse(arg))
            .collect::<Result<Vec<_>, _>>()?;
        overrides.extend(extra.iter().cloned());
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

/// `--replications`: 1 to [`rtsim::replication::MAX_REPLICATIONS`].
pub fn replications_flag(text: &str) -> Result<u32, String> {
    let max = rtsim::replication::MAX_REPLICATIONS;
    match whole_number(text, u128::from(max)) {
        Ok(0) => Err("0 replications run nothing: give at least 1".into()),
        Ok(n) => Ok(n as u32),
        Err(_) => Err(format!(
            "expected a whole number from 1 to {max}, not {text}"
        )),
    }
}

/// `--jobs`: a number of worker threads, at least 1 (0 is refused, not read as "all cores":
/// leaving the flag out means that).
pub fn jobs_flag(text: &str) -> Result<usize, String> {
    match usize_flag(text)? {
        0 => Err("0 worker threads cannot run anything: give at least 1, or leave --jobs out to use every core".into()),
        n => Ok(n),
    }
}

/// Runs the command: success, or the error `main` prints and exits with.
pub fn run(cli: Cli) -> Result<ExitCode, CliError> {
    match cli.command {
        Command::Init(args) => init::init(args),
        Command::Run(args) => run::run(args),
        Command::Check(args) => check::check(args),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => merge::merge(args),
        Command::Plot(args) => plot::plot(args),
        Command::Report(args) => report::report(args),
        Command::Recommend(args) => recommend::recommend(args),
        Command::Capacity(args) => capacity::capacity(args),
        Command::Schema(args) => schema::schema(args),
        Command::Diff(args) => diff::diff(args),
        Command::Claims(args) => claims::claims(args),
        Command::Atlas(args) => atlas::atlas(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => man::man(args),
    }?;
    Ok(ExitCode::SUCCESS)
}

pub fn print_warnings(scenario: &Scenario) {
    for warning in &scenario.warnings {
        let label = colour::paint("warning:", colour::Tone::Warning);
        eprintln!("{label} {warning}");
    }
}

/// Prints to standard output; a closed pipe (`rtsim run | head`) is not an error.
pub fn print_stdout(text: &str) -> Result<(), CliError> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::failure(format!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// Starts the worker threads of `--jobs` (every core without it).
pub fn thread_pool(jobs: Option<usize>) -> Result<rayon::ThreadPool, CliError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.unwrap_or(0))
        .build()
        .map_err(|e| CliError::failure(format!("cannot start worker threads: {e}")))
}
