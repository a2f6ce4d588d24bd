//! Stop requests on Windows: Ctrl-C and Ctrl-Break in a console, the console closed, logoff
//! and shutdown (console control events) set a flag instead of ending the process, so a run
//! ends the way Quit does. The overlay, a GUI program, is also closed by its window's own
//! messages.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use windows_sys::Win32::System::Console::{
    CTRL_BREAK_EVENT, CTRL_C_EVENT, CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT,
    SetConsoleCtrlHandler,
};
use windows_sys::core::BOOL;

/// Set by the first stop request.
static STOP: AtomicBool = AtomicBool::new(false);

/// How long a closing console, a logoff or a shutdown is held so the run can end cleanly
/// (the history committed): Windows ends the process when the handler returns, and allows it
/// about five seconds.
const GRACE: Duration = Duration::from_secs(3);

/// Called by Windows on its own thread for each console event.
unsafe extern "system" fn on_console_event(event: u32) -> BOOL {
    match event {
        CTRL_C_EVENT | CTRL_BREAK_EVENT => {
            STOP.store(true, Ordering::SeqCst);
            1
        }
        CTRL_CLOSE_EVENT | CTRL_LOGOFF_EVENT | CTRL_SHUTDOWN_EVENT => {
            STOP.store(true, Ordering::SeqCst);
            std::thread::sleep(GRACE);
            1
        }
        _ => 0,
    }
}

/// Routes the console's stop events to [`requested`] instead of ending the process.
pub fn install() {
    // SAFETY: the handler is a plain function that lives as long as the program.
    let ok = unsafe { SetConsoleCtrlHandler(Some(on_console_event), 1) };
    if ok == 0 {
        tracing::warn!(
            "cannot catch Ctrl-C: {}; it will end Sitwell at once",
            std::io::Error::last_os_error()
        );
    }
}

/// A stop request has arrived.
pub fn requested() -> bool {
    STOP.load(Ordering::SeqCst)
}
