//! Where the camera is, and the level view: the camera's place (the user's answer), its pitch
//! (estimated at calibration from how the face is seen), and the mapping of image points to
//! where a level camera at the same spot would see them.
//!
//! A camera's pitch is a rotation about the user's side-to-side axis. Offsets measured in the
//! picture of a pitched camera mix up "forward" and "down": seen from a laptop below, a head
//! that comes forward also rises in the picture and cancels its sinking, and moving the whole
//! body closer shifts everything vertically. Turning the image points back by the pitch
//! ([`CameraGeometry::level_from_image`]) undoes that: in the level view moving closer is again
//! a pure scaling about the image centre, and a slouch sinks the head as it does for a camera
//! level with the face. `GEOMETRY.md` has the measurements.

use serde::{Deserialize, Serialize};

use crate::pose::PointPx;

/// Where the user says the camera is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CameraPlace {
    /// The laptop's own camera, below the eyes and tilted up.
    Laptop,
    /// A webcam on top of a monitor, at or above the eyes and tilted down.
    Monitor,
    /// Anywhere else (or not said): the picture alone tells the pitch.
    #[default]
    Other,
}

impl CameraPlace {
    pub const ALL: [CameraPlace; 3] = [
        CameraPlace::Laptop,
        CameraPlace::Monitor,
        CameraPlace::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CameraPlace::Laptop => "laptop",
            CameraPlace::Monitor => "monitor",
            CameraPlace::Other => "other",
        }
    }

    /// How the calibration view asks for it.
    pub fn label(self) -> &'static str {
        match self {
            CameraPlace::Laptop => "On the laptop",
            CameraPlace::Monitor => "On top of a monitor",
            CameraPlace::Other => "Somewhere else",
        }
    }

    /// The pitches this place allows, degrees (positive = tilted up). The estimate from the
    /// face is kept inside them: a laptop camera never looks down at the user.
    pub fn tilt_range_deg(self) -> (f32, f32) {
        match self {
            CameraPlace::Laptop => (3.0, 32.0),
            CameraPlace::Monitor => (-28.0, 3.0),
            CameraPlace::Other => (-30.0, 32.0),
        }
    }
}

/// Horizontal field of view Sitwell assumes for a webcam (laptop and USB webcams have
/// 55–78°); the level view needs a focal length, and the judge is insensitive to ±10° of it.
pub const ASSUMED_HFOV_DEG: f32 = 65.0;

/// The camera's view elevation of the eyes (degrees above horizontal, seen from the camera)
/// from the face mesh's pitch at calibration: `OFFSET + GAIN · pitch`. Fitted on the study
/// subjects' upright stills (`scripts/camera_study.py`); the offset is the pitch of a face
/// looking at its screen.
const ELEVATION_OFFSET_DEG: f32 = 15.50;
const ELEVATION_PER_FACE_PITCH: f32 = -0.967;

/// The camera as calibration understood it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CameraGeometry {
    pub place: CameraPlace,
    /// Pitch of the camera in degrees; positive = tilted up, looking up at the user.
    pub tilt_deg: f32,
    /// Focal length in pixels (from [`ASSUMED_HFOV_DEG`] and the picture's width).
    pub focal_px: f32,
    /// The picture's centre, in pixels (the principal point is assumed there).
    pub centre_x_px: f32,
    pub centre_y_px: f32,
}

impl CameraGeometry {
    /// A level camera for a `width` × `height` picture.
    pub fn level(place: CameraPlace, width: u32, height: u32) -> CameraGeometry {
        let focal_px = width as f32 / 2.0 / (ASSUMED_HFOV_DEG.to_radians() / 2.0).tan();
        CameraGeometry {
            place,
            tilt_deg: 0.0,
            focal_px,
            centre_x_px: width as f32 / 2.0,
            centre_y_px: height as f32 / 2.0,
        }
    }

    /// The set-up from an upright sitting: the face mesh's pitch (median over the frames,
    /// degrees, positive = top of the face turned away) and where the eyes are in the picture.
    ///
    /// The face's pitch tells the direction from the face to the camera (how far below or
    /// above the eyes it sits); where the eyes fall in the picture tells how far the camera's
    /// axis points away from that direction. Their sum is the camera's own pitch.
    pub fn estimate(
        place: CameraPlace,
        face_pitch_deg: f32,
        eyes_y_px: f32,
        width: u32,
        height: u32,
    ) -> CameraGeometry {
        let level = CameraGeometry::level(place, width, height);
        let elevation = ELEVATION_OFFSET_DEG + ELEVATION_PER_FACE_PITCH * face_pitch_deg;
        let below_axis = ((eyes_y_px - level.centre_y_px) / level.focal_px)
            .atan()
            .to_degrees();
        let (low, high) = place.tilt_range_deg();
        CameraGeometry {
            tilt_deg: (elevation + below_axis).clamp(low, high),
            ..level
        }
    }

    /// Where a level camera at the same spot (same focal length, axis horizontal) sees the
    /// image point `p` of this camera.
    pub fn level_from_image(&self, p: PointPx) -> PointPx {
        let (sin, cos) = self.tilt_deg.to_radians().sin_cos();
        let x = (p.x - self.centre_x_px) / self.focal_px;
        let y = (p.y - self.centre_y_px) / self.focal_px;
        // The ray (x, y, 1) turned about the camera's x axis by the pitch (y down, z ahead).
        let y_level = cos * y - sin;
        let z_level = sin * y + cos;
        PointPx::new(
            self.centre_x_px + self.focal_px * x / z_level,
            self.centre_y_px + self.focal_px * y_level / z_level,
        )
    }

    /// A sentence for the calibration view and `sitwell calibrate`: what Sitwell understood.
    pub fn describe(&self) -> String {
        let where_ = match self.place {
            CameraPlace::Laptop => "a laptop camera",
            CameraPlace::Monitor => "a camera on a monitor",
            CameraPlace::Other => "a camera",
        };
        let pitch = self.tilt_deg.round();
        let how = if pitch.abs() <= 3.0 {
            "level with your face".to_owned()
        } else if pitch > 0.0 {
            format!("looking up at you (about {pitch:.0}°)")
        } else {
            format!("looking down at you (about {:.0}°)", -pitch)
        };
        format!("{where_} {how}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: PointPx, b: PointPx) -> bool {
        a.distance(b) < 1e-3
    }

    #[test]
    fn a_level_camera_sees_what_it_sees() {
        let c = CameraGeometry::level(CameraPlace::Other, 640, 480);
        for p in [PointPx::new(10.0, 400.0), PointPx::new(320.0, 240.0)] {
            assert!(close(c.level_from_image(p), p));
        }
        assert!((c.focal_px - 320.0 / 32.5f32.to_radians().tan()).abs() < 1e-3);
    }

    #[test]
    fn turning_back_a_tilted_camera_matches_a_level_one() {
        // A point 0.1 m above and 0.6 m in front of the camera, seen level and seen by the
        // same camera tilted up 20°: turned back, the tilted view lands where the level one is.
        let level = CameraGeometry::level(CameraPlace::Laptop, 640, 480);
        let f = level.focal_px;
        let (y, z) = (-0.1f32, 0.6f32);
        let seen_level = PointPx::new(320.0, 240.0 + f * y / z);
        let t = 20f32.to_radians();
        // Camera coordinates of the tilted camera: rotate the point by -20° about x.
        let (yc, zc) = (t.cos() * y + t.sin() * z, -t.sin() * y + t.cos() * z);
        let seen_tilted = PointPx::new(320.0, 240.0 + f * yc / zc);
        let tilted = CameraGeometry {
            tilt_deg: 20.0,
            ..level
        };
        assert!(close(tilted.level_from_image(seen_tilted), seen_level));
        // Above the axis in the level view, below it in the tilted one.
        assert!(seen_tilted.y > 240.0 && seen_level.y < 240.0);
    }

    #[test]
    fn the_estimate_adds_the_face_direction_and_the_eyes_place_and_keeps_to_the_place() {
        let level = CameraGeometry::level(CameraPlace::Other, 640, 480);
        // A face pitched so that the camera sits 15° below the eyes, eyes on the image's
        // centre row: the camera is tilted up 15°.
        let pitch = (15.0 - ELEVATION_OFFSET_DEG) / ELEVATION_PER_FACE_PITCH;
        let at_centre = CameraGeometry::estimate(CameraPlace::Other, pitch, 240.0, 640, 480);
        assert!((at_centre.tilt_deg - 15.0).abs() < 1e-3, "{at_centre:?}");
        // The eyes 100 px below the centre: the axis points above them, the tilt is larger.
        let below = CameraGeometry::estimate(CameraPlace::Other, pitch, 340.0, 640, 480);
        let extra = (100.0 / level.focal_px).atan().to_degrees();
        assert!((below.tilt_deg - 15.0 - extra).abs() < 1e-3);
        // A monitor camera is never tilted up by much.
        let monitor = CameraGeometry::estimate(CameraPlace::Monitor, pitch, 240.0, 640, 480);
        assert_eq!(monitor.tilt_deg, CameraPlace::Monitor.tilt_range_deg().1);
        assert!(
            at_centre
                .describe()
                .contains("looking up at you (about 15°)")
        );
    }
}
