//! `rtsim claims`: judge the claims of the transport comparisons (`claims/claims.yaml`)
//! by running their scenarios, and write the claims page (`docs/claims.md`); with
//! `--check`, fail when the page on disk is not the one the runs give.

use std::path::PathBuf;

use clap::Args;
use rtsim::claims::{self, evaluate::Failure};

use super::{BudgetArgs, CliError};

#[derive(Debug, Args)]
pub struct ClaimsArgs {
    /// The claims file.
    #[arg(default_value = "claims/claims.yaml")]
    pub file: PathBuf,
    /// Where the page is written (or, with --check, read).
    #[arg(long, default_value = "docs/claims.md")]
    pub out: PathBuf,
    /// Write nothing: exit 1 if the page at --out differs from the one the runs give.
    #[arg(long)]
    pub check: bool,
    /// Worker threads [default: the number of cores]. The page is the same at any number.
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub budget: BudgetArgs,
}

pub fn claims(args: ClaimsArgs) -> Result<(), CliError> {
    let started = std::time::Instant::now();
    let list = claims::load_file(&args.file)?;
    let jobs = super::jobs(args.jobs);
    let limits = |scenario: &rtsim::Scenario| {
        let copies = vec![scenario; scenario.replications.max(1) as usize];
        args.budget
            .limits(&copies, jobs, started)
            .map_err(|e| e.to_string())
    };
    let pool = super::thread_pool(args.jobs)?;
    let findings = pool
        .install(|| claims::evaluate::evaluate(&list, &limits))
        .map_err(|f| match f {
            Failure::Input(m) => CliError::input(m),
            Failure::Run(m) => CliError::failure(m),
        })?;
    let prefix = relative_prefix(&args.out, &args.file);
    let page = claims::page::render(&list, &findings, &args.file.display().to_string(), &prefix);
    if args.check {
        let on_disk = std::fs::read_to_string(&args.out).unwrap_or_default();
        if on_disk != page {
            return Err(CliError::failure(format!(
                "{} is stale: it is not the page the claims' runs give; regenerate it with \
                 `rtsim claims {} --out {}`",
                args.out.display(),
                args.file.display(),
                args.out.display()
            )));
        }
        eprintln!("{} is up to date", args.out.display());
        return Ok(());
    }
    std::fs::write(&args.out, page)
        .map_err(|e| CliError::failure(format!("cannot write {}: {e}", args.out.display())))?;
    eprintln!("wrote {}", args.out.display());
    Ok(())
}

/// The path from the page's folder to the claims file's folder, for the page's links
/// (`../claims/` for docs/claims.md and claims/claims.yaml).
fn relative_prefix(page: &std::path::Path, claims_file: &std::path::Path) -> String {
    let depth = page.parent().map_or(0, |p| {
        p.components().filter(|c| c.as_os_str() != ".").count()
    });
    let mut prefix = "../".repeat(depth);
    if let Some(folder) = claims_file.parent().filter(|f| !f.as_os_str().is_empty()) {
        prefix.push_str(&folder.display().to_string());
        prefix.push('/');
    }
    prefix
}
