//! `rtsim sweep`: run every point of a scenario's sweep (or a shard of them) in parallel.

use std::path::PathBuf;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use rtsim::report::provenance::{Command, Provenance};
use rtsim::report::sweep::{Origin, Shard, SweepSummary};

use super::{CliError, ScenarioArgs, print_warnings};

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES)]
pub struct SweepArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output folder for sweep.json, sweep.csv, report.html and the charts [default:
    /// out/<scenario name>]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads (results do not depend on it) [default: the number of cores]; at
    /// least 1.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = super::jobs_flag)]
    pub jobs: Option<usize>,
    /// Run only shard K of N (1-based): points K-1, K-1+N, K-1+2N, ... Its sweep.json
    /// records the rtsim version, the scenario's fingerprint and the --set overrides, which
    /// `rtsim merge` compares.
    #[arg(long, value_name = "K/N", allow_hyphen_values = true)]
    pub shard: Option<String>,
    /// Take the shard from a batch array's environment: Slurm's SLURM_ARRAY_TASK_ID (less
    /// SLURM_ARRAY_TASK_MIN) and SLURM_ARRAY_TASK_COUNT, or Kubernetes' JOB_COMPLETION_INDEX
    /// with --shard-count.
    #[arg(long)]
    pub shard_from_env: bool,
    /// The number of shards, with --shard-from-env when the environment does not say it.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = super::usize_flag)]
    pub shard_count: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    #[command(flatten)]
    pub budget: super::BudgetArgs,
    #[command(flatten)]
    pub charts: super::plot::ChartArgs,
}

/// Points built and run at a time. A batch's scenarios and event logs are held until its
/// runs finish, so this bounds a sweep's memory (besides its results) whatever its size,
/// while keeping every core busy: a batch holds many more runs than there are cores.
const POINTS_AT_A_TIME: usize = 256;

pub fn sweep(args: SweepArgs) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let formats = args.charts.formats().map_err(CliError::input)?;
    let plan = args.scenario.plan()?;
    let first = plan.point(0)?.scenario;
    print_warnings(&first);
    let shard = shard(&args).map_err(CliError::input)?;
    // The shard's points, counted and then built a batch at a time: never the whole grid.
    let count = plan.point_count();
    let (start, step) = shard.map_or((0, 1), |s| (s.index - 1, s.count));
    let in_shard = count.saturating_sub(start).div_ceil(step);
    let runs = in_shard as u64 * first.transports.len() as u64;
    let bar = ProgressBar::with_draw_target(Some(runs), ProgressDrawTarget::stderr());
    if args.quiet {
        bar.set_draw_target(ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} runs, {elapsed} ({eta} left)")
            .expect("a valid template"),
    );
    let pool = super::thread_pool(args.jobs)?;
    let progress = || bar.inc(1);
    // An error ends the sweep: the bar stays as it was, and the error is printed below it.
    let abandon = |e: CliError| {
        bar.abandon();
        e
    };
    let mut indices = (start..count).step_by(step);
    let mut points = Vec::new();
    loop {
        let batch: Vec<usize> = indices.by_ref().take(POINTS_AT_A_TIME).collect();
        if batch.is_empty() {
            break;
        }
        // Built in parallel, the first invalid point (in point order) reported.
        let built: Vec<_> = pool.install(|| batch.par_iter().map(|i| plan.point(*i)).collect());
        let built = built
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| abandon(e.into()))?;
        // The batch's memory, estimated before it runs (a batch is what is held at once).
        let scenarios: Vec<&rtsim::Scenario> = built.iter().map(|p| &p.scenario).collect();
        let limits = args
            .budget
            .limits(&scenarios, super::jobs(args.jobs), started)
            .map_err(abandon)?;
        drop(scenarios);
        let results = pool
            .install(|| rtsim::run_points(&built, &limits, &progress))
            .map_err(|(point, e)| {
                abandon(CliError::failure(format!(
                    "scenario `{}` point {point} (seed {}): {e}",
                    first.name, first.seed
                )))
            })?;
        points.extend(results);
    }
    bar.finish_and_clear();
    let origin = shard.map(|_| Origin::new(plan.text(), &args.scenario.set));
    let summary = SweepSummary {
        scenario: first.name.clone(),
        seed: first.seed,
        axes: plan.axes.clone(),
        points_total: count,
        shard,
        origin,
        charts: first.charts.clone(),
        points,
    };
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join(&first.name));
    let mut provenance = Provenance::new(Command::Sweep, &first.description);
    provenance.set = args.scenario.set.clone();
    provenance.seed = args.scenario.seed;
    provenance.max_events = (args.budget.max_events != rtsim::sim::DEFAULT_MAX_EVENTS)
        .then_some(args.budget.max_events);
    write(&out, &summary, &formats)
        .and_then(|_| {
            super::report::write_sweep(&out, &summary, Some(plan.text()), Some(&provenance))
        })
        .map_err(|e| {
            CliError::failure(format!("cannot write results to {}: {e}", out.display()))
        })?;
    report(&summary, &out)
}

/// Writes sweep.json, sweep.csv and (for a whole sweep) its charts in `formats`.
pub fn write(
    out: &std::path::Path,
    summary: &SweepSummary,
    formats: &[rtsim::plot::ImageFormat],
) -> std::io::Result<()> {
    std::fs::create_dir_all(out)?;
    summary.write_json(std::fs::File::create(out.join("sweep.json"))?)?;
    std::fs::write(out.join("sweep.csv"), summary.csv())?;
    // A shard's charts would show a slice: only whole sweeps are drawn.
    if summary.shard.is_none() {
        let charts = rtsim::plot::charts::sweep_charts(summary);
        super::plot::write_charts(out, &charts, formats)?;
    }
    Ok(())
}

/// One line per run on standard output, the thresholds' verdicts on standard error; exit 1
/// if any failed or a server saturated, 3 if a run stopped at a budget.
pub fn report(summary: &SweepSummary, out: &std::path::Path) -> Result<(), CliError> {
    let mut text = String::new();
    let mut failed = 0;
    let mut checked = 0;
    let mut stopped = 0;
    let mut saturated = false;
    for point in &summary.points {
        let params = rtsim::scenario::sweep::describe(&point.params);
        for r in &point.results {
            let p99 = r
                .latency
                .as_ref()
                .map_or("-".to_string(), |l| rtsim::report::human_ms(l.p99_ms));
            let bytes = rtsim::report::human_bytes(
                r.bytes_down_per_client_hour.total + r.bytes_up_per_client_hour.total,
            );
            text.push_str(&format!(
                "point {:>3}  {params:<40}  {:<16} p99 {p99:>9}  bytes/client/h {bytes:>9}  cpu {:>5.1}%\n",
                point.point,
                r.label,
                r.cpu_utilisation * 100.0
            ));
            if let Some(stop) = &r.stopped {
                stopped += 1;
                saturated |= stop.reason == rtsim::engine::StopReason::Saturated;
                let line = format!(
                    "INCOMPLETE: point {} variant `{}` stopped at {:.3} s simulated ({}): {}",
                    point.point,
                    r.label,
                    stop.simulated_s,
                    stop.reason.as_str(),
                    stop.detail
                );
                text.push_str(&format!("  {line}\n"));
                eprintln!("error: {line}");
            }
        }
        for check in &point.assertions {
            checked += 1;
            if !check.passed {
                failed += 1;
                eprintln!("FAIL point {} ({params}): {}", point.point, check.assertion);
            }
        }
    }
    let files = if summary.shard.is_none() {
        "report.html,sweep.json,sweep.csv"
    } else {
        "sweep.json,sweep.csv"
    };
    text.push_str(&format!("\nwrote {}/{{{files}}}\n", out.display()));
    // A failure to print is said at once, before the verdicts below.
    let printed = super::print_stdout(&text).map_err(CliError::print_now);
    if failed > 0 {
        return Err(CliError::failure(format!(
            "{failed} of {checked} threshold checks failed"
        )));
    }
    if checked > 0 {
        eprintln!("all {checked} threshold checks passed");
    }
    if saturated {
        // The saturated runs' `error:` lines above give the reason.
        return Err(CliError::reported(super::Exit::Failure));
    }
    if stopped > 0 {
        return Err(CliError::stopped(format!(
            "{stopped} run(s) stopped before their end: the sweep is incomplete"
        )));
    }
    printed
}

fn shard(args: &SweepArgs) -> Result<Option<Shard>, String> {
    let parse_count = |n: usize| {
        if n == 0 {
            Err("the shard count must be at least 1".to_string())
        } else {
            Ok(n)
        }
    };
    if let Some(text) = &args.shard {
        let (k, n) = text
            .split_once('/')
            .and_then(|(k, n)| Some((k.parse::<usize>().ok()?, n.parse::<usize>().ok()?)))
            .ok_or_else(|| format!("--shard {text}: expected K/N, e.g. 2/8"))?;
        let n = parse_count(n)?;
        if k == 0 || k > n {
            return Err(format!("--shard {text}: K must be between 1 and N"));
        }
        return Ok(Some(Shard { index: k, count: n }));
    }
    if !args.shard_from_env {
        return Ok(None);
    }
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
    };
    let (index0, count) = if let Some(id) = var("SLURM_ARRAY_TASK_ID") {
        let min = var("SLURM_ARRAY_TASK_MIN").unwrap_or(0);
        let count = var("SLURM_ARRAY_TASK_COUNT").or(args.shard_count).ok_or(
            "SLURM_ARRAY_TASK_ID is set but not SLURM_ARRAY_TASK_COUNT; give --shard-count",
        )?;
        (
            id.checked_sub(min)
                .ok_or("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN")?,
            count,
        )
    } else if let Some(index) = var("JOB_COMPLETION_INDEX") {
        let count = args
            .shard_count
            .ok_or("JOB_COMPLETION_INDEX is set; give the number of shards with --shard-count")?;
        (index, count)
    } else {
        return Err(
            "--shard-from-env: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set".into(),
        );
    };
    let count = parse_count(count)?;
    if index0 >= count {
        return Err(format!(
            "shard index {index0} (0-based) is not below the count {count}"
        ));
    }
    Ok(Some(Shard {
        index: index0 + 1,
        count,
    }))
}
