//! The pose detector's SSD anchors, raw-output decoding and weighted non-maximum suppression.
//!
//! All coordinates here are *crop norm*: 0..1 across the detector's 224×224 letterboxed input.

/// Detector input side in pixels.
pub const DETECTOR_INPUT: usize = 224;
/// Values per anchor in the raw box tensor: box (4) + 4 keypoints × (x, y).
pub const BOX_VALUES: usize = 12;
/// Keypoints per detection: hip centre, full-body scale point, shoulder centre, upper-body scale point.
pub const DETECTION_KEYPOINTS: usize = 4;
/// Detections scoring below this are dropped (MediaPipe's `min_detection_confidence` default).
pub const MIN_SCORE: f32 = 0.5;
/// Detections overlapping the best one by more than this are merged into it.
pub const NMS_IOU: f32 = 0.3;

/// An anchor centre in crop norm (the anchors have unit size).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub x: f32,
    pub y: f32,
}

/// BlazePose's detector anchors: SSD layers with strides 8, 16, 32, 32, 32 on a 224 input,
/// two anchors per layer and cell; layers of equal stride share one feature map.
/// Order: feature map by feature map, then row, column, anchor.
pub fn pose_detector_anchors() -> Vec<Anchor> {
    const STRIDES: [usize; 5] = [8, 16, 32, 32, 32];
    const ANCHORS_PER_LAYER: usize = 2; // aspect ratio 1.0 plus the interpolated scale
    let mut anchors = Vec::with_capacity(2254);
    let mut layer = 0;
    while layer < STRIDES.len() {
        let stride = STRIDES[layer];
        let same_stride = STRIDES[layer..]
            .iter()
            .take_while(|&&s| s == stride)
            .count();
        let per_cell = same_stride * ANCHORS_PER_LAYER;
        let map = DETECTOR_INPUT.div_ceil(stride);
        for y in 0..map {
            for x in 0..map {
                let anchor = Anchor {
                    x: (x as f32 + 0.5) / map as f32,
                    y: (y as f32 + 0.5) / map as f32,
                };
                anchors.extend(std::iter::repeat_n(anchor, per_cell));
            }
        }
        layer += same_stride;
    }
    anchors
}

/// Axis-aligned box in crop norm.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BoxNorm {
    pub x_min: f32,
    pub y_min: f32,
    pub x_max: f32,
    pub y_max: f32,
}

impl BoxNorm {
    fn area(&self) -> f32 {
        (self.x_max - self.x_min).max(0.0) * (self.y_max - self.y_min).max(0.0)
    }

    /// Intersection over union.
    pub fn iou(&self, other: &BoxNorm) -> f32 {
        let w = (self.x_max.min(other.x_max) - self.x_min.max(other.x_min)).max(0.0);
        let h = (self.y_max.min(other.y_max) - self.y_min.max(other.y_min)).max(0.0);
        let inter = w * h;
        let union = self.area() + other.area() - inter;
        if union > 0.0 { inter / union } else { 0.0 }
    }
}

/// One detected person, in crop norm.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RawDetection {
    pub score: f32,
    pub bbox: BoxNorm,
    /// (x, y) per keypoint; see [`DETECTION_KEYPOINTS`].
    pub keypoints: [(f32, f32); DETECTION_KEYPOINTS],
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// Decodes the detector's raw outputs (`boxes`: anchors × 12, `logits`: anchors) into the
/// detections scoring at least `min_score`. Offsets are in input pixels around each anchor.
pub fn decode(
    anchors: &[Anchor],
    boxes: &[f32],
    logits: &[f32],
    min_score: f32,
) -> Vec<RawDetection> {
    let scale = DETECTOR_INPUT as f32;
    let mut out = Vec::new();
    for (i, anchor) in anchors.iter().enumerate() {
        let (Some(&logit), Some(raw)) = (
            logits.get(i),
            boxes.get(i * BOX_VALUES..(i + 1) * BOX_VALUES),
        ) else {
            break;
        };
        let score = sigmoid(logit.clamp(-100.0, 100.0));
        if score < min_score {
            continue;
        }
        let xc = raw[0] / scale + anchor.x;
        let yc = raw[1] / scale + anchor.y;
        let (w, h) = (raw[2] / scale, raw[3] / scale);
        let mut keypoints = [(0.0, 0.0); DETECTION_KEYPOINTS];
        for (k, kp) in keypoints.iter_mut().enumerate() {
            *kp = (
                raw[4 + 2 * k] / scale + anchor.x,
                raw[5 + 2 * k] / scale + anchor.y,
            );
        }
        out.push(RawDetection {
            score,
            bbox: BoxNorm {
                x_min: xc - w / 2.0,
                y_min: yc - h / 2.0,
                x_max: xc + w / 2.0,
                y_max: yc + h / 2.0,
            },
            keypoints,
        });
    }
    out
}

/// Weighted non-maximum suppression: the best detection absorbs every other one whose box
/// overlaps it by more than `iou_threshold`, taking the score-weighted mean of their boxes and
/// keypoints (its score stays the best score). Repeats on what is left; best first.
pub fn weighted_nms(mut detections: Vec<RawDetection>, iou_threshold: f32) -> Vec<RawDetection> {
    detections.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut merged = Vec::new();
    while let Some(best) = detections.first().copied() {
        let (cluster, rest): (Vec<_>, Vec<_>) = detections
            .into_iter()
            .partition(|d| best.bbox.iou(&d.bbox) > iou_threshold);
        detections = rest;
        let total: f32 = cluster.iter().map(|d| d.score).sum();
        if cluster.len() <= 1 || total <= 0.0 {
            merged.push(best);
            continue;
        }
        let mut mean = RawDetection {
            score: best.score,
            ..RawDetection::default()
        };
        for d in &cluster {
            let w = d.score / total;
            mean.bbox.x_min += d.bbox.x_min * w;
            mean.bbox.y_min += d.bbox.y_min * w;
            mean.bbox.x_max += d.bbox.x_max * w;
            mean.bbox.y_max += d.bbox.y_max * w;
            for (m, k) in mean.keypoints.iter_mut().zip(&d.keypoints) {
                m.0 += k.0 * w;
                m.1 += k.1 * w;
            }
        }
        merged.push(mean);
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchor_grid_matches_blazepose() {
        let anchors = pose_detector_anchors();
        assert_eq!(anchors.len(), 2254);
        // First map: 28×28, two anchors per cell.
        assert_eq!(
            anchors[0],
            Anchor {
                x: 0.5 / 28.0,
                y: 0.5 / 28.0
            }
        );
        assert_eq!(anchors[1], anchors[0]);
        assert_eq!(anchors[2].x, 1.5 / 28.0);
        // Second map starts after 28*28*2 anchors: 14×14.
        assert_eq!(
            anchors[1568],
            Anchor {
                x: 0.5 / 14.0,
                y: 0.5 / 14.0
            }
        );
        // Last map: 7×7 with six anchors per cell (three stride-32 layers); last is the corner.
        assert_eq!(
            anchors[1568 + 392],
            Anchor {
                x: 0.5 / 7.0,
                y: 0.5 / 7.0
            }
        );
        assert_eq!(anchors[1568 + 392 + 5], anchors[1568 + 392]);
        assert_eq!(
            anchors[2253],
            Anchor {
                x: 6.5 / 7.0,
                y: 6.5 / 7.0
            }
        );
    }

    fn raw_row(dx: f32, dy: f32, w: f32, h: f32) -> [f32; BOX_VALUES] {
        let mut r = [0.0; BOX_VALUES];
        r[..4].copy_from_slice(&[dx, dy, w, h]);
        for k in 0..DETECTION_KEYPOINTS {
            r[4 + 2 * k] = dx + k as f32;
            r[5 + 2 * k] = dy - k as f32;
        }
        r
    }

    #[test]
    fn decode_offsets_boxes_and_keypoints_from_anchor() {
        let anchors = [Anchor { x: 0.25, y: 0.5 }, Anchor { x: 0.75, y: 0.5 }];
        let mut boxes = Vec::new();
        boxes.extend(raw_row(22.4, -22.4, 44.8, 112.0));
        boxes.extend(raw_row(0.0, 0.0, 10.0, 10.0));
        // Second anchor scores below threshold (sigmoid(-3) ≈ 0.047).
        let dets = decode(&anchors, &boxes, &[2.0, -3.0], MIN_SCORE);
        assert_eq!(dets.len(), 1);
        let d = dets[0];
        assert!((d.score - 0.880797).abs() < 1e-5);
        assert!((d.bbox.x_min - 0.25).abs() < 1e-6 && (d.bbox.x_max - 0.45).abs() < 1e-6);
        assert!((d.bbox.y_min - 0.15).abs() < 1e-6 && (d.bbox.y_max - 0.65).abs() < 1e-6);
        assert!((d.keypoints[0].0 - 0.35).abs() < 1e-6 && (d.keypoints[0].1 - 0.4).abs() < 1e-6);
        assert!((d.keypoints[3].0 - (0.35 + 3.0 / 224.0)).abs() < 1e-6);
    }

    #[test]
    fn huge_logits_do_not_overflow() {
        let anchors = [Anchor { x: 0.5, y: 0.5 }];
        let dets = decode(&anchors, &raw_row(0.0, 0.0, 1.0, 1.0), &[1e30], MIN_SCORE);
        assert_eq!(dets.len(), 1);
        assert!(dets[0].score <= 1.0);
    }

    fn det(score: f32, x: f32, kp: f32) -> RawDetection {
        RawDetection {
            score,
            bbox: BoxNorm {
                x_min: x,
                y_min: 0.0,
                x_max: x + 0.2,
                y_max: 0.2,
            },
            keypoints: [(kp, kp); DETECTION_KEYPOINTS],
        }
    }

    #[test]
    fn weighted_nms_merges_overlaps_and_keeps_separate_people() {
        let dets = vec![det(0.6, 0.02, 0.3), det(0.9, 0.0, 0.1), det(0.8, 0.7, 0.9)];
        let out = weighted_nms(dets, NMS_IOU);
        assert_eq!(out.len(), 2);
        // The best keeps its score; its geometry is the score-weighted mean of its cluster.
        assert_eq!(out[0].score, 0.9);
        let expect_kp = (0.9 * 0.1 + 0.6 * 0.3) / 1.5;
        assert!((out[0].keypoints[2].0 - expect_kp).abs() < 1e-6);
        assert!((out[0].bbox.x_min - 0.6 * 0.02 / 1.5).abs() < 1e-6);
        // The far-away person survives untouched.
        assert_eq!(out[1], det(0.8, 0.7, 0.9));
    }

    #[test]
    fn iou_of_disjoint_and_identical_boxes() {
        let a = det(1.0, 0.0, 0.0).bbox;
        let b = det(1.0, 0.5, 0.0).bbox;
        assert_eq!(a.iou(&b), 0.0);
        assert!((a.iou(&a) - 1.0).abs() < 1e-6);
    }
}
