//! Where the overlay was left, so it opens there again (`window.json` in the data directory).

use eframe::egui;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WindowState {
    /// Top-left corner of the overlay in screen points.
    pub position: Option<[f32; 2]>,
    #[serde(skip)]
    dirty: bool,
}

fn path() -> Option<PathBuf> {
    crate::files::data_dir().map(|dir| dir.join("window.json"))
}

impl WindowState {
    /// The remembered state; nothing (the default corner) if there is none or it is unreadable.
    pub fn load() -> WindowState {
        path()
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default()
    }

    /// Where the overlay opens: where it was left, or near the top-left corner the first time.
    /// (Whether that spot is still on a monitor is checked once the window is open and the
    /// display's scale is known: [`super::desktop::clamp_to_monitors`].)
    pub fn opening_position(&self) -> egui::Pos2 {
        let [x, y] = self.position.unwrap_or([24.0, 24.0]);
        egui::pos2(x, y)
    }

    pub fn remember(&mut self, top_left: egui::Pos2) {
        let position = Some([top_left.x.round(), top_left.y.round()]);
        if self.position != position {
            self.position = position;
            self.dirty = true;
        }
    }

    /// Writes the state if it changed; failures are only logged (it is a convenience).
    pub fn save(&self) {
        let (Some(path), true) = (path(), self.dirty) else {
            return;
        };
        let written = crate::files::write_atomic(
            &path,
            serde_json::to_string(self).unwrap_or_default().as_bytes(),
        );
        if let Err(e) = written {
            tracing::debug!("cannot remember the window position: {e}");
        }
    }
}
