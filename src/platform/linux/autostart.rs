//! Start at login on Linux: the freedesktop autostart entry
//! (`~/.config/autostart/sitwell.desktop`) that the setting `start_at_login` writes or
//! removes, repaired when the program it names is gone.

use std::path::Path;
use std::path::PathBuf;

use crate::files;

/// The autostart entry that starts Sitwell at login.
fn autostart_path() -> Option<PathBuf> {
    Some(files::config_home()?.join("autostart/sitwell.desktop"))
}

/// Makes Sitwell (`exe`) start at login, or not; the message says what failed.
pub fn set(enabled: bool, exe: &Path) -> Result<(), String> {
    let entry = autostart_path().ok_or("no home folder for the autostart entry")?;
    apply_autostart(enabled, &entry, exe)
        .map_err(|e| format!("cannot update {}: {e}", entry.display()))
}

/// Points a start-at-login entry left by a copy that is gone (a cleaned build, a moved or
/// uninstalled one) at `exe`. Returns what was done, if anything; the error says what failed.
pub fn repair(exe: &Path) -> Result<Option<String>, String> {
    let Some(entry) = autostart_path() else {
        return Ok(None);
    };
    match repair_autostart(&entry, exe) {
        Ok(true) => Ok(Some(format!(
            "the start-at-login entry {} started a program that no longer exists; it now starts {}",
            entry.display(),
            exe.display()
        ))),
        Ok(false) => Ok(None),
        Err(e) => Err(format!(
            "cannot repair the start-at-login entry {}: {e}",
            entry.display()
        )),
    }
}

/// Writes or removes the autostart entry so it matches `enabled`.
fn apply_autostart(enabled: bool, path: &Path, exe: &Path) -> std::io::Result<()> {
    if enabled {
        let entry = format!(
            "[Desktop Entry]\nType=Application\nName=Sitwell\n\
             Comment=Webcam posture monitor\nExec=\"{}\"\nTerminal=false\n\
             X-GNOME-Autostart-enabled=true\n",
            exe.display()
        );
        files::write_atomic(path, entry.as_bytes())
    } else {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

/// Rewrites an autostart entry whose program no longer exists (a moved or cleaned build, an
/// uninstalled copy) so that it starts `exe`; returns whether it did. An entry that starts an
/// existing program, or by its bare name through `PATH`, is left alone.
fn repair_autostart(path: &Path, exe: &Path) -> std::io::Result<bool> {
    let Ok(entry) = std::fs::read_to_string(path) else {
        return Ok(false);
    };
    let command = entry
        .lines()
        .find_map(|l| l.strip_prefix("Exec="))
        .unwrap_or_default();
    if crate::platform::autostart_is_stale(command, exe) {
        apply_autostart(true, path, exe)?;
        return Ok(true);
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder of its own for one test, removed when dropped.
    fn temp_dir(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("sitwell-autostart-{name}-"))
            .tempdir()
            .expect("a temp folder")
    }

    #[test]
    fn a_stale_autostart_entry_is_repaired_and_a_good_one_left_alone() {
        let dir = temp_dir("stale");
        let entry = dir.path().join("autostart/sitwell.desktop");
        let exe = std::env::current_exe().expect("test binary");
        // Written for a build that has since been cleaned away.
        apply_autostart(
            true,
            &entry,
            &dir.path().join("gone/target/release/sitwell"),
        )
        .expect("written");
        assert_eq!(repair_autostart(&entry, &exe).ok(), Some(true));
        let repaired = std::fs::read_to_string(&entry).unwrap_or_default();
        assert!(
            repaired.contains(&format!("Exec=\"{}\"", exe.display())),
            "{repaired}"
        );
        assert_eq!(repair_autostart(&entry, &exe).ok(), Some(false));
        // An entry by name (the package's menu entry copied) and no entry at all: untouched.
        std::fs::write(&entry, "[Desktop Entry]\nExec=sitwell\n").expect("written");
        assert_eq!(repair_autostart(&entry, &exe).ok(), Some(false));
        assert_eq!(
            repair_autostart(&dir.path().join("none.desktop"), &exe).ok(),
            Some(false)
        );
        let _ = std::fs::remove_dir_all(dir.path());
    }

    #[test]
    fn autostart_entry_is_written_and_removed() {
        let dir = temp_dir("entry");
        let path = dir.path().join("autostart/sitwell.desktop");
        apply_autostart(true, &path, Path::new("/usr/bin/sitwell")).ok();
        let entry = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(entry.contains("Exec=\"/usr/bin/sitwell\""));
        apply_autostart(false, &path, Path::new("/usr/bin/sitwell")).ok();
        assert!(!path.exists());
        // Removing twice is fine.
        assert!(apply_autostart(false, &path, Path::new("/usr/bin/sitwell")).is_ok());
        let _ = std::fs::remove_dir_all(dir.path());
    }
}
