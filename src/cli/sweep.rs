//! `rtsim sweep`: run every point of a scenario's sweep (or a shard of them) in parallel.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use clap::Args;
use rayon::prelude::*;
use rtsim::report::provenance::{Command, Provenance};
use rtsim::report::sweep::{Origin, Shard, SweepSummary};
use rtsim::scenario::shard::Costs;

use super::colour::{Tone, paint};
use super::progress::{Progress, ProgressArgs, Reading};
use super::{CliError, ScenarioArgs, print_warnings};

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES)]
pub struct SweepArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output folder for sweep.json, sweep.csv, scenario.yaml, provenance.json and, for a
    /// whole sweep (not a shard), report.html and the charts (*.svg; *.png too with --png)
    /// [default: out/<scenario name>]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads (results do not depend on it) [default: the number of cores]; at
    /// least 1.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = super::jobs_flag)]
    pub jobs: Option<usize>,
    /// Run only shard K of N (1-based). Shards are balanced by each point's estimated cost
    /// (clients × duration × variants), the same split on every machine. Its sweep.json
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
    /// Run every variant of every point R times, each replication with its own seed, and
    /// report each figure as mean ± 95% confidence interval; replaces the scenario's
    /// `replications` [default: the scenario's, or 1]; 1 to 1000.
    #[arg(long, value_name = "R", allow_negative_numbers = true, value_parser = super::replications_flag)]
    pub replications: Option<u32>,
    #[command(flatten)]
    pub progress: ProgressArgs,
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
    let mut plan = args.scenario.plan()?;
    if let Some(replications) = args.replications {
        plan.set_replications(replications);
    }
    let first = plan.point(0)?.scenario;
    print_warnings(&first);
    let shard = shard(&args).map_err(CliError::input)?;
    // The shard's points (all of them without --shard), each built when its batch comes:
    // never the whole grid.
    let costs = Costs::new(&plan, &first);
    let (shard_index, shard_count) = shard.map_or((1, 1), |s| (s.index, s.count));
    let assignment = costs.assign(shard_index, shard_count);
    let pool = super::thread_pool(args.jobs)?;
    let runs_per_point = first.transports.len() * first.replications.max(1) as usize;
    let progress = SweepProgress::new(&assignment.points, &costs, runs_per_point);
    let display = {
        let progress = Arc::clone(&progress);
        Progress::start("sweep", &args.progress, move || progress.reading())
    };
    let mut points = Vec::new();
    let mut error = None;
    for batch in assignment.points.chunks(POINTS_AT_A_TIME) {
        progress.begin_batch(batch.iter().map(|p| costs.point(*p)));
        match run_batch(&args, &plan, batch, &pool, started, &progress, &display) {
            Ok(results) => points.extend(results),
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    if let Some(e) = error {
        // The bar stays as it was, and the error is printed below it.
        display.abandon();
        return Err(e);
    }
    display.finish();
    let origin = shard.map(|_| Origin {
        replications: args.replications,
        ..Origin::new(plan.text(), &args.scenario.set)
    });
    let summary = SweepSummary {
        scenario: first.name.clone(),
        seed: first.seed,
        axes: plan.axes.clone(),
        points_total: plan.point_count(),
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
    provenance.replications = args.replications;
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

/// Builds and runs the points `batch` (point numbers, in order).
fn run_batch(
    args: &SweepArgs,
    plan: &rtsim::scenario::sweep::Plan,
    batch: &[usize],
    pool: &rayon::ThreadPool,
    started: std::time::Instant,
    progress: &SweepProgress,
    display: &Progress,
) -> Result<Vec<rtsim::PointResult>, CliError> {
    // Built in parallel, the first invalid point (in point order) reported.
    let built: Vec<_> = pool.install(|| batch.par_iter().map(|i| plan.point(*i)).collect());
    let built = built.into_iter().collect::<Result<Vec<_>, _>>()?;
    // The batch's memory, estimated before it runs (a batch is what is held at once).
    // Each replication's event log is held while the batch runs.
    let scenarios: Vec<&rtsim::Scenario> = built
        .iter()
        .flat_map(|p| std::iter::repeat_n(&p.scenario, p.scenario.replications.max(1) as usize))
        .collect();
    let limits = args
        .budget
        .limits(&scenarios, super::jobs(args.jobs), started)?;
    drop(scenarios);
    let finished = |k: usize| {
        progress.finished_run(k);
        display.tick();
    };
    pool.install(|| rtsim::run_points(&built, &limits, &finished))
        .map_err(|(point, e)| {
            let first = &built[0].scenario;
            CliError::failure(format!(
                "scenario `{}` point {point} (seed {}): {e}",
                first.name, first.seed
            ))
        })
}

/// What a sweep (or shard) has done, for its progress display: points and runs finished,
/// and the share of the estimated cost they make, which the time left is reckoned from.
struct SweepProgress {
    points: usize,
    runs: u64,
    variants: usize,
    /// The estimated cost of the shard's points.
    total: u128,
    /// Each point of the running batch, by place in the batch: (estimated cost, runs
    /// finished).
    batch: Mutex<Vec<(u64, usize)>>,
    points_done: AtomicUsize,
    runs_done: AtomicU64,
    /// Estimated cost of the finished runs, in billionths of `total`.
    cost_done: AtomicU64,
}

impl SweepProgress {
    /// `variants`: the runs of each point (its variants times its replications).
    fn new(points: &[usize], costs: &Costs, variants: usize) -> Arc<SweepProgress> {
        let total = points.iter().map(|p| u128::from(costs.point(*p))).sum();
        Arc::new(SweepProgress {
            points: points.len(),
            runs: points.len() as u64 * variants as u64,
            variants,
            total,
            batch: Mutex::new(Vec::new()),
            points_done: AtomicUsize::new(0),
            runs_done: AtomicU64::new(0),
            cost_done: AtomicU64::new(0),
        })
    }

    /// A batch of points starts, with these estimated costs.
    fn begin_batch(&self, costs: impl Iterator<Item = u64>) {
        *self.batch.lock().unwrap_or_else(|e| e.into_inner()) = costs.map(|c| (c, 0)).collect();
    }

    /// A run of the batch's point `k` has finished.
    fn finished_run(&self, k: usize) {
        let mut batch = self.batch.lock().unwrap_or_else(|e| e.into_inner());
        let (cost, runs) = &mut batch[k];
        *runs += 1;
        if *runs == self.variants {
            self.points_done.fetch_add(1, Ordering::Relaxed);
        }
        let per_run = self.total.max(1) * self.variants.max(1) as u128;
        let billionths = u128::from(*cost) * 1_000_000_000 / per_run;
        self.cost_done
            .fetch_add(billionths as u64, Ordering::Relaxed);
        self.runs_done.fetch_add(1, Ordering::Relaxed);
    }

    fn reading(&self) -> Reading {
        let runs_done = self.runs_done.load(Ordering::Relaxed);
        let share = if self.total > 0 {
            self.cost_done.load(Ordering::Relaxed) as f64 / 1e9
        } else {
            runs_done as f64 / self.runs.max(1) as f64
        };
        Reading {
            share: if runs_done == self.runs { 1.0 } else { share },
            words: format!(
                "{}/{} points, {runs_done}/{} runs",
                self.points_done.load(Ordering::Relaxed),
                self.points,
                self.runs
            ),
        }
    }
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

/// One line per run on standard output (with replications, one per variant with means ±
/// half-widths), the thresholds' verdicts on standard error; exit 1
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
            let intervals = point
                .replications
                .as_ref()
                .and_then(|reps| reps.variant(&r.label));
            match intervals {
                // With replications: the means and the half-widths of their 95% intervals.
                Some(v) => {
                    let pair = |metric: &str, show: &dyn Fn(f64) -> String| {
                        v.metric(metric).map_or("-".to_string(), |i| {
                            format!("{} ± {}", show(i.mean), show(i.half_width))
                        })
                    };
                    text.push_str(&format!(
                        "point {:>3}  {params:<40}  {:<16} p99 {:>19}  bytes/client/h {:>19}  cpu {:>13}\n",
                        point.point,
                        r.label,
                        pair("latency.p99", &|ns| rtsim::report::human_ms(ns / 1e6)),
                        pair("bytes_per_client_hour", &rtsim::report::human_bytes),
                        pair("cpu_utilisation", &|f| format!("{:.1}%", f * 100.0)),
                    ));
                }
                None => text.push_str(&format!(
                    "point {:>3}  {params:<40}  {:<16} p99 {p99:>9}  bytes/client/h {bytes:>9}  cpu {:>5.1}%\n",
                    point.point,
                    r.label,
                    r.cpu_utilisation * 100.0
                )),
            }
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
                eprintln!("{} {line}", paint("error:", Tone::Bad));
            }
        }
        for check in &point.assertions {
            checked += 1;
            if !check.passed {
                failed += 1;
                eprintln!(
                    "{} point {} ({params}): {}: {}",
                    paint("FAIL", Tone::Bad),
                    point.point,
                    check.assertion,
                    rtsim::report::checks::measured_against_limit(check)
                );
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
        eprintln!(
            "{}",
            paint(
                &format!("all {checked} threshold checks passed"),
                Tone::Good
            )
        );
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
        use rtsim::scenario::shard::MAX_SHARDS;
        if n == 0 {
            Err("the shard count must be at least 1".to_string())
        } else if n > MAX_SHARDS {
            Err(format!(
                "the shard count must be at most {MAX_SHARDS}, the most points a sweep can have"
            ))
        } else {
            Ok(n)
        }
    };
    if let Some(text) = &args.shard {
        let (k, n) = text
            .split_once('/')
            .and_then(|(k, n)| Some((k.parse::<usize>().ok()?, n.parse::<usize>().ok()?)))
            .ok_or_else(|| format!("--shard {text}: expected K/N, e.g. 2/8"))?;
        let n = parse_count(n).map_err(|e| format!("--shard {text}: {e}"))?;
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
