//! Where Sitwell keeps its files (the XDG base directories) and how it writes them: whole or
//! not at all (a temporary file renamed over the old one).

use std::path::{Path, PathBuf};

fn xdg_home(var: &str, fallback_in_home: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback_in_home)))
}

/// `$XDG_CONFIG_HOME` (or `~/.config`).
pub fn config_home() -> Option<PathBuf> {
    xdg_home("XDG_CONFIG_HOME", ".config")
}

/// `$XDG_DATA_HOME/sitwell` (or `~/.local/share/sitwell`): baseline and window state.
pub fn data_dir() -> Option<PathBuf> {
    Some(xdg_home("XDG_DATA_HOME", ".local/share")?.join("sitwell"))
}

/// A file shipped with Sitwell (`relative` to the install folder): beside the executable when
/// it is there, else in this source tree (`cargo run`, tests).
pub fn bundled(relative: &Path) -> PathBuf {
    let beside_exe = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(relative)));
    match beside_exe {
        Some(path) if path.exists() => path,
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join(relative),
    }
}

/// Writes `contents` to `path` atomically, creating the folder if needed.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_creates_the_folder_and_replaces_the_file() {
        let dir = std::env::temp_dir().join(format!("sitwell-files-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("sub/state.json");
        assert!(write_atomic(&path, b"one").is_ok());
        assert!(write_atomic(&path, b"two").is_ok());
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&b"two"[..]));
        assert!(!dir.join("sub/state.json.tmp").exists());
    }
}
