//! The `rtsim` command line: parses arguments and calls the library, one module per
//! subcommand.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    cli::run(args).unwrap_or_else(cli::CliError::report)
}
