//! The panel's window on Linux, as a good X11 desktop citizen: named as Sitwell (WM_CLASS),
//! kept out of the taskbar, the pager and Alt-Tab, shown on every workspace and above other
//! windows (asked again whenever the workspace changes), and opened on a monitor that exists.
//!
//! eframe offers none of these on X11 (its app id names only the class, with an empty
//! instance), so they are set on the window with x11rb before it is first shown. Without X11
//! (Wayland alone) nothing here applies and the overlay is an ordinary window. No X11 window
//! can be left out of a screen capture: during calls the panel shrinks to a dot instead.

use std::thread;

use raw_window_handle::RawWindowHandle;
use x11rb::connection::Connection;
use x11rb::protocol::Event;
use x11rb::protocol::randr::ConnectionExt as _;
use x11rb::protocol::xproto::{
    AtomEnum, ChangeWindowAttributesAux, ClientMessageEvent, ConnectionExt as _, EventMask,
    PropMode, Window as XWindow,
};
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;

use crate::platform::Screen;

/// Why the overlay cannot open.
#[derive(Debug, thiserror::Error)]
#[error(
    "no display to open the overlay on (neither DISPLAY nor WAYLAND_DISPLAY is set); \
     try `sitwell watch --headless`"
)]
pub struct NoDisplay;

/// On Wayland a window cannot keep itself above others; XWayland can. Prefers X11 when both
/// are there. Returns a note for the user when only Wayland is available.
///
/// Must run before any other thread starts (it edits the environment).
pub fn prepare_display() -> Result<Option<String>, NoDisplay> {
    let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some();
    let x11 = std::env::var_os("DISPLAY").is_some();
    match (wayland, x11) {
        (false, false) => Err(NoDisplay),
        (true, true) => {
            // SAFETY: called on the main thread before eframe or the pipeline start threads.
            unsafe { std::env::remove_var("WAYLAND_DISPLAY") };
            Ok(None)
        }
        (true, false) => Ok(Some(
            "Wayland without XWayland: the panel cannot stay above other windows".to_owned(),
        )),
        (false, true) => Ok(None),
    }
}

/// The panel's native window, as the OS is told about it.
pub struct Window {
    desktop: Desktop,
}

impl Window {
    /// Tells the window manager what the panel is before it is first shown, and keeps it above
    /// other windows across workspace switches (`moved` is told after each, to repaint). None
    /// when the window is not an X11 one.
    pub fn adopt(handle: RawWindowHandle, moved: impl Fn() + Send + 'static) -> Option<Window> {
        let desktop = Desktop::of(handle)?;
        desktop.introduce();
        // A second connection watches the workspace and asks for "above" after a switch.
        if let Some(watcher) = Desktop::of(handle) {
            watcher.keep_on_top_across_workspaces(moved);
        }
        Some(Window { desktop })
    }

    /// Asks again for what [`Window::adopt`] said, for the window now shown (X11 window
    /// managers drop "above" on hidden windows).
    pub fn keep_on_top(&self) {
        self.desktop.keep_on_top();
    }

    /// Whether screen captures and shares leave the panel out: never on X11.
    pub fn hidden_from_captures(&self) -> bool {
        false
    }
}

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
struct Desktop {
    conn: RustConnection,
    root: XWindow,
    window: XWindow,
    atoms: Atoms,
}

impl Desktop {
    /// Connects to the window's display when it is an X11 window (not on Wayland).
    fn of(handle: RawWindowHandle) -> Option<Desktop> {
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
    fn introduce(&self) {
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
    fn keep_on_top(&self) {
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
    fn keep_on_top_across_workspaces(self, changed: impl Fn() + Send + 'static) {
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
