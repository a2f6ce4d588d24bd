//! The overlay window's chores: kept on top and on a screen, sized to what it shows,
//! click-through while only the score shows, hidden and shown (from the tray, for a call), and
//! its place remembered. What it draws is [`super::view`]'s; this only talks to the window.

use eframe::egui;
use egui::ViewportCommand;

use super::desktop;
use super::view;
use super::window_state::WindowState;
use crate::config::CallLook;
use crate::live::Snapshot;
use crate::platform;

/// How many frames after the window is shown "always on top" is asked for (again).
const ON_TOP_AT_FRAME: u64 = 3;

pub struct WindowChores {
    /// The overlay's native window as the OS was told about it (none on Wayland).
    native: Option<platform::window::Window>,
    /// Frames drawn so far.
    frames: u64,
    /// The frame on which to ask for "always on top" again (X11 drops it while hidden).
    on_top_at: u64,
    /// The inner size last asked for.
    size: egui::Vec2,
    /// Where the window was left, saved on exit.
    place: WindowState,
    /// Clicks pass through to the windows below.
    passthrough: bool,
    /// False while the user has hidden the overlay from the tray.
    shown: bool,
    /// The user opened the panel from the in-call dot: the whole panel until the call ends.
    pub call_opened: bool,
    /// The overlay is hidden because a call runs (`call_look = "hidden"`).
    hidden_for_call: bool,
}

impl WindowChores {
    pub fn new(native: Option<platform::window::Window>) -> WindowChores {
        WindowChores {
            native,
            frames: 0,
            on_top_at: ON_TOP_AT_FRAME,
            size: view::FIRST_SIZE,
            place: WindowState::load(),
            passthrough: false,
            shown: true,
            call_opened: false,
            hidden_for_call: false,
        }
    }

    pub fn shown(&self) -> bool {
        self.shown
    }

    pub fn set_shown(&mut self, shown: bool, ctx: &egui::Context) {
        if shown != self.shown {
            self.shown = shown;
            ctx.send_viewport_cmd(ViewportCommand::Visible(shown));
            if shown {
                self.on_top_at = self.frames + ON_TOP_AT_FRAME;
            }
        }
    }

    /// The tray's "show/hide". Shown on purpose during a call: the whole panel, not the dot.
    pub fn toggle_from_tray(&mut self, in_call: bool, ctx: &egui::Context) {
        if !self.shown && in_call {
            self.call_opened = true;
            self.hidden_for_call = false;
        }
        self.set_shown(!self.shown, ctx);
    }

    /// How the panel looks now: during a call as the settings say (`during_call`, until the
    /// user opens it from the dot), otherwise in full. A panel that screen shares leave out
    /// (Windows 10 2004 and later) has nothing to hide from a call and stays in full.
    pub fn call_look(&self, snapshot: &Snapshot, during_call: CallLook) -> CallLook {
        let shared = !self
            .native
            .as_ref()
            .is_some_and(platform::window::Window::hidden_from_captures);
        if snapshot.in_call && !self.call_opened && shared {
            during_call
        } else {
            CallLook::Full
        }
    }

    /// Hides the overlay while a call runs (`call_look = "hidden"`) and brings it back after.
    pub fn follow_call(&mut self, snapshot: &Snapshot, during_call: CallLook, ctx: &egui::Context) {
        if !snapshot.in_call {
            self.call_opened = false;
        }
        let hide = self.call_look(snapshot, during_call) == CallLook::Hidden;
        if hide && !self.hidden_for_call && self.shown {
            self.hidden_for_call = true;
            self.set_shown(false, ctx);
        } else if !hide && self.hidden_for_call {
            self.hidden_for_call = false;
            self.set_shown(true, ctx);
        }
    }

    /// Counts a frame; a few frames after the window is shown, asks again for "always on top"
    /// (eframe creates the window hidden and X11 window managers drop "above" on hidden
    /// windows) and moves it onto a screen if its saved place is on none.
    pub fn new_frame(&mut self, ctx: &egui::Context) {
        self.frames += 1;
        if self.frames == self.on_top_at {
            ctx.send_viewport_cmd(ViewportCommand::WindowLevel(egui::WindowLevel::AlwaysOnTop));
            if let Some(native) = &self.native {
                native.keep_on_top();
            }
            onto_a_screen(ctx);
        }
    }

    /// Lets clicks through to the windows below, or not.
    pub fn set_passthrough(&mut self, passthrough: bool, ctx: &egui::Context) {
        if passthrough != self.passthrough {
            self.passthrough = passthrough;
            ctx.send_viewport_cmd(ViewportCommand::MousePassthrough(passthrough));
        }
    }

    /// Asks for a new inner size when it differs by a point or more.
    pub fn resize(&mut self, size: egui::Vec2, ctx: &egui::Context) {
        if (size - self.size).abs().max_elem() >= 1.0 {
            self.size = size;
            ctx.send_viewport_cmd(ViewportCommand::InnerSize(size));
        }
    }

    /// Remembers where the window is now (saved by [`WindowChores::save`]).
    pub fn remember_place(&mut self, ctx: &egui::Context) {
        if let Some(rect) = ctx.input(|i| i.viewport().outer_rect) {
            self.place.remember(rect.min);
        }
    }

    pub fn save(&self) {
        self.place.save();
    }
}

/// Moves the window onto a screen when it opened where none is now (a saved position on a
/// screen that was unplugged): an undecorated panel off-screen could not be reached.
fn onto_a_screen(ctx: &egui::Context) {
    let Some(rect) = ctx.input(|i| i.viewport().outer_rect) else {
        return;
    };
    let screens = platform::window::screens();
    let to = desktop::clamp_to_screens(rect.min, rect.size(), &screens, ctx.pixels_per_point());
    if to != rect.min {
        tracing::info!("the overlay's saved place is off every screen: moved to {to:?}");
        ctx.send_viewport_cmd(ViewportCommand::OuterPosition(to));
    }
}
