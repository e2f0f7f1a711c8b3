//! `rtsim man`: the manual pages (roff), written by clap_mangen from the same clap
//! definition as `--help`: `rtsim man | man -l -` reads rtsim's own page; `rtsim man run`
//! prints one subcommand's; `rtsim man --out DIR` writes them all, for packaging.

use std::path::PathBuf;

use clap::{Args, CommandFactory};

use super::CliError;

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The page of one subcommand (`run`, `sweep`, ...) instead of rtsim's own, which
    /// lists them all.
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
    /// Write every page into DIR instead (rtsim.1, rtsim-run.1, rtsim-sweep.1, ...; the
    /// folder is created if need be), e.g. ~/.local/share/man/man1.
    #[arg(long, value_name = "DIR", conflicts_with = "command")]
    pub out: Option<PathBuf>,
}

/// rtsim's command tree, built (so that each subcommand's page is titled `rtsim-<name>`),
/// without clap's `help` subcommand, which needs no page.
fn command() -> clap::Command {
    let mut command = super::Cli::command().disable_help_subcommand(true);
    command.build();
    command
}

/// One command's page, its footer naming this rtsim's version (a subcommand has none of
/// its own to name).
fn page(command: clap::Command) -> Result<(String, String), CliError> {
    let man = clap_mangen::Man::new(command)
        // No date (the pages must not change from one build to the next); a blank, not an
        // empty string, which would drop the argument and shift the source into its place.
        .date(" ")
        .source(format!("rtsim {}", env!("CARGO_PKG_VERSION")))
        .manual("rtsim manual");
    let mut roff = Vec::new();
    man.render(&mut roff)
        .map_err(|e| CliError::failure(format!("cannot write the manual page: {e}")))?;
    let roff = String::from_utf8(roff)
        .map_err(|e| CliError::failure(format!("the manual page is not UTF-8: {e}")))?;
    Ok((man.get_filename(), roff))
}

pub fn man(args: ManArgs) -> Result<(), CliError> {
    let command = command();
    if let Some(dir) = &args.out {
        let cannot = |e: std::io::Error| {
            CliError::failure(format!(
                "cannot write the manual pages to {}: {e}",
                dir.display()
            ))
        };
        std::fs::create_dir_all(dir).map_err(cannot)?;
        let mut pages = vec![command.clone()];
        pages.extend(
            command
                .get_subcommands()
                .filter(|c| !c.is_hide_set())
                .cloned(),
        );
        let mut names = Vec::new();
        for cmd in pages {
            let (name, roff) = page(cmd)?;
            std::fs::write(dir.join(&name), roff).map_err(cannot)?;
            names.push(name);
        }
        return super::print_stdout(&format!(
            "wrote {} to {}\n",
            names.join(", "),
            dir.display()
        ));
    }
    let chosen = match &args.command {
        None => command,
        Some(name) => match command.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
                return Err(CliError::input(format!(
                    "no command `{name}`; the commands are {}",
                    names.join(", ")
                )));
            }
        },
    };
    super::print_stdout(&page(chosen)?.1)
}
