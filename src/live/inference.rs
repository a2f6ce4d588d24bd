//! The inference thread: owns the pose model and the judging time line. Takes the newest
//! frame from the slot, calibrates or judges it, runs the engine, writes the event log,
//! streams effects to the UI and publishes a snapshot. It also sets the pace (which frame
//! the capture thread should decode next) and whether the camera should be on.

use std::io::Write;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ringbuf::HeapProd;
use ringbuf::traits::Producer;
use serde_json::json;

use crate::annotate;
use crate::capture::{CaptureError, Frame};
use crate::coach::{EffectAt, EngineConfig, UserAction};
use crate::history::record::Sample;
use crate::history::{Event, EventKind, Recorder, Slice, Writer};
use crate::monitor::Monitor;
use crate::pose::{LandmarkModel, Mode, Pose, PoseEstimator};
use crate::posture::{Baseline, CameraPlace, JudgeConfig, Sighting, SourceTag};

use super::calls::CallChange;
use super::capture_loop::{Control, Item};
use super::pace::{self, PaceInputs, Thumbnail};
use super::slot::LatestSlot;
use super::status::{Command, Phase, Preview, Snapshot};

/// Seconds of upright sitting a calibration measures.
pub const CALIBRATION_S: f64 = 5.0;
/// Fewest frames a calibration accepts (5 s at 4 fps gives 20).
const CALIBRATION_MIN_FRAMES: usize = 8;
/// Away this long, the camera is released; it looks again for [`PEEK_FOR_S`] every
/// [`PEEK_EVERY_S`] to notice the user's return.
pub const RELEASE_AFTER_AWAY_S: f64 = 120.0;
pub const PEEK_EVERY_S: f64 = 30.0;
pub const PEEK_FOR_S: f64 = 4.0;
/// How long a note (a skipped frame, a baseline that could not be saved) stays on screen.
const NOTE_FOR_S: f64 = 30.0;
/// Width of the calibration view's picture.
const PREVIEW_WIDTH: u32 = 320;

/// Whether the camera should be on.
pub fn camera_wanted(paused: bool, refused: bool, away_for_s: Option<f64>) -> bool {
    if paused || refused {
        return false;
    }
    match away_for_s {
        Some(away) if away >= RELEASE_AFTER_AWAY_S => {
            (away - RELEASE_AFTER_AWAY_S) % PEEK_EVERY_S >= PEEK_EVERY_S - PEEK_FOR_S
        }
        _ => true,
    }
}

/// What the inference thread is given.
pub struct Setup {
    pub model: LandmarkModel,
    /// Where the user said the camera is.
    pub camera_place: CameraPlace,
    /// None: calibrate first.
    pub baseline: Option<Baseline>,
    /// Where a fresh calibration is saved (None: kept in memory only).
    pub baseline_save: Option<PathBuf>,
    pub judge: JudgeConfig,
    pub engine: EngineConfig,
    /// The event log (JSON lines), already open for appending.
    pub events: Option<Box<dyn Write + Send>>,
    pub start_paused: bool,
    /// The source is a camera (engine time is the clock, not the file's timestamps).
    pub live: bool,
    /// Where the session is remembered.
    pub history: Option<Remember>,
}

/// The history of this session: what to remember (pure) and the thread that writes it.
pub struct Remember {
    pub recorder: Recorder,
    pub writer: Writer,
}

impl Remember {
    fn slice(&self, slice: Option<Slice>) {
        if let Some(slice) = slice {
            self.writer.slice(slice);
        }
    }

    fn event(&self, event: Option<Event>) {
        if let Some(event) = event {
            self.writer.event(event);
        }
    }

    /// An event of `kind` at engine time `t`.
    fn event_at(&self, t: f64, kind: EventKind, detail: Option<String>) {
        let event = Event::new(self.recorder.unix(t), kind);
        self.writer.event(match detail {
            Some(detail) => event.with_detail(detail),
            None => event,
        });
    }

    /// Keeps a camera's time line on the wall clock (a suspend stops the monotonic clock).
    fn sync_clock(&mut self, t: f64, camera: bool) {
        if camera {
            let slice = self.recorder.resync(t, crate::history::unix_now());
            self.slice(slice);
        }
    }
}

/// State shared with the UI.
pub struct Shared {
    pub snapshot: Mutex<Snapshot>,
    /// Asks the UI to redraw (egui's `request_repaint`); a no-op headless.
    pub notify: Box<dyn Fn() + Send + Sync>,
}

impl Shared {
    /// The shared snapshot, locked. A panicking thread cannot leave it half-written (it is
    /// replaced whole), so a poisoned lock is used as it is.
    pub fn lock(&self) -> MutexGuard<'_, Snapshot> {
        self.snapshot
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn snapshot(&self) -> Snapshot {
        self.lock().clone()
    }
}

/// The measurements of an upright sitting in progress.
#[derive(Default)]
struct Calibration {
    started_t: Option<f64>,
    sightings: Vec<Option<Sighting>>,
}

enum Judging {
    Calibrating(Calibration),
    /// The last calibration was refused; waiting for the user to retry.
    Refused,
    Monitoring(Box<Monitor>),
}

/// The inference thread's state.
struct Inference {
    setup: Setup,
    estimator: PoseEstimator,
    judging: Judging,
    snapshot: Snapshot,
    source_checked: bool,
    last_thumb: Option<Thumbnail>,
    last_model_t: Option<f64>,
    last_pose: Option<Pose>,
    away_since: Option<f64>,
    preview_serial: u64,
    /// Started paused without a baseline: pause as soon as calibration is done.
    pause_after_calibration: bool,
    /// Engine time after which the current note is dropped.
    note_until: f64,
    /// Time of the last analysed frame.
    last_frame_t: Option<f64>,
    /// The posture changed with the last frame.
    posture_changed: bool,
    /// "In a call" was switched on by call detection (so its end may switch it off).
    call_by_detection: bool,
    clock: Instant,
}

/// How often the inference thread hands freed heap back (calibration pictures, decoded frames).
const TRIM_EVERY: Duration = Duration::from_secs(60);

/// Runs until told to shut down or the source ends.
pub fn run(
    setup: Setup,
    slot: Arc<LatestSlot<Item>>,
    control: Arc<Control>,
    shared: Arc<Shared>,
    commands: Receiver<Command>,
    mut effects_out: HeapProd<EffectAt>,
    clock: Instant,
) {
    let estimator = match PoseEstimator::new(setup.model, Mode::Tracking) {
        Ok(estimator) => estimator,
        Err(e) => {
            // Nothing can be judged: stop capture (the camera goes off) and say why.
            slot.close();
            publish(
                &shared,
                &Snapshot {
                    phase: Phase::Broken {
                        message: e.to_string(),
                    },
                    ..Snapshot::default()
                },
            );
            wait_for_shutdown(&commands);
            return;
        }
    };
    // Model loading freed tens of megabytes that would otherwise stay resident all day.
    crate::memory::release_free_heap();
    let mut last_trim = Instant::now();
    let mut setup = setup;
    let mut snapshot = Snapshot {
        camera_place: setup.camera_place,
        ..Snapshot::default()
    };
    let judging = match setup.baseline.take() {
        Some(baseline) => {
            snapshot.camera_seen = Some(baseline.camera.describe());
            Judging::Monitoring(Box::new(Monitor::new(baseline, setup.judge, setup.engine)))
        }
        None => Judging::Calibrating(Calibration::default()),
    };
    let mut me = Inference {
        setup,
        estimator,
        judging,
        snapshot,
        source_checked: false,
        last_thumb: None,
        last_model_t: None,
        last_pose: None,
        away_since: None,
        preview_serial: 0,
        pause_after_calibration: false,
        note_until: 0.0,
        last_frame_t: None,
        posture_changed: false,
        call_by_detection: false,
        clock,
    };
    if me.setup.start_paused {
        if matches!(me.judging, Judging::Monitoring(_)) {
            let effects = me.act(UserAction::Pause { seconds: None }, 0.0);
            me.emit(&effects, &mut effects_out);
        } else {
            me.pause_after_calibration = true;
        }
    }
    me.refresh_snapshot(0.0);
    publish(&shared, &me.snapshot);
    loop {
        let mut shutdown = false;
        loop {
            match commands.try_recv() {
                Ok(Command::Shutdown) | Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                    shutdown = true;
                    break;
                }
                Ok(command) => {
                    let t = me.now(&control);
                    let effects = me.command(command, t);
                    me.emit(&effects, &mut effects_out);
                    me.refresh_snapshot(t);
                    publish(&shared, &me.snapshot);
                }
                Err(std::sync::mpsc::TryRecvError::Empty) => break,
            }
        }
        if shutdown {
            break;
        }
        let item = slot.take(Duration::from_millis(100));
        let ended = matches!(item, Some(Item::Ended | Item::Unreadable(_)));
        match item {
            Some(item) => {
                // Want nothing new until this frame is judged and the next wish is set.
                control.want_from(f64::INFINITY);
                let effects = me.item(item, &control);
                me.emit(&effects, &mut effects_out);
                me.steer(&control);
                slot.done();
            }
            None if slot.is_closed() => {
                // The capture thread is gone without saying why: say so rather than go on
                // showing the last score as live.
                me.snapshot.phase = Phase::Broken {
                    message: "The capture stopped unexpectedly; please restart Sitwell".into(),
                };
                publish(&shared, &me.snapshot);
                me.end_history(&shared);
                wait_for_shutdown(&commands);
                break;
            }
            None => {
                let t = me.now(&control);
                let effects = me.tick(t);
                me.emit(&effects, &mut effects_out);
                me.refresh_snapshot(t);
                me.steer(&control);
            }
        }
        publish(&shared, &me.snapshot);
        if last_trim.elapsed() >= TRIM_EVERY {
            crate::memory::release_free_heap();
            last_trim = Instant::now();
        }
        if ended {
            me.end_history(&shared);
            // Stay for the UI's commands (a retry is pointless; a shutdown will come).
            wait_for_shutdown(&commands);
            break;
        }
    }
    slot.close();
    me.end_history(&shared);
}

fn wait_for_shutdown(commands: &Receiver<Command>) {
    loop {
        match commands.recv_timeout(Duration::from_secs(1)) {
            Ok(Command::Shutdown) | Err(RecvTimeoutError::Disconnected) => return,
            _ => {}
        }
    }
}

/// Hands the UI a copy of `snapshot`, asking for a redraw only when something a glance at the
/// overlay would notice changed.
fn publish(shared: &Shared, snapshot: &Snapshot) {
    let changed = {
        let mut current = shared.lock();
        let changed = glance(&current) != glance(snapshot);
        *current = snapshot.clone();
        changed
    };
    if changed {
        (shared.notify)();
    }
}

/// The parts of a snapshot a glance at the overlay would notice.
fn glance(s: &Snapshot) -> impl PartialEq + '_ {
    (
        &s.phase,
        s.score.map(|v| v.round() as i32),
        s.pattern,
        (s.dwell_progress * 50.0).round() as i32,
        s.nudge.map(|n| n.move_id),
        s.break_due,
        s.paused.map(|p| p.map(|u| u.round() as i64)),
        (s.away, s.in_call),
        s.preview.as_ref().map(|p| p.serial),
        s.note.as_deref(),
    )
}

impl Inference {
    /// Engine time now: a camera's clock, or the newest frame of a file.
    fn now(&self, control: &Control) -> f64 {
        if self.setup.live {
            self.clock.elapsed().as_secs_f64()
        } else {
            control.latest_t()
        }
    }

    fn monitor(&mut self) -> Option<&mut Monitor> {
        match &mut self.judging {
            Judging::Monitoring(m) => Some(m),
            _ => None,
        }
    }

    fn act(&mut self, action: UserAction, t: f64) -> Vec<EffectAt> {
        self.monitor().map(|m| m.act(action, t)).unwrap_or_default()
    }

    fn command(&mut self, command: Command, t: f64) -> Vec<EffectAt> {
        match command {
            Command::Act(action) => {
                if let UserAction::InCall(on) = action {
                    self.call_by_detection = false;
                    self.log_call(on, "user", t);
                }
                self.user_action(action, t)
            }
            Command::Recalibrate => {
                self.start_calibration();
                Vec::new()
            }
            Command::CameraPlace(place) => {
                self.setup.camera_place = place;
                self.snapshot.camera_place = place;
                self.start_calibration();
                Vec::new()
            }
            Command::Configure { judge, engine } => {
                if let Judging::Monitoring(monitor) = &mut self.judging {
                    monitor.judge = judge;
                    monitor.engine_config = engine;
                }
                self.setup.judge = judge;
                self.setup.engine = engine;
                Vec::new()
            }
            Command::CallDetected(change) => self.call_detected(change, t),
            Command::Shutdown => Vec::new(),
        }
    }

    /// A call noticed by itself switches "in a call" on; its end switches it off again, unless
    /// the user set it by hand (what they chose stands).
    fn call_detected(&mut self, CallChange { on, by }: CallChange, t: f64) -> Vec<EffectAt> {
        if on == self.snapshot.in_call || (!on && !self.call_by_detection) {
            return Vec::new();
        }
        self.call_by_detection = on;
        let by = by.unwrap_or_else(|| "detected".to_owned());
        self.log_call(on, &by, t);
        if on {
            self.note(format!(
                "In a call ({by} is using the microphone): only quiet, seated moves"
            ));
        }
        self.user_action(UserAction::InCall(on), t)
    }

    /// Shows "in a call" at once (also while calibrating: the engine that follows starts in
    /// the call) and writes the change to the event log.
    fn log_call(&mut self, on: bool, by: &str, t: f64) {
        self.snapshot.in_call = on;
        self.write_event(&serde_json::json!({
            "kind": "in_call", "t": round_ms(t), "on": on, "by": by,
        }));
    }

    /// Remembers what the user did (or what was done for them) and hands it to the engine.
    fn user_action(&mut self, action: UserAction, t: f64) -> Vec<EffectAt> {
        if let Some(h) = self.setup.history.as_mut() {
            let event = h.recorder.action(action, t);
            h.event(event);
        }
        self.act(action, t)
    }

    fn start_calibration(&mut self) {
        if let Some(h) = self.setup.history.as_mut() {
            let slice = h.recorder.finish();
            h.slice(slice);
        }
        self.judging = Judging::Calibrating(Calibration::default());
        self.forget_tracking();
        self.snapshot.note = None;
        // Nothing of the old time line shows while measuring.
        self.snapshot.score = None;
        self.snapshot.pattern = None;
        self.snapshot.dwell_progress = 0.0;
        self.snapshot.nudge = None;
        self.snapshot.break_due = None;
        self.snapshot.paused = None;
        self.snapshot.away = false;
    }

    /// A new source or a new calibration: nothing seen so far carries over.
    fn forget_tracking(&mut self) {
        self.estimator.reset();
        self.last_thumb = None;
        self.last_model_t = None;
        self.away_since = None;
    }

    fn tick(&mut self, t: f64) -> Vec<EffectAt> {
        if let Some(h) = self.setup.history.as_mut() {
            h.sync_clock(t, self.setup.live);
            let slice = h.recorder.tick(t);
            h.slice(slice);
        }
        self.monitor().map(|m| m.tick(t)).unwrap_or_default()
    }

    fn item(&mut self, item: Item, control: &Control) -> Vec<EffectAt> {
        let t = self.now(control);
        match item {
            Item::Opened { name } => {
                if let Some(h) = self.setup.history.as_mut() {
                    if self.snapshot.source_name.is_empty() {
                        h.event_at(t, EventKind::SessionStart, Some(name.clone()));
                    }
                    h.recorder.break_frames();
                }
                if self.setup.live {
                    // Every time the camera (and its light) comes on, for whoever audits it.
                    self.write_event(&json!({
                        "kind": "camera", "t": round_ms(t), "on": true, "name": name,
                    }));
                }
                self.snapshot.source_name = name;
                self.source_checked = false;
                self.last_frame_t = None;
                self.forget_tracking();
                if matches!(
                    self.snapshot.phase,
                    Phase::NoCamera { .. } | Phase::CameraBusy { .. }
                ) {
                    self.snapshot.phase = Phase::Starting;
                }
                self.refresh_snapshot(t);
                Vec::new()
            }
            Item::Frame(frame) => self.frame(frame),
            Item::CameraProblem { error, retry_in_s } => {
                let message = error.to_string();
                if let Some(h) = self.setup.history.as_mut() {
                    let event = h.recorder.camera_problem(t, &message);
                    h.event(event);
                }
                self.snapshot.phase = match error {
                    CaptureError::CameraBusy { .. } => Phase::CameraBusy {
                        message,
                        retry_in_s,
                    },
                    _ => Phase::NoCamera { message },
                };
                self.snapshot.t = t;
                Vec::new()
            }
            Item::Released => {
                self.write_event(&json!({"kind": "camera", "t": round_ms(t), "on": false}));
                Vec::new()
            }
            Item::Skipped(error @ CaptureError::CameraFrame { .. }) => {
                // A dropped USB packet, a glitch: counted, not shown (the next frame comes in
                // a moment).
                tracing::debug!("{error}");
                self.snapshot.frames_corrupt += 1;
                Vec::new()
            }
            Item::Skipped(error) => {
                self.note(error.to_string());
                Vec::new()
            }
            Item::Unreadable(error) => {
                self.snapshot.phase = Phase::Broken {
                    message: error.to_string(),
                };
                Vec::new()
            }
            Item::Ended => {
                self.snapshot.phase = Phase::Ended;
                Vec::new()
            }
        }
    }

    fn frame(&mut self, frame: Frame) -> Vec<EffectAt> {
        let t = frame.t_s;
        let (width, height) = frame.rgb.dimensions();
        self.snapshot.frames_analysed += 1;
        self.last_frame_t = Some(t);
        let tag = SourceTag {
            camera: self.setup.live.then(|| self.snapshot.source_name.clone()),
            width,
            height,
        };
        if let Judging::Monitoring(monitor) = &self.judging
            && !self.source_checked
        {
            self.source_checked = true;
            if let Err(e) = monitor.check_source(&tag) {
                // Another camera or resolution: measure again rather than judge wrongly.
                self.start_calibration();
                self.note(e.to_string());
            }
        }
        let calibrating = matches!(self.judging, Judging::Calibrating(_));
        let thumb = Thumbnail::of(&frame.rgb);
        let changed = self
            .last_thumb
            .as_ref()
            .is_none_or(|last| thumb.differs_from(last));
        if calibrating || pace::must_run_model(changed, t, self.last_model_t) {
            self.last_pose = match self.estimator.estimate(&frame.rgb, t) {
                Ok(pose) => pose,
                Err(e) => {
                    tracing::warn!("pose estimation failed: {e}");
                    self.note(format!("pose estimation failed: {e}"));
                    None
                }
            };
            self.last_thumb = Some(thumb);
            self.last_model_t = Some(t);
            self.snapshot.model_runs += 1;
        }
        let mut effects = Vec::new();
        match &mut self.judging {
            Judging::Calibrating(calibration) => {
                let started = *calibration.started_t.get_or_insert(t);
                calibration.sightings.push(
                    self.last_pose
                        .as_ref()
                        .map(|p| Sighting::of(p, width, height)),
                );
                // What the frames so far say of the camera, for the calibration view.
                self.snapshot.camera_seen = Baseline::calibrate(
                    &calibration.sightings,
                    tag.clone(),
                    "",
                    self.setup.camera_place,
                )
                .ok()
                .map(|b| b.camera.describe());
                let progress = ((t - started) / CALIBRATION_S).clamp(0.0, 1.0) as f32;
                self.snapshot.phase = Phase::Calibrating { progress };
                self.preview_serial += 1;
                let drawn = annotate::draw_pose(&frame.rgb, self.last_pose.as_ref());
                let preview_h = (height * PREVIEW_WIDTH / width.max(1)).max(1);
                self.snapshot.preview = Some(Arc::new(Preview {
                    image: image::imageops::resize(
                        &drawn,
                        PREVIEW_WIDTH,
                        preview_h,
                        image::imageops::FilterType::Triangle,
                    ),
                    serial: self.preview_serial,
                }));
                if t - started >= CALIBRATION_S
                    && calibration.sightings.len() >= CALIBRATION_MIN_FRAMES
                {
                    let model = self.setup.model.name();
                    match Baseline::calibrate(
                        &calibration.sightings,
                        tag,
                        model,
                        self.setup.camera_place,
                    ) {
                        Ok(baseline) => effects = self.calibrated(baseline, t),
                        Err(refusal) => {
                            if let Some(h) = &self.setup.history {
                                h.event_at(
                                    t,
                                    EventKind::CalibrationRefused,
                                    Some(refusal.to_string()),
                                );
                            }
                            self.write_event(&json!({
                                "kind": "calibration_refused",
                                "t": round_ms(t),
                                "reason": refusal.to_string(),
                            }));
                            self.snapshot.phase = Phase::CalibrationRefused {
                                reason: refusal.to_string(),
                            };
                            self.judging = Judging::Refused;
                        }
                    }
                }
            }
            Judging::Refused => {}
            Judging::Monitoring(monitor) => {
                let observed = monitor.observe(self.last_pose.as_ref(), width, height, t);
                self.snapshot.phase = Phase::Monitoring;
                self.snapshot.preview = None;
                let posture_changed = pace::posture_changed(
                    (self.snapshot.pattern, self.snapshot.score),
                    (observed.reading.as_ref().map(|r| r.pattern), observed.score),
                );
                if let Some(h) = self.setup.history.as_mut() {
                    h.sync_clock(t, self.setup.live);
                    let sample = match &observed.reading {
                        Some(reading) => Sample::judged(reading, observed.score),
                        None => Sample::away(),
                    };
                    let slice = h.recorder.sample(t, &sample);
                    h.slice(slice);
                }
                self.snapshot.score = observed.score;
                self.snapshot.pattern = observed.reading.as_ref().map(|r| r.pattern);
                self.snapshot.confidence = observed.reading.as_ref().map_or(0.0, |r| r.confidence);
                self.posture_changed = posture_changed;
                effects = observed.effects;
            }
        }
        self.refresh_snapshot(t);
        effects
    }

    /// A calibration succeeded: save it, log it, start judging (paused, if started paused).
    fn calibrated(&mut self, baseline: Baseline, t: f64) -> Vec<EffectAt> {
        if let Some(h) = &self.setup.history {
            h.event_at(
                t,
                EventKind::Calibrated,
                Some(format!("{} frames", baseline.frames)),
            );
        }
        self.write_event(&json!({
            "kind": "calibrated",
            "t": round_ms(t),
            "frames": baseline.frames,
            "camera": baseline.camera.place.as_str(),
            "camera_tilt_deg": (f64::from(baseline.camera.tilt_deg) * 10.0).round() / 10.0,
        }));
        self.snapshot.camera_seen = Some(baseline.camera.describe());
        if let Some(path) = &self.setup.baseline_save
            && let Err(e) = baseline.save(path)
        {
            self.note(format!("{e}; this calibration lasts until you quit"));
        }
        let mut monitor = Monitor::new(baseline, self.setup.judge, self.setup.engine);
        monitor.engine.in_call = self.snapshot.in_call;
        let effects = if std::mem::take(&mut self.pause_after_calibration) {
            monitor.act(UserAction::Pause { seconds: None }, t)
        } else {
            Vec::new()
        };
        self.judging = Judging::Monitoring(Box::new(monitor));
        self.source_checked = true;
        self.snapshot.phase = Phase::Monitoring;
        self.snapshot.preview = None;
        effects
    }

    /// Shows `text` to the user for [`NOTE_FOR_S`].
    fn note(&mut self, text: String) {
        self.snapshot.note = Some(text);
        self.note_until = self.snapshot.t + NOTE_FOR_S;
    }

    /// Copies the engine's state into the snapshot.
    fn refresh_snapshot(&mut self, t: f64) {
        self.snapshot.t = t;
        let history_problem = self
            .setup
            .history
            .as_ref()
            .and_then(|h| h.writer.take_problem());
        if let Some(problem) = history_problem {
            self.note(problem);
        }
        if self.snapshot.note.is_some() && t > self.note_until {
            self.snapshot.note = None;
        }
        let Judging::Monitoring(monitor) = &self.judging else {
            return;
        };
        let engine = &monitor.engine;
        self.snapshot.dwell_progress = engine.dwell_progress(t, &monitor.engine_config);
        self.snapshot.nudge = engine.nudge;
        self.snapshot.break_due = engine.break_due;
        self.snapshot.paused = engine.paused;
        self.snapshot.away = engine.away;
        self.snapshot.in_call = engine.in_call;
        if engine.paused.is_some() || engine.away {
            self.snapshot.score = None;
            self.snapshot.pattern = None;
        }
    }

    /// Sets the pace (from when the next frame is wanted) and whether the camera stays on.
    fn steer(&self, control: &Control) {
        let t = self.snapshot.t;
        let (paused, refused) = match &self.judging {
            Judging::Monitoring(m) => (m.engine.paused.is_some(), false),
            Judging::Refused => (false, true),
            Judging::Calibrating(_) => (false, false),
        };
        let live = self.setup.live;
        let away_for = self.away_since.map(|since| t - since);
        let wanted = if live {
            camera_wanted(paused, refused, away_for)
        } else {
            // A file keeps playing while away; paused or refused, its frames are passed over.
            !paused && !refused
        };
        control.set_camera_wanted(wanted);
        // A slouch is building while an episode runs and the user is clearly slouched now
        // (not while the level merely hovers near the threshold), or a nudge is up.
        let slouch_building = match &self.judging {
            Judging::Monitoring(m) => {
                m.engine.nudge.is_some()
                    || (m.engine.slouch_since.is_some()
                        && self.snapshot.pattern.is_some_and(|p| p.is_slouch()))
            }
            _ => false,
        };
        let interval = pace::next_interval(PaceInputs {
            calibrating: matches!(self.judging, Judging::Calibrating(_)),
            slouch_building,
            posture_changed: self.posture_changed,
        });
        // From the last analysed frame, not from now: idle ticks must not push it away. The
        // first frame of a source (just opened, or opened again) is wanted whenever it comes.
        control.want_from(
            self.last_frame_t
                .map_or(f64::NEG_INFINITY, |last| last + interval),
        );
    }

    /// Logs effects and streams them to the UI.
    fn emit(&mut self, effects: &[EffectAt], out: &mut HeapProd<EffectAt>) {
        for effect in effects {
            match effect.effect {
                crate::coach::Effect::Away => self.away_since = Some(effect.t),
                crate::coach::Effect::Back => self.away_since = None,
                _ => {}
            }
            self.write_event(&effect.to_json());
            if let Some(h) = self.setup.history.as_mut() {
                let event = h.recorder.effect(effect);
                h.event(event);
            }
            if out.try_push(*effect).is_err() {
                tracing::debug!("UI is not draining effects; dropped {:?}", effect.effect);
            }
        }
    }

    /// The session is over: the last slice and the end are written, and the writer commits
    /// everything before this returns.
    fn end_history(&mut self, shared: &Shared) {
        let Some(mut h) = self.setup.history.take() else {
            return;
        };
        let slice = h.recorder.finish();
        h.slice(slice);
        h.event_at(self.snapshot.t, EventKind::SessionEnd, None);
        let written = h.writer.close();
        shared.lock().history_written = Some(written);
        self.snapshot.history_written = Some(written);
    }

    fn write_event(&mut self, event: &serde_json::Value) {
        if let Some(log) = self.setup.events.as_mut() {
            let written = writeln!(log, "{event}").and_then(|()| log.flush());
            if let Err(e) = written {
                self.note(format!("cannot write the event log: {e}"));
                self.setup.events = None;
            }
        }
    }
}

fn round_ms(t: f64) -> f64 {
    (t * 1e3).round() / 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camera_is_off_while_paused_refused_or_long_away_except_for_peeks() {
        assert!(camera_wanted(false, false, None));
        assert!(!camera_wanted(true, false, None));
        assert!(!camera_wanted(false, true, None));
        assert!(camera_wanted(
            false,
            false,
            Some(RELEASE_AFTER_AWAY_S - 1.0)
        ));
        assert!(!camera_wanted(
            false,
            false,
            Some(RELEASE_AFTER_AWAY_S + 1.0)
        ));
        // Each peek: the last PEEK_FOR_S seconds of every PEEK_EVERY_S.
        let peek = RELEASE_AFTER_AWAY_S + PEEK_EVERY_S - PEEK_FOR_S / 2.0;
        assert!(camera_wanted(false, false, Some(peek)));
        assert!(!camera_wanted(false, false, Some(peek + PEEK_FOR_S)));
    }
}
