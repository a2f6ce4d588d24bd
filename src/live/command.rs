//! What the pipeline is told from outside: the UI's commands, and the news of the desk's and
//! the call detector's watchers, which arrive the same way.

use crate::coach::{EngineConfig, UserAction};
use crate::posture::{CameraPlace, JudgeConfig};

/// What the UI asks of the pipeline.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// The user answered a card, paused, resumed, or toggled "in a call".
    Act(UserAction),
    /// Measure the upright posture again.
    Recalibrate,
    /// The user said where the camera is: calibrate again for it.
    CameraPlace(CameraPlace),
    /// New settings from the settings panel: they apply from the next frame.
    Configure {
        judge: JudgeConfig,
        engine: EngineConfig,
    },
    /// A call started or ended by itself (another program recording from the microphone).
    CallDetected(CallChange),
    /// The screen locked or unlocked, the machine sleeping or woken, the user's idle time.
    Desk(DeskChange),
    /// Stop both threads.
    Shutdown,
}

/// A change of the call state.
#[derive(Debug, Clone, PartialEq)]
pub struct CallChange {
    pub on: bool,
    /// The program recording (when a call starts).
    pub by: Option<String>,
}

/// What the desk says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DeskChange {
    /// The screen was locked (or the screensaver came on) or unlocked.
    Locked(bool),
    /// The machine is about to sleep (true) or has woken (false).
    Sleeping(bool),
    /// Seconds since the user's last keyboard or mouse input.
    InputIdle(f64),
    /// The machine runs on its battery (true) or on mains power (false).
    OnBattery(bool),
}
