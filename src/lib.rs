//! Sitwell, a webcam posture monitor.
//!
//! The pipeline reads top to bottom: [`capture`] (frames from a camera or files) →
//! [`pose`] (BlazePose keypoints). [`analyze`] runs that chain over files; [`annotate`] draws
//! what it found; [`stats`] measures what it cost.

pub mod analyze;
pub mod annotate;
pub mod capture;
pub mod pose;
pub mod stats;
