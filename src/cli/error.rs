//! The command line's one error path: every way a command ends other than success is a
//! [`CliError`], which carries its exit code and what to tell the user. Subcommands return
//! it with `?`; `main` prints it (`error: <message>` on standard error) and exits with its
//! code. No subcommand prints an error and picks an exit code by hand.

use std::fmt;
use std::process::ExitCode;

use rtsim::ScenarioError;

/// The exit codes other than 0 (success), as `--help` lists them ([`super::EXIT_CODES`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Exit {
    /// A failure: a threshold broken, a saturated server, a run refused for want of memory,
    /// output that could not be written.
    Failure = 1,
    /// A bad scenario or bad arguments (clap's own argument errors exit 2 as well).
    Input = 2,
    /// A run stopped by a budget (--max-events, --max-wall, the memory budget): the report
    /// was written but is incomplete.
    Stopped = 3,
}

/// Why a command did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    exit: Exit,
    /// What `main` prints after `error: `; `None` when the command has said it already (a
    /// report's own `error:` lines).
    message: Option<String>,
}

impl CliError {
    /// A bad scenario, argument or input file (exit 2).
    pub fn input(message: impl Into<String>) -> Self {
        Self::new(Exit::Input, message)
    }

    /// A failure (exit 1).
    pub fn failure(message: impl Into<String>) -> Self {
        Self::new(Exit::Failure, message)
    }

    /// A run stopped by a budget (exit 3).
    pub fn stopped(message: impl Into<String>) -> Self {
        Self::new(Exit::Stopped, message)
    }

    /// An exit whose reasons the command has printed already, in its report.
    pub fn reported(exit: Exit) -> Self {
        CliError {
            exit,
            message: None,
        }
    }

    fn new(exit: Exit, message: impl Into<String>) -> Self {
        CliError {
            exit,
            message: Some(message.into()),
        }
    }

    /// Prints the message now and keeps the exit code: for a command that goes on writing
    /// its report after the error, so that the error stands where it happened.
    pub fn print_now(self) -> Self {
        self.print();
        Self::reported(self.exit)
    }

    /// The process exit code.
    pub fn code(&self) -> u8 {
        self.exit as u8
    }

    /// The line printed on standard error, newline included; `None` if already said.
    pub fn line(&self) -> Option<String> {
        self.message.as_ref().map(|m| format!("error: {m}\n"))
    }

    /// Prints the error (if not said already) and gives the exit code: what `main` does.
    pub fn report(self) -> ExitCode {
        self.print();
        ExitCode::from(self.code())
    }

    /// [`line`](Self::line), its `error:` in colour on a terminal (see [`super::colour`]).
    fn print(&self) {
        if let Some(line) = self.line() {
            let error = super::colour::paint("error:", super::colour::Tone::Bad);
            eprint!("{}", line.replacen("error:", &error, 1));
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.message {
            Some(message) => f.write_str(message),
            None => write!(f, "exit {} (reported above)", self.code()),
        }
    }
}

impl std::error::Error for CliError {}

impl From<ScenarioError> for CliError {
    /// An invalid scenario, `--set` or sweep: an input error, in the scenario's words.
    fn from(error: ScenarioError) -> Self {
        CliError::input(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_exits_with_its_documented_code() {
        assert_eq!(CliError::failure("x").code(), 1);
        assert_eq!(CliError::input("x").code(), 2);
        assert_eq!(CliError::stopped("x").code(), 3);
        assert_eq!(CliError::reported(Exit::Stopped).code(), 3);
        // The --help text names the same codes.
        for (exit, line) in [
            (Exit::Failure, "  1  a threshold failed"),
            (Exit::Input, "  2  invalid scenario or arguments"),
            (Exit::Stopped, "  3  a run stopped by a budget"),
        ] {
            assert!(super::super::EXIT_CODES.contains(line), "{exit:?}");
            assert!(line.contains(&format!(" {} ", exit as u8)));
        }
    }

    #[test]
    fn the_message_is_printed_after_error_colon_on_its_own_line() {
        let e = CliError::failure("cannot write results to out: denied");
        assert_eq!(
            e.line().as_deref(),
            Some("error: cannot write results to out: denied\n")
        );
        assert_eq!(e.to_string(), "cannot write results to out: denied");
        assert_eq!(e.code(), Exit::Failure as u8);
    }

    #[test]
    fn a_reported_error_prints_nothing_more() {
        let e = CliError::reported(Exit::Failure);
        assert_eq!(e.line(), None);
        assert_eq!(e.code(), 1);
        let e = CliError::input("bad").print_now();
        assert_eq!(e, CliError::reported(Exit::Input));
    }

    #[test]
    fn a_scenario_error_is_an_input_error_in_its_own_words() {
        let scenario = rtsim::scenario::load_str("bad.yaml", "name: x\n", &[])
            .expect_err("a scenario without its sections is invalid");
        let words = scenario.to_string();
        let e = CliError::from(scenario);
        assert_eq!(e.code(), 2);
        assert_eq!(e.line(), Some(format!("error: {words}\n")));
    }
}
