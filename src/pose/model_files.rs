//! The committed ONNX model files: where they are, and checking that they are the ones we ship.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::PoseError;

/// Environment variable naming the folder with the `.onnx` files.
pub const MODEL_DIR_VAR: &str = "SITWELL_MODEL_DIR";

/// One model file and the sha256 it must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelFile {
    pub file_name: &'static str,
    pub sha256: &'static str,
}

/// The person detector (converted from MediaPipe's `pose_detection.tflite`).
pub const DETECTOR: ModelFile = ModelFile {
    file_name: "pose_detection.onnx",
    sha256: "4cc806df6b70ffb93df83f0d59a3d599d0ff4fa0660dc2690e7fe23d26f1d769",
};

/// MediaPipe's face mesh (converted from `face_landmark.tflite`).
pub const FACE_MESH: ModelFile = ModelFile {
    file_name: "face_landmark.onnx",
    sha256: "7153c3423cae7cabd8ce0091ad0a37f168335ee7b1998b40b7b9acd5ab350258",
};

/// Which BlazePose landmark model to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LandmarkModel {
    /// Faster; what Sitwell uses by default.
    #[default]
    Lite,
    /// Slower, a little more accurate.
    Full,
}

impl LandmarkModel {
    pub const ALL: [LandmarkModel; 2] = [LandmarkModel::Lite, LandmarkModel::Full];

    pub fn file(self) -> ModelFile {
        match self {
            LandmarkModel::Lite => ModelFile {
                file_name: "pose_landmark_lite.onnx",
                sha256: "e3d4fe5eab9cb8072b5fcd4fe4525801126bb74bcc1da4521dcc7baa133d3b3c",
            },
            LandmarkModel::Full => ModelFile {
                file_name: "pose_landmark_full.onnx",
                sha256: "4ee669147d1f1d96ca8dd434235310277bcd09aec9a15286293631f3b04aa67c",
            },
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            LandmarkModel::Lite => "lite",
            LandmarkModel::Full => "full",
        }
    }
}

/// The model folder: `$SITWELL_MODEL_DIR`, else the install folders' `models/`
/// ([`crate::files::bundled`]).
pub fn model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(MODEL_DIR_VAR) {
        return PathBuf::from(dir);
    }
    // The folder that holds the detector.
    let detector = crate::files::bundled(&Path::new("models").join(DETECTOR.file_name));
    detector
        .parent()
        .map_or_else(|| PathBuf::from("models"), Path::to_path_buf)
}

/// Reads a model file and checks its sha256, so a truncated or swapped file is reported as
/// such instead of failing obscurely inside ONNX Runtime.
pub fn read_model(dir: &Path, model: ModelFile) -> Result<Vec<u8>, PoseError> {
    let path = dir.join(model.file_name);
    let bytes = std::fs::read(&path).map_err(|source| PoseError::ModelMissing {
        path: path.clone(),
        source,
    })?;
    let actual = hex(&Sha256::digest(&bytes));
    if actual != model.sha256 {
        return Err(PoseError::ModelCorrupt {
            path,
            expected: model.sha256,
            actual,
        });
    }
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_models_match_their_checksums() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
        for model in [
            DETECTOR,
            LandmarkModel::Lite.file(),
            LandmarkModel::Full.file(),
            FACE_MESH,
        ] {
            read_model(&dir, model).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn missing_and_corrupt_models_are_told_apart() {
        let scratch = tempfile::tempdir().expect("a temp folder");
        let dir = scratch.path().to_path_buf();
        std::fs::create_dir_all(&dir).expect("temp dir");
        let missing = read_model(&dir, DETECTOR).expect_err("no file");
        assert!(
            matches!(missing, PoseError::ModelMissing { .. }),
            "{missing}"
        );
        std::fs::write(dir.join(DETECTOR.file_name), b"not a model").expect("write");
        let corrupt = read_model(&dir, DETECTOR).expect_err("bad bytes");
        assert!(
            matches!(corrupt, PoseError::ModelCorrupt { .. }),
            "{corrupt}"
        );
        assert!(corrupt.to_string().contains("pose_detection.onnx"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
