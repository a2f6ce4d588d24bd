//! Power on Windows: whether the machine runs on its battery, from `GetSystemPowerStatus`.

use windows_sys::Win32::System::Power::{GetSystemPowerStatus, SYSTEM_POWER_STATUS};

/// Whether the machine runs on its battery now; `None` when Windows cannot tell.
pub fn on_battery() -> Option<bool> {
    // SAFETY: a zeroed SYSTEM_POWER_STATUS is valid (plain integers); the call fills it.
    let mut status: SYSTEM_POWER_STATUS = unsafe { std::mem::zeroed() };
    if unsafe { GetSystemPowerStatus(&mut status) } == 0 {
        return None;
    }
    // ACLineStatus: 0 offline, 1 online, 255 unknown.
    match status.ACLineStatus {
        0 => Some(true),
        1 => Some(false),
        _ => None,
    }
}
