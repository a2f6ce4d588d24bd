//! Sitwell, a webcam posture monitor.
//!
//! The pipeline reads top to bottom: [`capture`] (frames from a camera or files) →
//! [`pose`] (BlazePose keypoints) → [`posture`] (angles, pattern, score against the user's
//! calibration) → [`coach`] (when to nudge, which move). [`analyze`] runs that chain over
//! files; [`annotate`] draws what it found; [`stats`] measures what it cost.

/// Sitwell's reverse-DNS application id: the window's class, the desktop entry, the icon and
/// the AppStream metadata all use it.
pub const APP_ID: &str = "io.github.sitwell.Sitwell";

pub mod analyze;
pub mod annotate;
pub mod calibrate;
pub mod capture;
pub mod coach;
pub mod files;
pub mod history;
pub mod launch;
pub mod live;
pub mod memory;
pub mod monitor;
pub mod pose;
pub mod posture;
pub mod settings;
pub mod signals;
pub mod stats;
pub mod ui;
pub mod watch;
