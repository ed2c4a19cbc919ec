//! The `marginalia` binary: parses arguments and hands over to the library.

use std::process::ExitCode;

use clap::Parser;
use marginalia::cli::{self, Cli};

fn main() -> ExitCode {
    let args = Cli::parse();
    match args.command {
        Some(command) => cli::run(command).unwrap_or_else(|e| {
            cli::report_error(&e);
            ExitCode::from(1)
        }),
        None => open_window(args.project),
    }
}

#[cfg(feature = "gui")]
fn open_window(project: Option<std::path::PathBuf>) -> ExitCode {
    match marginalia::ui::run(project) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot open the window: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window(_project: Option<std::path::PathBuf>) -> ExitCode {
    eprintln!(
        "error: this marginalia was built without the window (feature `gui`); use a command, see `marginalia --help`"
    );
    ExitCode::from(2)
}
