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
/// Fewest frames a calibration accepts (5 s at 4 fps gives 20).
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

/// The calibration view's picture: `picture` with the skeleton drawn, made small.
pub fn preview(picture: &RgbImage, pose: Option<&Pose>, serial: u64) -> Arc<Preview> {
    let (width, height) = picture.dimensions();
    let drawn = draw::draw_pose(picture, pose);
    let preview_h = (height * PREVIEW_WIDTH / width.max(1)).max(1);
    Arc::new(Preview {
        image: image::imageops::resize(
            &drawn,
            PREVIEW_WIDTH,
            preview_h,
            image::imageops::FilterType::Triangle,
        ),
        serial,
    })
}
