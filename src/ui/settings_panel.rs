//! The settings panel: edits a copy of the settings; Save writes the TOML file (and the
//! autostart entry) and applies what can change while running.

use eframe::egui;
use std::path::Path;

use egui::{RichText, Ui};

use crate::capture::camera::DeviceInfo;
use crate::settings::{self, Settings};

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
}

/// The cameras worth offering: those the system lists, without infrared ones (a laptop's
/// face-unlock sensor shows a dim grey picture nobody can be judged on).
pub fn usable_cameras(found: Vec<DeviceInfo>) -> Vec<DeviceInfo> {
    found.into_iter().filter(|d| !is_infrared(d)).collect()
}

fn is_infrared(device: &DeviceInfo) -> bool {
    let name = device.name.to_lowercase();
    name.contains("infrared")
        || name
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "ir")
}

impl SettingsPanel {
    /// The panel for `current`, with the cameras found now.
    pub fn new(current: Settings) -> SettingsPanel {
        let found = crate::capture::camera::list_devices().unwrap_or_else(|e| {
            tracing::warn!("cannot list the cameras: {e}");
            Vec::new()
        });
        SettingsPanel::with_cameras(current, usable_cameras(found))
    }

    /// The panel with a given list of cameras (tests, or a list made elsewhere).
    pub fn with_cameras(current: Settings, cameras: Vec<DeviceInfo>) -> SettingsPanel {
        SettingsPanel {
            draft: current,
            cameras,
        }
    }

    pub fn show(&mut self, ui: &mut Ui) -> Option<Outcome> {
        let d = &mut self.draft;
        let mut outcome = None;
        ui.label(RichText::new("Settings").size(16.0).strong());
        egui::Grid::new("settings")
            .num_columns(2)
            .spacing([8.0, 6.0])
            .show(ui, |ui| {
                // Each control is labelled by its grid label, for screen readers (AccessKit).
                let label = ui.label("Camera");
                if self.cameras.is_empty() {
                    ui.text_edit_singleline(&mut d.camera)
                        .labelled_by(label.id)
                        .on_hover_text(
                            "No camera found now. Index (0, 1, …) or part of the name; \
                             see `sitwell devices`",
                        );
                } else {
                    let chosen = self
                        .cameras
                        .iter()
                        .find(|c| c.index == d.camera || c.name == d.camera)
                        .map_or_else(|| d.camera.clone(), |c| c.name.clone());
                    egui::ComboBox::from_id_salt("camera")
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
                let label = ui.label("Model");
                egui::ComboBox::from_id_salt("model")
                    .selected_text(d.model.clone())
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut d.model, "lite".to_owned(), "lite (lighter)");
                        ui.selectable_value(&mut d.model, "full".to_owned(), "full");
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Nudge after");
                ui.add(egui::Slider::new(&mut d.dwell_s, 10.0..=600.0).suffix(" s"))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Strictness");
                ui.add(egui::Slider::new(&mut d.sensitivity, 0.25..=4.0).logarithmic(true))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Between nudges");
                ui.add(egui::Slider::new(&mut d.cooldown_min, 1.0..=240.0).suffix(" min"))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Break every");
                ui.add(egui::Slider::new(&mut d.break_interval_min, 10.0..=240.0).suffix(" min"))
                    .labelled_by(label.id);
                ui.end_row();
                let label = ui.label("Opacity");
                ui.add(egui::Slider::new(&mut d.overlay_opacity, 0.3..=1.0))
                    .labelled_by(label.id);
                ui.end_row();
            });
        ui.checkbox(&mut d.click_through, "Clicks pass through the panel")
            .on_hover_text("Cards still take clicks; the menu is then in the tray icon (where the desktop shows one), or set click_through = false in settings.toml");
        ui.checkbox(
            &mut d.notifications,
            "Desktop notifications (never during calls)",
        );
        ui.checkbox(
            &mut d.detect_calls,
            "Notice calls (another app using the microphone)",
        );
        ui.horizontal(|ui| {
            let label = ui.label("In a call, show");
            egui::ComboBox::from_id_salt("call_look")
                .selected_text(d.call_look.label())
                .show_ui(ui, |ui| {
                    for look in crate::settings::CallLook::ALL {
                        ui.selectable_value(&mut d.call_look, look, look.label());
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.checkbox(&mut d.start_paused, "Start paused (camera off)");
        ui.checkbox(&mut d.start_at_login, "Start at login");
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

/// Writes the settings and the autostart entry; the message says what failed.
pub fn apply(settings: &Settings, path: Option<&Path>) -> Result<(), String> {
    let path = path.ok_or("no settings file location (HOME is not set)")?;
    settings.save(path).map_err(|e| e.to_string())?;
    if let (Some(entry), Ok(exe)) = (settings::autostart_path(), std::env::current_exe()) {
        settings::apply_autostart(settings.start_at_login, &entry, &exe)
            .map_err(|e| format!("cannot update {}: {e}", entry.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(index: &str, name: &str) -> DeviceInfo {
        DeviceInfo {
            index: index.into(),
            name: name.into(),
            description: String::new(),
        }
    }

    #[test]
    fn infrared_cameras_are_not_offered() {
        let found = vec![
            device("0", "Integrated Camera: Integrated C"),
            device("2", "Integrated Camera: Integrated I"),
            device("4", "Integrated IR Camera"),
            device("6", "Infrared Camera"),
            device("8", "HD Pro Webcam C920"),
            // "ir" only as part of a word: kept.
            device("10", "Firewire Cam"),
        ];
        let names: Vec<String> = usable_cameras(found).into_iter().map(|d| d.name).collect();
        assert_eq!(
            names,
            [
                "Integrated Camera: Integrated C",
                "Integrated Camera: Integrated I",
                "HD Pro Webcam C920",
                "Firewire Cam"
            ]
        );
    }

    #[test]
    fn another_camera_or_model_restarts_the_pipeline_and_the_rest_does_not() {
        let old = Settings::default();
        let mut new = old.clone();
        new.dwell_s = 120.0;
        assert!(!needs_restart(&old, &new));
        new.camera = "2".into();
        assert!(needs_restart(&old, &new));
        let mut full = old.clone();
        full.model = "full".into();
        assert!(needs_restart(&old, &full));
    }
}
