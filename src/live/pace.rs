//! How often the live pipeline looks, and when it need not look again: the adaptive frame
//! rate and the "has the picture changed?" test that lets a still scene skip the model.
//! Pure functions; the inference thread applies them.
//!
//! Four paces: quick (4 a second) while something happens (a score on the move, a slouch
//! building, a card up); twice a second while calibrating; steady (every 0.75 s) otherwise;
//! settled (every 2 s) once the user has read upright, unchanged, several looks in a row. A
//! slouch that begins while settled is seen at most 2 s late and the pace turns quick at once,
//! so a nudge at `--dwell 10` comes 10–14 s after the slouch began. On battery, with
//! `battery_saver`, settled is every 4 s and a nudge can come up to 2 s later.

use image::RgbImage;

use crate::posture::Pattern;

/// Seconds between analysed frames while posture is steady (about 1.3 fps): since the face
/// mesh joined the pose model a frame costs about 10 ms of model time (was 7), and 0.5 s put a
/// steady sitter at 3.0–4.2 % of a core on this machine, over the 3 % budget.
pub const STEADY_INTERVAL_S: f64 = 0.75;
/// Seconds between analysed frames once the user has sat upright and still for
/// [`SETTLE_AFTER_READINGS`] looks: the pace that decides what a good hour costs. No slower: a
/// slouch is seen up to this late, and at 3 s the generated hunch sequences' first nudge came
/// 14.0 s after the slouch began, at the edge of the 10–14 s bar at `--dwell 10`
/// (`docs/speed.md`).
pub const SETTLED_INTERVAL_S: f64 = 2.0;
/// The settled pace on battery power, with the setting `battery_saver` (the default).
pub const SETTLED_ON_BATTERY_INTERVAL_S: f64 = 4.0;
/// Upright, unchanged readings in a row after which the pace settles (3 s at the steady pace).
pub const SETTLE_AFTER_READINGS: u32 = 4;
/// Seconds between analysed frames while the score is moving, a slouch is building or a nudge
/// is up (4 fps).
pub const ACTIVE_INTERVAL_S: f64 = 0.25;
/// Seconds between analysed frames while calibrating: 10 or 11 frames in the 5 s, enough
/// for the baseline's medians and its checks (at least 8). At 4 a second the calibration was a
/// fifth of a 107 s run's CPU (`docs/speed.md`).
pub const CALIBRATION_INTERVAL_S: f64 = 0.5;
/// A still picture reuses the last pose for at most this long before the model runs again.
pub const MAX_REUSE_S: f64 = 3.0;
/// Score movement (points) between two readings that counts as a change of posture even when
/// the pattern stays the same. Real footage jitters by 5–10 points from frame to frame.
const SCORE_CHANGE_POINTS: f32 = 15.0;

/// Grid of the thumbnail the change test compares.
const GRID_W: u32 = 32;
const GRID_H: u32 = 24;
/// A block whose mean grey level moved by more than this has changed (sensor noise averages
/// out over a block's pixels; a moving head or shoulder does not).
const BLOCK_CHANGE_LEVELS: f32 = 6.0;
/// Or the whole picture drifted by this much on average (light, exposure).
const MEAN_CHANGE_LEVELS: f32 = 2.0;

/// A 32×24 grid of mean grey levels: the picture's coarse content.
#[derive(Debug, Clone, PartialEq)]
pub struct Thumbnail {
    blocks: Vec<f32>,
    width: u32,
    height: u32,
}

impl Thumbnail {
    /// Averages every second pixel of every second row into the grid's blocks.
    pub fn of(rgb: &RgbImage) -> Thumbnail {
        let (w, h) = rgb.dimensions();
        let mut sums = vec![0u32; (GRID_W * GRID_H) as usize];
        let mut counts = vec![0u32; sums.len()];
        for y in (0..h).step_by(2) {
            let gy = (y * GRID_H / h.max(1)).min(GRID_H - 1);
            for x in (0..w).step_by(2) {
                let gx = (x * GRID_W / w.max(1)).min(GRID_W - 1);
                let [r, g, b] = rgb.get_pixel(x, y).0;
                let i = (gy * GRID_W + gx) as usize;
                sums[i] += (u32::from(r) * 77 + u32::from(g) * 150 + u32::from(b) * 29) >> 8;
                counts[i] += 1;
            }
        }
        let blocks = sums
            .iter()
            .zip(&counts)
            .map(|(&s, &c)| if c > 0 { s as f32 / c as f32 } else { 0.0 })
            .collect();
        Thumbnail {
            blocks,
            width: w,
            height: h,
        }
    }

    /// Whether `other` shows a different picture (or a picture of another size).
    pub fn differs_from(&self, other: &Thumbnail) -> bool {
        if (self.width, self.height) != (other.width, other.height) {
            return true;
        }
        let mut max = 0.0f32;
        let mut sum = 0.0f32;
        for (a, b) in self.blocks.iter().zip(&other.blocks) {
            let d = (a - b).abs();
            max = max.max(d);
            sum += d;
        }
        max > BLOCK_CHANGE_LEVELS || sum / self.blocks.len() as f32 > MEAN_CHANGE_LEVELS
    }
}

/// What decides the pace. (A changed picture alone does not: people talk and nod all day;
/// what matters is whether their posture moves.)
#[derive(Debug, Clone, Copy, Default)]
pub struct PaceInputs {
    pub calibrating: bool,
    /// A slouch episode has started (the dwell bar is filling) or a nudge is up.
    pub slouch_building: bool,
    /// The posture changed between the last two readings (pattern, or a large score jump).
    pub posture_changed: bool,
    /// Readings in a row that were upright and unchanged.
    pub steady_upright_readings: u32,
    /// The machine runs on its battery and the user lets Sitwell save it.
    pub saving_battery: bool,
}

/// Seconds until the next frame worth analysing.
pub fn next_interval(inputs: PaceInputs) -> f64 {
    if inputs.calibrating {
        CALIBRATION_INTERVAL_S
    } else if inputs.slouch_building || inputs.posture_changed {
        ACTIVE_INTERVAL_S
    } else if inputs.steady_upright_readings >= SETTLE_AFTER_READINGS {
        if inputs.saving_battery {
            SETTLED_ON_BATTERY_INTERVAL_S
        } else {
            SETTLED_INTERVAL_S
        }
    } else {
        STEADY_INTERVAL_S
    }
}

/// Whether two consecutive readings (pattern, smoothed score) show a change of posture.
pub fn posture_changed(
    previous: (Option<Pattern>, Option<f32>),
    current: (Option<Pattern>, Option<f32>),
) -> bool {
    previous.0 != current.0
        || match (previous.1, current.1) {
            (Some(a), Some(b)) => (a - b).abs() > SCORE_CHANGE_POINTS,
            _ => false,
        }
}

/// Whether the model must run on a frame at `t_s`, or the last pose (from `last_run_t_s`)
/// still stands because the picture has not changed.
pub fn must_run_model(picture_changed: bool, t_s: f64, last_run_t_s: Option<f64>) -> bool {
    match last_run_t_s {
        None => true,
        Some(last) => picture_changed || t_s - last >= MAX_REUSE_S || t_s < last,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(level: u8) -> RgbImage {
        RgbImage::from_pixel(640, 480, image::Rgb([level, level, level]))
    }

    #[test]
    fn a_still_picture_with_sensor_noise_has_not_changed() {
        let base = flat(120);
        let mut noisy = base.clone();
        for (i, p) in noisy.pixels_mut().enumerate() {
            // ±3 levels of pseudo-random noise on every pixel.
            let n = ((i as u32).wrapping_mul(2_654_435_761) >> 29) as u8;
            p.0 = [117 + n, 117 + n, 117 + n];
        }
        assert!(!Thumbnail::of(&base).differs_from(&Thumbnail::of(&noisy)));
    }

    #[test]
    fn a_moving_head_sized_patch_is_a_change() {
        let base = flat(120);
        let mut moved = base.clone();
        // A 60×60 px patch (about a head at desk distance) turns darker.
        for y in 100..160 {
            for x in 300..360 {
                moved.put_pixel(x, y, image::Rgb([60, 60, 60]));
            }
        }
        assert!(Thumbnail::of(&base).differs_from(&Thumbnail::of(&moved)));
        assert!(Thumbnail::of(&base).differs_from(&Thumbnail::of(&flat(124))));
    }

    #[test]
    fn pace_is_quick_only_while_something_happens() {
        assert_eq!(next_interval(PaceInputs::default()), STEADY_INTERVAL_S);
        // Calibrating: twice a second, whatever the (meaningless) readings do meanwhile.
        for posture_changed in [false, true] {
            let calibrating = PaceInputs {
                calibrating: true,
                posture_changed,
                ..PaceInputs::default()
            };
            assert_eq!(next_interval(calibrating), CALIBRATION_INTERVAL_S);
        }
        for inputs in [
            PaceInputs {
                slouch_building: true,
                ..PaceInputs::default()
            },
            PaceInputs {
                posture_changed: true,
                ..PaceInputs::default()
            },
        ] {
            assert_eq!(next_interval(inputs), ACTIVE_INTERVAL_S);
        }
        // Sitting well, still: the pace settles after a few looks, and a change ends it.
        let settled = PaceInputs {
            steady_upright_readings: SETTLE_AFTER_READINGS,
            ..PaceInputs::default()
        };
        assert_eq!(next_interval(settled), 2.0);
        let almost = PaceInputs {
            steady_upright_readings: SETTLE_AFTER_READINGS - 1,
            ..PaceInputs::default()
        };
        assert_eq!(next_interval(almost), 0.75);
        let changed = PaceInputs {
            posture_changed: true,
            ..settled
        };
        assert_eq!(next_interval(changed), 0.25);
        // On battery the settled pace halves; what happens is looked at as quickly.
        let battery = PaceInputs {
            saving_battery: true,
            ..settled
        };
        assert_eq!(next_interval(battery), 4.0);
        assert_eq!(
            next_interval(PaceInputs {
                posture_changed: true,
                ..battery
            }),
            0.25
        );
        let upright = Some(Pattern::Upright);
        assert!(!posture_changed(
            (upright, Some(80.0)),
            (upright, Some(72.0))
        ));
        assert!(posture_changed(
            (upright, Some(80.0)),
            (upright, Some(60.0))
        ));
        assert!(posture_changed(
            (upright, Some(80.0)),
            (Some(Pattern::ForwardHead), Some(75.0))
        ));
        assert!(posture_changed((None, None), (upright, Some(90.0))));
    }

    #[test]
    fn the_model_reruns_on_change_or_when_the_pose_is_stale() {
        assert!(must_run_model(false, 0.0, None));
        assert!(!must_run_model(false, 1.0, Some(0.0)));
        assert!(must_run_model(true, 1.0, Some(0.0)));
        assert!(must_run_model(false, MAX_REUSE_S, Some(0.0)));
    }
}
