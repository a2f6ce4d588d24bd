//! Sampling a rotated square of an RGB image into a model's NHWC float input.

use image::RgbImage;
use ndarray::Array4;

use super::geometry::Roi;

/// What a sample outside the image reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Border {
    /// Black (value 0): the detector's letterbox padding.
    Zero,
    /// The nearest edge pixel: the landmark model's crop.
    Replicate,
}

/// Sample positions are rounded to 1/SUBPIXELS of a pixel (OpenCV's INTER_TAB_SIZE).
const SUBPIXEL_BITS: u32 = 5;
const SUBPIXELS: i64 = 1 << SUBPIXEL_BITS;
/// Bilinear weights are products of two 1/32 steps: 1/1024.
const WEIGHT_BITS: u32 = 2 * SUBPIXEL_BITS;
const WEIGHT_HALF: u32 = 1 << (WEIGHT_BITS - 1);

/// Maps pixel values `v` (0..255) to `v * scale + offset`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Normalization {
    pub scale: f32,
    pub offset: f32,
}

impl Normalization {
    /// [-1, 1], the detector's range.
    pub const SIGNED: Self = Self {
        scale: 1.0 / 127.5,
        offset: -1.0,
    };
    /// [0, 1], the landmark models' range.
    pub const UNIT: Self = Self {
        scale: 1.0 / 255.0,
        offset: 0.0,
    };
}

/// A model's square RGB input tensor ([1, side, side, 3], NHWC), reused frame after frame.
pub struct ModelInput {
    tensor: Array4<f32>,
    side: usize,
    border: Border,
    norm: Normalization,
}

impl ModelInput {
    pub fn new(side: usize, border: Border, norm: Normalization) -> Self {
        Self {
            tensor: Array4::zeros((1, side, side, 3)),
            side,
            border,
            norm,
        }
    }

    /// Samples the ROI of `image` into the tensor.
    pub fn fill(&mut self, image: &RgbImage, roi: &Roi) {
        let (side, border, norm) = (self.side, self.border, self.norm);
        let buf = self
            .tensor
            .as_slice_mut()
            .expect("an owned zeros() array is contiguous");
        sample_roi(image, roi, side, border, norm, buf);
    }

    pub fn tensor(&self) -> &Array4<f32> {
        &self.tensor
    }
}

/// Fills `out` (`side`×`side`×3, row-major NHWC) with the ROI of `image`, bilinearly sampled.
///
/// Tensor pixel (u, v) reads the image at `roi.image_from_crop(u / side, v / side)`: the
/// ROI's corner maps to pixel (0, 0) exactly, which is how MediaPipe's affine warp does it.
pub fn sample_roi(
    image: &RgbImage,
    roi: &Roi,
    side: usize,
    border: Border,
    norm: Normalization,
    out: &mut [f32],
) {
    debug_assert_eq!(out.len(), side * side * 3);
    let (width, height) = (image.width() as i64, image.height() as i64);
    let pixels = image.as_raw();
    let stride = width as usize * 3;
    let (top_left, (du_x, du_y), (dv_x, dv_y)) = sampling_grid(roi, side);

    // Pixel value -> model value, for every possible (integer) interpolated level.
    let levels: [f32; 256] = std::array::from_fn(|v| v as f32 * norm.scale + norm.offset);
    if width == 0 || height == 0 {
        // No pixel to read (nor an edge to clamp to): every sample is the border's black.
        out.fill(levels[0]);
        return;
    }
    // A tap of the zero border: black outside the image (the replicate border clamps instead,
    // on the fast path below).
    let fetch = |x: i64, y: i64| -> Option<[u8; 3]> {
        if x < 0 || y < 0 || x >= width || y >= height {
            return None;
        }
        let i = ((y * width + x) * 3) as usize;
        Some([pixels[i], pixels[i + 1], pixels[i + 2]])
    };

    for v in 0..side {
        let row_x = top_left.0 + v as f64 * dv_x;
        let row_y = top_left.1 + v as f64 * dv_y;
        let row = &mut out[v * side * 3..(v + 1) * side * 3];
        for (u, o) in row.chunks_exact_mut(3).enumerate() {
            // Like OpenCV's 8-bit warp (what MediaPipe runs): the sample position is rounded
            // to 1/32 pixel, the bilinear weights are whole multiples of 1/1024 and the result
            // is rounded to a whole pixel level. The models are sensitive enough to such
            // details that matching them exactly matters at the keypoint level.
            let (x0, fx) = subpixel(row_x + u as f64 * du_x);
            let (y0, fy) = subpixel(row_y + u as f64 * du_y);
            let weights = [
                (SUBPIXELS as u32 - fx) * (SUBPIXELS as u32 - fy),
                fx * (SUBPIXELS as u32 - fy),
                (SUBPIXELS as u32 - fx) * fy,
                fx * fy,
            ];
            let inside = x0 >= 0 && y0 >= 0 && x0 + 1 < width && y0 + 1 < height;
            let acc = if inside || border == Border::Replicate {
                // All four taps inside the image, or moved onto its nearest edge (at desk
                // framing most of the landmark crop lies outside the frame).
                let (xa, xb) = (x0.clamp(0, width - 1), (x0 + 1).clamp(0, width - 1));
                let (ya, yb) = (y0.clamp(0, height - 1), (y0 + 1).clamp(0, height - 1));
                let (top, bottom) = (ya as usize * stride, yb as usize * stride);
                let (left, right) = (xa as usize * 3, xb as usize * 3);
                mix(
                    pixels,
                    [top + left, top + right, bottom + left, bottom + right],
                    weights,
                )
            } else {
                let mut acc = [0u32; 3];
                let taps = [(x0, y0), (x0 + 1, y0), (x0, y0 + 1), (x0 + 1, y0 + 1)];
                for ((tx, ty), w) in taps.into_iter().zip(weights) {
                    if let Some(p) = fetch(tx, ty) {
                        for c in 0..3 {
                            acc[c] += u32::from(p[c]) * w;
                        }
                    }
                }
                acc
            };
            for c in 0..3 {
                // The weights add up to at most 1024, so the rounded level is at most 255: the
                // cast to u8 loses nothing and spares the table lookup its bounds check.
                o[c] = levels[usize::from(((acc[c] + WEIGHT_HALF) >> WEIGHT_BITS) as u8)];
            }
        }
    }
}

/// The bilinear sum of four taps (byte offsets of RGB pixels in `pixels`) with their weights.
#[inline]
fn mix(pixels: &[u8], taps: [usize; 4], weights: [u32; 4]) -> [u32; 3] {
    let mut acc = [0u32; 3];
    for (tap, w) in taps.into_iter().zip(weights) {
        if let &[r, g, b] = &pixels[tap..tap + 3] {
            acc[0] += u32::from(r) * w;
            acc[1] += u32::from(g) * w;
            acc[2] += u32::from(b) * w;
        }
    }
    acc
}

/// Where tensor pixel (0, 0) reads the image, and how far one step along a tensor row (u) and
/// down a column (v) moves, in image pixels. The ROI's corners in f32, the way OpenCV's
/// `RotatedRect::points` makes them for MediaPipe; the mapping itself in f64, because at desk
/// framing the ROI is ~2.5x the image and f32 would drift by more than the 1/32-pixel grid.
fn sampling_grid(roi: &Roi, side: usize) -> ((f64, f64), (f64, f64), (f64, f64)) {
    let [top_left, top_right, bottom_left] = roi_corners(roi);
    let step = 1.0 / side as f64;
    let du = (
        (top_right.0 - top_left.0) * step,
        (top_right.1 - top_left.1) * step,
    );
    let dv = (
        (bottom_left.0 - top_left.0) * step,
        (bottom_left.1 - top_left.1) * step,
    );
    (top_left, du, dv)
}

/// An image coordinate on OpenCV's 1/32-pixel grid: the whole pixel left of (or above) it and
/// the fraction past that pixel, in 32nds.
#[inline]
fn subpixel(v: f64) -> (i64, u32) {
    let fixed = round_ties_even(v * SUBPIXELS as f64);
    (fixed >> SUBPIXEL_BITS, (fixed & (SUBPIXELS - 1)) as u32)
}

/// Rounds half to even, as OpenCV's `cvRound` does, without a libm call on baseline x86-64:
/// adding 1.5·2^52 pushes the fraction out of the mantissa under the default rounding mode.
/// Exact for |v| < 2^51, far beyond any pixel coordinate × 32; larger values saturate.
#[inline]
fn round_ties_even(v: f64) -> i64 {
    const MAGIC: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52
    if v.abs() < 2_251_799_813_685_248.0 {
        ((v + MAGIC) - MAGIC) as i64
    } else {
        v as i64
    }
}

/// Top-left, top-right and bottom-left corners of the ROI in image pixels (f32 arithmetic,
/// as OpenCV computes a rotated rectangle's corners), widened to f64.
fn roi_corners(roi: &Roi) -> [(f64, f64); 3] {
    let angle = f64::from(roi.rotation_rad.to_degrees()).to_radians();
    let b = angle.cos() as f32 * 0.5;
    let a = angle.sin() as f32 * 0.5;
    let (cx, cy, size) = (roi.center_px.x, roi.center_px.y, roi.size_px);
    let bottom_left = (cx - a * size - b * size, cy + b * size - a * size);
    let top_left = (cx + a * size - b * size, cy - b * size - a * size);
    let top_right = (2.0 * cx - bottom_left.0, 2.0 * cy - bottom_left.1);
    let wide = |p: (f32, f32)| (f64::from(p.0), f64::from(p.1));
    [wide(top_left), wide(top_right), wide(bottom_left)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::geometry::PointPx;

    fn gradient(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 7]))
    }

    #[test]
    fn rounding_matches_opencv() {
        assert_eq!(round_ties_even(2.5), 2);
        assert_eq!(round_ties_even(3.5), 4);
        assert_eq!(round_ties_even(-2.5), -2);
        assert_eq!(round_ties_even(-2.6), -3);
        assert_eq!(round_ties_even(1e300), i64::MAX);
    }

    #[test]
    fn identity_roi_copies_pixels() {
        let img = gradient(8, 8);
        let roi = Roi {
            center_px: PointPx::new(4.0, 4.0),
            size_px: 8.0,
            rotation_rad: 0.0,
        };
        let mut out = vec![0.0; 8 * 8 * 3];
        sample_roi(
            &img,
            &roi,
            8,
            Border::Zero,
            Normalization {
                scale: 1.0,
                offset: 0.0,
            },
            &mut out,
        );
        // Tensor (u=3, v=5) reads image (3, 5) exactly.
        let i = (5 * 8 + 3) * 3;
        assert_eq!(&out[i..i + 3], &[3.0, 5.0, 7.0]);
    }

    #[test]
    fn a_turned_crop_over_every_edge_reads_each_tap_clamped_to_the_image() {
        // A region larger than the image, turned 23°, at fractional positions: every sample
        // must equal the bilinear mix of its four taps, each moved onto the nearest edge pixel.
        let img = RgbImage::from_fn(9, 7, |x, y| {
            image::Rgb([(x * 29 + y * 3) as u8, (y * 37) as u8, (x * y * 5) as u8])
        });
        let roi = Roi {
            center_px: PointPx::new(4.3, 3.6),
            size_px: 13.7,
            rotation_rad: 23f32.to_radians(),
        };
        let side = 16;
        let unit = Normalization {
            scale: 1.0,
            offset: 0.0,
        };
        let mut out = vec![0.0; side * side * 3];
        sample_roi(&img, &roi, side, Border::Replicate, unit, &mut out);
        let (top_left, du, dv) = sampling_grid(&roi, side);
        let pixel = |x: i64, y: i64| img.get_pixel(x.clamp(0, 8) as u32, y.clamp(0, 6) as u32).0;
        for v in 0..side {
            for u in 0..side {
                let (x0, fx) = subpixel((top_left.0 + v as f64 * dv.0) + u as f64 * du.0);
                let (y0, fy) = subpixel((top_left.1 + v as f64 * dv.1) + u as f64 * du.1);
                let s = SUBPIXELS as u32;
                let taps = [
                    (pixel(x0, y0), (s - fx) * (s - fy)),
                    (pixel(x0 + 1, y0), fx * (s - fy)),
                    (pixel(x0, y0 + 1), (s - fx) * fy),
                    (pixel(x0 + 1, y0 + 1), fx * fy),
                ];
                for c in 0..3 {
                    let acc: u32 = taps.iter().map(|(p, w)| u32::from(p[c]) * w).sum();
                    let expected = ((acc + WEIGHT_HALF) >> WEIGHT_BITS) as f32;
                    let got = out[(v * side + u) * 3 + c];
                    assert!(
                        (got - expected).abs() < 0.01,
                        "({u}, {v}) channel {c}: {got} vs {expected}"
                    );
                }
            }
        }
    }

    #[test]
    fn an_empty_image_gives_black_on_either_border() {
        let empty = RgbImage::new(0, 0);
        let roi = Roi {
            center_px: PointPx::new(0.0, 0.0),
            size_px: 4.0,
            rotation_rad: 0.0,
        };
        for border in [Border::Zero, Border::Replicate] {
            let mut out = vec![9.0; 4 * 4 * 3];
            sample_roi(&empty, &roi, 4, border, Normalization::SIGNED, &mut out);
            assert!(out.iter().all(|&v| v == -1.0), "{border:?}");
        }
    }

    #[test]
    fn borders_pad_black_or_stretch_the_edge() {
        let img = gradient(4, 4);
        // A ROI twice the image: its left half lies outside the image.
        let roi = Roi {
            center_px: PointPx::new(0.0, 2.0),
            size_px: 8.0,
            rotation_rad: 0.0,
        };
        let raw = Normalization {
            scale: 1.0,
            offset: 0.0,
        };
        let mut zero = vec![0.0; 8 * 8 * 3];
        let mut repl = vec![0.0; 8 * 8 * 3];
        sample_roi(&img, &roi, 8, Border::Zero, raw, &mut zero);
        sample_roi(&img, &roi, 8, Border::Replicate, raw, &mut repl);
        let i = (3 * 8) * 3 + 2; // u=0, v=3: image x=-4, blue channel
        assert_eq!(zero[i], 0.0);
        assert_eq!(repl[i], 7.0);
    }

    #[test]
    fn normalization_maps_to_model_ranges() {
        let img = RgbImage::from_pixel(2, 2, image::Rgb([255, 0, 255]));
        let roi = Roi::letterbox(2, 2);
        let mut out = vec![0.0; 2 * 2 * 3];
        sample_roi(
            &img,
            &roi,
            2,
            Border::Replicate,
            Normalization::SIGNED,
            &mut out,
        );
        assert!((out[0] - 1.0).abs() < 1e-6 && (out[1] + 1.0).abs() < 1e-6);
        sample_roi(
            &img,
            &roi,
            2,
            Border::Replicate,
            Normalization::UNIT,
            &mut out,
        );
        assert!((out[0] - 1.0).abs() < 1e-6 && out[1].abs() < 1e-6);
    }
}
