//! `rtsim schema`: the JSON Schema of the scenario format, from the same types (and doc
//! comments) that read it; with `--markdown`, the scenario reference written from it
//! (`docs/scenario-reference.md`); with `--requirements`, the JSON Schema of `rtsim
//! recommend`'s requirements file.

use clap::Args;

use super::CliError;

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Print the scenario reference in Markdown instead (every field's type, unit, default
    /// and description, from the same schema): the text of docs/scenario-reference.md.
    #[arg(long, conflicts_with = "requirements")]
    pub markdown: bool,
    /// Print the JSON Schema of a requirements file of `rtsim recommend` instead: the text
    /// of schema/requirements.schema.json.
    #[arg(long)]
    pub requirements: bool,
}

pub fn schema(args: SchemaArgs) -> Result<(), CliError> {
    if args.requirements {
        super::print_stdout(&rtsim::recommend::requirements::json_schema())
    } else if args.markdown {
        super::print_stdout(&rtsim::scenario::reference::markdown())
    } else {
        super::print_stdout(&rtsim::scenario::json_schema())
    }
}
