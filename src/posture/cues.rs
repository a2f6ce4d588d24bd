//! Frame-intrinsic posture cues: a handful of ratios measured on one [`Pose`], before any
//! baseline is known.
//!
//! Every cue is a ratio of image distances, so it does not depend on the image resolution, and
//! the vertical cues are measured from the image centre in units of the shoulder width, so
//! that moving the whole body toward or away from the camera leaves them (nearly) unchanged.
//! `GEOMETRY.md` beside this file explains each one.

use serde::{Deserialize, Serialize};

use crate::pose::{KeypointId, Pose};

/// Keypoints a judgement needs; if any is hidden or outside the picture the view is not judged.
pub const REQUIRED: [KeypointId; 5] = [
    KeypointId::Nose,
    KeypointId::LeftEar,
    KeypointId::RightEar,
    KeypointId::LeftShoulder,
    KeypointId::RightShoulder,
];

/// How far (as a share of the larger image side) a required point may lie outside the
/// picture: shoulders at the very bottom edge are common at desk framing and the model places
/// them reliably just below it.
pub const FRAME_MARGIN: f32 = 0.08;

/// Below this visibility a keypoint is treated as unseen.
pub const MIN_VISIBILITY: f32 = 0.5;

/// The cues of one frame. All lengths are ratios; all heights grow downwards (image y).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cues {
    /// Distance between the shoulder joints, in pixels (the ruler for the other cues).
    pub shoulder_width_px: f32,
    /// ln(ear-to-ear distance / shoulder width): grows when the head comes toward the camera
    /// relative to the shoulders.
    pub head_scale_ln: f32,
    /// Height of the ear midpoint below the image centre, in shoulder widths.
    pub ear_height: f32,
    /// Height of the shoulder midpoint below the image centre, in shoulder widths.
    pub shoulder_height: f32,
    /// Nose below the ear midpoint, in ear-to-ear distances (head pitch).
    pub nose_drop: f32,
    /// Nose right of the ear midpoint, in ear-to-ear distances (head yaw).
    pub nose_offset: f32,
    /// Angle of the ear line (right ear → left ear) in radians (head roll).
    pub ear_tilt_rad: f32,
    /// Ear midpoint right of the shoulder midpoint, in shoulder widths (sideways lean).
    pub lean: f32,
    /// Lowest visibility among [`REQUIRED`] points.
    pub min_visibility: f32,
    /// Are all [`REQUIRED`] points inside the picture (give or take [`FRAME_MARGIN`])?
    pub in_frame: bool,
    /// Are both eyes inside the picture (no margin)? With the head cut off at the top edge the
    /// model guesses the face, so such frames are not calibrated on. Baselines saved before this
    /// field existed read it as `true`.
    #[serde(default = "absent_means_true")]
    pub eyes_in_frame: bool,
}

fn absent_means_true() -> bool {
    true
}

impl Cues {
    /// Measure one pose in a `width` × `height` image. `None` when the geometry is degenerate
    /// (ears or shoulders on top of each other), which no real frame produces.
    pub fn measure(pose: &Pose, width: u32, height: u32) -> Option<Cues> {
        let point = |id: KeypointId| {
            let k = pose.keypoint(id);
            (k.x_px, k.y_px)
        };
        let (nose_x, nose_y) = point(KeypointId::Nose);
        let (lear_x, lear_y) = point(KeypointId::LeftEar);
        let (rear_x, rear_y) = point(KeypointId::RightEar);
        let (lsh_x, lsh_y) = point(KeypointId::LeftShoulder);
        let (rsh_x, rsh_y) = point(KeypointId::RightShoulder);

        let shoulder_width_px = (lsh_x - rsh_x).hypot(lsh_y - rsh_y);
        let ear_width_px = (lear_x - rear_x).hypot(lear_y - rear_y);
        if !(shoulder_width_px > 1.0 && ear_width_px > 1.0) {
            return None;
        }
        let center_y = height as f32 / 2.0;
        let ear_mid = ((lear_x + rear_x) / 2.0, (lear_y + rear_y) / 2.0);
        let shoulder_mid = ((lsh_x + rsh_x) / 2.0, (lsh_y + rsh_y) / 2.0);

        let min_visibility = REQUIRED
            .iter()
            .map(|&id| pose.keypoint(id).visibility)
            .fold(f32::INFINITY, f32::min);
        // Are all `ids` inside the picture, give or take `margin` pixels?
        let (w, h) = (width as f32, height as f32);
        let inside = |ids: &[KeypointId], margin: f32| {
            ids.iter().all(|&id| {
                let k = pose.keypoint(id);
                (-margin..w + margin).contains(&k.x_px) && (-margin..h + margin).contains(&k.y_px)
            })
        };
        let in_frame = inside(&REQUIRED, FRAME_MARGIN * w.max(h));
        let eyes_in_frame = inside(&[KeypointId::LeftEye, KeypointId::RightEye], 0.0);

        Some(Cues {
            shoulder_width_px,
            head_scale_ln: (ear_width_px / shoulder_width_px).ln(),
            ear_height: (ear_mid.1 - center_y) / shoulder_width_px,
            shoulder_height: (shoulder_mid.1 - center_y) / shoulder_width_px,
            nose_drop: (nose_y - ear_mid.1) / ear_width_px,
            nose_offset: (nose_x - ear_mid.0) / ear_width_px,
            ear_tilt_rad: (lear_y - rear_y).atan2(lear_x - rear_x),
            lean: (ear_mid.0 - shoulder_mid.0) / shoulder_width_px,
            min_visibility,
            in_frame,
            eyes_in_frame,
        })
    }

    /// The cues as named numbers, in a fixed order (used for robust statistics).
    pub fn values(&self) -> [f32; 8] {
        [
            self.shoulder_width_px,
            self.head_scale_ln,
            self.ear_height,
            self.shoulder_height,
            self.nose_drop,
            self.nose_offset,
            self.ear_tilt_rad,
            self.lean,
        ]
    }

    /// Inverse of [`Cues::values`]; visibility and framing are not part of the numbers.
    pub fn from_values(v: [f32; 8]) -> Cues {
        Cues {
            shoulder_width_px: v[0],
            head_scale_ln: v[1],
            ear_height: v[2],
            shoulder_height: v[3],
            nose_drop: v[4],
            nose_offset: v[5],
            ear_tilt_rad: v[6],
            lean: v[7],
            min_visibility: 1.0,
            in_frame: true,
            eyes_in_frame: true,
        }
    }
}
