//! Calibration: the camera set-up and the user's own upright posture, as robust per-cue
//! centres and spreads.
//!
//! A baseline is built from a few seconds of upright sitting (or a set of stills), judged for
//! quality (a person, shoulders in view, the whole face in the picture and facing the camera,
//! sitting still) and refused with a reason otherwise. The camera's pitch is estimated from
//! the same frames ([`CameraGeometry::estimate`]), within what the user said of its place.
//! It belongs to one camera and resolution: [`Baseline::check_source`] refuses to judge frames
//! from another one rather than silently producing nonsense. Its file is small versioned JSON
//! ([`Baseline::parse`], [`Baseline::to_text`]); reading and writing it is
//! `config::baseline_file`'s.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::cues::{Cues, Sighting};
use super::level_view::{CameraGeometry, CameraPlace};

/// Version of the file layout; older or newer files are refused with a clear message.
/// Version 2 knows the camera (its place and pitch) and measures the head with the face mesh;
/// version 3 also the shoulder line's tilt (how the user sits sideways). An older baseline
/// cannot be read that way, so it is made again.
pub const BASELINE_VERSION: u32 = 3;

/// Calibration frames must show nose, ears and shoulders clearly: a baseline built on guessed
/// shoulders (cut off by the frame) would judge everything after it wrongly.
const CALIBRATION_MIN_VISIBILITY: f32 = 0.8;
/// Share of frames that must show a person, and of those, a judgeable one.
const MIN_PERSON_SHARE: f32 = 0.8;
const MIN_JUDGEABLE_SHARE: f32 = 0.8;
/// Steadiness limits on the spread (scaled MAD) of the cues that carry the judgement.
const MAX_SPREAD_HEAD_SCALE_LN: f32 = 0.04;
const MAX_SPREAD_HEAD_HEIGHT: f32 = 0.06;
const MAX_SPREAD_SHOULDER_HEIGHT: f32 = 0.06;
/// Beyond this yaw while looking at the screen, the camera sees the user from the side: the
/// frontal cues do not hold there.
const MAX_CALIBRATION_YAW_DEG: f32 = 20.0;
/// Room above the face (in face heights) calibration asks for, so that moving does not take
/// the head out of the picture; more when the camera looks up at the user, where leaning in
/// raises the head in the picture.
const MIN_HEADROOM: f32 = 0.1;
const MIN_HEADROOM_LOOKING_UP: f32 = 0.5;
/// A camera pitched up by this much looks up at the user.
const LOOKING_UP_DEG: f32 = 8.0;

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
    /// The camera as calibration understood it: its place and pitch.
    pub camera: CameraGeometry,
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
        "there is too little room above your head: leaning toward the screen would take it out of the picture; tilt the camera up a little (on a laptop, tilt the screen back) until there is space above your head"
    )]
    NoHeadroom,
    #[error(
        "your face is not clearly visible in {hidden} of {seen} frames: face your screen, with nothing in front of your face, in even light"
    )]
    FaceHidden { hidden: usize, seen: usize },
    #[error(
        "the camera sees you from the side (your face is turned {yaw_deg:.0}° from it while you look at your screen): put the camera in front of you, above or below the screen's middle"
    )]
    FromTheSide { yaw_deg: f32 },
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
        "baseline {path} was made by an older Sitwell (format version {found}), which measured less of how you sit; calibrate again"
    )]
    Older { path: PathBuf, found: u32 },
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

/// Median of a slice (sorted copy); NaN for an empty one, which callers never pass.
fn median(values: &mut [f32]) -> f32 {
    values.sort_by(f32::total_cmp);
    let n = values.len();
    if n == 0 {
        f32::NAN
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// One calibration test: the frames that pass it, how many were tested, and whether enough
/// passed ([`MIN_JUDGEABLE_SHARE`]).
fn keep(frames: Vec<&Sighting>, pass: impl Fn(&Sighting) -> bool) -> (Vec<&Sighting>, usize, bool) {
    let all = frames.len();
    let kept: Vec<&Sighting> = frames.into_iter().filter(|s| pass(s)).collect();
    let enough = !kept.is_empty() && kept.len() as f32 >= MIN_JUDGEABLE_SHARE * all as f32;
    (kept, all, enough)
}

impl Baseline {
    /// Build a baseline from the frames of an upright sitting: `None` entries are frames where
    /// no person was found; `place` is where the user said the camera is. Refuses with a
    /// reason when the sitting cannot be trusted.
    pub fn calibrate(
        frames: &[Option<Sighting>],
        source: SourceTag,
        model: &str,
        place: CameraPlace,
    ) -> Result<Baseline, Refusal> {
        let total = frames.len();
        if total == 0 {
            return Err(Refusal::NoFrames);
        }
        let seen: Vec<&Sighting> = frames.iter().flatten().collect();
        let missing = total - seen.len();
        if seen.is_empty() || (seen.len() as f32) < MIN_PERSON_SHARE * total as f32 {
            return Err(Refusal::NoPerson { missing, total });
        }
        let (visible, all, enough) = keep(seen, |s| {
            s.in_frame && s.min_visibility >= CALIBRATION_MIN_VISIBILITY
        });
        if !enough {
            return Err(Refusal::NotVisible {
                hidden: all - visible.len(),
                seen: all,
            });
        }
        // A head cut off at the top edge leaves the face guessed, and a camera aimed that low
        // also sees the posture from a steep angle the judge is least sure of.
        let (whole, all, enough) = keep(visible, |s| {
            s.eyes_in_frame && s.face.is_none_or(|f| f.inside)
        });
        if !enough {
            return Err(Refusal::HeadCut {
                cut: all - whole.len(),
                seen: all,
            });
        }
        let (faced, all, enough) = keep(whole, |s| s.face.is_some());
        if !enough {
            return Err(Refusal::FaceHidden {
                hidden: all - faced.len(),
                seen: all,
            });
        }
        let faces: Vec<_> = faced.iter().filter_map(|s| s.face).collect();
        let yaw = median(&mut faces.iter().map(|f| f.yaw_deg).collect::<Vec<_>>());
        if yaw.abs() > MAX_CALIBRATION_YAW_DEG {
            return Err(Refusal::FromTheSide { yaw_deg: yaw.abs() });
        }
        let camera = CameraGeometry::estimate(
            place,
            median(&mut faces.iter().map(|f| f.pitch_deg).collect::<Vec<_>>()),
            median(&mut faced.iter().map(|s| s.eyes.y).collect::<Vec<_>>()),
            source.width,
            source.height,
        );
        let looking_up = place == CameraPlace::Laptop || camera.tilt_deg >= LOOKING_UP_DEG;
        let need = if looking_up {
            MIN_HEADROOM_LOOKING_UP
        } else {
            MIN_HEADROOM
        };
        if median(&mut faces.iter().map(|f| f.headroom).collect::<Vec<_>>()) < need {
            return Err(Refusal::NoHeadroom);
        }

        let rows: Vec<[f32; 9]> = faced
            .iter()
            .filter_map(|s| Cues::measure(s, &camera))
            .map(|c| c.values())
            .collect();
        if rows.is_empty() {
            return Err(Refusal::FaceHidden {
                hidden: faced.len(),
                seen: faced.len(),
            });
        }
        let mut centre = [0.0f32; 9];
        let mut spread = [0.0f32; 9];
        for i in 0..centre.len() {
            let mut column: Vec<f32> = rows.iter().map(|row| row[i]).collect();
            let mid = median(&mut column);
            let mut deviations: Vec<f32> = column.iter().map(|v| (v - mid).abs()).collect();
            centre[i] = mid;
            spread[i] = 1.4826 * median(&mut deviations);
        }
        let spread = Cues::from_values(spread);
        for (cue, value, limit) in [
            ("head size", spread.head_scale_ln, MAX_SPREAD_HEAD_SCALE_LN),
            ("head height", spread.head_height, MAX_SPREAD_HEAD_HEIGHT),
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
            camera,
            frames: rows.len(),
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

    /// A baseline from the text of its file (`path` only names it in the messages): a file of
    /// an older version is [`BaselineError::Older`], anything else unreadable is `Corrupt`.
    pub fn parse(text: &str, path: &Path) -> Result<Baseline, BaselineError> {
        let corrupt = |reason: String| BaselineError::Corrupt {
            path: path.to_owned(),
            reason,
        };
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| corrupt(e.to_string()))?;
        let found = value
            .get("version")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| corrupt("no version field".into()))?;
        if found < u64::from(BASELINE_VERSION) {
            return Err(BaselineError::Older {
                path: path.to_owned(),
                found: u32::try_from(found).unwrap_or(0),
            });
        }
        if found != u64::from(BASELINE_VERSION) {
            return Err(BaselineError::Version {
                path: path.to_owned(),
                found: u32::try_from(found).unwrap_or(u32::MAX),
                expected: BASELINE_VERSION,
            });
        }
        serde_json::from_value(value).map_err(|e| corrupt(e.to_string()))
    }

    /// The text of its file: pretty JSON, with a final newline.
    pub fn to_text(&self) -> String {
        // A Baseline is plain numbers and strings: serializing it cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posture::cues::test_sighting;

    fn tag() -> SourceTag {
        SourceTag {
            camera: None,
            width: 640,
            height: 480,
        }
    }

    fn calibrate(frames: &[Option<Sighting>]) -> Result<Baseline, Refusal> {
        Baseline::calibrate(frames, tag(), "lite", CameraPlace::Other)
    }

    #[test]
    fn a_steady_sitting_gives_its_median_and_spread_and_the_camera() {
        let frames: Vec<Option<Sighting>> = (0..21)
            .map(|i| Some(test_sighting(200.0, 60.0 + 0.1 * (i % 3) as f32)))
            .collect();
        let b = calibrate(&frames).expect("steady sitting calibrates");
        let middle = Cues::measure(&test_sighting(200.0, 60.1), &b.camera).expect("judgeable");
        assert!((b.centre.head_scale_ln - middle.head_scale_ln).abs() < 1e-6);
        assert!(b.spread.head_scale_ln > 0.0 && b.spread.head_scale_ln < 0.01);
        assert_eq!(b.frames, 21);
        // The test face's pitch puts the camera level with the eyes; the eyes sit 50 px above
        // the centre, so the camera is pitched a little down.
        assert!(
            b.camera.tilt_deg < 0.0 && b.camera.tilt_deg > -10.0,
            "{:?}",
            b.camera
        );
    }

    #[test]
    fn refusals_name_the_reason() {
        assert_eq!(calibrate(&[]), Err(Refusal::NoFrames));
        let one = Some(test_sighting(200.0, 60.0));
        assert!(matches!(
            calibrate(&[None, None, one]),
            Err(Refusal::NoPerson {
                missing: 2,
                total: 3
            })
        ));
        let with = |change: &dyn Fn(&mut Sighting)| {
            let mut s = test_sighting(200.0, 60.0);
            change(&mut s);
            vec![Some(s); 4]
        };
        assert!(matches!(
            calibrate(&with(&|s| s.in_frame = false)),
            Err(Refusal::NotVisible { hidden: 4, seen: 4 })
        ));
        let head_cut = calibrate(&with(&|s| s.eyes_in_frame = false)).unwrap_err();
        assert_eq!(head_cut, Refusal::HeadCut { cut: 4, seen: 4 });
        assert!(head_cut.to_string().contains("tilt the camera up"));
        let hidden = calibrate(&with(&|s| s.face = None)).unwrap_err();
        assert_eq!(hidden, Refusal::FaceHidden { hidden: 4, seen: 4 });
        let side = calibrate(&with(&|s| {
            if let Some(f) = s.face.as_mut() {
                f.yaw_deg = 32.0;
            }
        }))
        .unwrap_err();
        assert!(matches!(side, Refusal::FromTheSide { .. }), "{side}");
        assert!(side.to_string().contains("in front of you"));
        // One cut frame among ten is dropped, not refused.
        let mut mostly_whole = vec![Some(test_sighting(200.0, 60.0)); 9];
        mostly_whole.extend(with(&|s| s.eyes_in_frame = false).into_iter().take(1));
        let b = calibrate(&mostly_whole).expect("one cut frame is dropped");
        assert_eq!(b.frames, 9);
        let wobbly: Vec<Option<Sighting>> = (0..10)
            .map(|i| Some(test_sighting(if i % 2 == 0 { 150.0 } else { 250.0 }, 60.0)))
            .collect();
        let refusal = calibrate(&wobbly).unwrap_err();
        assert!(
            matches!(
                refusal,
                Refusal::Unsteady {
                    cue: "head height",
                    ..
                }
            ),
            "{refusal}"
        );
        assert!(refusal.to_string().contains("sit still"));
    }

    #[test]
    fn another_resolution_or_camera_is_refused() {
        let mut b = calibrate(&[Some(test_sighting(200.0, 60.0))]).unwrap();
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
}
