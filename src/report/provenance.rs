//! `provenance.json`: how a results folder was made (which rtsim, which command, which
//! `--set`, `--seed`, `--replications`, `--point` and `--max-events`), so that `report.html` can say how to
//! reproduce it and `rtsim report DIR` can write the same report again from the folder.
//! The scenario text itself is saved beside it as `scenario.yaml`, exactly as read.
//!
//! Nothing here depends on the machine or the moment: no paths, no times, no thread count.

use serde::{Deserialize, Serialize};

/// The name of the copy of the scenario file saved in a results folder.
pub const SCENARIO_FILE: &str = "scenario.yaml";

/// The name of the provenance file in a results folder.
pub const PROVENANCE_FILE: &str = "provenance.json";

/// The command that wrote a results folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Run,
    Sweep,
}

impl Command {
    pub fn name(self) -> &'static str {
        match self {
            Command::Run => "run",
            Command::Sweep => "sweep",
        }
    }
}

/// `provenance.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The version of rtsim that ran the scenario.
    pub rtsim: String,
    /// `run` or `sweep` (a merge of shards is recorded as the sweep it completes).
    pub command: Command,
    /// The `--set` overrides, as given, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub set: Vec<String>,
    /// `--seed`, when given (it replaces the scenario's seed at every point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// `--replications`, when given (it replaces the scenario's `replications`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replications: Option<u32>,
    /// `run --point K`, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub point: Option<usize>,
    /// `--max-events`, when not the default (it decides where a run stops).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_events: Option<u64>,
    /// The scenario's `description` after the overrides (`sweep.json` does not hold it).
    pub description: String,
}

impl Provenance {
    /// The provenance of a command run by this rtsim. `max_events` is kept only when it is
    /// not the default, so the command to reproduce names only what was chosen.
    pub fn new(command: Command, description: &str) -> Provenance {
        Provenance {
            rtsim: env!("CARGO_PKG_VERSION").to_string(),
            command,
            set: Vec::new(),
            seed: None,
            replications: None,
            point: None,
            max_events: None,
            description: description.to_string(),
        }
    }

    /// The file's text: pretty JSON, keys in a fixed order, a final newline.
    pub fn json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).expect("provenance serializes");
        text.push('\n');
        text
    }

    /// The command that reproduces the folder's results, run in the folder (it names the
    /// saved `scenario.yaml`), each argument quoted for a POSIX shell where needed.
    pub fn command_line(&self) -> String {
        let mut words = vec![
            "rtsim".to_string(),
            self.command.name().to_string(),
            SCENARIO_FILE.to_string(),
        ];
        if let Some(seed) = self.seed {
            words.extend(["--seed".to_string(), seed.to_string()]);
        }
        for set in &self.set {
            words.extend(["--set".to_string(), shell_word(set)]);
        }
        if let Some(replications) = self.replications {
            words.extend(["--replications".to_string(), replications.to_string()]);
        }
        if let Some(point) = self.point {
            words.extend(["--point".to_string(), point.to_string()]);
        }
        if let Some(max_events) = self.max_events {
            words.extend(["--max-events".to_string(), max_events.to_string()]);
        }
        words.join(" ")
    }
}

/// `word` as a POSIX shell reads it back: as it is when it holds only characters the shell
/// leaves alone, else in single quotes (a `'` inside written `'\''`).
pub fn shell_word(word: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./=:,+@%".contains(c);
    if !word.is_empty() && word.chars().all(plain) {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_names_the_saved_scenario_and_only_what_was_chosen() {
        let mut p = Provenance::new(Command::Run, "");
        assert_eq!(p.command_line(), "rtsim run scenario.yaml");
        p.seed = Some(9);
        p.set = vec![
            "clients.web.count=10".into(),
            "transports[0].polling.interval=2s".into(),
            "description=it's".into(),
        ];
        p.point = Some(3);
        p.max_events = Some(1000);
        assert_eq!(
            p.command_line(),
            "rtsim run scenario.yaml --seed 9 --set clients.web.count=10 \
             --set 'transports[0].polling.interval=2s' --set 'description=it'\\''s' \
             --point 3 --max-events 1000"
        );
        p.replications = Some(5);
        assert!(
            p.command_line()
                .contains("--set 'description=it'\\''s' --replications 5 --point 3"),
            "{}",
            p.command_line()
        );
    }

    #[test]
    fn the_file_reads_back_as_written() {
        let mut p = Provenance::new(Command::Sweep, "a <b> & c");
        p.set = vec!["x=1".into()];
        let back: Provenance = serde_json::from_str(&p.json()).unwrap();
        assert_eq!(back, p);
        assert!(!p.json().contains("point"), "{}", p.json());
    }
}
