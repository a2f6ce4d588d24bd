//! The terminal on Windows. Sitwell is a GUI program (no console window opens when it is
//! started from the Start menu), so a command typed in a terminal (`sitwell analyze …`) has
//! no console of its own: it attaches to the terminal it was started from, if any, and prints
//! there. Output redirected to a file or a pipe needs nothing: those handles are inherited.

use windows_sys::Win32::System::Console::{
    ATTACH_PARENT_PROCESS, AttachConsole, GetStdHandle, STD_OUTPUT_HANDLE,
};

/// Connects standard output and error to the terminal Sitwell was started from, if any.
pub fn attach() {
    // SAFETY: GetStdHandle and AttachConsole take no pointers; a failed attach (started from
    // the Start menu, no terminal) changes nothing.
    unsafe {
        let out = GetStdHandle(STD_OUTPUT_HANDLE);
        if out.is_null() || out as isize == -1 {
            AttachConsole(ATTACH_PARENT_PROCESS);
        }
    }
}
