//! The process on Windows: CPU time from `GetProcessTimes`, peak memory (the working set's
//! peak, Windows' resident set) from `GetProcessMemoryInfo`.

use std::time::Duration;

use windows_sys::Win32::Foundation::FILETIME;
use windows_sys::Win32::System::ProcessStatus::{GetProcessMemoryInfo, PROCESS_MEMORY_COUNTERS};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, GetProcessTimes};

/// CPU time this process has used so far (all threads, user and kernel).
pub fn cpu_time() -> Duration {
    let zero = FILETIME {
        dwLowDateTime: 0,
        dwHighDateTime: 0,
    };
    let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
    // SAFETY: GetProcessTimes writes four FILETIMEs into the valid pointers we pass; the
    // pseudo-handle of the current process needs no closing.
    let ok = unsafe {
        GetProcessTimes(
            GetCurrentProcess(),
            &mut created,
            &mut exited,
            &mut kernel,
            &mut user,
        )
    };
    if ok == 0 {
        return Duration::ZERO;
    }
    // FILETIME counts 100 ns ticks.
    let ticks = |t: FILETIME| (u64::from(t.dwHighDateTime) << 32) | u64::from(t.dwLowDateTime);
    Duration::from_nanos((ticks(kernel) + ticks(user)).saturating_mul(100))
}

/// Peak working set of this process so far, in MiB.
pub fn peak_rss_mb() -> f64 {
    let size = std::mem::size_of::<PROCESS_MEMORY_COUNTERS>() as u32;
    // SAFETY: a zeroed PROCESS_MEMORY_COUNTERS is a valid value (plain integers).
    let mut counters: PROCESS_MEMORY_COUNTERS = unsafe { std::mem::zeroed() };
    counters.cb = size;
    // SAFETY: GetProcessMemoryInfo fills the struct we own, of the size we say.
    let ok = unsafe { GetProcessMemoryInfo(GetCurrentProcess(), &mut counters, size) };
    if ok == 0 {
        return 0.0;
    }
    counters.PeakWorkingSetSize as f64 / (1024.0 * 1024.0)
}

/// Nothing to limit: the Windows heap is one per process, not one arena per thread.
pub fn limit_arenas() {}

/// Nothing to do: the Windows heap gives free pages back to the system by itself
/// (decommitting free blocks above its threshold).
pub fn release_free_heap() {}
