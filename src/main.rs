//! The `sitwell` program: logging, the user's files made private, then the command line
//! ([`cli`]).
//!
//! On Windows it is a GUI program (no console window opens when it is started from the Start
//! menu); a command typed in a terminal attaches to it to print (`platform::terminal`). Other
//! systems ignore the attribute.
#![windows_subsystem = "windows"]

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::Cli;

fn main() -> ExitCode {
    sitwell::platform::terminal::attach();
    sitwell::platform::process::limit_arenas();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SITWELL_LOG")
                .unwrap_or_else(|_| "warn,winit=error,zbus=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // Files an older Sitwell left readable by others: the user's alone now.
    for problem in sitwell::files::tighten_private_files() {
        eprintln!("{problem}");
    }
    cli.run()
}
