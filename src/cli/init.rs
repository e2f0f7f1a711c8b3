//! `rtsim init`: write a commented starter scenario, one of the templates in `templates/`.
//! Each template explains every section (units, and where the defaults come from) and
//! passes `rtsim check`; a test runs every one.

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::CliError;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Which starter scenario to write.
    #[arg(long, value_enum, default_value_t = Template::Dashboard)]
    pub template: Template,
    /// Where to write it (`-` for standard output). An existing file is not overwritten
    /// (exit 2) unless --force is given.
    #[arg(value_name = "PATH", default_value = "scenario.yaml")]
    pub path: PathBuf,
    /// Overwrite PATH if it exists.
    #[arg(long)]
    pub force: bool,
}

/// The starter scenarios, each a file under `templates/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Template {
    /// A live dashboard: 2,000 browsers, one small update a second to all; polling, long
    /// polling, SSE and WebSocket
    Dashboard,
    /// A chat room: the clients write messages that go to everyone; WebSocket and gRPC
    /// against SSE and long polling with REST beside them
    Chat,
    /// Rare personal notifications to 5,000 users on two replicas behind a load balancer
    /// and a broker
    Notifications,
    /// Phones on LTE with coverage gaps: radio energy and recovery per transport
    Mobile,
}

impl Template {
    /// The template's text, exactly as `init` writes it.
    pub fn text(self) -> &'static str {
        match self {
            Template::Dashboard => include_str!("../../templates/dashboard.yaml"),
            Template::Chat => include_str!("../../templates/chat.yaml"),
            Template::Notifications => include_str!("../../templates/notifications.yaml"),
            Template::Mobile => include_str!("../../templates/mobile.yaml"),
        }
    }

    /// Its name on the command line (`--template NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Template::Dashboard => "dashboard",
            Template::Chat => "chat",
            Template::Notifications => "notifications",
            Template::Mobile => "mobile",
        }
    }
}

pub fn init(args: InitArgs) -> Result<(), CliError> {
    let text = args.template.text();
    if args.path.as_os_str() == "-" {
        return super::print_stdout(text);
    }
    let path = &args.path;
    let shown = path.display();
    if path.is_dir() {
        return Err(CliError::input(format!(
            "{shown} is a folder: give the scenario file's name, e.g. `rtsim init {}`",
            path.join("scenario.yaml").display()
        )));
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if args.force {
        options.create(true).truncate(true);
    } else {
        // Created only if absent, in one step: nothing is overwritten even by a file that
        // appears meanwhile.
        options.create_new(true);
    }
    let written = options
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()));
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(CliError::input(format!(
                "{shown} already exists and was left as it is: give another PATH, or --force to overwrite it"
            )));
        }
        Err(e) => return Err(CliError::failure(format!("cannot write {shown}: {e}"))),
    }
    super::print_stdout(&format!(
        "wrote {shown} (template `{}`): check it with `rtsim check {shown}`, run it with `rtsim run {shown}`\n",
        args.template.name()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_listed_once_under_its_own_name() {
        assert_eq!(Template::value_variants().len(), 4);
        for &template in Template::value_variants() {
            let value = template.to_possible_value().expect("no template is hidden");
            assert_eq!(value.get_name(), template.name());
            assert!(
                template
                    .text()
                    .starts_with("# A starter scenario from `rtsim init --template "),
                "{}",
                template.name()
            );
            assert!(
                template
                    .text()
                    .contains(&format!("--template {}`", template.name())),
                "{} names itself in its first line",
                template.name()
            );
        }
    }
}
