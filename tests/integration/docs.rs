//! The documentation's scenarios are real: the walk-through in `docs/first-scenario.md`
//! builds, block by block, exactly the file it shows at the end, and that file loads and
//! runs with its thresholds passing; the README opens with the two commands and shows
//! today's table and chart.

use rtsim::scenario::{self, Override};

fn read_doc(page: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(page);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The contents of every ```yaml block of `text`, in order.
fn yaml_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match current.as_mut() {
            None if line == "```yaml" => current = Some(String::new()),
            None => {}
            Some(block) if line == "```" => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    assert!(current.is_none(), "an unclosed ```yaml block");
    blocks
}

/// A YAML text cut into its top-level entries: (key, text). Comment lines before the first
/// key belong to an entry with an empty key.
fn top_level(text: &str) -> Vec<(String, String)> {
    let mut entries: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let starts_entry = line
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '#');
        if starts_entry {
            let key = line.split(':').next().unwrap().to_string();
            entries.push((key, String::new()));
        } else if entries.is_empty() {
            entries.push((String::new(), String::new()));
        }
        let text = &mut entries.last_mut().unwrap().1;
        text.push_str(line);
        text.push('\n');
    }
    entries
}

/// Applies one block of the walk-through: an entry whose key the file has replaces it,
/// any other is added at the end (what the page tells the reader to do).
fn apply(file: &mut Vec<(String, String)>, block: &str) {
    for (key, text) in top_level(block) {
        match file.iter_mut().find(|(k, _)| !k.is_empty() && *k == key) {
            Some(entry) => entry.1 = text,
            None => file.push((key, text)),
        }
    }
}

fn joined(file: &[(String, String)]) -> String {
    file.iter().map(|(_, text)| text.as_str()).collect()
}

#[test]
fn first_scenario_builds_the_file_it_shows_and_that_file_runs() {
    let page = read_doc("first-scenario.md");
    let (steps, end) = page
        .split_once("\n## The whole file\n")
        .expect("the page ends with `## The whole file`");
    let blocks = yaml_blocks(steps);
    let whole = yaml_blocks(end);
    assert_eq!(whole.len(), 1, "one block under `## The whole file`");
    let whole = &whole[0];
    assert!(blocks.len() >= 10, "the walk-through has its steps");

    // Every state of the file from the first with transports on is a valid scenario: the
    // reader can run `rtsim check` after any block.
    let mut file = Vec::new();
    for (k, block) in blocks.iter().enumerate() {
        apply(&mut file, block);
        if file.iter().any(|(key, _)| key == "transports") {
            let text = joined(&file);
            let plan = scenario::plan("dashboard.yaml", &text, &[]).unwrap_or_else(|e| {
                panic!("after block {} the file is invalid: {e}\n{text}", k + 1)
            });
            for point in 0..plan.point_count() {
                plan.point(point)
                    .unwrap_or_else(|e| panic!("block {}: {e}", k + 1));
            }
        }
    }
    assert_eq!(&joined(&file), whole, "the blocks make the whole file");

    // The whole file runs, scaled down for the debug build: every variant delivers, and
    // its thresholds pass (the WebSocket's reconnect policy recovers from the crash).
    let overrides: Vec<Override> = ["clients.home.count=40", "clients.office.count=20"]
        .iter()
        .map(|o| Override::parse(o).unwrap())
        .collect();
    assert_eq!(
        scenario::plan("dashboard.yaml", whole, &[])
            .unwrap()
            .point_count(),
        3
    );
    let plan = scenario::plan("dashboard.yaml", whole, &overrides).unwrap();
    assert_eq!(plan.point_count(), 1, "a --set of the swept field fixes it");
    let scenario = plan.point(0).unwrap().scenario;
    let results = crate::support::run(&scenario);
    assert_eq!(results.len(), 4);
    for result in &results {
        assert!(
            result.ledger.delivered > 0,
            "{} delivered nothing",
            result.label
        );
        assert!(result.stopped.is_none(), "{} stopped", result.label);
    }
    let checks = rtsim::report::checks::check(&scenario, &results);
    assert_eq!(checks.len(), 3);
    assert!(
        checks.iter().all(|c| c.passed),
        "{}",
        rtsim::report::checks::describe(&checks)
    );
}

/// `docs/defaults-and-sources.md` and the bounds table of `docs/limits.md` are written from
/// the constants of the code (`rtsim::scenario::doc_tables`), never by hand: this fails when
/// a committed page differs from what the code writes, and with `RTSIM_WRITE_DOCS` set it
/// writes them instead.
#[test]
fn generated_docs_are_current() {
    use rtsim::scenario::doc_tables;

    let write = std::env::var_os("RTSIM_WRITE_DOCS").is_some();
    let limits = doc_tables::limits_page(&read_doc("limits.md")).unwrap();
    let mut stale = Vec::new();
    for (page, generated) in [
        ("defaults-and-sources.md", doc_tables::defaults_page()),
        ("limits.md", limits),
    ] {
        if read_doc(page) == generated {
            continue;
        }
        if write {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("docs")
                .join(page);
            std::fs::write(&path, generated).unwrap();
        } else {
            stale.push(format!("docs/{page}"));
        }
    }
    assert!(
        stale.is_empty(),
        "{} stale: run `{}`",
        stale.join(" and "),
        doc_tables::REGENERATE
    );
    // Every value is in the page as the code has it.
    let defaults = read_doc("defaults-and-sources.md");
    assert!(defaults.contains("| TCP header | 52 B |"));
    assert!(defaults.contains("| HTTP/2 window | 15 MiB |"));
    let limits = read_doc("limits.md");
    assert!(limits.contains("| server cores | 4096 |"));
    assert!(
        limits.contains(
            "| any duration (the run's, latencies, timeouts, intervals, delays) | 7 days |"
        )
    );
}

/// The README is a front door (issue 16): 150 to 250 lines, opening with the two commands
/// (run the default scenario, run the tests) before any section, with no issue numbers;
/// the table it shows is what `rtsim run` prints for the default scenario today, and the
/// chart it shows is the default's frontier as the gallery holds it.
#[test]
fn the_readme_opens_with_the_two_commands_and_shows_todays_table_and_chart() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!((150..=250).contains(&lines), "README.md has {lines} lines");
    let opening = readme.split("\n## ").next().unwrap();
    let block = opening
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a ```sh block before the first section");
    let commands: Vec<&str> = block
        .lines()
        .map(|l| l.split(" #").next().unwrap().trim())
        .collect();
    assert_eq!(commands, ["cargo run --release -- run", "cargo test"]);
    for (i, line) in readme.lines().enumerate() {
        let lower = line.to_lowercase();
        assert!(
            !lower.contains("issue ") && !lower.contains("issues/"),
            "README.md:{}: names an issue: {line}",
            i + 1
        );
    }

    let s = scenario::load_str(
        scenario::DEFAULT_SCENARIO_NAME,
        scenario::DEFAULT_SCENARIO,
        &[],
    )
    .unwrap();
    let results = crate::support::run(&s);
    let table = rtsim::report::text_table(&results);
    assert!(
        readme.contains(table.trim_end()),
        "README.md's table is not today's `rtsim run`:\n{table}"
    );
    let frontier = rtsim::plot::charts::run_charts(&s.name, &results)
        .into_iter()
        .find(|c| c.name == "frontier")
        .unwrap();
    assert!(readme.contains("](plots/default/frontier.svg)"));
    // (With the `png` feature the SVG's legend boxes are measured with the embedded font.)
    if cfg!(feature = "png") {
        return;
    }
    let gallery = std::fs::read_to_string(root.join("plots/default/frontier.svg")).unwrap();
    assert_eq!(
        gallery,
        frontier.figure.svg().unwrap(),
        "plots/default/frontier.svg is stale: bash tools/regenerate-plots.sh default"
    );
}

/// The README states the oldest Rust that builds rtsim, the `rust-version` of `Cargo.toml`,
/// wherever it names one, and says how to install (`cargo install --locked --path .` and the
/// git form).
#[test]
fn the_readme_states_cargo_s_rust_version_and_how_to_install() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let wanted = env!("CARGO_PKG_RUST_VERSION");
    assert!(!wanted.is_empty(), "Cargo.toml sets no rust-version");
    let stated: Vec<&str> = readme
        .split("Rust ")
        .skip(1)
        .filter_map(|rest| rest.split_whitespace().next())
        .filter(|word| word.starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(!stated.is_empty(), "README.md states no Rust version");
    for version in stated {
        assert_eq!(version, wanted, "README.md says Rust {version}");
    }
    assert!(
        readme.contains("cargo install --locked --path .\n")
            || readme.contains("cargo install --locked --path . ")
    );
    assert!(readme.contains("cargo install --locked --git "));
}

/// Every `rtsim …` line in the README's shell blocks works as written, from a folder that
/// holds the clone's `scenarios/`, in the order written (`init` before the `check` of its
/// file). A `run` or `sweep` line is checked as `check` of the same file and overrides, so
/// the test stays fast (`rtsim sweep scenarios/at-scale.yaml` runs 100,000 clients); what
/// they print is covered by the snapshot and sweep tests.
#[test]
fn every_rtsim_command_in_the_readme_works_as_written() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root.join("scenarios"), &dir.path().join("scenarios"));
    let mut ran = Vec::new();
    for block in readme.split("```sh\n").skip(1) {
        let block = block.split("```").next().unwrap();
        for line in block.lines() {
            let command = line.split(" #").next().unwrap().trim();
            let Some(args) = command.strip_prefix("rtsim ") else {
                continue;
            };
            let mut args: Vec<&str> = args.split_whitespace().collect();
            if matches!(args[0], "run" | "sweep") {
                args[0] = "check";
            }
            let (code, _, err) = crate::support::rtsim_env(dir.path(), &args, &[]);
            assert_eq!(code, 0, "README.md: `{command}` (as {args:?}): {err}");
            ran.push(args[0]);
        }
    }
    assert_eq!(ran, ["check", "check", "init", "check", "check", "--help"]);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}
