//! The settings file: read leniently, and a save into it keeps it readable, never a crash.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    sitwell::fuzzing::settings(bytes);
});
