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
use crate::pose::Pose;
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
    pub live: bool,
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
}

/// A frame the pose model has looked at.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
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
    Seen(Seen<'a>),
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
    live: bool,
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
            live: setup.live,
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
            Input::Seen(seen) => self.seen(at, seen, &mut step),
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
            camera: self.live,
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
        if !self.live {
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
                if self.live {
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

    fn seen(&mut self, at: At, seen: Seen<'_>, step: &mut Step) {
        let t = at.t;
        let (width, height) = seen.picture.dimensions();
        self.snapshot.frames_analysed += 1;
        if seen.model_ran {
            self.snapshot.model_runs += 1;
        }
        self.last_frame_t = Some(t);
        let tag = SourceTag {
            camera: self.live.then(|| self.snapshot.source_name.clone()),
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
                let sighting = seen.pose.map(|p| Sighting::of(p, width, height));
                let progress = calibration.add(t, sighting);
                self.snapshot.camera_seen = calibration.camera_seen(tag.clone(), self.camera_place);
                self.snapshot.phase = Phase::Calibrating { progress };
                self.preview_serial += 1;
                self.snapshot.preview = Some(calibration::preview(
                    seen.picture,
                    seen.pose,
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
                let observed = timeline.observe(seen.pose, width, height, t);
                self.snapshot.phase = Phase::Monitoring;
                self.snapshot.preview = None;
                self.posture_changed = pace::posture_changed(
                    (self.snapshot.pattern, self.snapshot.score),
                    (observed.reading.as_ref().map(|r| r.pattern), observed.score),
                );
                let upright = observed
                    .reading
                    .as_ref()
                    .is_some_and(|r| r.pattern == Pattern::Upright);
                self.steady_upright = if upright && !self.posture_changed {
                    self.steady_upright.saturating_add(1)
                } else {
                    0
                };
                let sample = match &observed.reading {
                    Some(reading) => Sample::judged(reading, observed.score),
                    None => Sample::away(),
                };
                self.snapshot.score = observed.score;
                self.snapshot.pattern = observed.reading.as_ref().map(|r| r.pattern);
                self.snapshot.confidence = observed.reading.as_ref().map_or(0.0, |r| r.confidence);
                self.sync_clock(at, step);
                step.slice(self.recorder.as_mut().and_then(|r| r.sample(t, &sample)));
                self.emit(observed.effects, step);
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
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::live::camera_policy::{PEEK_FOR_S, RELEASE_AFTER_AWAY_S, STOP_PEEKING_AFTER_S};
    use crate::pose::{LandmarkModel, Mode, PoseEstimator};

    /// Real poses of one rendered subject, found once by the real model: upright, upright
    /// again (another take) and fully slouched.
    struct Poses {
        picture: RgbImage,
        upright: [Pose; 2],
        slouched: Pose,
    }

    fn poses() -> &'static Poses {
        static POSES: OnceLock<Poses> = OnceLock::new();
        POSES.get_or_init(|| {
            let dir =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/synthetic");
            let mut estimator = PoseEstimator::new(LandmarkModel::Lite, Mode::Static)
                .expect("the pose model loads");
            let mut pose = |name: &str| {
                let image = image::open(dir.join(name))
                    .expect("fixture reads")
                    .to_rgb8();
                let pose = estimator.estimate(&image, 0.0).expect("model runs");
                (pose.expect("a person is found"), image)
            };
            let (upright, picture) = pose("D1_upright.jpg");
            let (upright_var, _) = pose("D1_upright_var.jpg");
            let (slouched, _) = pose("D1_slouch_100.jpg");
            Poses {
                picture,
                upright: [upright, upright_var],
                slouched,
            }
        })
    }

    /// Unix time of engine time 0 in these tests.
    const ORIGIN: f64 = 1_800_000_000.0;

    fn setup(live: bool) -> SessionSetup {
        SessionSetup {
            model: "lite",
            camera_place: CameraPlace::default(),
            baseline: None,
            judge: JudgeConfig::default(),
            engine: EngineConfig::default().with_dwell(10.0),
            start_paused: false,
            battery_saver: true,
            live,
            history_origin: Some(ORIGIN),
        }
    }

    fn at(t: f64) -> At {
        At {
            t,
            unix: ORIGIN + t,
        }
    }

    /// Drives a session; keeps everything it asked for.
    struct Drive {
        session: Session,
        journal: Vec<Entry>,
        effects: Vec<EffectAt>,
        t: f64,
    }

    impl Drive {
        fn new(setup: SessionSetup) -> Drive {
            let (session, step) = Session::new(setup);
            let mut drive = Drive {
                session,
                journal: Vec::new(),
                effects: Vec::new(),
                t: 0.0,
            };
            drive.keep(step);
            drive.input(Input::Source(SourceEvent::Opened {
                name: "test camera".into(),
            }));
            drive
        }

        fn keep(&mut self, step: Step) -> bool {
            self.journal.extend(step.journal);
            self.effects.extend(step.effects);
            step.calibrated
        }

        fn input(&mut self, input: Input<'_>) -> bool {
            let step = self.session.step(at(self.t), input);
            self.keep(step)
        }

        /// Frames showing `pose` (None: nobody) every `every_s` until `until`.
        fn frames(&mut self, pose: Option<&Pose>, until: f64, every_s: f64) -> bool {
            let picture = &poses().picture;
            let mut calibrated = false;
            while self.t < until {
                self.t += every_s;
                let seen = Seen {
                    picture,
                    pose,
                    model_ran: true,
                };
                calibrated |= self.input(Input::Seen(seen));
            }
            calibrated
        }

        fn command(&mut self, command: Command) {
            self.input(Input::Command(command));
        }

        fn kinds(&self) -> Vec<&'static str> {
            self.effects.iter().map(|e| e.effect.kind()).collect()
        }

        fn logged(&self, kind: &str) -> Vec<&serde_json::Value> {
            self.journal
                .iter()
                .filter_map(|e| match e {
                    Entry::Log(v) if v["kind"] == kind => Some(v),
                    _ => None,
                })
                .collect()
        }

        fn history_events(&self) -> Vec<EventKind> {
            self.journal
                .iter()
                .filter_map(|e| match e {
                    Entry::Event(event) => Some(event.kind),
                    _ => None,
                })
                .collect()
        }

        fn slices(&self) -> Vec<&Slice> {
            self.journal
                .iter()
                .filter_map(|e| match e {
                    Entry::Slice(s) => Some(s),
                    _ => None,
                })
                .collect()
        }
    }

    /// Calibrated on 6 s of upright sitting (alternating two takes, as a person moves).
    fn calibrated(live: bool) -> Drive {
        let mut d = Drive::new(setup(live));
        let p = poses();
        assert!(d.session.calibrating());
        let mut calibrated = false;
        for i in 0..24 {
            calibrated |= d.frames(Some(&p.upright[i % 2]), 0.25 * (i + 1) as f64, 0.25);
        }
        assert!(calibrated, "{:?}", d.session.snapshot().phase);
        assert_eq!(d.session.snapshot().phase, Phase::Monitoring);
        d
    }

    #[test]
    fn calibration_measures_then_judging_nudges_a_slouch_and_clears_it() {
        let p = poses();
        let mut d = Drive::new(setup(false));
        // While measuring: the progress, a preview picture for each frame, no score.
        d.frames(Some(&p.upright[0]), 2.5, 0.25);
        let snapshot = d.session.snapshot();
        assert!(
            matches!(snapshot.phase, Phase::Calibrating { progress } if (0.4..0.6).contains(&progress)),
            "{:?}",
            snapshot.phase
        );
        assert!(
            snapshot
                .preview
                .as_ref()
                .is_some_and(|p| p.image.width() == 320)
        );
        assert_eq!(snapshot.score, None);
        let mut d = calibrated(false);
        assert_eq!(d.logged("calibrated").len(), 1);
        assert!(d.session.baseline().is_some());
        d.frames(Some(&p.upright[0]), 15.0, 0.25);
        let upright_score = d.session.snapshot().score.expect("judged");
        assert!(upright_score > 70.0, "{upright_score}");
        assert!(d.kinds().is_empty(), "{:?}", d.kinds());
        // Slouched past the entry time and the 10 s dwell: one nudge.
        d.frames(Some(&p.slouched), 30.0, 0.25);
        assert_eq!(d.kinds(), ["nudge"]);
        let slouched_score = d.session.snapshot().score.expect("judged");
        assert!(slouched_score < upright_score - 20.0, "{slouched_score}");
        assert!(d.session.snapshot().nudge.is_some());
        // Sitting up clears it.
        d.frames(Some(&p.upright[1]), 36.0, 0.25);
        assert_eq!(d.kinds(), ["nudge", "nudge_cleared"]);
        assert!(d.session.snapshot().nudge.is_none());
        // Every effect went into the log too.
        assert_eq!(d.logged("nudge").len(), 1);
        assert_eq!(d.logged("nudge_cleared").len(), 1);
    }

    #[test]
    fn nobody_in_front_of_the_camera_refuses_the_calibration_and_turns_the_camera_off() {
        let mut d = Drive::new(setup(true));
        d.frames(None, 6.0, 0.25);
        assert!(matches!(
            d.session.snapshot().phase,
            Phase::CalibrationRefused { .. }
        ));
        assert!(!d.session.steer().camera_wanted);
        assert_eq!(d.logged("calibration_refused").len(), 1);
        assert!(d.history_events().contains(&EventKind::CalibrationRefused));
        // A retry measures again, with the camera on.
        d.command(Command::Recalibrate);
        assert!(d.session.calibrating());
        assert!(d.session.steer().camera_wanted);
    }

    #[test]
    fn pausing_turns_the_camera_off_and_hides_the_score_until_resumed() {
        let p = poses();
        let mut d = calibrated(true);
        d.frames(Some(&p.upright[0]), 8.0, 0.25);
        assert!(d.session.snapshot().score.is_some());
        d.command(Command::Act(UserAction::Pause {
            seconds: Some(60.0),
        }));
        let snapshot = d.session.snapshot();
        assert_eq!(snapshot.paused, Some(Some(8.0 + 60.0)));
        assert_eq!(snapshot.score, None);
        assert!(!d.session.steer().camera_wanted);
        // The pause runs out by itself.
        d.t = 70.0;
        d.input(Input::Tick);
        assert!(d.session.steer().camera_wanted);
        assert_eq!(d.kinds(), ["paused", "resumed"]);
        let events = d.history_events();
        assert!(events.contains(&EventKind::Paused) && events.contains(&EventKind::Resumed));
    }

    #[test]
    fn away_releases_the_camera_after_two_minutes_and_peeks_now_and_then() {
        let p = poses();
        let mut d = calibrated(true);
        d.frames(Some(&p.upright[0]), 8.0, 0.25);
        // Nobody: away after the engine's 5 s.
        d.frames(None, 15.0, 0.5);
        assert_eq!(d.kinds(), ["away"]);
        assert!(d.session.snapshot().away);
        assert!(d.session.steer().camera_wanted, "still looking at first");
        // Two minutes on, the camera goes off but for a short look every 30 s.
        // The capture thread releases and reopens the camera as steered; each peek sees the
        // empty chair.
        let away_at = d.effects[0].t;
        let (mut wanted, mut camera_on) = (Vec::new(), true);
        for s in 0..120 {
            d.t = away_at + RELEASE_AFTER_AWAY_S + f64::from(s);
            let steer = d.session.steer();
            if steer.camera_wanted != camera_on {
                camera_on = steer.camera_wanted;
                d.input(Input::Source(if camera_on {
                    SourceEvent::Opened {
                        name: "test camera".into(),
                    }
                } else {
                    SourceEvent::Released
                }));
            }
            if camera_on {
                d.frames(None, d.t + 0.5, 0.5);
            } else {
                d.input(Input::Tick);
            }
            wanted.push(d.session.steer().camera_wanted);
        }
        let on = wanted.iter().filter(|w| **w).count();
        // Four peeks of PEEK_FOR_S seconds in two minutes, give or take a second each.
        assert!(
            (4 * PEEK_FOR_S as usize..=4 * (PEEK_FOR_S as usize + 1)).contains(&on),
            "{wanted:?}"
        );
        let ons = d
            .logged("camera")
            .iter()
            .filter(|v| v["on"] == true)
            .count();
        assert!((5..=6).contains(&ons), "{ons} openings");
        // Back in view: the camera stays on.
        d.frames(Some(&p.upright[0]), d.t + 1.0, 0.25);
        assert_eq!(d.kinds(), ["away", "back"]);
        assert!(d.session.steer().camera_wanted);
    }

    #[test]
    fn a_screen_lock_or_a_sleep_pauses_with_the_camera_off_and_its_end_resumes() {
        let p = poses();
        let mut d = calibrated(true);
        d.frames(Some(&p.upright[0]), 8.0, 0.25);
        d.command(Command::Desk(DeskChange::Locked(true)));
        assert!(!d.session.steer().camera_wanted);
        assert_eq!(d.session.snapshot().paused, Some(None));
        d.t = 20.0;
        d.command(Command::Desk(DeskChange::Locked(false)));
        assert!(d.session.steer().camera_wanted);
        assert_eq!(d.session.snapshot().paused, None);
        assert_eq!(d.kinds(), ["paused", "resumed"]);
        let locks: Vec<bool> = d
            .logged("screen_locked")
            .iter()
            .filter_map(|v| v["on"].as_bool())
            .collect();
        assert_eq!(locks, [true, false]);
        // Asleep while the user had paused by hand: waking leaves their pause alone.
        d.command(Command::Act(UserAction::Pause { seconds: None }));
        d.command(Command::Desk(DeskChange::Sleeping(true)));
        d.command(Command::Desk(DeskChange::Sleeping(false)));
        assert_eq!(d.session.snapshot().paused, Some(None));
        // Locked, then resumed by hand: the unlock does not pause or resume again.
        d.command(Command::Act(UserAction::Resume));
        d.command(Command::Desk(DeskChange::Locked(true)));
        d.command(Command::Act(UserAction::Resume));
        d.command(Command::Desk(DeskChange::Locked(false)));
        assert_eq!(d.session.snapshot().paused, None);
        // The camera stays off while locked, even when the user resumed by hand.
        d.command(Command::Desk(DeskChange::Locked(true)));
        d.command(Command::Act(UserAction::Resume));
        assert!(!d.session.steer().camera_wanted);
    }

    #[test]
    fn long_away_the_camera_stops_peeking_and_looks_when_the_keyboard_is_touched() {
        let p = poses();
        let mut d = calibrated(true);
        d.frames(Some(&p.upright[0]), 8.0, 0.25);
        d.frames(None, 15.0, 0.5);
        let away_at = d.effects[0].t;
        // The desk tells the idle time: nobody has touched anything since they left.
        let mut on_at = Vec::new();
        for s in 0..600 {
            d.t = away_at + f64::from(s);
            d.command(Command::Desk(DeskChange::InputIdle(d.t - 8.0)));
            if d.session.steer().camera_wanted {
                on_at.push(s);
            }
        }
        let after_stop = on_at
            .iter()
            .filter(|s| f64::from(**s) > STOP_PEEKING_AFTER_S + 1.0)
            .count();
        assert_eq!(after_stop, 0, "still peeking: {on_at:?}");
        assert!(
            on_at.iter().any(|s| f64::from(*s) > RELEASE_AFTER_AWAY_S),
            "peeks first"
        );
        // A key pressed: the camera looks at once.
        d.command(Command::Desk(DeskChange::InputIdle(0.5)));
        assert!(d.session.steer().camera_wanted);
        // Nothing more for a while: off again.
        d.t += 20.0;
        d.command(Command::Desk(DeskChange::InputIdle(20.5)));
        assert!(!d.session.steer().camera_wanted);
        // The idle time stops coming (its watcher ended): peeking again, as without one.
        let peeks = (0..120)
            .filter(|_| {
                d.t += 1.0;
                d.input(Input::Tick);
                d.session.steer().camera_wanted
            })
            .count();
        assert!(peeks >= 3 * PEEK_FOR_S as usize - 2, "{peeks}");
    }

    #[test]
    fn a_detected_call_quiets_the_coach_and_its_end_lifts_it_unless_set_by_hand() {
        let mut d = calibrated(true);
        let call = |on: bool| {
            Command::CallDetected(CallChange {
                on,
                by: on.then(|| "zoom".to_owned()),
            })
        };
        d.command(call(true));
        assert!(d.session.snapshot().in_call);
        assert!(
            d.session
                .snapshot()
                .note
                .as_deref()
                .is_some_and(|n| n.contains("zoom"))
        );
        d.command(call(false));
        assert!(!d.session.snapshot().in_call);
        let by: Vec<&str> = d
            .logged("in_call")
            .iter()
            .filter_map(|v| v["by"].as_str())
            .collect();
        assert_eq!(by, ["zoom", "detected"]);
        // Set by hand, a call stays on when the microphone goes quiet.
        d.command(Command::Act(UserAction::InCall(true)));
        d.command(call(false));
        assert!(d.session.snapshot().in_call);
        assert!(d.history_events().contains(&EventKind::InCall));
    }

    #[test]
    fn the_history_gets_the_session_its_slices_and_its_end() {
        let p = poses();
        let mut d = calibrated(false);
        d.frames(Some(&p.upright[0]), 40.0, 0.25);
        d.frames(Some(&p.slouched), 70.0, 0.25);
        d.input(Input::Tick);
        let end = d.session.finish();
        d.journal.extend(end);
        let events = d.history_events();
        assert_eq!(events.first(), Some(&EventKind::SessionStart));
        assert_eq!(events.last(), Some(&EventKind::SessionEnd));
        assert!(events.contains(&EventKind::Calibrated));
        assert!(events.contains(&EventKind::Nudge));
        let slices = d.slices();
        // 10 s slices from the end of calibration to 70 s, each on the 10 s grid.
        assert!((6..=8).contains(&slices.len()), "{}", slices.len());
        assert!(
            slices
                .iter()
                .all(|s| s.start % crate::history::SLICE_S == 0)
        );
        let judged: f32 = slices.iter().flat_map(|s| s.pattern_s).sum();
        assert!((55.0..=65.0).contains(&judged), "{judged}");
        let slouched: f32 = slices
            .iter()
            .map(|s| crate::history::slouched(&s.pattern_s))
            .sum();
        assert!((20.0..=31.0).contains(&slouched), "{slouched}");
        // Finishing twice writes nothing more.
        assert!(d.session.finish().is_empty());
    }
}
