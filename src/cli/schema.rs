//! `rtsim schema`: the JSON Schema of the scenario format, from the same types (and doc
//! comments) that read it.

use std::process::ExitCode;

use clap::Args;

#[derive(Debug, Args)]
pub struct SchemaArgs {}

pub fn schema(_: SchemaArgs) -> ExitCode {
    super::print_stdout(&rtsim::scenario::json_schema())
}
