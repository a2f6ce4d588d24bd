//! The desk on Windows: the session locked or unlocked (WTS session notifications), the
//! machine about to sleep or resumed (power broadcasts), both received by a hidden window of
//! Sitwell's own on a thread of its own; and how long since the user last touched the keyboard
//! or mouse (`GetLastInputInfo`), asked every few seconds.

use std::sync::OnceLock;
use std::time::Duration;

use windows_sys::Win32::Foundation::{HWND, LPARAM, LRESULT, WPARAM};
use windows_sys::Win32::System::LibraryLoader::GetModuleHandleW;
use windows_sys::Win32::System::RemoteDesktop::{
    NOTIFY_FOR_THIS_SESSION, WTSRegisterSessionNotification,
};
use windows_sys::Win32::System::SystemInformation::GetTickCount;
use windows_sys::Win32::UI::Input::KeyboardAndMouse::{GetLastInputInfo, LASTINPUTINFO};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    CreateWindowExW, DefWindowProcW, DispatchMessageW, GetMessageW, MSG, PBT_APMRESUMEAUTOMATIC,
    PBT_APMSUSPEND, RegisterClassW, WM_POWERBROADCAST, WM_WTSSESSION_CHANGE, WNDCLASSW,
    WS_OVERLAPPED, WTS_SESSION_LOCK, WTS_SESSION_UNLOCK,
};

use super::wide;
use crate::live::command::DeskChange;
use crate::platform::{DeskSink, spawn};

/// How often the user's idle time is asked for.
const IDLE_EVERY: Duration = Duration::from_secs(5);

/// Where the hidden window's news goes (set once, before the window exists).
static SINK: OnceLock<DeskSink> = OnceLock::new();

/// Starts the watchers, each handing its news to `tell`; returns their names.
pub fn start(tell: DeskSink) -> Vec<&'static str> {
    let mut running = Vec::new();
    let _ = SINK.set(tell);
    let (ready, started) = std::sync::mpsc::channel();
    if spawn("sitwell-session", move || session_window(ready))
        && started.recv_timeout(Duration::from_secs(5)) == Ok(true)
    {
        running.push("screen lock");
        running.push("suspend");
    }
    if idle_s().is_some() && spawn("sitwell-idle", move || poll_idle(tell)) {
        running.push("input idle time");
    }
    running
}

/// Seconds since the last keyboard or mouse input in this session.
fn idle_s() -> Option<f64> {
    let mut info = LASTINPUTINFO {
        cbSize: std::mem::size_of::<LASTINPUTINFO>() as u32,
        dwTime: 0,
    };
    // SAFETY: GetLastInputInfo fills the struct we own (cbSize set).
    if unsafe { GetLastInputInfo(&mut info) } == 0 {
        return None;
    }
    // Both are milliseconds since boot, wrapping together every 49.7 days.
    // SAFETY: GetTickCount takes nothing.
    let now = unsafe { GetTickCount() };
    Some(f64::from(now.wrapping_sub(info.dwTime)) / 1000.0)
}

fn poll_idle(tell: DeskSink) {
    while let Some(idle) = idle_s() {
        if !tell(DeskChange::InputIdle(idle)) {
            return;
        }
        std::thread::sleep(IDLE_EVERY);
    }
}

/// What a session or power message means for the desk.
fn change_of(message: u32, wparam: WPARAM) -> Option<DeskChange> {
    let code = wparam as u32;
    match (message, code) {
        (WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK) => Some(DeskChange::Locked(true)),
        (WM_WTSSESSION_CHANGE, WTS_SESSION_UNLOCK) => Some(DeskChange::Locked(false)),
        (WM_POWERBROADCAST, PBT_APMSUSPEND) => Some(DeskChange::Sleeping(true)),
        (WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC) => Some(DeskChange::Sleeping(false)),
        _ => None,
    }
}

/// The hidden window's message handler.
unsafe extern "system" fn on_message(
    hwnd: HWND,
    message: u32,
    wparam: WPARAM,
    lparam: LPARAM,
) -> LRESULT {
    if let Some(change) = change_of(message, wparam) {
        tracing::info!("the desk: {change:?}");
        if let Some(tell) = SINK.get() {
            tell(change);
        }
    }
    // SAFETY: every other message gets Windows' default handling.
    unsafe { DefWindowProcW(hwnd, message, wparam, lparam) }
}

/// A hidden top-level window (power broadcasts reach top-level windows only) registered for
/// session notifications; runs its message loop until Sitwell ends. Says on `ready` whether
/// it is listening.
fn session_window(ready: std::sync::mpsc::Sender<bool>) {
    let class = wide("SitwellDeskWatcher");
    let title = wide("Sitwell desk watcher");
    // SAFETY: the class and title strings outlive the window; the window is never shown and
    // lives as long as this thread's message loop.
    unsafe {
        let instance = GetModuleHandleW(std::ptr::null());
        let mut window_class: WNDCLASSW = std::mem::zeroed();
        window_class.lpfnWndProc = Some(on_message);
        window_class.hInstance = instance;
        window_class.lpszClassName = class.as_ptr();
        RegisterClassW(&window_class);
        let hwnd = CreateWindowExW(
            0,
            class.as_ptr(),
            title.as_ptr(),
            WS_OVERLAPPED,
            0,
            0,
            0,
            0,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            instance,
            std::ptr::null(),
        );
        if hwnd.is_null() {
            tracing::debug!(
                "no desk watcher window: {}",
                std::io::Error::last_os_error()
            );
            let _ = ready.send(false);
            return;
        }
        if WTSRegisterSessionNotification(hwnd, NOTIFY_FOR_THIS_SESSION) == 0 {
            tracing::debug!(
                "no session notifications: {}",
                std::io::Error::last_os_error()
            );
        }
        let _ = ready.send(true);
        let mut message: MSG = std::mem::zeroed();
        while GetMessageW(&mut message, std::ptr::null_mut(), 0, 0) > 0 {
            DispatchMessageW(&message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_and_power_messages_read_as_desk_changes() {
        assert_eq!(
            change_of(WM_WTSSESSION_CHANGE, WTS_SESSION_LOCK as WPARAM),
            Some(DeskChange::Locked(true))
        );
        assert_eq!(
            change_of(WM_POWERBROADCAST, PBT_APMRESUMEAUTOMATIC as WPARAM),
            Some(DeskChange::Sleeping(false))
        );
        assert_eq!(change_of(WM_POWERBROADCAST, 0x000A), None);
    }

    #[test]
    fn the_idle_time_is_known_and_not_negative() {
        let idle = idle_s().expect("GetLastInputInfo answers");
        assert!(idle >= 0.0);
    }
}
