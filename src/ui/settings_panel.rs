//! The settings panel: edits a copy of the settings; Save writes the TOML file (and the
//! autostart entry) and applies what can change while running.

use eframe::egui;
use std::path::Path;

use egui::{RichText, Ui};

use crate::settings::{self, Settings};

/// What the user decided.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Save(Box<Settings>),
    Cancel,
}

/// The panel's state: the draft being edited.
#[derive(Debug, Clone)]
pub struct SettingsPanel {
    draft: Settings,
}

impl SettingsPanel {
    pub fn new(current: Settings) -> SettingsPanel {
        SettingsPanel { draft: current }
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
                ui.text_edit_singleline(&mut d.camera)
                    .labelled_by(label.id)
                    .on_hover_text("Index (0, 1, …) or part of the name; see `sitwell devices`");
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
            RichText::new("Camera, model and call detection apply at the next start.")
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
