//! The settings panel: edits a copy of the settings with a widget per setting made from the
//! settings table (its label, range and unit); Save writes the keys that changed into the
//! user's file (and the autostart entry) and applies what can change while running.

use eframe::egui;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use egui::{RichText, Ui};

use crate::capture::camera::DeviceInfo;
use crate::config::table::{self, Choice, Named, Number, Numeric, Switch};
use crate::config::{self, Settings};

/// What the user decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Save(Box<Settings>),
    Cancel,
}

/// The panel's state: the draft being edited, and the cameras to choose from.
#[derive(Debug, Clone)]
pub struct SettingsPanel {
    draft: Settings,
    cameras: Vec<DeviceInfo>,
    /// The cameras, once a thread has listed them (listing can take a while on some systems,
    /// and the UI thread never waits).
    looking: Option<Arc<OnceLock<Vec<DeviceInfo>>>>,
}

/// A slider for a number setting: its label in the grid, its range, its unit.
fn number<T: Numeric + egui::emath::Numeric>(
    ui: &mut Ui,
    spec: &Number<T>,
    value: &mut T,
    logarithmic: bool,
) {
    let label = ui.label(spec.label);
    let mut slider = egui::Slider::new(value, spec.range()).logarithmic(logarithmic);
    if !spec.unit.is_empty() {
        slider = slider.suffix(format!(" {}", spec.unit));
    }
    ui.add(slider).on_hover_text(spec.doc).labelled_by(label.id);
    ui.end_row();
}

/// A drop-down for a choice setting.
fn choice<T: Named>(ui: &mut Ui, spec: &Choice<T>, value: &mut T) {
    let label = ui.label(spec.label);
    egui::ComboBox::from_id_salt(spec.key)
        .selected_text(value.label())
        .show_ui(ui, |ui| {
            for option in spec.options {
                ui.selectable_value(value, *option, option.label());
            }
        })
        .response
        .on_hover_text(spec.doc)
        .labelled_by(label.id);
}

fn switch(ui: &mut Ui, spec: &Switch, value: &mut bool) {
    ui.checkbox(value, spec.label).on_hover_text(spec.doc);
}

impl SettingsPanel {
    /// The panel for `current`; a thread lists the cameras meanwhile and repaints `ctx` when
    /// they are known.
    pub fn new(current: Settings, ctx: &egui::Context) -> SettingsPanel {
        let found = Arc::new(OnceLock::new());
        let (tell, ctx) = (Arc::clone(&found), ctx.clone());
        let listing = std::thread::Builder::new()
            .name("sitwell-cameras".into())
            .spawn(move || {
                let devices = crate::capture::camera::list_devices().unwrap_or_else(|e| {
                    tracing::warn!("cannot list the cameras: {e}");
                    Vec::new()
                });
                let _ = tell.set(crate::capture::camera::usable(devices));
                ctx.request_repaint();
            });
        if let Err(e) = listing {
            tracing::warn!("cannot start listing the cameras: {e}");
        }
        SettingsPanel {
            looking: Some(found),
            ..SettingsPanel::with_cameras(current, Vec::new())
        }
    }

    /// The panel with a given list of cameras (tests, or a list made elsewhere).
    pub fn with_cameras(current: Settings, cameras: Vec<DeviceInfo>) -> SettingsPanel {
        SettingsPanel {
            draft: current,
            cameras,
            looking: None,
        }
    }

    pub fn show(&mut self, ui: &mut Ui) -> Option<Outcome> {
        if let Some(found) = self.looking.as_ref().and_then(|l| l.get()) {
            self.cameras = found.clone();
            self.looking = None;
        }
        let looking = self.looking.is_some();
        let d = &mut self.draft;
        let mut outcome = None;
        ui.label(RichText::new("Settings").size(16.0).strong());
        egui::Grid::new("settings")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                // Each control is labelled by its grid label, for screen readers (AccessKit).
                let label = ui.label(table::CAMERA.label);
                if self.cameras.is_empty() {
                    ui.text_edit_singleline(&mut d.camera)
                        .labelled_by(label.id)
                        .on_hover_text(if looking {
                            format!("Looking for cameras… {}", table::CAMERA.doc)
                        } else {
                            format!("No camera found now. {}", table::CAMERA.doc)
                        });
                } else {
                    let chosen = self
                        .cameras
                        .iter()
                        .find(|c| c.index == d.camera || c.name == d.camera)
                        .map_or_else(|| d.camera.clone(), |c| c.name.clone());
                    egui::ComboBox::from_id_salt(table::CAMERA.key)
                        .selected_text(chosen)
                        .width(200.0)
                        .show_ui(ui, |ui| {
                            for camera in &self.cameras {
                                ui.selectable_value(
                                    &mut d.camera,
                                    camera.index.clone(),
                                    camera.name.as_str(),
                                );
                            }
                        })
                        .response
                        .labelled_by(label.id);
                }
                ui.end_row();
                choice(ui, &table::MODEL, &mut d.model);
                ui.end_row();
                number(ui, &table::DWELL_S, &mut d.dwell_s, false);
                number(ui, &table::SENSITIVITY, &mut d.sensitivity, true);
                number(ui, &table::COOLDOWN_MIN, &mut d.cooldown_min, false);
                number(
                    ui,
                    &table::BREAK_INTERVAL_MIN,
                    &mut d.break_interval_min,
                    false,
                );
                number(ui, &table::OVERLAY_OPACITY, &mut d.overlay_opacity, false);
            });
        switch(ui, &table::CLICK_THROUGH, &mut d.click_through);
        switch(ui, &table::NOTIFICATIONS, &mut d.notifications);
        switch(ui, &table::DETECT_CALLS, &mut d.detect_calls);
        ui.horizontal(|ui| choice(ui, &table::CALL_LOOK, &mut d.call_look));
        switch(ui, &table::BATTERY_SAVER, &mut d.battery_saver);
        switch(ui, &table::START_PAUSED, &mut d.start_paused);
        switch(ui, &table::START_AT_LOGIN, &mut d.start_at_login);
        ui.label(
            RichText::new("Camera and model change at once; call detection at the next start.")
                .small()
                .weak(),
        );
        let valid = d.validate();
        if let Err(message) = &valid {
            ui.label(
                RichText::new(message)
                    .small()
                    .color(ui.visuals().warn_fg_color),
            );
        }
        ui.horizontal(|ui| {
            if ui
                .add_enabled(valid.is_ok(), egui::Button::new("Save"))
                .clicked()
            {
                outcome = Some(Outcome::Save(Box::new(self.draft.clone())));
            }
            if ui.button("Cancel").clicked() {
                outcome = Some(Outcome::Cancel);
            }
        });
        outcome
    }
}

/// Whether saving `new` over `old` needs the pipeline started again (another camera or model).
pub fn needs_restart(old: &Settings, new: &Settings) -> bool {
    old.camera != new.camera || old.model != new.model
}

/// Saves the change from `before` to `after` (only the keys that changed, into the file as
/// the user left it) and the autostart entry; the message says what failed.
pub fn save(before: &Settings, after: &Settings, path: Option<&Path>) -> Result<(), String> {
    let path = path.ok_or_else(|| config::SaveError::NoPath.to_string())?;
    config::file::save_changes(path, before, after).map_err(|e| e.to_string())?;
    if before.start_at_login != after.start_at_login {
        let exe =
            std::env::current_exe().map_err(|e| format!("cannot tell which program runs: {e}"))?;
        crate::platform::autostart::set(after.start_at_login, &exe)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_camera_or_model_restarts_the_pipeline_and_the_rest_does_not() {
        let old = Settings::default();
        let mut new = old.clone();
        new.dwell_s = 120.0;
        assert!(!needs_restart(&old, &new));
        new.camera = "2".into();
        assert!(needs_restart(&old, &new));
        let mut full = old.clone();
        full.model = crate::pose::LandmarkModel::Full;
        assert!(needs_restart(&old, &full));
    }

    #[test]
    fn the_cameras_are_listed_off_the_ui_thread_and_shown_when_known() {
        let ctx = egui::Context::default();
        let mut panel = SettingsPanel::new(Settings::default(), &ctx);
        let found = panel.looking.clone().expect("a listing under way");
        let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while found.get().is_none() {
            assert!(std::time::Instant::now() < until, "the listing never ended");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            panel.show(ui);
        });
        output.textures_delta.clear();
        assert!(panel.looking.is_none());
        assert_eq!(Some(&panel.cameras), found.get());
    }
}
