//! `rtsim completions SHELL`: a shell's completion script, written by clap_complete from
//! the same clap definition as `--help`, so it always knows every subcommand and flag.

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::CliError;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for. Install the script where it looks for them, e.g.
    /// bash: `rtsim completions bash > ~/.local/share/bash-completion/completions/rtsim`;
    /// zsh: `rtsim completions zsh > ~/.zfunc/_rtsim` (with `fpath+=~/.zfunc` before
    /// `compinit`); fish: `rtsim completions fish > ~/.config/fish/completions/rtsim.fish`.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

pub fn completions(args: CompletionsArgs) -> Result<(), CliError> {
    let mut command = super::Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command, "rtsim", &mut script);
    let script = String::from_utf8(script)
        .map_err(|e| CliError::failure(format!("the completion script is not UTF-8: {e}")))?;
    super::print_stdout(&script)
}
