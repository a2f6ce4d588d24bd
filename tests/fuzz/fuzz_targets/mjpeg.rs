//! A recorded camera stream: split into frames and each decoded, or refused, never a crash.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    sitwell::fuzzing::mjpeg(bytes);
});
