//! The live pipeline: a capture thread and an inference thread, and the handle the UI (or
//! `sitwell watch`) holds.
//!
//! ```text
//! capture thread ──newest frame──▶ LatestSlot ──▶ inference thread ──▶ Snapshot (Mutex)
//!   (camera/file,                 (never a queue)   (pose → posture      effects (ringbuf)
//!    decodes only wanted frames)                     → coach)            event log (JSONL)
//!            ◀──────── Control: pace, camera on/off ────────┘
//! ```
//! The UI thread only reads snapshots, drains effects and sends [`Command`]s; it never waits
//! on either thread.

pub mod calibration;
pub mod calls;
pub mod camera_policy;
pub mod capture_loop;
pub mod command;
pub mod desk;
pub mod event_log;
pub mod inference;
pub mod journal;
pub mod meter;
pub mod pace;
pub mod session;
pub mod slot;
pub mod status;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::thread::JoinHandle;
use std::time::Instant;

use ringbuf::traits::{Consumer, Split};
use ringbuf::{HeapCons, HeapRb};

use crate::capture::camera::{CameraChoice, CameraSource};
use crate::capture::{self, FrameSource, mjpeg};
use crate::coach::{EffectAt, EngineConfig};
use crate::pose::LandmarkModel;
use crate::posture::{Baseline, CameraPlace, JudgeConfig};

pub use capture_loop::Pacing;
pub use command::Command;
pub use status::{Phase, Preview, Snapshot};

/// Where frames come from: a camera, or a file / folder replayed through the same path.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceSpec {
    Camera(CameraChoice),
    Path(PathBuf),
    /// A camera of the embedder's own, run with a camera's whole life cycle (the tests give
    /// one that fails the way real cameras do).
    Custom(CustomCamera),
}

/// Opens a [`SourceSpec::Custom`] camera; called again whenever it has to be reopened.
pub type OpenCustom = dyn Fn() -> Result<Box<dyn FrameSource>, capture::CaptureError> + Send + Sync;

/// A camera opened by the embedder's own function.
#[derive(Clone)]
pub struct CustomCamera(pub Arc<OpenCustom>);

impl std::fmt::Debug for CustomCamera {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CustomCamera")
    }
}

impl PartialEq for CustomCamera {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl SourceSpec {
    /// An existing path (or anything that looks like one) is a file; otherwise a camera
    /// index (`0`) or part of a camera's name.
    pub fn parse(text: &str) -> SourceSpec {
        let path = Path::new(text);
        let looks_like_path = path.exists()
            || text.contains('/')
            || capture::is_image_path(path)
            || capture::is_video_path(path);
        if looks_like_path {
            SourceSpec::Path(path.to_path_buf())
        } else {
            match text.parse::<CameraChoice>() {
                Ok(choice) => SourceSpec::Camera(choice),
                Err(never) => match never {},
            }
        }
    }

    pub fn is_camera(&self) -> bool {
        matches!(self, SourceSpec::Camera(_) | SourceSpec::Custom(_))
    }

    /// A recorded camera stream (`.mjpeg`) played in real time: it is played as a camera.
    pub fn is_recorded_camera(&self, pacing: Pacing) -> bool {
        pacing == Pacing::Realtime
            && matches!(self, SourceSpec::Path(path) if mjpeg::is_stream_path(path))
    }
}

/// Everything the live pipeline needs to start.
pub struct LiveOptions {
    pub source: SourceSpec,
    /// How a file is played (a camera is always real time).
    pub pacing: Pacing,
    /// Frame rate at which a folder of images is played.
    pub folder_fps: f64,
    pub model: LandmarkModel,
    /// Where the user said the camera is (for a fresh calibration).
    pub camera_place: CameraPlace,
    /// None: calibrate first.
    pub baseline: Option<Baseline>,
    /// Where a fresh calibration is saved.
    pub baseline_save: Option<PathBuf>,
    pub judge: JudgeConfig,
    pub engine: EngineConfig,
    /// Append every engine effect (and calibrations) here as JSON lines.
    pub events_path: Option<PathBuf>,
    pub start_paused: bool,
    /// Look less often while the user sits well on battery power (setting `battery_saver`).
    pub battery_saver: bool,
    /// Remember the session in this history database.
    pub history: Option<HistoryOptions>,
    /// Switch "in a call" on and off by itself while another program records from the
    /// microphone.
    pub detect_calls: bool,
}

impl LiveOptions {
    /// `source` with the defaults: a camera in real time and a file as fast as the pipeline
    /// goes, the lite model, calibration first (saved nowhere), the built-in judge and coach,
    /// no event log, no history, no call detection.
    pub fn new(source: SourceSpec) -> LiveOptions {
        LiveOptions {
            pacing: if source.is_camera() {
                Pacing::Realtime
            } else {
                Pacing::LockStep
            },
            source,
            folder_fps: 5.0,
            model: LandmarkModel::Lite,
            camera_place: CameraPlace::default(),
            baseline: None,
            baseline_save: None,
            judge: JudgeConfig::default(),
            engine: EngineConfig::default(),
            events_path: None,
            start_paused: false,
            battery_saver: true,
            history: None,
            detect_calls: false,
        }
    }
}

/// Where and how long the history is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryOptions {
    pub path: PathBuf,
    pub retention_days: u32,
}

/// Errors starting the pipeline.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("cannot open the event log {path}: {cause}")]
    Events {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error("cannot start a thread: {0}")]
    Thread(std::io::Error),
}

/// The running pipeline. Dropping it stops both threads (and releases the camera).
pub struct Live {
    shared: Arc<inference::Shared>,
    slot: Arc<slot::LatestSlot<capture_loop::Item>>,
    commands: Sender<Command>,
    effects: HeapCons<EffectAt>,
    capture: Option<JoinHandle<()>>,
    inference: Option<JoinHandle<()>>,
    calls: Option<calls::CallWatcher>,
}

/// Closes the slot when a pipeline thread ends, however it ends, so the other thread stops
/// too and the camera is released; after a panic of the inference thread the overlay says so.
struct StopOnExit {
    slot: Arc<slot::LatestSlot<capture_loop::Item>>,
    shared: Option<Arc<inference::Shared>>,
}

impl Drop for StopOnExit {
    fn drop(&mut self) {
        self.slot.close();
        if std::thread::panicking()
            && let Some(shared) = &self.shared
        {
            let mut snapshot = shared.lock();
            snapshot.phase = Phase::Broken {
                message: "Sitwell's monitoring stopped after an internal error; please restart it"
                    .into(),
            };
            drop(snapshot);
            (shared.notify)();
        }
    }
}

/// Effects buffered for the UI between two frames it draws.
const EFFECT_BUFFER: usize = 256;

impl Live {
    /// Starts both threads. `notify` is called (from the inference thread) whenever the
    /// snapshot changed in a way the overlay would show.
    pub fn start(
        options: LiveOptions,
        notify: Box<dyn Fn() + Send + Sync>,
    ) -> Result<Live, LiveError> {
        let events: Option<Box<dyn Write + Send>> = match &options.events_path {
            Some(path) => {
                let file =
                    crate::files::append_private(path).map_err(|cause| LiveError::Events {
                        path: path.clone(),
                        cause,
                    })?;
                Some(Box::new(file))
            }
            None => None,
        };
        let history = match &options.history {
            Some(h) => Some(
                crate::history::Writer::start(h.path.clone(), h.retention_days)
                    .map_err(LiveError::Thread)?,
            ),
            None => None,
        };
        let clock = Instant::now();
        // Engine time 0 in unix time: where the history places this session.
        let origin = crate::history::unix_now();
        let slot = Arc::new(slot::LatestSlot::default());
        // Starting paused with a baseline: the camera stays off from the first moment. (Without
        // a baseline calibration comes first, and the pause is applied once it is done.)
        let camera_on = !(options.start_paused && options.baseline.is_some());
        let control = Arc::new(capture_loop::Control::new(camera_on));
        // A recorded camera stream played in real time is played as the camera was: on the
        // wall clock, with the camera's life cycle.
        let from_camera =
            options.source.is_camera() || options.source.is_recorded_camera(options.pacing);
        let shared = Arc::new(inference::Shared {
            snapshot: std::sync::Mutex::new(Snapshot::default()),
            notify,
        });
        let (commands, command_rx) = std::sync::mpsc::channel();
        let (effects_tx, effects) = HeapRb::<EffectAt>::new(EFFECT_BUFFER).split();

        let source = options.source.clone();
        let folder_fps = options.folder_fps;
        // When a recorded camera "started": reopened, it shows what the clock has reached.
        let mut epoch: Option<Instant> = None;
        let opener: capture_loop::Opener = Box::new(move || -> Result<Box<dyn FrameSource>, _> {
            match &source {
                SourceSpec::Camera(choice) => Ok(Box::new(CameraSource::open(choice)?)),
                SourceSpec::Custom(camera) => (camera.0)(),
                SourceSpec::Path(path) if from_camera => {
                    let epoch = *epoch.get_or_insert_with(Instant::now);
                    let timing = mjpeg::Timing::Wall { epoch };
                    Ok(Box::new(mjpeg::MjpegStream::open(
                        path,
                        mjpeg::FPS,
                        timing,
                    )?))
                }
                SourceSpec::Path(path) => capture::open_path(path, folder_fps),
            }
        });
        let capture = {
            let (slot, control) = (Arc::clone(&slot), Arc::clone(&control));
            let pacing = options.pacing;
            std::thread::Builder::new()
                .name("sitwell-capture".into())
                .spawn(move || {
                    let _guard = StopOnExit {
                        slot: Arc::clone(&slot),
                        shared: None,
                    };
                    capture_loop::supervise(opener, from_camera, pacing, slot, control, clock)
                })
                .map_err(LiveError::Thread)?
        };
        let setup = inference::InferenceSetup {
            model: options.model,
            session: session::SessionSetup {
                model: options.model.name(),
                camera_place: options.camera_place,
                baseline: options.baseline,
                judge: options.judge,
                engine: options.engine,
                start_paused: options.start_paused,
                battery_saver: options.battery_saver,
                from_camera,
                history_origin: history.is_some().then_some(origin),
            },
            baseline_save: options.baseline_save,
            journal: journal::Journal::new(events, history),
        };
        let inference = {
            let (slot, control, shared) =
                (Arc::clone(&slot), Arc::clone(&control), Arc::clone(&shared));
            std::thread::Builder::new()
                .name("sitwell-inference".into())
                .spawn(move || {
                    let _guard = StopOnExit {
                        slot: Arc::clone(&slot),
                        shared: Some(Arc::clone(&shared)),
                    };
                    inference::run(setup, slot, control, shared, command_rx, effects_tx, clock)
                })
        };
        let inference = match inference {
            Ok(handle) => handle,
            Err(e) => {
                // Stop the capture thread (and the camera) already started.
                slot.close();
                return Err(LiveError::Thread(e));
            }
        };
        if from_camera {
            desk::start_watchers(&commands);
        }
        let calls = if options.detect_calls {
            calls::CallWatcher::start(commands.clone())
                .map_err(|e| tracing::warn!("no call detection: {e}"))
                .ok()
        } else {
            None
        };
        Ok(Live {
            shared,
            slot,
            commands,
            effects,
            capture: Some(capture),
            inference: Some(inference),
            calls,
        })
    }

    /// The newest snapshot (a cheap copy; the preview picture is shared).
    pub fn snapshot(&self) -> Snapshot {
        self.shared.snapshot()
    }

    /// Sends a command; never blocks.
    pub fn send(&self, command: Command) {
        // The inference thread only stops on Shutdown, after which nothing is sent.
        let _ = self.commands.send(command);
    }

    /// A sender of commands for another thread (a notification's buttons). Sending to a
    /// pipeline that has stopped does nothing.
    pub fn commander(&self) -> std::sync::mpsc::Sender<Command> {
        self.commands.clone()
    }

    /// The effects that happened since the last call.
    pub fn take_effects(&mut self) -> Vec<EffectAt> {
        self.effects.pop_iter().collect()
    }

    /// Frames the inference thread was too busy for (replaced in the slot before being taken).
    pub fn frames_dropped(&self) -> u64 {
        self.slot.replaced()
    }

    /// Whether a replay source has played to its end (or could not be read).
    pub fn source_finished(&self) -> bool {
        matches!(
            self.shared.snapshot().phase,
            Phase::Ended | Phase::Broken { .. }
        )
    }

    /// Stops both threads and waits for them.
    pub fn stop(&mut self) {
        self.calls = None;
        self.send(Command::Shutdown);
        self.slot.close();
        for handle in [self.inference.take(), self.capture.take()]
            .into_iter()
            .flatten()
        {
            if handle.join().is_err() {
                tracing::error!("a pipeline thread panicked");
            }
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_files_when_they_look_like_files() {
        assert_eq!(
            SourceSpec::parse("0"),
            SourceSpec::Camera(CameraChoice::Index(0))
        );
        assert_eq!(
            SourceSpec::parse("Logitech"),
            SourceSpec::Camera(CameraChoice::Name("Logitech".into()))
        );
        assert!(matches!(SourceSpec::parse("clip.mp4"), SourceSpec::Path(_)));
        assert!(matches!(SourceSpec::parse("./frames"), SourceSpec::Path(_)));
    }
}
