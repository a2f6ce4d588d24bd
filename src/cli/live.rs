//! The live commands: the overlay (`sitwell`), `sitwell watch --headless` and `sitwell
//! devices`, with the one-Sitwell-per-history lock and the start-at-login repair.

use std::process::ExitCode;

use sitwell::capture::camera;
use sitwell::history::{self, InstanceLock};
use sitwell::launch::LiveArgs;
use sitwell::live::Pacing;

pub(super) fn run_watch(
    args: &LiveArgs,
    realtime: bool,
    print_stats: bool,
) -> anyhow::Result<ExitCode> {
    let pacing = if realtime {
        Pacing::Realtime
    } else {
        Pacing::LockStep
    };
    let launch = args.resolve(pacing)?;
    for problem in &launch.settings_problems {
        eprintln!("{problem}");
    }
    if let Some(problem) = &launch.baseline_problem {
        eprintln!("{problem}");
    }
    let _lock = match lock_history(&launch.live) {
        Ok(lock) => lock,
        Err(refused) => return Ok(refused),
    };
    sitwell::platform::stop::install();
    let mut log = std::io::stderr();
    let report = sitwell::watch::run(launch.live, launch.exit_after, &mut log)?;
    if print_stats {
        report.print();
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn run_overlay(args: &LiveArgs, print_stats: bool) -> anyhow::Result<ExitCode> {
    let launch = args.resolve(Pacing::Realtime)?;
    let _lock = match lock_history(&launch.live) {
        Ok(lock) => lock,
        Err(refused) => {
            sitwell::platform::notify::already_running();
            return Ok(refused);
        }
    };
    repair_autostart();
    sitwell::platform::notify::register();
    sitwell::platform::stop::install();
    sitwell::ui::run(launch, print_stats, args.screenshot.clone())?;
    Ok(ExitCode::SUCCESS)
}

/// Points a start-at-login entry left by a copy that is gone (a cleaned build, a moved or
/// uninstalled one) at this program.
pub(super) fn repair_autostart() {
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    match sitwell::platform::autostart::repair(&exe) {
        Ok(Some(done)) => eprintln!("{done}"),
        Ok(None) => {}
        Err(e) => eprintln!("{e}"),
    }
}

pub(super) fn run_devices() -> anyhow::Result<ExitCode> {
    let devices = camera::list_devices()?;
    if devices.is_empty() {
        println!("No cameras found.");
    }
    for d in devices {
        let note = if d.is_infrared() {
            "\t(infrared face-unlock sensor: not offered, nobody can be judged on its picture)"
        } else {
            ""
        };
        println!("{}\t{}\t{}{note}", d.index, d.name, d.description);
    }
    Ok(ExitCode::SUCCESS)
}

/// One Sitwell per history: the lock, or the polite refusal already printed (exit status 1).
pub(super) fn lock_history(
    live: &sitwell::live::LiveOptions,
) -> Result<Option<InstanceLock>, ExitCode> {
    let Some(history) = &live.history else {
        return Ok(None);
    };
    match InstanceLock::acquire(&history.path) {
        Ok(lock) => Ok(Some(lock)),
        Err(e @ history::lock::LockError::Held { .. }) => {
            eprintln!("{e}");
            Err(ExitCode::from(1))
        }
        Err(e) => {
            // A lock file that cannot be made must not stop monitoring.
            tracing::warn!("{e}; running without the one-instance check");
            Ok(None)
        }
    }
}
