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
