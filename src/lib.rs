//! Sitwell, a webcam posture monitor.
//!
//! The pipeline reads top to bottom: [`capture`] (frames from a camera or files) →
//! [`pose`] (BlazePose keypoints and the face mesh) → [`posture`] (angles, pattern, score
//! against the user's calibration) → [`coach`] (when to nudge, which move). [`timeline`] is one
//! time line of that chain; [`live`] runs it on a camera (a capture thread, an inference
//! thread around a pure session) and [`ui`] shows it (the overlay, the tray, the settings, the
//! history's dashboard). [`history`] remembers the day in SQLite.
//!
//! The commands: [`launch`] turns flags and [`config`] (the settings) into a run; [`watch`] runs the live
//! pipeline headless; [`analyze`] runs the chain over files (and `pose::draw` draws what it
//! found); [`calibrate`] makes a baseline from recorded frames.
//!
//! Around them: [`files`] (where Sitwell keeps its files), [`stats`] (summaries of what a run
//! cost), and [`platform`], the one place that meets the OS (Linux, Windows): the process's
//! cost, stop requests, the panel's window, the desk, calls, notifications, start at login.

/// Sitwell's reverse-DNS application id: the window's class, the desktop entry, the icon and
/// the AppStream metadata all use it.
pub const APP_ID: &str = "io.github.sitwell.Sitwell";

pub mod analyze;
pub mod calibrate;
pub mod capture;
pub mod coach;
pub mod config;
pub mod files;
pub mod fuzzing;
pub mod history;
pub mod launch;
pub mod live;
pub mod platform;
pub mod pose;
pub mod posture;
pub mod stats;
pub mod timeline;
pub mod ui;
pub mod watch;
