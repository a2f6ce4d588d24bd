//! The `sitwell` program: logging, the user's files made private, then the command line
//! ([`cli`]).

mod cli;

use std::process::ExitCode;

use clap::Parser;

use cli::Cli;

fn main() -> ExitCode {
    sitwell::memory::limit_arenas();
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
