//! The inference thread: a thin loop around the [`Session`]. It takes the newest frame from
//! the slot and has the pose model look at it, feeds the session that and the UI's commands
//! and the clock's ticks, writes what the session asks into the [`Journal`], streams the
//! coach's effects to the UI, publishes the snapshot and tells the capture thread the pace and
//! whether the camera should be on.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ringbuf::HeapProd;
use ringbuf::traits::Producer;

use crate::capture::Frame;
use crate::coach::EffectAt;
use crate::pose::{LandmarkModel, Mode, Pose, PoseEstimator};

use super::capture_loop::{Control, Item};
use super::command::Command;
use super::journal::Journal;
use super::pace::{self, Thumbnail};
use super::session::{At, Input, Look, Session, SessionSetup, SourceEvent, Step};
use super::slot::LatestSlot;
use super::status::{Phase, Snapshot};

/// What the inference thread is given.
pub struct InferenceSetup {
    pub model: LandmarkModel,
    /// How the session starts.
    pub session: SessionSetup,
    /// Where a fresh calibration is saved (None: kept in memory only).
    pub baseline_save: Option<PathBuf>,
    /// Where the event log and the history are written.
    pub journal: Journal,
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

/// The pose model with its cache: a frame that looks like the last one analysed reuses its
/// pose for a while (a still picture costs no model run).
pub struct Looker {
    estimator: PoseEstimator,
    last_thumb: Option<Thumbnail>,
    last_model_t: Option<f64>,
    last_pose: Option<Pose>,
}

impl Looker {
    pub fn new(estimator: PoseEstimator) -> Looker {
        Looker {
            estimator,
            last_thumb: None,
            last_model_t: None,
            last_pose: None,
        }
    }

    /// Looks at `frame` (always with the model while `calibrating`). Returns the pose, whether
    /// the model ran, and a problem to tell the user.
    pub fn look(
        &mut self,
        frame: &Frame,
        calibrating: bool,
    ) -> (Option<&Pose>, bool, Option<String>) {
        let t = frame.t_s;
        let thumb = Thumbnail::of(&frame.rgb);
        let changed = self
            .last_thumb
            .as_ref()
            .is_none_or(|last| thumb.differs_from(last));
        let mut problem = None;
        let run = calibrating || pace::must_run_model(changed, t, self.last_model_t);
        if run {
            self.last_pose = match self.estimator.estimate(&frame.rgb, t) {
                Ok(pose) => pose,
                Err(e) => {
                    tracing::warn!("pose estimation failed: {e}");
                    problem = Some(format!("pose estimation failed: {e}"));
                    None
                }
            };
            self.last_thumb = Some(thumb);
            self.last_model_t = Some(t);
        }
        (self.last_pose.as_ref(), run, problem)
    }

    /// A new source or a new calibration: nothing seen so far carries over.
    pub fn forget(&mut self) {
        self.estimator.reset();
        self.last_thumb = None;
        self.last_model_t = None;
    }
}

/// How often the inference thread hands freed heap back (calibration pictures, decoded frames).
const TRIM_EVERY: Duration = Duration::from_secs(60);

/// The thread's parts, as the loop uses them.
struct Thread {
    session: Session,
    looker: Looker,
    journal: Journal,
    baseline_save: Option<PathBuf>,
    from_camera: bool,
    clock: Instant,
    shared: Arc<Shared>,
    effects_out: HeapProd<EffectAt>,
}

impl Thread {
    /// Now: a camera's clock, or the newest frame of a file; and the wall clock.
    fn at(&self, control: &Control) -> At {
        let since_start = self.clock.elapsed().as_secs_f64();
        let t = if self.from_camera {
            since_start
        } else {
            control.latest_t()
        };
        At {
            t,
            unix: crate::history::unix_now(),
            since_start,
        }
    }

    /// Carries out one step: the tracker reset, the baseline saved, the journal written, the
    /// effects streamed, the snapshot published.
    fn apply(&mut self, step: Step) {
        if step.forget_tracking {
            self.looker.forget();
        }
        if step.calibrated
            && let (Some(path), Some(baseline)) = (&self.baseline_save, self.session.baseline())
            && let Err(e) = crate::config::baseline_file::save(baseline, path)
        {
            self.session
                .note(format!("{e}; this calibration lasts until you quit"));
        }
        if let Some(problem) = self.journal.write(step.journal) {
            self.session.note(problem);
        }
        if let Some(problem) = self.journal.take_problem() {
            self.session.note(problem);
        }
        for effect in step.effects {
            if self.effects_out.try_push(effect).is_err() {
                tracing::debug!("UI is not draining effects; dropped {:?}", effect.effect);
            }
        }
        publish(&self.shared, self.session.snapshot());
    }

    fn steer(&self, control: &Control) {
        let steer = self.session.steer();
        control.set_camera_wanted(steer.camera_wanted);
        control.want_from(steer.want_from);
    }

    /// The session is over: the last slice and the end are written, and the writer commits
    /// everything before this returns.
    fn finish(&mut self) {
        let entries = self.session.finish();
        // Nobody is left to tell of a log that cannot be written.
        let _ = self.journal.write(entries);
        if let Some(written) = self.journal.close() {
            self.shared.lock().history_written = Some(written);
            self.session.written(written);
        }
    }
}

/// Runs until told to shut down or the source ends.
pub fn run(
    setup: InferenceSetup,
    slot: Arc<LatestSlot<Item>>,
    control: Arc<Control>,
    shared: Arc<Shared>,
    commands: Receiver<Command>,
    effects_out: HeapProd<EffectAt>,
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
    crate::platform::process::release_free_heap();
    let mut last_trim = Instant::now();
    let from_camera = setup.session.from_camera;
    let (session, step) = Session::new(setup.session);
    let mut me = Thread {
        session,
        looker: Looker::new(estimator),
        journal: setup.journal,
        baseline_save: setup.baseline_save,
        from_camera,
        clock,
        shared,
        effects_out,
    };
    me.apply(step);
    'run: loop {
        loop {
            match commands.try_recv() {
                Ok(Command::Shutdown) | Err(TryRecvError::Disconnected) => break 'run,
                Ok(command) => {
                    let at = me.at(&control);
                    let step = me.session.step(at, Input::Command(command));
                    me.apply(step);
                }
                Err(TryRecvError::Empty) => break,
            }
        }
        let item = slot.take(Duration::from_millis(100));
        let ended = matches!(
            item,
            Some(Item::Source(
                SourceEvent::Ended | SourceEvent::Unreadable(_)
            ))
        );
        match item {
            Some(item) => {
                // Want nothing new until this frame is judged and the next wish is set.
                control.want_from(f64::INFINITY);
                let at = me.at(&control);
                let step = match item {
                    Item::Frame(frame) => {
                        let calibrating = me.session.calibrating();
                        let (pose, model_ran, problem) = me.looker.look(&frame, calibrating);
                        if let Some(problem) = problem {
                            me.session.note(problem);
                        }
                        let look = Look {
                            picture: &frame.rgb,
                            pose,
                            model_ran,
                        };
                        me.session
                            .step(At { t: frame.t_s, ..at }, Input::Looked(look))
                    }
                    Item::Source(event) => me.session.step(at, Input::Source(event)),
                };
                me.apply(step);
                me.steer(&control);
                slot.done();
            }
            None if slot.is_closed() => {
                // The capture thread is gone without saying why: say so rather than go on
                // showing the last score as live.
                me.session
                    .broken("The capture stopped unexpectedly; please restart Sitwell".into());
                publish(&me.shared, me.session.snapshot());
                me.finish();
                wait_for_shutdown(&commands);
                break;
            }
            None => {
                let at = me.at(&control);
                let step = me.session.step(at, Input::Tick);
                me.apply(step);
                me.steer(&control);
            }
        }
        if last_trim.elapsed() >= TRIM_EVERY {
            crate::platform::process::release_free_heap();
            last_trim = Instant::now();
        }
        if ended {
            me.finish();
            // Stay for the UI's commands (a retry is pointless; a shutdown will come).
            wait_for_shutdown(&commands);
            break;
        }
    }
    slot.close();
    me.finish();
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
