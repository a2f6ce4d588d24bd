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
    /// A look-down whose head has come this far forward (forward level ≥ 1) is forgiven as a
    /// glance for this long; a head bowed longer is the forward-head slouch it has become.
    pub bowed_head_after_s: f64,
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

/// How long a bowed head is forgiven as a glance (a message read on the phone, a look at the
/// keyboard); see [`EngineConfig::bowed_head_after_s`].
pub const BOWED_HEAD_AFTER_S: f64 = 30.0;
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
            bowed_head_after_s: BOWED_HEAD_AFTER_S,
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
    /// The current bowed head (a look-down with the head come forward): its first frame and
    /// the last frame that still showed it.
    bowed: Option<(f64, f64)>,
    /// First frame of a slouch of the other kind (forward, sideways) than the episode's.
    other_kind_since: Option<f64>,
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

    /// Ends the episode and forgets a bowed head: after an answer, a pause or going away, the
    /// glance's grace starts afresh.
    fn start_over(&mut self) {
        self.end_episode();
        self.bowed = None;
    }

    /// Takes the card off, if one is shown, saying why.
    fn clear_nudge(&mut self, reason: ClearReason, effects: &mut Vec<Effect>) {
        if self.nudge.take().is_some() {
            effects.push(Effect::ClearNudge { reason });
        }
    }

    fn end_episode(&mut self) {
        self.other_kind_since = None;
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

    /// The reading's pattern, but a look-down held past `bowed_head_after_s` with the head come
    /// forward (forward level ≥ 1) is a forward head. Frames that cannot be judged (a head
    /// bowed so far the face is lost) neither start nor stop the bowed head's clock for up to
    /// `glance_max_s`; any other pattern stops it.
    fn glance_or_bowed_head(
        &mut self,
        reading: &Reading,
        t: f64,
        config: &EngineConfig,
    ) -> Pattern {
        match reading.pattern {
            Pattern::LookDown if reading.forward_level >= 1.0 => {
                let since = self.bowed.map_or(t, |(since, _)| since);
                self.bowed = Some((since, t));
                if t - since >= config.bowed_head_after_s {
                    Pattern::ForwardHead
                } else {
                    Pattern::LookDown
                }
            }
            Pattern::Unknown => {
                if self
                    .bowed
                    .is_some_and(|(_, last)| t - last > config.glance_max_s)
                {
                    self.bowed = None;
                }
                Pattern::Unknown
            }
            pattern => {
                self.bowed = None;
                pattern
            }
        }
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
                s.start_over();
                effects.push(Effect::Away);
                s.clear_nudge(ClearReason::Away, &mut effects);
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

    let pattern = s.glance_or_bowed_head(reading, t, config);
    // A slouch of the other kind (forward, sideways) that lasts `enter_s` ends the episode, and
    // its card, and starts its own: a head tilted while talking does not carry on a forward
    // head's dwell, nor the other way round.
    let mut switch_pending = false;
    if pattern.is_slouch()
        && s.slouch_pattern
            .is_some_and(|p| p.is_side_slouch() != pattern.is_side_slouch())
    {
        let since = *s.other_kind_since.get_or_insert(t);
        if t - since >= config.enter_s {
            s.end_episode();
            s.clear_nudge(ClearReason::Recovered, &mut effects);
            s.slouch_candidate_since = Some(since);
        } else {
            switch_pending = true;
        }
    } else {
        s.other_kind_since = None;
    }
    let in_episode = s.slouch_since.is_some();
    // A slouch of the other kind not yet lasting `enter_s` is like a glance: it neither carries
    // the episode on nor ends it.
    let glance = matches!(pattern, Pattern::LookDown | Pattern::Unknown) || switch_pending;
    // Hysteresis: entering needs level ≥ 1 (a slouch pattern); staying needs the episode's own
    // kind of level ≥ exit_level.
    let episode_level = match s.slouch_pattern {
        Some(p) if p.is_side_slouch() => reading.side_level,
        Some(_) => reading.forward_level,
        None => reading.slouch_level,
    };
    let slouching = (pattern.is_slouch() && !switch_pending)
        || (in_episode && !glance && episode_level >= config.exit_level);

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
            s.clear_nudge(ClearReason::Recovered, &mut effects);
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
    match action {
        UserAction::Done => {
            s.clear_nudge(ClearReason::Done, &mut effects);
            s.start_over();
        }
        UserAction::Snooze => {
            s.clear_nudge(ClearReason::Snoozed, &mut effects);
            s.snoozed_until = Some(t + config.snooze_s);
            s.start_over();
        }
        UserAction::NotNow => {
            s.clear_nudge(ClearReason::NotNow, &mut effects);
            s.start_over();
        }
        UserAction::Pause { seconds } => {
            s.clear_nudge(ClearReason::Paused, &mut effects);
            s.start_over();
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
mod tests;
