//! The pose model's first half: find a person in the whole frame (BlazePose's detector) and
//! derive the body ROI.

use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;

use super::PoseError;
use super::anchors::{self, Anchor, DETECTOR_INPUT};
use super::crop::{Border, ModelInput, Normalization};
use super::geometry::{PointPx, Roi};

/// A detected person in image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detection {
    pub score: f32,
    /// Midpoint of the hips (often predicted below the frame at a desk).
    pub hip_center_px: PointPx,
    /// A point on the circle that encloses the whole body.
    pub body_scale_px: PointPx,
}

impl Detection {
    /// The square the landmark model should look at.
    pub fn roi(&self) -> Roi {
        Roi::from_alignment_points(self.hip_center_px, self.body_scale_px)
    }
}

/// The person detector: letterboxed 224×224 input, 2254 SSD anchors, weighted NMS.
pub struct PoseDetector {
    session: Session,
    anchors: Vec<Anchor>,
    input: ModelInput,
}

const INPUT_NAME: &str = "input_1";
const BOXES: &str = "Identity";
const SCORES: &str = "Identity_1";

impl PoseDetector {
    pub fn new(session: Session) -> Result<Self, PoseError> {
        super::check_io(&session, "pose detector", &[INPUT_NAME], &[BOXES, SCORES])?;
        Ok(Self {
            session,
            anchors: anchors::pose_detector_anchors(),
            input: ModelInput::new(DETECTOR_INPUT, Border::Zero, Normalization::SIGNED),
        })
    }

    /// Fills the detector's input tensor from `image` (letterboxed, [-1, 1]); returns the
    /// letterbox ROI that maps detector coordinates back to the image.
    pub fn preprocess(&mut self, image: &RgbImage) -> Roi {
        let roi = Roi::letterbox(image.width(), image.height());
        self.input.fill(image, &roi);
        roi
    }

    /// The most confident person in `image`, if any scores at least 0.5.
    pub fn detect(&mut self, image: &RgbImage) -> Result<Option<Detection>, PoseError> {
        let letterbox = self.preprocess(image);
        let input = TensorRef::from_array_view(self.input.tensor())?;
        let outputs = self.session.run(ort::inputs![INPUT_NAME => input])?;
        let (_, boxes) = outputs[BOXES].try_extract_tensor::<f32>()?;
        let (_, logits) = outputs[SCORES].try_extract_tensor::<f32>()?;
        if boxes.len() != self.anchors.len() * anchors::BOX_VALUES
            || logits.len() != self.anchors.len()
        {
            return Err(PoseError::UnexpectedOutput {
                model: "pose detector",
                detail: format!(
                    "{} box values and {} scores for {} anchors",
                    boxes.len(),
                    logits.len(),
                    self.anchors.len()
                ),
            });
        }
        let candidates = anchors::decode(&self.anchors, boxes, logits, anchors::MIN_SCORE);
        let best = anchors::weighted_nms(candidates, anchors::NMS_IOU)
            .into_iter()
            .next();
        Ok(best.map(|d| {
            let to_image = |(x, y): (f32, f32)| letterbox.image_from_crop(x, y);
            Detection {
                score: d.score,
                hip_center_px: to_image(d.keypoints[0]),
                body_scale_px: to_image(d.keypoints[1]),
            }
        }))
    }
}
