//! The live session as a pure step: given what happened (a frame seen, a command, a camera
//! event, a tick) and when, it updates the judging time line and returns the coach's effects
//! and what to write down; [`Session::snapshot`] is what the overlay shows next and
//! [`Session::steer`] what the capture thread should do. No threads, no channels, no clock:
//! the inference thread feeds it, and the tests and the soak drive it directly.

use image::RgbImage;

use crate::capture::CaptureError;
use crate::coach::{Effect, EffectAt, EngineConfig, UserAction};
use crate::history::record::Sample;
use crate::history::{Event, EventKind, Recorder, Slice};
use crate::pose::{Pose, light};
use crate::posture::{Baseline, CameraPlace, JudgeConfig, Pattern, Sighting, SourceTag};
use crate::timeline::Timeline;

use super::calibration::{self, Calibration};
use super::camera_policy::{self, Situation};
use super::command::Command;
use super::command::{CallChange, DeskChange};
use super::event_log::{Line, What};
use super::pace::{self, PaceInputs};
use super::status::{Phase, Snapshot};

/// An idle time told longer ago than this is no longer known (its watcher stopped).
const IDLE_TOLD_WITHIN_S: f64 = 15.0;
/// How long a note (a skipped frame, a baseline that could not be saved) stays on screen.
const NOTE_FOR_S: f64 = 30.0;

/// How a session starts.
#[derive(Debug, Clone)]
pub struct SessionSetup {
    /// The pose model's name, written into a fresh baseline.
    pub model: &'static str,
    /// Where the user said the camera is.
    pub camera_place: CameraPlace,
    /// None: calibrate first.
    pub baseline: Option<Baseline>,
    pub judge: JudgeConfig,
    pub engine: EngineConfig,
    pub start_paused: bool,
    /// Look less often while settled when the machine runs on its battery.
    pub battery_saver: bool,
    /// The source is a camera (its time line follows the wall clock; it is released while
    /// paused or long away).
    pub from_camera: bool,
    /// Unix time of engine time 0, when the session is remembered in the history.
    pub history_origin: Option<f64>,
}

/// When a step happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct At {
    /// Engine time: seconds since the start (a camera) or the file's own time.
    pub t: f64,
    /// Unix time now; a camera's history follows it (a suspend stops the monotonic clock).
    pub unix: f64,
    /// Wall seconds since the pipeline started (a replay's `t` is the file's own time).
    pub since_start: f64,
}

/// A frame the pose model has looked at.
#[derive(Debug, Clone, Copy)]
pub struct Look<'a> {
    pub picture: &'a RgbImage,
    /// The person found (None: nobody).
    pub pose: Option<&'a Pose>,
    /// Whether the model ran on this frame (otherwise a still picture's pose was reused).
    pub model_ran: bool,
}

/// What happened to the source.
#[derive(Debug)]
pub enum SourceEvent {
    /// A source was opened (again).
    Opened { name: String },
    /// The camera was released (paused, long away): its light is off.
    Released,
    /// A camera could not be opened or was lost; capture retries after `retry_in_s`.
    CameraProblem {
        error: CaptureError,
        retry_in_s: f64,
    },
    /// A frame could not be read and was skipped (a corrupt frame, a broken file in a folder).
    Skipped(CaptureError),
    /// The source cannot be read at all (a missing or broken file); capture has stopped.
    Unreadable(CaptureError),
    /// A replay source played to its end; capture has stopped.
    Ended,
}

/// One step's input.
#[derive(Debug)]
pub enum Input<'a> {
    Looked(Look<'a>),
    Source(SourceEvent),
    Command(Command),
    /// Time passed with nothing else happening.
    Tick,
}

/// A line for the journal: the event log and the history, in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A line of the JSON event log.
    Log(serde_json::Value),
    /// A history slice (a stretch of judged time).
    Slice(Slice),
    /// A history event (a nudge, a pause, a camera problem…).
    Event(Event),
}

/// What one step asks of the world.
#[derive(Debug, Default)]
pub struct Step {
    /// The coach's effects, for the UI (already in the journal).
    pub effects: Vec<EffectAt>,
    /// What to write down, in order.
    pub journal: Vec<Entry>,
    /// Nothing seen so far carries over: the pose tracker starts afresh.
    pub forget_tracking: bool,
    /// A calibration has just succeeded: [`Session::baseline`] is the one to save.
    pub calibrated: bool,
}

impl Step {
    /// A slice the recorder finished, if it did.
    fn slice(&mut self, slice: Option<Slice>) {
        self.journal.extend(slice.map(Entry::Slice));
    }

    /// An event the recorder made, if it did.
    fn event(&mut self, event: Option<Event>) {
        self.journal.extend(event.map(Entry::Event));
    }
}

/// What the capture thread should do next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Steer {
    /// Whether the camera should be on.
    pub camera_wanted: bool,
    /// Source time from which the next frame is wanted.
    pub want_from: f64,
}

enum Stage {
    Calibrating(Calibration),
    /// The last calibration was refused; waiting for the user to retry.
    Refused,
    Monitoring(Box<Timeline>),
}

/// The live session.
pub struct Session {
    model: &'static str,
    camera_place: CameraPlace,
    judge: JudgeConfig,
    engine: EngineConfig,
    from_camera: bool,
    recorder: Option<Recorder>,
    stage: Stage,
    snapshot: Snapshot,
    source_checked: bool,
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
    /// Readings in a row that were upright and unchanged (the pace settles after a few).
    steady_upright: u32,
    /// A score has been shown in this run (the event log notes the first one's time).
    scored: bool,
    /// The machine runs on its battery, and the user lets Sitwell save it.
    battery_saver: bool,
    on_battery: bool,
    /// "In a call" was switched on by call detection (so its end may switch it off).
    call_by_detection: bool,
    /// The screen is locked; the machine is going to sleep.
    locked: bool,
    sleeping: bool,
    /// The pause now in force was made by a lock or sleep (their end lifts it).
    paused_by_desk: bool,
    /// The user's input idle time, as last told, and the engine time it was told at.
    input_idle: Option<(f64, f64)>,
}

impl Session {
    /// A session at engine time 0, and what starting it asks (a start paused with a
    /// baseline pauses at once).
    pub fn new(setup: SessionSetup) -> (Session, Step) {
        let mut snapshot = Snapshot {
            camera_place: setup.camera_place,
            ..Snapshot::default()
        };
        let stage = match setup.baseline {
            Some(baseline) => {
                snapshot.camera_seen = Some(baseline.camera.describe());
                Stage::Monitoring(Box::new(Timeline::new(baseline, setup.judge, setup.engine)))
            }
            None => Stage::Calibrating(Calibration::default()),
        };
        let mut session = Session {
            model: setup.model,
            camera_place: setup.camera_place,
            judge: setup.judge,
            engine: setup.engine,
            from_camera: setup.from_camera,
            recorder: setup.history_origin.map(Recorder::new),
            stage,
            snapshot,
            source_checked: false,
            away_since: None,
            preview_serial: 0,
            pause_after_calibration: false,
            note_until: 0.0,
            last_frame_t: None,
            posture_changed: false,
            steady_upright: 0,
            scored: false,
            battery_saver: setup.battery_saver,
            on_battery: false,
            call_by_detection: false,
            locked: false,
            sleeping: false,
            paused_by_desk: false,
            input_idle: None,
        };
        let mut step = Step::default();
        if setup.start_paused {
            if matches!(session.stage, Stage::Monitoring(_)) {
                let effects = session.act(UserAction::Pause { seconds: None }, 0.0);
                session.emit(effects, &mut step);
            } else {
                session.pause_after_calibration = true;
            }
        }
        session.refresh_snapshot(0.0);
        (session, step)
    }

    /// What the overlay shows now.
    pub fn snapshot(&self) -> &Snapshot {
        &self.snapshot
    }

    /// Whether a calibration is measuring (every frame then goes through the model).
    pub fn calibrating(&self) -> bool {
        matches!(self.stage, Stage::Calibrating(_))
    }

    /// One step at `at`.
    pub fn step(&mut self, at: At, input: Input<'_>) -> Step {
        let mut step = Step::default();
        let t = at.t;
        match input {
            Input::Looked(look) => self.looked(at, look, &mut step),
            Input::Source(event) => self.source(t, event, &mut step),
            Input::Command(command) => self.command(command, t, &mut step),
            Input::Tick => {
                self.sync_clock(at, &mut step);
                step.slice(self.recorder.as_mut().and_then(|r| r.tick(t)));
                let effects = self.timeline().map(|m| m.tick(t)).unwrap_or_default();
                self.emit(effects, &mut step);
            }
        }
        self.refresh_snapshot(t);
        step
    }

    /// Shows `text` to the user for a while (a problem found outside the session: the
    /// history or the event log cannot be written).
    pub fn note(&mut self, text: String) {
        self.snapshot.note = Some(text);
        self.note_until = self.snapshot.t + NOTE_FOR_S;
    }

    /// The session is over: the last slice and its end, for the journal.
    pub fn finish(&mut self) -> Vec<Entry> {
        let Some(mut recorder) = self.recorder.take() else {
            return Vec::new();
        };
        let mut journal: Vec<Entry> = recorder.finish().map(Entry::Slice).into_iter().collect();
        let end = Event::new(recorder.unix(self.snapshot.t), EventKind::SessionEnd);
        journal.push(Entry::Event(end));
        journal
    }

    /// Records what the history writer committed, for the snapshot.
    pub fn written(&mut self, written: crate::history::writer::Written) {
        self.snapshot.history_written = Some(written);
    }

    /// Says why the session cannot go on (the capture stopped without a word).
    pub fn broken(&mut self, message: String) {
        self.snapshot.phase = Phase::Broken { message };
    }

    /// What the capture thread should do: the pace (from when the next frame is wanted) and
    /// whether the camera stays on.
    pub fn steer(&self) -> Steer {
        let t = self.snapshot.t;
        let (paused, refused) = match &self.stage {
            Stage::Monitoring(m) => (m.engine.paused.is_some(), false),
            Stage::Refused => (false, true),
            Stage::Calibrating(_) => (false, false),
        };
        let away_for = self.away_since.map(|since| t - since);
        let input_idle = self
            .input_idle
            .filter(|(_, told_at)| t - told_at <= IDLE_TOLD_WITHIN_S)
            .map(|(idle, told_at)| idle + (t - told_at).max(0.0));
        let camera_wanted = camera_policy::camera_wanted(&Situation {
            locked_or_asleep: self.locked || self.sleeping,
            camera: self.from_camera,
            paused,
            refused,
            away_for_s: away_for,
            input_idle_s: input_idle,
        });
        // A slouch is building while an episode runs and the user is clearly slouched now
        // (not while the level merely hovers near the threshold), or a nudge is up.
        let slouch_building = match &self.stage {
            Stage::Monitoring(m) => {
                m.engine.nudge.is_some()
                    || (m.engine.slouch_since.is_some()
                        && self.snapshot.pattern.is_some_and(|p| p.is_slouch()))
            }
            _ => false,
        };
        let interval = pace::next_interval(PaceInputs {
            calibrating: self.calibrating(),
            slouch_building,
            posture_changed: self.posture_changed,
            steady_upright_readings: self.steady_upright,
            saving_battery: self.battery_saver && self.on_battery,
        });
        // From the last analysed frame, not from now: idle ticks must not push it away. The
        // first frame of a source (just opened, or opened again) is wanted whenever it comes.
        let want_from = self
            .last_frame_t
            .map_or(f64::NEG_INFINITY, |last| last + interval);
        Steer {
            camera_wanted,
            want_from,
        }
    }

    fn timeline(&mut self) -> Option<&mut Timeline> {
        match &mut self.stage {
            Stage::Monitoring(m) => Some(m),
            _ => None,
        }
    }

    fn act(&mut self, action: UserAction, t: f64) -> Vec<EffectAt> {
        self.timeline()
            .map(|m| m.act(action, t))
            .unwrap_or_default()
    }

    /// Hands effects on: into the journal (the log and the history) and to the UI.
    fn emit(&mut self, effects: Vec<EffectAt>, step: &mut Step) {
        for effect in effects {
            match effect.effect {
                Effect::Away => self.away_since = Some(effect.t),
                Effect::Back => self.away_since = None,
                _ => {}
            }
            step.journal.push(Entry::Log(effect.to_json()));
            step.event(self.recorder.as_mut().and_then(|r| r.effect(&effect)));
            step.effects.push(effect);
        }
    }

    /// An event of `kind` at engine time `t`, for the history.
    fn history_event(&self, t: f64, kind: EventKind, detail: Option<String>, step: &mut Step) {
        if let Some(recorder) = &self.recorder {
            let event = Event::new(recorder.unix(t), kind);
            step.journal.push(Entry::Event(match detail {
                Some(detail) => event.with_detail(detail),
                None => event,
            }));
        }
    }

    /// Keeps a camera's time line on the wall clock.
    fn sync_clock(&mut self, at: At, step: &mut Step) {
        if !self.from_camera {
            return;
        }
        step.slice(self.recorder.as_mut().and_then(|r| r.resync(at.t, at.unix)));
    }

    fn command(&mut self, command: Command, t: f64, step: &mut Step) {
        match command {
            Command::Act(action) => {
                match action {
                    UserAction::InCall(on) => {
                        self.call_by_detection = false;
                        self.log_call(on, "user", t, step);
                    }
                    // What the user chose stands over what a lock did.
                    UserAction::Pause { .. } | UserAction::Resume => self.paused_by_desk = false,
                    _ => {}
                }
                self.user_action(action, t, step);
            }
            Command::Desk(change) => self.desk(change, t, step),
            Command::Recalibrate => self.start_calibration(step),
            Command::CameraPlace(place) => {
                self.camera_place = place;
                self.snapshot.camera_place = place;
                self.start_calibration(step);
            }
            Command::Configure { judge, engine } => {
                if let Stage::Monitoring(timeline) = &mut self.stage {
                    timeline.judge = judge;
                    timeline.engine_config = engine;
                }
                self.judge = judge;
                self.engine = engine;
            }
            Command::CallDetected(change) => self.call_detected(change, t, step),
            Command::Shutdown => {}
        }
    }

    /// A lock or a sleep pauses judging (the camera goes off); its end resumes it, unless the
    /// user paused or resumed by hand meanwhile. Input idle time only steers the camera.
    fn desk(&mut self, change: DeskChange, t: f64, step: &mut Step) {
        let what = match change {
            DeskChange::InputIdle(idle) => {
                self.input_idle = Some((idle, t));
                return;
            }
            DeskChange::OnBattery(on) => {
                self.on_battery = on;
                return;
            }
            DeskChange::Locked(on) if on != self.locked => {
                self.locked = on;
                What::ScreenLocked { on }
            }
            DeskChange::Sleeping(on) if on != self.sleeping => {
                self.sleeping = on;
                What::Sleep { on }
            }
            _ => return,
        };
        step.journal.push(Entry::Log(Line::new(t, what).to_json()));
        let held = self.locked || self.sleeping;
        let paused = match &self.stage {
            Stage::Monitoring(m) => m.engine.paused.is_some(),
            _ => return,
        };
        if held && !paused {
            self.paused_by_desk = true;
            self.user_action(UserAction::Pause { seconds: None }, t, step);
        } else if !held && std::mem::take(&mut self.paused_by_desk) && paused {
            self.user_action(UserAction::Resume, t, step);
        }
    }

    /// A call noticed by itself switches "in a call" on; its end switches it off again, unless
    /// the user set it by hand (what they chose stands).
    fn call_detected(&mut self, CallChange { on, by }: CallChange, t: f64, step: &mut Step) {
        if on == self.snapshot.in_call || (!on && !self.call_by_detection) {
            return;
        }
        self.call_by_detection = on;
        let by = by.unwrap_or_else(|| "detected".to_owned());
        self.log_call(on, &by, t, step);
        if on {
            self.note(format!(
                "In a call ({by} is using the microphone): only quiet, seated moves"
            ));
        }
        self.user_action(UserAction::InCall(on), t, step);
    }

    /// Shows "in a call" at once (also while calibrating: the engine that follows starts in
    /// the call) and writes the change to the event log.
    fn log_call(&mut self, on: bool, by: &str, t: f64, step: &mut Step) {
        self.snapshot.in_call = on;
        let by = by.to_owned();
        step.journal
            .push(Entry::Log(Line::new(t, What::InCall { on, by }).to_json()));
    }

    /// Remembers what the user did (or what was done for them) and hands it to the engine.
    fn user_action(&mut self, action: UserAction, t: f64, step: &mut Step) {
        step.event(self.recorder.as_mut().and_then(|r| r.action(action, t)));
        let effects = self.act(action, t);
        self.emit(effects, step);
    }

    fn start_calibration(&mut self, step: &mut Step) {
        step.slice(self.recorder.as_mut().and_then(Recorder::finish));
        self.stage = Stage::Calibrating(Calibration::default());
        self.forget_tracking(step);
        self.away_since = None;
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

    /// A new source or a new calibration: nothing seen so far carries over. (Whether the user
    /// is away does: a camera reopened to peek finds them still away until it sees them.)
    fn forget_tracking(&mut self, step: &mut Step) {
        step.forget_tracking = true;
    }

    fn source(&mut self, t: f64, event: SourceEvent, step: &mut Step) {
        match event {
            SourceEvent::Opened { name } => {
                if self.snapshot.source_name.is_empty() {
                    self.history_event(t, EventKind::SessionStart, Some(name.clone()), step);
                }
                if let Some(recorder) = self.recorder.as_mut() {
                    recorder.break_frames();
                }
                if self.from_camera {
                    // Every time the camera (and its light) comes on, for whoever audits it.
                    let what = What::Camera {
                        on: true,
                        name: Some(name.clone()),
                    };
                    step.journal.push(Entry::Log(Line::new(t, what).to_json()));
                }
                self.snapshot.source_name = name;
                self.source_checked = false;
                self.last_frame_t = None;
                self.forget_tracking(step);
                if matches!(
                    self.snapshot.phase,
                    Phase::NoCamera { .. } | Phase::CameraBusy { .. }
                ) {
                    self.snapshot.phase = Phase::Starting;
                }
            }
            SourceEvent::CameraProblem { error, retry_in_s } => {
                let message = error.to_string();
                step.event(
                    self.recorder
                        .as_mut()
                        .and_then(|r| r.camera_problem(t, &message)),
                );
                self.snapshot.phase = match error {
                    CaptureError::CameraBusy { .. } => Phase::CameraBusy {
                        message,
                        retry_in_s,
                    },
                    _ => Phase::NoCamera { message },
                };
            }
            SourceEvent::Released => {
                let what = What::Camera {
                    on: false,
                    name: None,
                };
                step.journal.push(Entry::Log(Line::new(t, what).to_json()));
            }
            SourceEvent::Skipped(error @ CaptureError::CameraFrame { .. }) => {
                // A dropped USB packet, a glitch: counted, not shown (the next frame comes in
                // a moment).
                tracing::debug!("{error}");
                self.snapshot.frames_corrupt += 1;
            }
            SourceEvent::Skipped(error) => self.note(error.to_string()),
            SourceEvent::Unreadable(error) => {
                self.snapshot.phase = Phase::Broken {
                    message: error.to_string(),
                };
            }
            SourceEvent::Ended => self.snapshot.phase = Phase::Ended,
        }
    }

    fn looked(&mut self, at: At, look: Look<'_>, step: &mut Step) {
        let t = at.t;
        let (width, height) = look.picture.dimensions();
        self.snapshot.frames_analysed += 1;
        if look.model_ran {
            self.snapshot.model_runs += 1;
        }
        self.last_frame_t = Some(t);
        self.snapshot.too_dark =
            look.pose.is_none() && light::mean_luma(look.picture) < light::TOO_DARK_LUMA;
        let tag = SourceTag {
            camera: self.from_camera.then(|| self.snapshot.source_name.clone()),
            width,
            height,
        };
        if let Stage::Monitoring(timeline) = &self.stage
            && !self.source_checked
        {
            self.source_checked = true;
            if let Err(e) = timeline.check_source(&tag) {
                // Another camera or resolution: measure again rather than judge wrongly.
                self.start_calibration(step);
                self.note(e.to_string());
            }
        }
        match &mut self.stage {
            Stage::Calibrating(calibration) => {
                let sighting = look.pose.map(|p| Sighting::of(p, width, height));
                let progress = calibration.add(t, sighting);
                self.snapshot.camera_seen = calibration.camera_seen(tag.clone(), self.camera_place);
                self.snapshot.phase = Phase::Calibrating { progress };
                self.preview_serial += 1;
                self.snapshot.preview = Some(calibration::preview(
                    look.picture,
                    look.pose,
                    self.preview_serial,
                ));
                if calibration.is_complete(t) {
                    match calibration.baseline(tag, self.model, self.camera_place) {
                        Ok(baseline) => self.calibrated(baseline, t, step),
                        Err(refusal) => {
                            let reason = refusal.to_string();
                            let kind = EventKind::CalibrationRefused;
                            self.history_event(t, kind, Some(reason.clone()), step);
                            let what = What::CalibrationRefused {
                                reason: reason.clone(),
                            };
                            step.journal.push(Entry::Log(Line::new(t, what).to_json()));
                            self.snapshot.phase = Phase::CalibrationRefused { reason };
                            self.stage = Stage::Refused;
                        }
                    }
                }
            }
            Stage::Refused => {}
            Stage::Monitoring(timeline) => {
                let judged = timeline.observe(look.pose, width, height, t);
                self.snapshot.phase = Phase::Monitoring;
                self.snapshot.preview = None;
                self.posture_changed = pace::posture_changed(
                    (self.snapshot.pattern, self.snapshot.score),
                    (judged.reading.as_ref().map(|r| r.pattern), judged.score),
                );
                let upright = judged
                    .reading
                    .as_ref()
                    .is_some_and(|r| r.pattern == Pattern::Upright);
                self.steady_upright = if upright && !self.posture_changed {
                    self.steady_upright.saturating_add(1)
                } else {
                    0
                };
                let sample = match &judged.reading {
                    Some(reading) => Sample::judged(reading, judged.score),
                    None => Sample::away(),
                };
                self.snapshot.score = judged.score;
                if let Some(score) = judged.score.filter(|_| !self.scored) {
                    self.scored = true;
                    let what = What::FirstScore {
                        score: (f64::from(score) * 10.0).round() / 10.0,
                        since_start_s: (at.since_start * 1e3).round() / 1e3,
                    };
                    step.journal.push(Entry::Log(Line::new(t, what).to_json()));
                }
                self.snapshot.pattern = judged.reading.as_ref().map(|r| r.pattern);
                self.snapshot.confidence = judged.reading.as_ref().map_or(0.0, |r| r.confidence);
                self.sync_clock(at, step);
                step.slice(self.recorder.as_mut().and_then(|r| r.sample(t, &sample)));
                self.emit(judged.effects, step);
            }
        }
    }

    /// A calibration succeeded: log it, start judging (paused, if started paused). Saving the
    /// baseline is the caller's ([`Step::calibrated`]).
    fn calibrated(&mut self, baseline: Baseline, t: f64, step: &mut Step) {
        let detail = format!("{} frames", baseline.frames);
        self.history_event(t, EventKind::Calibrated, Some(detail), step);
        let what = What::Calibrated {
            frames: baseline.frames,
            camera: baseline.camera.place.as_str(),
            camera_tilt_deg: (f64::from(baseline.camera.tilt_deg) * 10.0).round() / 10.0,
        };
        step.journal.push(Entry::Log(Line::new(t, what).to_json()));
        self.snapshot.camera_seen = Some(baseline.camera.describe());
        let mut timeline = Timeline::new(baseline, self.judge, self.engine);
        timeline.engine.in_call = self.snapshot.in_call;
        let effects = if std::mem::take(&mut self.pause_after_calibration) {
            timeline.act(UserAction::Pause { seconds: None }, t)
        } else {
            Vec::new()
        };
        self.stage = Stage::Monitoring(Box::new(timeline));
        self.source_checked = true;
        step.calibrated = true;
        self.snapshot.phase = Phase::Monitoring;
        self.snapshot.preview = None;
        self.emit(effects, step);
    }

    /// The baseline now judged against (a fresh calibration is saved from here).
    pub fn baseline(&self) -> Option<&Baseline> {
        match &self.stage {
            Stage::Monitoring(m) => Some(&m.baseline),
            _ => None,
        }
    }

    /// Copies the engine's state into the snapshot.
    fn refresh_snapshot(&mut self, t: f64) {
        self.snapshot.t = t;
        if self.snapshot.note.is_some() && t > self.note_until {
            self.snapshot.note = None;
        }
        let Stage::Monitoring(timeline) = &self.stage else {
            return;
        };
        let engine = &timeline.engine;
        self.snapshot.dwell_progress = engine.dwell_progress(t, &timeline.engine_config);
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
}

#[cfg(test)]
mod tests;
