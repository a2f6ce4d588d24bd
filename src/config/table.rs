//! The settings table: every setting described once — its key in `settings.toml`, its label
//! in the settings panel, one line of doc, its default, its range and unit, and the
//! command-line flag that outranks it for one run. Validation, the panel's widgets, the flags'
//! help and range checks, and `docs/settings.md` are all made from these descriptions.

use std::ops::RangeInclusive;

use crate::coach::engine::{DEFAULT_BREAK_INTERVAL_S, DEFAULT_COOLDOWN_S, DEFAULT_DWELL_S};
use crate::pose::LandmarkModel;
use crate::posture::CameraPlace;

/// A number with a range and a unit.
#[derive(Debug, Clone, Copy)]
pub struct Number<T> {
    pub key: &'static str,
    pub label: &'static str,
    pub doc: &'static str,
    /// Short unit after the number ("s", "min", "days"), empty for a plain factor.
    pub unit: &'static str,
    pub default: T,
    pub min: T,
    pub max: T,
    /// The long flag (without `--`) that outranks it for one run.
    pub flag: Option<&'static str>,
}

/// On or off.
#[derive(Debug, Clone, Copy)]
pub struct Switch {
    pub key: &'static str,
    pub label: &'static str,
    pub doc: &'static str,
    pub default: bool,
    pub flag: Option<&'static str>,
}

/// Free text.
#[derive(Debug, Clone, Copy)]
pub struct Text {
    pub key: &'static str,
    pub label: &'static str,
    pub doc: &'static str,
    pub default: &'static str,
    pub flag: Option<&'static str>,
}

/// One of a few named values.
#[derive(Debug, Clone, Copy)]
pub struct Choice<T: 'static> {
    pub key: &'static str,
    pub label: &'static str,
    pub doc: &'static str,
    pub default: T,
    pub options: &'static [T],
    pub flag: Option<&'static str>,
}

/// A value a [`Choice`] offers: its name in the file and on the command line, and what the
/// panel calls it.
pub trait Named: Copy + PartialEq + Send + Sync + 'static {
    fn name(self) -> &'static str;
    fn label(self) -> &'static str;
}

/// What the clearly-typed settings all say of themselves, for the docs and the messages.
pub trait Describe: Sync {
    fn key(&self) -> &'static str;
    fn doc(&self) -> &'static str;
    /// "number", "on/off", "text", "one of".
    fn kind(&self) -> &'static str;
    fn default_text(&self) -> String;
    /// The values it takes: "10–600 s", "`lite`, `full`", "true or false".
    fn allowed_text(&self) -> String;
    fn flag(&self) -> Option<&'static str>;
}

// --- the settings -------------------------------------------------------------------------

pub const CAMERA: Text = Text {
    key: "camera",
    label: "Camera",
    doc: "Camera index (0, 1, …) or part of its name (\"Logitech\"); see `sitwell devices`.",
    default: "0",
    flag: Some("source"),
};

pub const CAMERA_PLACE: Choice<CameraPlace> = Choice {
    key: "camera_place",
    label: "Camera",
    doc: "Where the camera is: on the laptop, on top of a monitor, or elsewhere; asked while calibrating.",
    default: CameraPlace::Other,
    options: &CameraPlace::ALL,
    flag: Some("camera-at"),
};

pub const MODEL: Choice<LandmarkModel> = Choice {
    key: "model",
    label: "Model",
    doc: "The pose model: lite (lighter) or full (a little more accurate).",
    default: LandmarkModel::Lite,
    options: &LandmarkModel::ALL,
    flag: Some("model"),
};

pub const DWELL_S: Number<f64> = Number {
    key: "dwell_s",
    label: "Nudge after",
    doc: "How long a slouch lasts before a nudge.",
    unit: "s",
    default: DEFAULT_DWELL_S,
    min: 10.0,
    max: 600.0,
    flag: Some("dwell"),
};

pub const SENSITIVITY: Number<f32> = Number {
    key: "sensitivity",
    label: "Strictness",
    doc: "How strict the judge is: 2 flags half the deviation, 0.5 twice it; 1 is the validated default.",
    unit: "",
    default: 1.0,
    min: 0.25,
    max: 4.0,
    flag: Some("sensitivity"),
};

pub const COOLDOWN_MIN: Number<f64> = Number {
    key: "cooldown_min",
    label: "Between nudges",
    doc: "The least time between two nudges.",
    unit: "min",
    default: DEFAULT_COOLDOWN_S / 60.0,
    min: 1.0,
    max: 240.0,
    flag: None,
};

pub const BREAK_INTERVAL_MIN: Number<f64> = Number {
    key: "break_interval_min",
    label: "Break every",
    doc: "Continuous sitting before a movement break is suggested.",
    unit: "min",
    default: DEFAULT_BREAK_INTERVAL_S / 60.0,
    min: 10.0,
    max: 240.0,
    flag: None,
};

pub const OVERLAY_OPACITY: Number<f32> = Number {
    key: "overlay_opacity",
    label: "Opacity",
    doc: "Opacity of the overlay panel.",
    unit: "",
    default: 0.92,
    min: 0.3,
    max: 1.0,
    flag: None,
};

pub const CLICK_THROUGH: Switch = Switch {
    key: "click_through",
    label: "Clicks pass through the panel",
    doc: "Let clicks pass through the panel to the window below (cards still take clicks).",
    default: false,
    flag: None,
};

pub const NOTIFICATIONS: Switch = Switch {
    key: "notifications",
    label: "Desktop notifications (never during calls)",
    doc: "Also show nudges and breaks as desktop notifications (never during a call).",
    default: true,
    flag: None,
};

pub const DETECT_CALLS: Switch = Switch {
    key: "detect_calls",
    label: "Notice calls (another app using the microphone)",
    doc: "Switch \"in a call\" on by itself while another program records from the microphone or shares the screen.",
    default: true,
    flag: None,
};

pub const CALL_LOOK: Choice<CallLook> = Choice {
    key: "call_look",
    label: "In a call, show",
    doc: "What the panel shows during a call (colleagues may see the screen): the whole panel, a small neutral dot, or nothing.",
    default: CallLook::Dot,
    options: &CallLook::ALL,
    flag: None,
};

pub const BATTERY_SAVER: Switch = Switch {
    key: "battery_saver",
    label: "Look less often on battery",
    doc: "On battery power, look every 4 s instead of every 2 s while you sit well (a change is still looked at 4 times a second; the camera stays on, so its light never blinks).",
    default: true,
    flag: None,
};

pub const START_PAUSED: Switch = Switch {
    key: "start_paused",
    label: "Start paused (camera off)",
    doc: "Start with monitoring paused (camera off) until resumed.",
    default: false,
    flag: Some("paused"),
};

pub const START_AT_LOGIN: Switch = Switch {
    key: "start_at_login",
    label: "Start at login",
    doc: "Start Sitwell when you log in.",
    default: false,
    flag: None,
};

pub const HISTORY: Switch = Switch {
    key: "history",
    label: "Keep a history",
    doc: "Keep a posture history (10-second aggregates, never pictures) for the dashboard and reports.",
    default: true,
    flag: None,
};

pub const HISTORY_DAYS: Number<u32> = Number {
    key: "history_days",
    label: "Keep history for",
    doc: "Days of history kept.",
    unit: "days",
    default: crate::history::DEFAULT_RETENTION_DAYS,
    min: 1,
    max: 3650,
    flag: None,
};

/// What the overlay shows while the user is in a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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
}

impl Named for CallLook {
    fn name(self) -> &'static str {
        match self {
            CallLook::Full => "full",
            CallLook::Dot => "dot",
            CallLook::Hidden => "hidden",
        }
    }

    fn label(self) -> &'static str {
        match self {
            CallLook::Full => "the panel",
            CallLook::Dot => "a small dot",
            CallLook::Hidden => "nothing",
        }
    }
}

impl Named for CameraPlace {
    fn name(self) -> &'static str {
        self.as_str()
    }

    fn label(self) -> &'static str {
        CameraPlace::label(self)
    }
}

impl Named for LandmarkModel {
    fn name(self) -> &'static str {
        LandmarkModel::name(self)
    }

    fn label(self) -> &'static str {
        match self {
            LandmarkModel::Lite => "lite (lighter)",
            LandmarkModel::Full => "full",
        }
    }
}

// --- how each kind reads, writes and checks its values ------------------------------------

/// A number type a [`Number`] setting can hold.
pub trait Numeric: Copy + PartialOrd + std::fmt::Display + Send + Sync + 'static {
    fn from_toml(value: &toml_edit::Value) -> Option<Self>;
    fn to_toml(self) -> toml_edit::Value;
    fn is_finite(self) -> bool;
    fn from_text(text: &str) -> Option<Self>;
}

impl Numeric for f64 {
    fn from_toml(value: &toml_edit::Value) -> Option<f64> {
        value
            .as_float()
            .or_else(|| value.as_integer().map(|i| i as f64))
    }
    fn to_toml(self) -> toml_edit::Value {
        if self.fract() == 0.0 && self.abs() < 1e15 {
            toml_edit::Value::from(self as i64)
        } else {
            toml_edit::Value::from(self)
        }
    }
    fn is_finite(self) -> bool {
        f64::is_finite(self)
    }
    fn from_text(text: &str) -> Option<f64> {
        text.trim().parse().ok()
    }
}

impl Numeric for f32 {
    fn from_toml(value: &toml_edit::Value) -> Option<f32> {
        f64::from_toml(value).map(|v| v as f32)
    }
    fn to_toml(self) -> toml_edit::Value {
        // Through the shortest decimal that reads back as this f32 (0.92, not 0.9200000166).
        let shortest: f64 = self.to_string().parse().unwrap_or(f64::from(self));
        shortest.to_toml()
    }
    fn is_finite(self) -> bool {
        f32::is_finite(self)
    }
    fn from_text(text: &str) -> Option<f32> {
        text.trim().parse().ok()
    }
}

impl Numeric for u32 {
    fn from_toml(value: &toml_edit::Value) -> Option<u32> {
        value.as_integer().and_then(|i| u32::try_from(i).ok())
    }
    fn to_toml(self) -> toml_edit::Value {
        toml_edit::Value::from(i64::from(self))
    }
    fn is_finite(self) -> bool {
        true
    }
    fn from_text(text: &str) -> Option<u32> {
        text.trim().parse().ok()
    }
}

/// How a setting of type `T` is read from and written to the file, and checked.
pub trait Field<T>: Describe {
    fn default_value(&self) -> T;
    /// The value in the file, checked; the message names the key and what it takes.
    fn read(&self, value: &toml_edit::Value) -> Result<T, String>;
    fn write(&self, value: &T) -> toml_edit::Value;
    fn check(&self, value: &T) -> Result<(), String>;
}

impl<T: Numeric> Number<T> {
    pub fn range(&self) -> RangeInclusive<T> {
        self.min..=self.max
    }

    /// "10–600 s".
    pub fn range_text(&self) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        format!("{}–{}{unit}", self.min, self.max)
    }

    /// The flag's help: the doc, the range and the setting it outranks.
    pub fn flag_help(&self) -> String {
        format!(
            "{} ({}; outranks the setting `{}`)",
            self.doc.trim_end_matches('.'),
            self.range_text(),
            self.key
        )
    }

    /// A value given on the command line (`--dwell 30`), checked against the range.
    pub fn parse_flag(&self, text: &str) -> Result<T, String> {
        let value = T::from_text(text).ok_or_else(|| format!("`{text}` is not a number"))?;
        self.check(&value)?;
        Ok(value)
    }

    fn out_of_range(&self, value: T) -> String {
        format!(
            "{} = {value}: must be between {}",
            self.key,
            self.range_text().replacen('–', " and ", 1)
        )
    }
}

impl<T: Numeric> Describe for Number<T> {
    fn key(&self) -> &'static str {
        self.key
    }
    fn doc(&self) -> &'static str {
        self.doc
    }
    fn kind(&self) -> &'static str {
        "number"
    }
    fn default_text(&self) -> String {
        self.default.to_string()
    }
    fn allowed_text(&self) -> String {
        self.range_text()
    }
    fn flag(&self) -> Option<&'static str> {
        self.flag
    }
}

impl<T: Numeric> Field<T> for Number<T> {
    fn default_value(&self) -> T {
        self.default
    }
    fn read(&self, value: &toml_edit::Value) -> Result<T, String> {
        let number = T::from_toml(value).ok_or_else(|| {
            format!(
                "{} = {}: must be a number ({})",
                self.key,
                value.to_string().trim(),
                self.range_text()
            )
        })?;
        self.check(&number)?;
        Ok(number)
    }
    fn write(&self, value: &T) -> toml_edit::Value {
        value.to_toml()
    }
    fn check(&self, value: &T) -> Result<(), String> {
        if value.is_finite() && self.range().contains(value) {
            Ok(())
        } else {
            Err(self.out_of_range(*value))
        }
    }
}

impl Switch {
    pub fn flag_help(&self) -> String {
        format!(
            "{} (outranks the setting `{}`)",
            self.doc.trim_end_matches('.'),
            self.key
        )
    }
}

impl Describe for Switch {
    fn key(&self) -> &'static str {
        self.key
    }
    fn doc(&self) -> &'static str {
        self.doc
    }
    fn kind(&self) -> &'static str {
        "on/off"
    }
    fn default_text(&self) -> String {
        self.default.to_string()
    }
    fn allowed_text(&self) -> String {
        "true or false".into()
    }
    fn flag(&self) -> Option<&'static str> {
        self.flag
    }
}

impl Field<bool> for Switch {
    fn default_value(&self) -> bool {
        self.default
    }
    fn read(&self, value: &toml_edit::Value) -> Result<bool, String> {
        value.as_bool().ok_or_else(|| {
            format!(
                "{} = {}: must be true or false",
                self.key,
                value.to_string().trim()
            )
        })
    }
    fn write(&self, value: &bool) -> toml_edit::Value {
        toml_edit::Value::from(*value)
    }
    fn check(&self, _: &bool) -> Result<(), String> {
        Ok(())
    }
}

impl Text {
    pub fn flag_help(&self) -> String {
        format!(
            "{} (outranks the setting `{}`)",
            self.doc.trim_end_matches('.'),
            self.key
        )
    }
}

impl Describe for Text {
    fn key(&self) -> &'static str {
        self.key
    }
    fn doc(&self) -> &'static str {
        self.doc
    }
    fn kind(&self) -> &'static str {
        "text"
    }
    fn default_text(&self) -> String {
        format!("\"{}\"", self.default)
    }
    fn allowed_text(&self) -> String {
        "any text".into()
    }
    fn flag(&self) -> Option<&'static str> {
        self.flag
    }
}

impl Field<String> for Text {
    fn default_value(&self) -> String {
        self.default.to_owned()
    }
    fn read(&self, value: &toml_edit::Value) -> Result<String, String> {
        value.as_str().map(str::to_owned).ok_or_else(|| {
            format!(
                "{} = {}: must be text in quotes",
                self.key,
                value.to_string().trim()
            )
        })
    }
    fn write(&self, value: &String) -> toml_edit::Value {
        toml_edit::Value::from(value.as_str())
    }
    fn check(&self, _: &String) -> Result<(), String> {
        Ok(())
    }
}

impl<T: Named> Choice<T> {
    /// `"lite"`, `"full"`.
    pub fn names(&self) -> Vec<&'static str> {
        self.options.iter().map(|o| o.name()).collect()
    }

    pub fn by_name(&self, name: &str) -> Option<T> {
        self.options.iter().copied().find(|o| o.name() == name)
    }

    pub fn flag_help(&self) -> String {
        format!(
            "{} ({}; outranks the setting `{}`)",
            self.doc.trim_end_matches('.'),
            self.names().join(", "),
            self.key
        )
    }

    /// A value given on the command line, by name.
    pub fn parse_flag(&self, text: &str) -> Result<T, String> {
        self.by_name(text.trim())
            .ok_or_else(|| format!("`{text}`: use {}", self.allowed_text()))
    }
}

impl<T: Named> Describe for Choice<T> {
    fn key(&self) -> &'static str {
        self.key
    }
    fn doc(&self) -> &'static str {
        self.doc
    }
    fn kind(&self) -> &'static str {
        "one of"
    }
    fn default_text(&self) -> String {
        format!("\"{}\"", self.default.name())
    }
    fn allowed_text(&self) -> String {
        self.names()
            .iter()
            .map(|n| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }
    fn flag(&self) -> Option<&'static str> {
        self.flag
    }
}

impl<T: Named> Field<T> for Choice<T> {
    fn default_value(&self) -> T {
        self.default
    }
    fn read(&self, value: &toml_edit::Value) -> Result<T, String> {
        value.as_str().and_then(|s| self.by_name(s)).ok_or_else(|| {
            format!(
                "{} = {}: use {}",
                self.key,
                value.to_string().trim(),
                self.allowed_text()
            )
        })
    }
    fn write(&self, value: &T) -> toml_edit::Value {
        toml_edit::Value::from(value.name())
    }
    fn check(&self, _: &T) -> Result<(), String> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_checked_against_their_range_with_the_key_and_unit_named() {
        assert_eq!(DWELL_S.check(&10.0), Ok(()));
        assert_eq!(DWELL_S.check(&600.0), Ok(()));
        assert_eq!(
            DWELL_S.check(&5.0),
            Err("dwell_s = 5: must be between 10 and 600 s".to_owned())
        );
        assert!(DWELL_S.check(&f64::NAN).is_err());
        assert_eq!(DWELL_S.parse_flag("30"), Ok(30.0));
        assert!(DWELL_S.parse_flag("thirty").is_err());
        assert_eq!(
            SENSITIVITY.check(&5.0),
            Err("sensitivity = 5: must be between 0.25 and 4".to_owned())
        );
        assert_eq!(HISTORY_DAYS.range_text(), "1–3650 days");
    }

    #[test]
    fn values_are_read_from_toml_by_their_kind() {
        let v = |text: &str| text.parse::<toml_edit::Value>().expect("a TOML value");
        assert_eq!(DWELL_S.read(&v("90")), Ok(90.0));
        assert_eq!(DWELL_S.read(&v("90.5")), Ok(90.5));
        assert!(DWELL_S.read(&v("\"90\"")).is_err());
        assert_eq!(HISTORY_DAYS.read(&v("30")), Ok(30));
        assert!(HISTORY_DAYS.read(&v("-3")).is_err());
        assert_eq!(MODEL.read(&v("\"full\"")), Ok(LandmarkModel::Full));
        assert_eq!(
            MODEL.read(&v("\"huge\"")),
            Err("model = \"huge\": use \"lite\", \"full\"".to_owned())
        );
        assert_eq!(CLICK_THROUGH.read(&v("true")), Ok(true));
        assert!(CLICK_THROUGH.read(&v("1")).is_err());
        // Written back as a person would write them.
        assert_eq!(OVERLAY_OPACITY.write(&0.92).to_string(), "0.92");
        assert_eq!(DWELL_S.write(&60.0).to_string(), "60");
    }
}
