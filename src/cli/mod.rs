//! The `sitwell` command line: the flags and subcommands (clap), and one module per group of
//! commands, each a thin layer over the library that prints and picks the exit status.

mod analyze;
mod calibrate;
mod history;
mod live;
mod man;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use sitwell::analyze::{AnalyzeOptions, ModeChoice, OutputFormat, TrackClock};
use sitwell::config::table;
use sitwell::history::report::Format;
use sitwell::launch::{self, LiveArgs};
use sitwell::pose::LandmarkModel;
use sitwell::posture::CameraPlace;

#[derive(Parser)]
#[command(
    name = "sitwell",
    version,
    about = "A webcam posture monitor that stays out of your way."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// With no command: the overlay (calibrating first if there is no baseline).
    #[command(flatten)]
    live: LiveArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Find the person in images, image folders or videos and print their keypoints per frame.
    Analyze {
        #[arg(long, value_name = "MODEL", default_value = "lite", help = table::MODEL.doc, value_parser = launch::model_flag)]
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
        /// Clock for tracking: the video's own, or MediaPipe's Python API's fixed 30 fps (to
        /// compare with mp.solutions.pose frame for frame).
        #[arg(long, value_enum, default_value_t = TrackClock::Video)]
        clock: TrackClock,
        /// Write every frame with the skeleton drawn, as PNG, into this folder.
        #[arg(long, value_name = "DIR")]
        annotate: Option<PathBuf>,
        /// Print timing and memory figures on stderr at the end (and one JSON line).
        #[arg(long)]
        stats: bool,
        /// Write records to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Judge posture against this baseline (from `sitwell calibrate`) and add angles,
        /// pattern, score and the nudge engine's events to every record.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        #[arg(
            long,
            default_value_t = table::DWELL_S.default,
            value_name = "SECONDS",
            requires = "baseline",
            help = table::DWELL_S.flag_help(),
            value_parser = launch::dwell_flag
        )]
        dwell: f64,
        #[arg(
            long,
            default_value_t = table::SENSITIVITY.default,
            value_name = "FACTOR",
            requires = "baseline",
            help = table::SENSITIVITY.flag_help(),
            value_parser = launch::sensitivity_flag
        )]
        sensitivity: f32,
        /// Image files, folders of images, or video files.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// Build a posture baseline from frames of you sitting upright (stills, a folder, or the
    /// first seconds of a video).
    Calibrate {
        /// Where to write the baseline.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_name = "MODEL", default_value = "lite", help = table::MODEL.doc, value_parser = launch::model_flag)]
        model: LandmarkModel,
        /// Use only the first SECONDS of each video.
        #[arg(long, default_value_t = 5.0, value_name = "SECONDS")]
        first: f64,
        /// Frame rate at which image folders are played.
        #[arg(long, default_value_t = 10.0)]
        fps: f64,
        /// Where the camera is: laptop, monitor (on top of one) or other (its pitch is then
        /// read from the picture alone).
        #[arg(long, default_value = "other", value_name = "PLACE", value_parser = launch::camera_place_flag)]
        camera_at: CameraPlace,
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
    },
    /// List the cameras Sitwell can use.
    Devices,
    /// Run the live pipeline; with --headless, without a window (effects are printed).
    Watch {
        /// No window: print what happens, and with --stats what it cost.
        #[arg(long)]
        headless: bool,
        /// Play a file at its own pace, as if it were a camera (default: as fast as possible,
        /// without dropping a frame).
        #[arg(long)]
        realtime: bool,
        /// Print average CPU %, peak memory and frames analysed at the end (and one JSON line).
        #[arg(long)]
        stats: bool,
        #[command(flatten)]
        live: LiveArgs,
    },
    /// Summarise your posture history, one row per day (default: the last 7 days).
    Report {
        /// First day: YYYY-MM-DD, today, yesterday, or Nd (N days ago). Default: 6d.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Last day (inclusive). Default: today.
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
        #[command(flatten)]
        db: DbArg,
    },
    /// Write the history as CSV, one row per 10-second slice (columns: docs/command-line.md).
    Export {
        /// The CSV file to write (`-` for standard output).
        #[arg(long, value_name = "FILE")]
        csv: PathBuf,
        /// First day (default: the oldest in the history).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Last day, inclusive (default: today).
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
        #[command(flatten)]
        db: DbArg,
    },
    /// Delete your posture history.
    Forget {
        /// Everything: every slice and event, and any damaged copies moved aside.
        #[arg(long, required = true)]
        all: bool,
        #[command(flatten)]
        db: DbArg,
    },
    /// Open the history dashboard: today's timeline, time per pattern, moves, trends.
    Dashboard {
        /// The day to show (default: today).
        #[arg(long, value_name = "DATE")]
        day: Option<String>,
        /// Quit after this many seconds.
        #[arg(long, value_name = "SECONDS")]
        exit_after: Option<f64>,
        /// Save a PNG of the window just before --exit-after ends the run.
        #[arg(long, value_name = "FILE", requires = "exit_after")]
        screenshot: Option<PathBuf>,
        #[command(flatten)]
        db: DbArg,
    },
    /// Write the man page and the shell completions, generated from these definitions, into a
    /// folder (`scripts/package` installs them).
    #[command(hide = true)]
    ManAndCompletions {
        #[arg(value_name = "DIR")]
        out: PathBuf,
    },
    /// Fill a history file with synthetic workdays (for screenshots and size measurements).
    #[command(hide = true)]
    SeedHistory {
        /// The file to fill (never the default history).
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        #[arg(long, default_value_t = 30)]
        days: u64,
        /// The last day (default: today).
        #[arg(long, value_name = "DATE")]
        until: Option<String>,
    },
}

/// The history database a command reads or writes.
#[derive(clap::Args)]
struct DbArg {
    /// History database (default: $XDG_DATA_HOME/sitwell/history.sqlite).
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
}

impl DbArg {
    fn path(&self) -> anyhow::Result<PathBuf> {
        self.db
            .clone()
            .or_else(sitwell::history::default_path)
            .context("no history location: set HOME or XDG_DATA_HOME, or pass --db FILE")
    }
}

impl Cli {
    /// Runs the command; an error is printed and ends in exit status 2.
    pub fn run(self) -> ExitCode {
        let result = match self.command {
            Some(Command::Analyze {
                model,
                fps,
                format,
                mode,
                clock,
                annotate,
                stats,
                output,
                baseline,
                dwell,
                sensitivity,
                inputs,
            }) => analyze::load_judging(baseline, dwell, sensitivity).and_then(|judging| {
                analyze::run_analyze(
                    AnalyzeOptions {
                        model,
                        fps,
                        format,
                        mode,
                        clock,
                        annotate_dir: annotate,
                        judging,
                    },
                    stats,
                    output,
                    &inputs,
                )
            }),
            Some(Command::Calibrate {
                out,
                model,
                first,
                fps,
                camera_at,
                inputs,
            }) => calibrate::run_calibrate(&out, model, camera_at, first, fps, &inputs),
            Some(Command::Devices) => live::run_devices(),
            Some(Command::ManAndCompletions { out }) => man::write_man_and_completions(&out),
            Some(Command::Watch {
                headless: true,
                realtime,
                stats,
                live,
            }) => live::run_watch(&live, realtime, stats),
            Some(Command::Watch { live, stats, .. }) => live::run_overlay(&live, stats),
            Some(Command::Report {
                since,
                until,
                format,
                db,
            }) => db.path().and_then(|db| {
                history::run_report(&db, since.as_deref(), until.as_deref(), format)
            }),
            Some(Command::Export {
                csv,
                since,
                until,
                db,
            }) => db
                .path()
                .and_then(|db| history::run_export(&db, &csv, since.as_deref(), until.as_deref())),
            Some(Command::SeedHistory { db, days, until }) => {
                history::run_seed(&db, days, until.as_deref())
            }
            Some(Command::Forget { db, .. }) => db.path().and_then(|db| history::run_forget(&db)),
            Some(Command::Dashboard {
                day,
                exit_after,
                screenshot,
                db,
            }) => db.path().and_then(|db| {
                let day = day.as_deref().map(history::parse_day).transpose()?;
                sitwell::ui::dashboard::run_window(db, day, exit_after, screenshot)?;
                Ok(ExitCode::SUCCESS)
            }),
            None => live::run_overlay(&self.live, false),
        };
        result.unwrap_or_else(|e| {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        })
    }
}
