//! The `marginalia` binary: parses arguments and hands over to the library.

use std::process::ExitCode;

use clap::Parser;
use marginalia::cli::{self, Cli};

/// mimalloc instead of the system allocator: imports and exports allocate millions of small
/// strings and JSON values, and the system allocator spent a third of their time (see
/// BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = Cli::parse();
    if let Some(limit) = args.max_size {
        marginalia::store::guard::set_size_limit(limit);
    }
    match args.command {
        Some(command) => cli::run(command).unwrap_or_else(|e| {
            cli::report_error(&e);
            ExitCode::from(1)
        }),
        None => open_window(args.project, args.annotator, args.blind),
    }
}

#[cfg(feature = "gui")]
fn open_window(
    project: Option<std::path::PathBuf>,
    annotator: Option<String>,
    blind: bool,
) -> ExitCode {
    match marginalia::ui::run(marginalia::ui::Launch {
        project,
        annotator,
        blind,
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            marginalia::say_err!("error: cannot open the window: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(not(feature = "gui"))]
fn open_window(
    _project: Option<std::path::PathBuf>,
    _annotator: Option<String>,
    _blind: bool,
) -> ExitCode {
    marginalia::say_err!(
        "error: this marginalia was built without the window (feature `gui`); use a command, see `marginalia --help`"
    );
    ExitCode::from(2)
}
