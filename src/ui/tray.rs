//! The tray icon: a dot in the score's colour, a tooltip saying what Sitwell sees, and a menu
//! (show/hide, pause 15 min / 1 hour, resume, in a call, recalibrate, history, settings, quit)
//! that works even when the overlay is hidden or click-through.
//!
//! It speaks the StatusNotifierItem protocol over the session D-Bus (tray-icon's `ksni`
//! backend: KDE natively, GNOME with the AppIndicator extension, most other panels). Without a
//! session bus there is no tray and nothing is said: the overlay's own menu still works.

use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use eframe::egui;
use tray_icon::menu::{CheckMenuItem, Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tray_icon::{Icon, TrayIcon, TrayIconBuilder, TrayIconEvent};

use super::view::{self, View};

/// What the user chose in the tray.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TrayCommand {
    /// Show the overlay if hidden, hide it if shown (also a left click on the icon).
    ToggleWindow,
    Pause {
        minutes: u32,
    },
    Resume,
    ToggleInCall,
    Recalibrate,
    History,
    Settings,
    Quit,
}

/// Menu entry ids: what a menu event carries back.
const TOGGLE: &str = "toggle";
const PAUSE_15: &str = "pause-15";
const PAUSE_60: &str = "pause-60";
const RESUME: &str = "resume";
const IN_CALL: &str = "in-call";
const RECALIBRATE: &str = "recalibrate";
const HISTORY: &str = "history";
const SETTINGS: &str = "settings";
const QUIT: &str = "quit";

/// The command behind a menu id, if it is one of ours.
pub fn command_for(id: &str) -> Option<TrayCommand> {
    Some(match id {
        TOGGLE => TrayCommand::ToggleWindow,
        PAUSE_15 => TrayCommand::Pause { minutes: 15 },
        PAUSE_60 => TrayCommand::Pause { minutes: 60 },
        RESUME => TrayCommand::Resume,
        IN_CALL => TrayCommand::ToggleInCall,
        RECALIBRATE => TrayCommand::Recalibrate,
        HISTORY => TrayCommand::History,
        SETTINGS => TrayCommand::Settings,
        QUIT => TrayCommand::Quit,
        _ => return None,
    })
}

/// What the tray shows; it is sent over D-Bus only when it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct TrayLook {
    /// The dot's colour (sRGB).
    pub colour: [u8; 3],
    pub tooltip: String,
    pub paused: bool,
    pub in_call: bool,
    pub window_shown: bool,
}

/// Grey for every state without a score (starting, calibrating, paused, away, problems).
const IDLE: [u8; 3] = [0x8a, 0x8f, 0x98];

/// The tooltip until the first snapshot arrives.
const STARTING: &str = "Sitwell — starting";

impl TrayLook {
    /// The look for the overlay's current view.
    pub fn of(view: &View, paused: bool, in_call: bool, window_shown: bool) -> TrayLook {
        let (colour, status) = match view {
            View::Monitoring {
                score: Some(s),
                pattern,
                ..
            } => (
                score_rgb(*s),
                format!("{:.0} · {}", s, view::pattern_word(*pattern)),
            ),
            View::Monitoring { score: None, .. } => (IDLE, "watching".to_owned()),
            View::Nudge { nudge, .. } => {
                let name = crate::coach::moves::by_id(nudge.move_id).map_or("a move", |m| m.name);
                (score_rgb(0.0), format!("time for {name}"))
            }
            View::Break { .. } => (score_rgb(50.0), "time for a movement break".to_owned()),
            View::Paused { left_s: Some(s) } => {
                (IDLE, format!("paused, {} min left", (s / 60.0).ceil()))
            }
            View::Paused { left_s: None } => (IDLE, "paused".to_owned()),
            View::Away => (IDLE, "away".to_owned()),
            View::TooDark => (IDLE, "too dark to see you".to_owned()),
            View::Starting => (IDLE, "starting".to_owned()),
            View::Calibrating { .. } | View::CalibrationRefused { .. } => {
                (IDLE, "calibrating".to_owned())
            }
            View::NoCamera { .. } => (IDLE, "no camera".to_owned()),
            View::CameraBusy { .. } => (IDLE, "camera busy".to_owned()),
            View::Broken { .. } => (IDLE, "cannot run — see the panel".to_owned()),
            View::Ended => (IDLE, "replay finished".to_owned()),
        };
        let call = if in_call { " (in a call)" } else { "" };
        TrayLook {
            colour,
            tooltip: format!("Sitwell — {status}{call}"),
            paused,
            in_call,
            window_shown,
        }
    }
}

/// The overlay's colour for `score` (dark theme), as sRGB bytes.
fn score_rgb(score: f32) -> [u8; 3] {
    let c = view::score_colour(score, true);
    [c.r(), c.g(), c.b()]
}

/// Side of the square icon, in pixels.
pub const ICON_SIZE: u32 = 32;

/// A filled, anti-aliased dot of `colour` on a transparent square, as RGBA bytes.
pub fn dot_rgba(colour: [u8; 3]) -> Vec<u8> {
    let centre = ICON_SIZE as f32 / 2.0;
    let radius = centre - 2.0;
    let mut rgba = Vec::with_capacity((ICON_SIZE * ICON_SIZE * 4) as usize);
    for y in 0..ICON_SIZE {
        for x in 0..ICON_SIZE {
            let dx = x as f32 + 0.5 - centre;
            let dy = y as f32 + 0.5 - centre;
            let coverage = (radius + 0.5 - (dx * dx + dy * dy).sqrt()).clamp(0.0, 1.0);
            rgba.extend_from_slice(&colour);
            rgba.push((coverage * 255.0).round() as u8);
        }
    }
    rgba
}

/// The dot and the tooltip are sent over the bus at most this often.
const SEND_EVERY: Duration = Duration::from_secs(3);

/// The live tray icon and its menu.
pub struct Tray {
    icon: TrayIcon,
    toggle: MenuItem,
    resume: MenuItem,
    pause_15: MenuItem,
    pause_60: MenuItem,
    in_call: CheckMenuItem,
    commands: Receiver<TrayCommand>,
    /// What the menu shows: (paused, in a call, overlay shown).
    menu: Option<(bool, bool, bool)>,
    /// The colour and tooltip the panel has, and when they were last sent.
    colour: [u8; 3],
    tooltip: String,
    sent: Instant,
    /// Wakes the UI to send what was held back.
    wake: egui::Context,
}

impl Tray {
    /// Puts Sitwell in the tray; `None` (said only in the debug log) when the desktop has no
    /// session bus. Menu clicks wake the UI through `ctx` even while the overlay is hidden.
    pub fn start(ctx: &egui::Context) -> Option<Tray> {
        match Tray::try_start(ctx) {
            Ok(tray) => Some(tray),
            Err(e) => {
                tracing::debug!("no tray icon: {e}");
                None
            }
        }
    }

    fn try_start(ctx: &egui::Context) -> Result<Tray, String> {
        let toggle = MenuItem::with_id(TOGGLE, "Hide Sitwell", true, None);
        let pause_15 = MenuItem::with_id(PAUSE_15, "Pause 15 min", true, None);
        let pause_60 = MenuItem::with_id(PAUSE_60, "Pause 1 hour", true, None);
        let resume = MenuItem::with_id(RESUME, "Resume", false, None);
        let in_call = CheckMenuItem::with_id(IN_CALL, "In a call", true, false, None);
        let recalibrate = MenuItem::with_id(RECALIBRATE, "Recalibrate", true, None);
        let history = MenuItem::with_id(HISTORY, "History…", true, None);
        let settings = MenuItem::with_id(SETTINGS, "Settings…", true, None);
        let quit = MenuItem::with_id(QUIT, "Quit Sitwell", true, None);
        let menu = Menu::new();
        menu.append_items(&[
            &toggle,
            &PredefinedMenuItem::separator(),
            &pause_15,
            &pause_60,
            &resume,
            &in_call,
            &PredefinedMenuItem::separator(),
            &recalibrate,
            &history,
            &settings,
            &PredefinedMenuItem::separator(),
            &quit,
        ])
        .map_err(|e| e.to_string())?;

        // Menu choices and clicks on the icon arrive on the tray's own thread: pass them on
        // and wake the UI, which may be asleep (paused, hidden, nothing changing).
        let (send, commands) = mpsc::channel();
        let pass_on = {
            let wake = ctx.clone();
            move |command: TrayCommand| {
                let _ = send.send(command);
                wake.request_repaint();
            }
        };
        let on_menu = {
            let pass_on = pass_on.clone();
            move |event: MenuEvent| {
                if let Some(command) = command_for(event.id.as_ref()) {
                    pass_on(command);
                }
            }
        };
        MenuEvent::set_event_handler(Some(on_menu));
        TrayIconEvent::set_event_handler(Some(move |event: TrayIconEvent| {
            if let TrayIconEvent::Click {
                button: tray_icon::MouseButton::Left,
                ..
            } = event
            {
                pass_on(TrayCommand::ToggleWindow);
            }
        }));

        let icon = TrayIconBuilder::new()
            .with_id("sitwell")
            .with_title("Sitwell")
            .with_tooltip(STARTING)
            .with_icon(icon(IDLE)?)
            .with_menu(Box::new(menu))
            .with_menu_on_left_click(false)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Tray {
            icon,
            toggle,
            resume,
            pause_15,
            pause_60,
            in_call,
            commands,
            menu: None,
            colour: IDLE,
            tooltip: STARTING.to_owned(),
            sent: Instant::now()
                .checked_sub(SEND_EVERY)
                .unwrap_or_else(Instant::now),
            wake: ctx.clone(),
        })
    }

    /// The next thing the user chose in the tray, if any. A left click on the icon (where the
    /// panel supports it) shows or hides the overlay.
    pub fn poll(&self) -> Option<TrayCommand> {
        self.commands.try_recv().ok()
    }

    /// Shows `look`: the menu at once when it changes; the dot and the tooltip at most every
    /// 3 s (a score hovering at a colour's edge must not flood the bus), catching up later.
    pub fn show(&mut self, look: TrayLook) {
        let menu = (look.paused, look.in_call, look.window_shown);
        // A change the user made or must see (paused, a call, hidden, no score any more) goes
        // out at once; a score drifting across a colour's edge waits its turn.
        let urgent = self.menu != Some(menu) || (look.colour == IDLE) != (self.colour == IDLE);
        let changed = look.colour != self.colour || look.tooltip != self.tooltip;
        if changed && !(urgent || self.sent.elapsed() >= SEND_EVERY) {
            self.wake.request_repaint_after(SEND_EVERY);
        } else if changed {
            if look.colour != self.colour {
                let set = icon(look.colour)
                    .and_then(|i| self.icon.set_icon(Some(i)).map_err(|e| e.to_string()));
                if let Err(e) = set {
                    tracing::debug!("tray icon: {e}");
                }
                self.colour = look.colour;
            }
            if look.tooltip != self.tooltip {
                if let Err(e) = self.icon.set_tooltip(Some(&look.tooltip)) {
                    tracing::debug!("tray tooltip: {e}");
                }
                self.tooltip = look.tooltip;
            }
            self.sent = Instant::now();
        }
        if self.menu != Some(menu) {
            self.toggle.set_text(if look.window_shown {
                "Hide Sitwell"
            } else {
                "Show Sitwell"
            });
            self.resume.set_enabled(look.paused);
            self.pause_15.set_enabled(!look.paused);
            self.pause_60.set_enabled(!look.paused);
            self.in_call.set_checked(look.in_call);
        }
        self.menu = Some(menu);
    }
}

fn icon(colour: [u8; 3]) -> Result<Icon, String> {
    Icon::from_rgba(dot_rgba(colour), ICON_SIZE, ICON_SIZE).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posture::Pattern;

    #[test]
    fn every_menu_id_maps_to_its_command() {
        for (id, command) in [
            (TOGGLE, TrayCommand::ToggleWindow),
            (PAUSE_15, TrayCommand::Pause { minutes: 15 }),
            (PAUSE_60, TrayCommand::Pause { minutes: 60 }),
            (RESUME, TrayCommand::Resume),
            (IN_CALL, TrayCommand::ToggleInCall),
            (RECALIBRATE, TrayCommand::Recalibrate),
            (HISTORY, TrayCommand::History),
            (SETTINGS, TrayCommand::Settings),
            (QUIT, TrayCommand::Quit),
        ] {
            assert_eq!(command_for(id), Some(command), "{id}");
        }
        assert_eq!(command_for("something-else"), None);
    }

    fn live(score: f32, pattern: Pattern) -> View {
        View::Monitoring {
            score: Some(score),
            pattern: Some(pattern),
            dwell_progress: 0.0,
            in_call: false,
        }
    }

    #[test]
    fn the_dot_takes_the_score_colour_and_the_tooltip_says_what_is_seen() {
        let good = TrayLook::of(&live(92.0, Pattern::Upright), false, false, true);
        let poor = TrayLook::of(&live(35.0, Pattern::ForwardHead), false, true, true);
        // The panel's colours in its dark theme: green for 80 and up, red below 60.
        assert_eq!(good.colour, [0x5c, 0xd6, 0x7a]);
        assert_eq!(poor.colour, [0xff, 0x7b, 0x6b]);
        assert!(good.tooltip.contains("92"), "{}", good.tooltip);
        assert!(good.tooltip.contains("upright"), "{}", good.tooltip);
        assert!(poor.tooltip.contains("in a call"), "{}", poor.tooltip);
        let paused = TrayLook::of(
            &View::Paused {
                left_s: Some(600.0),
            },
            true,
            false,
            true,
        );
        assert_eq!(paused.colour, IDLE);
        assert!(paused.tooltip.contains("10 min left"), "{}", paused.tooltip);
        assert_eq!(TrayLook::of(&View::Away, false, false, true).colour, IDLE);
    }

    #[test]
    fn the_icon_is_a_round_dot_on_transparent_corners() {
        let rgba = dot_rgba([10, 200, 30]);
        assert_eq!(rgba.len(), (ICON_SIZE * ICON_SIZE * 4) as usize);
        let pixel = |x: u32, y: u32| {
            let i = ((y * ICON_SIZE + x) * 4) as usize;
            [rgba[i], rgba[i + 1], rgba[i + 2], rgba[i + 3]]
        };
        assert_eq!(pixel(16, 16), [10, 200, 30, 255]);
        assert_eq!(pixel(0, 0)[3], 0);
        assert_eq!(pixel(31, 31)[3], 0);
    }
}
