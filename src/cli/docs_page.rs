//! What the commands that write a generated docs page (`rtsim claims`, `rtsim atlas`)
//! share: running a page's scenarios under the command line's budget and thread count,
//! writing the page or, with `--check`, comparing it with the committed one, and the
//! relative links from the page to its data file's folder.
//!
//! Owns: those steps' command-line side (exit codes, messages). Does not own: what a page
//! holds ([`rtsim::claims`], [`rtsim::atlas`]) nor the runs ([`rtsim::evidence`]).

use std::path::Path;

use rtsim::evidence::{Failure, LimitsFor};

use super::{BudgetArgs, CliError};

/// Runs `evaluate` on the command line's thread pool, with each scenario's limits from
/// the budget flags; a run's failure becomes the matching exit code.
pub fn evaluate<T: Send>(
    budget: &BudgetArgs,
    jobs: Option<usize>,
    evaluate: impl FnOnce(LimitsFor) -> Result<T, Failure> + Send,
) -> Result<T, CliError> {
    let started = std::time::Instant::now();
    let threads = super::jobs(jobs);
    let limits = |scenario: &rtsim::Scenario| {
        let copies = vec![scenario; scenario.replications.max(1) as usize];
        budget
            .limits(&copies, threads, started)
            .map_err(|e| e.to_string())
    };
    let pool = super::thread_pool(jobs)?;
    pool.install(|| evaluate(&limits)).map_err(|f| match f {
        Failure::Input(m) => CliError::input(m),
        Failure::Run(m) => CliError::failure(m),
    })
}

/// Writes `page` to `out`, or with `check` fails (exit 1) when `out` holds anything else;
/// `regenerate` is the command that writes it again.
pub fn write_or_check(
    out: &Path,
    page: &str,
    check: bool,
    regenerate: &str,
) -> Result<(), CliError> {
    if check {
        let on_disk = std::fs::read_to_string(out).unwrap_or_default();
        if on_disk != page {
            return Err(CliError::failure(format!(
                "{} is stale: it is not the page the runs give; regenerate it with `{regenerate}`",
                out.display()
            )));
        }
        eprintln!("{} is up to date", out.display());
        return Ok(());
    }
    std::fs::write(out, page)
        .map_err(|e| CliError::failure(format!("cannot write {}: {e}", out.display())))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}

/// The path from the page's folder to the data file's folder, for the page's links
/// (`../claims/` for docs/claims.md and claims/claims.yaml).
pub fn relative_prefix(page: &Path, data_file: &Path) -> String {
    let depth = page.parent().map_or(0, |p| {
        p.components().filter(|c| c.as_os_str() != ".").count()
    });
    let mut prefix = "../".repeat(depth);
    if let Some(folder) = data_file.parent().filter(|f| !f.as_os_str().is_empty()) {
        prefix.push_str(&folder.display().to_string());
        prefix.push('/');
    }
    prefix
}
