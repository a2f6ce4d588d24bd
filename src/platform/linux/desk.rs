//! The desk on Linux: the screen locked or unlocked (the screensaver's D-Bus interfaces:
//! `org.freedesktop.ScreenSaver` as KDE, Xfce and others speak it, `org.gnome.ScreenSaver`
//! for GNOME), the machine about to sleep or woken (logind's `PrepareForSleep` on the system
//! bus), and how long since the user last touched the keyboard or mouse (the X server's
//! MIT-SCREEN-SAVER idle time). Each is watched on a thread of its own; whatever the desktop
//! lacks is left out.

use std::time::Duration;

use crate::live::command::DeskChange;
use crate::platform::{DeskSink, spawn};

/// How often the user's idle time is asked for.
const IDLE_EVERY: Duration = Duration::from_secs(5);

/// Starts the watchers this desktop allows, each handing its news to `tell`; returns their
/// names.
pub fn start(tell: DeskSink) -> Vec<&'static str> {
    let mut running = Vec::new();
    if let Ok(bus) = zbus::blocking::Connection::session()
        && spawn("sitwell-lock", move || screen_locks(&bus, tell))
    {
        running.push("screen lock");
    }
    if let Ok(bus) = zbus::blocking::Connection::system()
        && spawn("sitwell-sleep", move || sleeps(&bus, tell))
    {
        running.push("suspend");
    }
    // Under Wayland the X server (XWayland) sees only the input sent to X11 windows: its idle
    // time would keep growing while the user types elsewhere.
    let wayland = std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t == "wayland");
    if let Some(idle) = XIdle::connect().filter(|_| !wayland)
        && spawn("sitwell-idle", move || idle.poll(tell))
    {
        running.push("input idle time");
    }
    running
}

/// Signals named `member` (of `interface`, if given), as a match rule.
fn signal_rule(
    interface: Option<&'static str>,
    member: &'static str,
) -> Option<zbus::MatchRule<'static>> {
    let mut rule = zbus::MatchRule::builder().msg_type(zbus::message::Type::Signal);
    if let Some(interface) = interface {
        rule = rule.interface(interface).ok()?;
    }
    Some(rule.member(member).ok()?.build())
}

/// The screensaver interfaces whose `ActiveChanged(bool)` says the screen locked.
const SCREENSAVERS: [&str; 2] = ["org.freedesktop.ScreenSaver", "org.gnome.ScreenSaver"];

/// Follows the screensavers' `ActiveChanged(bool)` until Sitwell ends.
fn screen_locks(bus: &zbus::blocking::Connection, send: impl Fn(DeskChange) -> bool) {
    // One rule for both interfaces (the member is the same); the interface is checked below.
    let Some(rule) = signal_rule(None, "ActiveChanged") else {
        return;
    };
    follow(bus, rule, send, |message| {
        let header = message.header();
        let interface = header.interface()?.as_str();
        if !SCREENSAVERS.contains(&interface) {
            return None;
        }
        let on: bool = message.body().deserialize().ok()?;
        Some(DeskChange::Locked(on))
    });
}

/// Follows logind's `PrepareForSleep(bool)` until Sitwell ends.
fn sleeps(bus: &zbus::blocking::Connection, send: impl Fn(DeskChange) -> bool) {
    let Some(rule) = signal_rule(Some("org.freedesktop.login1.Manager"), "PrepareForSleep") else {
        return;
    };
    follow(bus, rule, send, |message| {
        let going: bool = message.body().deserialize().ok()?;
        Some(DeskChange::Sleeping(going))
    });
}

/// Hands on every message matching `rule`, as `read` reads it, until `send` finds nobody
/// listening.
fn follow(
    bus: &zbus::blocking::Connection,
    rule: zbus::MatchRule<'static>,
    send: impl Fn(DeskChange) -> bool,
    read: impl Fn(&zbus::Message) -> Option<DeskChange>,
) {
    let stream = match zbus::blocking::MessageIterator::for_match_rule(rule, bus, Some(16)) {
        Ok(stream) => stream,
        Err(e) => {
            tracing::debug!("cannot listen on the bus: {e}");
            return;
        }
    };
    for message in stream.flatten() {
        if let Some(change) = read(&message) {
            tracing::info!("the desk: {change:?}");
            if !send(change) {
                return;
            }
        }
    }
}

/// The X server's idle time (MIT-SCREEN-SAVER).
struct XIdle {
    conn: x11rb::rust_connection::RustConnection,
    root: u32,
}

impl XIdle {
    fn connect() -> Option<XIdle> {
        use x11rb::connection::Connection as _;
        use x11rb::protocol::screensaver::ConnectionExt as _;
        let (conn, screen) = x11rb::connect(None).ok()?;
        let root = conn.setup().roots.get(screen)?.root;
        // Only if the server has the extension.
        conn.screensaver_query_version(1, 1).ok()?.reply().ok()?;
        Some(XIdle { conn, root })
    }

    fn idle_s(&self) -> Option<f64> {
        use x11rb::protocol::screensaver::ConnectionExt as _;
        let info = self
            .conn
            .screensaver_query_info(self.root)
            .ok()?
            .reply()
            .ok()?;
        Some(f64::from(info.ms_since_user_input) / 1000.0)
    }

    fn poll(self, send: impl Fn(DeskChange) -> bool) {
        while let Some(idle) = self.idle_s() {
            if !send(DeskChange::InputIdle(idle)) {
                return;
            }
            std::thread::sleep(IDLE_EVERY);
        }
    }
}
