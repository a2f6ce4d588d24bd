//! The overlay as a good X11 desktop citizen: named as Sitwell (WM_CLASS), kept out of the
//! taskbar, the pager and Alt-Tab, shown on every workspace and above other windows (asked
//! again whenever the workspace changes), and opened on a monitor that exists.
//!
//! eframe offers none of these on X11 (its app id names only the class, with an empty
//! instance), so they are set on the window with x11rb before it is first shown. Without X11
//! (Wayland alone) nothing here applies and the overlay is an ordinary window.

use std::thread;

use eframe::egui;
use raw_window_handle::RawWindowHandle;
use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::randr::ConnectionExt as _;
use x11rb::protocol::xproto::{
    AtomEnum, ChangeWindowAttributesAux, ClientMessageEvent, ConnectionExt as _, EventMask,
    PropMode, Window,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

/// The program's name in WM_CLASS's instance field (the class is [`crate::APP_ID`]).
const INSTANCE: &str = "sitwell";

x11rb::atom_manager! {
    Atoms: AtomsCookie {
        WM_CLASS,
        _NET_WM_STATE,
        _NET_WM_STATE_ABOVE,
        _NET_WM_STATE_STICKY,
        _NET_WM_STATE_SKIP_TASKBAR,
        _NET_WM_STATE_SKIP_PAGER,
        _NET_WM_DESKTOP,
        _NET_CURRENT_DESKTOP,
    }
}

/// EWMH `_NET_WM_STATE` client message actions.
const NET_WM_STATE_ADD: u32 = 1;

/// The overlay's X11 window and a connection to its display.
pub struct Desktop {
    conn: RustConnection,
    root: Window,
    window: Window,
    atoms: Atoms,
}

/// A monitor's rectangle in screen pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screen {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

impl Desktop {
    /// Connects to the window's display when it is an X11 window (not on Wayland).
    pub fn of(handle: RawWindowHandle) -> Option<Desktop> {
        let window = match handle {
            RawWindowHandle::Xlib(h) => u32::try_from(h.window).ok()?,
            RawWindowHandle::Xcb(h) => h.window.get(),
            _ => return None,
        };
        let (conn, screen) = RustConnection::connect(None)
            .map_err(|e| tracing::debug!("no X11 connection for the overlay: {e}"))
            .ok()?;
        let root = conn.setup().roots.get(screen)?.root;
        let atoms = Atoms::new(&conn).ok()?.reply().ok()?;
        Some(Desktop {
            conn,
            root,
            window,
            atoms,
        })
    }

    /// Names the window and states how it should be treated, before it is first shown: the
    /// window manager reads both when it maps the window.
    pub fn introduce(&self) {
        let a = &self.atoms;
        let class = format!("{INSTANCE}\0{}\0", crate::APP_ID);
        let states = [
            a._NET_WM_STATE_ABOVE,
            a._NET_WM_STATE_STICKY,
            a._NET_WM_STATE_SKIP_TASKBAR,
            a._NET_WM_STATE_SKIP_PAGER,
        ];
        let sent = self
            .conn
            .change_property8(
                PropMode::REPLACE,
                self.window,
                a.WM_CLASS,
                AtomEnum::STRING,
                class.as_bytes(),
            )
            .and_then(|_| {
                self.conn.change_property32(
                    PropMode::REPLACE,
                    self.window,
                    a._NET_WM_STATE,
                    AtomEnum::ATOM,
                    &states,
                )
            })
            .and_then(|_| {
                // On every workspace.
                self.conn.change_property32(
                    PropMode::REPLACE,
                    self.window,
                    a._NET_WM_DESKTOP,
                    AtomEnum::CARDINAL,
                    &[u32::MAX],
                )
            })
            .and_then(|_| self.conn.flush());
        if let Err(e) = sent {
            tracing::debug!("cannot describe the overlay to the window manager: {e}");
        }
    }

    /// Asks the window manager (EWMH) to keep the shown window above others, on every
    /// workspace and out of the taskbar: what [`Desktop::introduce`] said, for a window that
    /// is already mapped (some window managers drop states while a window is hidden).
    pub fn keep_on_top(&self) {
        let a = &self.atoms;
        let requests = [
            (a._NET_WM_STATE_ABOVE, a._NET_WM_STATE_STICKY),
            (a._NET_WM_STATE_SKIP_TASKBAR, a._NET_WM_STATE_SKIP_PAGER),
        ];
        for (first, second) in requests {
            let event = ClientMessageEvent::new(
                32,
                self.window,
                a._NET_WM_STATE,
                [NET_WM_STATE_ADD, first, second, 1, 0],
            );
            let sent = self.conn.send_event(
                false,
                self.root,
                EventMask::SUBSTRUCTURE_REDIRECT | EventMask::SUBSTRUCTURE_NOTIFY,
                event,
            );
            if let Err(e) = sent {
                tracing::debug!("cannot ask to keep the overlay on top: {e}");
                return;
            }
        }
        let _ = self.conn.flush();
    }

    /// Watches the workspace on a thread of its own and asks again for "above" after every
    /// change (window managers restack on a switch); `changed` is told too. The thread ends
    /// with the display connection.
    pub fn keep_on_top_across_workspaces(self, changed: impl Fn() + Send + 'static) {
        let watch = ChangeWindowAttributesAux::new().event_mask(EventMask::PROPERTY_CHANGE);
        let subscribed = self
            .conn
            .change_window_attributes(self.root, &watch)
            .and_then(|_| self.conn.flush());
        if let Err(e) = subscribed {
            tracing::debug!("cannot watch the workspace: {e}");
            return;
        }
        let spawned = thread::Builder::new()
            .name("sitwell-desktop".into())
            .spawn(move || {
                while let Ok(event) = self.conn.wait_for_event() {
                    if let Event::PropertyNotify(e) = event
                        && e.window == self.root
                        && e.atom == self.atoms._NET_CURRENT_DESKTOP
                    {
                        self.keep_on_top();
                        changed();
                    }
                }
            });
        if let Err(e) = spawned {
            tracing::debug!("cannot watch the workspace: {e}");
        }
    }
}

/// The screens (RandR monitors) of the X11 display Sitwell would open on, in screen pixels;
/// empty when there is no X11 display or it cannot tell.
pub fn screens() -> Vec<Screen> {
    let Ok((conn, screen)) = RustConnection::connect(None) else {
        return Vec::new();
    };
    let Some(root) = conn.setup().roots.get(screen).map(|s| s.root) else {
        return Vec::new();
    };
    let Some(reply) = conn
        .randr_get_monitors(root, true)
        .ok()
        .and_then(|cookie| cookie.reply().ok())
    else {
        return Vec::new();
    };
    reply
        .monitors
        .iter()
        .map(|m| Screen {
            x: f32::from(m.x),
            y: f32::from(m.y),
            width: f32::from(m.width),
            height: f32::from(m.height),
        })
        .collect()
}

/// Where a window of `size` whose top-left corner was saved at `saved` should open: there if
/// it still lies on a screen (at least `grip` points of it), else moved onto the nearest
/// screen, inside its edges. Positions and sizes are in points; `pixels_per_point` converts
/// the screens' pixels. With no screens known the saved position is kept.
pub fn clamp_to_screens(
    saved: egui::Pos2,
    size: egui::Vec2,
    screens: &[Screen],
    pixels_per_point: f32,
) -> egui::Pos2 {
    const GRIP: f32 = 40.0;
    let scale = pixels_per_point.max(0.25);
    let rects: Vec<egui::Rect> = screens
        .iter()
        .map(|m| {
            egui::Rect::from_min_size(
                egui::pos2(m.x, m.y) / scale,
                egui::vec2(m.width, m.height) / scale,
            )
        })
        .collect();
    let window = egui::Rect::from_min_size(saved, size);
    let reachable = |r: &egui::Rect| {
        let overlap = r.intersect(window);
        overlap.width() >= GRIP.min(size.x) && overlap.height() >= GRIP.min(size.y)
    };
    if rects.is_empty() || rects.iter().any(reachable) {
        return saved;
    }
    let nearest = rects.iter().min_by(|a, b| {
        a.distance_sq_to_pos(window.center())
            .total_cmp(&b.distance_sq_to_pos(window.center()))
    });
    match nearest {
        Some(r) => egui::pos2(
            saved.x.clamp(r.min.x, (r.max.x - size.x).max(r.min.x)),
            saved.y.clamp(r.min.y, (r.max.y - size.y).max(r.min.y)),
        ),
        None => saved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: [Screen; 2] = [
        Screen {
            x: 0.0,
            y: 0.0,
            width: 1920.0,
            height: 1080.0,
        },
        Screen {
            x: 1920.0,
            y: 0.0,
            width: 1280.0,
            height: 1024.0,
        },
    ];
    const PANEL: egui::Vec2 = egui::vec2(240.0, 92.0);

    #[test]
    fn a_position_on_a_monitor_is_kept() {
        for p in [egui::pos2(24.0, 24.0), egui::pos2(2500.0, 900.0)] {
            assert_eq!(clamp_to_screens(p, PANEL, &TWO, 1.0), p);
        }
        // Half over the edge is still reachable.
        let edge = egui::pos2(1800.0, 1040.0);
        assert_eq!(clamp_to_screens(edge, PANEL, &TWO[..1], 1.0), edge);
    }

    #[test]
    fn a_position_on_an_unplugged_monitor_moves_onto_one_that_exists() {
        // Saved on the right-hand monitor, which is gone now.
        let moved = clamp_to_screens(egui::pos2(2500.0, 300.0), PANEL, &TWO[..1], 1.0);
        assert_eq!(moved, egui::pos2(1920.0 - PANEL.x, 300.0));
        // Below the shorter monitor, in the gap beside the taller one.
        let moved = clamp_to_screens(egui::pos2(2000.0, 1050.0), PANEL, &TWO, 1.0);
        assert!(
            moved.y <= 1024.0 - PANEL.y || moved.x + PANEL.x <= 1920.0,
            "{moved:?}"
        );
        // At scale 2 the monitor is 960 × 540 points.
        let moved = clamp_to_screens(egui::pos2(1500.0, 800.0), PANEL, &TWO[..1], 2.0);
        assert_eq!(moved, egui::pos2(960.0 - PANEL.x, 540.0 - PANEL.y));
        // Nothing known: left alone.
        let p = egui::pos2(-5000.0, 0.0);
        assert_eq!(clamp_to_screens(p, PANEL, &[], 1.0), p);
    }
}
