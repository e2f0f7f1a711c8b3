//! The CI examples of docs/ci.md are right: the GitHub Actions workflow and the Kubernetes
//! Jobs parse as YAML (with serde-saphyr, the scenario reader) and have the structure the
//! page promises: rtsim built once, every shard's results uploaded whatever its exit code,
//! the merge always run, and the failure left to the merge. The shell each example runs is
//! run here too, with stand-ins for rtsim, `sbatch` and `cargo`: a shard whose threshold
//! failed (exit 1) or stopped (3) passes, a bad scenario (2) fails. Both YAML files pass
//! a lint of yamllint's layout rules.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn doc(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("docs")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses YAML text (one document or several) into JSON values, as the scenario reader
/// would: a syntax error fails the test with its line and column.
fn yaml(name: &str) -> Vec<Value> {
    serde_saphyr::from_multiple::<Value>(&doc(name))
        .unwrap_or_else(|e| panic!("docs/{name} is not valid YAML: {e}"))
}

/// `value` as a string, or the empty string.
fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

/// A job's steps.
fn steps<'a>(workflow: &'a Value, job: &str) -> &'a Vec<Value> {
    workflow["jobs"][job]["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("job `{job}` has no steps"))
}

/// The steps of `job` that use the action `action` (`actions/upload-artifact`).
fn uses<'a>(workflow: &'a Value, job: &str, action: &str) -> Vec<&'a Value> {
    steps(workflow, job)
        .iter()
        .filter(|s| text(&s["uses"]).starts_with(&format!("{action}@")))
        .collect()
}

/// The `run:` script of the step of `job` whose script contains `needle`.
fn script<'a>(workflow: &'a Value, job: &str, needle: &str) -> &'a str {
    steps(workflow, job)
        .iter()
        .map(|s| text(&s["run"]))
        .find(|run| run.contains(needle))
        .unwrap_or_else(|| panic!("no step of `{job}` runs {needle}"))
}

/// `needs:` as a list, whether written as one name or a list.
fn needs(job: &Value) -> Vec<&str> {
    match &job["needs"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(list) => list.iter().map(text).collect(),
        _ => Vec::new(),
    }
}

/// A folder with a stand-in `rtsim` at `at` (relative to it) that logs its arguments to
/// `rtsim.log` and exits with `$FAKE_EXIT`.
fn with_fake_rtsim(at: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join(at);
    std::fs::create_dir_all(fake.parent().unwrap()).unwrap();
    let log = dir.path().join("rtsim.log");
    write_executable(
        &fake,
        &format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexit ${{FAKE_EXIT:-0}}\n",
            log.display()
        ),
    );
    (dir, log)
}

/// Every `--flag` of `line` (an rtsim command line an example runs) is one that
/// `rtsim <subcommand> --help` lists.
fn flags_exist(line: &str) {
    let words: Vec<&str> = line.split_whitespace().collect();
    let subcommand = words[0];
    let help = Command::new(assert_cmd::cargo::cargo_bin("rtsim"))
        .args([subcommand, "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in words.iter().filter(|w| w.starts_with("--")) {
        assert!(
            help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
            "`rtsim {subcommand}` has no {flag}: {line}"
        );
    }
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// Runs `script` with `shell` (e.g. `["bash", "-eo", "pipefail"]`) in `dir` with `env`:
/// its exit code.
fn run_script(shell: &[&str], script: &str, dir: &Path, env: &[(&str, &str)]) -> i32 {
    let file = dir.join("step.sh");
    std::fs::write(&file, script).unwrap();
    let mut cmd = Command::new(shell[0]);
    cmd.args(&shell[1..]).arg(&file).current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run the shell");
    out.status.code().unwrap_or(-1)
}

/// The layout rules of yamllint's default configuration that a reader of these files meets
/// (its `line-length` at this repository's 100 columns, not 80): no tab, no trailing space,
/// indentation in steps of two, at most two blank lines in a row and none at the end, a
/// single newline at the end, a space after a comment's `#`. Duplicate keys are refused by
/// the parser (serde-saphyr's default). Each problem in `text` as `name:line: rule`.
fn lint(name: &str, text: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let mut blank_run = 0;
    for (i, line) in text.lines().enumerate() {
        let at = format!("{name}:{}", i + 1);
        if line.contains('\t') {
            problems.push(format!("{at}: tab"));
        }
        if line.ends_with(' ') {
            problems.push(format!("{at}: trailing spaces"));
        }
        if line.chars().count() > 100 {
            problems.push(format!("{at}: longer than 100 characters"));
        }
        let indent = line.len() - line.trim_start_matches(' ').len();
        if indent % 2 != 0 {
            problems.push(format!("{at}: indented by {indent}, not a multiple of 2"));
        }
        let content = line.trim_start();
        if content.starts_with('#') && !content.starts_with("#!") {
            let after = &content[1..];
            if !(after.is_empty() || after.starts_with(' ') || after.starts_with('#')) {
                problems.push(format!("{at}: no space after the comment's #"));
            }
        }
        blank_run = if line.trim().is_empty() {
            blank_run + 1
        } else {
            0
        };
        if blank_run > 2 {
            problems.push(format!("{at}: more than 2 blank lines"));
        }
    }
    if !text.ends_with('\n') || text.ends_with("\n\n") {
        problems.push(format!("{name}: not ended by exactly one newline"));
    }
    problems
}

/// The workflow and the Kubernetes Jobs pass the lint above and parse (duplicate keys
/// refused); a file with a tab, a trailing space and an odd indent fails it.
#[test]
fn the_ci_examples_pass_a_yaml_lint() {
    for name in ["github-actions-sweep.yml", "kubernetes-sweep-job.yaml"] {
        let problems = lint(&format!("docs/{name}"), &doc(name));
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        assert!(!yaml(name).is_empty());
    }
    let duplicated = "a: 1\nb: 2\na: 3\n";
    assert!(serde_saphyr::from_str::<Value>(duplicated).is_err());
    let bad = "a:\n   b: 1\n\t#c \n\n\n\n";
    assert_eq!(
        lint("bad.yaml", bad),
        [
            "bad.yaml:2: indented by 3, not a multiple of 2",
            "bad.yaml:3: tab",
            "bad.yaml:3: trailing spaces",
            "bad.yaml:3: no space after the comment's #",
            "bad.yaml:6: more than 2 blank lines",
            "bad.yaml: not ended by exactly one newline",
        ]
    );
}

#[test]
fn github_actions_builds_once_always_uploads_and_merges_and_fails_at_the_end() {
    let docs = yaml("github-actions-sweep.yml");
    assert_eq!(docs.len(), 1);
    let workflow = &docs[0];
    // `on:` is read as a key named "on" (YAML 1.2), not as `true`.
    assert!(workflow.get("on").is_some(), "{workflow:#}");
    let jobs = workflow["jobs"].as_object().expect("jobs");
    assert_eq!(
        jobs.keys().map(String::as_str).collect::<Vec<_>>(),
        ["build", "merge", "shard"]
    );

    // Built once: only `build` runs cargo, and it uploads the binary.
    for (name, _) in jobs {
        let builds = steps(workflow, name)
            .iter()
            .any(|s| text(&s["run"]).contains("cargo "));
        assert_eq!(builds, name == "build", "job `{name}`");
    }
    assert!(script(workflow, "build", "cargo build").contains("--release --locked"));
    let binary = uses(workflow, "build", "actions/upload-artifact");
    assert_eq!(text(&binary[0]["with"]["name"]), "rtsim");

    // The shards: after the build, every one run (no fail-fast), each downloading the
    // binary, running its shard and uploading its results whatever its exit code.
    let shard = &workflow["jobs"]["shard"];
    assert_eq!(needs(shard), ["build"]);
    assert_eq!(shard["strategy"]["fail-fast"], Value::Bool(false));
    let matrix = shard["strategy"]["matrix"]["shard"].as_array().unwrap();
    assert_eq!(matrix.len(), 4);
    assert_eq!(workflow["env"]["SHARDS"], 4);
    let download = uses(workflow, "shard", "actions/download-artifact");
    assert_eq!(text(&download[0]["with"]["name"]), "rtsim");
    let sweep = script(workflow, "shard", "rtsim sweep");
    assert!(
        sweep.contains("--shard ${{ matrix.shard }}/$SHARDS"),
        "{sweep}"
    );
    assert!(
        sweep.contains("--out out/part-${{ matrix.shard }}"),
        "{sweep}"
    );
    let upload = uses(workflow, "shard", "actions/upload-artifact");
    assert_eq!(upload.len(), 1);
    assert_eq!(text(&upload[0]["if"]), "always()");
    assert_eq!(
        text(&upload[0]["with"]["path"]),
        "out/part-${{ matrix.shard }}"
    );

    // The merge: always, after build and shards; its merge step is the verdict, and what
    // it wrote is uploaded whatever that verdict.
    let merge = &workflow["jobs"]["merge"];
    let mut after = needs(merge);
    after.sort_unstable();
    assert_eq!(after, ["build", "shard"]);
    assert!(text(&merge["if"]).contains("always()"), "{merge:#}");
    let parts = uses(workflow, "merge", "actions/download-artifact");
    assert!(
        parts
            .iter()
            .any(|s| text(&s["with"]["pattern"]) == "part-*"),
        "{merge:#}"
    );
    let merging = steps(workflow, "merge")
        .iter()
        .find(|s| text(&s["run"]).contains("rtsim merge"))
        .expect("a merge step");
    assert!(merging.get("continue-on-error").is_none());
    assert!(text(&merging["run"]).contains("parts/part-* --out out/sweep"));
    let upload = uses(workflow, "merge", "actions/upload-artifact");
    assert_eq!(text(&upload[0]["if"]), "always()");

    // The shard step as GitHub runs it (bash -eo pipefail), with a stand-in rtsim: exit 1
    // (a threshold failed) and 3 (stopped) leave the shard green; 2 fails it.
    let (dir, log) = with_fake_rtsim("bin/rtsim");
    let step = sweep.replace("${{ matrix.shard }}", "2");
    for (code, passes) in [
        ("0", true),
        ("1", true),
        ("3", true),
        ("2", false),
        ("101", false),
    ] {
        let env = [("FAKE_EXIT", code), ("SCENARIO", "s.yaml"), ("SHARDS", "4")];
        let status = run_script(
            &["bash", "--noprofile", "--norc", "-eo", "pipefail"],
            &step,
            dir.path(),
            &env,
        );
        assert_eq!(status == 0, passes, "rtsim exit {code}: step exit {status}");
    }
    let logged = std::fs::read_to_string(log).unwrap();
    assert!(
        logged.starts_with("sweep s.yaml --shard 2/4 --out out/part-2 --progress-every 30s\n"),
        "{logged}"
    );
    flags_exist(logged.lines().next().unwrap());
    flags_exist("merge --out");
}

#[test]
fn slurm_builds_once_and_always_merges_after_the_array() {
    let text = doc("slurm-sweep.sh");
    let syntax = Command::new("bash")
        .args(["-n", "docs/slurm-sweep.sh"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(syntax.success(), "bash -n docs/slurm-sweep.sh");
    assert_eq!(text.matches("cargo build").count(), 1);
    // Run it with stand-ins: cargo does nothing, sbatch logs its arguments (one per line)
    // and gives job 4242 (and, with --wait, the merge's exit code, 1 here).
    let (dir, log) = with_fake_rtsim("target/release/rtsim");
    let d = dir.path();
    let bin = d.join("stand-ins");
    std::fs::create_dir(&bin).unwrap();
    write_executable(&bin.join("cargo"), "#!/bin/sh\nexit 0\n");
    let sbatch_log = d.join("sbatch.log");
    write_executable(
        &bin.join("sbatch"),
        &format!(
            "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> '{}'\necho ---- >> '{0}'\ncase \"$*\" in *--wait*) exit 1;; esac\necho 4242\n",
            sbatch_log.display()
        ),
    );
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/slurm-sweep.sh");
    let out = Command::new("bash")
        .arg(&script)
        .current_dir(d)
        .env("PATH", &path)
        .env("SCENARIO", "s.yaml")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "the script exits with the merge's code: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls = std::fs::read_to_string(&sbatch_log).unwrap();
    let calls: Vec<Vec<&str>> = calls
        .split("----\n")
        .filter(|c| !c.is_empty())
        .map(|c| c.lines().collect())
        .collect();
    assert_eq!(calls.len(), 2, "{calls:?}");
    let (array, merge) = (&calls[0], &calls[1]);
    assert!(array.contains(&"--array=0-7"), "{array:?}");
    assert!(merge.contains(&"--dependency=afterany:4242"), "{merge:?}");
    assert!(merge.contains(&"--wait"), "{merge:?}");
    let wrap = |call: &[&str]| -> String {
        call.iter()
            .find_map(|a| a.strip_prefix("--wrap="))
            .expect("--wrap")
            .to_string()
    };
    assert!(
        wrap(merge).ends_with("merge out/part-* --out out/sweep"),
        "{merge:?}"
    );
    // The array task's command, as Slurm runs it (sh), for task 3.
    let task = wrap(array);
    for (code, passes) in [("0", true), ("1", true), ("3", true), ("2", false)] {
        let env = [("FAKE_EXIT", code), ("SLURM_ARRAY_TASK_ID", "3")];
        let status = run_script(&["sh"], &task, d, &env);
        assert_eq!(status == 0, passes, "rtsim exit {code}: task exit {status}");
    }
    let logged = std::fs::read_to_string(log).unwrap();
    assert!(
        logged.starts_with("sweep s.yaml --shard-from-env --out out/part-3 --progress-every 30s\n"),
        "{logged}"
    );
    flags_exist(logged.lines().next().unwrap());
}

#[test]
fn kubernetes_shards_always_record_their_end_and_the_merge_waits_for_all() {
    let docs = yaml("kubernetes-sweep-job.yaml");
    assert_eq!(docs.len(), 2);
    let (shards, merge) = (&docs[0], &docs[1]);
    for job in &docs {
        assert_eq!(job["kind"], "Job");
        assert_eq!(job["apiVersion"], "batch/v1");
    }
    assert_eq!(shards["spec"]["completionMode"], "Indexed");
    assert_eq!(shards["spec"]["completions"], 8);
    let container = &shards["spec"]["template"]["spec"]["containers"][0];
    let shard_script = text(&container["args"][0]);
    assert!(
        shard_script.contains("--shard-from-env --shard-count 8"),
        "{shard_script}"
    );
    let init = &merge["spec"]["template"]["spec"]["initContainers"][0];
    assert!(text(&init["args"][0]).contains("-ge 8"), "{init:#}");
    let merging = text(&merge["spec"]["template"]["spec"]["containers"][0]["args"][0]);
    assert_eq!(merging, "rtsim merge /results/part-* --out /results/sweep");
    // The shard's script, as its pod runs it (sh), with /results in a scratch folder and a
    // stand-in rtsim on the PATH: every end is recorded, and only 1 and 3 count as done.
    let (dir, log) = with_fake_rtsim("bin/rtsim");
    let d = dir.path();
    let results = d.join("results");
    let local = shard_script.replace("/results", &results.display().to_string());
    let path = format!(
        "{}:{}",
        d.join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    for (index, code, passes) in [
        ("0", "0", true),
        ("1", "1", true),
        ("2", "3", true),
        ("3", "2", false),
    ] {
        let env = [
            ("FAKE_EXIT", code),
            ("JOB_COMPLETION_INDEX", index),
            ("PATH", path.as_str()),
        ];
        let status = run_script(&["sh"], &local, d, &env);
        assert_eq!(status == 0, passes, "rtsim exit {code}: pod exit {status}");
        let recorded = std::fs::read_to_string(results.join("status").join(index)).unwrap();
        assert_eq!(recorded.trim(), code);
    }
    let logged = std::fs::read_to_string(log).unwrap();
    assert!(
        logged.starts_with(&format!(
            "sweep /scenarios/my-sweep.yaml --shard-from-env --shard-count 8 --out {}/part-0 --progress-every 30s\n",
            results.display()
        )),
        "{logged}"
    );
    flags_exist(logged.lines().next().unwrap());
}
