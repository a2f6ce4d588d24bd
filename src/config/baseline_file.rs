//! The user's baseline file: where it lives, reading it and writing it (privately and
//! atomically). What a baseline is, and its text, are `posture::baseline`'s.

use std::path::{Path, PathBuf};

use crate::posture::{Baseline, BaselineError};

/// The default baseline file: `$XDG_DATA_HOME/sitwell/baseline.json`
/// (or `~/.local/share/sitwell/baseline.json`).
pub fn default_path() -> Option<PathBuf> {
    Some(crate::files::data_dir()?.join("baseline.json"))
}

/// Reads the baseline at `path`.
pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
    let text = std::fs::read_to_string(path).map_err(|cause| BaselineError::Read {
        path: path.to_owned(),
        cause,
    })?;
    Baseline::parse(&text, path)
}

/// Writes `baseline` to `path` atomically (temporary file + rename), readable by the user
/// alone, creating the folder if needed.
pub fn save(baseline: &Baseline, path: &Path) -> Result<(), BaselineError> {
    crate::files::write_atomic(path, baseline.to_text().as_bytes()).map_err(|cause| {
        BaselineError::Write {
            path: path.to_owned(),
            cause,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posture::CameraPlace;
    use crate::posture::baseline::SourceTag;
    use crate::posture::cues::test_sighting;

    #[test]
    fn save_load_round_trip_and_bad_or_older_files() {
        let scratch = tempfile::tempdir().expect("a temp folder");
        let dir = scratch.path().to_path_buf();
        let path = dir.join("nested").join("baseline.json");
        let tag = SourceTag {
            camera: None,
            width: 640,
            height: 480,
        };
        let b = Baseline::calibrate(
            &[Some(test_sighting(200.0, 60.0))],
            tag,
            "full",
            CameraPlace::Laptop,
        )
        .expect("calibrates");
        save(&b, &path).expect("saved");
        assert_eq!(load(&path).expect("read back"), b);
        // A version 2 baseline (before the shoulder line was measured) is made again.
        let mut value: serde_json::Value =
            serde_json::from_str(&b.to_text()).expect("the baseline as JSON");
        value["version"] = 2.into();
        std::fs::write(&path, value.to_string()).expect("write");
        let err = load(&path).expect_err("older").to_string();
        assert!(
            err.contains("version 2") && err.contains("calibrate again"),
            "{err}"
        );

        std::fs::write(&path, "{ not json").expect("write");
        assert!(matches!(load(&path), Err(BaselineError::Corrupt { .. })));
        // A baseline from before Sitwell knew the camera: made again, with a reason.
        std::fs::write(&path, r#"{"version": 1}"#).expect("write");
        let err = load(&path).expect_err("older").to_string();
        assert!(
            err.contains("older Sitwell") && err.contains("calibrate again"),
            "{err}"
        );
        std::fs::write(&path, r#"{"version": 99}"#).expect("write");
        let err = load(&path).expect_err("newer").to_string();
        assert!(err.contains("version 99"), "{err}");
        assert!(matches!(
            load(&dir.join("missing.json")),
            Err(BaselineError::Read { .. })
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
