//! The pipeline's second part, *pose*: BlazePose (MediaPipe's detector + landmark models, as
//! ONNX on ONNX Runtime) turns an RGB frame into 33 named keypoints in image pixels and in
//! metres.
//!
//! Flow for one frame: [`detector`] (whole frame, letterboxed) → body [`geometry::Roi`] →
//! [`crop`] → [`landmarks`] (regression + heatmap refinement + projection) → [`Pose`], then
//! [`face`]: the face mesh on the pose's face, for the head's size, height and pitch.
//! In tracking mode [`tracker`] builds the next ROI from this frame's landmarks instead.

pub mod anchors;
pub mod crop;
pub mod detector;
pub mod draw;
pub mod face;
pub mod filter;
pub mod geometry;
pub mod keypoints;
pub mod landmarks;
pub mod light;
pub mod model_files;
pub mod runtime;
pub mod tracker;

use std::path::PathBuf;

pub use face::{Face, FaceAnchor, FacePoint};
pub use geometry::{PointPx, Roi};
pub use keypoints::{Keypoint, KeypointId, NUM_KEYPOINTS, Pose, SKELETON, WorldPoint};
pub use model_files::LandmarkModel;
pub use tracker::{Mode, PoseEstimator};

/// What can go wrong in the pose stage.
#[derive(Debug, thiserror::Error)]
pub enum PoseError {
    /// ONNX Runtime is missing or unusable; the message says how to get it.
    #[error("{0}")]
    Runtime(String),
    #[error(
        "model file {path} is missing ({source}); it ships in the models/ folder of Sitwell (set SITWELL_MODEL_DIR to use another folder)"
    )]
    ModelMissing {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "model file {path} is corrupt or not the version Sitwell ships (sha256 {actual}, expected {expected}); restore it from Sitwell's models/ folder"
    )]
    ModelCorrupt {
        path: PathBuf,
        expected: &'static str,
        actual: String,
    },
    #[error("could not load model {name}: {reason}")]
    ModelLoad { name: String, reason: String },
    #[error("the {model} does not have the inputs and outputs Sitwell expects: {detail}")]
    UnexpectedOutput { model: &'static str, detail: String },
    #[error("inference failed: {0}")]
    Inference(#[from] ort::Error),
}

/// Checks a session's input and output names, so a wrong model file is caught at load time.
fn check_io(
    session: &ort::session::Session,
    model: &'static str,
    inputs: &[&str],
    outputs: &[&str],
) -> Result<(), PoseError> {
    let has_input = |n: &str| session.inputs().iter().any(|i| i.name() == n);
    let has_output = |n: &str| session.outputs().iter().any(|o| o.name() == n);
    let missing: Vec<&str> = inputs
        .iter()
        .filter(|n| !has_input(n))
        .chain(outputs.iter().filter(|n| !has_output(n)))
        .copied()
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(PoseError::UnexpectedOutput {
            model,
            detail: format!("missing {}", missing.join(", ")),
        })
    }
}
