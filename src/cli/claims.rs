//! `rtsim claims`: judge the claims of the transport comparisons (`claims/claims.yaml`)
//! by running their scenarios, and write the claims page (`docs/claims.md`); with
//! `--check`, fail when the page on disk is not the one the runs give.

use std::path::PathBuf;

use clap::Args;
use rtsim::claims;

use super::docs_page;
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
    let list = claims::load_file(&args.file)?;
    let findings = docs_page::evaluate(&args.budget, args.jobs, |limits| {
        claims::evaluate::evaluate(&list, limits)
    })?;
    let prefix = docs_page::relative_prefix(&args.out, &args.file);
    let page = claims::page::render(&list, &findings, &args.file.display().to_string(), &prefix);
    let regenerate = format!(
        "rtsim claims {} --out {}",
        args.file.display(),
        args.out.display()
    );
    docs_page::write_or_check(&args.out, &page, args.check, &regenerate)
}
