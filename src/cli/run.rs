//! `rtsim run`: run a scenario, print the comparison, write the output files.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use rtsim::engine::StopReason;
use rtsim::report;
use rtsim::report::provenance::{Command, Provenance};

use super::colour::{Tone, paint};
use super::{CliError, Exit, ScenarioArgs, print_warnings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned plain-text table.
    Table,
    /// The summary.json document.
    Json,
    /// A GitHub Markdown table.
    Markdown,
}

#[derive(Debug, Args)]
#[command(after_help = super::EXIT_CODES)]
pub struct RunArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
    /// Output folder for summary.json, summary.md, runs.csv, series.json, series.csv,
    /// report.html, scenario.yaml, provenance.json and the charts (*.svg; *.png too with
    /// --png) [default: out/<scenario name>]
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Worker threads for running variants in parallel (results do not depend on it)
    /// [default: the number of cores]; at least 1.
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = super::jobs_flag)]
    pub jobs: Option<usize>,
    /// Run every variant R times, each replication with its own seed (replication 0 with the
    /// scenario's), and report each figure as mean ± 95% confidence interval; replaces the
    /// scenario's `replications` [default: the scenario's, or 1]; 1 to 1000.
    #[arg(long, value_name = "R", allow_negative_numbers = true, value_parser = super::replications_flag)]
    pub replications: Option<u32>,
    #[command(flatten)]
    pub budget: super::BudgetArgs,
    /// Check the simulation's invariants after every event (every client's ledger balances,
    /// no count below zero, no link carries more than its bandwidth, time moves on); a
    /// broken one ends the run with an error (exit 1). Slow: a pass over every client per
    /// event. Results are the same as without it.
    #[arg(long)]
    pub check_invariants: bool,
    /// Run only point K (from 0) of the scenario's sweep: the same numbers as that point's
    /// rows of `rtsim sweep`. Only that point is built, however big the sweep.
    #[arg(long, value_name = "K", allow_negative_numbers = true, value_parser = super::usize_flag)]
    pub point: Option<usize>,
    /// Print what the run cost this machine to standard error: peak memory (VmHWM, Linux
    /// only; "not available" elsewhere), events handled, events per second of wall time and
    /// bytes of peak memory per client. The output files are the same as without it.
    #[arg(long)]
    pub stats: bool,
    #[command(flatten)]
    pub charts: super::plot::ChartArgs,
    #[command(flatten)]
    pub progress: super::progress::ProgressArgs,
}

/// The simulated time the variants of this process's run have done, for its progress.
static SIMULATED: rtsim::engine::Progress = rtsim::engine::Progress::new();

pub fn run(args: RunArgs) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let formats = args.charts.formats().map_err(CliError::input)?;
    let mut plan = args.scenario.plan()?;
    if let Some(replications) = args.replications {
        plan.set_replications(replications);
    }
    let count = plan.point_count();
    let index = match (args.point, count) {
        (Some(p), _) if p < count => p,
        (Some(p), _) => {
            return Err(CliError::input(format!(
                "--point {p}: the scenario has {count} point(s), numbered from 0"
            )));
        }
        (None, 1) => 0,
        (None, _) => {
            return Err(CliError::input(format!(
                "this scenario sweeps {count} points: run them all with `rtsim sweep`, or one with `--point K`"
            )));
        }
    };
    let point = plan.point(index)?;
    if count > 1 {
        eprintln!(
            "point {index}: {}",
            rtsim::scenario::sweep::describe(&point.params)
        );
    }
    let scenario = point.scenario;
    print_warnings(&scenario);
    let jobs = super::jobs(args.jobs);
    // Each replication's event log is held while the runs go on.
    let copies = vec![&scenario; scenario.replications.max(1) as usize];
    let mut limits = args.budget.limits(&copies, jobs, started)?;
    let pool = super::thread_pool(args.jobs)?;
    limits.progress = Some(&SIMULATED);
    let display = {
        let variants = scenario.transports.len() as u64 * u64::from(scenario.replications.max(1));
        let seconds = scenario.duration as f64 / 1e9;
        let total = scenario.duration.saturating_mul(variants).max(1);
        super::progress::Progress::start("run", &args.progress, move || {
            let done = SIMULATED.simulated().min(total);
            super::progress::Reading {
                share: done as f64 / total as f64,
                words: format!(
                    "{:.1} of {variants} × {seconds} s simulated",
                    done as f64 / 1e9
                ),
            }
        })
    };
    let run = || rtsim::replication::run(&scenario, &limits, args.check_invariants);
    let (results, replications) = match pool.install(run) {
        Ok(results) => {
            display.finish();
            results
        }
        Err(e) => {
            display.abandon();
            return Err(CliError::failure(format!(
                "scenario `{}` (seed {}): {e}",
                scenario.name, scenario.seed
            )));
        }
    };
    let json = report::replicated_summary_json(&scenario, &results, replications.as_ref());
    // Every replication's results, replication 0's first.
    let runs: Vec<&[rtsim::RunResult]> = match &replications {
        Some(r) => r.all(&results),
        None => vec![&results],
    };
    let all: Vec<rtsim::RunResult> = runs.iter().flat_map(|rep| rep.iter().cloned()).collect();
    // With replications, each stopped run's line names its replication.
    let replicated = replications.is_some();
    let incomplete: Vec<String> = runs
        .iter()
        .enumerate()
        .flat_map(|(i, rep)| {
            let lines = report::incomplete_lines(rep, scenario.duration as f64 / 1e9);
            let seed = rtsim::replication::seed(scenario.seed, i as u32);
            lines.into_iter().map(move |line| {
                if replicated {
                    format!("replication {i} (seed {seed}): {line}")
                } else {
                    line
                }
            })
        })
        .collect();
    let cost_rows = report::cost::cost_rows(&scenario, &runs);
    let mut markdown = report::interval_markdown_with(
        &scenario.name,
        &scenario.description,
        &runs,
        cost_rows.clone(),
    );
    if !incomplete.is_empty() {
        // Right under the title.
        let title_end = markdown.find("\n\n").map_or(0, |i| i + 2);
        let notes: String = incomplete
            .iter()
            .map(|l| format!("> **{l}**\n\n"))
            .collect();
        markdown.insert_str(title_end, &notes);
    }
    let out = args
        .out
        .unwrap_or_else(|| PathBuf::from("out").join(&scenario.name));
    let series: Vec<rtsim::plot::charts::LabelledSeries> = results
        .iter()
        .map(|r| rtsim::plot::charts::LabelledSeries {
            label: r.label.clone(),
            series: r.series.clone(),
        })
        .collect();
    let series_json = serde_json::to_string(&series).expect("series serialize to JSON") + "\n";
    let mut charts =
        rtsim::plot::charts::replicated_run_charts(&scenario.name, &results, replications.as_ref());
    // Every variant runs the same faults: the first one's results name them.
    let faults = results.first().map_or(&[][..], |r| &r.faults[..]);
    charts.extend(rtsim::plot::charts::series_charts_with_faults(
        &scenario.name,
        &series,
        faults,
    ));
    let charts = rtsim::plot::charts::chosen(charts, scenario.charts.as_deref());
    let mut provenance = Provenance::new(Command::Run, &scenario.description);
    provenance.set = args.scenario.set.clone();
    provenance.seed = args.scenario.seed;
    provenance.replications = args.replications;
    provenance.point = args.point;
    provenance.max_events = (args.budget.max_events != rtsim::sim::DEFAULT_MAX_EVENTS)
        .then_some(args.budget.max_events);
    let written = std::fs::create_dir_all(&out)
        .and_then(|_| std::fs::write(out.join("summary.json"), &json))
        .and_then(|_| std::fs::write(out.join("summary.md"), &markdown))
        .and_then(|_| {
            std::fs::write(
                out.join("runs.csv"),
                report::replicated_runs_csv(&scenario.name, &runs),
            )
        })
        .and_then(|_| std::fs::write(out.join("series.json"), &series_json))
        .and_then(|_| {
            std::fs::write(
                out.join("series.csv"),
                report::series_csv(&scenario.name, &results),
            )
        })
        .and_then(|_| super::plot::write_charts(&out, &charts, &formats))
        .and_then(|_| {
            super::report::write_run(&out, plan.text(), &provenance, &json, &series_json)
        });
    written.map_err(|e| {
        CliError::failure(format!("cannot write results to {}: {e}", out.display()))
    })?;
    let text = match args.format {
        Format::Table => format!(
            "scenario `{}`: {} clients, {} s simulated ({} s warmup), seed {}\n\n{}{}{}\nwrote {}/{{report.html,summary.json,summary.md,runs.csv,series.json,series.csv,*.svg}} (summary.md also lists each transport's documented properties, with sources)\n",
            scenario.name,
            scenario.client_count(),
            scenario.duration as f64 / 1e9,
            scenario.warmup as f64 / 1e9,
            scenario.seed,
            if runs.len() > 1 {
                format!("{}\n\n", report::interval_note(runs.len()))
            } else {
                String::new()
            },
            report::interval_table_with(&runs, cost_rows),
            incomplete
                .iter()
                .map(|l| format!("\n{l}\n"))
                .collect::<String>(),
            out.display()
        ),
        Format::Json => json,
        Format::Markdown => markdown,
    };
    let outcomes = report::checks::check_replicated(&scenario, &results, replications.as_ref());
    // A failure to print is said at once, before the verdicts below.
    let printed = super::print_stdout(&text).map_err(CliError::print_now);
    if args.stats {
        let cost = super::stats::RunCost {
            peak_memory: super::stats::peak_memory(),
            events: all.iter().map(|r| r.sim_events).sum(),
            wall_seconds: started.elapsed().as_secs_f64(),
            clients: scenario.client_count(),
        };
        for line in cost.lines() {
            eprintln!("{line}");
        }
    }
    if !outcomes.is_empty() {
        eprint!(
            "{}",
            report::checks::describe_painted(&outcomes, &|verdict, passed| {
                let tone = if passed { Tone::Good } else { Tone::Bad };
                paint(verdict, tone)
            })
        );
    }
    for line in &incomplete {
        eprintln!("error: {line}");
    }
    let saturated = all.iter().any(|r| {
        r.stopped
            .as_ref()
            .is_some_and(|s| s.reason == StopReason::Saturated)
    });
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    if failed > 0 {
        return Err(CliError::failure(format!(
            "{failed} of {} thresholds failed",
            outcomes.len()
        )));
    }
    // The incomplete runs' `error:` lines above give the reasons.
    if saturated {
        return Err(CliError::reported(Exit::Failure));
    }
    if !incomplete.is_empty() {
        return Err(CliError::reported(Exit::Stopped));
    }
    printed
}
