//! Keeping a program that runs all day small: hand freed heap back to the system.
//!
//! glibc keeps memory a thread has freed for its next allocation. Loading the pose models
//! allocates and frees tens of megabytes (the model proto, constant folding, pre-packed
//! weights), which would otherwise stay resident for the whole working day.

/// Limits glibc to two malloc arenas (every thread otherwise gets its own, each keeping its
/// freed memory). Call once, first thing in `main`.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; M_ARENA_MAX accepts any positive value.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Returns the free pages at the top and in the middle of every malloc arena to the system.
/// Costs a few milliseconds; call after a burst of allocations (model loading) and now and then.
pub fn release_free_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim is thread-safe and only releases memory malloc holds as free.
    unsafe {
        libc::malloc_trim(0);
    }
}
