//! The capture thread: runs one frame source, decodes only the frames the inference thread
//! will want, and leaves the newest in the slot. Owns the camera's life cycle: opened while
//! monitoring, released while paused or long away (the camera light goes off), reopened with
//! backoff when it is missing, busy or unplugged.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::capture::{CaptureError, Frame, FrameSource, Grabbed};

use super::session::SourceEvent;
use super::slot::LatestSlot;

/// What the capture thread hands over: a frame, or what happened to the source.
#[derive(Debug)]
pub enum Item {
    Frame(Frame),
    Source(SourceEvent),
}

/// Longest wait between two attempts to open a camera.
pub const MAX_BACKOFF_S: f64 = 30.0;
/// A file whose timestamps jump by more than this is replayed on from the jump, not waited for.
const MAX_TIME_JUMP_S: f64 = 2.0;

/// How the capture thread and the inference thread steer each other, lock-free.
#[derive(Debug)]
pub struct Control {
    /// Source time from which the next frame is wanted (f64 bits); +∞ wants none.
    next_wanted_t: AtomicU64,
    /// Time of the newest frame seen, analysed or not (f64 bits).
    latest_t: AtomicU64,
    /// False while the camera should be off (paused, long away, calibration refused).
    camera_wanted: AtomicBool,
}

impl Control {
    /// `camera_on`: whether the camera may be opened at the start (not when starting paused).
    pub fn new(camera_on: bool) -> Control {
        Control {
            next_wanted_t: AtomicU64::new(0f64.to_bits()),
            latest_t: AtomicU64::new(0f64.to_bits()),
            camera_wanted: AtomicBool::new(camera_on),
        }
    }

    pub fn wants(&self, t_s: f64) -> bool {
        self.camera_wanted() && t_s >= f64::from_bits(self.next_wanted_t.load(Ordering::Acquire))
    }
    pub fn want_from(&self, t_s: f64) {
        self.next_wanted_t.store(t_s.to_bits(), Ordering::Release);
    }
    pub fn latest_t(&self) -> f64 {
        f64::from_bits(self.latest_t.load(Ordering::Acquire))
    }
    fn saw(&self, t_s: f64) {
        self.latest_t.store(t_s.to_bits(), Ordering::Release);
    }
    pub fn camera_wanted(&self) -> bool {
        self.camera_wanted.load(Ordering::Acquire)
    }
    pub fn set_camera_wanted(&self, wanted: bool) {
        self.camera_wanted.store(wanted, Ordering::Release);
    }
}

/// How a replay source is played.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pacing {
    /// At the file's own pace, as if it were a camera: frames the inference thread is too busy
    /// for are dropped.
    Realtime,
    /// As fast as the inference thread goes, without dropping a wanted frame (tests, batch).
    LockStep,
}

/// Opens the source; called on the capture thread (FFmpeg's contexts must stay on one thread)
/// and again whenever a camera has to be reopened.
pub type Opener = Box<dyn FnMut() -> Result<Box<dyn FrameSource>, CaptureError> + Send>;

/// A camera read that has not returned for this long means a camera that sends nothing (open
/// succeeded, no frames: Windows' "silent zero fps", a wedged USB controller). Its reader is
/// abandoned and the camera opened again, as after an unplug.
pub const SILENT_AFTER_S: f64 = 8.0;

/// Runs [`run`] and, should it panic (a decoder's bug, a driver's), starts it again after a
/// backoff for a camera — saying so, as a camera problem, so the overlay shows it and never a
/// stale score as live — or reports a replay source unreadable. A camera is read on a worker
/// thread of its own, watched: a read that hangs (a camera that sends nothing; nokhwa's reads
/// have no timeout) is reported the same way and the camera reopened on a fresh worker.
/// Returns when the slot is closed or a replay source has ended.
pub fn supervise(
    open: Opener,
    camera: bool,
    pacing: Pacing,
    slot: Arc<LatestSlot<Item>>,
    control: Arc<Control>,
    clock: Instant,
) {
    if !camera {
        let mut open = open;
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run(
                &mut open,
                camera,
                pacing,
                &slot,
                &control,
                clock,
                &Watch::default(),
            )
        }));
        if let Err(payload) = run {
            let reason = crate::capture::jpeg::panic_message(payload.as_ref());
            tracing::error!("the capture stopped after an internal error: {reason}");
            slot.push(Item::Source(SourceEvent::Unreadable(
                CaptureError::CaptureFailed { reason },
            )));
        }
        return;
    }
    let open = Arc::new(Mutex::new(open));
    // Workers given up on whose read still hangs, holding the camera: a camera that allows one
    // holder at a time (V4L2 streaming, Media Foundation) is "busy" to a reopen until their
    // read returns and they let it go.
    let retired: Arc<Mutex<Vec<Arc<Watch>>>> = Arc::default();
    let mut backoff_s = 1.0;
    while !slot.is_closed() {
        let watch = Arc::new(Watch::default());
        let (done_tx, done) = std::sync::mpsc::channel::<Option<String>>();
        let worker = {
            let (open, slot, control, watch, stuck) = (
                Arc::clone(&open),
                Arc::clone(&slot),
                Arc::clone(&control),
                Arc::clone(&watch),
                Arc::clone(&retired),
            );
            std::thread::Builder::new()
                .name("sitwell-camera".into())
                .spawn(move || {
                    // Locked for each open only: a worker stuck in a read holds no lock. One
                    // retired while it waited for the lock (an open hung) does not open.
                    let retired = Arc::clone(&watch);
                    let mut open: Opener = Box::new(move || {
                        let mut open = open.lock().unwrap_or_else(|p| p.into_inner());
                        if retired.retired() {
                            return Err(CaptureError::CaptureFailed {
                                reason: "given up on while waiting to open".into(),
                            });
                        }
                        match open() {
                            // Busy because of our own stuck read, not another application.
                            Err(CaptureError::CameraBusy { .. }) if still_held(&stuck) => {
                                Err(CaptureError::CameraHeld)
                            }
                            opened => opened,
                        }
                    });
                    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        run(&mut open, camera, pacing, &slot, &control, clock, &watch)
                    }));
                    let panicked = run
                        .err()
                        .map(|payload| crate::capture::jpeg::panic_message(payload.as_ref()));
                    // The supervisor may be gone already (shut down): nobody to tell.
                    let _ = done_tx.send(panicked);
                })
        };
        if let Err(e) = worker {
            let reason = format!("cannot start the camera's thread: {e}");
            backoff_s = report_and_wait(&slot, CaptureError::CaptureFailed { reason }, backoff_s);
            continue;
        }
        let error = loop {
            match done.recv_timeout(Duration::from_millis(250)) {
                Ok(None) | Err(RecvTimeoutError::Disconnected) => return,
                Ok(Some(reason)) => {
                    tracing::error!("the capture stopped after an internal error: {reason}");
                    break CaptureError::CaptureFailed { reason };
                }
                Err(RecvTimeoutError::Timeout) => {
                    if slot.is_closed() {
                        return;
                    }
                    if let Some(silent_s) = watch.silent_for(clock, SILENT_AFTER_S) {
                        // Its read may return some day: it then finds itself retired and
                        // lets the camera go without a word.
                        watch.retire();
                        retired
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .push(Arc::clone(&watch));
                        tracing::warn!("the camera sent nothing for {silent_s:.0} s; reopening it");
                        break CaptureError::CameraSilent { seconds: silent_s };
                    }
                }
            }
        };
        if watch.delivered() {
            // It delivered before it failed: a fresh problem, not the same one again.
            backoff_s = 1.0;
        }
        backoff_s = report_and_wait(&slot, error, backoff_s);
    }
}

/// Whether a worker given up on still holds the camera (and forgets those that let it go).
fn still_held(retired: &Mutex<Vec<Arc<Watch>>>) -> bool {
    let mut retired = retired
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    retired.retain(|w| w.holding());
    !retired.is_empty()
}

/// What the supervisor sees of a camera worker: since when its current read has waited,
/// whether it has been given up on, and whether it holds an open camera.
#[derive(Debug, Default)]
pub struct Watch {
    /// Engine time (f64 bits) at which the current read started; NaN bits while not reading.
    reading_since: AtomicU64,
    retired: AtomicBool,
    /// Whether `reading_since` holds a time.
    reading: AtomicBool,
    /// The worker has handed over at least one frame.
    delivered: AtomicBool,
    /// The worker has an open source (a camera it holds until it drops it).
    holding: AtomicBool,
}

impl Watch {
    fn start_read(&self, t: f64) {
        self.reading_since.store(t.to_bits(), Ordering::Release);
        self.reading.store(true, Ordering::Release);
    }
    fn end_read(&self) {
        self.reading.store(false, Ordering::Release);
    }
    /// How long the current read has waited, if longer than `limit_s`.
    fn silent_for(&self, clock: Instant, limit_s: f64) -> Option<f64> {
        if !self.reading.load(Ordering::Acquire) {
            return None;
        }
        let since = f64::from_bits(self.reading_since.load(Ordering::Acquire));
        let waited = clock.elapsed().as_secs_f64() - since;
        (waited > limit_s).then_some(waited)
    }
    fn retire(&self) {
        self.retired.store(true, Ordering::Release);
    }
    fn retired(&self) -> bool {
        self.retired.load(Ordering::Acquire)
    }
    fn deliver(&self) {
        self.delivered.store(true, Ordering::Release);
    }
    fn holding(&self) -> bool {
        self.holding.load(Ordering::Acquire)
    }
    fn delivered(&self) -> bool {
        self.delivered.load(Ordering::Acquire)
    }
}

/// The source a worker holds open, and the [`Watch`] that tells the supervisor so: dropping it
/// (released, lost, or the worker ending) lets the camera go and says so.
struct Held<'w> {
    source: Option<Box<dyn FrameSource>>,
    watch: &'w Watch,
}

impl Held<'_> {
    fn set(&mut self, source: Option<Box<dyn FrameSource>>) {
        // The old one is closed before anyone is told it is.
        drop(std::mem::replace(&mut self.source, source));
        self.watch
            .holding
            .store(self.source.is_some(), Ordering::Release);
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.set(None);
    }
}

/// Runs until the slot is closed or a replay source ends. `camera`: the source is a camera
/// or played as one (it is not even opened while the camera is not wanted, and it is
/// reopened when lost).
/// `watch`: where the supervisor sees each read (it may retire this run).
pub fn run(
    open: &mut Opener,
    camera: bool,
    pacing: Pacing,
    slot: &LatestSlot<Item>,
    control: &Control,
    clock: Instant,
    watch: &Watch,
) {
    let mut held = Held {
        source: None,
        watch,
    };
    // Engine time at which the current camera was opened (its frames count from there).
    let mut camera_offset_s = 0.0;
    let mut backoff_s = 1.0;
    // A replay source's (wall instant, source time) of its first frame, for real-time pacing.
    let origin: std::cell::Cell<Option<(Instant, f64)>> = std::cell::Cell::new(None);
    while !slot.is_closed() && !watch.retired() {
        if camera && !control.camera_wanted() {
            // Paused or long away: release the camera so its light goes off.
            if held.source.is_some() {
                held.set(None);
                tracing::info!("camera released");
                slot.push(Item::Source(SourceEvent::Released));
            }
            slot.wait_closed(Duration::from_millis(200));
            continue;
        }
        let Some(current) = held.source.as_mut() else {
            watch.start_read(clock.elapsed().as_secs_f64());
            let opened = open();
            watch.end_read();
            if watch.retired() {
                return;
            }
            match opened {
                Ok(opened) => {
                    camera_offset_s = if camera {
                        clock.elapsed().as_secs_f64()
                    } else {
                        0.0
                    };
                    slot.push(Item::Source(SourceEvent::Opened {
                        name: opened.name().to_owned(),
                    }));
                    held.set(Some(opened));
                }
                Err(
                    error @ (CaptureError::NoCamera
                    | CaptureError::CameraBusy { .. }
                    | CaptureError::CameraOpen { .. }
                    | CaptureError::CameraLost { .. }
                    | CaptureError::CameraHeld),
                ) => {
                    backoff_s = report_and_wait(slot, error, backoff_s);
                }
                Err(error) => {
                    slot.push(Item::Source(SourceEvent::Unreadable(error)));
                    return;
                }
            }
            continue;
        };
        if pacing == Pacing::LockStep && !camera && !slot.wait_idle() {
            return;
        }
        let offset = camera_offset_s;
        let realtime_file = pacing == Pacing::Realtime && !camera;
        // A file played in real time waits for each frame's moment *before* deciding whether
        // it is wanted, so the decision sees the inference thread's latest wish.
        let wanted = |t: f64| {
            if realtime_file && t.is_finite() {
                let (mut wall, mut first_t) = origin.get().unwrap_or((Instant::now(), t));
                let ahead = t - first_t - wall.elapsed().as_secs_f64();
                if !(-MAX_TIME_JUMP_S..=MAX_TIME_JUMP_S).contains(&ahead) {
                    // A jump in the file's timestamps: play on from here, don't wait for it.
                    (wall, first_t) = (Instant::now(), t);
                }
                origin.set(Some((wall, first_t)));
                let due = wall + Duration::from_secs_f64((t - first_t).max(0.0));
                let wait = due.saturating_duration_since(Instant::now());
                if !wait.is_zero() && slot.wait_closed(wait) {
                    return false;
                }
            }
            control.wants(t + offset)
        };
        watch.start_read(clock.elapsed().as_secs_f64());
        let grabbed = current.grab(&wanted);
        watch.end_read();
        if slot.is_closed() || watch.retired() {
            return;
        }
        match grabbed {
            Ok(Some(grabbed)) => {
                let t = grabbed.t_s() + offset;
                control.saw(t);
                if let Grabbed::Frame(mut frame) = grabbed {
                    frame.t_s = t;
                    slot.put(Item::Frame(frame));
                    // Only a camera that delivers counts as recovered.
                    backoff_s = 1.0;
                    watch.deliver();
                }
            }
            Ok(None) if camera && !current.ends() => {
                held.set(None);
            }
            Ok(None) => {
                if pacing == Pacing::LockStep {
                    slot.wait_idle();
                }
                slot.push(Item::Source(SourceEvent::Ended));
                return;
            }
            Err(error @ CaptureError::CameraLost { .. }) => {
                held.set(None);
                backoff_s = report_and_wait(slot, error, backoff_s);
            }
            Err(error) => {
                // A corrupt frame or file in a folder: the source moves on past it.
                if !matches!(error, CaptureError::CameraFrame { .. }) {
                    tracing::warn!("{error}");
                }
                slot.push(Item::Source(SourceEvent::Skipped(error)));
            }
        }
    }
}

/// Tells the inference thread about a camera problem, waits `backoff_s` (or until closed) and
/// returns the next, longer wait.
fn report_and_wait(slot: &LatestSlot<Item>, error: CaptureError, backoff_s: f64) -> f64 {
    slot.push(Item::Source(SourceEvent::CameraProblem {
        error,
        retry_in_s: backoff_s,
    }));
    slot.wait_closed(Duration::from_secs_f64(backoff_s));
    (backoff_s * 2.0).min(MAX_BACKOFF_S)
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::capture::SourceKind;

    /// What a scripted camera does on each read.
    enum Step {
        Frame,
        Unplugged,
        Crash,
    }

    struct Scripted(VecDeque<Step>, u64);

    impl FrameSource for Scripted {
        fn name(&self) -> &str {
            "scripted"
        }
        fn kind(&self) -> SourceKind {
            SourceKind::Motion
        }
        fn ends(&self) -> bool {
            false
        }
        fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError> {
            std::thread::sleep(Duration::from_millis(10));
            self.1 += 1;
            match self.0.pop_front() {
                Some(Step::Frame) => Ok(Some(Frame {
                    rgb: image::RgbImage::new(4, 4),
                    t_s: self.1 as f64 * 0.01,
                    index: self.1,
                    file: None,
                })),
                Some(Step::Unplugged) => Err(CaptureError::CameraLost {
                    name: "scripted".into(),
                    reason: "No such device".into(),
                }),
                Some(Step::Crash) => panic!("a driver bug"),
                // Then a camera that keeps delivering.
                None => {
                    self.0.push_back(Step::Frame);
                    self.next_frame()
                }
            }
        }
    }

    #[derive(Debug, PartialEq)]
    enum Got {
        Opened,
        Frame,
        Busy(f64),
        Lost(f64),
        Failed(f64),
        Other,
    }

    #[test]
    fn a_busy_open_an_unplug_and_a_crash_each_recover_with_backoff() {
        let opens = Arc::new(Mutex::new(0));
        let counter = Arc::clone(&opens);
        let open: Opener = Box::new(move || {
            let mut n = counter.lock().unwrap_or_else(|p| p.into_inner());
            *n += 1;
            let steps = match *n {
                1 => {
                    return Err(CaptureError::CameraBusy {
                        name: "scripted".into(),
                    });
                }
                2 => vec![Step::Frame, Step::Frame, Step::Unplugged],
                3 => vec![Step::Frame, Step::Crash],
                _ => vec![],
            };
            Ok(Box::new(Scripted(steps.into(), 0)) as Box<dyn FrameSource>)
        });
        let slot = Arc::new(LatestSlot::default());
        let control = Arc::new(Control::new(true));
        let capture = {
            let (slot, control) = (Arc::clone(&slot), Arc::clone(&control));
            std::thread::spawn(move || {
                supervise(open, true, Pacing::Realtime, slot, control, Instant::now())
            })
        };
        let mut seen = Vec::new();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            let Some(item) = slot.take(Duration::from_millis(100)) else {
                continue;
            };
            seen.push(match item {
                Item::Source(SourceEvent::Opened { .. }) => Got::Opened,
                Item::Frame(_) => Got::Frame,
                Item::Source(SourceEvent::CameraProblem { error, retry_in_s }) => match error {
                    CaptureError::CameraBusy { .. } => Got::Busy(retry_in_s),
                    CaptureError::CameraLost { .. } => Got::Lost(retry_in_s),
                    CaptureError::CaptureFailed { .. } => Got::Failed(retry_in_s),
                    _ => Got::Other,
                },
                _ => Got::Other,
            });
            slot.done();
            // Opened three times (the first open was refused): the last recovery delivers.
            if seen.iter().filter(|s| **s == Got::Opened).count() == 3
                && seen.last() == Some(&Got::Frame)
            {
                break;
            }
        }
        slot.close();
        assert!(
            capture.join().is_ok(),
            "the capture thread itself never dies"
        );
        // Frames may be replaced before they are taken (a latest-frame slot), so only the
        // order of what happened is checked, with runs of frames folded into one.
        seen.dedup();
        assert_eq!(
            seen,
            [
                Got::Busy(1.0),
                Got::Opened,
                Got::Frame,
                // Frames came in between: the backoff started again from 1 s.
                Got::Lost(1.0),
                Got::Opened,
                Got::Frame,
                Got::Failed(1.0),
                Got::Opened,
                Got::Frame,
            ]
        );
        assert_eq!(*opens.lock().unwrap_or_else(|p| p.into_inner()), 4);
    }
}
