//! Files on Linux: the user's alone means mode 0700 for folders and 0600 for files; ONNX
//! Runtime is a shared object.

use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// ONNX Runtime's library (release `version`) as it is named in an install folder, in the
/// order tried.
pub fn onnx_runtime_files(version: &str) -> Vec<String> {
    vec![
        format!("libonnxruntime.so.{version}"),
        "libonnxruntime.so".to_owned(),
    ]
}

/// Makes the folders `builder` creates the user's alone (0700).
pub fn private_folders(builder: &mut std::fs::DirBuilder) {
    builder.mode(0o700);
}

/// Makes the files `options` creates the user's alone (0600). An existing file keeps its mode.
pub fn private_files(options: &mut std::fs::OpenOptions) {
    options.mode(0o600);
}

/// Makes an existing folder (0700) or file (0600) the user's alone; a symbolic link is left
/// as it is.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    let mode = if meta.is_dir() { 0o700 } else { 0o600 };
    if meta.file_type().is_symlink() || meta.permissions().mode() & 0o777 == mode {
        return Ok(());
    }
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

/// What ONNX Runtime itself needs from the system, for the message when it does not load:
/// glibc, which every Linux desktop has.
pub const ONNX_RUNTIME_NEEDS: &str = "";

/// Where a source tree keeps its ONNX Runtime (`scripts/fetch-ort.sh`).
pub const ONNX_RUNTIME_IN_TREE: &str = "target/ort";

/// The system's install prefixes, after the executable's own: `<prefix>/share/sitwell` and
/// `<prefix>/lib/sitwell`.
pub const SYSTEM_PREFIXES: [&str; 2] = ["/usr", "/usr/local"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::{append_private, write_atomic};

    #[test]
    fn what_sitwell_writes_is_the_users_alone_and_older_files_are_tightened() {
        let mode = |p: &Path| {
            std::fs::metadata(p)
                .map(|m| m.permissions().mode() & 0o777)
                .unwrap_or(0)
        };
        let scratch = tempfile::tempdir().expect("a temp folder");
        let dir = scratch.path().to_path_buf();
        let _ = std::fs::remove_dir_all(&dir);
        let path = dir.join("sitwell/settings.toml");
        write_atomic(&path, b"x").expect("written");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.join("sitwell")), 0o700);
        let log = dir.join("sitwell/events.jsonl");
        drop(append_private(&log).expect("opened"));
        assert_eq!(mode(&log), 0o600);
        // Left by an older Sitwell: world-readable, then tightened.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).ok();
        std::fs::set_permissions(dir.join("sitwell"), std::fs::Permissions::from_mode(0o755)).ok();
        make_private(&path).expect("tightened");
        make_private(&dir.join("sitwell")).expect("tightened");
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.join("sitwell")), 0o700);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
