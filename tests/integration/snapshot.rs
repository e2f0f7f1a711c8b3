//! Snapshot of the default scenario's summary: any change in behaviour shows up here and is
//! reviewed like code.

use rtsim::report::summary_json;
use rtsim::scenario::{self, DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME};

use crate::support::run;

#[test]
fn default_scenario_summary() {
    let s = scenario::load_str(DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO, &[]).unwrap();
    let json = summary_json(&s, &run(&s));
    insta::assert_snapshot!("default_summary", json);
}

#[test]
fn default_scenario_file_is_the_built_in_text() {
    let file = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/default.yaml"
    ))
    .unwrap();
    assert_eq!(file, DEFAULT_SCENARIO);
}

/// The default scenario's charts, byte for byte: any change in the numbers or the drawing
/// shows up here as a diff to review. (Not with the `png` feature, which measures SVG text
/// with the embedded font, so its legend boxes differ.)
#[test]
#[cfg(not(feature = "png"))]
fn default_scenario_charts() {
    let s = scenario::load_str(DEFAULT_SCENARIO_NAME, DEFAULT_SCENARIO, &[]).unwrap();
    let charts = rtsim::plot::charts::run_charts(&s.name, &run(&s));
    let names: Vec<&str> = charts.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["latency-cdf", "frontier"]);
    insta::assert_snapshot!("default_latency_cdf_svg", charts[0].figure.svg().unwrap());
    insta::assert_snapshot!("default_frontier_svg", charts[1].figure.svg().unwrap());
}
