//! One time line of judging: pose → sighting → cues (in the calibrated camera's level view) →
//! reading → smoothed score → engine effects.
//!
//! This is the chain `analyze --baseline` runs over a file and the live pipeline runs on its
//! inference thread; it holds no thread, window or camera, only the state that carries from
//! one frame to the next (the score smoother and the engine state).

use crate::coach::{self, EffectAt, EngineConfig, EngineState, Observation};
use crate::pose::Pose;
use crate::posture::{
    Baseline, BaselineError, Cues, JudgeConfig, Reading, ScoreSmoother, Sighting, SourceTag,
};

/// What one frame produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    /// None when there is no person; an unmeasured `unknown` reading when the person cannot
    /// be judged this frame.
    pub reading: Option<Reading>,
    /// The score smoothed over time (None without a measured reading).
    pub score: Option<f32>,
    pub effects: Vec<EffectAt>,
}

/// Judge + engine for one time line.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub baseline: Baseline,
    pub judge: JudgeConfig,
    pub engine_config: EngineConfig,
    pub engine: EngineState,
    smoother: ScoreSmoother,
}

impl Timeline {
    pub fn new(baseline: Baseline, judge: JudgeConfig, engine_config: EngineConfig) -> Timeline {
        Timeline {
            baseline,
            judge,
            engine_config,
            engine: EngineState::default(),
            smoother: ScoreSmoother::default(),
        }
    }

    /// Refuse frames that do not belong to the baseline's camera and resolution.
    pub fn check_source(&self, source: &SourceTag) -> Result<(), BaselineError> {
        self.baseline.check_source(source)
    }

    /// Judge the frame at `t_s` (a `width` × `height` picture) and advance the engine.
    pub fn observe(&mut self, pose: Option<&Pose>, width: u32, height: u32, t_s: f64) -> Judged {
        let reading = pose.map(|p| {
            match Cues::measure(&Sighting::of(p, width, height), &self.baseline.camera) {
                Some(cues) => crate::posture::judge(&cues, &self.baseline, &self.judge),
                None => Reading::unmeasured(),
            }
        });
        let observation = match &reading {
            Some(r) => Observation::Person(r),
            None => Observation::NoPerson,
        };
        let (engine, effects) = coach::step(&self.engine, observation, t_s, &self.engine_config);
        self.engine = engine;
        let score = match &reading {
            Some(r) if r.measured => Some(self.smoother.update(t_s, r.score)),
            _ => None,
        };
        Judged {
            reading,
            score,
            effects: effects
                .into_iter()
                .map(|effect| EffectAt { t: t_s, effect })
                .collect(),
        }
    }

    /// Apply the user's answer (Done, Snooze, Pause, ...) at `t_s`.
    pub fn act(&mut self, action: coach::UserAction, t_s: f64) -> Vec<EffectAt> {
        let (engine, effects) = coach::step_action(&self.engine, action, t_s, &self.engine_config);
        self.engine = engine;
        effects
            .into_iter()
            .map(|effect| EffectAt { t: t_s, effect })
            .collect()
    }

    /// Let time pass without a frame, as while paused with the camera off: a timed pause
    /// ends on time. Does nothing unless paused.
    pub fn tick(&mut self, t_s: f64) -> Vec<EffectAt> {
        if self.engine.paused.is_none() {
            return Vec::new();
        }
        self.observe(None, 0, 0, t_s).effects
    }
}
