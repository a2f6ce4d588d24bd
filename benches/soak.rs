//! The soak: a long working day replayed through the live session as fast as it goes, with
//! the real journal (a real history database on its writer thread, a real event log). Each
//! simulated hour the user sits upright, slouches until nudged and does the move, leaves the
//! desk (the camera is released and peeks), takes a call and a pause. Frames are taken at the
//! session's own pace, as the capture thread would hand them over; the poses are the real
//! model's, found once on rendered stills. Prints the process's memory and the history
//! writer's backlog every simulated hour. Fails if memory grows more than 4 MB after the first
//! hour (with two hours or more), if the backlog at an hour's end is more than one batch (a
//! writer that does not keep up; the replay outruns its 30 s commits, so rows go in batches of
//! 500), if a history row is lost, or if an hour passes without its nudge.
//!
//! Run: `cargo bench --bench soak` (24 hours; `-- --hours N` for another length, `--with-model`
//! to run the pose model on every analysed frame as well). Under `cargo test` it plays one
//! hour as a smoke test.

use std::path::Path;
use std::time::Instant;

use image::RgbImage;
use sitwell::capture::CaptureError;
use sitwell::coach::{EngineConfig, UserAction};
use sitwell::history::Writer;
use sitwell::live::command::CallChange;
use sitwell::live::journal::Journal;
use sitwell::live::session::{At, Input, Look, Session, SessionSetup, SourceEvent, Step};
use sitwell::live::{Command, Phase};
use sitwell::pose::{LandmarkModel, Mode, Pose, PoseEstimator};
use sitwell::posture::{CameraPlace, JudgeConfig};

/// Memory may grow this much after the first hour (allocator noise, SQLite's page cache).
const FLAT_MB: f64 = 4.0;
/// Camera frames arrive at this rate; the session takes the ones it wants.
const FPS: f64 = 30.0;
/// With nothing to analyse, the inference thread ticks this often.
const TICK_S: f64 = 0.1;

/// What the user is doing.
#[derive(Clone, Copy, PartialEq)]
enum Doing {
    Upright,
    Slouched,
    Leaning,
    Away,
}

/// One simulated hour, minute by minute: what the user does, and what they do at its start.
fn hour_plan(minute: u32) -> (Doing, Option<Command>) {
    match minute {
        0..=19 => (Doing::Upright, None),
        20..=24 => (Doing::Slouched, None),
        25 => (Doing::Upright, Some(Command::Act(UserAction::Done))),
        26..=34 => (Doing::Upright, None),
        35..=44 => (Doing::Away, None),
        45 => (
            Doing::Upright,
            Some(Command::CallDetected(CallChange {
                on: true,
                by: Some("zoom".into()),
            })),
        ),
        46..=49 => (Doing::Upright, None),
        50 => (
            Doing::Upright,
            Some(Command::CallDetected(CallChange {
                on: false,
                by: None,
            })),
        ),
        51 => (
            Doing::Upright,
            Some(Command::Act(UserAction::Pause {
                seconds: Some(300.0),
            })),
        ),
        52..=55 => (Doing::Upright, None),
        _ => (Doing::Leaning, None),
    }
}

/// A picture and the pose the model found on it.
struct Still {
    picture: RgbImage,
    pose: Pose,
}

struct Poses {
    upright: [Still; 2],
    slouched: Still,
    leaning: Still,
}

impl Poses {
    fn of(&self, doing: Doing, frame_no: u64) -> Option<&Still> {
        match doing {
            Doing::Upright => Some(&self.upright[(frame_no % 2) as usize]),
            Doing::Slouched => Some(&self.slouched),
            Doing::Leaning => Some(&self.leaning),
            Doing::Away => None,
        }
    }
}

fn poses() -> Poses {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/synthetic");
    let mut estimator =
        PoseEstimator::new(LandmarkModel::Lite, Mode::Static).expect("the pose model loads");
    let mut still = |name: &str| {
        let picture = image::open(dir.join(name))
            .expect("fixture reads")
            .to_rgb8();
        let pose = estimator.estimate(&picture, 0.0).expect("model runs");
        Still {
            pose: pose.expect("a person is found"),
            picture,
        }
    };
    Poses {
        upright: [still("D1_upright.jpg"), still("D1_upright_var.jpg")],
        slouched: still("D1_slouch_100.jpg"),
        leaning: still("D1_slouch_050.jpg"),
    }
}

/// This process's resident memory, MB.
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

#[derive(Default)]
struct Counts {
    frames: u64,
    ticks: u64,
    nudges: u64,
    camera_on: u64,
    effects: u64,
    /// The session asked for the tracker to start afresh (a reopened camera).
    forget_tracking: bool,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let benching = args.iter().any(|a| a == "--bench");
    let hours: u32 = args
        .iter()
        .position(|a| a == "--hours")
        .and_then(|i| args.get(i + 1)?.parse().ok())
        .unwrap_or(if benching { 24 } else { 1 });
    // The pose model on every analysed frame too (slower: about 10 ms a frame).
    let with_model = args.iter().any(|a| a == "--with-model");
    let mut estimator = with_model.then(|| {
        PoseEstimator::new(LandmarkModel::Lite, Mode::Tracking).expect("the pose model loads")
    });
    sitwell::platform::process::limit_arenas();
    let poses = poses();
    let dir = std::env::temp_dir().join(format!("sitwell-soak-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let origin = sitwell::history::unix_now();
    let writer = Writer::start(dir.join("history.sqlite"), 90).expect("the history writer");
    let log = std::fs::File::create(dir.join("events.jsonl")).expect("the event log");
    let mut journal = Journal::new(Some(Box::new(log)), Some(writer));
    let (mut session, step) = Session::new(SessionSetup {
        model: LandmarkModel::Lite.name(),
        camera_place: CameraPlace::Laptop,
        baseline: None,
        judge: JudgeConfig::default(),
        engine: EngineConfig::default(),
        start_paused: false,
        battery_saver: true,
        from_camera: true,
        history_origin: Some(origin),
    });
    let mut counts = Counts::default();
    let apply = |step: Step, journal: &mut Journal, counts: &mut Counts| {
        counts.effects += step.effects.len() as u64;
        counts.forget_tracking |= step.forget_tracking;
        counts.nudges += step
            .effects
            .iter()
            .filter(|e| e.effect.kind() == "nudge")
            .count() as u64;
        if let Some(problem) = journal.write(step.journal) {
            panic!("{problem}");
        }
    };
    apply(step, &mut journal, &mut counts);
    let started = Instant::now();
    let end_t = f64::from(hours) * 3600.0;
    let (mut t, mut last_step_t, mut frame_no) = (0.0f64, 0.0f64, 0u64);
    let mut camera_on = false;
    let mut last_trim_t = 0.0;
    let mut hour_rss = Vec::new();
    // The writer's backlog: its peak at any minute, and at each hour once the writer has had
    // a moment (the replay runs thousands of times faster than its 30 s flushes).
    let (mut peak_backlog, mut max_backlog) = (0usize, 0usize);
    let mut last_minute = u32::MAX;
    println!("hour  rss MB  backlog  frames  nudges  camera opens  phase");
    while t < end_t {
        t += 1.0 / FPS;
        let at = At {
            t,
            unix: origin + t,
            since_start: t,
        };
        let minute = ((t / 60.0) as u32) % 60;
        let (doing, command) = hour_plan(minute);
        if minute != last_minute {
            last_minute = minute;
            if let Some(command) = command {
                let step = session.step(at, Input::Command(command));
                apply(step, &mut journal, &mut counts);
            }
        }
        // The capture thread: opens and releases the camera as steered.
        let steer = session.steer();
        if steer.camera_wanted != camera_on {
            camera_on = steer.camera_wanted;
            let event = if camera_on {
                counts.camera_on += 1;
                SourceEvent::Opened {
                    name: "soak camera".into(),
                }
            } else {
                SourceEvent::Released
            };
            let step = session.step(at, Input::Source(event));
            apply(step, &mut journal, &mut counts);
            last_step_t = t;
        }
        if camera_on && t >= steer.want_from {
            frame_no += 1;
            if std::mem::take(&mut counts.forget_tracking)
                && let Some(estimator) = estimator.as_mut()
            {
                estimator.reset();
            }
            let still = poses.of(doing, frame_no);
            // Away: an empty chair (the upright picture, nobody found on it).
            let picture = &still.unwrap_or(&poses.upright[0]).picture;
            let modelled = match estimator.as_mut() {
                Some(estimator) if still.is_some() => {
                    estimator.estimate(picture, t).expect("model runs")
                }
                _ => None,
            };
            let pose = match &estimator {
                Some(_) => modelled.as_ref(),
                None => still.map(|s| &s.pose),
            };
            // Now and then a frame the camera garbled.
            if frame_no.is_multiple_of(997) {
                let error = CaptureError::CameraFrame {
                    name: "soak camera".into(),
                    reason: "truncated".into(),
                };
                let step = session.step(at, Input::Source(SourceEvent::Skipped(error)));
                apply(step, &mut journal, &mut counts);
            }
            let look = Look {
                picture,
                pose,
                model_ran: true,
            };
            let step = session.step(at, Input::Looked(look));
            apply(step, &mut journal, &mut counts);
            counts.frames += 1;
            last_step_t = t;
        } else if t - last_step_t >= TICK_S {
            let step = session.step(at, Input::Tick);
            apply(step, &mut journal, &mut counts);
            counts.ticks += 1;
            last_step_t = t;
        }
        if t - last_trim_t >= 60.0 {
            // As the inference thread does each minute.
            sitwell::platform::process::release_free_heap();
            last_trim_t = t;
            peak_backlog = peak_backlog.max(journal.backlog());
        }
        let hour = (t / 3600.0) as u32;
        if hour as usize > hour_rss.len() || t >= end_t {
            // Let the writer catch up to what a real minute would give it.
            std::thread::sleep(std::time::Duration::from_millis(300));
            let rss = rss_mb();
            hour_rss.push(rss);
            max_backlog = max_backlog.max(journal.backlog());
            let phase = match &session.snapshot().phase {
                Phase::Monitoring => "monitoring".to_owned(),
                other => format!("{other:?}"),
            };
            println!(
                "{:>4}  {rss:>6.1}  {:>7}  {:>6}  {:>6}  {:>12}  {phase}",
                hour_rss.len(),
                journal.backlog(),
                counts.frames,
                counts.nudges,
                counts.camera_on,
            );
        }
    }
    let entries = session.finish();
    let _ = journal.write(entries);
    let written = journal.close().expect("a history was kept");
    let wall = started.elapsed().as_secs_f64();
    let after_warm_up = &hour_rss[1.min(hour_rss.len() - 1)..];
    let low = after_warm_up.iter().copied().fold(f64::INFINITY, f64::min);
    let high = after_warm_up
        .iter()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    let growth = high - low;
    let db_mb = std::fs::metadata(dir.join("history.sqlite")).map_or(0.0, |m| m.len() as f64 / 1e6);
    println!(
        "soak: {hours} h simulated in {wall:.1} s ({:.0}x); {} frames analysed, {} ticks, \
         {} nudges, camera opened {} times; history {} slices + {} events written, {} lost \
         ({db_mb:.2} MB); writer backlog at most {max_backlog} rows at the hours ({peak_backlog} at any minute); memory after the first \
         hour {low:.1}–{high:.1} MB (growth {growth:.1} MB, bar {FLAT_MB} MB)",
        end_t / wall,
        counts.frames,
        counts.ticks,
        counts.nudges,
        counts.camera_on,
        written.slices,
        written.events,
        written.lost,
    );
    let _ = std::fs::remove_dir_all(&dir);
    let mut failed = Vec::new();
    if written.lost > 0 {
        failed.push(format!("{} history rows lost", written.lost));
    }
    if counts.nudges < u64::from(hours) {
        failed.push(format!(
            "{} nudges in {hours} h (one an hour expected)",
            counts.nudges
        ));
    }
    // Rows wait for a batch of FLUSH_AT_ROWS (or 30 s); more than that means a writer that
    // does not keep up.
    if max_backlog > sitwell::history::writer::FLUSH_AT_ROWS {
        failed.push(format!("the writer's backlog reached {max_backlog} rows"));
    }
    if hours >= 2 && growth > FLAT_MB {
        failed.push(format!("memory grew {growth:.1} MB after the first hour"));
    }
    if !failed.is_empty() {
        eprintln!("soak FAILED: {}", failed.join("; "));
        std::process::exit(1);
    }
}
