//! The one place Sitwell meets its operating system. Everything else (the pipeline, the
//! judge, the coach, the UI) is one code base with no `cfg(target_os)`: it calls the parts
//! below, which `linux/` and `windows/` each implement with the same names and types.
//!
//! | part | its job |
//! |---|---|
//! | [`process`] | own CPU time and peak memory; giving freed heap back |
//! | [`stop`] | a stop request (Ctrl-C, logout, shutdown) becomes [`stop::requested`] |
//! | [`terminal`] | the console a command prints to |
//! | [`files`] | making a file or folder the user's alone; ONNX Runtime's file names |
//! | [`window`] | the panel kept on top, out of the taskbar, on a screen, out of captures |
//! | [`desk`] | lock/unlock, sleep/wake and input idle time, as [`DeskChange`]s |
//! | [`calls`] | which programs record the microphone or share a screen now |
//! | [`notify`] | desktop notifications with buttons; "already running" |
//! | [`power`] | whether the machine runs on its battery |
//! | [`autostart`] | start at login, and repairing a stale entry |
//!
//! Where settings and data live comes from the `directories` crate (XDG folders on Linux,
//! `%APPDATA%` and `%LOCALAPPDATA%` on Windows, `~/Library` on macOS) in [`crate::files`].
//!
//! A macOS port is one more folder, `macos/`, with the same parts: `mach_task_basic_info`
//! (process), signals as on Linux (stop), `chmod` as on Linux (files), an `NSWindow` level and
//! `sharingType = none` (window), `NSWorkspace` session and sleep notifications and
//! `CGEventSourceSecondsSinceLastEventType` (desk), Core Audio's "running somewhere" property
//! (calls), notify-rust's `UNUserNotificationCenter` (notify) and a LaunchAgent plist
//! (autostart).

use crate::live::command::DeskChange;

#[cfg(target_os = "linux")]
#[path = "linux/mod.rs"]
mod os;

#[cfg(windows)]
#[path = "windows/mod.rs"]
mod os;

pub use os::{autostart, calls, desk, files, notify, power, process, stop, terminal, window};

/// What the desk watchers hand on: a change, and whether anyone still listens (false ends the
/// watcher).
pub type DeskSink = fn(DeskChange) -> bool;

/// Starts a watcher thread named `name`; false (with a warning) when it cannot start.
fn spawn(name: &str, run: impl FnOnce() + Send + 'static) -> bool {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(run)
        .map_err(|e| tracing::warn!("cannot start {name}: {e}"))
        .is_ok()
}

/// The program a start-at-login command starts: its quoted path, or its first word.
fn program_of(command: &str) -> &str {
    let command = command.trim();
    match command.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next().unwrap_or_default(),
        None => command.split_whitespace().next().unwrap_or_default(),
    }
}

/// Whether a start-at-login entry running `command` is left by a copy that is gone and should
/// start `exe` instead: it names, by full path, a program that no longer exists. One by its
/// bare name (found through `PATH`) is left alone.
fn autostart_is_stale(command: &str, exe: &std::path::Path) -> bool {
    let program = std::path::Path::new(program_of(command));
    program.is_absolute() && !program.exists() && program != exe
}

/// A monitor's rectangle in screen pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Screen {
    pub x: f32,
    pub y: f32,
    pub width: f32,
    pub height: f32,
}

/// What a desktop notification says, and the buttons it carries where the desktop shows
/// them: (id, label).
#[derive(Debug, Clone)]
pub struct Message {
    pub summary: String,
    pub body: String,
    pub buttons: Vec<(&'static str, &'static str)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_of_a_start_at_login_command_is_its_quoted_path_or_first_word() {
        assert_eq!(
            program_of(r#""C:\Program Files\Sitwell\sitwell.exe" --quiet"#),
            r"C:\Program Files\Sitwell\sitwell.exe"
        );
        assert_eq!(
            program_of("/opt/sitwell/bin/sitwell --demo"),
            "/opt/sitwell/bin/sitwell"
        );
        assert_eq!(program_of(""), "");
    }
}
