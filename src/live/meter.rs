//! What a run of the live pipeline cost and did: wall time, CPU, memory, frames and nudges —
//! `watch --stats` prints it, and the overlay writes it when `--exit-after` ends a run.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::coach::{Effect, EffectAt};
use crate::platform;

use super::Live;

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
            cpu_before: platform::process::cpu_time(),
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
        let cpu = (platform::process::cpu_time() - self.cpu_before).as_secs_f64();
        WatchReport {
            seconds,
            cpu_percent: if seconds > 0.0 {
                100.0 * cpu / seconds
            } else {
                0.0
            },
            peak_rss_mb: platform::process::peak_rss_mb(),
            frames_analysed: snapshot.frames_analysed,
            model_runs: snapshot.model_runs,
            frames_dropped: live.frames_dropped(),
            frames_corrupt: snapshot.frames_corrupt,
            nudges: self.nudges,
        }
    }
}
