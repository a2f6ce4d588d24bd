//! The pipeline's third part, *posture*: from a [`crate::pose::Pose`] to a judgement relative
//! to the user's own upright calibration.
//!
//! [`cues`] reads what a frame shows (a [`Sighting`]) and measures it in the level view of
//! the camera ([`level_view`], [`Cues`]), [`baseline`] turns an upright sitting into the
//! camera's geometry and a robust baseline (or refuses it with a reason), [`judge`] estimates
//! the forward-head and rounded-shoulder angles, the sideways lean and head tilt, the pattern
//! and an explained 0–100 score. Pure functions: no
//! threads, no windows, no camera. The geometry is written up in `GEOMETRY.md` beside this file.

pub mod baseline;
pub mod cues;
pub mod judge;
pub mod level_view;

pub use baseline::{Baseline, BaselineError, Refusal, SourceTag};
pub use cues::{Cues, Sighting};
pub use judge::{JudgeConfig, Pattern, Reading, ScoreSmoother, judge};
pub use level_view::{CameraGeometry, CameraPlace};
