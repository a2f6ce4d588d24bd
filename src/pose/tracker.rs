//! The pose stage as one object: detector and landmark model, in static or tracking mode.

use image::RgbImage;

use super::PoseError;
use super::detector::PoseDetector;
use super::face::FaceMesh;
use super::filter::{PointSmoother, ROI_SMOOTHING};
use super::geometry::{Roi, alignment_diameter};
use super::keypoints::Pose;
use super::landmarks::LandmarkDetector;
use super::light;
use super::model_files::{self, DETECTOR, FACE_MESH, LandmarkModel};
use super::runtime;

/// Below this pose-presence score the landmarks are dropped and the detector runs again.
pub const MIN_PRESENCE: f32 = 0.5;

/// How consecutive frames relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every frame on its own: the detector runs each time (still photos).
    Static,
    /// Video: the next ROI comes from this frame's landmarks; the detector runs only when the
    /// person is lost.
    Tracking,
}

/// Where the next frame's ROI comes from in tracking mode.
struct Track {
    smoother: PointSmoother,
    next_roi: Roi,
}

/// BlazePose and the face mesh: frame in, person (or none) out.
pub struct PoseEstimator {
    detector: PoseDetector,
    landmarks: LandmarkDetector,
    face: FaceMesh,
    model: LandmarkModel,
    mode: Mode,
    track: Option<Track>,
}

impl PoseEstimator {
    /// Loads ONNX Runtime and the models from [`model_files::model_dir`].
    pub fn new(model: LandmarkModel, mode: Mode) -> Result<Self, PoseError> {
        Self::from_dir(&model_files::model_dir(), model, mode)
    }

    /// Loads the models from `dir` (checked by sha256).
    pub fn from_dir(
        dir: &std::path::Path,
        model: LandmarkModel,
        mode: Mode,
    ) -> Result<Self, PoseError> {
        let detector_bytes = model_files::read_model(dir, DETECTOR)?;
        let landmark_bytes = model_files::read_model(dir, model.file())?;
        let detector = PoseDetector::new(runtime::session_from_bytes(
            &detector_bytes,
            DETECTOR.file_name,
        )?)?;
        let landmarks = LandmarkDetector::new(runtime::session_from_bytes(
            &landmark_bytes,
            model.file().file_name,
        )?)?;
        let face = FaceMesh::new(runtime::session_from_bytes(
            &model_files::read_model(dir, FACE_MESH)?,
            FACE_MESH.file_name,
        )?)?;
        Ok(Self {
            detector,
            landmarks,
            face,
            model,
            mode,
            track: None,
        })
    }

    pub fn model(&self) -> LandmarkModel {
        self.model
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// Switches mode; switching forgets any tracked person.
    pub fn set_mode(&mut self, mode: Mode) {
        self.mode = mode;
        self.reset();
    }

    /// Forgets the tracked person: the next frame runs the detector.
    pub fn reset(&mut self) {
        self.track = None;
    }

    /// Finds the person in `frame`, seen at `t_s` seconds (used to smooth the tracking ROI).
    pub fn estimate(&mut self, frame: &RgbImage, t_s: f64) -> Result<Option<Pose>, PoseError> {
        if frame.width() == 0 || frame.height() == 0 {
            self.reset();
            return Ok(None);
        }
        let pose = self.estimate_once(frame, t_s)?;
        if pose.is_some() {
            return Ok(pose);
        }
        // Lost in a dim frame: a second look at a smoothed copy, a third at that copy brightened
        // (the same geometry: the pose's points are the frame's).
        let luma = light::mean_luma(frame);
        if luma >= light::DIM_LUMA {
            return Ok(None);
        }
        let smoothed = light::denoised(frame);
        if let Some(pose) = self.estimate_once(&smoothed, t_s)? {
            tracing::debug!(luma, "person found in a smoothed copy of a dim frame");
            return Ok(Some(pose));
        }
        let pose = self.estimate_once(&light::brightened(&smoothed, luma), t_s)?;
        if pose.is_some() {
            tracing::debug!(
                luma,
                "person found in a smoothed, brightened copy of a dim frame"
            );
        }
        Ok(pose)
    }

    /// One look: detect (or track), landmarks, face mesh.
    fn estimate_once(&mut self, frame: &RgbImage, t_s: f64) -> Result<Option<Pose>, PoseError> {
        let tracked = match (&self.track, self.mode) {
            (Some(track), Mode::Tracking) => Some(track.next_roi),
            _ => None,
        };
        let roi = match tracked {
            Some(roi) => roi,
            None => match self.detector.detect(frame)? {
                Some(detection) => {
                    let roi = detection.roi();
                    tracing::debug!(?detection, ?roi, "person detected");
                    roi
                }
                None => {
                    self.reset();
                    return Ok(None);
                }
            },
        };
        let result = self.landmarks.run(frame, &roi)?;
        if result.presence < MIN_PRESENCE {
            self.reset();
            return Ok(None);
        }
        if self.mode == Mode::Tracking {
            let track = self.track.get_or_insert_with(|| Track {
                smoother: PointSmoother::new(ROI_SMOOTHING),
                next_roi: roi,
            });
            // Speeds are measured in sizes of this frame's (unsmoothed) alignment circle, as
            // MediaPipe does.
            let [raw_center, raw_scale_point] = result.roi_points_px;
            let object_scale_px = alignment_diameter(raw_center, raw_scale_point);
            let [center, scale_point] =
                track
                    .smoother
                    .apply(t_s, [raw_center, raw_scale_point], object_scale_px);
            track.next_roi = Roi::from_alignment_points(center, scale_point);
            tracing::trace!(roi = ?track.next_roi, "next tracking ROI");
        }
        let mut pose = Pose {
            keypoints: result.keypoints,
            world: result.world,
            presence: result.presence,
            roi,
            face: None,
        };
        pose.face = self.face.run(frame, &pose)?;
        Ok(Some(pose))
    }
}
