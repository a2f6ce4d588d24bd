//! Calibration: the user's own upright posture, as robust per-cue centres and spreads.
//!
//! A baseline is built from a few seconds of upright sitting (or a set of stills), judged for
//! quality (a person, shoulders in view, the whole head in the picture, sitting still) and
//! refused with a reason otherwise.
//! It belongs to one camera and resolution: [`Baseline::check_source`] refuses to judge frames
//! from another one rather than silently producing nonsense. Saved as small versioned JSON.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::cues::Cues;

/// Version of the file layout; older or newer files are refused with a clear message.
pub const BASELINE_VERSION: u32 = 1;

/// Calibration frames must show nose, ears and shoulders clearly: a baseline built on guessed
/// shoulders (cut off by the frame) would judge everything after it wrongly.
const CALIBRATION_MIN_VISIBILITY: f32 = 0.8;
/// Share of frames that must show a person, and of those, a judgeable one.
const MIN_PERSON_SHARE: f32 = 0.8;
const MIN_JUDGEABLE_SHARE: f32 = 0.8;
/// Steadiness limits on the spread (scaled MAD) of the cues that carry the judgement.
const MAX_SPREAD_HEAD_SCALE_LN: f32 = 0.04;
const MAX_SPREAD_EAR_HEIGHT: f32 = 0.06;
const MAX_SPREAD_SHOULDER_HEIGHT: f32 = 0.06;

/// Where a baseline's frames came from: the picture size always, the camera when it was one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceTag {
    /// Camera name (None for files).
    pub camera: Option<String>,
    pub width: u32,
    pub height: u32,
}

/// The user's calibrated upright posture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub source: SourceTag,
    /// Landmark model the cues were measured with (`lite` or `full`).
    pub model: String,
    /// Frames that went into it.
    pub frames: usize,
    /// Per-cue median.
    pub centre: Cues,
    /// Per-cue natural spread (1.4826 × median absolute deviation; 0 from a single still).
    pub spread: Cues,
    /// Seconds since the Unix epoch when it was made.
    pub created_unix_s: u64,
}

/// Why a calibration was refused (shown to the user as is).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Refusal {
    #[error("no frames to calibrate from")]
    NoFrames,
    #[error(
        "no person found in {missing} of {total} frames: sit in front of the camera, face it, and try again"
    )]
    NoPerson { missing: usize, total: usize },
    #[error(
        "shoulders or ears not clearly visible in {hidden} of {seen} frames: sit back so both shoulders are in the picture"
    )]
    NotVisible { hidden: usize, seen: usize },
    #[error(
        "the top of your head is cut off in {cut} of {seen} frames: tilt the camera up (or sit a little lower) until your whole head is in the picture"
    )]
    HeadCut { cut: usize, seen: usize },
    #[error(
        "you moved too much ({cue} varied by {spread:.3}, at most {limit:.3}): sit still for a few seconds"
    )]
    Unsteady {
        cue: &'static str,
        spread: f32,
        limit: f32,
    },
}

/// Errors reading, writing or applying a baseline file.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("cannot write baseline {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("baseline {path} is not a Sitwell baseline ({reason}); calibrate again")]
    Corrupt { path: PathBuf, reason: String },
    #[error(
        "baseline {path} has format version {found}, this Sitwell reads {expected}; calibrate again"
    )]
    Version {
        path: PathBuf,
        found: u32,
        expected: u32,
    },
    #[error(
        "the baseline was made with {expected}, these frames come from {found}; calibrate again for this camera"
    )]
    OtherSource { expected: String, found: String },
}

impl std::fmt::Display for SourceTag {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.camera {
            Some(name) => write!(f, "camera \"{name}\" at {}×{}", self.width, self.height),
            None => write!(f, "{}×{} frames", self.width, self.height),
        }
    }
}

/// Median of a non-empty slice (sorted copy).
fn median(values: &mut [f32]) -> f32 {
    values.sort_by(f32::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

impl Baseline {
    /// Build a baseline from the frames of an upright sitting: `None` entries are frames where
    /// no person was found. Refuses with a reason when the sitting cannot be trusted.
    pub fn calibrate(
        frames: &[Option<Cues>],
        source: SourceTag,
        model: &str,
    ) -> Result<Baseline, Refusal> {
        let total = frames.len();
        if total == 0 {
            return Err(Refusal::NoFrames);
        }
        let seen: Vec<&Cues> = frames.iter().flatten().collect();
        let missing = total - seen.len();
        if seen.is_empty() || (seen.len() as f32) < MIN_PERSON_SHARE * total as f32 {
            return Err(Refusal::NoPerson { missing, total });
        }
        let judgeable: Vec<&Cues> = seen
            .iter()
            .copied()
            .filter(|c| c.in_frame && c.min_visibility >= CALIBRATION_MIN_VISIBILITY)
            .collect();
        let hidden = seen.len() - judgeable.len();
        if judgeable.is_empty()
            || (judgeable.len() as f32) < MIN_JUDGEABLE_SHARE * seen.len() as f32
        {
            return Err(Refusal::NotVisible {
                hidden,
                seen: seen.len(),
            });
        }

        // A head cut off at the top edge leaves the face landmarks guessed, and a camera aimed
        // that low also sees the posture from a steep angle the judge is least sure of.
        let seen = judgeable.len();
        let (judgeable, cut): (Vec<&Cues>, Vec<&Cues>) =
            judgeable.into_iter().partition(|c| c.eyes_in_frame);
        if cut.len() as f32 > (1.0 - MIN_JUDGEABLE_SHARE) * seen as f32 {
            return Err(Refusal::HeadCut {
                cut: cut.len(),
                seen,
            });
        }

        let rows: Vec<[f32; 8]> = judgeable.iter().map(|c| c.values()).collect();
        let mut centre = [0.0f32; 8];
        let mut spread = [0.0f32; 8];
        for i in 0..8 {
            let mut column: Vec<f32> = rows.iter().map(|row| row[i]).collect();
            let mid = median(&mut column);
            let mut deviations: Vec<f32> = column.iter().map(|v| (v - mid).abs()).collect();
            centre[i] = mid;
            spread[i] = 1.4826 * median(&mut deviations);
        }
        let spread = Cues::from_values(spread);
        for (cue, value, limit) in [
            ("head size", spread.head_scale_ln, MAX_SPREAD_HEAD_SCALE_LN),
            ("ear height", spread.ear_height, MAX_SPREAD_EAR_HEIGHT),
            (
                "shoulder height",
                spread.shoulder_height,
                MAX_SPREAD_SHOULDER_HEIGHT,
            ),
        ] {
            if value > limit {
                return Err(Refusal::Unsteady {
                    cue,
                    spread: value,
                    limit,
                });
            }
        }
        let created_unix_s = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Ok(Baseline {
            version: BASELINE_VERSION,
            source,
            model: model.to_owned(),
            frames: judgeable.len(),
            centre: Cues::from_values(centre),
            spread,
            created_unix_s,
        })
    }

    /// Refuse frames from another camera or resolution.
    pub fn check_source(&self, found: &SourceTag) -> Result<(), BaselineError> {
        let same_size = self.source.width == found.width && self.source.height == found.height;
        let same_camera = match (&self.source.camera, &found.camera) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        if same_size && same_camera {
            Ok(())
        } else {
            Err(BaselineError::OtherSource {
                expected: self.source.to_string(),
                found: found.to_string(),
            })
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|cause| BaselineError::Read {
            path: path.to_owned(),
            cause,
        })?;
        let corrupt = |reason: String| BaselineError::Corrupt {
            path: path.to_owned(),
            reason,
        };
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
        let found = value
            .get("version")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| corrupt("no version field".into()))?;
        if found != u64::from(BASELINE_VERSION) {
            return Err(BaselineError::Version {
                path: path.to_owned(),
                found: u32::try_from(found).unwrap_or(u32::MAX),
                expected: BASELINE_VERSION,
            });
        }
        serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))
    }

    /// Write atomically (temporary file + rename), creating the folder if needed.
    pub fn save(&self, path: &Path) -> Result<(), BaselineError> {
        let write_err = |cause| BaselineError::Write {
            path: path.to_owned(),
            cause,
        };
        let text =
            serde_json::to_string_pretty(self).map_err(|e| write_err(std::io::Error::other(e)))?;
        crate::files::write_atomic(path, (text + "\n").as_bytes()).map_err(write_err)
    }
}

/// The default baseline file: `$XDG_DATA_HOME/sitwell/baseline.json`
/// (or `~/.local/share/sitwell/baseline.json`).
pub fn default_path() -> Option<PathBuf> {
    Some(crate::files::data_dir()?.join("baseline.json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues(head: f32, ear: f32) -> Cues {
        Cues {
            shoulder_width_px: 200.0,
            head_scale_ln: head,
            ear_height: ear,
            shoulder_height: 0.4,
            nose_drop: 0.1,
            nose_offset: 0.0,
            ear_tilt_rad: 0.0,
            lean: 0.0,
            min_visibility: 0.99,
            in_frame: true,
            eyes_in_frame: true,
        }
    }

    fn tag() -> SourceTag {
        SourceTag {
            camera: None,
            width: 640,
            height: 480,
        }
    }

    #[test]
    fn a_steady_sitting_gives_its_median_and_spread() {
        let frames: Vec<Option<Cues>> = (0..21)
            .map(|i| Some(cues(-0.8 + 0.001 * (i % 3) as f32, -0.2)))
            .collect();
        let b = Baseline::calibrate(&frames, tag(), "lite").expect("steady sitting calibrates");
        assert!((b.centre.head_scale_ln - -0.799).abs() < 1e-6);
        assert!(b.spread.head_scale_ln > 0.0 && b.spread.head_scale_ln < 0.01);
        assert_eq!(b.frames, 21);
    }

    #[test]
    fn refusals_name_the_reason() {
        assert_eq!(
            Baseline::calibrate(&[], tag(), "lite"),
            Err(Refusal::NoFrames)
        );
        let mostly_empty = [None, None, Some(cues(-0.8, -0.2))];
        assert!(matches!(
            Baseline::calibrate(&mostly_empty, tag(), "lite"),
            Err(Refusal::NoPerson {
                missing: 2,
                total: 3
            })
        ));
        let mut hidden = cues(-0.8, -0.2);
        hidden.in_frame = false;
        assert!(matches!(
            Baseline::calibrate(&[Some(hidden); 4], tag(), "lite"),
            Err(Refusal::NotVisible { hidden: 4, seen: 4 })
        ));
        let mut cut = cues(-0.8, -0.2);
        cut.eyes_in_frame = false;
        let head_cut = Baseline::calibrate(&[Some(cut); 4], tag(), "lite").unwrap_err();
        assert_eq!(head_cut, Refusal::HeadCut { cut: 4, seen: 4 });
        assert!(head_cut.to_string().contains("tilt the camera up"));
        // One cut frame among ten is dropped, not refused.
        let mut mostly_whole = vec![Some(cues(-0.8, -0.2)); 9];
        mostly_whole.push(Some(cut));
        let b =
            Baseline::calibrate(&mostly_whole, tag(), "lite").expect("one cut frame is dropped");
        assert_eq!(b.frames, 9);
        let wobbly: Vec<Option<Cues>> = (0..10)
            .map(|i| Some(cues(-0.8, if i % 2 == 0 { -0.4 } else { 0.0 })))
            .collect();
        let refusal = Baseline::calibrate(&wobbly, tag(), "lite").unwrap_err();
        assert!(matches!(
            refusal,
            Refusal::Unsteady {
                cue: "ear height",
                ..
            }
        ));
        assert!(refusal.to_string().contains("sit still"));
    }

    #[test]
    fn another_resolution_or_camera_is_refused() {
        let mut b = Baseline::calibrate(&[Some(cues(-0.8, -0.2))], tag(), "lite").unwrap();
        assert!(b.check_source(&tag()).is_ok());
        let small = SourceTag {
            width: 320,
            ..tag()
        };
        let err = b.check_source(&small).unwrap_err().to_string();
        assert!(err.contains("640×480") && err.contains("320×480"), "{err}");
        b.source.camera = Some("Laptop cam".into());
        let other = SourceTag {
            camera: Some("USB cam".into()),
            ..tag()
        };
        assert!(b.check_source(&other).is_err());
    }

    #[test]
    fn save_load_round_trip_and_bad_files() {
        let dir = std::env::temp_dir().join(format!("sitwell-baseline-{}", std::process::id()));
        let path = dir.join("nested").join("baseline.json");
        let b = Baseline::calibrate(&[Some(cues(-0.8, -0.2))], tag(), "full").unwrap();
        b.save(&path).unwrap();
        assert_eq!(Baseline::load(&path).unwrap(), b);

        // Files saved before `eyes_in_frame` existed still load.
        let mut older: serde_json::Value = serde_json::to_value(&b).unwrap();
        for cues in ["centre", "spread"] {
            older[cues].as_object_mut().unwrap().remove("eyes_in_frame");
        }
        std::fs::write(&path, older.to_string()).unwrap();
        assert_eq!(Baseline::load(&path).unwrap(), b);

        std::fs::write(&path, "{ not json").unwrap();
        assert!(matches!(
            Baseline::load(&path),
            Err(BaselineError::Corrupt { .. })
        ));
        std::fs::write(&path, r#"{"version": 99}"#).unwrap();
        let err = Baseline::load(&path).unwrap_err().to_string();
        assert!(
            err.contains("version 99") && err.contains("calibrate again"),
            "{err}"
        );
        assert!(matches!(
            Baseline::load(&dir.join("missing.json")),
            Err(BaselineError::Read { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
