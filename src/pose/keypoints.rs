//! The 33 BlazePose keypoints by name, and the pose record the rest of Sitwell consumes.

use super::face::Face;
use super::geometry::Roi;

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
