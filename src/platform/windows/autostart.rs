//! Start at login on Windows: the per-user `Run` key
//! (`HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Run`, value `Sitwell`), which
//! Windows' Startup apps settings list and can turn off; repaired when the program it names is
//! gone.

use std::path::Path;

use super::registry;

const RUN_KEY: &str = r"Software\Microsoft\Windows\CurrentVersion\Run";
const VALUE: &str = "Sitwell";

/// Makes Sitwell (`exe`) start at login, or not; the message says what failed.
pub fn set(enabled: bool, exe: &Path) -> Result<(), String> {
    let done = if enabled {
        registry::write_user_string(RUN_KEY, VALUE, &format!("\"{}\"", exe.display()))
    } else {
        registry::delete_user_value(RUN_KEY, VALUE)
    };
    done.map_err(|e| format!(r"cannot update HKEY_CURRENT_USER\{RUN_KEY}\{VALUE}: {e}"))
}

/// Points a start-at-login value left by a copy that is gone (a moved or uninstalled one) at
/// `exe`. Returns what was done, if anything; the error says what failed.
pub fn repair(exe: &Path) -> Result<Option<String>, String> {
    let Some(command) = registry::read_string(registry::HKEY_CURRENT_USER, RUN_KEY, VALUE) else {
        return Ok(None);
    };
    if !crate::platform::autostart_is_stale(&command, exe) {
        return Ok(None);
    }
    set(true, exe)?;
    Ok(Some(format!(
        "Sitwell's start-at-login entry started {}, which no longer exists; it now starts {}",
        crate::platform::program_of(&command),
        exe.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_at_login_is_the_run_value_written_repaired_and_removed() {
        let exe = std::env::current_exe().expect("the test's own exe");
        let read = || registry::read_string(registry::HKEY_CURRENT_USER, RUN_KEY, VALUE);
        set(true, &exe).expect("written");
        assert_eq!(read(), Some(format!("\"{}\"", exe.display())));
        // Left by a copy that is gone: pointed at this one.
        registry::write_user_string(RUN_KEY, VALUE, r#""C:\gone\sitwell.exe""#).expect("written");
        let repaired = repair(&exe).expect("repaired");
        assert!(repaired.is_some_and(|m| m.contains(r"C:\gone\sitwell.exe")));
        assert_eq!(read(), Some(format!("\"{}\"", exe.display())));
        // An entry for a program that exists is left alone.
        assert_eq!(repair(&exe), Ok(None));
        set(false, &exe).expect("removed");
        assert_eq!(read(), None);
        set(false, &exe).expect("removing twice is fine");
    }
}
