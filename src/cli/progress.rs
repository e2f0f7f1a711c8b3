//! Progress of `rtsim run` and `rtsim sweep` on standard error: a bar on a terminal, and
//! elsewhere (a CI log, a file, a pipe) a plain line every `--progress-every` (5 s by
//! default) with what is done of the total, the time elapsed and an estimate of the time
//! left, so that a long job's log is never silent for long.
//!
//! The wall clock is read here for the display only: nothing a run computes or writes
//! depends on it, and standard output and the output files are the same with or without
//! progress. Short commands print nothing: the first line comes once `--progress-every`
//! has passed, and the closing line only if the command took that long.

use std::io::IsTerminal;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The progress flags of `run` and `sweep`.
#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// No progress: neither the bar on a terminal nor the progress lines elsewhere.
    #[arg(long)]
    pub quiet: bool,
    /// When standard error is not a terminal (a CI log, a file), print a progress line each
    /// time this much wall-clock time has passed (`10s`, `1m`, or plain seconds; `0s`: at
    /// every finished run, and at least ten times a second). The lines show what is done,
    /// the time elapsed and the time left; they change no output.
    #[arg(long, value_name = "DURATION", default_value = "5s", allow_negative_numbers = true,
          value_parser = parse_every)]
    pub progress_every: Duration,
}

fn parse_every(text: &str) -> Result<Duration, String> {
    if let Ok(seconds) = text.trim().parse::<f64>() {
        return if seconds.is_finite() && seconds >= 0.0 {
            Ok(Duration::from_secs_f64(seconds))
        } else {
            Err("expected a duration of 0 or more (`5s`, `1m`, or plain seconds)".into())
        };
    }
    text.parse::<rtsim::units::Duration>()
        .map(|d| Duration::from_nanos(d.as_nanos()))
        .map_err(|e| format!("{e} (or a plain number of seconds)"))
}

/// How far a command has got: the share done (0 to 1, what the time left is estimated
/// from) and what is done, in words (`3/8 points, 12/32 runs`).
pub struct Reading {
    pub share: f64,
    pub words: String,
}

/// Reads how far the command has got; called from the display's thread.
type Measure = dyn Fn() -> Reading + Send + Sync;

/// The longest the display's thread waits between two looks at the work.
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// A progress display on standard error, updated by its own thread and by [`tick`](Self::tick).
pub struct Progress {
    shared: Arc<Shared>,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

struct Shared {
    /// `sweep` or `run`: the first word of each line.
    what: &'static str,
    started: Instant,
    every: Duration,
    output: Output,
    measure: Box<Measure>,
    /// When the last line was printed (lines only); the start before the first.
    last: Mutex<Instant>,
}

enum Output {
    Hidden,
    Bar(ProgressBar),
    Lines,
}

/// Steps of the bar: the share done in thousandths.
const BAR_STEPS: u64 = 1000;

impl Progress {
    /// Starts the display of `what` (`run`, `sweep`) as `args` ask: a bar when standard
    /// error is a terminal, lines when it is not, nothing with `--quiet`.
    pub fn start(
        what: &'static str,
        args: &ProgressArgs,
        measure: impl Fn() -> Reading + Send + Sync + 'static,
    ) -> Progress {
        let output = if args.quiet {
            Output::Hidden
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(Some(BAR_STEPS), ProgressDrawTarget::stderr());
            let template = if super::colour::enabled() {
                "{bar:30.cyan/blue} {wide_msg}"
            } else {
                "{bar:30} {wide_msg}"
            };
            bar.set_style(ProgressStyle::with_template(template).expect("a valid template"));
            Output::Bar(bar)
        } else {
            Output::Lines
        };
        let started = Instant::now();
        let shared = Arc::new(Shared {
            what,
            started,
            every: args.progress_every,
            output,
            measure: Box::new(measure),
            last: Mutex::new(started),
        });
        if matches!(shared.output, Output::Hidden) {
            return Progress {
                shared,
                stop: None,
                thread: None,
            };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let looks = Arc::clone(&shared);
        let period = args.progress_every.clamp(Duration::ZERO, LOOK_EVERY);
        let period = if period.is_zero() { LOOK_EVERY } else { period };
        let thread = std::thread::spawn(move || {
            while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(period) {
                looks.update();
            }
        });
        Progress {
            shared,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Some work has finished: the bar moves, and a line is printed if one is due.
    pub fn tick(&self) {
        self.shared.update();
    }

    /// The work is done: the bar goes; after progress lines, a closing line.
    pub fn finish(mut self) {
        self.stop_thread();
        match &self.shared.output {
            Output::Bar(bar) => bar.finish_and_clear(),
            Output::Lines => {
                let now = Instant::now();
                if now - self.shared.started >= self.shared.every {
                    let reading = (self.shared.measure)();
                    eprintln!(
                        "{}: {}, done in {}",
                        self.shared.what,
                        reading.words,
                        clock(now - self.shared.started)
                    );
                }
            }
            Output::Hidden => {}
        }
    }

    /// The command failed: the bar stays as it was (the error is printed below it).
    pub fn abandon(mut self) {
        self.stop_thread();
        if let Output::Bar(bar) = &self.shared.output {
            bar.abandon();
        }
    }

    fn stop_thread(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

impl Shared {
    fn update(&self) {
        match &self.output {
            Output::Hidden => {}
            Output::Bar(bar) => {
                let reading = (self.measure)();
                let elapsed = self.started.elapsed();
                bar.set_position((reading.share.clamp(0.0, 1.0) * BAR_STEPS as f64) as u64);
                bar.set_message(status(&reading, elapsed));
            }
            Output::Lines => {
                // Under the lock: lines from two threads never interleave, nor come twice.
                let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
                let now = Instant::now();
                if now - *last < self.every {
                    return;
                }
                let reading = (self.measure)();
                eprintln!("{}: {}", self.what, status(&reading, now - self.started));
                *last = now;
            }
        }
    }
}

/// `3/8 points, 12/32 runs (41%), 1m05s elapsed, about 1m34s left`.
fn status(reading: &Reading, elapsed: Duration) -> String {
    let share = reading.share.clamp(0.0, 1.0);
    let left = if share > 0.0 {
        let left = elapsed.as_secs_f64() * (1.0 - share) / share;
        format!(
            "about {} left",
            clock(Duration::from_secs_f64(left.min(1e9)))
        )
    } else {
        "time left not known yet".to_string()
    };
    format!(
        "{} ({:.0}%), {} elapsed, {left}",
        reading.words,
        (share * 100.0).floor(),
        clock(elapsed)
    )
}

/// A wall-clock span as `4s`, `2m05s` or `1h02m`.
pub fn clock(span: Duration) -> String {
    let s = span.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_read_as_a_clock() {
        assert_eq!(clock(Duration::from_millis(4_900)), "4s");
        assert_eq!(clock(Duration::from_secs(125)), "2m05s");
        assert_eq!(clock(Duration::from_secs(3_720)), "1h02m");
    }

    #[test]
    fn the_time_left_is_estimated_from_the_share_done() {
        let reading = |share: f64| Reading {
            share,
            words: "3/8 points".into(),
        };
        assert_eq!(
            status(&reading(0.25), Duration::from_secs(60)),
            "3/8 points (25%), 1m00s elapsed, about 3m00s left"
        );
        assert_eq!(
            status(&reading(0.0), Duration::from_secs(7)),
            "3/8 points (0%), 7s elapsed, time left not known yet"
        );
        assert_eq!(
            status(&reading(1.0), Duration::from_secs(7)),
            "3/8 points (100%), 7s elapsed, about 0s left"
        );
    }

    #[test]
    fn the_interval_takes_durations_and_seconds() {
        assert_eq!(parse_every("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_every("0"), Ok(Duration::ZERO));
        assert_eq!(parse_every("2.5"), Ok(Duration::from_millis(2_500)));
        assert_eq!(parse_every("1m"), Ok(Duration::from_secs(60)));
        assert!(parse_every("-1").is_err());
        assert!(parse_every("soon").is_err());
    }
}
