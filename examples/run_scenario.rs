//! rtsim as a library: load a scenario, run every transport variant, read the results.
//!
//! ```sh
//! cargo run --release --example run_scenario                        # scenarios/default.yaml
//! cargo run --release --example run_scenario -- scenarios/chat.yaml clients.desktop.count=50
//! ```
//!
//! The first argument is a scenario file; any further ones are overrides, exactly as
//! `rtsim run --set PATH=VALUE` takes them.

use std::path::PathBuf;
use std::process::ExitCode;

use rtsim::scenario::{self, Override};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let path = args.next().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios/default.yaml")
    });

    // 1. Load: parse the YAML, apply the overrides, validate. Every input mistake is a
    //    `ScenarioError` that names the file, line, column and field, never a panic.
    let overrides: Result<Vec<Override>, _> = args.map(|a| Override::parse(&a)).collect();
    let loaded = overrides.and_then(|overrides| scenario::load_file(&path, &overrides));
    let scenario = match loaded {
        Ok(scenario) => scenario,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "scenario `{}`: {} transport variant(s), seed {}",
        scenario.name,
        scenario.transports.len(),
        scenario.seed
    );

    // 2. Run: every variant over the same event log, in parallel; the results come back in
    //    the scenario's order and do not depend on the number of threads. The limit stops a
    //    runaway scenario after that many simulation events.
    let results = match rtsim::run(&scenario, rtsim::sim::DEFAULT_MAX_EVENTS) {
        Ok(results) => results,
        Err(e) => {
            eprintln!(
                "error: scenario `{}` (seed {}): {e}",
                scenario.name, scenario.seed
            );
            return ExitCode::from(1);
        }
    };

    // 3. Read: each `RunResult` holds what the CLI writes to summary.json.
    println!(
        "{:<16} {:>12} {:>16} {:>10} {:>12}",
        "variant", "p99 latency", "bytes/client/h", "server CPU", "delivered"
    );
    for result in &results {
        let p99 = result
            .latency
            .as_ref()
            .map_or("-".to_string(), |l| format!("{:.1} ms", l.p99_ms));
        let bytes = result.bytes_down_per_client_hour.total + result.bytes_up_per_client_hour.total;
        println!(
            "{:<16} {:>12} {:>16} {:>9.1}% {:>12}",
            result.label,
            p99,
            rtsim::report::human_bytes(bytes),
            result.cpu_utilisation * 100.0,
            result.ledger.delivered
        );
    }

    // The same results as the CLI's outputs: its table, summary.json and runs.csv.
    let csv = rtsim::report::runs_csv(&scenario.name, &results);
    println!(
        "\nruns.csv has {} columns",
        csv.lines().next().map_or(0, |h| h.split(',').count())
    );
    let checks = rtsim::report::checks::check(&scenario, &results);
    if checks.iter().any(|c| !c.passed) {
        eprintln!(
            "a threshold failed:\n{}",
            rtsim::report::checks::describe(&checks)
        );
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
