//! The `cityreport` command: parses arguments and dispatches; all work is in the library.

mod args;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            commands::print_error(&err);
            ExitCode::FAILURE
        }
    }
}
