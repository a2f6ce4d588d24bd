//! `sitwell calibrate`: a baseline from recorded frames.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sitwell::config::baseline_file;
use sitwell::pose::{LandmarkModel, Mode, PoseEstimator};
use sitwell::posture::CameraPlace;

pub(super) fn run_calibrate(
    out: &Path,
    model: LandmarkModel,
    place: CameraPlace,
    first_s: f64,
    fps: f64,
    inputs: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    let mut estimator = PoseEstimator::new(model, Mode::Static)?;
    let mut log = std::io::stderr();
    let calibrated = sitwell::calibrate::from_inputs(
        &mut estimator,
        model,
        place,
        inputs,
        fps,
        first_s,
        &mut log,
    );
    match calibrated {
        Ok(baseline) => {
            baseline_file::save(&baseline, out)?;
            eprintln!(
                "Calibrated from {} frames ({}): {}; baseline written to {}",
                baseline.frames,
                baseline.source,
                baseline.camera.describe(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e @ sitwell::calibrate::CalibrateError::Refused(_)) => {
            eprintln!("{e}");
            Ok(ExitCode::from(1))
        }
        Err(e) => Err(e.into()),
    }
}
