//! The [`Checker`]: what every section's validation reports its errors through. It knows
//! the file, its text, where each field path sits in it and which fields `--set` (or a
//! sweep value) replaced, so an error names the field path and points at the line that
//! wrote the value, wherever that was.

use super::error::ScenarioError;
use super::locate::Locations;
use super::overrides::Override;

/// Context for errors: the file name, its text and the located paths.
pub(crate) struct Checker<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub locations: &'a Locations,
    /// `--set` overrides: an error in a field they set names the override, not the file.
    pub overridden: &'a [Override],
}

impl Checker<'_> {
    /// An error about the field at `path` (`clients.browsers.count`): located in the file,
    /// or at the override that set the field (the last one, when several did).
    pub(crate) fn error(&self, path: &str, message: impl Into<String>) -> ScenarioError {
        if let Some(o) = self.overridden.iter().rev().find(|o| o.dotted() == path) {
            return o.error(path, message);
        }
        ScenarioError::new(self.file, message)
            .at(self.text, self.locations.find(path))
            .field(path)
    }
}

/// For the sections' unit tests: reads the section `key` of `text` (a scenario fragment
/// holding that one top-level key) as `T`, and runs `check` on it with a [`Checker`] over
/// the text, named `test.yaml`.
/// HTTP/2 with every default (`http2: true` and nothing else), for tests.
#[cfg(test)]
pub(crate) fn default_http2() -> crate::transport::spec::Http2Params {
    use super::defaults as d;
    crate::transport::spec::Http2Params {
        huffman_ppm: d::HTTP2_HUFFMAN_PPM,
        repeated_request_headers: d::HTTP2_REPEATED_REQUEST_HEADERS,
        repeated_response_headers: d::HTTP2_REPEATED_RESPONSE_HEADERS,
        window: d::HTTP2_WINDOW,
        ping: None,
    }
}

#[cfg(test)]
pub(crate) fn check_section<T, R>(text: &str, key: &str, check: impl FnOnce(&T, &Checker) -> R) -> R
where
    T: serde::de::DeserializeOwned,
{
    let sections: std::collections::BTreeMap<String, T> =
        serde_saphyr::from_str(text).expect("the test's section parses");
    let locations = Locations::from_text(text).expect("the test's text is YAML");
    let checker = Checker {
        file: "test.yaml",
        text,
        locations: &locations,
        overridden: &[],
    };
    check(&sections[key], &checker)
}

/// For the unit tests of sections that read the whole scenario (the workload, the
/// topology, ...): parses `text` as a scenario and runs `check` on it with a [`Checker`].
#[cfg(test)]
pub(crate) fn check_scenario<R>(
    text: &str,
    check: impl FnOnce(&super::raw::RawScenario, &Checker) -> R,
) -> R {
    let raw = super::parse("test.yaml", text).expect("the test's scenario parses");
    let locations = Locations::from_text(text).expect("the test's text is YAML");
    let checker = Checker {
        file: "test.yaml",
        text,
        locations: &locations,
        overridden: &[],
    };
    check(&raw, &checker)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::locate::Position;

    const TEXT: &str = "clients:\n  browsers: { count: 0, link: dsl }\n";

    #[test]
    fn an_error_names_the_field_and_points_at_its_value() {
        let locations = Locations::from_text(TEXT).unwrap();
        let c = Checker {
            file: "s.yaml",
            text: TEXT,
            locations: &locations,
            overridden: &[],
        };
        let error = c.error("clients.browsers.count", "must be at least 1");
        assert_eq!(error.file, "s.yaml");
        assert_eq!(error.field.as_deref(), Some("clients.browsers.count"));
        assert_eq!(
            error.position,
            Some(Position {
                line: 2,
                column: 22
            })
        );
        assert_eq!(
            error.to_string(),
            "s.yaml:2:22: field `clients.browsers.count`: must be at least 1\n \
             2 |   browsers: { count: 0, link: dsl }\n   |                      ^"
        );
    }

    #[test]
    fn an_error_in_an_overridden_field_names_the_last_override() {
        let locations = Locations::from_text(TEXT).unwrap();
        let overrides = [
            Override::parse("clients.browsers.count=5").unwrap(),
            Override::parse("clients.browsers.count=0").unwrap(),
        ];
        let c = Checker {
            file: "s.yaml",
            text: TEXT,
            locations: &locations,
            overridden: &overrides,
        };
        let error = c.error("clients.browsers.count", "must be at least 1");
        assert_eq!(
            error.to_string(),
            "--set clients.browsers.count=0: field `clients.browsers.count`: must be at least 1"
        );
        // A field no override set is still located in the file.
        let other = c.error("clients.browsers.link", "unknown link profile");
        assert_eq!(other.file, "s.yaml");
        assert_eq!(
            other.position,
            Some(Position {
                line: 2,
                column: 31
            })
        );
    }
}
