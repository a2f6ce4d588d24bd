//! A calibration in progress: the sightings of an upright sitting, its progress, what they
//! say of the camera so far, and the calibration view's picture. Pure; the session runs it.

use std::sync::Arc;

use image::RgbImage;

use crate::pose::Pose;
use crate::pose::draw;
use crate::posture::{Baseline, CameraPlace, Refusal, Sighting, SourceTag};

use super::status::Preview;

/// Seconds of upright sitting a calibration measures.
pub const CALIBRATION_S: f64 = 5.0;
/// Fewest frames a calibration accepts (5 s at 2 a second, the calibration pace, gives 10 or
/// 11).
const CALIBRATION_MIN_FRAMES: usize = 8;
/// Width of the calibration view's picture.
const PREVIEW_WIDTH: u32 = 320;

/// The measurements of an upright sitting in progress.
#[derive(Debug, Default)]
pub struct Calibration {
    started_t: Option<f64>,
    sightings: Vec<Option<Sighting>>,
}

impl Calibration {
    /// Adds what was seen at `t` (None: nobody found); returns the progress, 0–1.
    pub fn add(&mut self, t: f64, sighting: Option<Sighting>) -> f32 {
        let started = *self.started_t.get_or_insert(t);
        self.sightings.push(sighting);
        ((t - started) / CALIBRATION_S).clamp(0.0, 1.0) as f32
    }

    /// Whether enough has been measured by `t` to decide.
    pub fn is_complete(&self, t: f64) -> bool {
        self.started_t
            .is_some_and(|started| t - started >= CALIBRATION_S)
            && self.sightings.len() >= CALIBRATION_MIN_FRAMES
    }

    /// The baseline these sightings give, or why they cannot be trusted.
    pub fn baseline(
        &self,
        tag: SourceTag,
        model: &str,
        place: CameraPlace,
    ) -> Result<Baseline, Refusal> {
        Baseline::calibrate(&self.sightings, tag, model, place)
    }

    /// What the frames so far say of the camera, for the calibration view.
    pub fn camera_seen(&self, tag: SourceTag, place: CameraPlace) -> Option<String> {
        self.baseline(tag, "", place)
            .ok()
            .map(|b| b.camera.describe())
    }
}

/// The calibration view's picture: `picture` made small, with the skeleton drawn on it.
/// (Nearest-pixel sampling: a filtered resize of the full frame cost more than the pose
/// model, for a picture shown at a quarter of the frame's pixels.)
pub fn preview(picture: &RgbImage, pose: Option<&Pose>, serial: u64) -> Arc<Preview> {
    let (width, height) = picture.dimensions();
    let preview_h = (height * PREVIEW_WIDTH / width.max(1)).max(1);
    let mut image = image::imageops::resize(
        picture,
        PREVIEW_WIDTH,
        preview_h,
        image::imageops::FilterType::Nearest,
    );
    draw::draw_pose_scaled(&mut image, pose, PREVIEW_WIDTH as f32 / width.max(1) as f32);
    Arc::new(Preview { image, serial })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_is_320_wide_whatever_the_frame() {
        for (w, h) in [(640, 480), (1920, 1080), (100, 50), (1, 1)] {
            let picture = RgbImage::from_pixel(w, h, image::Rgb([90, 120, 150]));
            let preview = preview(&picture, None, 7);
            assert_eq!(preview.image.width(), PREVIEW_WIDTH, "{w}×{h}");
            assert_eq!(preview.image.height(), (h * PREVIEW_WIDTH / w).max(1));
            assert_eq!(preview.image.get_pixel(5, 0).0, [90, 120, 150]);
            assert_eq!(preview.serial, 7);
        }
        // Sampled, not filtered (a filter costs more than the pose model): 1-pixel stripes
        // stay black or white, never a blend.
        let stripes = RgbImage::from_fn(640, 480, |x, _| image::Rgb([(x % 2) as u8 * 255; 3]));
        let small = preview(&stripes, None, 1);
        assert!(small.image.pixels().all(|p| p.0[0] == 0 || p.0[0] == 255));
    }
}
