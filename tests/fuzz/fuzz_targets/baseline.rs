//! The baseline file: a baseline or a reason, never a crash.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    sitwell::fuzzing::baseline(bytes);
});
