//! Flow collections (`{ ... }` and `[ ... ]`) in scenario text: which ones are never
//! closed, and where they were opened.
//!
//! The YAML parser notices an unclosed bracket only where the text stops making sense,
//! often lines later and with a message about something else ("illegal placement of ':'
//! indicator"); this scan finds the bracket. It follows YAML closely enough for that: a
//! bracket opens a collection only where a value starts (after `key: `, after `- `, at the
//! start of a line, or inside another flow collection), never inside a plain value
//! (`see [1`), a quoted string (which may span lines), a comment or a block scalar (`|`,
//! `>`). It reads each character once; it never fails.

use super::locate::Position;

/// The brackets open just before `until` (closed later or not), outermost first.
pub fn open_before(text: &str, until: Position) -> Vec<(Position, char)> {
    let mut scan = Scan::default();
    for (index, line) in text.lines().enumerate() {
        let line_no = index as u64 + 1;
        if line_no == until.line {
            let cut = line
                .char_indices()
                .nth(until.column.saturating_sub(1) as usize)
                .map_or(line.len(), |(byte, _)| byte);
            scan.line(line_no, &line[..cut]);
            break;
        }
        scan.line(line_no, line);
    }
    scan.open
}

/// The brackets still open at the end of `text`, outermost first.
pub fn never_closed(text: &str) -> Vec<(Position, char)> {
    let mut scan = Scan::default();
    for (index, line) in text.lines().enumerate() {
        scan.line(index as u64 + 1, line);
    }
    scan.open
}

/// The innermost bracket opened before `until` and never closed in `text`.
pub fn never_closed_before(text: &str, until: Position) -> Option<(Position, char)> {
    never_closed(text)
        .into_iter()
        .rev()
        .find(|(opened, _)| (opened.line, opened.column) < (until.line, until.column))
}

#[derive(Default)]
struct Scan {
    /// Open flow collections: where, and which bracket.
    open: Vec<(Position, char)>,
    /// Inside a quoted scalar: its quote character.
    quote: Option<char>,
    /// Inside a block scalar: the indentation of the line that introduced it.
    block_scalar_parent: Option<usize>,
}

impl Scan {
    fn line(&mut self, line_no: u64, line: &str) {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(parent) = self.block_scalar_parent {
            if line.trim().is_empty() || indent > parent {
                return;
            }
            self.block_scalar_parent = None;
        }
        let chars: Vec<char> = line.chars().collect();
        let blank_after = |i: usize| chars.get(i + 1).is_none_or(|c| c.is_whitespace());
        // Whether a value (and so a flow collection or a quoted string) may start here.
        let mut value_starts = true;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let here = Position {
                line: line_no,
                column: i as u64 + 1,
            };
            if let Some(quote) = self.quote {
                // `\x` in double quotes and `''` in single quotes do not end the string.
                let escaped = (quote == '"' && c == '\\')
                    || (quote == '\'' && c == '\'' && chars.get(i + 1) == Some(&'\''));
                if escaped {
                    i += 1;
                } else if c == quote {
                    self.quote = None;
                    value_starts = false;
                }
                i += 1;
                continue;
            }
            if c == '#' && (i == 0 || chars[i - 1].is_whitespace()) {
                return;
            }
            let in_flow = !self.open.is_empty();
            match c {
                ' ' | '\t' => {}
                '[' | '{' if in_flow || value_starts => {
                    self.open.push((here, c));
                    value_starts = true;
                }
                ']' | '}' if in_flow => {
                    self.open.pop();
                    value_starts = false;
                }
                ',' if in_flow => value_starts = true,
                '"' | '\'' if value_starts => self.quote = Some(c),
                ':' if blank_after(i) || in_flow => value_starts = true,
                '-' | '?' if value_starts && !in_flow && blank_after(i) => {}
                '|' | '>' if value_starts && !in_flow => {
                    self.block_scalar_parent = Some(indent);
                    return;
                }
                '&' | '!' if value_starts => {
                    // An anchor or a tag before the value: skip its name.
                    while chars.get(i + 1).is_some_and(|c| !c.is_whitespace()) {
                        i += 1;
                    }
                }
                _ => value_starts = false,
            }
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: u64, column: u64) -> Position {
        Position { line, column }
    }

    #[test]
    fn an_unclosed_list_is_found_where_it_opens() {
        let text = "a: 1\nt: [ { x: 1 },\n  { y: 2 }\nf: []\n";
        assert_eq!(never_closed(text), vec![(at(2, 4), '[')]);
        assert_eq!(never_closed_before(text, at(4, 2)), Some((at(2, 4), '[')));
        assert_eq!(never_closed_before(text, at(1, 1)), None);
    }

    #[test]
    fn the_innermost_open_bracket_is_named() {
        let text = "a: { b: [1, 2\n";
        assert_eq!(never_closed(text), vec![(at(1, 4), '{'), (at(1, 9), '[')]);
        assert_eq!(never_closed_before(text, at(2, 1)), Some((at(1, 9), '[')));
    }

    /// A bracket closed only by a stray one much later is still open where the parser
    /// gave up.
    #[test]
    fn brackets_open_at_a_position() {
        let text = "a: {b: 1
c: [d]
}
";
        assert_eq!(never_closed(text), vec![]);
        assert_eq!(
            open_before(text, at(2, 5)),
            vec![(at(1, 4), '{'), (at(2, 4), '[')]
        );
        assert_eq!(open_before(text, at(2, 4)), vec![(at(1, 4), '{')]);
    }

    #[test]
    fn brackets_that_are_not_flow_collections_are_ignored() {
        let text = "\
description: see [1 and {2
quoted: \"a [b\"
single: 'it''s [open'
url: http://x/{id}
apostrophe: it's [here
note: a # comment [
block: |
  [not yaml
  {either
multi: \"first [
  second\"
list:
  - [1, 2]
  - &anchor { a: 1 }
tagged: !!seq [1]
";
        assert_eq!(never_closed(text), vec![]);
    }

    #[test]
    fn a_closed_bracket_after_a_key_in_flow_is_balanced() {
        assert_eq!(never_closed("a: [ {b: c}, [d] ]\ne: {f: [g]}\n"), vec![]);
    }
}
