//! Where Sitwell keeps its files (the XDG base directories) and how it writes them: whole or
//! not at all (a temporary file renamed over the old one).

use std::path::{Path, PathBuf};

/// `$XDG_CONFIG_HOME` (or `~/.config`). Read afresh each time (the tests move `HOME`).
pub fn config_home() -> Option<PathBuf> {
    Some(directories::BaseDirs::new()?.config_dir().to_path_buf())
}

/// `$XDG_DATA_HOME/sitwell` (or `~/.local/share/sitwell`): baseline and window state.
pub fn data_dir() -> Option<PathBuf> {
    Some(directories::BaseDirs::new()?.data_dir().join("sitwell"))
}

/// Environment variable naming a folder laid out like an installed `share/sitwell` (its
/// `models/` and `assets/`): a source tree is one.
pub const DATA_DIR_VAR: &str = "SITWELL_DATA_DIR";

/// The folders that may hold what ships with Sitwell, in the order they are tried. `sub` is
/// `"share"` for data (models, the demo clip) or `"lib"` for ONNX Runtime.
///
/// All are found from the running executable, never from a path compiled in, so an install
/// works wherever it is unpacked: the installed layout (`<prefix>/bin/sitwell` beside
/// `<prefix>/lib/sitwell` and `<prefix>/share/sitwell`: the Debian package and the portable
/// archive), the folder of the executable itself, the system's (`/usr`, `/usr/local`), and
/// last the source tree a `cargo` build runs from (`<tree>/target/<profile>/sitwell`, or a
/// test binary one level deeper), recognised by its `Cargo.toml` and `models/`.
pub fn install_dirs(sub: &str) -> Vec<PathBuf> {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf));
    let mut dirs = Vec::new();
    if let Some(bin) = &exe_dir {
        if let Some(prefix) = bin.parent() {
            dirs.push(prefix.join(sub).join("sitwell"));
        }
        dirs.push(bin.clone());
    }
    for prefix in ["/usr", "/usr/local"] {
        dirs.push(Path::new(prefix).join(sub).join("sitwell"));
    }
    if let Some(tree) = exe_dir.as_deref().and_then(source_tree) {
        dirs.push(if sub == "lib" {
            tree.join("target/ort")
        } else {
            tree
        });
    }
    dirs
}

/// The source tree of a `cargo` build the executable belongs to, if it is one.
fn source_tree(exe_dir: &Path) -> Option<PathBuf> {
    exe_dir
        .ancestors()
        .skip(1)
        .take(3)
        .find(|dir| dir.join("Cargo.toml").is_file() && dir.join("models").is_dir())
        .map(Path::to_path_buf)
}

/// A file shipped with Sitwell (`relative` to `share/sitwell`: `models/…`, `assets/…`):
/// in `$SITWELL_DATA_DIR` when set, else the first of [`install_dirs`] that has it. When none
/// has it, the installed place it should be in (for the message that says it is missing).
pub fn bundled(relative: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os(DATA_DIR_VAR) {
        return PathBuf::from(dir).join(relative);
    }
    let candidates: Vec<PathBuf> = install_dirs("share")
        .into_iter()
        .map(|dir| dir.join(relative))
        .collect();
    candidates
        .iter()
        .find(|path| path.exists())
        .or(candidates.first())
        .cloned()
        .unwrap_or_else(|| relative.to_path_buf())
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
    fn shipped_files_are_looked_for_from_the_executable_and_never_a_compiled_in_path() {
        let exe = std::env::current_exe().expect("test binary");
        let prefix = exe.parent().and_then(Path::parent).expect("two levels up");
        let share = install_dirs("share");
        assert_eq!(share.first(), Some(&prefix.join("share/sitwell")));
        assert!(share.contains(&PathBuf::from("/usr/share/sitwell")));
        // A test binary (target/debug/deps/…) finds this tree by walking up from itself.
        let tree = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert_eq!(share.last().map(PathBuf::as_path), Some(tree));
        assert_eq!(install_dirs("lib").last(), Some(&tree.join("target/ort")));
        assert!(bundled(Path::new("models/pose_detection.onnx")).is_file());
        // The installed layout: bin/sitwell finds share/sitwell and lib/sitwell beside bin/.
        assert_eq!(source_tree(Path::new("/opt/sitwell/bin")), None);
    }

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
