//! A camera's MJPEG frame or a JPEG file: decoded or refused with a reason, never a crash,
//! and never a picture past the size limits.
#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| {
    sitwell::fuzzing::jpeg(bytes);
});
