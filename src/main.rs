//! The `sitwell` command line: thin argument handling over the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use sitwell::analyze::{self, AnalyzeOptions, Judging, ModeChoice, OutputFormat, TrackClock};
use sitwell::capture::camera;
use sitwell::coach::EngineConfig;
use sitwell::config::table;
use sitwell::history::report::{self, Format};
use sitwell::history::store::Opened;
use sitwell::history::{self, InstanceLock, Store, summary};
use sitwell::launch::{self, LiveArgs};
use sitwell::live::Pacing;
use sitwell::pose::{LandmarkModel, Mode, PoseEstimator};
use sitwell::posture::{Baseline, CameraPlace, JudgeConfig};

#[derive(Parser)]
#[command(
    name = "sitwell",
    version,
    about = "A webcam posture monitor that stays out of your way."
)]
struct Cli {
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
            .or_else(history::default_path)
            .context("no history location: set HOME or XDG_DATA_HOME, or pass --db FILE")
    }
}

fn main() -> ExitCode {
    sitwell::memory::limit_arenas();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("SITWELL_LOG")
                .unwrap_or_else(|_| "warn,winit=error,zbus=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // Files an older Sitwell left readable by others: the user's alone now.
    for problem in sitwell::files::tighten_private_files() {
        eprintln!("{problem}");
    }
    let result = match cli.command {
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
        }) => load_judging(baseline, dwell, sensitivity).and_then(|judging| {
            run_analyze(
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
        }) => run_calibrate(&out, model, camera_at, first, fps, &inputs),
        Some(Command::Devices) => run_devices(),
        Some(Command::ManAndCompletions { out }) => write_man_and_completions(&out),
        Some(Command::Watch {
            headless: true,
            realtime,
            stats,
            live,
        }) => run_watch(&live, realtime, stats),
        Some(Command::Watch { live, stats, .. }) => run_overlay(&live, stats),
        Some(Command::Report {
            since,
            until,
            format,
            db,
        }) => db
            .path()
            .and_then(|db| run_report(&db, since.as_deref(), until.as_deref(), format)),
        Some(Command::Export {
            csv,
            since,
            until,
            db,
        }) => db
            .path()
            .and_then(|db| run_export(&db, &csv, since.as_deref(), until.as_deref())),
        Some(Command::SeedHistory { db, days, until }) => run_seed(&db, days, until.as_deref()),
        Some(Command::Forget { db, .. }) => db.path().and_then(|db| run_forget(&db)),
        Some(Command::Dashboard {
            day,
            exit_after,
            screenshot,
            db,
        }) => db.path().and_then(|db| {
            let day = day.as_deref().map(parse_day).transpose()?;
            sitwell::ui::dashboard::run_window(db, day, exit_after, screenshot)?;
            Ok(ExitCode::SUCCESS)
        }),
        None => run_overlay(&cli.live, false),
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

fn load_judging(
    baseline: Option<PathBuf>,
    dwell: f64,
    sensitivity: f32,
) -> anyhow::Result<Option<Judging>> {
    let Some(path) = baseline else {
        return Ok(None);
    };
    Ok(Some(Judging {
        baseline: Baseline::load(&path)?,
        judge: JudgeConfig {
            sensitivity,
            ..JudgeConfig::default()
        },
        engine: EngineConfig::default().with_dwell(dwell),
    }))
}

fn run_calibrate(
    out: &std::path::Path,
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
            baseline.save(out)?;
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

/// `sitwell.1` (with a page per subcommand, `sitwell-analyze.1`, …) and completions for bash,
/// zsh and fish.
fn write_man_and_completions(out: &std::path::Path) -> anyhow::Result<ExitCode> {
    use clap::CommandFactory;
    let command = Cli::command();
    let man = out.join("man");
    std::fs::create_dir_all(&man).with_context(|| format!("cannot create {}", man.display()))?;
    clap_mangen::generate_to(command.clone(), &man)
        .with_context(|| format!("cannot write the man pages into {}", man.display()))?;
    let completions = out.join("completions");
    std::fs::create_dir_all(&completions)
        .with_context(|| format!("cannot create {}", completions.display()))?;
    for shell in [
        clap_complete::Shell::Bash,
        clap_complete::Shell::Zsh,
        clap_complete::Shell::Fish,
    ] {
        clap_complete::generate_to(shell, &mut command.clone(), "sitwell", &completions)
            .with_context(|| format!("cannot write the {shell} completions"))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn run_watch(args: &LiveArgs, realtime: bool, print_stats: bool) -> anyhow::Result<ExitCode> {
    let pacing = if realtime {
        Pacing::Realtime
    } else {
        Pacing::LockStep
    };
    let launch = args.resolve(pacing)?;
    for problem in &launch.settings_problems {
        eprintln!("{problem}");
    }
    if let Some(problem) = &launch.baseline_problem {
        eprintln!("{problem}");
    }
    let _lock = match lock_history(&launch.live) {
        Ok(lock) => lock,
        Err(refused) => return Ok(refused),
    };
    sitwell::signals::install();
    let mut log = std::io::stderr();
    let report = sitwell::watch::run(launch.live, launch.exit_after, &mut log)?;
    if print_stats {
        report.print();
    }
    Ok(ExitCode::SUCCESS)
}

fn run_overlay(args: &LiveArgs, print_stats: bool) -> anyhow::Result<ExitCode> {
    let launch = args.resolve(Pacing::Realtime)?;
    let _lock = match lock_history(&launch.live) {
        Ok(lock) => lock,
        Err(refused) => {
            sitwell::ui::notify::already_running();
            return Ok(refused);
        }
    };
    repair_autostart();
    sitwell::signals::install();
    sitwell::ui::run(launch, print_stats, args.screenshot.clone())?;
    Ok(ExitCode::SUCCESS)
}

/// Points a start-at-login entry left by a copy that is gone (a cleaned build, a moved or
/// uninstalled one) at this program.
fn repair_autostart() {
    let (Some(entry), Ok(exe)) = (
        sitwell::autostart::autostart_path(),
        std::env::current_exe(),
    ) else {
        return;
    };
    match sitwell::autostart::repair_autostart(&entry, &exe) {
        Ok(true) => eprintln!(
            "the start-at-login entry {} started a program that no longer exists; it now starts {}",
            entry.display(),
            exe.display()
        ),
        Ok(false) => {}
        Err(e) => eprintln!(
            "cannot repair the start-at-login entry {}: {e}",
            entry.display()
        ),
    }
}

fn run_devices() -> anyhow::Result<ExitCode> {
    let devices = camera::list_devices()?;
    if devices.is_empty() {
        println!("No cameras found.");
    }
    for d in devices {
        let note = if d.is_infrared() {
            "\t(infrared face-unlock sensor: not offered, nobody can be judged on its picture)"
        } else {
            ""
        };
        println!("{}\t{}\t{}{note}", d.index, d.name, d.description);
    }
    Ok(ExitCode::SUCCESS)
}

/// One Sitwell per history: the lock, or the polite refusal already printed (exit status 1).
fn lock_history(live: &sitwell::live::LiveOptions) -> Result<Option<InstanceLock>, ExitCode> {
    let Some(history) = &live.history else {
        return Ok(None);
    };
    match InstanceLock::acquire(&history.path) {
        Ok(lock) => Ok(Some(lock)),
        Err(e @ history::lock::LockError::Held { .. }) => {
            eprintln!("{e}");
            Err(ExitCode::from(1))
        }
        Err(e) => {
            // A lock file that cannot be made must not stop monitoring.
            tracing::warn!("{e}; running without the one-instance check");
            Ok(None)
        }
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn parse_day(text: &str) -> anyhow::Result<chrono::NaiveDate> {
    report::parse_date(text, today()).map_err(anyhow::Error::msg)
}

/// A `--until`-style day: the one given, else today.
fn day_or_today(text: Option<&str>) -> anyhow::Result<chrono::NaiveDate> {
    text.map_or_else(|| Ok(today()), parse_day)
}

/// Opens an existing history for a command. With no Sitwell running on it, the command may
/// upgrade it or move a damaged file aside (and says so); otherwise it only reads.
fn open_history(db: &std::path::Path) -> anyhow::Result<Option<Store>> {
    if !db.exists() {
        eprintln!(
            "There is no history at {} yet. Sitwell keeps one while it watches your camera \
             (or: sitwell watch --headless --source CLIP --db {}).",
            db.display(),
            db.display()
        );
        return Ok(None);
    }
    let Ok(_lock) = InstanceLock::acquire(db) else {
        return Ok(Some(Store::open_existing(db)?));
    };
    let (store, opened) = Store::open(db)?;
    if let Some(notice) = opened.notice(db) {
        eprintln!("{notice}");
    }
    Ok(match opened {
        Opened::MovedAside { .. } => None,
        Opened::Ready => Some(store),
    })
}

fn run_report(
    db: &std::path::Path,
    since: Option<&str>,
    until: Option<&str>,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let until = day_or_today(until)?;
    let since = match since {
        Some(text) => parse_day(text)?,
        None => until
            .checked_sub_days(chrono::Days::new(6))
            .unwrap_or(until),
    };
    if since > until {
        anyhow::bail!("--since {since} is after --until {until}");
    }
    let Some(store) = open_history(db)? else {
        return Ok(ExitCode::from(1));
    };
    let days = summary::days(&store, since, until, &chrono::Local)?;
    print!("{}", report::render_days(&days, format));
    Ok(ExitCode::SUCCESS)
}

fn run_export(
    db: &std::path::Path,
    csv: &std::path::Path,
    since: Option<&str>,
    until: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let Some(store) = open_history(db)? else {
        return Ok(ExitCode::from(1));
    };
    let until = day_or_today(until)?;
    let since = match since {
        Some(text) => parse_day(text)?,
        None => match store.span()? {
            Some((oldest, _)) => summary::date_of(oldest, &chrono::Local),
            None => until,
        },
    };
    if csv == std::path::Path::new("-") {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        report::export_csv(&store, since, until, &chrono::Local, &mut out)?;
        out.flush()?;
    } else {
        let file = sitwell::files::create_private(csv)
            .with_context(|| format!("cannot create {}", csv.display()))?;
        let mut out = std::io::BufWriter::new(file);
        let rows = report::export_csv(&store, since, until, &chrono::Local, &mut out)?;
        out.flush()
            .with_context(|| format!("cannot write {}", csv.display()))?;
        eprintln!(
            "{rows} slices ({since} to {until}) written to {}",
            csv.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_forget(db: &std::path::Path) -> anyhow::Result<ExitCode> {
    let _lock = match InstanceLock::acquire(db) {
        Ok(lock) => lock,
        Err(e @ history::lock::LockError::Held { .. }) => {
            eprintln!("{e}\nQuit it first (menu → Quit), then run `sitwell forget --all` again.");
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(e.into()),
    };
    let forgotten = if db.exists() {
        let (mut store, _) = Store::open(db)?;
        let counts = store.counts()?;
        store.forget_all()?;
        Some(counts)
    } else {
        None
    };
    // After opening, which may itself have moved a damaged file aside.
    let removed_copies = history::store::moved_aside_copies(db)
        .into_iter()
        .filter(|copy| std::fs::remove_file(copy).is_ok())
        .count();
    match forgotten {
        Some((slices, events)) => println!(
            "Forgot {slices} slices and {events} events; {} is empty now.",
            db.display()
        ),
        None => println!("There was no history at {}.", db.display()),
    }
    if removed_copies > 0 {
        println!("Also removed {removed_copies} damaged cop(ies) moved aside earlier.");
    }
    Ok(ExitCode::SUCCESS)
}

fn run_seed(db: &std::path::Path, days: u64, until: Option<&str>) -> anyhow::Result<ExitCode> {
    let until = day_or_today(until)?;
    let started = std::time::Instant::now();
    let (mut store, _) = Store::open(db)?;
    let slices = history::sample::fill(&mut store, until, days, &chrono::Local)?;
    store.checkpoint()?;
    let bytes = std::fs::metadata(db).map(|m| m.len()).unwrap_or(0);
    println!(
        "{days} days ({slices} slices) written to {} in {:.1} s: {:.1} MB",
        db.display(),
        started.elapsed().as_secs_f64(),
        bytes as f64 / 1e6
    );
    Ok(ExitCode::SUCCESS)
}
