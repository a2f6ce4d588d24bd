//! MediaPipe's face mesh on the face BlazePose found: 468 points on a 192-pixel crop, which
//! measure the head's size, height and pitch far more precisely than the body model's few
//! face points (its head is only ~30 pixels tall inside a crop that reaches down to the hips).
//!
//! The face ROI comes from the pose's face points (0–10): centred on their mean, rotated so
//! the eyes are level, its side twice the larger of the ear-to-ear distance and 1.3 × the
//! eye-to-mouth distance. MediaPipe's holistic graph runs a face detector first to place it;
//! on the study renders that moved the mesh's head width by 0.002 (sd of the error 0.028 →
//! 0.026) for one more model run per frame, so Sitwell goes straight from the pose.

use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;

use super::PoseError;
use super::crop::{Border, ModelInput, Normalization};
use super::geometry::{PointPx, Roi, normalize_radians};
pub use super::keypoints::{FACE_POINTS, Face, FaceAnchor, FacePoint, MIN_FACE_SCORE};
use super::keypoints::{KeypointId, Pose, ROI_SIDE_PER_FACE};

/// Face mesh input side in pixels.
pub const FACE_INPUT: usize = 192;
/// Eye-to-mouth distance that counts as much as the ear-to-ear distance for the face's size.
const EYE_MOUTH_WEIGHT: f32 = 1.3;

const INPUT_NAME: &str = "input_1";
const LANDMARKS: &str = "conv2d_21";
const FACE_FLAG: &str = "conv2d_31";

/// The face ROI from a pose's face points, in image pixels.
pub fn roi_from_pose(pose: &Pose) -> Roi {
    let p = |id: KeypointId| {
        let k = pose.keypoint(id);
        PointPx::new(k.x_px, k.y_px)
    };
    let face = &pose.keypoints[..=KeypointId::MouthRight.index()];
    let n = face.len() as f32;
    let centre = PointPx::new(
        face.iter().map(|k| k.x_px).sum::<f32>() / n,
        face.iter().map(|k| k.y_px).sum::<f32>() / n,
    );
    let ears = p(KeypointId::LeftEar).distance(p(KeypointId::RightEar));
    let eyes = p(KeypointId::LeftEye).mid(p(KeypointId::RightEye));
    let mouth = p(KeypointId::MouthLeft).mid(p(KeypointId::MouthRight));
    let size = ears.max(EYE_MOUTH_WEIGHT * eyes.distance(mouth));
    // Rotated so that the line from the right eye (image left) to the left eye is level.
    let (right, left) = (p(KeypointId::RightEye), p(KeypointId::LeftEye));
    let angle = (-(left.y - right.y)).atan2(left.x - right.x);
    Roi {
        center_px: centre,
        size_px: ROI_SIDE_PER_FACE * size,
        rotation_rad: normalize_radians(-angle),
    }
}

/// The face mesh model and its reusable input buffer.
pub struct FaceMesh {
    session: Session,
    input: ModelInput,
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl FaceMesh {
    pub fn new(session: Session) -> Result<Self, PoseError> {
        super::check_io(
            &session,
            "face mesh",
            &[INPUT_NAME],
            &[LANDMARKS, FACE_FLAG],
        )?;
        Ok(Self {
            session,
            input: ModelInput::new(FACE_INPUT, Border::Replicate, Normalization::UNIT),
        })
    }

    /// Runs the mesh on the face of `pose`; `None` when what it sees is not a face.
    pub fn run(&mut self, image: &RgbImage, pose: &Pose) -> Result<Option<Face>, PoseError> {
        let roi = roi_from_pose(pose);
        if !(roi.size_px.is_finite() && roi.size_px >= 1.0) {
            return Ok(None);
        }
        self.input.fill(image, &roi);
        let input = TensorRef::from_array_view(self.input.tensor())?;
        let outputs = self.session.run(ort::inputs![INPUT_NAME => input])?;
        let (_, raw) = outputs[LANDMARKS].try_extract_tensor::<f32>()?;
        let (_, flag) = outputs[FACE_FLAG].try_extract_tensor::<f32>()?;
        let Some(&flag) = flag.first().filter(|_| raw.len() == FACE_POINTS * 3) else {
            return Err(PoseError::UnexpectedOutput {
                model: "face mesh",
                detail: format!("{} landmark values", raw.len()),
            });
        };
        let score = sigmoid(flag);
        if score < MIN_FACE_SCORE {
            return Ok(None);
        }
        Ok(Some(project(raw, score, roi)))
    }
}

/// Projects the mesh output (468 × x, y, z in input pixels) into the image.
pub fn project(raw: &[f32], score: f32, roi: Roi) -> Face {
    let side = FACE_INPUT as f32;
    let points = raw
        .chunks_exact(3)
        .map(|p| {
            let at = roi.image_from_crop(p[0] / side, p[1] / side);
            FacePoint {
                x_px: at.x,
                y_px: at.y,
                z_px: p[2] / side * roi.size_px,
            }
        })
        .collect();
    Face { score, roi, points }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::keypoints::{Keypoint, NUM_KEYPOINTS, WorldPoint};

    fn pose_with_face(tilt_rad: f32) -> Pose {
        let mut keypoints = [Keypoint::default(); NUM_KEYPOINTS];
        let (s, c) = tilt_rad.sin_cos();
        // A face centred at (300, 200): eyes 40 px apart, ears 100 px, mouth 50 px below.
        let at = |x: f32, y: f32| (300.0 + c * x - s * y, 200.0 + s * x + c * y);
        for (id, x, y) in [
            (KeypointId::Nose, 0.0, 10.0),
            (KeypointId::LeftEyeInner, 10.0, -10.0),
            (KeypointId::LeftEye, 20.0, -10.0),
            (KeypointId::LeftEyeOuter, 30.0, -10.0),
            (KeypointId::RightEyeInner, -10.0, -10.0),
            (KeypointId::RightEye, -20.0, -10.0),
            (KeypointId::RightEyeOuter, -30.0, -10.0),
            (KeypointId::LeftEar, 50.0, 0.0),
            (KeypointId::RightEar, -50.0, 0.0),
            (KeypointId::MouthLeft, 15.0, 40.0),
            (KeypointId::MouthRight, -15.0, 40.0),
        ] {
            let (x_px, y_px) = at(x, y);
            keypoints[id.index()] = Keypoint {
                x_px,
                y_px,
                ..Keypoint::default()
            };
        }
        Pose {
            keypoints,
            world: [WorldPoint::default(); NUM_KEYPOINTS],
            presence: 1.0,
            roi: Roi::letterbox(640, 480),
            face: None,
        }
    }

    #[test]
    fn the_face_roi_is_centred_level_with_the_eyes_and_twice_the_face() {
        let roi = roi_from_pose(&pose_with_face(0.0));
        assert!((roi.size_px - 2.0 * 100.0).abs() < 1e-3, "{roi:?}");
        assert!(roi.rotation_rad.abs() < 1e-6);
        let n = 11.0;
        let mean_y = (10.0 - 10.0 * 6.0 + 40.0 * 2.0) / n;
        assert!((roi.center_px.y - (200.0 + mean_y)).abs() < 1e-3);
        // A head rolled 20° clockwise (right eye higher): the crop turns with it, so the
        // crop's x axis runs along the eye line.
        let tilted = roi_from_pose(&pose_with_face(20f32.to_radians()));
        assert!(
            (tilted.rotation_rad - 20f32.to_radians()).abs() < 1e-4,
            "{tilted:?}"
        );
        let along = tilted.rotate_to_image(1.0, 0.0);
        assert!((along.1.atan2(along.0) - 20f32.to_radians()).abs() < 1e-4);
    }

    #[test]
    fn projection_puts_crop_points_back_in_the_image() {
        let roi = Roi {
            center_px: PointPx::new(100.0, 50.0),
            size_px: 96.0,
            rotation_rad: 0.0,
        };
        let mut raw = vec![0.0f32; FACE_POINTS * 3];
        // Point 1 at the crop's centre, 12 input px in front of the face centre.
        raw[3..6].copy_from_slice(&[96.0, 96.0, -12.0]);
        let face = project(&raw, 0.9, roi);
        let tip = face.point(FaceAnchor::NoseTip);
        assert!((tip.x_px - 100.0).abs() < 1e-4 && (tip.y_px - 50.0).abs() < 1e-4);
        assert!((tip.z_px - (-12.0 / 192.0 * 96.0)).abs() < 1e-4);
        assert_eq!(face.points[0].x_px, 100.0 - 48.0);
        assert!(face.inside(640, 480));
        let edge = Face {
            roi: Roi {
                center_px: PointPx::new(20.0, 50.0),
                ..roi
            },
            ..face
        };
        assert!(!edge.inside(640, 480), "a face running off the left edge");
    }
}
