//! User settings: a TOML file in the XDG config directory, written by the settings panel and
//! overridden by command-line flags. A broken file never stops Sitwell: it runs on defaults,
//! says which line is wrong, and leaves the file as it is.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::coach::EngineConfig;
use crate::coach::engine::DWELL_RANGE_S;
use crate::files;
use crate::pose::LandmarkModel;
use crate::posture::JudgeConfig;

/// Allowed judge sensitivity (2 flags half the deviation, 0.5 twice it).
pub const SENSITIVITY_RANGE: std::ops::RangeInclusive<f32> = 0.25..=4.0;

/// Everything a user can set. Missing keys take their defaults, so a file with one line works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Camera index (`"0"`) or part of its name (`"Logitech"`).
    pub camera: String,
    /// Where the camera is: `"laptop"`, `"monitor"` (on top of one) or `"other"`; asked in the
    /// calibration view.
    pub camera_place: crate::posture::CameraPlace,
    /// Landmark model: `"lite"` (lighter) or `"full"`.
    pub model: String,
    /// Seconds a slouch lasts before a nudge (10–600).
    pub dwell_s: f64,
    /// How strict the judge is (0.25–4; 1 is the validated default).
    pub sensitivity: f32,
    /// Minutes between two nudges.
    pub cooldown_min: f64,
    /// Minutes of continuous sitting before a movement break is suggested.
    pub break_interval_min: f64,
    /// Opacity of the overlay panel, 0.3–1.
    pub overlay_opacity: f32,
    /// Let clicks pass through the overlay to the window below (cards still take clicks).
    pub click_through: bool,
    /// Also show nudges and breaks as desktop notifications.
    pub notifications: bool,
    /// Switch "in a call" on by itself while another program records from the microphone.
    pub detect_calls: bool,
    /// What the panel shows during a call (colleagues may see the screen): the whole panel,
    /// a small neutral dot, or nothing.
    pub call_look: CallLook,
    /// Start with monitoring paused (camera off) until resumed.
    pub start_paused: bool,
    /// Start Sitwell when you log in (an autostart entry in `~/.config/autostart`).
    pub start_at_login: bool,
    /// Keep a posture history (10-s aggregates, never pictures) for the dashboard and reports.
    pub history: bool,
    /// Days of history kept (1–3650).
    pub history_days: u32,
}

impl Default for Settings {
    fn default() -> Self {
        let engine = EngineConfig::default();
        Settings {
            camera: "0".into(),
            camera_place: crate::posture::CameraPlace::default(),
            model: "lite".into(),
            dwell_s: engine.dwell_s,
            sensitivity: 1.0,
            cooldown_min: engine.cooldown_s / 60.0,
            break_interval_min: engine.break_interval_s / 60.0,
            overlay_opacity: 0.92,
            click_through: false,
            notifications: true,
            detect_calls: true,
            call_look: CallLook::Dot,
            start_paused: false,
            start_at_login: false,
            history: true,
            history_days: crate::history::DEFAULT_RETENTION_DAYS,
        }
    }
}

/// What the overlay shows while the user is in a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallLook {
    /// The panel as ever.
    Full,
    /// A small grey dot: no score, no words; a click opens the panel.
    #[default]
    Dot,
    /// Nothing (the tray icon stays).
    Hidden,
}

impl CallLook {
    pub const ALL: [CallLook; 3] = [CallLook::Full, CallLook::Dot, CallLook::Hidden];

    pub fn label(self) -> &'static str {
        match self {
            CallLook::Full => "the panel",
            CallLook::Dot => "a small dot",
            CallLook::Hidden => "nothing",
        }
    }
}

/// A settings file that could not be used, with the place to look.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read settings {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("settings {path}, line {line}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("settings {path}: {message}")]
    Value { path: PathBuf, message: String },
    #[error("cannot write settings {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
}

/// The result of reading the settings: what to run with, and what to tell the user.
#[derive(Debug)]
pub struct Loaded {
    pub settings: Settings,
    /// Set when the file was broken and defaults are in use (the file is left untouched).
    pub problem: Option<SettingsError>,
}

impl Settings {
    /// Reads `path`; a missing file gives the defaults quietly, a broken one gives the defaults
    /// and the reason.
    pub fn load_or_default(path: &Path) -> Loaded {
        match Settings::load(path) {
            Ok(settings) => Loaded {
                settings: settings.unwrap_or_default(),
                problem: None,
            },
            Err(problem) => Loaded {
                settings: Settings::default(),
                problem: Some(problem),
            },
        }
    }

    /// Reads `path`: `Ok(None)` when there is no such file.
    pub fn load(path: &Path) -> Result<Option<Settings>, SettingsError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(cause) => {
                return Err(SettingsError::Read {
                    path: path.to_path_buf(),
                    cause,
                });
            }
        };
        let settings: Settings = toml::from_str(&text).map_err(|e| {
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].lines().count().max(1))
                .unwrap_or(1);
            SettingsError::Syntax {
                path: path.to_path_buf(),
                line,
                message: e.message().trim().to_owned(),
            }
        })?;
        settings
            .validate()
            .map_err(|message| SettingsError::Value {
                path: path.to_path_buf(),
                message,
            })?;
        Ok(Some(settings))
    }

    /// Checks ranges; the message names the key.
    pub fn validate(&self) -> Result<(), String> {
        if self.landmark_model().is_none() {
            return Err(format!(
                "model = \"{}\": use \"lite\" or \"full\"",
                self.model
            ));
        }
        if !DWELL_RANGE_S.contains(&self.dwell_s) {
            return Err(format!(
                "dwell_s = {}: must be between 10 and 600 seconds",
                self.dwell_s
            ));
        }
        if !SENSITIVITY_RANGE.contains(&self.sensitivity) {
            return Err(format!(
                "sensitivity = {}: must be between 0.25 and 4",
                self.sensitivity
            ));
        }
        if !(1.0..=240.0).contains(&self.cooldown_min) {
            return Err(format!(
                "cooldown_min = {}: must be between 1 and 240 minutes",
                self.cooldown_min
            ));
        }
        if !(10.0..=240.0).contains(&self.break_interval_min) {
            return Err(format!(
                "break_interval_min = {}: must be between 10 and 240 minutes",
                self.break_interval_min
            ));
        }
        if !(1..=3650).contains(&self.history_days) {
            return Err(format!(
                "history_days = {}: must be between 1 and 3650 days",
                self.history_days
            ));
        }
        if !(0.3..=1.0).contains(&self.overlay_opacity) {
            return Err(format!(
                "overlay_opacity = {}: must be between 0.3 and 1",
                self.overlay_opacity
            ));
        }
        Ok(())
    }

    /// Writes the file atomically (a temporary file renamed over it).
    pub fn save(&self, path: &Path) -> Result<(), SettingsError> {
        let write_err = |cause| SettingsError::Write {
            path: path.to_path_buf(),
            cause,
        };
        let body = toml::to_string(self).map_err(|e| write_err(std::io::Error::other(e)))?;
        let text =
            format!("# Sitwell settings (written by the settings panel; edit freely)\n{body}");
        crate::files::write_atomic(path, text.as_bytes()).map_err(write_err)
    }

    pub fn landmark_model(&self) -> Option<LandmarkModel> {
        match self.model.as_str() {
            "lite" => Some(LandmarkModel::Lite),
            "full" => Some(LandmarkModel::Full),
            _ => None,
        }
    }

    pub fn judge_config(&self) -> JudgeConfig {
        JudgeConfig {
            sensitivity: self.sensitivity,
            ..JudgeConfig::default()
        }
    }

    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig {
            cooldown_s: self.cooldown_min * 60.0,
            break_interval_s: self.break_interval_min * 60.0,
            ..EngineConfig::default()
        }
        .with_dwell(self.dwell_s)
    }
}

/// `$XDG_CONFIG_HOME/sitwell/settings.toml` (or `~/.config/sitwell/settings.toml`).
pub fn default_path() -> Option<PathBuf> {
    Some(files::config_home()?.join("sitwell/settings.toml"))
}

/// The autostart entry that starts Sitwell at login.
pub fn autostart_path() -> Option<PathBuf> {
    Some(files::config_home()?.join("autostart/sitwell.desktop"))
}

/// Writes or removes the autostart entry so it matches `enabled`.
pub fn apply_autostart(enabled: bool, path: &Path, exe: &Path) -> std::io::Result<()> {
    if enabled {
        let entry = format!(
            "[Desktop Entry]\nType=Application\nName=Sitwell\n\
             Comment=Webcam posture monitor\nExec=\"{}\"\nTerminal=false\n\
             X-GNOME-Autostart-enabled=true\n",
            exe.display()
        );
        files::write_atomic(path, entry.as_bytes())
    } else {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Rewrites an autostart entry whose program no longer exists (a moved or cleaned build, an
/// uninstalled copy) so that it starts `exe`; returns whether it did. An entry that starts an
/// existing program, or by its bare name through `PATH`, is left alone.
pub fn repair_autostart(path: &Path, exe: &Path) -> std::io::Result<bool> {
    let Ok(entry) = std::fs::read_to_string(path) else {
        return Ok(false);
    };
    let program = entry
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .map(|exec| {
            let exec = exec.trim();
            match exec.strip_prefix('"') {
                Some(quoted) => quoted.split('"').next().unwrap_or_default(),
                None => exec.split_whitespace().next().unwrap_or_default(),
            }
        })
        .unwrap_or_default();
    let stale = Path::new(program).is_absolute() && !Path::new(program).exists();
    if stale && program != exe.to_string_lossy() {
        apply_autostart(true, path, exe)?;
        return Ok(true);
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("sitwell-settings-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).ok();
        dir
    }

    #[test]
    fn a_stale_autostart_entry_is_repaired_and_a_good_one_left_alone() {
        let dir = temp_dir("autostart");
        let entry = dir.join("autostart/sitwell.desktop");
        let exe = std::env::current_exe().expect("test binary");
        // Written for a build that has since been cleaned away.
        apply_autostart(true, &entry, &dir.join("gone/target/release/sitwell")).expect("written");
        assert_eq!(repair_autostart(&entry, &exe).ok(), Some(true));
        let repaired = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(
            repaired.contains(&format!("Exec=\"{}\"", exe.display())),
            "{repaired}"
        );
        assert_eq!(repair_autostart(&entry, &exe).ok(), Some(false));
        // An entry by name (the package's menu entry copied) and no entry at all: untouched.
        std::fs::write(&entry, "[Desktop Entry]\nExec=sitwell\n").expect("written");
        assert_eq!(repair_autostart(&entry, &exe).ok(), Some(false));
        assert_eq!(
            repair_autostart(&dir.join("none.desktop"), &exe).ok(),
            Some(false)
        );
    }

    #[test]
    fn missing_file_gives_defaults_quietly() {
        let loaded = Settings::load_or_default(Path::new("/nonexistent/sitwell/settings.toml"));
        assert_eq!(loaded.settings, Settings::default());
        assert!(loaded.problem.is_none());
    }

    #[test]
    fn one_line_file_keeps_other_defaults() {
        let dir = temp_dir("one-line");
        let path = dir.join("settings.toml");
        std::fs::write(&path, "dwell_s = 120\n").ok();
        let loaded = Settings::load_or_default(&path);
        assert!(loaded.problem.is_none(), "{:?}", loaded.problem);
        assert_eq!(loaded.settings.dwell_s, 120.0);
        assert_eq!(loaded.settings.engine_config().dwell_s, 120.0);
        assert_eq!(loaded.settings.model, "lite");
    }

    #[test]
    fn broken_file_names_the_line_and_is_left_untouched() {
        let dir = temp_dir("broken");
        let path = dir.join("settings.toml");
        let text = "model = \"lite\"\ndwell_s = 90\nsensitivity = = 2\n";
        std::fs::write(&path, text).ok();
        let loaded = Settings::load_or_default(&path);
        assert_eq!(loaded.settings, Settings::default());
        let message = loaded.problem.map(|p| p.to_string()).unwrap_or_default();
        assert!(message.contains("line 3"), "{message}");
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some(text));
    }

    #[test]
    fn out_of_range_and_unknown_keys_are_refused_by_name() {
        let dir = temp_dir("range");
        let path = dir.join("settings.toml");
        std::fs::write(&path, "dwell_s = 5\n").ok();
        let message = Settings::load(&path).err().map(|e| e.to_string());
        assert!(message.is_some_and(|m| m.contains("dwell_s")));
        std::fs::write(&path, "dwel_s = 60\n").ok();
        let message = Settings::load(&path).err().map(|e| e.to_string());
        assert!(message.is_some_and(|m| m.contains("line 1") && m.contains("dwel_s")));
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = temp_dir("round-trip");
        let path = dir.join("sub/settings.toml");
        let settings = Settings {
            camera: "Logitech".into(),
            dwell_s: 45.0,
            click_through: true,
            ..Settings::default()
        };
        settings.save(&path).ok();
        assert_eq!(Settings::load(&path).ok().flatten(), Some(settings));
    }

    #[test]
    fn autostart_entry_is_written_and_removed() {
        let dir = temp_dir("autostart");
        let path = dir.join("autostart/sitwell.desktop");
        apply_autostart(true, &path, Path::new("/usr/bin/sitwell")).ok();
        let entry = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(entry.contains("Exec=\"/usr/bin/sitwell\""));
        apply_autostart(false, &path, Path::new("/usr/bin/sitwell")).ok();
        assert!(!path.exists());
        // Removing twice is fine.
        assert!(apply_autostart(false, &path, Path::new("/usr/bin/sitwell")).is_ok());
    }
}
