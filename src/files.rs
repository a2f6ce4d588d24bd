//! Where Sitwell keeps its files (the OS's folders for settings and data, through the
//! `directories` crate) and how it writes them: the user's alone (on Linux folders 0700, files
//! 0600; see [`crate::platform::files`]), and whole or not at all (a temporary file renamed
//! over the old one).

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::platform;

/// `$XDG_CONFIG_HOME` (or `~/.config`); on Windows `%APPDATA%` (roaming, as settings are).
/// Read afresh each time (the tests move `HOME`).
pub fn config_home() -> Option<PathBuf> {
    Some(directories::BaseDirs::new()?.config_dir().to_path_buf())
}

/// `$XDG_CONFIG_HOME/sitwell` (or `~/.config/sitwell`): the settings.
pub fn config_dir() -> Option<PathBuf> {
    Some(config_home()?.join("sitwell"))
}

/// `$XDG_DATA_HOME/sitwell` (or `~/.local/share/sitwell`); on Windows
/// `%LOCALAPPDATA%\sitwell` (this machine's: the baseline belongs to this desk and camera):
/// baseline, history, window state.
pub fn data_dir() -> Option<PathBuf> {
    Some(
        directories::BaseDirs::new()?
            .data_local_dir()
            .join("sitwell"),
    )
}

/// Creates `dir` and any missing parents; those made here are the user's alone (0700).
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    platform::files::private_folders(&mut builder);
    builder.create(dir)
}

/// Creates the folder a file at `path` goes in (private, as [`create_private_dir`]).
fn create_parent(path: &Path) -> std::io::Result<()> {
    match path.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => create_private_dir(dir),
        None => Ok(()),
    }
}

/// Options that create a file the user's alone (0600). An existing file keeps its mode.
fn private_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    platform::files::private_files(&mut options);
    options
}

/// Opens `path` to be written from the start (created 0600, emptied if it exists).
pub fn create_private(path: &Path) -> std::io::Result<File> {
    private_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)
}

/// Opens `path` to be appended to (created 0600 if missing).
pub fn append_private(path: &Path) -> std::io::Result<File> {
    private_options().create(true).append(true).open(path)
}

/// Opens `path` to read and write without emptying it (created 0600 if missing): a lock file.
pub fn open_private(path: &Path) -> std::io::Result<File> {
    private_options()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// Saves a picture as PNG, the user's alone (0600): what Sitwell saves of a camera's frame
/// (`analyze --annotate`) or of its own window, only ever when asked.
pub fn save_png<P, C>(image: &image::ImageBuffer<P, C>, path: &Path) -> image::ImageResult<()>
where
    P: image::PixelWithColorType,
    [P::Subpixel]: image::EncodableLayout,
    C: std::ops::Deref<Target = [P::Subpixel]>,
{
    let file = create_private(path).map_err(image::ImageError::IoError)?;
    let mut out = std::io::BufWriter::new(file);
    image.write_to(&mut out, image::ImageFormat::Png)?;
    std::io::Write::flush(&mut out).map_err(image::ImageError::IoError)
}

/// Makes an existing folder (0700) or file (0600) the user's alone.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    platform::files::make_private(path)
}

/// Sitwell's own folders (config and data) and the files directly in them, as an older Sitwell
/// may have left them (0755 folders, 0644 files), made the user's alone. Returns what could
/// not be changed, for a warning.
pub fn tighten_private_files() -> Vec<String> {
    let mut problems = Vec::new();
    for dir in [config_dir(), data_dir()].into_iter().flatten() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let paths = std::iter::once(dir.clone())
            .chain(entries.flatten().map(|e| e.path()).filter(|p| p.is_file()));
        for path in paths {
            if let Err(e) = make_private(&path) {
                problems.push(format!("cannot make {} private: {e}", path.display()));
            }
        }
    }
    problems
}

/// Environment variable naming a folder laid out like an installed `share/sitwell` (its
/// `models/` and `assets/`): a source tree is one.
pub const DATA_DIR_VAR: &str = "SITWELL_DATA_DIR";

/// The folders that may hold what ships with Sitwell, in the order they are tried. `sub` is
/// `"share"` for data (models, the demo clip) or `"lib"` for ONNX Runtime.
///
/// All are found from the running executable, never from a path compiled in, so an install
/// works wherever it is unpacked: first the source tree a `cargo` build runs from
/// (`<tree>/target/<profile>/sitwell`, or a test binary one level deeper, recognised by its
/// `Cargo.toml` and `models/`), so that a build from source never loads an installed copy's
/// models or ONNX Runtime; then the installed layout (`<prefix>/bin/sitwell` beside
/// `<prefix>/lib/sitwell` and `<prefix>/share/sitwell`: the Debian package and the portable
/// archive), the folder of the executable itself, and the system's (`/usr`, `/usr/local`).
pub fn install_dirs(sub: &str) -> Vec<PathBuf> {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf));
    let mut dirs = Vec::new();
    if let Some(tree) = exe_dir.as_deref().and_then(source_tree) {
        dirs.push(if sub == "lib" {
            tree.join(platform::files::ONNX_RUNTIME_IN_TREE)
        } else {
            tree
        });
    }
    if let Some(bin) = &exe_dir {
        if let Some(prefix) = bin.parent() {
            dirs.push(prefix.join(sub).join("sitwell"));
        }
        dirs.push(bin.clone());
    }
    for prefix in platform::files::SYSTEM_PREFIXES {
        dirs.push(Path::new(prefix).join(sub).join("sitwell"));
    }
    dirs
}

/// The source tree of a `cargo` build the executable belongs to, if it is one: `target/debug`,
/// a test binary's `target/debug/deps`, or a cross build's `target/windows/<target>/debug/deps`.
fn source_tree(exe_dir: &Path) -> Option<PathBuf> {
    exe_dir
        .ancestors()
        .skip(1)
        .take(5)
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

/// Writes `contents` to `path` atomically and privately (0600), creating the folder (0700)
/// if needed.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    create_parent(path)?;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut file = create_private(&tmp)?;
    // A temporary file left by a crash may have had another mode.
    make_private(&tmp)?;
    file.write_all(contents)?;
    file.sync_all()?;
    drop(file);
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
        // A test binary (target/debug/deps/…) finds this tree by walking up from itself, and
        // looks there first: an installed package never shadows the checkout.
        // (Compared as the OS resolves them: a Windows build under Wine sees this tree as
        // Z:\work\… while Cargo wrote its Linux path.)
        let same = |a: &Path, b: &Path| {
            std::fs::canonicalize(a)
                .ok()
                .is_some_and(|a| std::fs::canonicalize(b).ok() == Some(a))
        };
        let tree = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(
            share.first().is_some_and(|first| same(first, tree)),
            "{share:?}"
        );
        assert_eq!(share.get(1), Some(&prefix.join("share").join("sitwell")));
        for system in platform::files::SYSTEM_PREFIXES {
            assert!(share.contains(&Path::new(system).join("share").join("sitwell")));
        }
        let lib = install_dirs("lib");
        let ort = lib.first().expect("a folder for ONNX Runtime");
        assert!(
            ort.ends_with(platform::files::ONNX_RUNTIME_IN_TREE),
            "{ort:?}"
        );
        assert!(same(
            &share[0],
            ort.parent().and_then(Path::parent).expect("in the tree")
        ));
        assert!(bundled(Path::new("models/pose_detection.onnx")).is_file());
        // The installed layout: bin/sitwell finds share/sitwell and lib/sitwell beside bin/.
        assert_eq!(source_tree(Path::new("/opt/sitwell/bin")), None);
    }

    #[test]
    fn atomic_write_creates_the_folder_and_replaces_the_file() {
        let scratch = tempfile::tempdir().expect("a temp folder");
        let dir = scratch.path().to_path_buf();
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("sub/state.json");
        assert!(write_atomic(&path, b"one").is_ok());
        assert!(write_atomic(&path, b"two").is_ok());
        assert_eq!(std::fs::read(&path).ok().as_deref(), Some(&b"two"[..]));
        assert!(!dir.join("sub/state.json.tmp").exists());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
