//! Windows (10 and 11): Win32 through `windows-sys` (process times and memory, console
//! events, the panel's window styles and capture exclusion, session and power notifications,
//! input idle time, the per-user `Run` key), toasts through `tauri-winrt-notification`.
//! Cross-built from Debian and tested under Wine (`scripts/windows/`).

pub mod autostart;
pub mod calls;
pub mod desk;
pub mod files;
pub mod notify;
pub mod power;
pub mod process;
mod registry;
pub mod stop;
pub mod terminal;
pub mod window;

/// `text` as a NUL-terminated UTF-16 string, as Win32's `…W` functions take it.
fn wide(text: &str) -> Vec<u16> {
    text.encode_utf16().chain(std::iter::once(0)).collect()
}
