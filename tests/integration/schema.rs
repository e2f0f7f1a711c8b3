//! The JSON Schema (`rtsim schema`) checked by an independent validator, the `jsonschema`
//! crate (issue 16): every example scenario and every `rtsim init` template validates; a
//! misspelt key, at the top level or in a section, does not; unit strings are checked by a
//! pattern that accepts the forms the parsers accept and no others.

use std::path::Path;

use rtsim::units::{Bandwidth, ByteSize, Duration, Percent, Rate, UnitError, UnitErrorKind};
use serde_json::Value;

fn schema() -> Value {
    serde_json::from_str(&rtsim::scenario::json_schema()).expect("the schema is JSON")
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::validator_for(schema).expect("the schema compiles")
}

/// Scenario YAML as the JSON an editor's schema check sees (YAML 1.2: anchors and merge
/// keys resolved, `true` and `false` the only booleans).
fn as_json(text: &str) -> Value {
    let options = serde_saphyr::options! { strict_booleans: true };
    serde_saphyr::from_str_with_options(text, options).expect("the scenario is YAML")
}

/// Every error the validator finds, one per line, with where it is.
fn errors(validator: &jsonschema::Validator, instance: &Value) -> Vec<String> {
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn every_example_scenario_validates_against_the_schema() {
    let validator = validator(&schema());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let scenario = as_json(&std::fs::read_to_string(&path).unwrap());
        let found = errors(&validator, &scenario);
        assert!(
            found.is_empty(),
            "{}:\n{}",
            path.display(),
            found.join("\n")
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} scenarios");
    // The built-in scenario too (it is scenarios/default.yaml, but say so).
    assert!(validator.is_valid(&as_json(rtsim::scenario::DEFAULT_SCENARIO)));
}

/// The `rtsim init` templates are scenarios users start from: the schema an editor applies
/// must accept them as written, comments and all.
#[test]
fn every_init_template_validates_against_the_schema() {
    let validator = validator(&schema());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "yaml") {
            continue;
        }
        let template = as_json(&std::fs::read_to_string(&path).unwrap());
        let found = errors(&validator, &template);
        assert!(
            found.is_empty(),
            "{}:\n{}",
            path.display(),
            found.join("\n")
        );
        names.push(path.file_stem().unwrap().to_string_lossy().into_owned());
    }
    names.sort();
    assert_eq!(names, ["chat", "dashboard", "mobile", "notifications"]);
}

#[test]
fn a_misspelt_key_fails_the_schema() {
    let validator = validator(&schema());
    let text = rtsim::scenario::DEFAULT_SCENARIO;
    assert!(text.contains("\nduration: "));
    let misspelt = as_json(&text.replace("\nduration: ", "\ndurration: "));
    let found = errors(&validator, &misspelt);
    assert!(
        found.iter().any(|e| e.contains("durration")),
        "{}",
        found.join("\n")
    );
    // `x-` keys hold anchors: allowed at the top level.
    let anchored = as_json(&format!("x-defaults: &d {{ a: 1 }}\n{text}"));
    assert!(
        validator.is_valid(&anchored),
        "{:?}",
        errors(&validator, &anchored)
    );
    // A section denies unknown fields as its serde type does.
    let mut inner = as_json(text);
    inner["server"] = serde_json::json!({ "replicaz": 2 });
    assert!(!validator.is_valid(&inner));
}

/// Issue 16: no key that YAML 1.1 reads as a boolean; the bursty source's old `on` and
/// `off` fail the schema, `on_time` and `off_time` pass.
#[test]
fn the_schema_has_no_boolean_looking_key() {
    let schema = schema();
    let mut keys = Vec::new();
    collect_keys(&schema, &mut keys);
    for key in keys {
        assert!(
            !["on", "off", "yes", "no", "y", "n", "true", "false"]
                .contains(&key.to_lowercase().as_str()),
            "the key `{key}` reads as a boolean in YAML 1.1"
        );
    }
    let validator = validator(&schema);
    let mut scenario = as_json(rtsim::scenario::DEFAULT_SCENARIO);
    scenario["workload"]["events"] =
        serde_json::json!({ "source": "bursty", "rate": "1/s", "payload": "1KB", "on": "5s" });
    assert!(!validator.is_valid(&scenario));
    scenario["workload"]["events"] = serde_json::json!({
        "source": "bursty", "rate": "1/s", "payload": "1KB", "on_time": "5s", "off_time": "10s"
    });
    assert!(
        validator.is_valid(&scenario),
        "{:?}",
        errors(&validator, &scenario)
    );
}

fn collect_keys(schema: &Value, out: &mut Vec<String>) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(properties)) = map.get("properties") {
                out.extend(properties.keys().cloned());
            }
            map.values().for_each(|v| collect_keys(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_keys(v, out)),
        _ => {}
    }
}

/// Unit strings: a field with a unit takes the forms its parser accepts, and no others.
#[test]
fn unit_fields_are_checked_by_pattern() {
    let validator = validator(&schema());
    let with = |path: &[&str], value: Value| {
        let mut scenario = as_json(rtsim::scenario::DEFAULT_SCENARIO);
        let mut at = &mut scenario;
        for key in &path[..path.len() - 1] {
            at = &mut at[*key];
        }
        at[path[path.len() - 1]] = value;
        validator.is_valid(&scenario)
    };
    let latency = ["network", "broadband", "latency"];
    assert!(with(&latency, "20ms".into()));
    assert!(with(&latency, "1.5 s".into()));
    assert!(with(&latency, 0.into()), "a bare 0 is a duration");
    assert!(!with(&latency, 20.into()), "a number without its unit");
    assert!(!with(&latency, "20 parsecs".into()));
    assert!(!with(&latency, "20MS".into()));
    let payload = ["workload", "events", "payload"];
    assert!(with(&payload, "1.5KiB".into()));
    assert!(!with(&payload, "180".into()));
    assert!(!with(&payload, 0.into()), "only a duration takes a bare 0");
    let rate = ["workload", "events", "rate"];
    assert!(with(&rate, "3/min".into()));
    assert!(!with(&rate, "3 per minute".into()));
}

/// Each unit's pattern accepts exactly the texts whose form its parser accepts: over a grid
/// of prefixes, numbers, spaces, units and suffixes, a text matches the pattern if and only
/// if the parser reads it or refuses it only for its value (too fine, too large, too many
/// decimals, above 100 %).
#[test]
fn unit_patterns_match_the_parsers() {
    let schema = schema();
    type Parse = fn(&str) -> Result<(), UnitError>;
    let quantities: [(&str, Parse); 5] = [
        ("Duration", |s| s.parse::<Duration>().map(|_| ())),
        ("ByteSize", |s| s.parse::<ByteSize>().map(|_| ())),
        ("Bandwidth", |s| s.parse::<Bandwidth>().map(|_| ())),
        ("Rate", |s| s.parse::<Rate>().map(|_| ())),
        ("Percent", |s| s.parse::<Percent>().map(|_| ())),
    ];
    let numbers = [
        "0",
        "00",
        "1",
        "20",
        "1.5",
        "0.3",
        "1.0000000001",
        "99999999999999999999999",
        "100.5",
        "",
        ".5",
        "5.",
        "1.2.3",
        "-1",
        "+1",
        "1e3",
        ".nan",
        "inf",
        "x",
    ];
    let units = [
        "", "ns", "us", "µs", "μs", "ms", "s", "m", "h", "min", "sec", "hr", "MS", "B", "KB", "kB",
        "MB", "GB", "KiB", "MiB", "GiB", "kb", "bit/s", "kbit/s", "Mbit/s", "Gbit/s", "bps",
        "kbps", "Mbps", "Gbps", "B/s", "KB/s", "kB/s", "MB/s", "GB/s", "KiB/s", "MiB/s", "GiB/s",
        "mbps", "/s", "/ms", "/min", "/m", "/h", "/sec", "/ s", "/day", "/", "%", " %", "%%",
        "parsecs", "s s",
    ];
    let spaces = ["", " ", "\t", "\u{a0}", "\u{2003}", "\u{85}"];
    for (name, parse) in quantities {
        let validator = validator(&schema["$defs"][name]);
        let mut checked = 0;
        for number in numbers {
            for unit in units {
                for (before, after) in spaces.iter().zip(spaces.iter().rev()) {
                    for between in ["", " "] {
                        let text = format!("{before}{number}{between}{unit}{after}");
                        let form_accepted = match parse(&text) {
                            Ok(()) => true,
                            Err(e) => matches!(
                                e.kind(),
                                UnitErrorKind::TooFine
                                    | UnitErrorKind::TooLarge
                                    | UnitErrorKind::TooManyDecimals { .. }
                                    | UnitErrorKind::OutOfRange
                            ),
                        };
                        assert_eq!(
                            validator.is_valid(&Value::String(text.clone())),
                            form_accepted,
                            "{name} {text:?}: the parser says {:?}",
                            parse(&text)
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 5000, "{name}: {checked}");
    }
}
