//! Colour in what rtsim writes on standard error (`error:`, `warning:`, run's `PASS` and
//! `FAIL` threshold verdicts, a sweep's `FAIL` lines and verdict, the progress bar): only
//! when standard error is a terminal, never when `NO_COLOR` is set to anything but the
//! empty string (<https://no-color.org>), and never on a `TERM=dumb` terminal. Pipes, files
//! and CI logs get plain text. (Clap colours `--help` and its own errors by the same
//! `NO_COLOR` rule.)

use std::ffi::OsStr;
use std::io::IsTerminal;
use std::sync::OnceLock;

/// Whether to colour standard error, decided once per process.
pub fn enabled() -> bool {
    static ENABLED: OnceLock<bool> = OnceLock::new();
    *ENABLED.get_or_init(|| {
        decide(
            std::io::stderr().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
            std::env::var_os("TERM").as_deref(),
        )
    })
}

/// The rule: a terminal, `NO_COLOR` unset or empty, and a `TERM` other than `dumb`.
pub fn decide(terminal: bool, no_color: Option<&OsStr>, term: Option<&OsStr>) -> bool {
    terminal && no_color.is_none_or(OsStr::is_empty) && term != Some(OsStr::new("dumb"))
}

/// What a piece of text says, which picks its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// A failure: bold red.
    Bad,
    /// A warning: yellow.
    Warning,
    /// Success: green.
    Good,
}

/// `text` in the colour of `tone` when colour is [`enabled`], else as it is.
pub fn paint(text: &str, tone: Tone) -> String {
    paint_if(enabled(), text, tone)
}

/// `text` in the colour of `tone` when `colour` holds (ANSI SGR codes), else as it is.
pub fn paint_if(colour: bool, text: &str, tone: Tone) -> String {
    if !colour {
        return text.to_string();
    }
    let code = match tone {
        Tone::Bad => "1;31",
        Tone::Warning => "33",
        Tone::Good => "32",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        let set = |v: &'static str| Some(OsStr::new(v));
        assert!(decide(true, None, set("xterm-256color")));
        assert!(decide(true, None, None));
        // no-color.org: set to any non-empty value, NO_COLOR turns colour off...
        assert!(!decide(true, set("1"), set("xterm")));
        assert!(!decide(true, set("0"), set("xterm")));
        assert!(!decide(true, set("false"), set("xterm")));
        // ...and the empty string does not.
        assert!(decide(true, set(""), set("xterm")));
        // Never into a pipe or a file, whatever the environment says.
        assert!(!decide(false, None, set("xterm")));
        assert!(!decide(false, set(""), set("xterm")));
        assert!(!decide(true, None, set("dumb")));
    }

    #[test]
    fn painted_text_is_the_text_between_codes() {
        assert_eq!(paint_if(false, "FAIL", Tone::Bad), "FAIL");
        assert_eq!(paint_if(true, "FAIL", Tone::Bad), "\x1b[1;31mFAIL\x1b[0m");
        assert_eq!(paint_if(true, "ok", Tone::Good), "\x1b[32mok\x1b[0m");
        assert_eq!(
            paint_if(true, "warning:", Tone::Warning),
            "\x1b[33mwarning:\x1b[0m"
        );
    }
}
