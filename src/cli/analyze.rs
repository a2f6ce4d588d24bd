//! `sitwell analyze`: keypoints (and, with a baseline, judgements) per frame of images,
//! folders and videos.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use sitwell::analyze::{self, AnalyzeOptions, Judging};
use sitwell::coach::EngineConfig;
use sitwell::config::baseline_file;
use sitwell::pose::{Mode, PoseEstimator};
use sitwell::posture::JudgeConfig;

pub(super) fn run_analyze(
    opts: AnalyzeOptions,
    print_stats: bool,
    output: Option<PathBuf>,
    inputs: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    // The mode is set per input; static is only the starting point.
    let mut estimator = PoseEstimator::new(opts.model, Mode::Static)?;
    let mut out: Box<dyn Write> = match &output {
        Some(path) => Box::new(std::io::BufWriter::new(
            sitwell::files::create_private(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut log = std::io::stderr();
    let outcome = analyze::run(&mut estimator, inputs, &opts, &mut out, &mut log)?;
    drop(out);
    if print_stats {
        eprintln!("{}", outcome.stats.to_text());
        eprintln!("{}", outcome.stats.to_json());
    }
    if outcome.failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "{} input(s) could not be read (see above); the others were processed",
            outcome.failures.len()
        );
        Ok(ExitCode::from(1))
    }
}

pub(super) fn load_judging(
    baseline: Option<PathBuf>,
    dwell: f64,
    sensitivity: f32,
) -> anyhow::Result<Option<Judging>> {
    let Some(path) = baseline else {
        return Ok(None);
    };
    Ok(Some(Judging {
        baseline: baseline_file::load(&path)?,
        judge: JudgeConfig {
            sensitivity,
            ..JudgeConfig::default()
        },
        engine: EngineConfig::default().with_dwell(dwell),
    }))
}
