//! `sitwell calibrate`: build a baseline from replayed frames of upright sitting.
//!
//! The frames go through the same capture → pose → cues path as everything else; videos are
//! cut to their first few seconds (the user sitting tall), stills and folders are used whole.

use std::io::Write;
use std::path::PathBuf;

use crate::analyze::ModeChoice;
use crate::capture::{self, SourceKind};
use crate::pose::{LandmarkModel, PoseError, PoseEstimator};
use crate::posture::{Baseline, CameraPlace, Refusal, Sighting, SourceTag};

/// Errors that stop a calibration.
#[derive(Debug, thiserror::Error)]
pub enum CalibrateError {
    #[error(transparent)]
    Pose(#[from] PoseError),
    #[error("cannot write log: {0}")]
    Log(#[from] std::io::Error),
    #[error("{0}")]
    Capture(#[from] capture::CaptureError),
    #[error("the inputs differ in size ({first} and {other}); calibrate from one camera at a time")]
    MixedSources { first: String, other: String },
    #[error("calibration refused: {0}")]
    Refused(#[from] Refusal),
}

/// Run `inputs` (video: its first `first_s` seconds) through pose and build a baseline for a
/// camera at `place`.
pub fn from_inputs(
    estimator: &mut PoseEstimator,
    model: LandmarkModel,
    place: CameraPlace,
    inputs: &[PathBuf],
    fps: f64,
    first_s: f64,
    log: &mut dyn Write,
) -> Result<Baseline, CalibrateError> {
    let mut sightings: Vec<Option<Sighting>> = Vec::new();
    let mut tag: Option<SourceTag> = None;
    for input in inputs {
        let mut source = capture::open_path(input, fps)?;
        let motion = source.kind() == SourceKind::Motion;
        estimator.set_mode(ModeChoice::Auto.for_source(source.kind()));
        loop {
            let frame = match source.next_frame() {
                Ok(Some(frame)) => frame,
                Ok(None) => break,
                Err(e) => {
                    writeln!(log, "warning: {e}")?;
                    continue;
                }
            };
            if motion && frame.t_s > first_s {
                break;
            }
            let this = SourceTag {
                camera: None,
                width: frame.rgb.width(),
                height: frame.rgb.height(),
            };
            match &tag {
                None => tag = Some(this.clone()),
                Some(first) if *first != this => {
                    return Err(CalibrateError::MixedSources {
                        first: first.to_string(),
                        other: this.to_string(),
                    });
                }
                Some(_) => {}
            }
            let pose = estimator.estimate(&frame.rgb, frame.t_s)?;
            sightings.push(pose.map(|p| Sighting::of(&p, this.width, this.height)));
        }
    }
    let tag = tag.ok_or(Refusal::NoFrames)?;
    Ok(Baseline::calibrate(&sightings, tag, model.name(), place)?)
}
