//! From the live time line to history rows, as pure state: judged frames become 10-s
//! [`Slice`]s, engine effects and the user's answers become [`Event`]s. No thread, no file.

use crate::coach::{ClearReason, Effect, EffectAt, UserAction};
use crate::posture::{Pattern, Reading};

use super::{Event, EventKind, SLICE_S, Slice, pattern_index};

/// A frame longer than this after the previous one counts only this long (a gap in the
/// frames — a pause, a released camera — is not time spent in any pattern).
pub const MAX_FRAME_S: f64 = 3.0;
/// A camera session's clock may drift this far from the wall clock before it is re-anchored.
pub const MAX_CLOCK_DRIFT_S: f64 = 2.0;

/// One judged frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    pub pattern: Pattern,
    /// The smoothed score (None when no person is judged).
    pub score: Option<f32>,
    pub cva_deg: f32,
    pub cva_drop_deg: f32,
    pub shoulder_angle_deg: f32,
    pub shoulder_drop_deg: f32,
    pub confidence: f32,
}

impl Sample {
    /// A frame with a reading (and its smoothed score).
    pub fn judged(reading: &Reading, score: Option<f32>) -> Sample {
        Sample {
            pattern: reading.pattern,
            score,
            cva_deg: reading.cva_deg,
            cva_drop_deg: reading.cva_drop_deg,
            shoulder_angle_deg: reading.shoulder_angle_deg,
            shoulder_drop_deg: reading.shoulder_drop_deg,
            confidence: reading.confidence,
        }
    }

    /// A frame without a person.
    pub fn away() -> Sample {
        Sample {
            pattern: Pattern::Away,
            score: None,
            cva_deg: 0.0,
            cva_drop_deg: 0.0,
            shoulder_angle_deg: 0.0,
            shoulder_drop_deg: 0.0,
            confidence: 0.0,
        }
    }
}

/// A slice being filled: time per pattern and time-weighted sums of the judged values.
#[derive(Debug, Clone, Default)]
struct Filling {
    index: i64,
    pattern_s: [f64; super::PATTERN_COUNT],
    judged_s: f64,
    score_s: f64,
    score_weight: f64,
    sums: [f64; 5],
    frames: u32,
}

impl Filling {
    fn add(&mut self, sample: &Sample, dt: f64) {
        self.frames += 1;
        self.add_time(sample, dt);
    }

    /// `dt` seconds of `sample`'s posture, without counting a frame.
    fn add_time(&mut self, sample: &Sample, dt: f64) {
        self.pattern_s[pattern_index(sample.pattern)] += dt;
        if sample.pattern == Pattern::Away {
            return;
        }
        // Weight by time, but let a slice's very first frame count a little.
        let w = dt.max(1e-3);
        if let Some(score) = sample.score {
            self.score_s += f64::from(score) * w;
            self.score_weight += w;
        }
        if sample.pattern != Pattern::Unknown {
            self.judged_s += w;
            let values = [
                sample.cva_deg,
                sample.cva_drop_deg,
                sample.shoulder_angle_deg,
                sample.shoulder_drop_deg,
                sample.confidence,
            ];
            for (sum, v) in self.sums.iter_mut().zip(values) {
                *sum += f64::from(v) * w;
            }
        }
    }

    /// The slice, unless it covers no time (a lone frame after a gap).
    fn finish(&self) -> Option<Slice> {
        if self.pattern_s.iter().sum::<f64>() <= 0.0 {
            return None;
        }
        let mean = |i: usize| (self.judged_s > 0.0).then(|| (self.sums[i] / self.judged_s) as f32);
        Some(Slice {
            start: self.index * SLICE_S,
            pattern_s: self.pattern_s.map(|s| s as f32),
            score: (self.score_weight > 0.0).then(|| (self.score_s / self.score_weight) as f32),
            cva_deg: mean(0),
            cva_drop_deg: mean(1),
            shoulder_angle_deg: mean(2),
            shoulder_drop_deg: mean(3),
            confidence: mean(4),
            frames: self.frames,
        })
    }
}

/// Turns one session's time line into history rows. Time line `t` (engine seconds) maps to
/// unix time as `origin + t`.
#[derive(Debug, Clone)]
pub struct Recorder {
    origin: f64,
    filling: Option<Filling>,
    last_t: Option<f64>,
    nudge_move: Option<&'static str>,
    break_move: Option<&'static str>,
    last_camera_problem: Option<String>,
}

impl Recorder {
    /// `origin`: the unix time of engine time 0.
    pub fn new(origin: f64) -> Recorder {
        Recorder {
            origin,
            filling: None,
            last_t: None,
            nudge_move: None,
            break_move: None,
            last_camera_problem: None,
        }
    }

    pub fn unix(&self, t: f64) -> f64 {
        self.origin + t
    }

    /// Adds a judged frame at engine time `t`; returns the slice it completed, if any.
    pub fn sample(&mut self, t: f64, sample: &Sample) -> Option<Slice> {
        let dt = self
            .last_t
            .map_or(0.0, |last| (t - last).clamp(0.0, MAX_FRAME_S));
        self.last_t = Some(t);
        self.last_camera_problem = None;
        let unix = self.unix(t);
        let index = (unix / SLICE_S as f64).floor() as i64;
        // The time since the last frame that fell before this slice began belongs to the slice
        // it fell in: no slice holds more than its ten seconds.
        let slice_start = (index * SLICE_S) as f64;
        let dt_here = dt.min(unix - slice_start);
        let done = match &mut self.filling {
            Some(f) if f.index != index => {
                let before = dt - dt_here;
                if f.index == index - 1 && before > 0.0 {
                    f.add_time(sample, before);
                }
                self.filling.take().and_then(|f| f.finish())
            }
            _ => None,
        };
        self.filling
            .get_or_insert_with(|| Filling {
                index,
                ..Filling::default()
            })
            .add(sample, dt_here);
        done
    }

    /// Time passes without frames (paused, camera off): a slice whose end is well behind `t`
    /// is complete.
    pub fn tick(&mut self, t: f64) -> Option<Slice> {
        let end = self.filling.as_ref()?.index * SLICE_S + SLICE_S;
        if self.unix(t) >= end as f64 + MAX_FRAME_S {
            return self.finish();
        }
        None
    }

    /// The frames stop here (a pause, a new source, a calibration): the next frame does not
    /// continue this one's time.
    pub fn break_frames(&mut self) {
        self.last_t = None;
    }

    /// The slice in progress, completed now (at the end of a session).
    pub fn finish(&mut self) -> Option<Slice> {
        self.break_frames();
        self.filling.take().and_then(|f| f.finish())
    }

    /// A camera's time line runs on a monotonic clock that stops while the computer sleeps;
    /// when it no longer matches the wall clock `now` at engine time `t`, the time line is
    /// re-anchored (and the slice in progress ends) so nothing is stamped in the past.
    pub fn resync(&mut self, t: f64, now: f64) -> Option<Slice> {
        if (self.unix(t) - now).abs() <= MAX_CLOCK_DRIFT_S {
            return None;
        }
        let done = self.finish();
        self.origin = now - t;
        done
    }

    /// The event an engine effect is remembered as.
    pub fn effect(&mut self, effect: &EffectAt) -> Option<Event> {
        let at = self.unix(effect.t);
        let event = match effect.effect {
            Effect::ShowNudge { pattern, move_id } => {
                self.nudge_move = Some(move_id);
                Event::new(at, EventKind::Nudge)
                    .with_move(move_id)
                    .with_detail(pattern.as_str())
            }
            Effect::ClearNudge { reason } => {
                let kind = match reason {
                    ClearReason::Done => EventKind::MoveDone,
                    ClearReason::Snoozed => EventKind::Snoozed,
                    ClearReason::NotNow => EventKind::NotNow,
                    ClearReason::Recovered | ClearReason::Away | ClearReason::Paused => {
                        EventKind::NudgeCleared
                    }
                };
                let mut event = Event::new(at, kind).with_detail(reason.as_str());
                event.move_id = self.nudge_move.take().map(str::to_owned);
                event
            }
            Effect::BreakDue { move_id } => {
                self.break_move = Some(move_id);
                Event::new(at, EventKind::BreakDue).with_move(move_id)
            }
            // The user's answer (taken / later) is remembered from the action.
            Effect::BreakCleared => return None,
            Effect::Away => {
                self.break_frames();
                Event::new(at, EventKind::Away)
            }
            Effect::Back => Event::new(at, EventKind::Back),
            Effect::Paused { until } => {
                self.break_frames();
                let event = Event::new(at, EventKind::Paused);
                match until {
                    Some(until) => event
                        .with_detail(format!("{:.0} min", ((until - effect.t) / 60.0).max(0.0))),
                    None => event.with_detail("until resumed"),
                }
            }
            Effect::Resumed => Event::new(at, EventKind::Resumed),
        };
        Some(event)
    }

    /// The event a user's answer is remembered as, when the engine's effects do not say it.
    pub fn action(&mut self, action: UserAction, t: f64) -> Option<Event> {
        let at = self.unix(t);
        match action {
            UserAction::BreakTaken => {
                let event = Event::new(at, EventKind::BreakTaken);
                Some(match self.break_move.take() {
                    Some(m) => event.with_move(m),
                    None => event,
                })
            }
            UserAction::BreakLater => Some(Event::new(at, EventKind::BreakLater)),
            UserAction::InCall(true) => Some(Event::new(at, EventKind::InCall)),
            UserAction::InCall(false) => Some(Event::new(at, EventKind::CallEnded)),
            // Done, snooze, not now, pause and resume arrive as effects.
            _ => None,
        }
    }

    /// A camera problem, remembered once until frames flow again.
    pub fn camera_problem(&mut self, t: f64, message: &str) -> Option<Event> {
        if self.last_camera_problem.as_deref() == Some(message) {
            return None;
        }
        self.last_camera_problem = Some(message.to_owned());
        self.break_frames();
        Some(Event::new(self.unix(t), EventKind::CameraProblem).with_detail(message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(pattern: Pattern, score: f32) -> Sample {
        Sample {
            pattern,
            score: Some(score),
            cva_deg: 50.0,
            cva_drop_deg: if pattern.is_slouch() { 8.0 } else { 0.0 },
            shoulder_angle_deg: 56.0,
            shoulder_drop_deg: 0.0,
            confidence: 0.9,
        }
    }

    #[test]
    fn frames_fill_ten_second_slices_by_time_in_each_pattern() {
        // Engine time 0 is unix 1000 (a slice boundary).
        let mut r = Recorder::new(1000.0);
        let mut done = Vec::new();
        for i in 0..=40 {
            let t = f64::from(i) * 0.5;
            let pattern = if t < 6.0 {
                Pattern::Upright
            } else {
                Pattern::ForwardHead
            };
            done.extend(r.sample(t, &sample(pattern, if t < 6.0 { 100.0 } else { 60.0 })));
        }
        done.extend(r.finish());
        // The frame at 20.0 s ends the second slice and starts none (it covers no time).
        assert_eq!(done.len(), 2, "{done:?}");
        let first = &done[0];
        assert_eq!(first.start, 1000);
        // Frames at 0.5, 1.0, … 9.5 s, and the half second up to the frame at 10.0 s (which
        // starts the next slice): ten seconds, never more.
        assert!((first.seconds() - 10.0).abs() < 1e-3, "{first:?}");
        assert!((first.pattern_s[0] - 5.5).abs() < 1e-3);
        assert!((first.slouched_s() - 4.5).abs() < 1e-3);
        assert_eq!(first.pattern(), Pattern::Upright);
        let score = first.score.unwrap_or_default();
        assert!(
            (score - (100.0 * 5.5 + 60.0 * 4.5) / 10.0).abs() < 0.5,
            "{score}"
        );
        assert_eq!(done[1].start, 1010);
        assert_eq!(done[1].pattern(), Pattern::ForwardHead);
        assert_eq!(done[1].frames, 20);
        assert!(done.iter().all(|s| s.seconds() <= 10.0 + 1e-4), "{done:?}");
        // Frames 2 s apart across a boundary (the settled pace): split between the slices.
        let mut r = Recorder::new(1000.0);
        let mut done = Vec::new();
        for i in 0..=10 {
            done.extend(r.sample(f64::from(i) * 2.0 + 1.0, &sample(Pattern::Upright, 100.0)));
        }
        done.extend(r.finish());
        let seconds: Vec<f32> = done.iter().map(Slice::seconds).collect();
        assert_eq!(seconds, [9.0, 10.0, 1.0], "{done:?}");
    }

    #[test]
    fn a_gap_in_the_frames_is_not_counted_as_time() {
        let mut r = Recorder::new(1000.0);
        r.sample(0.0, &sample(Pattern::Upright, 100.0));
        r.sample(1.0, &sample(Pattern::Upright, 100.0));
        // Camera off for a minute: the slice is closed by time alone.
        assert!(r.tick(5.0).is_none());
        let closed = r.tick(14.0);
        assert!(
            closed
                .as_ref()
                .is_some_and(|s| (s.seconds() - 1.0).abs() < 1e-3)
        );
        let next = r.sample(70.0, &sample(Pattern::Upright, 100.0));
        assert!(next.is_none());
        // A lone frame after the gap covers no time: nothing is stored for it.
        assert!(r.finish().is_none());
    }

    #[test]
    fn a_suspended_computer_does_not_stamp_the_morning_in_the_past() {
        let mut r = Recorder::new(1000.0);
        r.sample(0.0, &sample(Pattern::Upright, 100.0));
        r.sample(1.0, &sample(Pattern::Upright, 100.0));
        assert!(r.resync(1.5, 1001.5).is_none());
        // The monotonic clock says 2 s, the wall clock says 8 hours later.
        let closed = r.resync(2.0, 1002.0 + 8.0 * 3600.0);
        assert!(closed.is_some_and(|s| s.start == 1000));
        r.sample(2.0, &sample(Pattern::Upright, 100.0));
        r.sample(3.0, &sample(Pattern::Upright, 100.0));
        assert!(r.finish().is_some_and(|s| s.start >= 1000 + 8 * 3600));
    }

    #[test]
    fn away_time_has_no_score_or_angles() {
        let mut r = Recorder::new(0.0);
        for i in 0..10 {
            r.sample(f64::from(i), &Sample::away());
        }
        let s = r.finish();
        assert!(s.is_some_and(|s| s.score.is_none()
            && s.cva_drop_deg.is_none()
            && s.pattern() == Pattern::Away
            && s.present_s() == 0.0));
    }

    #[test]
    fn effects_and_answers_become_events_with_their_move() {
        let mut r = Recorder::new(1000.0);
        let show = EffectAt {
            t: 70.0,
            effect: Effect::ShowNudge {
                pattern: Pattern::ForwardHead,
                move_id: "chin_tuck",
            },
        };
        let nudge = r.effect(&show);
        assert!(nudge.as_ref().is_some_and(|e| e.kind == EventKind::Nudge
            && e.t == 1070.0
            && e.move_id.as_deref() == Some("chin_tuck")
            && e.detail.as_deref() == Some("forward_head")));
        let done = r.effect(&EffectAt {
            t: 90.0,
            effect: Effect::ClearNudge {
                reason: ClearReason::Done,
            },
        });
        assert!(done.is_some_and(
            |e| e.kind == EventKind::MoveDone && e.move_id.as_deref() == Some("chin_tuck")
        ));
        r.effect(&EffectAt {
            t: 1800.0,
            effect: Effect::BreakDue { move_id: "walk" },
        });
        let cleared = r.effect(&EffectAt {
            t: 1810.0,
            effect: Effect::BreakCleared,
        });
        assert!(cleared.is_none());
        let taken = r.action(UserAction::BreakTaken, 1810.0);
        assert!(taken.is_some_and(
            |e| e.kind == EventKind::BreakTaken && e.move_id.as_deref() == Some("walk")
        ));
        assert!(r.action(UserAction::Done, 1811.0).is_none());
    }

    #[test]
    fn a_repeated_camera_problem_is_remembered_once() {
        let mut r = Recorder::new(0.0);
        assert!(r.camera_problem(1.0, "camera busy").is_some());
        assert!(r.camera_problem(3.0, "camera busy").is_none());
        assert!(r.camera_problem(9.0, "camera unplugged").is_some());
        r.sample(10.0, &sample(Pattern::Upright, 100.0));
        assert!(r.camera_problem(20.0, "camera unplugged").is_some());
    }
}
