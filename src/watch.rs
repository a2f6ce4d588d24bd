//! `sitwell watch --headless`: the live pipeline without a window — for scripts, for
//! measuring what Sitwell costs (`--stats`), and for the end-to-end tests.

use std::io::Write;
use std::time::Duration;

use crate::coach::{Effect, EffectAt, moves};
pub use crate::live::meter::{RunMeter, WatchReport};
use crate::live::{Live, LiveOptions, Phase};

/// Errors that end a headless run.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    #[error(transparent)]
    Start(#[from] crate::live::LiveError),
    #[error("{0}")]
    Broken(String),
}

/// One line for a person reading the terminal.
pub fn describe(effect: &EffectAt) -> String {
    let minutes = (effect.t / 60.0).floor();
    let seconds = effect.t - minutes * 60.0;
    let what = match effect.effect {
        Effect::ShowNudge { pattern, move_id } => format!(
            "nudge ({}): {}",
            pattern.as_str().replace('_', " "),
            moves::by_id(move_id).map_or(move_id, |m| m.name)
        ),
        Effect::BreakDue { move_id } => format!(
            "time for a break: {}",
            moves::by_id(move_id).map_or(move_id, |m| m.name)
        ),
        other => other.kind().replace('_', " "),
    };
    format!("{minutes:02.0}:{seconds:04.1}  {what}")
}

/// Runs the pipeline until the source ends or `exit_after` has passed, printing effects to
/// `log` as they happen.
pub fn run(
    options: LiveOptions,
    exit_after: Option<Duration>,
    log: &mut dyn Write,
) -> Result<WatchReport, WatchError> {
    let mut meter = RunMeter::default();
    let history = options.history.as_ref().map(|h| h.path.clone());
    let mut live = Live::start(options, Box::new(|| {}))?;
    let mut last_problem: Option<String> = None;
    loop {
        std::thread::sleep(Duration::from_millis(100));
        drain(&mut live, &mut meter, log);
        let snapshot = live.snapshot();
        let problem = match &snapshot.phase {
            Phase::NoCamera { message } | Phase::CameraBusy { message, .. } => {
                Some(message.clone())
            }
            Phase::CalibrationRefused { reason } => Some(format!("calibration refused: {reason}")),
            _ => snapshot.note.clone(),
        };
        if problem.is_some() && problem != last_problem {
            let _ = writeln!(log, "{}", problem.as_deref().unwrap_or_default());
        }
        last_problem = problem;
        match snapshot.phase {
            Phase::Broken { message } => return Err(WatchError::Broken(message)),
            Phase::Ended => break,
            _ => {}
        }
        if exit_after.is_some_and(|limit| meter.elapsed() >= limit)
            || crate::platform::stop::requested()
        {
            break;
        }
    }
    live.stop();
    drain(&mut live, &mut meter, log);
    if let (Some(written), Some(path)) = (live.snapshot().history_written, &history) {
        let _ = writeln!(
            log,
            "history: {} slices and {} events saved to {}{}",
            written.slices,
            written.events,
            path.display(),
            if written.lost > 0 {
                format!(" ({} could not be saved)", written.lost)
            } else {
                String::new()
            }
        );
    }
    Ok(meter.report(&live))
}

/// Counts and prints the effects since the last call.
fn drain(live: &mut Live, meter: &mut RunMeter, log: &mut dyn Write) {
    let effects = live.take_effects();
    meter.count(&effects);
    for effect in &effects {
        let _ = writeln!(log, "{}", describe(effect));
    }
}
