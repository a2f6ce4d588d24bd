//! The judge: one frame's cues against the baseline → angles, a pattern and an explained score.
//!
//! Pure arithmetic; the geometry, the constants and their assumptions are written up in
//! `src/posture/GEOMETRY.md`. Everything is relative to the user's own upright calibration.

use serde::Serialize;

use super::baseline::Baseline;
use super::cues::{Cues, MIN_VISIBILITY};

/// Degrees of craniovertebral-angle drop per unit of ln(head size / shoulder width) change,
/// for small changes.
pub const CVA_DEG_PER_HEAD_SCALE_LN: f32 = 52.0;
/// Degrees of craniovertebral-angle drop per shoulder width the ears sink (relative to the
/// image centre, scaled by the shoulder width), for small changes.
pub const CVA_DEG_PER_EAR_DROP: f32 = 171.0;
/// Where the CVA-drop estimate levels off: the frontal cues keep growing as a slouch deepens
/// (the head nears the lens and sinks in the picture) while the angle falls ever more slowly.
pub const CVA_DROP_SATURATION_DEG: f32 = 34.0;
/// Degrees of upper-trunk / shoulder forward roll per shoulder width the shoulders sink.
pub const SHOULDER_DEG_PER_SHOULDER_DROP: f32 = 160.0;
/// Nose drop (in ear widths) that corresponds to one radian of head pitch, roughly.
const NOSE_DROP_PER_PITCH_SIN: f32 = 0.4;
/// Nose offset (in ear widths) that corresponds to one radian of head yaw, roughly.
const NOSE_OFFSET_PER_YAW_SIN: f32 = 0.6;

/// Thresholds at sensitivity 1.
pub const FORWARD_HEAD_DROP_DEG: f32 = 5.5;
pub const ROUNDED_SHOULDER_DROP_DEG: f32 = 8.0;
pub const LOOK_DOWN_PITCH_DEG: f32 = 14.0;
/// Beyond this yaw the head is turned too far to judge.
pub const MAX_YAW_DEG: f32 = 35.0;

/// Score cost: points per degree beyond a small dead zone, and a cap, per cue.
const HEAD_DEAD_ZONE_DEG: f32 = 1.0;
const HEAD_POINTS_PER_DEG: f32 = 4.0;
const HEAD_MAX_POINTS: f32 = 70.0;
const SHOULDER_DEAD_ZONE_DEG: f32 = 2.0;
const SHOULDER_POINTS_PER_DEG: f32 = 2.5;
const SHOULDER_MAX_POINTS: f32 = 40.0;

/// What the judge sees in one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    Upright,
    ForwardHead,
    RoundedShoulders,
    /// Forward head and rounded shoulders together (Janda's upper-crossed pattern).
    UpperCrossed,
    LookDown,
    /// No person in view.
    Away,
    /// A person, but the view cannot be judged (shoulders hidden, head turned away, half out).
    Unknown,
}

impl Pattern {
    pub const fn as_str(self) -> &'static str {
        match self {
            Pattern::Upright => "upright",
            Pattern::ForwardHead => "forward_head",
            Pattern::RoundedShoulders => "rounded_shoulders",
            Pattern::UpperCrossed => "upper_crossed",
            Pattern::LookDown => "look_down",
            Pattern::Away => "away",
            Pattern::Unknown => "unknown",
        }
    }

    /// The slouch patterns a nudge is about.
    pub const fn is_slouch(self) -> bool {
        matches!(
            self,
            Pattern::ForwardHead | Pattern::RoundedShoulders | Pattern::UpperCrossed
        )
    }
}

/// Settings of the judge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JudgeConfig {
    /// Craniovertebral angle assumed for the calibrated upright posture (degrees).
    pub baseline_cva_deg: f32,
    /// Forward-shoulder angle assumed for the calibrated upright posture (degrees).
    pub baseline_shoulder_deg: f32,
    /// Multiplies how strict the thresholds are: 2 = flags half the deviation.
    pub sensitivity: f32,
}

impl Default for JudgeConfig {
    fn default() -> Self {
        JudgeConfig {
            // Healthy adults: 54.7 ± 7.0° (Carrasco-Uribarren 2023); < 50° is the usual
            // forward-head cut-off.
            baseline_cva_deg: 55.0,
            // Forward-shoulder angle: < 52° is the usual rounded-shoulder cut-off.
            baseline_shoulder_deg: 56.0,
            sensitivity: 1.0,
        }
    }
}

/// One cue's share of the score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cost {
    pub cue: &'static str,
    pub points: f32,
}

/// The judgement of one frame with a person in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reading {
    pub cva_deg: f32,
    pub cva_drop_deg: f32,
    pub shoulder_angle_deg: f32,
    pub shoulder_drop_deg: f32,
    /// Positive = looking down, relative to calibration.
    pub head_pitch_deg: f32,
    /// Positive = turned toward the image right.
    pub head_yaw_deg: f32,
    /// Positive = left ear lower than the right in the image.
    pub head_roll_deg: f32,
    /// Sideways lean of the head over the shoulders; positive = toward the image right.
    pub lean_deg: f32,
    /// Distance to the camera relative to calibration, in percent (negative = closer).
    pub distance_change_pct: f32,
    /// 0–1: how far this frame can be trusted (1 = clear frontal view).
    pub confidence: f32,
    pub pattern: Pattern,
    /// max(forward-head drop / its threshold, shoulder drop / its threshold): ≥ 1 is a slouch.
    pub slouch_level: f32,
    /// 0–100 this frame (100 = your calibrated upright), before smoothing.
    pub score: f32,
    /// What cost the missing points.
    pub costs: Vec<Cost>,
}

/// `x` for small values, levelling off toward ±`limit`: x / √(1 + (x / limit)²).
fn soft_saturate(x: f32, limit: f32) -> f32 {
    x / (1.0 + (x / limit).powi(2)).sqrt()
}

fn asin_deg(ratio: f32) -> f32 {
    ratio.clamp(-1.0, 1.0).asin().to_degrees()
}

/// Judge one frame's cues against the baseline.
pub fn judge(cues: &Cues, baseline: &Baseline, config: &JudgeConfig) -> Reading {
    let base = &baseline.centre;
    let head_scale_change = cues.head_scale_ln - base.head_scale_ln;
    let ear_drop = cues.ear_height - base.ear_height;
    let shoulder_sink = cues.shoulder_height - base.shoulder_height;

    let cva_drop_deg = soft_saturate(
        CVA_DEG_PER_HEAD_SCALE_LN * head_scale_change + CVA_DEG_PER_EAR_DROP * ear_drop,
        CVA_DROP_SATURATION_DEG,
    );
    let shoulder_drop_deg = SHOULDER_DEG_PER_SHOULDER_DROP * shoulder_sink;
    let head_pitch_deg = asin_deg((cues.nose_drop - base.nose_drop) / NOSE_DROP_PER_PITCH_SIN);
    let head_yaw_deg = asin_deg((cues.nose_offset - base.nose_offset) / NOSE_OFFSET_PER_YAW_SIN);
    let head_roll_deg = (cues.ear_tilt_rad - base.ear_tilt_rad).to_degrees();
    let neck_height = (base.shoulder_height - base.ear_height).max(0.1);
    let lean_deg = ((cues.lean - base.lean) / neck_height).atan().to_degrees();
    let distance_change_pct = (base.shoulder_width_px / cues.shoulder_width_px - 1.0) * 100.0;

    let visibility =
        ((cues.min_visibility - MIN_VISIBILITY) / (1.0 - MIN_VISIBILITY)).clamp(0.0, 1.0);
    let turn = (1.0 - (head_yaw_deg.abs() / MAX_YAW_DEG).powi(2)).clamp(0.0, 1.0);
    let framing = if cues.in_frame { 1.0 } else { 0.0 };
    let confidence = (visibility * turn * framing).sqrt();

    let sensitivity = config.sensitivity.max(0.1);
    let head_level = cva_drop_deg * sensitivity / FORWARD_HEAD_DROP_DEG;
    let shoulder_level = shoulder_drop_deg * sensitivity / ROUNDED_SHOULDER_DROP_DEG;
    let slouch_level = head_level.max(shoulder_level);

    let pattern = if confidence < 0.5 {
        Pattern::Unknown
    } else if head_pitch_deg >= LOOK_DOWN_PITCH_DEG && shoulder_level < 1.0 {
        Pattern::LookDown
    } else {
        match (head_level >= 1.0, shoulder_level >= 1.0) {
            (true, true) => Pattern::UpperCrossed,
            (true, false) => Pattern::ForwardHead,
            (false, true) => Pattern::RoundedShoulders,
            (false, false) => Pattern::Upright,
        }
    };

    let head_points = ((cva_drop_deg * sensitivity - HEAD_DEAD_ZONE_DEG) * HEAD_POINTS_PER_DEG)
        .clamp(0.0, HEAD_MAX_POINTS);
    let shoulder_points = ((shoulder_drop_deg * sensitivity - SHOULDER_DEAD_ZONE_DEG)
        * SHOULDER_POINTS_PER_DEG)
        .clamp(0.0, SHOULDER_MAX_POINTS);
    let costs: Vec<Cost> = [
        ("forward_head", head_points),
        ("rounded_shoulders", shoulder_points),
    ]
    .into_iter()
    .filter(|&(_, points)| points > 0.0)
    .map(|(cue, points)| Cost { cue, points })
    .collect();
    let score = (100.0 - head_points - shoulder_points).clamp(0.0, 100.0);

    Reading {
        cva_deg: config.baseline_cva_deg - cva_drop_deg,
        cva_drop_deg,
        shoulder_angle_deg: config.baseline_shoulder_deg - shoulder_drop_deg,
        shoulder_drop_deg,
        head_pitch_deg,
        head_yaw_deg,
        head_roll_deg,
        lean_deg,
        distance_change_pct,
        confidence,
        pattern,
        slouch_level,
        score,
        costs,
    }
}

/// Exponential smoothing of the score in time: follows a real change within about two
/// seconds (95 % of a step after 3 τ) while calming frame-to-frame jitter.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScoreSmoother {
    last: Option<(f64, f32)>,
}

/// Time constant of [`ScoreSmoother`] in seconds.
pub const SCORE_TAU_S: f64 = 0.6;

impl ScoreSmoother {
    /// Feed the score of the frame at `t_s`; returns the smoothed score. A gap of more than a
    /// few seconds (away, paused) starts over.
    pub fn update(&mut self, t_s: f64, score: f32) -> f32 {
        let smoothed = match self.last {
            Some((t0, s0)) if t_s >= t0 && t_s - t0 < 5.0 => {
                let alpha = 1.0 - (-(t_s - t0) / SCORE_TAU_S).exp();
                s0 + (score - s0) * alpha as f32
            }
            _ => score,
        };
        self.last = Some((t_s, smoothed));
        smoothed
    }

    pub fn reset(&mut self) {
        self.last = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posture::baseline::SourceTag;

    fn upright() -> Cues {
        Cues {
            shoulder_width_px: 250.0,
            head_scale_ln: (110.0f32 / 250.0).ln(),
            ear_height: -0.5,
            shoulder_height: 0.2,
            nose_drop: 0.1,
            nose_offset: 0.0,
            ear_tilt_rad: 0.0,
            lean: 0.0,
            min_visibility: 0.99,
            in_frame: true,
            eyes_in_frame: true,
        }
    }

    fn baseline() -> Baseline {
        let tag = SourceTag {
            camera: None,
            width: 640,
            height: 480,
        };
        Baseline::calibrate(&[Some(upright())], tag, "lite").expect("calibrates")
    }

    fn judged(cues: Cues) -> Reading {
        judge(&cues, &baseline(), &JudgeConfig::default())
    }

    #[test]
    fn the_calibrated_posture_scores_100() {
        let r = judged(upright());
        assert_eq!(r.pattern, Pattern::Upright);
        assert_eq!(r.score, 100.0);
        assert!(r.costs.is_empty());
        assert_eq!(r.cva_deg, JudgeConfig::default().baseline_cva_deg);
    }

    #[test]
    fn head_forward_and_down_is_forward_head_and_costs_points() {
        let mut c = upright();
        c.head_scale_ln += 0.05;
        c.ear_height += 0.06;
        let r = judged(c);
        let linear = CVA_DEG_PER_HEAD_SCALE_LN * 0.05 + CVA_DEG_PER_EAR_DROP * 0.06;
        assert!((r.cva_drop_deg - soft_saturate(linear, CVA_DROP_SATURATION_DEG)).abs() < 1e-3);
        assert!(r.cva_drop_deg > 5.5 && r.cva_drop_deg < linear);
        assert_eq!(r.pattern, Pattern::ForwardHead);
        assert!(r.score < 70.0);
        assert_eq!(r.costs[0].cue, "forward_head");
        c.shoulder_height += 0.1;
        let r = judged(c);
        assert_eq!(r.pattern, Pattern::UpperCrossed);
        assert!((100.0 - r.costs.iter().map(|c| c.points).sum::<f32>() - r.score).abs() < 1e-3);
        // Sensitivity 2 flags half the deviation.
        let mut mild = upright();
        mild.ear_height += 0.03;
        assert_eq!(judged(mild).pattern, Pattern::Upright);
        let strict = JudgeConfig {
            sensitivity: 2.0,
            ..JudgeConfig::default()
        };
        assert_eq!(
            judge(&mild, &baseline(), &strict).pattern,
            Pattern::ForwardHead
        );
    }

    #[test]
    fn a_deeper_slouch_reads_deeper_but_levels_off() {
        let drops: Vec<f32> = (0..=40)
            .map(|i| {
                let mut c = upright();
                c.ear_height += 0.01 * i as f32;
                judged(c).cva_drop_deg
            })
            .collect();
        assert!(drops.windows(2).all(|w| w[1] > w[0]), "{drops:?}");
        // Small changes keep the linear gain; a sink of 0.4 shoulder widths (68° linear) stays
        // under the saturation.
        assert!((drops[1] - CVA_DEG_PER_EAR_DROP * 0.01).abs() < 0.01);
        assert!(drops[40] < CVA_DROP_SATURATION_DEG && drops[40] > 0.8 * CVA_DROP_SATURATION_DEG);
        // Rising above the calibrated posture mirrors it.
        let mut up = upright();
        up.ear_height -= 0.1;
        assert!((judged(up).cva_drop_deg + drops[10]).abs() < 1e-3);
    }

    #[test]
    fn moving_closer_is_not_slouching() {
        // Everything scales about the image centre: ratios and centre-relative heights in
        // shoulder widths stay put; only the distance estimate changes.
        let mut c = upright();
        c.shoulder_width_px *= 1.15;
        let r = judged(c);
        assert_eq!(r.pattern, Pattern::Upright);
        assert!((r.distance_change_pct - (1.0 / 1.15 - 1.0) * 100.0).abs() < 1e-3);
    }

    #[test]
    fn looking_down_is_a_glance_and_hidden_or_turned_views_are_unknown() {
        let mut c = upright();
        c.nose_drop += 0.15;
        c.ear_height += 0.06;
        let r = judged(c);
        assert!(r.head_pitch_deg > 20.0);
        assert_eq!(r.pattern, Pattern::LookDown);

        let mut hidden = upright();
        hidden.min_visibility = 0.4;
        assert_eq!(judged(hidden).pattern, Pattern::Unknown);
        let mut out = upright();
        out.in_frame = false;
        assert_eq!(judged(out).confidence, 0.0);
        let mut turned = upright();
        turned.nose_offset = 0.45;
        let r = judged(turned);
        assert!(r.head_yaw_deg > 45.0);
        assert_eq!(r.pattern, Pattern::Unknown);
    }

    #[test]
    fn the_smoothed_score_follows_a_step_within_two_seconds() {
        let mut s = ScoreSmoother::default();
        assert_eq!(s.update(0.0, 100.0), 100.0);
        let mut last = 100.0;
        for i in 1..=10 {
            last = s.update(f64::from(i) * 0.2, 40.0);
        }
        assert!(last < 43.0, "after 2 s: {last}");
        let one_frame = ScoreSmoother::default().update(0.0, 40.0);
        assert_eq!(one_frame, 40.0);
        // A long gap starts over.
        assert_eq!(s.update(100.0, 90.0), 90.0);
    }
}
