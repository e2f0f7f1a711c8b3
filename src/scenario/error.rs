//! Scenario errors: what was wrong, where (file, line, column, field) and what was expected.

use std::fmt;

use super::locate::Position;

/// An error a user can cause with a scenario file or a `--set` override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file (or `<built-in default>`), as given.
    pub file: String,
    /// Where in the file, when known.
    pub position: Option<Position>,
    /// The field path (`clients.browsers.link`), when known.
    pub field: Option<String>,
    /// What is wrong and what was expected.
    pub message: String,
    /// The offending source line, for display under the message.
    pub source_line: Option<String>,
}

impl ScenarioError {
    pub(crate) fn new(file: &str, message: impl Into<String>) -> Self {
        ScenarioError {
            file: file.to_string(),
            position: None,
            field: None,
            message: message.into(),
            source_line: None,
        }
    }

    pub(crate) fn at(mut self, text: &str, position: Option<Position>) -> Self {
        self.position = position;
        self.source_line = position.and_then(|p| {
            text.lines()
                .nth(p.line.saturating_sub(1) as usize)
                .map(str::to_string)
        });
        self
    }

    pub(crate) fn field(mut self, path: &str) -> Self {
        self.field = Some(path.to_string());
        self
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.column)?;
        }
        write!(f, ": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        write!(f, "{}", self.message)?;
        if let (Some(line), Some(p)) = (&self.source_line, self.position) {
            let gutter = p.line.to_string();
            write!(f, "\n {gutter} | {line}")?;
            let pad = " ".repeat(gutter.len());
            let caret = " ".repeat(p.column.saturating_sub(1) as usize);
            write!(f, "\n {pad} | {caret}^")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}
