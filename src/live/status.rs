//! What the live pipeline shows the world: a snapshot the UI draws (and `watch` reports),
//! and the commands the UI sends back.

use std::sync::Arc;

use image::RgbImage;

use crate::coach::ActiveNudge;
use crate::posture::Pattern;

/// Where the pipeline is in its life.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Loading the model, opening the source.
    Starting,
    /// Measuring the user's upright posture; `progress` 0–1.
    Calibrating { progress: f32 },
    /// The calibration could not be trusted; `reason` says why. Waiting for a retry.
    CalibrationRefused { reason: String },
    /// Judging posture against the baseline (the engine state says paused / away / cards).
    Monitoring,
    /// No camera to read (not found, unplugged); retrying now and then.
    NoCamera { message: String },
    /// Another application holds the camera; retrying with backoff.
    CameraBusy { message: String, retry_in_s: f64 },
    /// Sitwell cannot run: the model or ONNX Runtime is missing, the file is unreadable.
    Broken { message: String },
    /// A replay source has played to its end.
    Ended,
}

/// The calibration view's picture: a small copy of the frame with the skeleton drawn.
/// The only place a camera frame is ever shown; it is never written anywhere.
#[derive(Debug, Clone)]
pub struct Preview {
    pub image: RgbImage,
    /// Increases with every new picture, so the UI uploads each one once.
    pub serial: u64,
}

/// One moment of the pipeline, as the overlay draws it.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub phase: Phase,
    /// Engine time of this snapshot (seconds since the start, or the file's own time).
    pub t: f64,
    /// Smoothed posture score 0–100 (None while no person is judged).
    pub score: Option<f32>,
    pub pattern: Option<Pattern>,
    /// How sure the judge is about this view, 0–1.
    pub confidence: f32,
    /// How far the current slouch is toward a nudge, 0–1.
    pub dwell_progress: f32,
    pub nudge: Option<ActiveNudge>,
    /// A movement break is due: the move to offer.
    pub break_due: Option<&'static str>,
    /// Paused by the user: `Some(None)` until resumed, `Some(Some(t))` until engine time t.
    pub paused: Option<Option<f64>>,
    pub away: bool,
    /// No person found in the last frame, and it is too dark to see one (its mean brightness
    /// under [`crate::pose::light::TOO_DARK_LUMA`]): the overlay says so rather than "away".
    pub too_dark: bool,
    pub in_call: bool,
    /// Set while calibrating from a camera or clip.
    pub preview: Option<Arc<Preview>>,
    /// Where the user said the camera is.
    pub camera_place: crate::posture::CameraPlace,
    /// What calibration makes of the camera so far ("a laptop camera looking up at you …").
    pub camera_seen: Option<String>,
    /// Something the user should know that does not stop monitoring (e.g. the baseline
    /// belonged to another camera, a fresh one could not be saved).
    pub note: Option<String>,
    /// The source's name (camera name or file).
    pub source_name: String,
    /// Frames taken for analysis so far.
    pub frames_analysed: u64,
    /// Of those, frames on which the pose model ran (the others reused a still picture's pose).
    pub model_runs: u64,
    /// Camera frames dropped because they could not be decoded (corrupt or truncated).
    pub frames_corrupt: u64,
    /// Set when the session's history has been committed (at the end of a run).
    pub history_written: Option<crate::history::writer::Written>,
}

impl Default for Snapshot {
    fn default() -> Self {
        Snapshot {
            phase: Phase::Starting,
            t: 0.0,
            score: None,
            pattern: None,
            confidence: 0.0,
            dwell_progress: 0.0,
            nudge: None,
            break_due: None,
            paused: None,
            away: false,
            too_dark: false,
            in_call: false,
            preview: None,
            camera_place: crate::posture::CameraPlace::default(),
            camera_seen: None,
            note: None,
            source_name: String::new(),
            frames_analysed: 0,
            model_runs: 0,
            frames_corrupt: 0,
            history_written: None,
        }
    }
}

impl Snapshot {
    /// Seconds of pause left (None when not paused or paused until resumed).
    pub fn pause_left_s(&self) -> Option<f64> {
        match self.paused {
            Some(Some(until)) => Some((until - self.t).max(0.0)),
            _ => None,
        }
    }
}
