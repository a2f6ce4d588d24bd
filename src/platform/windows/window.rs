//! The panel's window on Windows: a tool window (`WS_EX_TOOLWINDOW`: not in the taskbar or
//! Alt-Tab), topmost, and left out of screen captures and shares
//! (`SetWindowDisplayAffinity(WDA_EXCLUDEFROMCAPTURE)`, Windows 10 2004 and later: no
//! colleague on a call sees it; older Windows keeps the in-call dot). winit makes the process
//! per-monitor DPI aware; the monitors come from `EnumDisplayMonitors`.

use raw_window_handle::RawWindowHandle;
use windows_sys::Win32::Foundation::{HWND, LPARAM, RECT};
use windows_sys::Win32::Graphics::Gdi::{
    EnumDisplayMonitors, GetMonitorInfoW, HDC, HMONITOR, MONITORINFO,
};
use windows_sys::Win32::UI::WindowsAndMessaging::{
    GWL_EXSTYLE, GetWindowLongPtrW, HWND_TOPMOST, SWP_FRAMECHANGED, SWP_NOACTIVATE, SWP_NOMOVE,
    SWP_NOSIZE, SetWindowDisplayAffinity, SetWindowLongPtrW, SetWindowPos, WDA_EXCLUDEFROMCAPTURE,
    WS_EX_APPWINDOW, WS_EX_TOOLWINDOW,
};
use windows_sys::core::BOOL;

use super::registry;
use crate::platform::Screen;

/// Why the overlay cannot open: never on Windows (every session has a desktop); here so the
/// interface is the same.
#[derive(Debug, thiserror::Error)]
#[error("no desktop to open the overlay on; try `sitwell watch --headless`")]
pub struct NoDisplay;

/// Nothing to choose on Windows: there is one kind of desktop.
pub fn prepare_display() -> Result<Option<String>, NoDisplay> {
    Ok(None)
}

/// The first Windows build whose capture exclusion leaves a window out (10 version 2004);
/// earlier ones would show a black box instead.
const EXCLUDE_FROM_CAPTURE_SINCE_BUILD: u32 = 19041;

/// The running Windows' build number.
fn windows_build() -> Option<u32> {
    registry::read_string(
        registry::HKEY_LOCAL_MACHINE,
        r"SOFTWARE\Microsoft\Windows NT\CurrentVersion",
        "CurrentBuildNumber",
    )?
    .trim()
    .parse()
    .ok()
}

/// The panel's native window, as the OS is told about it.
pub struct Window {
    hwnd: HWND,
    hidden_from_captures: bool,
}

// SAFETY: an HWND is a handle valid from any thread; Sitwell only calls thread-safe window
// functions (styles, position, display affinity) with it.
unsafe impl Send for Window {}

impl Window {
    /// Makes the panel a topmost tool window left out of screen captures, before it is first
    /// shown. None when the window is not a Win32 one. (`moved` is for desktops that move the
    /// window by themselves; Windows keeps a topmost window topmost.)
    pub fn adopt(handle: RawWindowHandle, _moved: impl Fn() + Send + 'static) -> Option<Window> {
        let RawWindowHandle::Win32(handle) = handle else {
            return None;
        };
        let hwnd = handle.hwnd.get() as HWND;
        let build = windows_build();
        let can_exclude = build.is_some_and(|b| b >= EXCLUDE_FROM_CAPTURE_SINCE_BUILD);
        // SAFETY: `hwnd` is the live window eframe just created.
        let excluded =
            can_exclude && unsafe { SetWindowDisplayAffinity(hwnd, WDA_EXCLUDEFROMCAPTURE) } != 0;
        if !excluded {
            tracing::info!(
                "the panel cannot be left out of screen shares on this Windows \
                 (build {build:?}): it shrinks to a dot during calls"
            );
        }
        let window = Window {
            hwnd,
            hidden_from_captures: excluded,
        };
        window.keep_on_top();
        Some(window)
    }

    /// Keeps the panel a topmost tool window (winit may rewrite the styles when it changes the
    /// window level).
    pub fn keep_on_top(&self) {
        // SAFETY: `hwnd` is the panel's window, alive while the app runs.
        unsafe {
            let style = GetWindowLongPtrW(self.hwnd, GWL_EXSTYLE);
            let tool = (style | WS_EX_TOOLWINDOW as isize) & !(WS_EX_APPWINDOW as isize);
            if tool != style {
                SetWindowLongPtrW(self.hwnd, GWL_EXSTYLE, tool);
            }
            SetWindowPos(
                self.hwnd,
                HWND_TOPMOST,
                0,
                0,
                0,
                0,
                SWP_NOMOVE | SWP_NOSIZE | SWP_NOACTIVATE | SWP_FRAMECHANGED,
            );
        }
    }

    /// Whether screen captures and shares leave the panel out.
    pub fn hidden_from_captures(&self) -> bool {
        self.hidden_from_captures
    }
}

/// Called by `EnumDisplayMonitors` for each monitor; `data` is the `Vec<Screen>` to fill.
unsafe extern "system" fn add_screen(
    monitor: HMONITOR,
    _: HDC,
    _: *mut RECT,
    data: LPARAM,
) -> BOOL {
    // SAFETY: `data` is the address of the Vec `screens` passes, alive during the enumeration.
    let screens = unsafe { &mut *(data as *mut Vec<Screen>) };
    // SAFETY: a zeroed MONITORINFO is valid; GetMonitorInfoW fills it (cbSize set).
    let mut info: MONITORINFO = unsafe { std::mem::zeroed() };
    info.cbSize = std::mem::size_of::<MONITORINFO>() as u32;
    if unsafe { GetMonitorInfoW(monitor, &mut info) } != 0 {
        let r = info.rcMonitor;
        screens.push(Screen {
            x: r.left as f32,
            y: r.top as f32,
            width: (r.right - r.left) as f32,
            height: (r.bottom - r.top) as f32,
        });
    }
    1
}

/// The monitors of the desktop, in screen pixels; empty when Windows cannot tell.
pub fn screens() -> Vec<Screen> {
    let mut screens: Vec<Screen> = Vec::new();
    // SAFETY: the callback only touches `screens`, which outlives the call.
    unsafe {
        EnumDisplayMonitors(
            std::ptr::null_mut(),
            std::ptr::null(),
            Some(add_screen),
            &mut screens as *mut Vec<Screen> as LPARAM,
        );
    }
    screens
}
