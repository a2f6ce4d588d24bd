//! What one frame shows of the posture: a [`Sighting`] (the few image points the judge
//! needs, straight from the pose and the face mesh) and its [`Cues`] (ratios measured in the
//! level view of the calibrated camera).
//!
//! Every cue is a ratio of image distances, so it does not depend on the image resolution, and
//! the vertical cues are measured from the image centre in units of the shoulder width, so
//! that in the level view moving the whole body toward or away from the camera leaves them
//! (nearly) unchanged. `GEOMETRY.md` beside this file explains each one.

use serde::{Deserialize, Serialize};

use super::level_view::CameraGeometry;
use crate::pose::{Face, FaceAnchor, KeypointId, PointPx, Pose};

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

/// The face as the mesh sees it, reduced to what the judge uses (image pixels).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FaceSight {
    /// The mean of the mesh's points.
    pub centre: PointPx,
    /// The face's outline at the cheekbones, the person's right and left.
    pub right_cheek: PointPx,
    pub left_cheek: PointPx,
    /// Pitch of the face seen by this camera, degrees: the forehead–chin line's lean out of
    /// the picture plane (positive = the forehead nearer the camera than the chin, as when
    /// looking down, or when the camera is above the face).
    pub pitch_deg: f32,
    /// Yaw, degrees: the nose tip's offset between the outer eye corners (positive = turned
    /// toward the image right).
    pub yaw_deg: f32,
    /// Roll, degrees: the outer eye corners' line (positive = the left eye lower).
    pub roll_deg: f32,
    /// Is the whole face inside the picture?
    pub inside: bool,
    /// Room between the face's top and the picture's top edge, in face heights.
    pub headroom: f32,
}

/// The nose tip's offset (in outer-eye-corner distances) per unit of sin(yaw), roughly: read
/// off the study renders' 25° head turns.
const NOSE_OFFSET_PER_YAW_SIN: f32 = 0.9;
/// The face's width is read as if it faced the camera (divided by cos(yaw)), up to this
/// much: a face turned by more is not judged anyway.
const MIN_YAW_COS: f32 = 0.5;

impl FaceSight {
    pub fn of(face: &Face, width: u32, height: u32) -> FaceSight {
        let at = |a: FaceAnchor| {
            let p = face.point(a);
            PointPx::new(p.x_px, p.y_px)
        };
        let (forehead, chin) = (
            face.point(FaceAnchor::Forehead),
            face.point(FaceAnchor::Chin),
        );
        let pitch_deg = (chin.z_px - forehead.z_px)
            .atan2(chin.y_px - forehead.y_px)
            .to_degrees();
        let (right_eye, left_eye) = (at(FaceAnchor::RightEyeOuter), at(FaceAnchor::LeftEyeOuter));
        let eyes = right_eye.distance(left_eye).max(1.0);
        let offset = (at(FaceAnchor::NoseTip).x - right_eye.mid(left_eye).x) / eyes;
        FaceSight {
            centre: face.centre_px(),
            right_cheek: at(FaceAnchor::RightCheek),
            left_cheek: at(FaceAnchor::LeftCheek),
            pitch_deg,
            yaw_deg: (offset / NOSE_OFFSET_PER_YAW_SIN)
                .clamp(-1.0, 1.0)
                .asin()
                .to_degrees(),
            roll_deg: (left_eye.y - right_eye.y)
                .atan2(left_eye.x - right_eye.x)
                .to_degrees(),
            inside: face.inside(width, height),
            headroom: face.headroom(),
        }
    }
}

/// The image points of one frame that the judge reads, before any camera correction.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sighting {
    pub right_shoulder: PointPx,
    pub left_shoulder: PointPx,
    /// Midpoint of the pose's eyes (where calibration sees the face in the picture).
    pub eyes: PointPx,
    /// The face mesh's view; `None` when it saw no face.
    pub face: Option<FaceSight>,
    /// Lowest visibility among [`REQUIRED`] points.
    pub min_visibility: f32,
    /// Are all [`REQUIRED`] points inside the picture (give or take [`FRAME_MARGIN`])?
    pub in_frame: bool,
    /// Are both eyes inside the picture (no margin)? With the head cut off at the top edge the
    /// models guess the face.
    pub eyes_in_frame: bool,
}

impl Sighting {
    /// What `pose` shows in a `width` × `height` picture.
    pub fn of(pose: &Pose, width: u32, height: u32) -> Sighting {
        let point = |id: KeypointId| {
            let k = pose.keypoint(id);
            PointPx::new(k.x_px, k.y_px)
        };
        let min_visibility = REQUIRED
            .iter()
            .map(|&id| pose.keypoint(id).visibility)
            .fold(f32::INFINITY, f32::min);
        let (w, h) = (width as f32, height as f32);
        // Are all `ids` inside the picture, give or take `margin` pixels?
        let inside = |ids: &[KeypointId], margin: f32| {
            ids.iter().all(|&id| {
                let k = pose.keypoint(id);
                (-margin..w + margin).contains(&k.x_px) && (-margin..h + margin).contains(&k.y_px)
            })
        };
        Sighting {
            right_shoulder: point(KeypointId::RightShoulder),
            left_shoulder: point(KeypointId::LeftShoulder),
            eyes: point(KeypointId::LeftEye).mid(point(KeypointId::RightEye)),
            face: pose.face.as_ref().map(|f| FaceSight::of(f, width, height)),
            min_visibility,
            in_frame: inside(&REQUIRED, FRAME_MARGIN * w.max(h)),
            eyes_in_frame: inside(&[KeypointId::LeftEye, KeypointId::RightEye], 0.0),
        }
    }

    /// Can this frame be judged at all: the required points seen and in the picture, and the
    /// face mesh on a whole face?
    pub fn judgeable(&self) -> bool {
        self.min_visibility >= MIN_VISIBILITY
            && self.in_frame
            && self.eyes_in_frame
            && self.face.is_some_and(|f| f.inside)
    }
}

/// The cues of one frame in the level view. All lengths are ratios; heights grow downwards.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Cues {
    /// Distance between the shoulder joints, in pixels (the ruler for the other cues).
    pub shoulder_width_px: f32,
    /// ln(face width / shoulder width), the face's width as if it faced the camera: grows when
    /// the head comes toward the camera relative to the shoulders.
    pub head_scale_ln: f32,
    /// Height of the face's centre below the image centre, in shoulder widths.
    pub head_height: f32,
    /// Height of the shoulder midpoint below the image centre, in shoulder widths.
    pub shoulder_height: f32,
    /// The face's pitch, yaw and roll as this camera sees them (degrees).
    pub head_pitch_deg: f32,
    pub head_yaw_deg: f32,
    pub head_roll_deg: f32,
    /// Face centre right of the shoulder midpoint, in shoulder widths (sideways lean).
    pub lean: f32,
    /// The shoulder line's angle in the level view, degrees (positive = the person's left
    /// shoulder lower, as the face's roll): the trunk leaning to one side tilts it.
    pub shoulder_tilt_deg: f32,
    /// Lowest visibility among [`REQUIRED`] points (not one of [`Cues::values`]).
    pub min_visibility: f32,
}

impl Cues {
    /// The cues of `sighting` seen through `camera`. `None` when the frame cannot be judged
    /// ([`Sighting::judgeable`]) or its geometry is degenerate.
    pub fn measure(sighting: &Sighting, camera: &CameraGeometry) -> Option<Cues> {
        let face = sighting.face.filter(|_| sighting.judgeable())?;
        let level = |p: PointPx| camera.level_from_image(p);
        let (rs, ls) = (
            level(sighting.right_shoulder),
            level(sighting.left_shoulder),
        );
        // Seen from the front the person's left shoulder is on the picture's right; the other
        // way round is a back view or a pose gone wrong, not a lean of 180°.
        if ls.x <= rs.x {
            return None;
        }
        let shoulder_width_px = rs.distance(ls);
        // As if the face faced the camera: turned, it is narrower by cos(yaw).
        let face_width_px = level(face.right_cheek).distance(level(face.left_cheek))
            / face.yaw_deg.to_radians().cos().max(MIN_YAW_COS);
        if !(shoulder_width_px > 1.0 && face_width_px > 1.0) {
            return None;
        }
        let centre = level(face.centre);
        let shoulders = rs.mid(ls);
        let from_centre = |p: PointPx| (p.y - camera.centre_y_px) / shoulder_width_px;
        Some(Cues {
            shoulder_width_px,
            head_scale_ln: (face_width_px / shoulder_width_px).ln(),
            head_height: from_centre(centre),
            shoulder_height: from_centre(shoulders),
            head_pitch_deg: face.pitch_deg,
            head_yaw_deg: face.yaw_deg,
            head_roll_deg: face.roll_deg,
            lean: (centre.x - shoulders.x) / shoulder_width_px,
            shoulder_tilt_deg: (ls.y - rs.y).atan2(ls.x - rs.x).to_degrees(),
            min_visibility: sighting.min_visibility,
        })
    }

    /// The cues as named numbers, in a fixed order (used for robust statistics).
    pub fn values(&self) -> [f32; 9] {
        [
            self.shoulder_width_px,
            self.head_scale_ln,
            self.head_height,
            self.shoulder_height,
            self.head_pitch_deg,
            self.head_yaw_deg,
            self.head_roll_deg,
            self.lean,
            self.shoulder_tilt_deg,
        ]
    }

    /// Inverse of [`Cues::values`]; the visibility reads 1.
    pub fn from_values(v: [f32; 9]) -> Cues {
        Cues {
            shoulder_width_px: v[0],
            head_scale_ln: v[1],
            head_height: v[2],
            shoulder_height: v[3],
            head_pitch_deg: v[4],
            head_yaw_deg: v[5],
            head_roll_deg: v[6],
            lean: v[7],
            shoulder_tilt_deg: v[8],
            min_visibility: 1.0,
        }
    }
}

/// A frontal upright sitter in a 640 × 480 picture, for the posture stage's tests: shoulders
/// 240 px apart at y 400, a 120-px face centred at (320, `head_y`).
#[cfg(test)]
pub fn test_sighting(head_y: f32, face_half_width: f32) -> Sighting {
    Sighting {
        right_shoulder: PointPx::new(200.0, 400.0),
        left_shoulder: PointPx::new(440.0, 400.0),
        eyes: PointPx::new(320.0, head_y - 10.0),
        face: Some(FaceSight {
            centre: PointPx::new(320.0, head_y),
            right_cheek: PointPx::new(320.0 - face_half_width, head_y),
            left_cheek: PointPx::new(320.0 + face_half_width, head_y),
            pitch_deg: 15.46,
            yaw_deg: 0.0,
            roll_deg: 0.0,
            inside: true,
            headroom: 1.0,
        }),
        min_visibility: 0.99,
        in_frame: true,
        eyes_in_frame: true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posture::level_view::CameraPlace;

    fn face(centre: PointPx, half_width: f32) -> FaceSight {
        FaceSight {
            centre,
            right_cheek: PointPx::new(centre.x - half_width, centre.y),
            left_cheek: PointPx::new(centre.x + half_width, centre.y),
            pitch_deg: 0.0,
            yaw_deg: 0.0,
            roll_deg: 0.0,
            inside: true,
            headroom: 1.0,
        }
    }

    fn sighting() -> Sighting {
        Sighting {
            right_shoulder: PointPx::new(200.0, 400.0),
            left_shoulder: PointPx::new(440.0, 400.0),
            eyes: PointPx::new(320.0, 190.0),
            face: Some(face(PointPx::new(320.0, 200.0), 60.0)),
            min_visibility: 0.99,
            in_frame: true,
            eyes_in_frame: true,
        }
    }

    #[test]
    fn cues_are_ratios_of_the_level_view() {
        let level = CameraGeometry::level(CameraPlace::Other, 640, 480);
        let c = Cues::measure(&sighting(), &level).expect("judgeable");
        assert!((c.shoulder_width_px - 240.0).abs() < 1e-3);
        assert!((c.head_scale_ln - (120.0f32 / 240.0).ln()).abs() < 1e-5);
        assert!((c.head_height - (200.0 - 240.0) / 240.0).abs() < 1e-5);
        assert!((c.shoulder_height - (400.0 - 240.0) / 240.0).abs() < 1e-5);
        // Moving closer scales everything about the image centre: the ratios stay.
        let scale =
            |p: PointPx| PointPx::new(320.0 + 1.2 * (p.x - 320.0), 240.0 + 1.2 * (p.y - 240.0));
        let s = sighting();
        let f = s.face.unwrap();
        let closer = Sighting {
            right_shoulder: scale(s.right_shoulder),
            left_shoulder: scale(s.left_shoulder),
            face: Some(FaceSight {
                centre: scale(f.centre),
                right_cheek: scale(f.right_cheek),
                left_cheek: scale(f.left_cheek),
                ..f
            }),
            ..s
        };
        let c2 = Cues::measure(&closer, &level).expect("judgeable");
        assert!((c2.head_height - c.head_height).abs() < 1e-5);
        assert!((c2.head_scale_ln - c.head_scale_ln).abs() < 1e-5);
        assert!((c2.shoulder_width_px / c.shoulder_width_px - 1.2).abs() < 1e-4);
    }

    #[test]
    fn frames_without_a_whole_face_or_with_hidden_points_are_not_judged() {
        let level = CameraGeometry::level(CameraPlace::Other, 640, 480);
        let mut s = sighting();
        s.face = None;
        assert!(Cues::measure(&s, &level).is_none());
        let mut s = sighting();
        s.face = Some(FaceSight {
            inside: false,
            ..face(PointPx::new(320.0, 10.0), 60.0)
        });
        assert!(Cues::measure(&s, &level).is_none());
        let mut s = sighting();
        s.min_visibility = 0.3;
        assert!(Cues::measure(&s, &level).is_none());
        let mut s = sighting();
        s.eyes_in_frame = false;
        assert!(!s.judgeable());
        // Shoulders the wrong way round (a back view, a pose gone wrong): not a 180° lean.
        let mut s = sighting();
        std::mem::swap(&mut s.left_shoulder, &mut s.right_shoulder);
        assert!(Cues::measure(&s, &level).is_none());
        // A level shoulder line reads 0°; the person's left shoulder 20 px lower reads +4.8°.
        let mut s = sighting();
        assert_eq!(
            Cues::measure(&s, &level).map(|c| c.shoulder_tilt_deg),
            Some(0.0)
        );
        s.left_shoulder.y += 20.0;
        let tilt = Cues::measure(&s, &level).map_or(f32::NAN, |c| c.shoulder_tilt_deg);
        assert!(
            (tilt - (20f32 / 240.0).atan().to_degrees()).abs() < 0.05,
            "{tilt}"
        );
    }
}
