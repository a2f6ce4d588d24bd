//! The `sitwell` command line: thin argument handling over the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use sitwell::analyze::{self, AnalyzeOptions, ModeChoice, OutputFormat};
use sitwell::capture::camera;
use sitwell::pose::{LandmarkModel, Mode, PoseEstimator};

#[derive(Parser)]
#[command(
    name = "sitwell",
    version,
    about = "A webcam posture monitor that stays out of your way."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Find the person in images, image folders or videos and print their keypoints per frame.
    Analyze {
        /// Landmark model: lite is faster, full a little more accurate.
        #[arg(long, value_enum, default_value_t = LandmarkModel::Lite)]
        model: LandmarkModel,
        /// Frame rate at which image folders are played.
        #[arg(long, default_value_t = 10.0)]
        fps: f64,
        /// Output format of the per-frame records.
        #[arg(long, value_enum, default_value_t = OutputFormat::Jsonl)]
        format: OutputFormat,
        /// auto: track people through videos, judge images one by one.
        #[arg(long, value_enum, default_value_t = ModeChoice::Auto)]
        mode: ModeChoice,
        /// Write every frame with the skeleton drawn, as PNG, into this folder.
        #[arg(long, value_name = "DIR")]
        annotate: Option<PathBuf>,
        /// Print timing and memory figures on stderr at the end (and one JSON line).
        #[arg(long)]
        stats: bool,
        /// Write records to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Image files, folders of images, or video files.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// List the cameras Sitwell can use.
    Devices,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SITWELL_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(Command::Analyze {
            model,
            fps,
            format,
            mode,
            annotate,
            stats,
            output,
            inputs,
        }) => run_analyze(
            AnalyzeOptions {
                model,
                fps,
                format,
                mode,
                annotate_dir: annotate,
            },
            stats,
            output,
            &inputs,
        ),
        Some(Command::Devices) => run_devices(),
        None => {
            eprintln!(
                "Sitwell's live monitor is not part of this build yet. Try:\n  \
                 sitwell analyze --annotate out/ photo.jpg   (keypoints of the person in a photo)\n  \
                 sitwell devices                            (the cameras Sitwell can see)\n  \
                 sitwell --help"
            );
            Ok(ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        ExitCode::from(2)
    })
}

fn run_analyze(
    opts: AnalyzeOptions,
    print_stats: bool,
    output: Option<PathBuf>,
    inputs: &[PathBuf],
) -> anyhow::Result<ExitCode> {
    // The mode is set per input; static is only the starting point.
    let mut estimator = PoseEstimator::new(opts.model, Mode::Static)?;
    let mut out: Box<dyn Write> = match &output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
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

fn run_devices() -> anyhow::Result<ExitCode> {
    let devices = camera::list_devices()?;
    if devices.is_empty() {
        println!("No cameras found.");
    }
    for d in devices {
        println!("{}\t{}\t{}", d.index, d.name, d.description);
    }
    Ok(ExitCode::SUCCESS)
}
