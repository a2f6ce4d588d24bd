//! How bright a frame is, and cleaner copies of a dim one: the pose model's second and third
//! looks in a dim room. In little light a camera's picture is mostly noise at the pixel scale,
//! and BlazePose's detector loses a person it finds at once in a lightly smoothed copy; when
//! even that fails, the smoothed copy brightened to mid-grey. Measured in `GEOMETRY.md`
//! ("Poor light").

use image::RgbImage;

/// A frame whose mean brightness (0–1, Rec. 601 luma) is below this is dim: when the person
/// is lost in it, the pose model looks again at a brighter copy.
pub const DIM_LUMA: f32 = 0.40;
/// Below this mean brightness there is too little light to judge at all: the overlay says so
/// rather than "away".
pub const TOO_DARK_LUMA: f32 = 0.08;
/// The mean brightness the brighter copy is lifted to.
const TARGET_LUMA: f32 = 0.45;
/// Every this many pixels in each direction is read for the mean (a 640 × 480 frame: 4,800).
const SAMPLE_STEP: u32 = 8;

/// The mean brightness of `frame`, 0–1, from a grid of samples.
pub fn mean_luma(frame: &RgbImage) -> f32 {
    let (mut sum, mut count) = (0u64, 0u64);
    for y in (0..frame.height()).step_by(SAMPLE_STEP as usize) {
        for x in (0..frame.width()).step_by(SAMPLE_STEP as usize) {
            let [r, g, b] = frame.get_pixel(x, y).0;
            sum += 299 * u64::from(r) + 587 * u64::from(g) + 114 * u64::from(b);
            count += 1;
        }
    }
    if count == 0 {
        return 0.0;
    }
    sum as f32 / (count as f32 * 1000.0 * 255.0)
}

/// A copy of `frame` smoothed with the 3 × 3 binomial kernel ([1 2 1] / 4 each way, edges
/// repeated): pixel noise halves, a person's outline stays.
pub fn denoised(frame: &RgbImage) -> RgbImage {
    smoothed_along(&smoothed_along(frame, (1, 0)), (0, 1))
}

/// One pass of [1 2 1] / 4 along `step` ((1, 0): across, (0, 1): down), edges repeated.
fn smoothed_along(frame: &RgbImage, (dx, dy): (u32, u32)) -> RgbImage {
    let (w, h) = frame.dimensions();
    RgbImage::from_fn(w, h, |x, y| {
        let before = frame
            .get_pixel(x.saturating_sub(dx), y.saturating_sub(dy))
            .0;
        let here = frame.get_pixel(x, y).0;
        let after = frame.get_pixel((x + dx).min(w - 1), (y + dy).min(h - 1)).0;
        image::Rgb(std::array::from_fn(|i| {
            ((u16::from(before[i]) + 2 * u16::from(here[i]) + u16::from(after[i]) + 2) / 4) as u8
        }))
    })
}

/// A copy of a frame whose mean brightness is `luma` (below [`TARGET_LUMA`]), lifted with the
/// gamma that maps that mean to the target: dark tones gain most, nothing clips.
pub fn brightened(frame: &RgbImage, luma: f32) -> RgbImage {
    let gamma = TARGET_LUMA.ln() / luma.clamp(0.01, TARGET_LUMA).ln();
    let table: Vec<u8> = (0..=255u16)
        .map(|v| (255.0 * (f32::from(v) / 255.0).powf(gamma)).round() as u8)
        .collect();
    let mut out = frame.clone();
    for value in out.iter_mut() {
        *value = table[usize::from(*value)];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dim_frame_is_lifted_to_mid_grey_and_keeps_its_order() {
        let frame = RgbImage::from_fn(64, 48, |x, _| {
            let v = (x * 2) as u8; // 0..126: mean about 0.25
            image::Rgb([v, v, v])
        });
        let luma = mean_luma(&frame);
        assert!((luma - 0.235).abs() < 0.02, "{luma}");
        let bright = brightened(&frame, luma);
        let lifted = mean_luma(&bright);
        assert!(lifted > 0.4 && lifted < 0.55, "{lifted}");
        // Black stays black and the order of tones is kept.
        assert_eq!(bright.get_pixel(0, 0).0, [0, 0, 0]);
        let row: Vec<u8> = (0..64).map(|x| bright.get_pixel(x, 10).0[0]).collect();
        assert!(row.windows(2).all(|w| w[0] <= w[1]));
        assert_eq!(mean_luma(&RgbImage::new(0, 0)), 0.0);
    }

    #[test]
    fn smoothing_keeps_flat_areas_and_halves_a_single_speck() {
        let mut frame = RgbImage::from_pixel(5, 5, image::Rgb([100, 100, 100]));
        frame.put_pixel(2, 2, image::Rgb([200, 100, 100]));
        let out = denoised(&frame);
        // The speck keeps a quarter of its excess (1/2 · 1/2), its neighbours get an eighth or
        // a sixteenth; far pixels and edges stay.
        assert_eq!(out.get_pixel(2, 2).0, [125, 100, 100]);
        assert_eq!(out.get_pixel(1, 2).0, [113, 100, 100]);
        assert_eq!(out.get_pixel(1, 1).0, [106, 100, 100]);
        assert_eq!(out.get_pixel(0, 0).0, [100, 100, 100]);
        assert_eq!(denoised(&RgbImage::new(1, 1)).dimensions(), (1, 1));
    }
}
