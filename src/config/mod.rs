//! What a user can set: the settings table ([`table`]: every setting described once), the
//! [`Settings`] made from it, the user's `settings.toml` read and changed without losing a
//! line they wrote ([`file`]), this run's flags laid over the settings ([`Overrides`]), and
//! the reference page `docs/settings.md` ([`docs`]); and the user's calibration, kept in its
//! own file ([`baseline_file`]).

pub mod baseline_file;
pub mod docs;
pub mod file;
pub mod table;

pub use file::{Loaded, SaveError};
pub use table::{CallLook, Describe, Field, Named};

use std::path::PathBuf;

use crate::coach::EngineConfig;
use crate::pose::LandmarkModel;
use crate::posture::{CameraPlace, JudgeConfig};

/// Declares [`Settings`] from the table: one field per setting, its default, how it is read
/// from and written to the file by key, and the list of all settings ([`ALL`]).
macro_rules! settings {
    ($($field:ident: $ty:ty = $spec:path),* $(,)?) => {
        /// Everything a user can set (see the table in [`table`] for each one's doc, default
        /// and range). Missing keys take their defaults, so a file with one line works.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Settings {
            $(pub $field: $ty,)*
        }

        impl Default for Settings {
            fn default() -> Self {
                Settings { $($field: Field::<$ty>::default_value(&$spec),)* }
            }
        }

        impl Settings {
            /// Sets the setting `key` from a value in the file: `None` for a key that is not a
            /// setting, the reason when the value is not one it takes.
            fn read_key(&mut self, key: &str, value: &toml_edit::Value) -> Option<Result<(), String>> {
                $(if key == $spec.key {
                    return Some(Field::<$ty>::read(&$spec, value).map(|v| self.$field = v));
                })*
                None
            }

            /// The value of `key` as the file holds it.
            fn value_of(&self, key: &str) -> Option<toml_edit::Value> {
                $(if key == $spec.key {
                    return Some(Field::<$ty>::write(&$spec, &self.$field));
                })*
                None
            }

            /// Checks every value against its range; the message names the key.
            pub fn validate(&self) -> Result<(), String> {
                $(Field::<$ty>::check(&$spec, &self.$field)?;)*
                Ok(())
            }
        }

        /// Every setting, in the order the docs list them.
        pub const ALL: &[&dyn Describe] = &[$(&$spec),*];
    };
}

settings! {
    camera: String = table::CAMERA,
    camera_place: CameraPlace = table::CAMERA_PLACE,
    model: LandmarkModel = table::MODEL,
    dwell_s: f64 = table::DWELL_S,
    sensitivity: f32 = table::SENSITIVITY,
    cooldown_min: f64 = table::COOLDOWN_MIN,
    break_interval_min: f64 = table::BREAK_INTERVAL_MIN,
    overlay_opacity: f32 = table::OVERLAY_OPACITY,
    click_through: bool = table::CLICK_THROUGH,
    notifications: bool = table::NOTIFICATIONS,
    detect_calls: bool = table::DETECT_CALLS,
    call_look: CallLook = table::CALL_LOOK,
    battery_saver: bool = table::BATTERY_SAVER,
    start_paused: bool = table::START_PAUSED,
    start_at_login: bool = table::START_AT_LOGIN,
    history: bool = table::HISTORY,
    history_days: u32 = table::HISTORY_DAYS,
}

impl Settings {
    pub fn judge_config(&self) -> JudgeConfig {
        JudgeConfig {
            sensitivity: self.sensitivity,
            ..JudgeConfig::default()
        }
    }

    pub fn engine_config(&self) -> EngineConfig {
        EngineConfig {
            dwell_s: self.dwell_s,
            cooldown_s: self.cooldown_min * 60.0,
            break_interval_s: self.break_interval_min * 60.0,
            ..EngineConfig::default()
        }
    }

    /// The keys whose values differ between `self` and `other`.
    pub fn changed_keys(&self, other: &Settings) -> Vec<&'static str> {
        ALL.iter()
            .map(|s| s.key())
            .filter(|key| {
                self.value_of(key).map(|v| v.to_string())
                    != other.value_of(key).map(|v| v.to_string())
            })
            .collect()
    }
}

/// Settings given on the command line for one run: they outrank the file, for the command
/// line and the overlay alike (a panel saved meanwhile changes the file, not these).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Overrides {
    pub dwell_s: Option<f64>,
    pub sensitivity: Option<f32>,
    pub model: Option<LandmarkModel>,
    pub camera_place: Option<CameraPlace>,
    /// `--paused`: start paused whatever the settings say.
    pub start_paused: bool,
}

impl Overrides {
    /// `settings` with this run's flags laid over them.
    pub fn apply(&self, settings: &Settings) -> Settings {
        let mut effective = settings.clone();
        if let Some(dwell_s) = self.dwell_s {
            effective.dwell_s = dwell_s;
        }
        if let Some(sensitivity) = self.sensitivity {
            effective.sensitivity = sensitivity;
        }
        if let Some(model) = self.model {
            effective.model = model;
        }
        if let Some(place) = self.camera_place {
            effective.camera_place = place;
        }
        effective.start_paused |= self.start_paused;
        effective
    }
}

/// `settings.toml` in Sitwell's config folder (`$XDG_CONFIG_HOME/sitwell`, or
/// `~/.config/sitwell`).
pub fn default_path() -> Option<PathBuf> {
    Some(crate::files::config_dir()?.join("settings.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_come_from_the_table_and_are_valid() {
        let d = Settings::default();
        assert_eq!(d.dwell_s, 60.0);
        assert_eq!(d.sensitivity, 1.0);
        assert_eq!(d.cooldown_min, 10.0);
        assert_eq!(d.break_interval_min, 30.0);
        assert_eq!(d.model, LandmarkModel::Lite);
        assert_eq!(d.call_look, CallLook::Dot);
        assert_eq!(d.camera, "0");
        assert_eq!(d.validate(), Ok(()));
        assert_eq!(d.engine_config(), EngineConfig::default());
    }

    #[test]
    fn every_setting_has_a_key_a_doc_and_each_key_once() {
        let mut keys: Vec<&str> = ALL.iter().map(|s| s.key()).collect();
        assert_eq!(keys.len(), 17);
        assert!(ALL.iter().all(|s| s.doc().ends_with('.')));
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 17);
    }

    #[test]
    fn flags_outrank_the_settings_and_only_what_they_name() {
        let settings = Settings {
            dwell_s: 120.0,
            sensitivity: 2.0,
            ..Settings::default()
        };
        let flags = Overrides {
            dwell_s: Some(30.0),
            start_paused: true,
            ..Overrides::default()
        };
        let effective = flags.apply(&settings);
        assert_eq!(effective.dwell_s, 30.0);
        assert_eq!(effective.sensitivity, 2.0);
        assert!(effective.start_paused);
        assert_eq!(effective.engine_config().dwell_s, 30.0);
        assert_eq!(
            settings.changed_keys(&effective),
            ["dwell_s", "start_paused"]
        );
    }
}
