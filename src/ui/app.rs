//! The overlay application: draws the newest snapshot, turns clicks, keys and menu choices
//! into commands for the pipeline, shows desktop notifications, and keeps the window small,
//! on top and where the user put it. It never waits on the pipeline.

use eframe::egui;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::{Key, ViewportCommand};

use crate::coach::{EffectAt, UserAction};
use crate::config::{CallLook, Overrides, Settings};
use crate::live::meter::RunMeter;
use crate::live::{Command, Live, LiveOptions, Pacing, Snapshot, SourceSpec};

use super::dashboard::{self, DashboardPanel};
use super::desktop;
use super::notify;
use super::settings_panel::{self, SettingsPanel};
use super::timed_exit::TimedExit;
use super::tray::{Tray, TrayCommand, TrayLook};
use super::view::{self, Countdown, UiAction, View};
use super::window_state::WindowState;
use crate::platform;

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

/// The pipeline handed over when the window closes, with its meter: stopping it can take
/// seconds (a camera read, a stuck sound server), and the window must not hang meanwhile.
/// [`super::run`] stops it once the window is gone.
pub type AfterClose = std::sync::Arc<std::sync::Mutex<Option<(Live, RunMeter)>>>;

/// The card on screen, which a countdown belongs to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Card {
    Nudge {
        move_id: &'static str,
        shown_at: f64,
    },
    Break {
        move_id: &'static str,
    },
}

impl Card {
    fn of(snapshot: &Snapshot) -> Option<Card> {
        match (snapshot.nudge, snapshot.break_due) {
            (Some(n), _) => Some(Card::Nudge {
                move_id: n.move_id,
                shown_at: n.shown_at,
            }),
            (None, Some(move_id)) => Some(Card::Break { move_id }),
            (None, None) => None,
        }
    }

    fn move_id(self) -> &'static str {
        match self {
            Card::Nudge { move_id, .. } | Card::Break { move_id } => move_id,
        }
    }
}

/// A card's countdown, tied to the card it belongs to.
struct Timer {
    card: Card,
    started: Instant,
    duration_s: f64,
}

pub struct SitwellApp {
    live: Option<Live>,
    settings: Settings,
    settings_path: Option<PathBuf>,
    panel: Option<SettingsPanel>,
    note: Option<String>,
    timer: Option<Timer>,
    frames: u64,
    meter: RunMeter,
    after_close: AfterClose,
    exit: TimedExit,
    preview: Option<(u64, egui::TextureHandle)>,
    size: egui::Vec2,
    window: WindowState,
    passthrough: bool,
    overrides: Overrides,
    /// The history the dashboard shows, and the dashboard window when open.
    history_db: Option<PathBuf>,
    history: Option<DashboardPanel>,
    /// The tray icon, when the desktop has a session bus.
    tray: Option<Tray>,
    /// False while the user has hidden the overlay from the tray.
    window_shown: bool,
    /// The frame on which to ask for "always on top" again (X11 drops it while hidden).
    on_top_at: u64,
    /// The snapshot `logic` read, for the `ui` call that follows it (one copy per frame).
    frame_snapshot: Option<Snapshot>,
    /// The overlay's native window as the OS was told about it (none on Wayland).
    native: Option<platform::window::Window>,
    /// The user opened the panel from the in-call dot: the whole panel until the call ends.
    call_opened: bool,
    /// The overlay is hidden because a call runs (`call_look = "hidden"`).
    hidden_for_call: bool,
    /// The running pipeline reads a camera (not the demo or a file).
    live_is_camera: bool,
    /// Saved settings name another camera or model: start the pipeline again.
    restart_pending: bool,
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
            live: None,
            settings: setup.settings,
            settings_path: setup.settings_path,
            panel: None,
            note: setup.startup_note,
            timer: None,
            frames: 0,
            meter: RunMeter::default(),
            after_close: setup.after_close,
            exit: TimedExit::new(setup.exit_after, setup.screenshot),
            preview: None,
            size: view::FIRST_SIZE,
            window: WindowState::load(),
            passthrough: false,
            overrides: setup.overrides,
            history_db: setup
                .live
                .history
                .as_ref()
                .map(|h| h.path.clone())
                .or_else(crate::history::default_path),
            history: None,
            tray: Tray::start(ctx),
            window_shown: true,
            on_top_at: 3,
            frame_snapshot: None,
            native,
            call_opened: false,
            hidden_for_call: false,
            live_is_camera: false,
            restart_pending: false,
        };
        app.start_live(setup.live, ctx);
        close_on_stop_signal(ctx);
        app
    }

    fn start_live(&mut self, options: LiveOptions, ctx: &egui::Context) {
        self.live_is_camera = options.source.is_camera();
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
        match Live::start(options, Box::new(move || repaint.request_repaint())) {
            Ok(live) => self.live = Some(live),
            Err(e) => self.note = Some(e.to_string()),
        }
    }

    /// Starts the camera pipeline again from the saved settings (another camera or model),
    /// this run's flags still outranking them.
    fn restart_camera(&mut self, ctx: &egui::Context) {
        let effective = self.overrides.apply(&self.settings);
        let source = SourceSpec::parse(&effective.camera);
        let (options, _) = LiveOptions::from_settings(source, &effective, Pacing::Realtime);
        self.start_live(options, ctx);
    }

    fn send(&self, command: Command) {
        if let Some(live) = &self.live {
            live.send(command);
        }
    }

    fn snapshot(&self) -> Snapshot {
        self.live.as_ref().map(Live::snapshot).unwrap_or_default()
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

    /// The running countdown, dropped once its card is gone.
    fn countdown(&mut self, snapshot: &Snapshot) -> Option<Countdown> {
        if self.timer.as_ref().map(|t| t.card) != Card::of(snapshot) {
            self.timer = None;
        }
        self.timer.as_ref().map(|t| Countdown {
            left_s: (t.duration_s - t.started.elapsed().as_secs_f64()).max(0.0),
        })
    }

    fn handle(&mut self, action: UiAction, ctx: &egui::Context, snapshot: &Snapshot) {
        match action {
            UiAction::Act(user_action) => self.send(Command::Act(user_action)),
            UiAction::StartCountdown => {
                if let Some(card) = Card::of(snapshot) {
                    let duration_s = crate::coach::moves::by_id(card.move_id())
                        .map_or(60.0, |m| f64::from(m.duration_s));
                    self.timer = Some(Timer {
                        card,
                        started: Instant::now(),
                        duration_s,
                    });
                }
            }
            UiAction::Recalibrate => self.send(Command::Recalibrate),
            UiAction::OpenPanel => self.call_opened = true,
            UiAction::CameraPlace(place) => {
                // A camera's place is remembered for the next calibration too (only that key
                // of the file changes); the demo's or a replayed file's is not.
                let before = self.settings.clone();
                self.settings.camera_place = place;
                if self.live_is_camera {
                    self.note = settings_panel::save(
                        &before,
                        &self.settings,
                        self.settings_path.as_deref(),
                    )
                    .err();
                }
                self.send(Command::CameraPlace(place));
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
                        self.start_live(options, ctx);
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
                if !self.window_shown && snapshot.in_call {
                    // Shown on purpose during a call: the whole panel, not the dot.
                    self.call_opened = true;
                    self.hidden_for_call = false;
                }
                self.set_window_shown(!self.window_shown, ctx);
                return;
            }
            TrayCommand::Pause { minutes } => UiAction::Act(UserAction::Pause {
                seconds: Some(f64::from(minutes) * 60.0),
            }),
            TrayCommand::Resume => UiAction::Act(UserAction::Resume),
            TrayCommand::ToggleInCall => UiAction::Act(UserAction::InCall(!snapshot.in_call)),
            TrayCommand::Recalibrate => {
                self.set_window_shown(true, ctx);
                UiAction::Recalibrate
            }
            TrayCommand::History => {
                self.set_window_shown(true, ctx);
                UiAction::OpenHistory
            }
            TrayCommand::Settings => {
                self.set_window_shown(true, ctx);
                UiAction::OpenSettings
            }
            TrayCommand::Quit => UiAction::Quit,
        };
        self.handle(action, ctx, snapshot);
    }

    fn set_window_shown(&mut self, shown: bool, ctx: &egui::Context) {
        if shown != self.window_shown {
            self.window_shown = shown;
            ctx.send_viewport_cmd(ViewportCommand::Visible(shown));
            if shown {
                self.on_top_at = self.frames + 3;
            }
        }
    }

    /// Notifications for nudges and breaks; while the overlay is hidden and no notification
    /// may carry a card (turned off, or in a call), the overlay comes back to show it.
    fn on_effects(&mut self, effects: Vec<EffectAt>, snapshot: &Snapshot, ctx: &egui::Context) {
        self.meter.count(&effects);
        let as_notification = self.settings.notifications && !snapshot.in_call;
        for effect in effects {
            let card = matches!(
                effect.effect,
                crate::coach::Effect::ShowNudge { .. } | crate::coach::Effect::BreakDue { .. }
            );
            if as_notification {
                let commands = self.live.as_ref().map(Live::commander);
                let repaint = ctx.clone();
                notify::effect(&effect.effect, move |action| {
                    if let Some(commands) = &commands {
                        let _ = commands.send(Command::Act(action));
                    }
                    repaint.request_repaint();
                });
            } else if card && self.call_look(snapshot) == CallLook::Full {
                self.set_window_shown(true, ctx);
            }
        }
    }

    /// How the panel looks now: during a call as the settings say (until the user opens it
    /// from the dot), otherwise in full. A panel that screen shares leave out (Windows 10 2004
    /// and later) has nothing to hide from a call and stays in full.
    fn call_look(&self, snapshot: &Snapshot) -> CallLook {
        let shared = !self
            .native
            .as_ref()
            .is_some_and(platform::window::Window::hidden_from_captures);
        if snapshot.in_call && !self.call_opened && shared {
            self.settings.call_look
        } else {
            CallLook::Full
        }
    }

    /// Hides the overlay while a call runs (`call_look = "hidden"`) and brings it back after.
    fn follow_call(&mut self, snapshot: &Snapshot, ctx: &egui::Context) {
        if !snapshot.in_call {
            self.call_opened = false;
        }
        let hide = self.call_look(snapshot) == CallLook::Hidden;
        if hide && !self.hidden_for_call && self.window_shown {
            self.hidden_for_call = true;
            self.set_window_shown(false, ctx);
        } else if !hide && self.hidden_for_call {
            self.hidden_for_call = false;
            self.set_window_shown(true, ctx);
        }
    }

    /// Keyboard shortcuts while the overlay has focus.
    fn keys(&mut self, ctx: &egui::Context, snapshot: &Snapshot) -> Option<UiAction> {
        let pressed = |key| ctx.input(|i| i.key_pressed(key) && i.modifiers.is_none());
        let card = snapshot.nudge.is_some();
        if card && pressed(Key::D) {
            return Some(UiAction::Act(UserAction::Done));
        }
        if card && pressed(Key::S) {
            return Some(UiAction::Act(UserAction::Snooze));
        }
        if card && pressed(Key::N) {
            return Some(UiAction::Act(UserAction::NotNow));
        }
        if pressed(Key::P) {
            return Some(UiAction::Act(if snapshot.paused.is_some() {
                UserAction::Resume
            } else {
                UserAction::Pause {
                    seconds: Some(15.0 * 60.0),
                }
            }));
        }
        if pressed(Key::C) {
            return Some(UiAction::Recalibrate);
        }
        if pressed(Key::H) {
            return Some(UiAction::OpenHistory);
        }
        if pressed(Key::Comma) {
            return Some(UiAction::OpenSettings);
        }
        None
    }

    /// Moves the window onto a monitor when it opened where none is now (a saved position on
    /// a monitor that was unplugged): an undecorated panel off-screen could not be reached.
    fn onto_a_monitor(&self, ctx: &egui::Context) {
        let Some(rect) = ctx.input(|i| i.viewport().outer_rect) else {
            return;
        };
        let screens = platform::window::screens();
        let to = desktop::clamp_to_screens(rect.min, rect.size(), &screens, ctx.pixels_per_point());
        if to != rect.min {
            tracing::info!("the overlay's saved place is off every monitor: moved to {to:?}");
            ctx.send_viewport_cmd(ViewportCommand::OuterPosition(to));
        }
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
        if std::mem::take(&mut self.restart_pending) {
            self.restart_camera(ctx);
        }
        let snapshot = self.snapshot();
        self.follow_call(&snapshot, ctx);
        let effects = self
            .live
            .as_mut()
            .map(Live::take_effects)
            .unwrap_or_default();
        self.on_effects(effects, &snapshot, ctx);
        while let Some(command) = self.tray.as_ref().and_then(Tray::poll) {
            self.tray_command(command, ctx, &snapshot);
        }
        if !self.window_shown {
            self.exit.close_if_due(ctx);
        }
        if let Some(tray) = &mut self.tray {
            let view = View::of(&snapshot, None);
            tray.show(TrayLook::of(
                &view,
                snapshot.paused.is_some(),
                snapshot.in_call,
                self.window_shown,
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
        self.frames += 1;
        if self.frames == self.on_top_at {
            // eframe creates the window hidden and X11 window managers drop "above" on hidden
            // windows: ask again once it is shown.
            ctx.send_viewport_cmd(ViewportCommand::WindowLevel(egui::WindowLevel::AlwaysOnTop));
            if let Some(native) = &self.native {
                native.keep_on_top();
            }
            self.onto_a_monitor(&ctx);
        }
        let snapshot = self
            .frame_snapshot
            .take()
            .unwrap_or_else(|| self.snapshot());
        let countdown = self.countdown(&snapshot);
        let view = View::of(&snapshot, countdown);

        let dot = self.panel.is_none() && self.call_look(&snapshot) == CallLook::Dot;
        let passthrough = self.settings.click_through
            && self.panel.is_none()
            && !dot
            && matches!(view, View::Live { .. } | View::Away);
        if passthrough != self.passthrough {
            self.passthrough = passthrough;
            ctx.send_viewport_cmd(ViewportCommand::MousePassthrough(passthrough));
        }

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
                    self.note = settings_panel::save(
                        &self.settings,
                        &settings,
                        self.settings_path.as_deref(),
                    )
                    .err();
                    // Another camera or model: the camera pipeline starts again with it now.
                    self.restart_pending = self.live_is_camera
                        && settings_panel::needs_restart(&self.settings, &settings);
                    let effective = self.overrides.apply(&settings);
                    self.send(Command::Configure {
                        judge: effective.judge_config(),
                        engine: effective.engine_config(),
                    });
                    self.settings = *settings;
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
        let size = egui::vec2(width.max(out.fits.x), out.fits.y);
        if (size - self.size).abs().max_elem() >= 1.0 {
            self.size = size;
            ctx.send_viewport_cmd(ViewportCommand::InnerSize(size));
        }
        if action.is_none() && self.panel.is_none() {
            action = self.keys(&ctx, &snapshot);
        }
        if let Some(action) = action {
            self.handle(action, &ctx, &snapshot);
        }
        if let Some(rect) = ctx.input(|i| i.viewport().outer_rect) {
            self.window.remember(rect.min);
        }
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
