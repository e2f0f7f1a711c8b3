//! `rtsim completions SHELL` and `rtsim man`: written from the clap definition, so each
//! names every subcommand that `rtsim --help` lists; and the docs list them too.

use std::path::Path;

use crate::support::rtsim_in;

fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The subcommands `rtsim --help` lists (clap's own `help` left out).
fn subcommands() -> Vec<String> {
    let (code, help, _) = rtsim_in(here(), &["--help"]);
    assert_eq!(code, 0);
    let names: Vec<String> = help
        .lines()
        .skip_while(|line| !line.starts_with("Commands:"))
        .skip(1)
        .take_while(|line| line.starts_with(' '))
        .filter_map(|line| line.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(String::from)
        .collect();
    for expected in [
        "init",
        "run",
        "check",
        "sweep",
        "diff",
        "completions",
        "man",
    ] {
        assert!(names.iter().any(|n| n == expected), "{expected}: {help}");
    }
    names
}

#[test]
fn every_shell_s_completions_name_every_subcommand() {
    let commands = subcommands();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, script, stderr) = rtsim_in(here(), &["completions", shell]);
        assert_eq!(code, 0, "{shell}: {stderr}");
        assert!(script.len() > 1000, "{shell}: {script}");
        for command in &commands {
            assert!(
                script.contains(command.as_str()),
                "{shell}'s completions do not mention `{command}`"
            );
        }
        // Flags of subcommands too.
        assert!(
            script.contains("threshold") && script.contains("template"),
            "{shell}"
        );
    }
    // The bash script parses.
    let dir = tempfile::tempdir().unwrap();
    let (_, script, _) = rtsim_in(here(), &["completions", "bash"]);
    std::fs::write(dir.path().join("rtsim.bash"), script).unwrap();
    if let Ok(status) = std::process::Command::new("bash")
        .arg("-n")
        .arg(dir.path().join("rtsim.bash"))
        .status()
    {
        assert!(status.success(), "bash -n rejects the completion script");
    }
    let (code, _, stderr) = rtsim_in(here(), &["completions", "tcsh"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn the_man_page_names_every_subcommand_and_each_has_its_own() {
    let commands = subcommands();
    let (code, page, stderr) = rtsim_in(here(), &["man"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(page.contains(".TH rtsim 1"), "{page}");
    assert!(page.contains(".SH SUBCOMMANDS"), "{page}");
    for command in &commands {
        // roff escapes the hyphen.
        assert!(
            page.contains(&format!("rtsim\\-{command}(1)")),
            "the page does not list `{command}`"
        );
        let (code, sub, stderr) = rtsim_in(here(), &["man", command]);
        assert_eq!(code, 0, "{command}: {stderr}");
        assert!(sub.contains(&format!(".TH rtsim-{command} 1")), "{sub}");
    }
    // The same bytes every time: no date in the page.
    assert_eq!(rtsim_in(here(), &["man"]).1, page);

    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = rtsim_in(dir.path(), &["man", "--out", "pages/man1"]);
    assert_eq!(code, 0, "{stderr}");
    for command in &commands {
        let file = dir.path().join(format!("pages/man1/rtsim-{command}.1"));
        assert!(
            std::fs::metadata(&file).is_ok_and(|m| m.len() > 0),
            "{}",
            file.display()
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.path().join("pages/man1/rtsim.1")).unwrap(),
        page
    );
    let (code, _, stderr) = rtsim_in(here(), &["man", "nope"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no command `nope`"), "{stderr}");
}

#[test]
fn the_docs_and_readme_list_every_subcommand() {
    let commands = subcommands();
    let page = std::fs::read_to_string(here().join("docs/command-line.md")).unwrap();
    let synopsis: String = page
        .split("## Synopsis")
        .nth(1)
        .and_then(|rest| rest.split("## ").next())
        .expect("docs/command-line.md has a Synopsis section")
        .to_string();
    let readme = std::fs::read_to_string(here().join("README.md")).unwrap();
    for command in &commands {
        assert!(
            synopsis.contains(&format!("rtsim {command}")),
            "docs/command-line.md's synopsis lacks `rtsim {command}`"
        );
        assert!(
            readme.contains(&format!("rtsim {command}")),
            "README.md does not mention `rtsim {command}`"
        );
    }
}
