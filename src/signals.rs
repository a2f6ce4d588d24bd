//! Ctrl-C, logout and shutdown (SIGINT, SIGTERM, SIGHUP) end a run the way Quit does: the
//! pipeline stops, the camera is released and the history is committed.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// Set by the first stop signal.
fn flag() -> &'static Arc<AtomicBool> {
    static STOP: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    STOP.get_or_init(|| Arc::new(AtomicBool::new(false)))
}

/// Routes the stop signals to [`stop_requested`] instead of killing the process.
pub fn install() {
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        if let Err(e) = signal_hook::flag::register(signal, Arc::clone(flag())) {
            tracing::warn!("cannot catch signal {signal}: {e}; it will end Sitwell at once");
        }
    }
}

/// A stop signal has arrived.
pub fn stop_requested() -> bool {
    flag().load(Ordering::SeqCst)
}
