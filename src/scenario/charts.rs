//! The charts a scenario asks for (`charts:`). Without the list, `rtsim run` draws every run
//! chart and `rtsim sweep` every headline metric against every numeric swept parameter; with
//! it, exactly the charts listed. The list travels in summary.json and sweep.json, so
//! `rtsim plot` and `rtsim merge` draw the same charts without the scenario file.

use serde::{Deserialize, Serialize};

use super::checker::Checker;
use super::error::ScenarioError;
use crate::metrics::registry;

/// The charts of a single run, by name (the file name without `.svg`).
pub const RUN_CHARTS: [&str; 6] = [
    "latency-cdf",
    "frontier",
    "connections-over-time",
    "requests-over-time",
    "cpu-over-time",
    "latency-over-time",
];

/// One entry of `charts:`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum ChartRequest {
    /// One of [`RUN_CHARTS`], drawn by `rtsim run`.
    Run(String),
    /// `<metric> vs <swept parameter>`, drawn by `rtsim sweep`: one line per variant.
    Against { metric: String, parameter: String },
}

impl ChartRequest {
    /// Parses `latency-cdf` or `latency.p99 vs clients.web.count`; the metric must exist
    /// (whether the parameter is swept is checked against the sweep).
    pub fn parse(text: &str) -> Result<ChartRequest, String> {
        let text = text.trim();
        if let Some((metric, parameter)) = text.split_once(" vs ") {
            let (metric, parameter) = (metric.trim(), parameter.trim());
            if registry::metric(metric).is_none() {
                return Err(format!(
                    "unknown metric \"{metric}\" in \"{text}\"; expected one of: {}",
                    registry::names()
                ));
            }
            if parameter.is_empty() || parameter.contains(char::is_whitespace) {
                return Err(format!(
                    "\"{text}\": expected `<metric> vs <swept parameter path>`, e.g. `latency.p99 vs clients.web.count`"
                ));
            }
            return Ok(ChartRequest::Against {
                metric: metric.into(),
                parameter: parameter.into(),
            });
        }
        if RUN_CHARTS.contains(&text) {
            return Ok(ChartRequest::Run(text.into()));
        }
        Err(format!(
            "unknown chart \"{text}\"; expected one of: {}, or `<metric> vs <swept parameter>` (e.g. `latency.p99 vs clients.web.count`)",
            RUN_CHARTS.join(", ")
        ))
    }
}

impl std::fmt::Display for ChartRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChartRequest::Run(name) => f.write_str(name),
            ChartRequest::Against { metric, parameter } => write!(f, "{metric} vs {parameter}"),
        }
    }
}

impl TryFrom<String> for ChartRequest {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        ChartRequest::parse(&text)
    }
}

impl From<ChartRequest> for String {
    fn from(request: ChartRequest) -> String {
        request.to_string()
    }
}

/// Reads `charts:` (`None` without it: the default set); an entry's error names its index.
pub(crate) fn requests(
    entries: Option<&[String]>,
    c: &Checker,
) -> Result<Option<Vec<ChartRequest>>, ScenarioError> {
    entries
        .map(|entries| {
            entries
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    ChartRequest::parse(text).map_err(|m| c.error(&format!("charts[{i}]"), m))
                })
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_reads_entry_by_entry_and_an_error_names_its_index() {
        use crate::scenario::checker::check_section;
        let read = |text| check_section(text, "charts", |e: &Vec<String>, c| requests(Some(e), c));
        let charts = read("charts: [latency-cdf, frontier]\n").unwrap().unwrap();
        assert_eq!(charts[1], ChartRequest::Run("frontier".into()));
        let error = read("charts: [latency-cdf, pie]\n").unwrap_err();
        assert_eq!(error.field.as_deref(), Some("charts[1]"));
        assert!(
            error.message.starts_with("unknown chart \"pie\""),
            "{error}"
        );
    }

    #[test]
    fn entries_parse_and_print_back() {
        for text in [
            "latency-cdf",
            "frontier",
            "latency.p99 vs clients.web.count",
        ] {
            assert_eq!(ChartRequest::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(
            ChartRequest::parse(" cpu_utilisation  vs  server.cores ").unwrap(),
            ChartRequest::Against {
                metric: "cpu_utilisation".into(),
                parameter: "server.cores".into()
            }
        );
    }

    #[test]
    fn typos_name_what_is_valid() {
        let e = ChartRequest::parse("latency_cdf").unwrap_err();
        assert!(e.contains("unknown chart") && e.contains("latency-cdf, frontier"));
        let e = ChartRequest::parse("latency.p98 vs clients.web.count").unwrap_err();
        assert!(e.contains("unknown metric \"latency.p98\"") && e.contains("latency.p99"));
        assert!(ChartRequest::parse("latency.p99 vs ").is_err());
    }
}
