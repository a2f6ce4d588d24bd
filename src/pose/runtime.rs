//! Finding and loading ONNX Runtime, and making inference sessions with Sitwell's settings.
//!
//! ONNX Runtime is loaded at run time (ort's `load-dynamic`), never linked. The library is
//! looked for, in order: `$ORT_DYLIB_PATH`; then in the install folders
//! ([`crate::files::install_dirs`]): `../lib/sitwell` from the executable, beside it, the
//! system's `/usr/lib/sitwell`, and a source tree's `target/ort/` (from
//! `scripts/fetch-ort.sh`).

use std::path::PathBuf;
use std::sync::OnceLock;

use ort::environment::Environment;
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;

use super::PoseError;

/// The ONNX Runtime release Sitwell is built and tested against.
pub const ORT_VERSION: &str = "1.31.1";
/// Environment variable naming an explicit library file.
pub const ORT_PATH_VAR: &str = "ORT_DYLIB_PATH";

const HOW_TO_GET: &str = "reinstall Sitwell, run scripts/fetch-ort.sh in the Sitwell \
source folder, or set ORT_DYLIB_PATH to the library's file (libonnxruntime.so.1.31.1 on Linux, \
onnxruntime.dll on Windows)";

/// Where ONNX Runtime is looked for when `$ORT_DYLIB_PATH` is not set, in order.
pub fn library_candidates() -> Vec<PathBuf> {
    let files = crate::platform::files::onnx_runtime_files(ORT_VERSION);
    crate::files::install_dirs("lib")
        .into_iter()
        .flat_map(|dir| files.iter().map(|f| dir.join(f)).collect::<Vec<_>>())
        .collect()
}

/// Finds the ONNX Runtime library. An explicit `$ORT_DYLIB_PATH` that does not exist is an
/// error rather than silently skipped.
pub fn find_library() -> Result<PathBuf, PoseError> {
    if let Some(explicit) = std::env::var_os(ORT_PATH_VAR) {
        let path = PathBuf::from(explicit);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(PoseError::Runtime(format!(
                "{ORT_PATH_VAR} is set to {}, which is not a file; {HOW_TO_GET}",
                path.display()
            )))
        };
    }
    let candidates = library_candidates();
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| {
            let looked: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
            PoseError::Runtime(format!(
                "ONNX Runtime {ORT_VERSION} was not found (looked in {}); {HOW_TO_GET}",
                looked.join(", ")
            ))
        })
}

/// The process-wide ONNX Runtime environment, loaded on first use.
pub fn environment() -> Result<&'static Environment, PoseError> {
    static ENV: OnceLock<Result<Environment, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let path = find_library().map_err(|e| e.to_string())?;
        let builder = ort::init_from(&path).map_err(|e| {
            format!(
                "could not load ONNX Runtime from {}: {e}; Sitwell needs ONNX Runtime {ORT_VERSION}{} ({HOW_TO_GET})",
                path.display(),
                crate::platform::files::ONNX_RUNTIME_NEEDS,
            )
        })?;
        // Microsoft's builds (the PyPI wheels Sitwell ships) report usage through the OS's
        // telemetry on Windows: Sitwell promises to send nothing, so it is turned off.
        builder
            .with_name("sitwell")
            .with_telemetry(false)
            .build()
            .map_err(|e| format!("could not start ONNX Runtime: {e}"))
    })
    .as_ref()
    .map_err(|e| PoseError::Runtime(e.clone()))
}

/// A CPU session for a model held in memory: one intra-op thread, no spin-waiting (on a
/// 2-core laptop, spinning doubles CPU for nothing), all graph optimisations, no memory arena.
pub fn session_from_bytes(model: &[u8], name: &str) -> Result<Session, PoseError> {
    let env = environment()?;
    let build = || -> ort::Result<Session> {
        let session = Session::builder(env)?
            .with_intra_threads(1)?
            .with_inter_threads(1)?
            .with_intra_op_spinning(false)?
            .with_inter_op_spinning(false)?
            .with_optimization_level(GraphOptimizationLevel::All)?
            // Plain allocations instead of an arena that keeps its peak: Sitwell runs all day
            // beside other apps, and these models are small enough that it costs no speed.
            .with_memory_pattern(false)?
            .with_execution_providers([ort::ep::CPU::default()
                .with_arena_allocator(false)
                .build()])?
            .commit_from_memory(model)?;
        Ok(session)
    };
    build().map_err(|e| PoseError::ModelLoad {
        name: name.to_owned(),
        reason: e.to_string(),
    })
}
