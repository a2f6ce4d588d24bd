//! Drawing a pose onto a frame: the skeleton and the face points, for `sitwell analyze
//! --annotate` and the calibration view's preview.

use image::{Rgb, RgbImage};

use super::{KeypointId, Pose, SKELETON};

/// Keypoints less visible than this are drawn hollow-dim, and their bones skipped.
pub const MIN_DRAW_VISIBILITY: f32 = 0.5;

const LEFT: Rgb<u8> = Rgb([255, 140, 0]);
const RIGHT: Rgb<u8> = Rgb([0, 170, 255]);
/// The face mesh's points.
const FACE: Rgb<u8> = Rgb([120, 255, 160]);
const CENTER: Rgb<u8> = Rgb([255, 255, 255]);
const ROI: Rgb<u8> = Rgb([120, 120, 120]);

fn side_color(id: KeypointId) -> Rgb<u8> {
    let name = id.name();
    if name.starts_with("left") || name == "mouth_left" {
        LEFT
    } else if name.starts_with("right") || name == "mouth_right" {
        RIGHT
    } else {
        CENTER
    }
}

/// Returns a copy of `frame` with the pose's ROI, bones and keypoints drawn.
pub fn draw_pose(frame: &RgbImage, pose: Option<&Pose>) -> RgbImage {
    let mut out = frame.clone();
    draw_pose_scaled(&mut out, pose, 1.0);
    out
}

/// Draws onto `out` a pose found in a picture `1 / out_from_image` times its size (a small
/// copy of the frame gets the pose of the full one).
pub fn draw_pose_scaled(out: &mut RgbImage, pose: Option<&Pose>, out_from_image: f32) {
    let Some(pose) = pose else {
        return;
    };
    let at = |x: f32, y: f32| (x * out_from_image, y * out_from_image);
    let thickness = (out.width().max(out.height()) as f32 / 400.0).max(1.0);
    let corners = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]
        .map(|(u, v)| pose.roi.image_from_crop(u, v));
    for i in 0..4 {
        let (a, b) = (corners[i], corners[(i + 1) % 4]);
        draw_line(out, at(a.x, a.y), at(b.x, b.y), thickness * 0.5, ROI);
    }
    for &(a, b) in SKELETON {
        let (ka, kb) = (pose.keypoint(a), pose.keypoint(b));
        if ka.visibility < MIN_DRAW_VISIBILITY || kb.visibility < MIN_DRAW_VISIBILITY {
            continue;
        }
        let color = if side_color(a) == side_color(b) {
            side_color(a)
        } else {
            CENTER
        };
        draw_line(
            out,
            at(ka.x_px, ka.y_px),
            at(kb.x_px, kb.y_px),
            thickness,
            color,
        );
    }
    for id in KeypointId::ALL {
        let kp = pose.keypoint(id);
        let radius = if kp.visibility >= MIN_DRAW_VISIBILITY {
            2.5 * thickness
        } else {
            1.5 * thickness
        };
        draw_disc(out, at(kp.x_px, kp.y_px), radius, side_color(id));
    }
    // The face mesh, as fine dots: what the judge measures the head with.
    if let Some(face) = &pose.face {
        for p in &face.points {
            draw_disc(out, at(p.x_px, p.y_px), 0.6 * thickness, FACE);
        }
    }
}

fn put(img: &mut RgbImage, x: i64, y: i64, color: Rgb<u8>) {
    if x >= 0 && y >= 0 && x < i64::from(img.width()) && y < i64::from(img.height()) {
        img.put_pixel(x as u32, y as u32, color);
    }
}

/// A filled disc centred at `c`.
pub fn draw_disc(img: &mut RgbImage, c: (f32, f32), radius: f32, color: Rgb<u8>) {
    if !c.0.is_finite() || !c.1.is_finite() {
        return;
    }
    let r = radius.ceil() as i64;
    let (cx, cy) = (c.0.round() as i64, c.1.round() as i64);
    for dy in -r..=r {
        for dx in -r..=r {
            if ((dx * dx + dy * dy) as f32) <= radius * radius {
                put(img, cx + dx, cy + dy, color);
            }
        }
    }
}

/// A line of the given thickness from `a` to `b`, clipped to the image.
pub fn draw_line(img: &mut RgbImage, a: (f32, f32), b: (f32, f32), thickness: f32, color: Rgb<u8>) {
    if ![a.0, a.1, b.0, b.1].iter().all(|v| v.is_finite()) {
        return;
    }
    let length = (b.0 - a.0).hypot(b.1 - a.1);
    // Bounded: a point far off-image must not make us walk millions of steps.
    let steps = (length.ceil() as usize).clamp(1, 8192);
    for i in 0..=steps {
        let t = i as f32 / steps as f32;
        let p = (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        if thickness <= 1.0 {
            put(img, p.0.round() as i64, p.1.round() as i64, color);
        } else {
            draw_disc(img, p, thickness / 2.0, color);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pose_lands_where_it_was_found_on_a_smaller_copy() {
        use crate::pose::keypoints::{Keypoint, NUM_KEYPOINTS, WorldPoint};
        let mut keypoints = [Keypoint::default(); NUM_KEYPOINTS];
        keypoints[KeypointId::Nose.index()] = Keypoint {
            x_px: 400.0,
            y_px: 300.0,
            visibility: 1.0,
            ..Keypoint::default()
        };
        let pose = Pose {
            keypoints,
            world: [WorldPoint::default(); NUM_KEYPOINTS],
            presence: 1.0,
            roi: crate::pose::Roi::letterbox(640, 480),
            face: None,
        };
        let mut half = RgbImage::new(320, 240);
        draw_pose_scaled(&mut half, Some(&pose), 0.5);
        assert_eq!(
            half.get_pixel(200, 150),
            &CENTER,
            "the nose at half its place"
        );
        assert_eq!(half.get_pixel(100, 150), &Rgb([0, 0, 0]));
    }

    #[test]
    fn lines_are_clipped_not_panicking() {
        let mut img = RgbImage::new(10, 10);
        draw_line(&mut img, (-50.0, 5.0), (50.0, 5.0), 1.0, CENTER);
        draw_line(&mut img, (f32::NAN, 0.0), (5.0, 5.0), 3.0, CENTER);
        assert_eq!(img.get_pixel(0, 5), &CENTER);
        assert_eq!(img.get_pixel(9, 5), &CENTER);
        assert_eq!(img.get_pixel(5, 0), &Rgb([0, 0, 0]));
    }
}
