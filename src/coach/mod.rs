//! The pipeline's fourth part, *coach*: when to nudge ([`engine`], a pure state machine) and
//! what to suggest ([`moves`], the catalogue of corrective moves with its safety note).

pub mod engine;
pub mod moves;

pub use engine::{
    ActiveNudge, ClearReason, Effect, EffectAt, EngineConfig, EngineState, Observation, UserAction,
    step, step_action,
};
pub use moves::{CATALOGUE, Move, SAFETY_NOTE, Setting};
