//! `rtsim check`: validate a scenario without running it.

use clap::Args;

use super::{CliError, ScenarioArgs, print_warnings};

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub scenario: ScenarioArgs,
}

/// Up to this many points, `check` builds and validates every point of a sweep (a few
/// seconds at most); beyond, the first and the last, and each other point is validated when
/// `sweep` or `run --point` builds it.
pub const CHECK_EVERY_POINT_UP_TO: usize = 10_000;

pub fn check(args: CheckArgs) -> Result<(), CliError> {
    let plan = args.scenario.plan()?;
    let count = plan.point_count();
    let checked: Vec<usize> = if count <= CHECK_EVERY_POINT_UP_TO {
        (0..count).collect()
    } else {
        vec![0, count - 1]
    };
    let mut first = None;
    for index in checked {
        let point = plan.point(index)?;
        first.get_or_insert(point);
    }
    let scenario = &first.expect("a plan has at least one point").scenario;
    print_warnings(scenario);
    if count > 1 {
        let axes: Vec<String> = plan
            .axes
            .iter()
            .map(|a| format!("{} ({} values)", a.path, a.values.len()))
            .collect();
        eprintln!("sweep: {count} points over {}", axes.join(", "));
    }
    if count > CHECK_EVERY_POINT_UP_TO {
        eprintln!(
            "note: of more than {CHECK_EVERY_POINT_UP_TO} points, the first and the last were validated; the others are when they run"
        );
    }
    let labels: Vec<&str> = scenario
        .transports
        .iter()
        .map(|t| t.label.as_str())
        .collect();
    let replications = match scenario.replications {
        1 => String::new(),
        r => format!(", {r} replications each"),
    };
    super::print_stdout(&format!(
        "ok: scenario `{}`: {} clients in {} group(s), {} s simulated, variants: {}{replications}\n",
        scenario.name,
        scenario.client_count(),
        scenario.groups.len(),
        scenario.duration as f64 / 1e9,
        labels.join(", ")
    ))
}
