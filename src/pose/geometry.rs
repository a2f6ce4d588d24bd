//! Regions of interest and the coordinate spaces they connect.
//!
//! Spaces: *image px* (pixel centres at integers, y down); *crop norm* (0..1 across a
//! model's square input tensor, (0,0) at the ROI's top-left corner before rotation).

use std::f32::consts::PI;

/// A point in image pixels.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct PointPx {
    pub x: f32,
    pub y: f32,
}

impl PointPx {
    pub const fn new(x: f32, y: f32) -> Self {
        Self { x, y }
    }

    pub fn distance(self, other: PointPx) -> f32 {
        (self.x - other.x).hypot(self.y - other.y)
    }

    /// The point halfway to `other`.
    pub fn mid(self, other: PointPx) -> PointPx {
        PointPx::new((self.x + other.x) / 2.0, (self.y + other.y) / 2.0)
    }
}

/// A rotated square in image pixels: what a model looks at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Roi {
    pub center_px: PointPx,
    /// Side length in pixels.
    pub size_px: f32,
    /// Clockwise rotation in radians (image y points down), in [-π, π).
    pub rotation_rad: f32,
}

/// BlazePose's ROI is the alignment-point circle's diameter grown by this factor.
pub const ROI_SCALE: f32 = 1.25;

impl Roi {
    /// The unrotated square that letterboxes a whole `width`×`height` image
    /// (the detector's view: the short side is padded equally on both sides).
    pub fn letterbox(width: u32, height: u32) -> Self {
        Self {
            center_px: PointPx::new(width as f32 / 2.0, height as f32 / 2.0),
            size_px: width.max(height) as f32,
            rotation_rad: 0.0,
        }
    }

    /// BlazePose's body ROI from two alignment points: `center` (hip midpoint) and
    /// `scale_point` (a point on the circle that encloses the body). The square is
    /// centred on `center`, its side is the circle's diameter times [`ROI_SCALE`], and it is
    /// rotated so that `scale_point` lies straight above `center`.
    pub fn from_alignment_points(center: PointPx, scale_point: PointPx) -> Self {
        let size_px = alignment_diameter(center, scale_point) * ROI_SCALE;
        let angle = (-(scale_point.y - center.y)).atan2(scale_point.x - center.x);
        Self {
            center_px: center,
            size_px,
            rotation_rad: normalize_radians(PI / 2.0 - angle),
        }
    }

    /// Maps crop-normalised coordinates (0..1 across the model input) to image pixels.
    pub fn image_from_crop(&self, u_norm: f32, v_norm: f32) -> PointPx {
        let (sin, cos) = self.rotation_rad.sin_cos();
        let dx = (u_norm - 0.5) * self.size_px;
        let dy = (v_norm - 0.5) * self.size_px;
        PointPx::new(
            self.center_px.x + cos * dx - sin * dy,
            self.center_px.y + sin * dx + cos * dy,
        )
    }

    /// Rotates a vector given in the crop's axes into the image's axes (no translation).
    pub fn rotate_to_image(&self, x: f32, y: f32) -> (f32, f32) {
        let (sin, cos) = self.rotation_rad.sin_cos();
        (cos * x - sin * y, sin * x + cos * y)
    }
}

/// The diameter of the circle BlazePose's alignment points describe: centred on `center`,
/// through `scale_point`. It is the body's size for the ROI and for the ROI smoothing.
pub fn alignment_diameter(center: PointPx, scale_point: PointPx) -> f32 {
    2.0 * center.distance(scale_point)
}

/// Wraps an angle to [-π, π).
pub fn normalize_radians(angle: f32) -> f32 {
    angle - 2.0 * PI * ((angle + PI) / (2.0 * PI)).floor()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: PointPx, b: PointPx) -> bool {
        a.distance(b) < 1e-3
    }

    #[test]
    fn upright_body_gives_unrotated_square() {
        // Scale point straight above the hips: no rotation.
        let roi =
            Roi::from_alignment_points(PointPx::new(100.0, 200.0), PointPx::new(100.0, 100.0));
        assert!(roi.rotation_rad.abs() < 1e-6);
        assert!((roi.size_px - 250.0).abs() < 1e-4);
        assert!(close(
            roi.image_from_crop(0.0, 0.0),
            PointPx::new(-25.0, 75.0)
        ));
        assert!(close(
            roi.image_from_crop(0.5, 0.5),
            PointPx::new(100.0, 200.0)
        ));
    }

    #[test]
    fn body_leaning_right_rotates_clockwise() {
        // Scale point to the right of the hips: the crop's "up" must point right.
        let roi = Roi::from_alignment_points(PointPx::new(0.0, 0.0), PointPx::new(10.0, 0.0));
        assert!((roi.rotation_rad - PI / 2.0).abs() < 1e-5);
        // The crop's top centre lands on the right of the centre, on the scale point's side.
        let top = roi.image_from_crop(0.5, 0.5 - 1.0 / (2.0 * ROI_SCALE));
        assert!(close(top, PointPx::new(10.0, 0.0)), "{top:?}");
    }

    #[test]
    fn letterbox_pads_the_short_side() {
        let roi = Roi::letterbox(640, 480);
        assert!(close(
            roi.image_from_crop(0.0, 0.0),
            PointPx::new(0.0, -80.0)
        ));
        assert!(close(
            roi.image_from_crop(1.0, 1.0),
            PointPx::new(640.0, 560.0)
        ));
    }

    #[test]
    fn radians_wrap_into_half_open_range() {
        assert!((normalize_radians(3.0 * PI / 2.0) + PI / 2.0).abs() < 1e-5);
        assert!((normalize_radians(PI) + PI).abs() < 1e-5);
        assert!((normalize_radians(0.25) - 0.25).abs() < 1e-6);
    }
}
