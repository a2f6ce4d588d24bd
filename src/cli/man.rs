//! The man pages and shell completions, generated from the command line's definitions.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use super::Cli;

/// `sitwell.1` (with a page per subcommand, `sitwell-analyze.1`, …) and completions for bash,
/// zsh and fish.
pub(super) fn write_man_and_completions(out: &Path) -> anyhow::Result<ExitCode> {
    use clap::CommandFactory;
    let command = Cli::command();
    let man = out.join("man");
    std::fs::create_dir_all(&man).with_context(|| format!("cannot create {}", man.display()))?;
    clap_mangen::generate_to(command.clone(), &man)
        .with_context(|| format!("cannot write the man pages into {}", man.display()))?;
    let completions = out.join("completions");
    std::fs::create_dir_all(&completions)
        .with_context(|| format!("cannot create {}", completions.display()))?;
    for shell in [
        clap_complete::Shell::Bash,
        clap_complete::Shell::Zsh,
        clap_complete::Shell::Fish,
    ] {
        clap_complete::generate_to(shell, &mut command.clone(), "sitwell", &completions)
            .with_context(|| format!("cannot write the {shell} completions"))?;
    }
    Ok(ExitCode::SUCCESS)
}
