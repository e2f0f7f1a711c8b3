//! `rtsim atlas`: run the scenarios of the use-case atlas (`atlas/atlas.yaml`), derive each
//! use case's answer from the figures, and write the atlas page (`docs/atlas.md`); with
//! `--check`, fail when the page on disk is not the one the runs give.

use std::path::PathBuf;

use clap::Args;
use rtsim::atlas;

use super::docs_page;
use super::{BudgetArgs, CliError};

#[derive(Debug, Args)]
pub struct AtlasArgs {
    /// The atlas file.
    #[arg(default_value = "atlas/atlas.yaml")]
    pub file: PathBuf,
    /// Where the page is written (or, with --check, read).
    #[arg(long, default_value = "docs/atlas.md")]
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

pub fn atlas(args: AtlasArgs) -> Result<(), CliError> {
    let list = atlas::load_file(&args.file)?;
    let findings = docs_page::evaluate(&args.budget, args.jobs, |limits| {
        atlas::evaluate(&list, limits)
    })?;
    let prefix = docs_page::relative_prefix(&args.out, &args.file);
    let page = atlas::page::render(&list, &findings, &args.file.display().to_string(), &prefix);
    let regenerate = format!(
        "rtsim atlas {} --out {}",
        args.file.display(),
        args.out.display()
    );
    docs_page::write_or_check(&args.out, &page, args.check, &regenerate)
}
