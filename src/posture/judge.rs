//! The judge: one frame's cues against the baseline → angles, a pattern and an explained score.
//!
//! Pure arithmetic; the geometry, the constants and their assumptions are written up in
//! `src/posture/GEOMETRY.md`. Everything is relative to the user's own upright calibration.

use serde::Serialize;

use super::baseline::Baseline;
use super::cues::{Cues, MIN_VISIBILITY};

/// The CVA-drop estimate, fitted on the camera study (`scripts/camera_study.py`, see
/// `GEOMETRY.md`): `sat(A·Δhs + B·Δhh + C·Δhs·hh₀ + D·Δhh·hh₀ + E·Δsh)` in the level view,
/// where hs is the head scale, hh the head height, sh the shoulder height and hh₀ the
/// calibrated head height. hh₀ says where the head sits against a level camera at the
/// camera's spot: far above it (a laptop camera), a head that comes forward also rises in the
/// picture, which the C and D terms take back; E takes back what head and shoulders share
/// (moving the whole body while the camera's pitch is a little off).
pub const CVA_DEG_PER_HEAD_SCALE_LN: f32 = 100.1;
pub const CVA_DEG_PER_HEAD_DROP: f32 = 99.3;
pub const CVA_HEAD_SCALE_BY_HEIGHT: f32 = -120.6;
pub const CVA_HEAD_DROP_BY_HEIGHT: f32 = 12.2;
pub const CVA_DEG_PER_SHOULDER_DROP: f32 = -38.9;
/// Where the CVA-drop estimate levels off: the frontal cues keep growing as a slouch deepens
/// (the head nears the lens and sinks in the picture) while the angle falls ever more slowly.
pub const CVA_DROP_SATURATION_DEG: f32 = 32.0;
/// Degrees of upper-trunk / shoulder forward roll per shoulder width the shoulders sink.
pub const SHOULDER_DEG_PER_SHOULDER_DROP: f32 = 160.0;

/// Thresholds at sensitivity 1.
pub const FORWARD_HEAD_DROP_DEG: f32 = 5.5;
pub const ROUNDED_SHOULDER_DROP_DEG: f32 = 8.0;
/// The face pitched down this much more than at calibration is a glance down (the face
/// mesh's pitch; a slouch moves it by a few degrees at most).
pub const LOOK_DOWN_PITCH_DEG: f32 = 12.0;
/// A bowed head is a hunch, not a glance, when the body came this much closer (in percent of
/// the calibrated distance, read from the shoulder width) …
pub const HUNCH_CLOSER_PCT: f32 = 2.0;
/// … and the shoulders sank at least this much (degrees of shoulder drop): the trunk came
/// forward and down with the head. A glance pitches the head alone; moving the chair closer
/// leaves the shoulders where they were. Fitted on the posture study's dev renders (`GEOMETRY.md`).
pub const HUNCH_SHOULDER_DROP_DEG: f32 = 3.0;
/// The trunk leaning to one side: the shoulder line tilted this much more than at calibration
/// (degrees, at sensitivity 1). On the posture study's dev renders a trunk leaning 8° tilts it
/// 7–12°, a 5° lean or a reach to one side 4–10°, a head tilt or a slouch 0–4° (`GEOMETRY.md`).
pub const SIDE_LEAN_DEG: f32 = 8.0;
/// How far the shoulders' midpoint and the head sink, in shoulder widths, per unit of
/// (1 − cos lean) when the trunk leans to one side: it turns about the lower back, so both come
/// down a little without coming forward. Fitted on the posture study's dev renders (the side
/// leans, small leans, reaches and head tilts, whose forward posture is unchanged): the shoulder
/// drop grows by 190° and the CVA-drop estimate by 168° per unit of (1 − cos lean) before this
/// is taken out (`GEOMETRY.md`).
pub const LEAN_SHOULDER_SINK_SW: f32 = 1.19;
/// The same for the head (its centre sits higher above the lower back than the shoulders).
pub const LEAN_HEAD_SINK_SW: f32 = 2.2;
/// While the trunk leans or the head tilts to one side, the forward cues are disturbed (the head
/// and shoulders sink and shift as the trunk turns about the lower back, by more than
/// [`LEAN_SHOULDER_SINK_SW`] takes out on some set-ups): a forward slouch is named only when its
/// level is at least this many times the sideways one. A real slump with a little lean on the way
/// reads 4–5 times its lean; a render's 14–20° lean at most 1.8 times.
pub const FORWARD_OVER_SIDE: f32 = 2.0;
/// The head tilted toward a shoulder: its roll this much more than the shoulder line's tilt
/// (degrees, at sensitivity 1). A 12° head tilt reads 8–12°, a sideways lean of the whole trunk
/// 0–7° (the head rides on the trunk), a reach or a small lean 0–6°.
pub const HEAD_TILT_DEG: f32 = 8.0;
/// Beyond this yaw (from calibration) the head is turned too far to judge: the face's width
/// then says more about the turn than about the distance.
pub const MAX_YAW_DEG: f32 = 18.0;

/// Score cost: points per degree beyond a small dead zone, and a cap, per cue.
const HEAD_DEAD_ZONE_DEG: f32 = 1.0;
const HEAD_POINTS_PER_DEG: f32 = 4.0;
const HEAD_MAX_POINTS: f32 = 70.0;
const SHOULDER_DEAD_ZONE_DEG: f32 = 2.0;
const SHOULDER_POINTS_PER_DEG: f32 = 2.5;
const SHOULDER_MAX_POINTS: f32 = 40.0;
const SIDE_LEAN_DEAD_ZONE_DEG: f32 = 3.0;
const SIDE_LEAN_POINTS_PER_DEG: f32 = 2.5;
const SIDE_LEAN_MAX_POINTS: f32 = 40.0;
const HEAD_TILT_DEAD_ZONE_DEG: f32 = 4.0;
const HEAD_TILT_POINTS_PER_DEG: f32 = 2.0;
const HEAD_TILT_MAX_POINTS: f32 = 30.0;

/// What the judge sees in one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    Upright,
    ForwardHead,
    RoundedShoulders,
    /// Forward head and rounded shoulders together (Janda's upper-crossed pattern).
    UpperCrossed,
    LookDown,
    /// The trunk leaning to one side (sitting on one hip, leaning on an elbow).
    SideLean,
    /// The head tilted toward a shoulder.
    HeadTilt,
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
            Pattern::SideLean => "side_lean",
            Pattern::HeadTilt => "head_tilt",
            Pattern::Away => "away",
            Pattern::Unknown => "unknown",
        }
    }

    /// The slouch patterns a nudge is about: forward and sideways.
    pub const fn is_slouch(self) -> bool {
        self.is_forward_slouch() || self.is_side_slouch()
    }

    /// Head forward, shoulders rounded, or both.
    pub const fn is_forward_slouch(self) -> bool {
        matches!(
            self,
            Pattern::ForwardHead | Pattern::RoundedShoulders | Pattern::UpperCrossed
        )
    }

    /// The trunk leaning or the head tilted to one side.
    pub const fn is_side_slouch(self) -> bool {
        matches!(self, Pattern::SideLean | Pattern::HeadTilt)
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
    /// The trunk's sideways lean: the shoulder line's tilt from calibration, degrees (positive =
    /// toward the person's left, the left shoulder lower).
    pub side_lean_deg: f32,
    /// The head's tilt toward a shoulder beyond the shoulder line's, degrees (positive = the left
    /// ear toward the left shoulder).
    pub head_tilt_deg: f32,
    /// Distance to the camera relative to calibration, in percent (negative = closer).
    pub distance_change_pct: f32,
    /// 0–1: how far this frame can be trusted (1 = clear frontal view).
    pub confidence: f32,
    pub pattern: Pattern,
    /// The largest of each cue over its threshold (forward-head drop, shoulder drop, side lean,
    /// head tilt): ≥ 1 is a slouch.
    pub slouch_level: f32,
    /// The same over the forward cues alone (forward-head drop, shoulder drop) …
    pub forward_level: f32,
    /// … and over the sideways ones (side lean, head tilt).
    pub side_level: f32,
    /// 0–100 this frame (100 = your calibrated upright), before smoothing.
    pub score: f32,
    /// What cost the missing points.
    pub costs: Vec<Cost>,
    /// False for a person the judge could not measure (face cut off or hidden, points out of
    /// the picture): the pattern is `unknown` and the numbers are zeros, not measurements.
    pub measured: bool,
}

impl Reading {
    /// A person in view who cannot be judged this frame.
    pub fn unmeasured() -> Reading {
        Reading {
            cva_deg: 0.0,
            cva_drop_deg: 0.0,
            shoulder_angle_deg: 0.0,
            shoulder_drop_deg: 0.0,
            head_pitch_deg: 0.0,
            head_yaw_deg: 0.0,
            head_roll_deg: 0.0,
            lean_deg: 0.0,
            side_lean_deg: 0.0,
            head_tilt_deg: 0.0,
            distance_change_pct: 0.0,
            confidence: 0.0,
            pattern: Pattern::Unknown,
            slouch_level: 0.0,
            forward_level: 0.0,
            side_level: 0.0,
            score: 0.0,
            costs: Vec::new(),
            measured: false,
        }
    }
}

/// `x` for small values, levelling off toward ±`limit`: x / √(1 + (x / limit)²).
fn soft_saturate(x: f32, limit: f32) -> f32 {
    x / (1.0 + (x / limit).powi(2)).sqrt()
}

/// The CVA-drop estimate (before levelling off) from changes of head scale, head height and
/// shoulder height in the level view, and the calibrated head height.
fn cva_drop_linear(
    head_scale_change: f32,
    head_drop: f32,
    shoulder_sink: f32,
    head_height_0: f32,
) -> f32 {
    CVA_DEG_PER_HEAD_SCALE_LN * head_scale_change
        + CVA_DEG_PER_HEAD_DROP * head_drop
        + CVA_HEAD_SCALE_BY_HEIGHT * head_scale_change * head_height_0
        + CVA_HEAD_DROP_BY_HEIGHT * head_drop * head_height_0
        + CVA_DEG_PER_SHOULDER_DROP * shoulder_sink
}

/// Judge one frame's cues against the baseline.
pub fn judge(cues: &Cues, baseline: &Baseline, config: &JudgeConfig) -> Reading {
    let base = &baseline.centre;
    let side_lean_deg = cues.shoulder_tilt_deg - base.shoulder_tilt_deg;
    // What a sideways lean lowers by itself is not a forward slouch.
    let lean_sink = 1.0 - side_lean_deg.to_radians().cos();
    let head_scale_change = cues.head_scale_ln - base.head_scale_ln;
    let head_drop = cues.head_height - base.head_height - LEAN_HEAD_SINK_SW * lean_sink;
    let shoulder_sink =
        cues.shoulder_height - base.shoulder_height - LEAN_SHOULDER_SINK_SW * lean_sink;

    let cva_drop_deg = soft_saturate(
        cva_drop_linear(
            head_scale_change,
            head_drop,
            shoulder_sink,
            base.head_height,
        ),
        CVA_DROP_SATURATION_DEG,
    );
    let shoulder_drop_deg = SHOULDER_DEG_PER_SHOULDER_DROP * shoulder_sink;
    let head_pitch_deg = cues.head_pitch_deg - base.head_pitch_deg;
    let head_yaw_deg = cues.head_yaw_deg - base.head_yaw_deg;
    let head_roll_deg = cues.head_roll_deg - base.head_roll_deg;
    let neck_height = (base.shoulder_height - base.head_height).max(0.1);
    let lean_deg = ((cues.lean - base.lean) / neck_height).atan().to_degrees();
    let head_tilt_deg = head_roll_deg - side_lean_deg;
    let distance_change_pct = (base.shoulder_width_px / cues.shoulder_width_px - 1.0) * 100.0;

    let visibility =
        ((cues.min_visibility - MIN_VISIBILITY) / (1.0 - MIN_VISIBILITY)).clamp(0.0, 1.0);
    let turn = (1.0 - (head_yaw_deg.abs() / MAX_YAW_DEG).powi(2)).clamp(0.0, 1.0);
    let confidence = (visibility * turn).sqrt();

    let sensitivity = config.sensitivity.max(0.1);
    let head_level = cva_drop_deg * sensitivity / FORWARD_HEAD_DROP_DEG;
    let shoulder_level = shoulder_drop_deg * sensitivity / ROUNDED_SHOULDER_DROP_DEG;
    let side_level = side_lean_deg.abs() * sensitivity / SIDE_LEAN_DEG;
    let tilt_level = head_tilt_deg.abs() * sensitivity / HEAD_TILT_DEG;
    let slouch_level = head_level
        .max(shoulder_level)
        .max(side_level)
        .max(tilt_level);

    // The head bowed with the trunk: closer to the camera and the shoulders lower too.
    let hunched =
        -distance_change_pct >= HUNCH_CLOSER_PCT && shoulder_drop_deg >= HUNCH_SHOULDER_DROP_DEG;
    let pattern = if head_yaw_deg.abs() >= MAX_YAW_DEG || confidence < 0.5 {
        Pattern::Unknown
    } else if head_pitch_deg >= LOOK_DOWN_PITCH_DEG && shoulder_level < 1.0 && !hunched {
        Pattern::LookDown
    } else if side_level.max(tilt_level) >= 1.0
        && head_level.max(shoulder_level) < FORWARD_OVER_SIDE * side_level.max(tilt_level)
    {
        // Sideways, and not clearly forward: named for what it is.
        if side_level >= tilt_level {
            Pattern::SideLean
        } else {
            Pattern::HeadTilt
        }
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
    let side_points = ((side_lean_deg.abs() * sensitivity - SIDE_LEAN_DEAD_ZONE_DEG)
        * SIDE_LEAN_POINTS_PER_DEG)
        .clamp(0.0, SIDE_LEAN_MAX_POINTS);
    let tilt_points = ((head_tilt_deg.abs() * sensitivity - HEAD_TILT_DEAD_ZONE_DEG)
        * HEAD_TILT_POINTS_PER_DEG)
        .clamp(0.0, HEAD_TILT_MAX_POINTS);
    let costs: Vec<Cost> = [
        ("forward_head", head_points),
        ("rounded_shoulders", shoulder_points),
        ("side_lean", side_points),
        ("head_tilt", tilt_points),
    ]
    .into_iter()
    .filter(|&(_, points)| points > 0.0)
    .map(|(cue, points)| Cost { cue, points })
    .collect();
    let score =
        (100.0 - head_points - shoulder_points - side_points - tilt_points).clamp(0.0, 100.0);

    Reading {
        cva_deg: config.baseline_cva_deg - cva_drop_deg,
        cva_drop_deg,
        shoulder_angle_deg: config.baseline_shoulder_deg - shoulder_drop_deg,
        shoulder_drop_deg,
        head_pitch_deg,
        head_yaw_deg,
        head_roll_deg,
        lean_deg,
        side_lean_deg,
        head_tilt_deg,
        distance_change_pct,
        confidence,
        pattern,
        slouch_level,
        forward_level: head_level.max(shoulder_level),
        side_level: side_level.max(tilt_level),
        score,
        costs,
        measured: true,
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
    use crate::posture::cues::test_sighting;
    use crate::posture::level_view::CameraPlace;

    fn baseline() -> Baseline {
        let tag = SourceTag {
            camera: None,
            width: 640,
            height: 480,
        };
        let mut b = Baseline::calibrate(
            &[Some(test_sighting(200.0, 60.0))],
            tag,
            "lite",
            CameraPlace::Other,
        )
        .expect("calibrates");
        // A round calibrated head height (0.2 shoulder widths above the level view's centre),
        // so that the expectations below can be worked out by hand.
        b.centre.head_height = -0.2;
        b
    }

    fn upright() -> Cues {
        baseline().centre
    }

    fn judged(cues: Cues) -> Reading {
        judge(&cues, &baseline(), &JudgeConfig::default())
    }

    #[test]
    fn the_calibrated_posture_scores_100() {
        let r = judged(upright());
        assert_eq!(r.pattern, Pattern::Upright);
        assert_eq!(r.score, 100.0);
        assert!(r.costs.is_empty() && r.measured);
        assert_eq!(r.cva_deg, JudgeConfig::default().baseline_cva_deg);
    }

    #[test]
    fn head_forward_and_down_is_forward_head_and_costs_points() {
        let mut c = upright();
        c.head_scale_ln += 0.05;
        c.head_height += 0.06;
        let r = judged(c);
        // By hand, with the calibrated head at h0 = -0.2:
        // 100.1·0.05 + 99.3·0.06 − 120.6·0.05·h0 + 12.2·0.06·h0 = 12.023°, levelled off:
        // 12.023 / √(1 + (12.023 / 32)²) = 11.254°.
        assert!((r.cva_drop_deg - 11.254).abs() < 1e-3, "{}", r.cva_drop_deg);
        assert_eq!(r.pattern, Pattern::ForwardHead);
        assert!(r.score < 70.0);
        assert_eq!(r.costs[0].cue, "forward_head");
        c.shoulder_height += 0.1;
        let r = judged(c);
        assert_eq!(r.pattern, Pattern::UpperCrossed);
        assert!((100.0 - r.costs.iter().map(|c| c.points).sum::<f32>() - r.score).abs() < 1e-3);
        // Sensitivity 2 flags half the deviation.
        // A head 0.034 shoulder widths lower: (99.3 + 12.2·h0)·0.034 = 3.293°, levelled off
        // 3.276° — under the 5.5° threshold, past half of it.
        let mut mild = upright();
        mild.head_height += 0.034;
        assert!((judged(mild).cva_drop_deg - 3.276).abs() < 1e-3);
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
                c.head_height += 0.01 * i as f32;
                judged(c).cva_drop_deg
            })
            .collect();
        assert!(drops.windows(2).all(|w| w[1] > w[0]), "{drops:?}");
        // Small changes keep the linear gain; a large sink stays under the saturation.
        // 0.01 lower: (99.3 + 12.2·h0)·0.01 = 0.9686°, levelled off 0.9682°; 0.4 lower:
        // 38.744° levels off to 24.673°.
        assert!((drops[1] - 0.9682).abs() < 1e-3, "{}", drops[1]);
        assert!((drops[40] - 24.673).abs() < 1e-2, "{}", drops[40]);
        // Rising above the calibrated posture mirrors it.
        let mut up = upright();
        up.head_height -= 0.1;
        assert!((judged(up).cva_drop_deg + drops[10]).abs() < 1e-3);
    }

    #[test]
    fn moving_closer_is_not_slouching() {
        // In the level view everything scales about the image centre: ratios and
        // centre-relative heights in shoulder widths stay put; only the distance changes.
        let mut c = upright();
        c.shoulder_width_px *= 1.15;
        let r = judged(c);
        assert_eq!(r.pattern, Pattern::Upright);
        assert!((r.distance_change_pct - (1.0 / 1.15 - 1.0) * 100.0).abs() < 1e-3);
    }

    #[test]
    fn looking_down_is_a_glance_and_hidden_or_turned_views_are_unknown() {
        let mut c = upright();
        c.head_pitch_deg += 20.0;
        c.head_height += 0.06;
        let r = judged(c);
        assert!((r.head_pitch_deg - 20.0).abs() < 1e-4);
        assert_eq!(r.pattern, Pattern::LookDown);
        // Looking down with the shoulders rolled is a slouch, not a glance.
        c.shoulder_height += 0.1;
        assert!(judged(c).pattern.is_slouch(), "{:?}", judged(c).pattern);

        let mut hidden = upright();
        hidden.min_visibility = 0.4;
        assert_eq!(judged(hidden).pattern, Pattern::Unknown);
        let mut turned = upright();
        turned.head_yaw_deg += MAX_YAW_DEG + 1.0;
        turned.head_height += 0.1;
        assert_eq!(judged(turned).pattern, Pattern::Unknown);
        let unmeasured = Reading::unmeasured();
        assert_eq!(unmeasured.pattern, Pattern::Unknown);
        assert!(!unmeasured.measured);
    }

    #[test]
    fn a_bowed_head_with_the_trunk_come_forward_is_a_hunch_not_a_glance() {
        // The head bowed 20° and 0.08 shoulder widths lower, the shoulders 0.025 lower (160 ·
        // 0.025 = 4° of shoulder drop: under the 8° of rounded shoulders, over the hunch's 3°).
        // CVA drop by hand: 99.3·0.08 + 12.2·0.08·h0 − 38.9·0.025 = 6.777°, levelled off 6.63°.
        let mut bowed = upright();
        bowed.head_pitch_deg += 20.0;
        bowed.head_height += 0.08;
        bowed.shoulder_height += 0.025;
        assert_eq!(
            judged(bowed).pattern,
            Pattern::LookDown,
            "in place: a glance"
        );
        // The same, 5 % closer to the camera (the shoulders 1/0.95 wider): the trunk came
        // forward with the head — a hunch over the laptop.
        let mut hunch = bowed;
        hunch.shoulder_width_px /= 0.95;
        let r = judged(hunch);
        assert!(
            (r.distance_change_pct + 5.0).abs() < 1e-3,
            "{}",
            r.distance_change_pct
        );
        assert!((r.cva_drop_deg - 6.63).abs() < 0.01, "{}", r.cva_drop_deg);
        assert_eq!(r.pattern, Pattern::ForwardHead);
        // Closer with the shoulders where they were (the chair rolled in) stays a glance.
        let mut closer = upright();
        closer.head_pitch_deg += 20.0;
        closer.head_height += 0.08;
        closer.shoulder_width_px /= 0.85;
        assert_eq!(judged(closer).pattern, Pattern::LookDown);
    }

    #[test]
    fn a_sideways_lean_and_a_head_tilt_are_named_for_what_they_are() {
        // The trunk leans: the shoulder line tilts 10° (past 8°) and the head rides along
        // (rolled 10°). Turning about the lower back, the lean lowers the shoulders and the head
        // a little by itself — that is not read as a forward slouch.
        let sink = 1.0 - 10f32.to_radians().cos();
        let mut lean = upright();
        lean.shoulder_tilt_deg += 10.0;
        lean.head_roll_deg += 10.0;
        lean.head_height += LEAN_HEAD_SINK_SW * sink;
        lean.shoulder_height += LEAN_SHOULDER_SINK_SW * sink;
        let r = judged(lean);
        assert_eq!(r.pattern, Pattern::SideLean);
        assert!((r.side_lean_deg - 10.0).abs() < 1e-4, "{}", r.side_lean_deg);
        assert!(r.head_tilt_deg.abs() < 1e-4, "{}", r.head_tilt_deg);
        assert!(r.cva_drop_deg.abs() < 1e-3 && r.shoulder_drop_deg.abs() < 1e-3);
        assert!((r.slouch_level - 1.25).abs() < 1e-4, "{}", r.slouch_level);
        // (10° − 3°) · 2.5 = 17.5 points for the lean.
        let side = r
            .costs
            .iter()
            .find(|c| c.cue == "side_lean")
            .expect("a side cost");
        assert!((side.points - 17.5).abs() < 1e-3, "{}", side.points);
        assert!(r.pattern.is_slouch() && !r.pattern.is_forward_slouch());

        // The head alone tilts 12° toward the left shoulder: (12° − 4°) · 2 = 16 points.
        let mut tilt = upright();
        tilt.head_roll_deg += 12.0;
        let r = judged(tilt);
        assert_eq!(r.pattern, Pattern::HeadTilt);
        assert!((r.head_tilt_deg - 12.0).abs() < 1e-4);
        assert!((r.slouch_level - 1.5).abs() < 1e-4, "{}", r.slouch_level);
        assert!((r.score - 84.0).abs() < 1e-3, "{}", r.score);
        // To the other side it is the same pattern.
        let mut other = upright();
        other.head_roll_deg -= 12.0;
        assert_eq!(judged(other).pattern, Pattern::HeadTilt);

        // Slumped forward with a little lean and tilt on the way (a real slump): forward, the
        // larger deviation by far.
        let mut slump = lean;
        slump.head_height += 0.2;
        slump.shoulder_height += 0.25;
        assert_eq!(judged(slump).pattern, Pattern::UpperCrossed);

        // A small lean (the shoulder line 6°, the head along): upright.
        let mut small = upright();
        small.shoulder_tilt_deg += 6.0;
        small.head_roll_deg += 6.0;
        assert_eq!(judged(small).pattern, Pattern::Upright);

        // Someone who sits a little tilted is judged against that: calibrated at 7° with the
        // head along, sitting the same way is upright; sitting level is a lean the other way
        // of only 7°.
        let mut tilted = baseline();
        tilted.centre.shoulder_tilt_deg = 7.0;
        tilted.centre.head_roll_deg = 7.0;
        let config = JudgeConfig::default();
        assert_eq!(
            judge(&tilted.centre, &tilted, &config).pattern,
            Pattern::Upright
        );
        assert_eq!(
            judge(&upright(), &tilted, &config).pattern,
            Pattern::Upright
        );
        let mut more = tilted.centre;
        more.shoulder_tilt_deg += 9.0;
        more.head_roll_deg += 9.0;
        assert_eq!(judge(&more, &tilted, &config).pattern, Pattern::SideLean);
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
