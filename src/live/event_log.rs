//! The event log's lines (`--events FILE`, JSON lines): what the session itself writes, typed
//! here in one place. The coach's effects are the other lines (`coach::EffectAt::to_json`).
//! `docs/command-line.md` documents every kind; the tests below pin each line's text.

use serde::Serialize;

/// One line the session writes: its time (engine seconds, rounded to the millisecond) and
/// what happened.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub t: f64,
    #[serde(flatten)]
    pub what: What,
}

/// What a [`Line`] says; `kind` in the JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum What {
    /// The screen was locked (or unlocked).
    ScreenLocked { on: bool },
    /// The machine is going to sleep (or woke).
    Sleep { on: bool },
    /// A call started or ended: by the user's hand (`by` = "user") or noticed (the program).
    InCall { on: bool, by: String },
    /// The camera (and its light) came on, with its name, or went off.
    Camera {
        on: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
    /// Calibration finished: its frames, the camera's place and tilt.
    Calibrated {
        frames: usize,
        camera: &'static str,
        camera_tilt_deg: f64,
    },
    /// Calibration was refused, and why.
    CalibrationRefused { reason: String },
    /// The run's first score was shown, `since_start_s` wall seconds after the pipeline started
    /// (the models' loading and the camera's opening included).
    FirstScore { score: f64, since_start_s: f64 },
}

impl Line {
    pub fn new(t: f64, what: What) -> Line {
        Line {
            t: (t * 1e3).round() / 1e3,
            what,
        }
    }

    /// The line as JSON (keys in alphabetical order, as every event-log line).
    pub fn to_json(&self) -> serde_json::Value {
        // A struct of numbers, booleans and strings always serializes.
        serde_json::to_value(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(t: f64, what: What) -> String {
        Line::new(t, what).to_json().to_string()
    }

    #[test]
    fn each_line_reads_as_the_docs_say() {
        assert_eq!(
            text(12.34567, What::ScreenLocked { on: true }),
            r#"{"kind":"screen_locked","on":true,"t":12.346}"#
        );
        assert_eq!(
            text(1.0, What::Sleep { on: false }),
            r#"{"kind":"sleep","on":false,"t":1.0}"#
        );
        assert_eq!(
            text(
                2.0,
                What::InCall {
                    on: true,
                    by: "zoom".into()
                }
            ),
            r#"{"by":"zoom","kind":"in_call","on":true,"t":2.0}"#
        );
        assert_eq!(
            text(
                3.0,
                What::Camera {
                    on: true,
                    name: Some("Integrated Camera".into())
                }
            ),
            r#"{"kind":"camera","name":"Integrated Camera","on":true,"t":3.0}"#
        );
        assert_eq!(
            text(
                4.0,
                What::Camera {
                    on: false,
                    name: None
                }
            ),
            r#"{"kind":"camera","on":false,"t":4.0}"#
        );
        assert_eq!(
            text(
                5.0,
                What::Calibrated {
                    frames: 50,
                    camera: "laptop",
                    camera_tilt_deg: 12.5
                }
            ),
            r#"{"camera":"laptop","camera_tilt_deg":12.5,"frames":50,"kind":"calibrated","t":5.0}"#
        );
        assert_eq!(
            text(
                6.0,
                What::CalibrationRefused {
                    reason: "no person".into()
                }
            ),
            r#"{"kind":"calibration_refused","reason":"no person","t":6.0}"#
        );
        assert_eq!(
            text(
                0.8125,
                What::FirstScore {
                    score: 97.5,
                    since_start_s: 0.9
                }
            ),
            r#"{"kind":"first_score","score":97.5,"since_start_s":0.9,"t":0.813}"#
        );
    }
}
