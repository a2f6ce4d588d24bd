//! Stop requests on Linux: Ctrl-C, logout and shutdown (SIGINT, SIGTERM, SIGHUP) set a flag
//! instead of killing the process, so a run ends the way Quit does.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// Set by the first stop signal.
fn flag() -> &'static Arc<AtomicBool> {
    static STOP: OnceLock<Arc<AtomicBool>> = OnceLock::new();
    STOP.get_or_init(|| Arc::new(AtomicBool::new(false)))
}

/// Routes the stop signals to [`requested`] instead of killing the process.
pub fn install() {
    for signal in [SIGINT, SIGTERM, SIGHUP] {
        if let Err(e) = signal_hook::flag::register(signal, Arc::clone(flag())) {
            tracing::warn!("cannot catch signal {signal}: {e}; it will end Sitwell at once");
        }
    }
}

/// A stop signal has arrived.
pub fn requested() -> bool {
    flag().load(Ordering::SeqCst)
}
