//! The overlay's keyboard shortcuts (while it has focus): D, S, N answer a nudge; P pauses or
//! resumes; C recalibrates; H opens the history; comma opens the settings.

use eframe::egui;
use egui::Key;

use super::view::UiAction;
use crate::coach::UserAction;
use crate::live::Snapshot;

/// How long P pauses.
const PAUSE_S: f64 = 15.0 * 60.0;

/// The action of a shortcut pressed this frame, if any.
pub fn pressed(ctx: &egui::Context, snapshot: &Snapshot) -> Option<UiAction> {
    let pressed = |key| ctx.input(|i| i.key_pressed(key) && i.modifiers.is_none());
    let card = snapshot.nudge.is_some();
    if card && pressed(Key::D) {
        return Some(UiAction::Act(UserAction::Done));
    }
    if card && pressed(Key::S) {
        return Some(UiAction::Act(UserAction::Snooze));
    }
    if card && pressed(Key::N) {
        return Some(UiAction::Act(UserAction::NotNow));
    }
    if pressed(Key::P) {
        return Some(UiAction::Act(if snapshot.paused.is_some() {
            UserAction::Resume
        } else {
            UserAction::Pause {
                seconds: Some(PAUSE_S),
            }
        }));
    }
    if pressed(Key::C) {
        return Some(UiAction::Recalibrate);
    }
    if pressed(Key::H) {
        return Some(UiAction::OpenHistory);
    }
    if pressed(Key::Comma) {
        return Some(UiAction::OpenSettings);
    }
    None
}
