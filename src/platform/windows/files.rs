//! Files on Windows. Sitwell's folders are in the user's profile (`%APPDATA%`,
//! `%LOCALAPPDATA%`), whose access list already admits only the user (and SYSTEM and the
//! administrators, as for every file of the profile); what Sitwell creates there inherits it,
//! so nothing needs tightening. ONNX Runtime is a DLL beside `sitwell.exe`.

use std::path::Path;

/// ONNX Runtime's library (release `version`, checked when it loads) as it is named in an
/// install folder. Always loaded by full path: Windows carries an old `onnxruntime.dll` in
/// `System32` that a load by bare name could pick up.
pub fn onnx_runtime_files(_version: &str) -> Vec<String> {
    vec!["onnxruntime.dll".to_owned()]
}

/// What ONNX Runtime itself needs from the system, for the message when it does not load.
pub const ONNX_RUNTIME_NEEDS: &str = " (on Windows it needs the Microsoft Visual C++ 2015-2022 \
runtime, x64: https://aka.ms/vs/17/release/vc_redist.x64.exe)";

/// Folders made in the profile inherit its user-only access list: nothing to add.
pub fn private_folders(_builder: &mut std::fs::DirBuilder) {}

/// Files made in the profile inherit its user-only access list: nothing to add.
pub fn private_files(_options: &mut std::fs::OpenOptions) {}

/// Files in the profile are the user's already (see the module doc); checks that `path` exists.
pub fn make_private(path: &Path) -> std::io::Result<()> {
    std::fs::symlink_metadata(path).map(|_| ())
}

/// Where a source tree keeps the Windows ONNX Runtime (`scripts/windows/toolchain.sh`).
pub const ONNX_RUNTIME_IN_TREE: &str = "target/ort-windows";

/// No system-wide install prefixes: Sitwell is installed per user, its files beside the exe.
pub const SYSTEM_PREFIXES: [&str; 0] = [];
