//! The overlay application: each frame it reads the newest snapshot, has [`super::view`] draw
//! it (or the settings panel), and turns clicks, keys, tray choices and the pipeline's effects
//! into commands and notifications. The pipeline handle ([`super::pipeline`]), the window's
//! chores ([`super::window_chores`]), a card's countdown ([`super::countdown`]) and the
//! shortcuts ([`super::shortcuts`]) are parts of their own. It never waits on the pipeline.

use eframe::egui;
use std::path::PathBuf;
use std::time::Duration;

use egui::ViewportCommand;

use crate::coach::{EffectAt, UserAction};
use crate::config::{CallLook, Overrides, Settings};
use crate::live::{Command, LiveOptions, Pacing, Snapshot, SourceSpec};
use crate::platform;

use super::countdown::CardTimer;
use super::dashboard::{self, DashboardPanel};
use super::notify;
pub use super::pipeline::AfterClose;
use super::pipeline::Pipeline;
use super::settings_panel::{self, SettingsPanel};
use super::shortcuts;
use super::timed_exit::TimedExit;
use super::tray::{Tray, TrayCommand, TrayLook};
use super::view::{self, UiAction, View};
use super::window_chores::WindowChores;

/// How the app was started.
pub struct AppSetup {
    pub live: LiveOptions,
    /// The settings as the file has them.
    pub settings: Settings,
    pub settings_path: Option<PathBuf>,
    /// Shown once, e.g. "settings line 3: ...; running on defaults".
    pub startup_note: Option<String>,
    pub exit_after: Option<Duration>,
    /// Save a screenshot of the overlay here just before `exit_after` ends the run.
    pub screenshot: Option<PathBuf>,
    /// Flags that outrank the settings for this run (see [`crate::launch::Launch`]).
    pub overrides: Overrides,
    /// Where the pipeline is left when the window closes, to be stopped after it is gone.
    pub after_close: AfterClose,
}

/// The overlay application. Each job has its own part: the pipeline handle, the window's
/// chores, a card's countdown; this struct dispatches between them and the user's clicks.
pub struct SitwellApp {
    pipeline: Pipeline,
    window: WindowChores,
    timer: CardTimer,
    /// The settings as the file has them, and this run's flags that outrank them.
    settings: Settings,
    settings_path: Option<PathBuf>,
    overrides: Overrides,
    /// The settings panel, while open.
    panel: Option<SettingsPanel>,
    /// A note for the user (a settings problem, a pipeline that did not start).
    note: Option<String>,
    /// The calibration picture as a texture, with the preview's serial.
    preview: Option<(u64, egui::TextureHandle)>,
    /// The history the dashboard shows, and the dashboard window when open.
    history_db: Option<PathBuf>,
    history: Option<DashboardPanel>,
    /// The tray icon, when the desktop has one.
    tray: Option<Tray>,
    exit: TimedExit,
    /// The snapshot `logic` read, for the `ui` call that follows it (one copy per frame).
    frame_snapshot: Option<Snapshot>,
}

impl SitwellApp {
    /// `window` is the overlay's native window, to tell the OS what it is.
    pub fn new(
        setup: AppSetup,
        ctx: &egui::Context,
        window: Option<raw_window_handle::RawWindowHandle>,
    ) -> SitwellApp {
        let repaint = ctx.clone();
        let native = window.and_then(|window| {
            platform::window::Window::adopt(window, move || repaint.request_repaint())
        });
        let mut app = SitwellApp {
            pipeline: Pipeline::new(setup.after_close),
            window: WindowChores::new(native),
            timer: CardTimer::default(),
            settings: setup.settings,
            settings_path: setup.settings_path,
            overrides: setup.overrides,
            panel: None,
            note: setup.startup_note,
            preview: None,
            history_db: setup
                .live
                .history
                .as_ref()
                .map(|h| h.path.clone())
                .or_else(crate::history::default_path),
            history: None,
            tray: Tray::start(ctx),
            exit: TimedExit::new(setup.exit_after, setup.screenshot),
            frame_snapshot: None,
        };
        app.start_pipeline(setup.live, ctx);
        close_on_stop_signal(ctx);
        app
    }

    fn start_pipeline(&mut self, options: LiveOptions, ctx: &egui::Context) {
        if let Err(e) = self.pipeline.start(options, ctx) {
            self.note = Some(e.to_string());
        }
    }

    /// Starts the camera pipeline again from the saved settings (another camera or model),
    /// this run's flags still outranking them.
    fn restart_camera(&mut self, ctx: &egui::Context) {
        let effective = self.overrides.apply(&self.settings);
        let source = SourceSpec::parse(&effective.camera);
        let (options, _) = LiveOptions::from_settings(source, &effective, Pacing::Realtime);
        self.start_pipeline(options, ctx);
    }

    /// The dashboard, in its own ordinary window (not on top, not click-through).
    fn show_history(&mut self, ctx: &egui::Context) {
        let Some(panel) = &mut self.history else {
            return;
        };
        let close = ctx.show_viewport_immediate(
            egui::ViewportId::from_hash_of("sitwell-history"),
            dashboard::viewport(),
            |ui, _| {
                panel.ui(ui);
                ui.ctx().input(|i| i.viewport().close_requested())
            },
        );
        if close {
            self.history = None;
        }
    }

    fn handle(&mut self, action: UiAction, ctx: &egui::Context, snapshot: &Snapshot) {
        match action {
            UiAction::Act(user_action) => self.pipeline.send(Command::Act(user_action)),
            UiAction::StartCountdown => self.timer.start(snapshot),
            UiAction::Recalibrate => self.pipeline.send(Command::Recalibrate),
            UiAction::OpenPanel => self.window.call_opened = true,
            UiAction::CameraPlace(place) => {
                // A camera's place is remembered for the next calibration too (only that key
                // of the file changes); the demo's or a replayed file's is not.
                let before = self.settings.clone();
                self.settings.camera_place = place;
                if self.pipeline.reads_camera() {
                    self.note = settings_panel::save(
                        &before,
                        &self.settings,
                        self.settings_path.as_deref(),
                    )
                    .err();
                }
                self.pipeline.send(Command::CameraPlace(place));
            }
            UiAction::OpenSettings => {
                self.panel = Some(SettingsPanel::new(self.settings.clone(), ctx));
            }
            UiAction::OpenHistory => match &self.history_db {
                Some(db) => self.history = Some(DashboardPanel::new(db.clone(), None)),
                None => self.note = Some("no place for a history: set HOME or use --db".into()),
            },
            UiAction::PlayDemo => {
                // The demo's short dwell stays when the settings are saved meanwhile.
                let overrides = crate::launch::demo_overrides(Overrides::default());
                match LiveOptions::demo(&overrides.apply(&self.settings), Pacing::Realtime) {
                    Ok(options) => {
                        self.overrides = overrides;
                        self.start_pipeline(options, ctx);
                    }
                    Err(e) => self.note = Some(e.to_string()),
                }
            }
            UiAction::Quit => ctx.send_viewport_cmd(ViewportCommand::Close),
        }
    }

    /// Carries out a choice from the tray menu. History and settings open with the overlay
    /// shown, since they draw in its window or next to it.
    fn tray_command(&mut self, command: TrayCommand, ctx: &egui::Context, snapshot: &Snapshot) {
        let action = match command {
            TrayCommand::ToggleWindow => {
                self.window.toggle_from_tray(snapshot.in_call, ctx);
                return;
            }
            TrayCommand::Pause { minutes } => UiAction::Act(UserAction::Pause {
                seconds: Some(f64::from(minutes) * 60.0),
            }),
            TrayCommand::Resume => UiAction::Act(UserAction::Resume),
            TrayCommand::ToggleInCall => UiAction::Act(UserAction::InCall(!snapshot.in_call)),
            TrayCommand::Recalibrate => {
                self.window.set_shown(true, ctx);
                UiAction::Recalibrate
            }
            TrayCommand::History => {
                self.window.set_shown(true, ctx);
                UiAction::OpenHistory
            }
            TrayCommand::Settings => {
                self.window.set_shown(true, ctx);
                UiAction::OpenSettings
            }
            TrayCommand::Quit => UiAction::Quit,
        };
        self.handle(action, ctx, snapshot);
    }

    /// Notifications for nudges and breaks; while the overlay is hidden and no notification
    /// may carry a card (turned off, or in a call), the overlay comes back to show it.
    fn on_effects(&mut self, effects: Vec<EffectAt>, snapshot: &Snapshot, ctx: &egui::Context) {
        let as_notification = self.settings.notifications && !snapshot.in_call;
        for effect in effects {
            let card = matches!(
                effect.effect,
                crate::coach::Effect::ShowNudge { .. } | crate::coach::Effect::BreakDue { .. }
            );
            if as_notification {
                let commands = self.pipeline.commander();
                let repaint = ctx.clone();
                notify::effect(&effect.effect, move |action| {
                    if let Some(commands) = &commands {
                        let _ = commands.send(Command::Act(action));
                    }
                    repaint.request_repaint();
                });
            } else if card && self.call_look(snapshot) == CallLook::Full {
                self.window.set_shown(true, ctx);
            }
        }
    }

    fn call_look(&self, snapshot: &Snapshot) -> CallLook {
        self.window.call_look(snapshot, self.settings.call_look)
    }

    /// Saves the settings the panel returned, tells the pipeline, and restarts it when they
    /// name another camera or model.
    fn save_settings(&mut self, settings: Settings) {
        self.note =
            settings_panel::save(&self.settings, &settings, self.settings_path.as_deref()).err();
        self.pipeline.restart_pending = self.pipeline.reads_camera()
            && settings_panel::needs_restart(&self.settings, &settings);
        let effective = self.overrides.apply(&settings);
        self.pipeline.send(Command::Configure {
            judge: effective.judge_config(),
            engine: effective.engine_config(),
        });
        self.settings = settings;
    }

    /// Uploads the calibration picture when a new one arrived; drops it otherwise.
    fn update_picture(&mut self, ctx: &egui::Context, snapshot: &Snapshot) {
        let Some(preview) = &snapshot.preview else {
            self.preview = None;
            return;
        };
        if self
            .preview
            .as_ref()
            .is_none_or(|(s, _)| *s != preview.serial)
        {
            let image = egui::ColorImage::from_rgb(
                [
                    preview.image.width() as usize,
                    preview.image.height() as usize,
                ],
                preview.image.as_raw(),
            );
            let texture = ctx.load_texture("calibration", image, egui::TextureOptions::LINEAR);
            self.preview = Some((preview.serial, texture));
        }
    }
}

/// Closes the window (which stops the pipeline and commits the history) on Ctrl-C, logout or
/// shutdown. A thread watches, because the window sleeps until there is news.
fn close_on_stop_signal(ctx: &egui::Context) {
    let ctx = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name("sitwell-signals".into())
        .spawn(move || {
            while !crate::platform::stop::requested() {
                std::thread::sleep(Duration::from_millis(200));
            }
            ctx.send_viewport_cmd(ViewportCommand::Close);
            ctx.request_repaint();
        });
    if let Err(e) = spawned {
        tracing::warn!("Ctrl-C will not close the window cleanly: {e}");
    }
}

impl eframe::App for SitwellApp {
    /// Runs before every frame, and also whenever eframe skips drawing (a minimised window) and
    /// the pipeline or the tray has news: notifications, the tray's look and its menu, and
    /// `--exit-after` never depend on the overlay being drawn.
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        if std::mem::take(&mut self.pipeline.restart_pending) {
            self.restart_camera(ctx);
        }
        let snapshot = self.pipeline.snapshot();
        self.window
            .follow_call(&snapshot, self.settings.call_look, ctx);
        let effects = self.pipeline.take_effects();
        self.on_effects(effects, &snapshot, ctx);
        while let Some(command) = self.tray.as_ref().and_then(Tray::poll) {
            self.tray_command(command, ctx, &snapshot);
        }
        if !self.window.shown() {
            self.exit.close_if_due(ctx);
        }
        if let Some(tray) = &mut self.tray {
            let view = View::of(&snapshot, None);
            tray.show(TrayLook::of(
                &view,
                snapshot.paused.is_some(),
                snapshot.in_call,
                self.window.shown(),
            ));
        }
        self.frame_snapshot = Some(snapshot);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        // What a screen reader announces for the window (only while one is listening).
        ctx.accesskit_node_builder(egui::accesskit_root_id(), |window| {
            window.set_label("Sitwell");
        });
        self.window.new_frame(&ctx);
        let snapshot = self
            .frame_snapshot
            .take()
            .unwrap_or_else(|| self.pipeline.snapshot());
        let countdown = self.timer.countdown(&snapshot);
        let view = View::of(&snapshot, countdown);

        let dot = self.panel.is_none() && self.call_look(&snapshot) == CallLook::Dot;
        let passthrough = self.settings.click_through
            && self.panel.is_none()
            && !dot
            && matches!(view, View::Monitoring { .. } | View::Away | View::TooDark);
        self.window.set_passthrough(passthrough, &ctx);

        let out = if let Some(panel) = &mut self.panel {
            let background = view::drag_background(ui);
            let response = egui::Frame::new()
                .fill(ui.visuals().panel_fill)
                .corner_radius(10.0)
                .inner_margin(10.0)
                .show(ui, |ui| {
                    ui.set_min_width(ui.available_width());
                    panel.show(ui)
                });
            match response.inner {
                Some(settings_panel::Outcome::Save(settings)) => {
                    self.save_settings(*settings);
                    self.panel = None;
                }
                Some(settings_panel::Outcome::Cancel) => self.panel = None,
                None => {}
            }
            view::PanelOutput {
                action: None,
                drag_started: background.drag_started(),
                fits: egui::vec2(
                    0.0,
                    (response.response.rect.bottom() - ui.max_rect().top()).ceil(),
                ),
            }
        } else if dot {
            view::call_dot(ui, snapshot.nudge.is_some() || snapshot.break_due.is_some())
        } else {
            self.update_picture(&ctx, &snapshot);
            view::panel(
                ui,
                &view::Panel {
                    view: &view,
                    picture: self.preview.as_ref().map(|(_, t)| t),
                    note: self.note.as_deref().or(snapshot.note.as_deref()),
                    paused: snapshot.paused.is_some(),
                    in_call: snapshot.in_call,
                    opacity: self.settings.overlay_opacity,
                },
            )
        };
        let mut action = out.action;
        if out.drag_started {
            ctx.send_viewport_cmd(ViewportCommand::StartDrag);
        }
        let width = if self.panel.is_some() {
            view::SETTINGS_WIDTH
        } else if dot {
            view::DOT_SIZE.x
        } else {
            view.width()
        };
        self.window
            .resize(egui::vec2(width.max(out.fits.x), out.fits.y), &ctx);
        if action.is_none() && self.panel.is_none() {
            action = shortcuts::pressed(&ctx, &snapshot);
        }
        if let Some(action) = action {
            self.handle(action, &ctx, &snapshot);
        }
        self.window.remember_place(&ctx);
        if view.ticks() {
            ctx.request_repaint_after(Duration::from_millis(250));
        }
        self.show_history(&ctx);
        self.exit.update(&ctx);
    }

    fn clear_color(&self, _visuals: &egui::Visuals) -> [f32; 4] {
        [0.0; 4]
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.window.save();
        // Stopped after the window is gone (see `AfterClose`), never while it hangs on screen.
        self.pipeline.hand_over();
    }
}
