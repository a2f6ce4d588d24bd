//! The nudge engine: a pure function of (state, observation, time) → (state, effects).
//!
//! It decides *when* to speak: a slouch must last the dwell time before a nudge; hysteresis on
//! the slouch level stops flicker at the threshold; glances (looking down, turning away, a
//! frame that cannot be judged) neither count nor reset; a cooldown separates nudges and a
//! snooze silences them; no person for a few seconds is `away`, which pauses everything; a
//! sitting timer asks for a movement break. The app executes the [`Effect`]s; user answers come
//! back through [`step_action`]. No clocks are read here: time is an argument.

use crate::coach::moves::{self, Context};
use crate::posture::{Pattern, Reading};

/// Settings of the engine (seconds).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EngineConfig {
    /// How long a slouch must last before a nudge.
    pub dwell_s: f64,
    /// Least time between two nudges.
    pub cooldown_s: f64,
    /// How long "Snooze" silences nudges.
    pub snooze_s: f64,
    /// A slouch must be seen this long before its episode (and the dwell clock) starts, so
    /// jittery frames, or a nod just as a mild lean begins, never start one early.
    pub enter_s: f64,
    /// Upright this long ends a slouch episode (and clears its nudge).
    pub recover_s: f64,
    /// While recovering, a return above the exit level shorter than this does not restart the
    /// upright clock: a second of noisy readings keeps no nudge on screen after the user sat up.
    pub recover_blip_s: f64,
    /// A glance longer than this (with no slouch seen) ends the episode.
    pub glance_max_s: f64,
    /// No person this long means away.
    pub away_after_s: f64,
    /// Continuous sitting before a movement break is due.
    pub break_interval_s: f64,
    /// Away at least this long counts as a break and restarts the sitting timer.
    pub break_reset_away_s: f64,
    /// "Later" on a break card asks again after this long.
    pub break_later_s: f64,
    /// Once slouching, the slouch level must fall below this to count as upright again.
    pub exit_level: f32,
    /// When the dwell time is up, a nudge needs a clear slouch (level ≥ 1) in at least this
    /// share of the episode's judged time; otherwise the episode was a borderline wobble
    /// around the threshold and starts over. Real webcam footage of an upright user hovers
    /// near the exit level with short spikes; a real slouch is slouched nearly throughout.
    pub min_slouch_share: f64,
}

/// How long a slouch lasts before a nudge unless the user sets otherwise.
pub const DEFAULT_DWELL_S: f64 = 60.0;
/// The least time between two nudges unless the user sets otherwise.
pub const DEFAULT_COOLDOWN_S: f64 = 600.0;
/// Continuous sitting before a break is due unless the user sets otherwise.
pub const DEFAULT_BREAK_INTERVAL_S: f64 = 1800.0;

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            dwell_s: DEFAULT_DWELL_S,
            cooldown_s: DEFAULT_COOLDOWN_S,
            snooze_s: 1800.0,
            enter_s: 2.0,
            recover_s: 3.0,
            recover_blip_s: 1.0,
            glance_max_s: 20.0,
            away_after_s: 5.0,
            break_interval_s: DEFAULT_BREAK_INTERVAL_S,
            break_reset_away_s: 120.0,
            break_later_s: 600.0,
            exit_level: 0.7,
            min_slouch_share: 0.6,
        }
    }
}

impl EngineConfig {
    /// The same with another dwell time (its range is the settings' to check:
    /// [`crate::config::table::DWELL_S`]).
    pub fn with_dwell(mut self, dwell_s: f64) -> Self {
        self.dwell_s = dwell_s;
        self
    }
}

/// What the camera saw at one moment.
#[derive(Debug, Clone, Copy)]
pub enum Observation<'a> {
    Person(&'a Reading),
    NoPerson,
}

/// What the user answered or asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UserAction {
    /// Did the move on the nudge card.
    Done,
    /// Silence nudges for the snooze time.
    Snooze,
    /// Dismiss this nudge; the cooldown applies.
    NotNow,
    /// Took the movement break.
    BreakTaken,
    /// Ask about the break again later.
    BreakLater,
    /// Pause monitoring, for a while or until resumed.
    Pause {
        seconds: Option<f64>,
    },
    Resume,
    /// On a call: breaks wait until it ends; nudges stay call-safe.
    InCall(bool),
}

/// Why a nudge card went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearReason {
    Recovered,
    Done,
    Snoozed,
    NotNow,
    Away,
    Paused,
}

impl ClearReason {
    pub const fn as_str(self) -> &'static str {
        match self {
            ClearReason::Recovered => "recovered",
            ClearReason::Done => "done",
            ClearReason::Snoozed => "snoozed",
            ClearReason::NotNow => "not_now",
            ClearReason::Away => "away",
            ClearReason::Paused => "paused",
        }
    }
}

/// Something the app should do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    ShowNudge {
        pattern: Pattern,
        move_id: &'static str,
    },
    ClearNudge {
        reason: ClearReason,
    },
    BreakDue {
        move_id: &'static str,
    },
    BreakCleared,
    Away,
    Back,
    Paused {
        until: Option<f64>,
    },
    Resumed,
}

impl Effect {
    /// The `kind` of the effect in the JSON event stream.
    pub const fn kind(&self) -> &'static str {
        match self {
            Effect::ShowNudge { .. } => "nudge",
            Effect::ClearNudge { .. } => "nudge_cleared",
            Effect::BreakDue { .. } => "break_due",
            Effect::BreakCleared => "break_cleared",
            Effect::Away => "away",
            Effect::Back => "back",
            Effect::Paused { .. } => "paused",
            Effect::Resumed => "resumed",
        }
    }
}

/// A nudge on screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActiveNudge {
    pub pattern: Pattern,
    pub move_id: &'static str,
    pub shown_at: f64,
}

/// Everything the engine remembers. Start with `EngineState::default()`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EngineState {
    /// Start of the current slouch episode.
    pub slouch_since: Option<f64>,
    /// First frame of a slouch that has not yet lasted `enter_s`.
    slouch_candidate_since: Option<f64>,
    /// The slouch pattern seen last in this episode.
    pub slouch_pattern: Option<Pattern>,
    last_slouch_seen: Option<f64>,
    upright_since: Option<f64>,
    /// First frame of the current unbroken run of slouching frames.
    slouch_run_since: Option<f64>,
    /// Judged time in this episode, and the part of it with a clear slouch (seconds).
    episode_judged_s: f64,
    episode_slouched_s: f64,
    last_judged_at: Option<f64>,
    pub nudge: Option<ActiveNudge>,
    last_nudge_at: Option<f64>,
    pub snoozed_until: Option<f64>,
    /// Paused by the user: `Some(None)` until resumed, `Some(Some(t))` until t.
    pub paused: Option<Option<f64>>,
    pub away: bool,
    absent_since: Option<f64>,
    pub sitting_since: Option<f64>,
    pub break_due: Option<&'static str>,
    last_move: Option<&'static str>,
    pub in_call: bool,
}

impl EngineState {
    /// How far the current slouch is toward a nudge, 0–1 (the overlay's dwell bar).
    pub fn dwell_progress(&self, t: f64, config: &EngineConfig) -> f32 {
        match self.slouch_since {
            Some(since) if self.nudge.is_none() => {
                // Both conditions of a nudge: the dwell time, and enough clearly slouched time.
                let by_time = (t - since) / config.dwell_s;
                let by_share =
                    self.episode_slouched_s / (config.min_slouch_share * config.dwell_s).max(1e-9);
                by_time.min(by_share).clamp(0.0, 1.0) as f32
            }
            Some(_) => 1.0,
            None => 0.0,
        }
    }

    fn end_episode(&mut self) {
        self.slouch_candidate_since = None;
        self.slouch_since = None;
        self.slouch_pattern = None;
        self.last_slouch_seen = None;
        self.upright_since = None;
        self.slouch_run_since = None;
        self.episode_judged_s = 0.0;
        self.episode_slouched_s = 0.0;
        self.last_judged_at = None;
    }

    /// Share of this episode's judged time with a clear slouch (1 before any time has passed).
    pub fn slouch_share(&self) -> f64 {
        if self.episode_judged_s > 0.0 {
            self.episode_slouched_s / self.episode_judged_s
        } else {
            1.0
        }
    }

    fn in_cooldown(&self, t: f64, config: &EngineConfig) -> bool {
        self.last_nudge_at
            .is_some_and(|at| t - at < config.cooldown_s)
            || self.snoozed_until.is_some_and(|until| t < until)
    }
}

/// Advance the engine to time `t` with what the camera saw.
pub fn step(
    state: &EngineState,
    observation: Observation<'_>,
    t: f64,
    config: &EngineConfig,
) -> (EngineState, Vec<Effect>) {
    let mut s = state.clone();
    let mut effects = Vec::new();

    match s.paused {
        Some(Some(until)) if t >= until => {
            s.paused = None;
            effects.push(Effect::Resumed);
        }
        Some(_) => return (s, effects),
        None => {}
    }
    if s.snoozed_until.is_some_and(|until| t >= until) {
        s.snoozed_until = None;
    }

    let reading = match observation {
        Observation::NoPerson => {
            let absent_since = *s.absent_since.get_or_insert(t);
            if !s.away && t - absent_since >= config.away_after_s {
                s.away = true;
                s.end_episode();
                effects.push(Effect::Away);
                if s.nudge.take().is_some() {
                    effects.push(Effect::ClearNudge {
                        reason: ClearReason::Away,
                    });
                }
            }
            if t - absent_since >= config.break_reset_away_s {
                s.sitting_since = None;
                if s.break_due.take().is_some() {
                    effects.push(Effect::BreakCleared);
                }
            }
            return (s, effects);
        }
        Observation::Person(reading) => reading,
    };

    if let Some(absent_since) = s.absent_since.take() {
        if s.away {
            s.away = false;
            effects.push(Effect::Back);
        }
        if t - absent_since >= config.break_reset_away_s {
            s.sitting_since = None;
        }
    }
    let sitting_since = *s.sitting_since.get_or_insert(t);

    let in_episode = s.slouch_since.is_some();
    let pattern = reading.pattern;
    let glance = matches!(pattern, Pattern::LookDown | Pattern::Unknown);
    // Hysteresis: entering needs level ≥ 1 (a slouch pattern); staying needs ≥ exit_level.
    let slouching =
        pattern.is_slouch() || (in_episode && !glance && reading.slouch_level >= config.exit_level);

    if slouching {
        if s.slouch_since.is_none() {
            let candidate = *s.slouch_candidate_since.get_or_insert(t);
            if t - candidate >= config.enter_s {
                s.slouch_since = Some(t);
            }
        }
        s.last_slouch_seen = Some(t);
        let run_since = *s.slouch_run_since.get_or_insert(t);
        if t - run_since >= config.recover_blip_s {
            s.upright_since = None;
        }
        if pattern.is_slouch() {
            s.slouch_pattern = Some(pattern);
        }
    } else if glance {
        s.slouch_run_since = None;
        if s.last_slouch_seen
            .is_some_and(|seen| t - seen > config.glance_max_s)
        {
            s.end_episode();
        }
    } else {
        s.slouch_candidate_since = None;
        s.slouch_run_since = None;
        let upright_since = *s.upright_since.get_or_insert(t);
        if t - upright_since >= config.recover_s {
            s.end_episode();
            if s.nudge.take().is_some() {
                effects.push(Effect::ClearNudge {
                    reason: ClearReason::Recovered,
                });
            }
        }
    }

    if s.slouch_since.is_some() && !glance {
        // Time since the last judged frame, capped so a gap in frames is not all one verdict.
        let dt = s
            .last_judged_at
            .map_or(0.0, |last| (t - last).clamp(0.0, 1.0));
        s.episode_judged_s += dt;
        if pattern.is_slouch() {
            s.episode_slouched_s += dt;
        }
        s.last_judged_at = Some(t);
    }
    let dwell_done = s
        .slouch_since
        .is_some_and(|since| t - since >= config.dwell_s);
    if dwell_done && s.nudge.is_none() && s.slouch_share() < config.min_slouch_share {
        // A wobble around the threshold, not a sustained slouch: start over.
        s.end_episode();
    }
    let dwell_done = dwell_done && s.slouch_since.is_some();
    if slouching && dwell_done && s.nudge.is_none() && !s.in_cooldown(t, config) {
        let pattern = s.slouch_pattern.unwrap_or(Pattern::ForwardHead);
        let chosen = moves::choose(pattern, Context::AtDesk, s.last_move);
        s.nudge = Some(ActiveNudge {
            pattern,
            move_id: chosen.id,
            shown_at: t,
        });
        s.last_nudge_at = Some(t);
        s.last_move = Some(chosen.id);
        effects.push(Effect::ShowNudge {
            pattern,
            move_id: chosen.id,
        });
    }

    if s.break_due.is_none() && !s.in_call && t - sitting_since >= config.break_interval_s {
        let pattern = s.slouch_pattern.unwrap_or(Pattern::UpperCrossed);
        let chosen = moves::choose(pattern, Context::Break, s.last_move);
        s.break_due = Some(chosen.id);
        s.last_move = Some(chosen.id);
        effects.push(Effect::BreakDue { move_id: chosen.id });
    }

    (s, effects)
}

/// Apply the user's answer at time `t`.
pub fn step_action(
    state: &EngineState,
    action: UserAction,
    t: f64,
    config: &EngineConfig,
) -> (EngineState, Vec<Effect>) {
    let mut s = state.clone();
    let mut effects = Vec::new();
    let mut clear_nudge = |s: &mut EngineState, reason| {
        if s.nudge.take().is_some() {
            effects.push(Effect::ClearNudge { reason });
        }
    };
    match action {
        UserAction::Done => {
            clear_nudge(&mut s, ClearReason::Done);
            s.end_episode();
        }
        UserAction::Snooze => {
            clear_nudge(&mut s, ClearReason::Snoozed);
            s.snoozed_until = Some(t + config.snooze_s);
            s.end_episode();
        }
        UserAction::NotNow => {
            clear_nudge(&mut s, ClearReason::NotNow);
            s.end_episode();
        }
        UserAction::Pause { seconds } => {
            clear_nudge(&mut s, ClearReason::Paused);
            s.end_episode();
            let until = seconds.map(|d| t + d);
            s.paused = Some(until);
            effects.push(Effect::Paused { until });
        }
        UserAction::Resume => {
            if s.paused.take().is_some() {
                effects.push(Effect::Resumed);
            }
        }
        UserAction::BreakTaken => {
            if s.break_due.take().is_some() {
                effects.push(Effect::BreakCleared);
            }
            s.sitting_since = Some(t);
        }
        UserAction::BreakLater => {
            if s.break_due.take().is_some() {
                effects.push(Effect::BreakCleared);
            }
            s.sitting_since = Some(t - config.break_interval_s + config.break_later_s);
        }
        UserAction::InCall(on) => s.in_call = on,
    }
    (s, effects)
}

/// An effect with the time it happened, as written to the event stream.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EffectAt {
    pub t: f64,
    pub effect: Effect,
}

impl EffectAt {
    /// `{"kind": …, "t": …}` plus the effect's own fields.
    pub fn to_json(&self) -> serde_json::Value {
        let t = (self.t * 1e3).round() / 1e3;
        let mut v = serde_json::json!({ "kind": self.effect.kind(), "t": t });
        match self.effect {
            Effect::ShowNudge { pattern, move_id } => {
                v["pattern"] = pattern.as_str().into();
                v["move"] = move_id.into();
            }
            Effect::ClearNudge { reason } => v["reason"] = reason.as_str().into(),
            Effect::BreakDue { move_id } => v["move"] = move_id.into(),
            Effect::Paused { until: Some(until) } => v["until"] = until.into(),
            Effect::Paused { until: None }
            | Effect::BreakCleared
            | Effect::Away
            | Effect::Back
            | Effect::Resumed => {}
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(pattern: Pattern, slouch_level: f32) -> Reading {
        Reading {
            cva_deg: 50.0,
            cva_drop_deg: 5.0 * slouch_level,
            shoulder_angle_deg: 56.0,
            shoulder_drop_deg: 0.0,
            head_pitch_deg: 0.0,
            head_yaw_deg: 0.0,
            head_roll_deg: 0.0,
            lean_deg: 0.0,
            distance_change_pct: 0.0,
            confidence: 1.0,
            pattern,
            slouch_level,
            score: 100.0 - 20.0 * slouch_level,
            costs: Vec::new(),
            measured: true,
        }
    }

    fn upright() -> Reading {
        reading(Pattern::Upright, 0.1)
    }
    fn slouched() -> Reading {
        reading(Pattern::ForwardHead, 2.0)
    }

    /// Feed `r` every half second over [from, to); collect effects with their times.
    fn run(
        s: &mut EngineState,
        r: Option<&Reading>,
        from: f64,
        to: f64,
        cfg: &EngineConfig,
    ) -> Vec<(f64, Effect)> {
        let mut out = Vec::new();
        let mut t = from;
        while t < to - 1e-9 {
            let obs = r.map_or(Observation::NoPerson, Observation::Person);
            let (next, effects) = step(s, obs, t, cfg);
            *s = next;
            out.extend(effects.into_iter().map(|e| (t, e)));
            t += 0.5;
        }
        out
    }

    fn nudges(effects: &[(f64, Effect)]) -> Vec<f64> {
        effects
            .iter()
            .filter(|(_, e)| matches!(e, Effect::ShowNudge { .. }))
            .map(|(t, _)| *t)
            .collect()
    }

    /// The defaults with a 10 s dwell and a 1 s entry, the round numbers the times below use.
    fn cfg() -> EngineConfig {
        EngineConfig {
            enter_s: 1.0,
            ..EngineConfig::default()
        }
        .with_dwell(10.0)
    }

    #[test]
    fn a_slouch_is_nudged_after_enter_plus_dwell_and_not_before() {
        let cfg = cfg();
        let mut s = EngineState::default();
        assert!(run(&mut s, Some(&upright()), 0.0, 5.0, &cfg).is_empty());
        let effects = run(&mut s, Some(&slouched()), 5.0, 30.0, &cfg);
        assert_eq!(
            nudges(&effects),
            vec![16.0],
            "5 s + 1 s to enter + 10 s dwell"
        );
        assert!(matches!(
            effects[0].1,
            Effect::ShowNudge {
                pattern: Pattern::ForwardHead,
                move_id: "chin_tuck"
            }
        ));
        assert_eq!(s.dwell_progress(30.0, &cfg), 1.0);
    }

    #[test]
    fn recovering_clears_the_nudge_after_recover_time() {
        let cfg = cfg();
        let mut s = EngineState::default();
        run(&mut s, Some(&slouched()), 0.0, 20.0, &cfg);
        assert!(s.nudge.is_some());
        let effects = run(&mut s, Some(&upright()), 20.0, 30.0, &cfg);
        assert_eq!(
            effects,
            vec![(
                23.0,
                Effect::ClearNudge {
                    reason: ClearReason::Recovered
                }
            )]
        );
        assert_eq!(s.dwell_progress(30.0, &cfg), 0.0);
    }

    #[test]
    fn a_short_blip_while_recovering_does_not_keep_the_nudge() {
        let cfg = cfg();
        let near = reading(Pattern::Upright, 0.8);
        // Sat up at 20 s, then readings just above the exit level from 22 s until `blip_end`.
        // A 0.5 s blip does not restart the upright clock (cleared 3 s after sitting up); a
        // 1.5 s return does (cleared 3 s after it ends).
        for (blip_end, cleared_at) in [(23.0, 23.0), (23.5, 26.5)] {
            let mut s = EngineState::default();
            run(&mut s, Some(&slouched()), 0.0, 20.0, &cfg);
            assert!(s.nudge.is_some());
            let mut effects = run(&mut s, Some(&upright()), 20.0, 22.0, &cfg);
            effects.extend(run(&mut s, Some(&near), 22.0, blip_end, &cfg));
            effects.extend(run(&mut s, Some(&upright()), blip_end, 30.0, &cfg));
            let cleared = Effect::ClearNudge {
                reason: ClearReason::Recovered,
            };
            assert_eq!(
                effects,
                vec![(cleared_at, cleared)],
                "blip until {blip_end}"
            );
        }
    }

    #[test]
    fn jitter_at_the_threshold_neither_starts_nor_ends_a_slouch() {
        let cfg = cfg();
        // Single slouched frames between upright ones never start an episode.
        let mut s = EngineState::default();
        for i in 0..120 {
            let t = f64::from(i) * 0.5;
            let r = if i % 2 == 0 { slouched() } else { upright() };
            let (next, effects) = step(&s, Observation::Person(&r), t, &cfg);
            s = next;
            assert!(effects.is_empty(), "{effects:?} at {t}");
        }
        assert_eq!(s.slouch_since, None);
        // Once slouching, a level just under the threshold (above the exit level) keeps it.
        let mut s = EngineState::default();
        run(&mut s, Some(&slouched()), 0.0, 3.0, &cfg);
        let since = s.slouch_since;
        assert!(since.is_some());
        let near = reading(Pattern::Upright, 0.8);
        let effects = run(&mut s, Some(&near), 3.0, 6.0, &cfg);
        assert_eq!(s.slouch_since, since);
        assert!(effects.is_empty());
        // ... and the slouch that goes on is nudged on time.
        let effects = run(&mut s, Some(&slouched()), 6.0, 15.0, &cfg);
        assert_eq!(s.slouch_since, since);
        assert_eq!(nudges(&effects).len(), 1);
        // Below the exit level for the recover time, it ends.
        run(
            &mut s,
            Some(&reading(Pattern::Upright, 0.5)),
            15.0,
            19.0,
            &cfg,
        );
        assert_eq!(s.slouch_since, None);
    }

    #[test]
    fn a_wobble_around_the_threshold_with_short_spikes_never_nudges() {
        // What real footage of an upright user looks like: the level hovers near the exit
        // level, with a clear "slouch" spike of a few seconds now and then.
        let cfg = cfg();
        let mut s = EngineState::default();
        let mut all = Vec::new();
        for cycle in 0..10 {
            let t0 = f64::from(cycle) * 30.0;
            all.extend(run(&mut s, Some(&slouched()), t0, t0 + 4.0, &cfg));
            all.extend(run(
                &mut s,
                Some(&reading(Pattern::Upright, 0.8)),
                t0 + 4.0,
                t0 + 30.0,
                &cfg,
            ));
        }
        assert!(nudges(&all).is_empty(), "{all:?}");
    }

    #[test]
    fn glances_are_forgiven_short_and_end_the_episode_long() {
        let cfg = cfg();
        let look = reading(Pattern::LookDown, 2.0);
        // Looking down for a minute never nudges.
        let mut s = EngineState::default();
        assert!(run(&mut s, Some(&look), 0.0, 60.0, &cfg).is_empty());
        // A short glance inside a slouch neither resets nor ends it.
        let mut s = EngineState::default();
        run(&mut s, Some(&slouched()), 0.0, 5.0, &cfg);
        run(&mut s, Some(&look), 5.0, 8.0, &cfg);
        let effects = run(&mut s, Some(&slouched()), 8.0, 12.0, &cfg);
        assert_eq!(nudges(&effects), vec![11.0]);
        // A glance longer than glance_max_s ends the episode.
        let mut s = EngineState::default();
        run(&mut s, Some(&slouched()), 0.0, 5.0, &cfg);
        run(&mut s, Some(&look), 5.0, 5.0 + cfg.glance_max_s + 1.0, &cfg);
        assert_eq!(s.slouch_since, None);
        // Frames that cannot be judged (head turned away) count as glances too.
        let mut s = EngineState::default();
        assert!(
            run(
                &mut s,
                Some(&reading(Pattern::Unknown, 3.0)),
                0.0,
                60.0,
                &cfg
            )
            .is_empty()
        );
    }

    #[test]
    fn cooldown_separates_nudges() {
        let cfg = cfg();
        let mut s = EngineState::default();
        let first = run(&mut s, Some(&slouched()), 0.0, 20.0, &cfg);
        assert_eq!(nudges(&first), vec![11.0]);
        run(&mut s, Some(&upright()), 20.0, 30.0, &cfg);
        // Slouching again within the cooldown: no nudge.
        let again = run(
            &mut s,
            Some(&slouched()),
            30.0,
            11.0 + cfg.cooldown_s - 1.0,
            &cfg,
        );
        assert!(nudges(&again).is_empty());
        // After it, the still-running slouch is nudged, with a different move.
        let later = run(
            &mut s,
            Some(&slouched()),
            11.0 + cfg.cooldown_s - 1.0,
            11.0 + cfg.cooldown_s + 2.0,
            &cfg,
        );
        assert_eq!(nudges(&later), vec![11.0 + cfg.cooldown_s]);
        let moves: Vec<&str> = first
            .iter()
            .chain(later.iter())
            .filter_map(|(_, e)| match e {
                Effect::ShowNudge { move_id, .. } => Some(*move_id),
                _ => None,
            })
            .collect();
        assert_ne!(moves[0], moves[1]);
    }

    #[test]
    fn snooze_done_and_not_now() {
        let cfg = cfg();
        let mut s = EngineState::default();
        run(&mut s, Some(&slouched()), 0.0, 12.0, &cfg);
        let (next, effects) = step_action(&s, UserAction::Snooze, 12.0, &cfg);
        s = next;
        assert_eq!(
            effects,
            vec![Effect::ClearNudge {
                reason: ClearReason::Snoozed
            }]
        );
        let during = run(&mut s, Some(&slouched()), 12.0, 12.0 + cfg.snooze_s, &cfg);
        assert!(nudges(&during).is_empty());
        let after = run(
            &mut s,
            Some(&slouched()),
            12.0 + cfg.snooze_s,
            12.0 + cfg.snooze_s + 12.0,
            &cfg,
        );
        assert_eq!(nudges(&after).len(), 1);

        let (done, effects) = step_action(&s, UserAction::Done, 2000.0, &cfg);
        assert_eq!(
            effects,
            vec![Effect::ClearNudge {
                reason: ClearReason::Done
            }]
        );
        assert_eq!(done.slouch_since, None, "a new dwell is needed after Done");
        let (_, effects) = step_action(&s, UserAction::NotNow, 2000.0, &cfg);
        assert_eq!(
            effects,
            vec![Effect::ClearNudge {
                reason: ClearReason::NotNow
            }]
        );
        // Answers with no card up change nothing visible.
        let (_, effects) = step_action(&EngineState::default(), UserAction::Done, 0.0, &cfg);
        assert!(effects.is_empty());
    }

    #[test]
    fn away_pauses_everything_and_back_carries_on() {
        let cfg = cfg();
        let mut s = EngineState::default();
        run(&mut s, Some(&slouched()), 0.0, 12.0, &cfg);
        assert!(s.nudge.is_some());
        let gone = run(&mut s, None, 12.0, 20.0, &cfg);
        assert_eq!(
            gone,
            vec![
                (17.0, Effect::Away),
                (
                    17.0,
                    Effect::ClearNudge {
                        reason: ClearReason::Away
                    }
                )
            ]
        );
        assert!(s.away && s.slouch_since.is_none());
        // A few frames without a person are not away.
        let mut brief = EngineState::default();
        assert!(run(&mut brief, None, 0.0, 4.5, &cfg).is_empty());
        let back = run(&mut s, Some(&upright()), 20.0, 21.0, &cfg);
        assert_eq!(back, vec![(20.0, Effect::Back)]);
    }

    #[test]
    fn sitting_timer_asks_for_a_break_and_resets_after_two_minutes_away() {
        let cfg = cfg();
        let mut s = EngineState::default();
        let sit = run(&mut s, Some(&upright()), 0.0, 1801.0, &cfg);
        assert_eq!(sit.len(), 1);
        let (t, Effect::BreakDue { move_id }) = sit[0] else {
            panic!("{sit:?}")
        };
        assert_eq!(t, 1800.0);
        assert_eq!(
            moves::by_id(move_id).map(|m| m.setting),
            Some(moves::Setting::Break)
        );
        // Away for two minutes is a break: the card goes and the timer restarts.
        let away = run(&mut s, None, 1801.0, 1801.0 + 121.0, &cfg);
        assert!(away.contains(&(1921.0, Effect::BreakCleared)), "{away:?}");
        run(&mut s, Some(&upright()), 1922.0, 1923.0, &cfg);
        assert_eq!(s.sitting_since, Some(1922.0));
        // A short absence does not reset it.
        let mut s = EngineState::default();
        run(&mut s, Some(&upright()), 0.0, 100.0, &cfg);
        run(&mut s, None, 100.0, 160.0, &cfg);
        run(&mut s, Some(&upright()), 160.0, 161.0, &cfg);
        assert_eq!(s.sitting_since, Some(0.0));
    }

    #[test]
    fn breaks_wait_for_the_call_to_end_and_can_be_postponed() {
        let cfg = cfg();
        let (mut s, _) = step_action(&EngineState::default(), UserAction::InCall(true), 0.0, &cfg);
        assert!(run(&mut s, Some(&upright()), 0.0, 2000.0, &cfg).is_empty());
        (s, _) = step_action(&s, UserAction::InCall(false), 2000.0, &cfg);
        let due = run(&mut s, Some(&upright()), 2000.0, 2001.0, &cfg);
        assert!(matches!(due.as_slice(), [(_, Effect::BreakDue { .. })]));
        let (mut s, effects) = step_action(&s, UserAction::BreakLater, 2001.0, &cfg);
        assert_eq!(effects, vec![Effect::BreakCleared]);
        let again = run(
            &mut s,
            Some(&upright()),
            2001.0,
            2001.0 + cfg.break_later_s + 1.0,
            &cfg,
        );
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].0, 2001.0 + cfg.break_later_s);
        let (s, effects) = step_action(&s, UserAction::BreakTaken, 3000.0, &cfg);
        assert_eq!(effects, vec![Effect::BreakCleared]);
        assert_eq!(s.sitting_since, Some(3000.0));
    }

    #[test]
    fn pause_stops_everything_until_resumed_or_timed_out() {
        let cfg = cfg();
        let mut s = EngineState::default();
        run(&mut s, Some(&slouched()), 0.0, 12.0, &cfg);
        let (next, effects) = step_action(
            &s,
            UserAction::Pause {
                seconds: Some(900.0),
            },
            12.0,
            &cfg,
        );
        s = next;
        assert_eq!(
            effects,
            vec![
                Effect::ClearNudge {
                    reason: ClearReason::Paused
                },
                Effect::Paused { until: Some(912.0) }
            ]
        );
        assert!(run(&mut s, Some(&slouched()), 12.0, 912.0, &cfg).is_empty());
        let resumed = run(&mut s, Some(&slouched()), 912.0, 913.0, &cfg);
        assert_eq!(resumed[0], (912.0, Effect::Resumed));
        let (paused, _) = step_action(&s, UserAction::Pause { seconds: None }, 913.0, &cfg);
        let (resumed, effects) = step_action(&paused, UserAction::Resume, 5000.0, &cfg);
        assert_eq!(effects, vec![Effect::Resumed]);
        assert_eq!(resumed.paused, None);
    }

    #[test]
    fn the_defaults_are_a_minute_of_dwell_after_two_seconds_of_slouch() {
        assert_eq!(EngineConfig::default().dwell_s, 60.0);
        assert_eq!(EngineConfig::default().enter_s, 2.0);
        assert_eq!(EngineConfig::default().with_dwell(15.0).dwell_s, 15.0);
    }

    #[test]
    fn events_serialise_with_kind_and_time() {
        let e = EffectAt {
            t: 27.0004,
            effect: Effect::ShowNudge {
                pattern: Pattern::UpperCrossed,
                move_id: "chin_tuck",
            },
        };
        assert_eq!(
            e.to_json(),
            serde_json::json!({"kind": "nudge", "t": 27.0, "pattern": "upper_crossed", "move": "chin_tuck"})
        );
    }
}
