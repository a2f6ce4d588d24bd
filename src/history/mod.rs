//! Posture history: what Sitwell remembers, in a SQLite file in the user's data directory.
//!
//! Aggregates only, never frames: one [`Slice`] per 10 s of judged time (score, time in each
//! pattern, key angles) and an [`Event`] for everything that happened (nudges and answers,
//! breaks, calibrations, pauses, away spans, camera problems).
//!
//! ```text
//! inference thread ─ Recorder (pure: readings → slices, effects → events)
//!        └─ Writer (own thread: batches, one transaction every 30 s) ─▶ Store (SQLite, WAL)
//! report / export / dashboard ◀─ summary (pure: slices + events → days) ◀─ Store
//! ```

pub mod lock;
pub mod record;
pub mod report;
pub mod sample;
pub mod store;
pub mod summary;
pub mod writer;

use std::path::PathBuf;

use crate::posture::Pattern;

pub use lock::InstanceLock;
pub use record::Recorder;
pub use store::{HistoryError, Store};
pub use writer::Writer;

/// Length of a slice, in seconds.
pub const SLICE_S: i64 = 10;
/// Days of history kept unless the settings say otherwise.
pub const DEFAULT_RETENTION_DAYS: u32 = 365;

/// How many patterns a slice accounts time to.
pub const PATTERN_COUNT: usize = 9;
/// How many of them the history's first schema had; the others' columns come after all of its
/// columns (in the database and the export alike).
pub const FIRST_PATTERNS: usize = 7;

/// The patterns a slice accounts time to, in column order (the sideways ones came with the
/// history's third schema version, after the others).
pub const PATTERNS: [Pattern; PATTERN_COUNT] = [
    Pattern::Upright,
    Pattern::ForwardHead,
    Pattern::RoundedShoulders,
    Pattern::UpperCrossed,
    Pattern::LookDown,
    Pattern::Unknown,
    Pattern::Away,
    Pattern::SideLean,
    Pattern::HeadTilt,
];

/// Index of `pattern` in [`PATTERNS`].
pub fn pattern_index(pattern: Pattern) -> usize {
    PATTERNS.iter().position(|p| *p == pattern).unwrap_or(0)
}

/// Of seconds per pattern (in [`PATTERNS`] order), those in a slouch pattern.
pub fn slouched<T: Copy + std::iter::Sum<T>>(pattern_s: &[T; PATTERN_COUNT]) -> T {
    PATTERNS
        .iter()
        .zip(pattern_s)
        .filter(|(p, _)| p.is_slouch())
        .map(|(_, s)| *s)
        .sum()
}

/// Ten seconds (or less, at the edges of a session) of judged time.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// Unix time of the slice's start (a multiple of [`SLICE_S`]).
    pub start: i64,
    /// Seconds spent in each of [`PATTERNS`].
    pub pattern_s: [f32; PATTERN_COUNT],
    /// Mean smoothed score over the seconds a person was judged.
    pub score: Option<f32>,
    /// Mean estimated craniovertebral angle and its fall from the baseline, degrees.
    pub cva_deg: Option<f32>,
    pub cva_drop_deg: Option<f32>,
    /// Mean estimated shoulder angle and its fall from the baseline, degrees.
    pub shoulder_angle_deg: Option<f32>,
    pub shoulder_drop_deg: Option<f32>,
    /// Mean confidence of the judged frames, 0–1.
    pub confidence: Option<f32>,
    /// Frames judged in the slice.
    pub frames: u32,
}

impl Slice {
    /// Seconds the slice covers.
    pub fn seconds(&self) -> f32 {
        self.pattern_s.iter().sum()
    }

    /// Seconds a person was in view.
    pub fn present_s(&self) -> f32 {
        self.seconds() - self.pattern_s[pattern_index(Pattern::Away)]
    }

    /// Seconds in a slouch pattern (forward or sideways: see [`Pattern::is_slouch`]).
    pub fn slouched_s(&self) -> f32 {
        slouched(&self.pattern_s)
    }

    /// The pattern the slice spent most time in.
    pub fn pattern(&self) -> Pattern {
        let mut best = (Pattern::Away, -1.0);
        for (pattern, seconds) in PATTERNS.iter().zip(self.pattern_s) {
            if seconds > best.1 {
                best = (*pattern, seconds);
            }
        }
        best.0
    }
}

/// Something that happened, at unix time `t`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub t: f64,
    pub kind: EventKind,
    /// The move involved (a nudge, a move done, a break).
    pub move_id: Option<String>,
    /// More about it: the pattern of a nudge, why it cleared, a camera's message.
    pub detail: Option<String>,
}

/// The kinds of [`Event`], as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    SessionStart,
    SessionEnd,
    Calibrated,
    CalibrationRefused,
    Nudge,
    /// The user did the move on a nudge card (or took a break with a move).
    MoveDone,
    Snoozed,
    NotNow,
    /// A nudge went away by itself: the user sat up, left, or paused.
    NudgeCleared,
    BreakDue,
    BreakTaken,
    BreakLater,
    Away,
    Back,
    Paused,
    Resumed,
    InCall,
    CallEnded,
    CameraProblem,
}

impl EventKind {
    pub const ALL: [EventKind; 19] = [
        EventKind::SessionStart,
        EventKind::SessionEnd,
        EventKind::Calibrated,
        EventKind::CalibrationRefused,
        EventKind::Nudge,
        EventKind::MoveDone,
        EventKind::Snoozed,
        EventKind::NotNow,
        EventKind::NudgeCleared,
        EventKind::BreakDue,
        EventKind::BreakTaken,
        EventKind::BreakLater,
        EventKind::Away,
        EventKind::Back,
        EventKind::Paused,
        EventKind::Resumed,
        EventKind::InCall,
        EventKind::CallEnded,
        EventKind::CameraProblem,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            EventKind::SessionStart => "session_start",
            EventKind::SessionEnd => "session_end",
            EventKind::Calibrated => "calibrated",
            EventKind::CalibrationRefused => "calibration_refused",
            EventKind::Nudge => "nudge",
            EventKind::MoveDone => "move_done",
            EventKind::Snoozed => "snoozed",
            EventKind::NotNow => "not_now",
            EventKind::NudgeCleared => "nudge_cleared",
            EventKind::BreakDue => "break_due",
            EventKind::BreakTaken => "break_taken",
            EventKind::BreakLater => "break_later",
            EventKind::Away => "away",
            EventKind::Back => "back",
            EventKind::Paused => "paused",
            EventKind::Resumed => "resumed",
            EventKind::InCall => "in_call",
            EventKind::CallEnded => "call_ended",
            EventKind::CameraProblem => "camera_problem",
        }
    }

    pub fn parse(text: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl Event {
    pub fn new(t: f64, kind: EventKind) -> Event {
        Event {
            t,
            kind,
            move_id: None,
            detail: None,
        }
    }

    pub fn with_move(mut self, move_id: impl Into<String>) -> Event {
        self.move_id = Some(move_id.into());
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Event {
        self.detail = Some(detail.into());
        self
    }
}

/// `$XDG_DATA_HOME/sitwell/history.sqlite`.
pub fn default_path() -> Option<PathBuf> {
    Some(crate::files::data_dir()?.join("history.sqlite"))
}

/// Seconds since the Unix epoch, now.
pub fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}
