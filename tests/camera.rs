//! The camera's code path from outside, with a camera you can replay: a `.mjpeg` recording
//! (raw concatenated JPEG frames, as a webcam sends them) given as the source is played as
//! the camera was — its frames through the camera's own decoder, on the wall clock, with the
//! camera's life cycle (released while paused, reopened on resume). Corrupt frames in it are
//! dropped and counted, and the stream plays on.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{demo_clip, events, sitwell_at_home as sitwell};
use serde_json::Value;
use sitwell::capture;
use sitwell::coach::UserAction;
use sitwell::live::{Command, CustomCamera, Live, LiveOptions, Pacing, Phase, SourceSpec};

/// How a frame of the test stream is spoilt.
fn spoil(jpeg: &[u8], n: usize) -> Vec<u8> {
    if n.is_multiple_of(2) {
        // Cut off mid-scan, as a dropped USB packet leaves it.
        jpeg[..jpeg.len() * 2 / 3].to_vec()
    } else {
        // The header's tables overwritten (past the start-of-image marker and the first
        // marker's code): libjpeg gives up with a fatal error.
        let mut bad = jpeg.to_vec();
        bad[4..200].fill(0x5a);
        bad
    }
}

/// Writes `seconds` of the demo clip (a 5 fps render) as a 30 fps MJPEG recording, each frame
/// sent six times as a camera would; every `corrupt_every`-th frame spoilt. Returns the path
/// and the number of frames spoilt.
fn demo_stream(dir: &Path, seconds: f64, corrupt_every: usize) -> (PathBuf, usize) {
    let mut clip = capture::open_path(Path::new(&demo_clip()), 5.0).expect("demo clip opens");
    let mut bytes = Vec::new();
    let (mut n, mut spoilt) = (0usize, 0);
    while let Some(frame) = clip.next_frame().expect("demo clip decodes") {
        if frame.t_s >= seconds {
            break;
        }
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
            .encode_image(&frame.rgb)
            .expect("encoded");
        for _ in 0..6 {
            n += 1;
            if n.is_multiple_of(corrupt_every) {
                bytes.extend(spoil(&jpeg, n / corrupt_every));
                spoilt += 1;
            } else {
                bytes.extend(&jpeg);
            }
        }
    }
    let path = dir.join("stream.mjpeg");
    std::fs::write(&path, bytes).expect("stream written");
    (path, spoilt)
}

#[test]
fn a_recorded_camera_with_corrupt_frames_plays_to_the_end_in_real_time() {
    let home = common::temp_dir("camera", "corrupt");
    let (stream, spoilt) = demo_stream(&home, 12.0, 4);
    assert!(spoilt > 80);
    let log = home.join("events.jsonl");
    let started = Instant::now();
    let out = sitwell(
        &[
            "watch",
            "--headless",
            "--source",
            stream.to_str().expect("utf-8 path"),
            "--realtime",
            "--stats",
            "--events",
            log.to_str().expect("utf-8 path"),
        ],
        &home,
    );
    let took = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    // 360 frames at 30 fps: played on the wall clock, as the camera sent them.
    assert!((11.0..30.0).contains(&took), "played in {took:.1} s");
    let line = stderr
        .lines()
        .find(|l| l.starts_with("{\"watch_stats\""))
        .unwrap_or_else(|| panic!("no stats line in {stderr}"));
    let stats: Value = serde_json::from_str(line).expect("JSON");
    let stats = &stats["watch_stats"];
    let corrupt = stats["frames_corrupt"].as_u64().unwrap_or(0);
    let analysed = stats["frames_analysed"].as_u64().unwrap_or(0);
    // A quarter of the frames are spoilt; the ones taken for analysis hit some of them.
    assert!(corrupt >= 1, "{stats}");
    // The good ones keep the usual pace: calibration takes every frame it can for 5 s, then
    // one frame every 0.75 s at most.
    assert!(analysed >= 15, "{stats}");
    assert!(stderr.contains(" corrupt, "), "{stderr}");
    // A camera's events: on when opened, calibrated, never a crash.
    let kinds: Vec<String> = events(&log)
        .iter()
        .filter_map(|e| e["kind"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        kinds.first().map(String::as_str),
        Some("camera"),
        "{kinds:?}"
    );
    assert!(
        kinds.iter().any(|k| k == "calibrated"),
        "{kinds:?}\n{stderr}"
    );
}

#[test]
fn a_corrupt_stream_analysed_frame_by_frame_names_the_bad_frames_and_goes_on() {
    let home = common::temp_dir("camera", "analyze");
    let (stream, _) = demo_stream(&home, 1.0, 3);
    let out = sitwell(&["analyze", stream.to_str().expect("utf-8 path")], &home);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // 30 frames, every third spoilt: 20 analysed, each bad one named with its place.
    assert_eq!(stdout.lines().count(), 20, "{stderr}");
    assert!(stderr.contains("(frame 2)"), "{stderr}");
    assert!(stderr.contains("truncated JPEG"), "{stderr}");
    assert!(stderr.contains("corrupt JPEG"), "{stderr}");
}

/// Waits until `done(snapshot)` or `within`; returns whether it came.
fn wait_for(
    live: &Live,
    within: Duration,
    done: impl Fn(&sitwell::live::Snapshot) -> bool,
) -> bool {
    let until = Instant::now() + within;
    while Instant::now() < until {
        if done(&live.snapshot()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn pausing_releases_the_recorded_camera_and_resuming_opens_it_again() {
    let home = common::temp_dir("camera", "pause");
    // Long enough that a loaded machine's slow calibration cannot reach its end.
    let (stream, _) = demo_stream(&home, 45.0, usize::MAX);
    let log = home.join("events.jsonl");
    let mut options = LiveOptions::new(SourceSpec::Path(stream));
    options.pacing = Pacing::Realtime;
    options.events_path = Some(log.clone());
    let mut live = Live::start(options, Box::new(|| {})).expect("started");
    assert!(
        wait_for(&live, Duration::from_secs(15), |s| s.phase
            == Phase::Monitoring),
        "{:?}",
        live.snapshot().phase
    );
    live.send(Command::Act(UserAction::Pause { seconds: None }));
    std::thread::sleep(Duration::from_millis(1200));
    let paused_frames = live.snapshot().frames_analysed;
    std::thread::sleep(Duration::from_millis(1000));
    // Nothing is analysed while paused: the camera is off.
    assert_eq!(live.snapshot().frames_analysed, paused_frames);
    live.send(Command::Act(UserAction::Resume));
    assert!(
        wait_for(&live, Duration::from_secs(5), |s| s.frames_analysed
            > paused_frames + 1),
        "no frames after resuming"
    );
    live.stop();
    let camera: Vec<(bool, f64)> = events(&log)
        .iter()
        .filter(|e| e["kind"] == "camera")
        .map(|e| {
            (
                e["on"].as_bool().unwrap_or(false),
                e["t"].as_f64().unwrap_or(-1.0),
            )
        })
        .collect();
    let ons: Vec<bool> = camera.iter().map(|(on, _)| *on).collect();
    assert_eq!(ons, [true, false, true], "{camera:?}");
    // Released within a moment of the pause, and opened again on resume ~2 s later.
    let off_for = camera[2].1 - camera[1].1;
    assert!((1.5..4.0).contains(&off_for), "{camera:?}");
}

/// What a faulty camera does after it is opened.
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Delivers this many frames, then its reads hang (open succeeded, no frames).
    FallsSilentAfter(usize),
    /// Delivers this many frames, then is unplugged.
    UnpluggedAfter(usize),
    /// Keeps delivering.
    None,
}

/// The recorded camera, failing as real cameras do.
struct FaultyCamera {
    stream: capture::mjpeg::MjpegStream,
    fault: Fault,
    delivered: usize,
}

impl capture::FrameSource for FaultyCamera {
    fn name(&self) -> &str {
        "faulty camera"
    }
    fn kind(&self) -> capture::SourceKind {
        self.stream.kind()
    }
    fn ends(&self) -> bool {
        false
    }
    fn next_frame(&mut self) -> Result<Option<capture::Frame>, capture::CaptureError> {
        self.grab(&|_| true)
            .map(|g| g.and_then(capture::Grabbed::into_frame))
    }
    fn grab(
        &mut self,
        wanted: &dyn Fn(f64) -> bool,
    ) -> Result<Option<capture::Grabbed>, capture::CaptureError> {
        match self.fault {
            Fault::FallsSilentAfter(n) if self.delivered >= n => {
                // A read that never returns (within the test).
                std::thread::sleep(Duration::from_secs(600));
            }
            Fault::UnpluggedAfter(n) if self.delivered >= n => {
                return Err(capture::CaptureError::CameraLost {
                    name: "faulty camera".into(),
                    reason: "No such device".into(),
                });
            }
            _ => {}
        }
        let grabbed = self.stream.grab(wanted)?;
        if let Some(capture::Grabbed::Frame(_)) = &grabbed {
            self.delivered += 1;
        }
        Ok(grabbed)
    }
}

/// What the overlay shows, in a word.
fn overlay_state(snapshot: &sitwell::live::Snapshot) -> String {
    use sitwell::ui::view::View;
    match View::of(snapshot, None) {
        View::NoCamera { message } => format!("no camera: {message}"),
        View::CameraBusy { .. } => "camera busy".into(),
        View::Calibrating { .. } | View::Monitoring { .. } => "working".into(),
        View::Starting => "starting".into(),
        other => format!("{other:?}"),
    }
}

#[test]
fn a_busy_camera_a_silent_one_and_an_unplug_each_recover_by_themselves() {
    let home = common::temp_dir("camera", "faults");
    let (stream, _) = demo_stream(&home, 60.0, usize::MAX);
    // Each open: busy first, then a camera that falls silent, then one that is unplugged,
    // then one that works.
    let opens = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&opens);
    let epoch = Instant::now();
    let open = move || -> Result<Box<dyn capture::FrameSource>, capture::CaptureError> {
        let fault = match counter.fetch_add(1, Ordering::SeqCst) {
            0 => {
                return Err(capture::CaptureError::CameraBusy {
                    name: "faulty camera".into(),
                });
            }
            // Frames the inference thread asked for (decoded), so each is analysed.
            1 => Fault::FallsSilentAfter(6),
            2 => Fault::UnpluggedAfter(6),
            _ => Fault::None,
        };
        let timing = capture::mjpeg::Timing::Wall { epoch };
        Ok(Box::new(FaultyCamera {
            stream: capture::mjpeg::MjpegStream::open(&stream, capture::mjpeg::FPS, timing)?,
            fault,
            delivered: 0,
        }))
    };
    let log = home.join("events.jsonl");
    let mut options = LiveOptions::new(SourceSpec::Custom(CustomCamera(Arc::new(open))));
    options.events_path = Some(log.clone());
    let mut live = Live::start(options, Box::new(|| {})).expect("started");
    // What the overlay showed, each change once, with the frames analysed by then.
    let mut shown: Vec<(String, u64)> = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let snapshot = live.snapshot();
        let state = overlay_state(&snapshot);
        if shown.last().is_none_or(|(last, _)| *last != state) {
            shown.push((state, snapshot.frames_analysed));
        }
        if opens.load(Ordering::SeqCst) >= 4
            && shown.last().is_some_and(|(s, n)| s == "working" && *n > 0)
            && snapshot.frames_analysed > shown.last().map_or(0, |(_, n)| *n) + 5
        {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let frames_at_end = live.snapshot().frames_analysed;
    live.stop();
    let states: Vec<&str> = shown
        .iter()
        .map(|(s, _)| s.split(':').next().unwrap_or(""))
        .filter(|s| *s != "starting")
        .collect();
    assert_eq!(
        states,
        [
            "camera busy",
            "working",
            "no camera",
            "working",
            "no camera",
            "working"
        ],
        "{shown:?}"
    );
    // Each problem says what happened.
    let messages: Vec<&str> = shown
        .iter()
        .filter_map(|(s, _)| s.strip_prefix("no camera: "))
        .collect();
    assert!(messages[0].contains("sent no picture"), "{messages:?}");
    assert!(messages[1].contains("unplugged"), "{messages:?}");
    // Frames were analysed after every recovery, the last one too.
    let working: Vec<u64> = shown
        .iter()
        .filter(|(s, _)| s == "working")
        .map(|(_, n)| *n)
        .collect();
    assert!(working.windows(2).all(|w| w[1] > w[0]), "{shown:?}");
    assert!(frames_at_end > working[2], "{shown:?}");
    assert_eq!(opens.load(Ordering::SeqCst), 4);
    // The camera went on three times: after the busy open, the silent one and the unplug.
    let ons = events(&log)
        .iter()
        .filter(|e| e["kind"] == "camera" && e["on"] == true)
        .count();
    assert_eq!(ons, 3);
}

/// A recorded camera that, like a V4L2 or Media Foundation device, lets one holder stream it
/// at a time: opening it while another holds it fails as busy until that one lets it go.
struct OneHolder {
    stream: capture::mjpeg::MjpegStream,
    held: Arc<std::sync::atomic::AtomicBool>,
    /// After this many frames, one read hangs this long, then returns.
    hang: Option<(usize, Duration)>,
    delivered: usize,
}

impl OneHolder {
    fn open(
        path: &Path,
        epoch: Instant,
        held: &Arc<std::sync::atomic::AtomicBool>,
        hang: Option<(usize, Duration)>,
    ) -> Result<Box<dyn capture::FrameSource>, capture::CaptureError> {
        if held.swap(true, Ordering::SeqCst) {
            return Err(capture::CaptureError::CameraBusy {
                name: "one-holder camera".into(),
            });
        }
        let timing = capture::mjpeg::Timing::Wall { epoch };
        match capture::mjpeg::MjpegStream::open(path, capture::mjpeg::FPS, timing) {
            Ok(stream) => Ok(Box::new(OneHolder {
                stream,
                held: Arc::clone(held),
                hang,
                delivered: 0,
            })),
            Err(e) => {
                held.store(false, Ordering::SeqCst);
                Err(e)
            }
        }
    }
}

impl Drop for OneHolder {
    fn drop(&mut self) {
        self.held.store(false, Ordering::SeqCst);
    }
}

impl capture::FrameSource for OneHolder {
    fn name(&self) -> &str {
        "one-holder camera"
    }
    fn kind(&self) -> capture::SourceKind {
        self.stream.kind()
    }
    fn ends(&self) -> bool {
        false
    }
    fn next_frame(&mut self) -> Result<Option<capture::Frame>, capture::CaptureError> {
        self.grab(&|_| true)
            .map(|g| g.and_then(capture::Grabbed::into_frame))
    }
    fn grab(
        &mut self,
        wanted: &dyn Fn(f64) -> bool,
    ) -> Result<Option<capture::Grabbed>, capture::CaptureError> {
        if let Some((after, hang)) = self.hang
            && self.delivered >= after
        {
            self.hang = None;
            std::thread::sleep(hang);
        }
        let grabbed = self.stream.grab(wanted)?;
        if let Some(capture::Grabbed::Frame(_)) = &grabbed {
            self.delivered += 1;
        }
        Ok(grabbed)
    }
}

#[test]
fn a_read_that_hangs_holding_the_camera_is_waited_for_and_never_shown_as_busy() {
    let home = common::temp_dir("camera", "held");
    let (stream, _) = demo_stream(&home, 60.0, usize::MAX);
    let held = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let opens = Arc::new(AtomicUsize::new(0));
    let (holder, counter) = (Arc::clone(&held), Arc::clone(&opens));
    let epoch = Instant::now();
    // The first camera delivers 6 frames, then one read hangs 13 s (past the 8 s after which
    // it is given up on) while it holds the device; later opens work.
    let open = move || -> Result<Box<dyn capture::FrameSource>, capture::CaptureError> {
        let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
        let hang = first.then_some((6, Duration::from_secs(13)));
        OneHolder::open(&stream, epoch, &holder, hang)
    };
    let mut options = LiveOptions::new(SourceSpec::Custom(CustomCamera(Arc::new(open))));
    options.events_path = Some(home.join("events.jsonl"));
    let mut live = Live::start(options, Box::new(|| {})).expect("started");
    let mut shown: Vec<(String, u64, bool)> = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let snapshot = live.snapshot();
        let state = overlay_state(&snapshot);
        if shown.last().is_none_or(|(last, _, _)| *last != state) {
            shown.push((state, snapshot.frames_analysed, held.load(Ordering::SeqCst)));
        }
        // Working again after the wait, with a frame analysed since (the demo's content then
        // goes on to its slouch, which is not this test's business).
        let waited = shown
            .iter()
            .any(|(s, _, _)| s.contains("waiting for its last read"));
        let recovered = waited
            && shown.last().is_some_and(|(s, _, _)| s == "working")
            && snapshot.frames_analysed > shown.last().map_or(0, |(_, n, _)| *n);
        if recovered {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    live.stop();
    let states: Vec<&str> = shown
        .iter()
        .map(|(s, _, _)| s.as_str())
        .filter(|s| *s != "starting")
        .collect();
    assert!(
        !states.contains(&"camera busy"),
        "our own stuck read was shown as another app holding the camera: {shown:?}"
    );
    assert_eq!(states.first(), Some(&"working"), "{shown:?}");
    assert!(
        states.iter().any(|s| s.contains("sent no picture for")),
        "{shown:?}"
    );
    assert!(
        states
            .iter()
            .any(|s| s.contains("waiting for its last read")),
        "{shown:?}"
    );
    // Working again, with frames, once the stuck read let the camera go.
    let last = shown.last().expect("states");
    assert_eq!(last.0, "working", "{shown:?}");
    assert!(opens.load(Ordering::SeqCst) >= 3, "{shown:?}");
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn a_screen_lock_or_a_suspend_pauses_and_releases_the_camera_and_their_end_resumes() {
    let home = common::temp_dir("camera", "lock");
    let (stream, _) = demo_stream(&home, 45.0, usize::MAX);
    let log = home.join("events.jsonl");
    // A session bus of its own, standing in for the system bus too; the screensaver's and
    // logind's signals sent as a desktop's screensaver and logind send them.
    let script = r#"
export DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS"
"$SITWELL" watch --headless --realtime --source "$STREAM" --events "$LOG" --exit-after 36 \
  > /dev/null 2> "$HOME/stderr.txt" & pid=$!
for i in $(seq 40); do grep -q '"calibrated"' "$LOG" 2>/dev/null && break; sleep 0.5; done
sleep 1
dbus-send --session --type=signal /org/freedesktop/ScreenSaver \
  org.freedesktop.ScreenSaver.ActiveChanged boolean:true
sleep 3
dbus-send --session --type=signal /org/freedesktop/ScreenSaver \
  org.freedesktop.ScreenSaver.ActiveChanged boolean:false
sleep 3
dbus-send --system --type=signal /org/freedesktop/login1 \
  org.freedesktop.login1.Manager.PrepareForSleep boolean:true
sleep 3
dbus-send --system --type=signal /org/freedesktop/login1 \
  org.freedesktop.login1.Manager.PrepareForSleep boolean:false
wait $pid
"#;
    let out = common::output_within(
        std::process::Command::new("dbus-run-session")
            .args(["--", "bash", "-c", script])
            .env("SITWELL", env!("CARGO_BIN_EXE_sitwell"))
            .env("STREAM", &stream)
            .env("LOG", &log)
            .env("HOME", &home)
            .env_remove("DISPLAY"),
        common::SUBPROCESS_LIMIT,
    );
    let stderr = std::fs::read_to_string(home.join("stderr.txt")).unwrap_or_default();
    assert!(out.status.success(), "{stderr}");
    let seen: Vec<String> = events(&log)
        .iter()
        .filter_map(|e| match e["kind"].as_str()? {
            kind @ ("camera" | "screen_locked" | "sleep") => Some(format!("{kind} {}", e["on"])),
            kind @ ("paused" | "resumed") => Some(kind.to_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(
        seen,
        [
            "camera true",
            "screen_locked true",
            "paused",
            "camera false",
            "screen_locked false",
            "resumed",
            "camera true",
            "sleep true",
            "paused",
            "camera false",
            "sleep false",
            "resumed",
            "camera true",
        ],
        "{stderr}"
    );
}
