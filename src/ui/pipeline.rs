//! The overlay's handle on the live pipeline: started, restarted with new settings, told the
//! user's commands, and handed over to be stopped once the window is gone. The UI thread never
//! waits on it: an old pipeline is stopped on a thread of its own.

use eframe::egui;

use crate::coach::EffectAt;
use crate::live::meter::RunMeter;
use crate::live::{Command, Live, LiveError, LiveOptions, Snapshot};

/// The pipeline handed over when the window closes, with its meter: stopping it can take
/// seconds (a camera read, a stuck sound server), and the window must not hang meanwhile.
/// [`super::run`] stops it once the window is gone.
pub type AfterClose = std::sync::Arc<std::sync::Mutex<Option<(Live, RunMeter)>>>;

/// The running pipeline, if it started.
pub struct Pipeline {
    live: Option<Live>,
    /// The running pipeline reads a camera (not the demo or a file).
    reads_camera: bool,
    /// Saved settings name another camera or model: start the pipeline again.
    pub restart_pending: bool,
    /// What the run cost and did, for `--stats`.
    meter: RunMeter,
    after_close: AfterClose,
}

impl Pipeline {
    pub fn new(after_close: AfterClose) -> Pipeline {
        Pipeline {
            live: None,
            reads_camera: false,
            restart_pending: false,
            meter: RunMeter::default(),
            after_close,
        }
    }

    /// Starts a pipeline with `options`; the one running before is stopped in the background.
    pub fn start(&mut self, options: LiveOptions, ctx: &egui::Context) -> Result<(), LiveError> {
        self.reads_camera = options.source.is_camera();
        if let Some(old) = self.live.take() {
            // Stopping joins the threads (a model pass, a camera read): not on the UI thread.
            let stopped = std::thread::Builder::new()
                .name("sitwell-stop".into())
                .spawn(move || drop(old));
            if let Err(e) = stopped {
                tracing::warn!("cannot stop the old pipeline in the background: {e}");
            }
        }
        let repaint = ctx.clone();
        self.live = Some(Live::start(
            options,
            Box::new(move || repaint.request_repaint()),
        )?);
        Ok(())
    }

    /// Whether the running pipeline reads a camera (its settings are the user's to keep).
    pub fn reads_camera(&self) -> bool {
        self.reads_camera
    }

    pub fn send(&self, command: Command) {
        if let Some(live) = &self.live {
            live.send(command);
        }
    }

    /// A sender for answers that arrive off the UI thread (a notification's buttons).
    pub fn commander(&self) -> Option<std::sync::mpsc::Sender<Command>> {
        self.live.as_ref().map(Live::commander)
    }

    /// The newest snapshot (the default one when no pipeline runs).
    pub fn snapshot(&self) -> Snapshot {
        self.live.as_ref().map(Live::snapshot).unwrap_or_default()
    }

    /// The effects since the last call, counted for the run's meter.
    pub fn take_effects(&mut self) -> Vec<EffectAt> {
        let effects = self
            .live
            .as_mut()
            .map(Live::take_effects)
            .unwrap_or_default();
        self.meter.count(&effects);
        effects
    }

    /// Tells the pipeline to shut down and leaves it to be stopped after the window is gone
    /// (see [`AfterClose`]), never while the window hangs on screen.
    pub fn hand_over(&mut self) {
        if let Some(live) = self.live.take() {
            live.send(Command::Shutdown);
            let mut after = self
                .after_close
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *after = Some((live, self.meter.clone()));
        }
    }
}
