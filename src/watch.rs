//! `sitwell watch --headless`: the live pipeline without a window — for scripts, for
//! measuring what Sitwell costs (`--stats`), and for the end-to-end tests.

use std::io::Write;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::coach::{Effect, EffectAt, moves};
use crate::live::{Live, LiveOptions, Phase};
use crate::stats;

/// What a run cost and did.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchReport {
    /// Wall-clock seconds from start to stop.
    pub seconds: f64,
    /// Process CPU time over wall time, in % of one core (all threads, decoding included).
    pub cpu_percent: f64,
    pub peak_rss_mb: f64,
    /// Frames decoded and judged.
    pub frames_analysed: u64,
    /// Of those, frames the pose model ran on (the rest were unchanged pictures).
    pub model_runs: u64,
    /// Frames decoded but replaced before the inference thread took them.
    pub frames_dropped: u64,
    /// Camera frames dropped as undecodable (corrupt or truncated).
    pub frames_corrupt: u64,
    pub nudges: usize,
}

impl WatchReport {
    /// The one JSON line tools read: `{"watch_stats": {...}}`.
    pub fn to_json(&self) -> serde_json::Value {
        let r1 = |x: f64| (x * 10.0).round() / 10.0;
        json!({"watch_stats": {
            "seconds": r1(self.seconds),
            "cpu_percent": (self.cpu_percent * 100.0).round() / 100.0,
            "peak_rss_mb": r1(self.peak_rss_mb),
            "frames_analysed": self.frames_analysed,
            "model_runs": self.model_runs,
            "frames_dropped": self.frames_dropped,
            "frames_corrupt": self.frames_corrupt,
            "nudges": self.nudges,
        }})
    }

    /// Both forms on stderr: the sentence, then the JSON line.
    pub fn print(&self) {
        eprintln!("{}", self.to_text());
        eprintln!("{}", self.to_json());
    }

    /// The same for people.
    pub fn to_text(&self) -> String {
        format!(
            "watched {:.1} s: {:.2} % of one core on average, peak memory {:.1} MB, \
             {} frames analysed ({} by the model, the rest unchanged), {} dropped, \
             {} corrupt, {} nudge(s)",
            self.seconds,
            self.cpu_percent,
            self.peak_rss_mb,
            self.frames_analysed,
            self.model_runs,
            self.frames_dropped,
            self.frames_corrupt,
            self.nudges
        )
    }
}

/// Measures a run of the pipeline from its start: wall time, CPU time, nudges shown.
#[derive(Debug, Clone)]
pub struct RunMeter {
    started: Instant,
    cpu_before: Duration,
    nudges: usize,
}

impl Default for RunMeter {
    fn default() -> Self {
        RunMeter {
            started: Instant::now(),
            cpu_before: stats::process_cpu_time(),
            nudges: 0,
        }
    }
}

impl RunMeter {
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Counts the nudges among `effects`.
    pub fn count(&mut self, effects: &[EffectAt]) {
        self.nudges += effects
            .iter()
            .filter(|e| matches!(e.effect, Effect::ShowNudge { .. }))
            .count();
    }

    /// The figures so far, with the pipeline's own counts.
    pub fn report(&self, live: &Live) -> WatchReport {
        let snapshot = live.snapshot();
        let seconds = self.started.elapsed().as_secs_f64();
        let cpu = (stats::process_cpu_time() - self.cpu_before).as_secs_f64();
        WatchReport {
            seconds,
            cpu_percent: if seconds > 0.0 {
                100.0 * cpu / seconds
            } else {
                0.0
            },
            peak_rss_mb: stats::peak_rss_mb(),
            frames_analysed: snapshot.frames_analysed,
            model_runs: snapshot.model_runs,
            frames_dropped: live.frames_dropped(),
            frames_corrupt: snapshot.frames_corrupt,
            nudges: self.nudges,
        }
    }
}

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
            || crate::signals::stop_requested()
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
