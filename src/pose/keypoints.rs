//! The 33 BlazePose keypoints by name, and the pose record the rest of Sitwell consumes (with
//! the face mesh's view of the face, which `face.rs` measures).

use super::geometry::{PointPx, Roi};

/// Declares [`KeypointId`] from one list (model order): the enum, `ALL` and `name`.
macro_rules! keypoint_ids {
    ($($id:ident => $name:literal,)*) => {
        /// BlazePose's 33 body keypoints, in model order (the discriminant is the model index).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[repr(u8)]
        pub enum KeypointId {
            $($id,)*
        }

        impl KeypointId {
            /// Every keypoint, in model order.
            pub const ALL: [KeypointId; NUM_KEYPOINTS] = [$(KeypointId::$id,)*];

            /// snake_case name, as MediaPipe spells it.
            pub const fn name(self) -> &'static str {
                match self {
                    $(KeypointId::$id => $name,)*
                }
            }
        }
    };
}

keypoint_ids! {
    Nose => "nose",
    LeftEyeInner => "left_eye_inner",
    LeftEye => "left_eye",
    LeftEyeOuter => "left_eye_outer",
    RightEyeInner => "right_eye_inner",
    RightEye => "right_eye",
    RightEyeOuter => "right_eye_outer",
    LeftEar => "left_ear",
    RightEar => "right_ear",
    MouthLeft => "mouth_left",
    MouthRight => "mouth_right",
    LeftShoulder => "left_shoulder",
    RightShoulder => "right_shoulder",
    LeftElbow => "left_elbow",
    RightElbow => "right_elbow",
    LeftWrist => "left_wrist",
    RightWrist => "right_wrist",
    LeftPinky => "left_pinky",
    RightPinky => "right_pinky",
    LeftIndex => "left_index",
    RightIndex => "right_index",
    LeftThumb => "left_thumb",
    RightThumb => "right_thumb",
    LeftHip => "left_hip",
    RightHip => "right_hip",
    LeftKnee => "left_knee",
    RightKnee => "right_knee",
    LeftAnkle => "left_ankle",
    RightAnkle => "right_ankle",
    LeftHeel => "left_heel",
    RightHeel => "right_heel",
    LeftFootIndex => "left_foot_index",
    RightFootIndex => "right_foot_index",
}

/// Number of body keypoints in a [`Pose`].
pub const NUM_KEYPOINTS: usize = 33;

impl KeypointId {
    /// The head and shoulder points posture is judged from (nose to shoulders).
    pub const HEAD_AND_SHOULDERS: std::ops::RangeInclusive<usize> =
        KeypointId::Nose as usize..=KeypointId::RightShoulder as usize;

    /// Index into [`Pose::keypoints`] and into the model output.
    pub const fn index(self) -> usize {
        self as usize
    }
}

/// The bones drawn between keypoints (BlazePose's own connection list, head to feet).
pub const SKELETON: &[(KeypointId, KeypointId)] = {
    use KeypointId::*;
    &[
        (Nose, LeftEyeInner),
        (LeftEyeInner, LeftEye),
        (LeftEye, LeftEyeOuter),
        (LeftEyeOuter, LeftEar),
        (Nose, RightEyeInner),
        (RightEyeInner, RightEye),
        (RightEye, RightEyeOuter),
        (RightEyeOuter, RightEar),
        (MouthLeft, MouthRight),
        (LeftShoulder, RightShoulder),
        (LeftShoulder, LeftElbow),
        (LeftElbow, LeftWrist),
        (LeftWrist, LeftPinky),
        (LeftWrist, LeftIndex),
        (LeftWrist, LeftThumb),
        (LeftPinky, LeftIndex),
        (RightShoulder, RightElbow),
        (RightElbow, RightWrist),
        (RightWrist, RightPinky),
        (RightWrist, RightIndex),
        (RightWrist, RightThumb),
        (RightPinky, RightIndex),
        (LeftShoulder, LeftHip),
        (RightShoulder, RightHip),
        (LeftHip, RightHip),
        (LeftHip, LeftKnee),
        (LeftKnee, LeftAnkle),
        (LeftAnkle, LeftHeel),
        (LeftHeel, LeftFootIndex),
        (LeftAnkle, LeftFootIndex),
        (RightHip, RightKnee),
        (RightKnee, RightAnkle),
        (RightAnkle, RightHeel),
        (RightHeel, RightFootIndex),
        (RightAnkle, RightFootIndex),
    ]
};

/// One keypoint in image space.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Keypoint {
    /// Image pixels, pixel centres at integers, y down.
    pub x_px: f32,
    pub y_px: f32,
    /// Depth relative to the hips, in the scale of normalised x (pixels / image width);
    /// negative is nearer the camera.
    pub z: f32,
    /// Probability the point is visible (not occluded), 0..1.
    pub visibility: f32,
    /// Probability the point is inside the frame, 0..1.
    pub presence: f32,
}

/// One keypoint in metres, origin between the hips, y down (BlazePose GHUM world space).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WorldPoint {
    pub x_m: f32,
    pub y_m: f32,
    pub z_m: f32,
}

/// A person found in one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Pose {
    /// Indexed by [`KeypointId::index`].
    pub keypoints: [Keypoint; NUM_KEYPOINTS],
    /// Indexed by [`KeypointId::index`].
    pub world: [WorldPoint; NUM_KEYPOINTS],
    /// The landmark model's pose-presence score, 0..1 (≥ 0.5 when a pose is reported).
    pub presence: f32,
    /// The region the landmark model looked at, in image pixels.
    pub roi: Roi,
    /// The face mesh on the pose's face, when it saw one.
    pub face: Option<Face>,
}

impl Pose {
    pub fn keypoint(&self, id: KeypointId) -> &Keypoint {
        &self.keypoints[id.index()]
    }

    pub fn world_point(&self, id: KeypointId) -> &WorldPoint {
        &self.world[id.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_in_model_order() {
        for (i, id) in KeypointId::ALL.iter().enumerate() {
            assert_eq!(id.index(), i, "{}", id.name());
        }
        assert_eq!(KeypointId::RightFootIndex.index(), NUM_KEYPOINTS - 1);
        assert_eq!(KeypointId::HEAD_AND_SHOULDERS, 0..=12);
    }
}

/// Points the face mesh predicts.
pub const FACE_POINTS: usize = 468;
/// Below this face score the mesh is not a face (cut off, turned away, covered).
pub const MIN_FACE_SCORE: f32 = 0.5;
/// The ROI's side in units of the face's size from the pose points.
pub(super) const ROI_SIDE_PER_FACE: f32 = 2.0;
/// One face-mesh point in image space.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FacePoint {
    /// Image pixels, y down.
    pub x_px: f32,
    pub y_px: f32,
    /// Depth relative to the face's centre, in image pixels (negative = nearer the camera).
    pub z_px: f32,
}

/// Named points of the 468, in MediaPipe's mesh numbering ("right" = the person's right).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceAnchor {
    NoseTip = 1,
    /// Top of the forehead on the midline.
    Forehead = 10,
    Chin = 152,
    /// The face's outline at cheekbone height, right and left.
    RightCheek = 234,
    LeftCheek = 454,
    RightEyeOuter = 33,
    LeftEyeOuter = 263,
}

impl FaceAnchor {
    /// Every anchor, in the order records list them.
    pub const ALL: [FaceAnchor; 7] = [
        FaceAnchor::NoseTip,
        FaceAnchor::Forehead,
        FaceAnchor::Chin,
        FaceAnchor::RightCheek,
        FaceAnchor::LeftCheek,
        FaceAnchor::RightEyeOuter,
        FaceAnchor::LeftEyeOuter,
    ];
}

/// The face mesh's view of one face.
#[derive(Debug, Clone, PartialEq)]
pub struct Face {
    /// 0–1; at least [`MIN_FACE_SCORE`] for a face that is reported.
    pub score: f32,
    /// The region the mesh looked at.
    pub roi: Roi,
    /// [`FACE_POINTS`] points in MediaPipe's order.
    pub points: Vec<FacePoint>,
}

impl Face {
    pub fn point(&self, anchor: FaceAnchor) -> FacePoint {
        self.points[anchor as usize]
    }

    /// The mean of all mesh points in image pixels: where the face is.
    pub fn centre_px(&self) -> PointPx {
        let n = self.points.len().max(1) as f32;
        let (x, y) = self
            .points
            .iter()
            .fold((0.0, 0.0), |(x, y), p| (x + p.x_px, y + p.y_px));
        PointPx::new(x / n, y / n)
    }

    /// Width of the face between its cheek outlines, in pixels.
    pub fn width_px(&self) -> f32 {
        let (r, l) = (
            self.point(FaceAnchor::RightCheek),
            self.point(FaceAnchor::LeftCheek),
        );
        (l.x_px - r.x_px).hypot(l.y_px - r.y_px)
    }

    /// Is the face (the middle half of the mesh's region) inside the picture? A face cut off
    /// by the edge is guessed from stretched edge pixels.
    pub fn inside(&self, width: u32, height: u32) -> bool {
        let half = self.half_size_px();
        let c = self.roi.center_px;
        c.x - half >= 0.0
            && c.y - half >= 0.0
            && c.x + half <= width as f32
            && c.y + half <= height as f32
    }

    /// The room between the face's top and the picture's top edge, in face heights.
    pub fn headroom(&self) -> f32 {
        let half = self.half_size_px();
        (self.roi.center_px.y - half) / (2.0 * half).max(1.0)
    }

    /// Half the face's size (half the mesh's region), pixels.
    fn half_size_px(&self) -> f32 {
        self.roi.size_px / 2.0 / ROI_SIDE_PER_FACE
    }
}
