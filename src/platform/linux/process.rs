//! The process on Linux: CPU time from `clock_gettime`, peak memory from `getrusage`, and
//! glibc's allocator told to keep less.
//!
//! glibc keeps memory a thread has freed for its next allocation. Loading the pose models
//! allocates and frees tens of megabytes (the model proto, constant folding, pre-packed
//! weights), which would otherwise stay resident for the whole working day.

use std::time::Duration;

/// CPU time this process has used so far (all threads), as MediaPipe's own benchmark counts it.
pub fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into the valid pointer we pass.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Peak resident set size of this process so far, in MiB.
pub fn peak_rss_mb() -> f64 {
    // SAFETY: getrusage fills the zero-initialised struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    if rc != 0 {
        return 0.0;
    }
    usage.ru_maxrss as f64 / 1024.0 // Linux reports KiB
}

/// Limits glibc to two malloc arenas (every thread otherwise gets its own, each keeping its
/// freed memory). Call once, first thing in `main`.
pub fn limit_arenas() {
    #[cfg(target_env = "gnu")]
    // SAFETY: mallopt only changes allocator tuning; M_ARENA_MAX accepts any positive value.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Returns the free pages at the top and in the middle of every malloc arena to the system.
/// Costs a few milliseconds; call after a burst of allocations (model loading) and now and then.
pub fn release_free_heap() {
    #[cfg(target_env = "gnu")]
    // SAFETY: malloc_trim is thread-safe and only releases memory malloc holds as free.
    unsafe {
        libc::malloc_trim(0);
    }
}
