//! What the fuzz targets in `tests/fuzz` run on each input, kept in the library so that the
//! ordinary tests replay the fuzzers' corpus and every crash they found through the same code
//! (`tests/fuzz_corpus.rs`). Each function either accepts its input or refuses it with a
//! reason; a panic here is a bug.

use std::path::Path;

use crate::capture::{self, MAX_PIXELS, MAX_SIDE_PX};
use crate::config::{self, Settings};

/// A JPEG (a camera's frame, a photo): decoded within the size limits, or refused.
pub fn jpeg(bytes: &[u8]) {
    if let Ok(picture) = capture::jpeg::decode(bytes) {
        let (w, h) = picture.dimensions();
        assert!(w > 0 && h > 0 && w <= MAX_SIDE_PX && h <= MAX_SIDE_PX);
        assert!(u64::from(w) * u64::from(h) <= MAX_PIXELS);
    }
}

/// A recorded camera stream: split into frames, each decoded or refused.
pub fn mjpeg(bytes: &[u8]) {
    let mut reader = std::io::Cursor::new(bytes);
    let mut first: Option<Vec<u64>> = None;
    for chunk in [7, 1 << 20] {
        let Ok(starts) = capture::mjpeg::frame_starts(&mut reader, chunk) else {
            return;
        };
        // Where the reading chunks end changes nothing.
        assert_eq!(first.get_or_insert_with(|| starts.clone()), &starts);
        // Every start is a start-of-image marker, in order.
        assert!(starts.windows(2).all(|w| w[0] < w[1]));
        for (i, &start) in starts.iter().enumerate() {
            let start = start as usize;
            assert_eq!(bytes.get(start..start + 2), Some(&[0xff, 0xd8][..]));
            let end = starts.get(i + 1).map_or(bytes.len(), |&e| e as usize);
            jpeg(&bytes[start..end]);
        }
    }
}

/// A settings file: read leniently; a save into a file that reads as TOML keeps it readable,
/// with the saved values read back and every other setting as it was.
pub fn settings(bytes: &[u8]) {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let path = Path::new("settings.toml");
    let before = config::file::parse(text, path).settings;
    let after = Settings {
        dwell_s: if before.dwell_s == 123.0 {
            124.0
        } else {
            123.0
        },
        camera: format!("{}\"x", before.camera),
        ..before.clone()
    };
    if let Ok(edited) = config::file::edit(text, path, &before, &after) {
        let again = config::file::parse(&edited, path);
        assert_eq!(again.settings, after, "{edited}");
    }
}

/// A baseline file: a baseline or a reason.
pub fn baseline(bytes: &[u8]) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = crate::posture::Baseline::parse(text, Path::new("baseline.json"));
    }
}
