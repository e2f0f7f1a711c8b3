//! `rtsim schema`: the JSON Schema of the scenario format, from the same types (and doc
//! comments) that read it.

use clap::Args;

use super::CliError;

#[derive(Debug, Args)]
pub struct SchemaArgs {}

pub fn schema(_: SchemaArgs) -> Result<(), CliError> {
    super::print_stdout(&rtsim::scenario::json_schema())
}
