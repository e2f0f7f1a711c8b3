//! `rtsim init`: every template is written as it is in `templates/`, passes `check` (also
//! with its commented-out examples switched on) and runs; an existing file is never
//! overwritten without `--force`.

use std::path::{Path, PathBuf};

use crate::support::rtsim_in;

/// Each template and the overrides that make its run short in a debug build (fewer clients
/// and, where no fault needs the time, a shorter run). A template without an entry here
/// fails [`every_template_is_in_the_list`].
const TEMPLATES: [(&str, &[&str]); 4] = [
    (
        "dashboard",
        &[
            "duration=60s",
            "warmup=10s",
            "clients.office.count=60",
            "clients.home.count=20",
        ],
    ),
    (
        "chat",
        &[
            "duration=60s",
            "warmup=10s",
            "clients.desktop.count=20",
            "clients.phones.count=10",
        ],
    ),
    (
        "notifications",
        &["duration=90s", "warmup=10s", "clients.users.count=100"],
    ),
    // The faults at 4 and 9 minutes need the whole 15 minutes.
    ("mobile", &["clients.phones.count=40"]),
];

fn templates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("templates")
}

#[test]
fn every_template_is_in_the_list() {
    let mut files: Vec<String> = std::fs::read_dir(templates_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut listed: Vec<String> = TEMPLATES.iter().map(|(t, _)| format!("{t}.yaml")).collect();
    listed.sort();
    assert_eq!(files, listed, "templates/ and this test's list differ");
    // `init --help` offers each of them.
    let (code, help, _) = rtsim_in(templates_dir().as_path(), &["init", "--help"]);
    assert_eq!(code, 0);
    for (template, _) in TEMPLATES {
        assert!(help.contains(&format!("- {template}:")), "{help}");
    }
}

/// The template's text with each commented-out example switched on: the `# ` lines after
/// a line ending in `(uncomment to use):`, up to the next line that is not a comment.
fn uncommented(text: &str) -> (String, usize) {
    let mut out = String::new();
    let mut blocks = 0;
    let mut inside = false;
    for line in text.lines() {
        if inside && let Some(yaml) = line.strip_prefix("# ") {
            out.push_str(yaml);
        } else {
            inside = false;
            out.push_str(line);
        }
        out.push('\n');
        if line.starts_with('#') && line.ends_with("(uncomment to use):") {
            inside = true;
            blocks += 1;
        }
    }
    (out, blocks)
}

#[test]
fn every_template_is_written_as_is_passes_check_and_runs() {
    for (template, overrides) in TEMPLATES {
        let dir = tempfile::tempdir().unwrap();
        let file = format!("{template}.yaml");
        let (code, stdout, stderr) = rtsim_in(dir.path(), &["init", "--template", template, &file]);
        assert_eq!(code, 0, "{template}: {stderr}");
        assert!(stdout.contains(&format!("wrote {file}")), "{stdout}");
        let written = std::fs::read_to_string(dir.path().join(&file)).unwrap();
        let source = std::fs::read_to_string(templates_dir().join(&file)).unwrap();
        assert_eq!(
            written, source,
            "{template}: init writes the file in templates/"
        );
        assert!(
            written.lines().filter(|l| l.starts_with('#')).count() >= 30,
            "{template}: a starter explains itself in comments"
        );

        let (code, stdout, stderr) = rtsim_in(dir.path(), &["check", &file]);
        assert_eq!(code, 0, "{template}: check: {stderr}");
        assert!(stdout.starts_with("ok: "), "{stdout}");
        assert!(!stderr.contains("warning"), "{template}: {stderr}");

        // Its commented-out examples are valid too.
        let (text, blocks) = uncommented(&written);
        assert!(blocks >= 1, "{template}: no `(uncomment to use):` example");
        std::fs::write(dir.path().join("all.yaml"), &text).unwrap();
        let (code, _, stderr) = rtsim_in(dir.path(), &["check", "all.yaml"]);
        assert_eq!(
            code, 0,
            "{template} with its examples switched on:\n{stderr}\n{text}"
        );

        let mut args = vec!["run", file.as_str(), "--out", "out", "--format", "json"];
        for o in overrides {
            args.extend(["--set", o]);
        }
        let (code, stdout, stderr) = rtsim_in(dir.path(), &args);
        assert_eq!(code, 0, "{template}: run: {stderr}");
        assert!(!stderr.contains("FAIL"), "{template}: {stderr}");
        let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        assert!(
            summary["results"].as_array().is_some_and(|r| r.len() >= 4),
            "{template}"
        );
    }
}

#[test]
fn init_refuses_to_overwrite_an_existing_file_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scenario.yaml");
    std::fs::write(&file, "my own work\n").unwrap();
    // The default path is scenario.yaml.
    let (code, stdout, stderr) = rtsim_in(dir.path(), &["init"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(
        stderr.contains("scenario.yaml already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "my own work\n");

    let (code, _, stderr) = rtsim_in(dir.path(), &["init", "--template", "chat", "--force"]);
    assert_eq!(code, 0, "{stderr}");
    let chat = std::fs::read_to_string(templates_dir().join("chat.yaml")).unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), chat);

    // A folder is not a file name.
    let (code, _, stderr) = rtsim_in(dir.path(), &["init", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is a folder"), "{stderr}");
    // `-` prints the template.
    let (code, stdout, _) = rtsim_in(dir.path(), &["init", "--template", "mobile", "-"]);
    assert_eq!(code, 0);
    let mobile = std::fs::read_to_string(templates_dir().join("mobile.yaml")).unwrap();
    assert_eq!(stdout, mobile);
    // An unknown template is an argument error naming the choices.
    let (code, _, stderr) = rtsim_in(dir.path(), &["init", "--template", "game", "g.yaml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("dashboard") && stderr.contains("mobile"),
        "{stderr}"
    );
    assert!(!dir.path().join("g.yaml").exists());
}
