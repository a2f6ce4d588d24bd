//! JPEG decoding that never takes a run down: libjpeg-turbo (as mozjpeg) with its fatal
//! errors contained and truncated data refused.
//!
//! The mozjpeg crate reports libjpeg's fatal errors by unwinding (`resume_unwind`, which skips
//! the panic hook, so nothing is even printed) and asks its callers to catch that. libjpeg also
//! decodes a cut-off file without complaint, filling the missing rows with grey: a webcam frame
//! that lost a USB packet would be judged as a person half hidden. Both become a [`JpegError`].

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Why a JPEG could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JpegError {
    #[error("not a JPEG (no start-of-image marker)")]
    NotJpeg,
    #[error("truncated JPEG (no end-of-image marker)")]
    Truncated,
    #[error("corrupt JPEG ({0})")]
    Corrupt(String),
}

/// How far before the end of the data (not counting zero padding) the end-of-image marker may
/// sit: encoders and cameras leave a few stray bytes after it.
const EOI_SLACK: usize = 1024;

/// Decodes a JPEG with libjpeg-turbo's decoder, the decoder OpenCV and most webcam stacks use,
/// so that pixels — and keypoints — match theirs exactly.
pub fn decode(bytes: &[u8]) -> Result<image::RgbImage, JpegError> {
    if !bytes.starts_with(&[0xff, 0xd8]) {
        return Err(JpegError::NotJpeg);
    }
    // Some webcams hand over their whole buffer, the frame followed by zeros.
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    let tail = &bytes[end.saturating_sub(EOI_SLACK)..end];
    if !tail.windows(2).any(|w| w == [0xff, 0xd9]) {
        return Err(JpegError::Truncated);
    }
    match catch_unwind(AssertUnwindSafe(|| decode_unguarded(bytes))) {
        Ok(result) => result.map_err(|e| JpegError::Corrupt(e.to_string())),
        Err(payload) => Err(JpegError::Corrupt(panic_message(payload.as_ref()))),
    }
}

fn decode_unguarded(bytes: &[u8]) -> std::io::Result<image::RgbImage> {
    let mut started = mozjpeg::Decompress::new_mem(bytes)?.rgb()?;
    let (w, h) = (started.width() as u32, started.height() as u32);
    let pixels = started.read_scanlines::<u8>()?;
    started.finish()?;
    image::RgbImage::from_raw(w, h, pixels)
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "too few rows"))
}

/// The text a panic or an unwinding decoder carried (libjpeg's own message for mozjpeg).
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("the decoder failed");
    text.strip_prefix("libjpeg fatal error: ")
        .unwrap_or(text)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Vec<u8> {
        let mut bytes = Vec::new();
        let img =
            image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8 * 4, y as u8 * 5, 90]));
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 85)
            .encode_image(&img)
            .expect("encoded");
        bytes
    }

    #[test]
    fn a_good_jpeg_decodes_and_padding_after_it_is_fine() {
        let mut bytes = good();
        assert_eq!(decode(&bytes).map(|i| i.dimensions()), Ok((64, 48)));
        bytes.extend([0u8; 300]);
        assert_eq!(decode(&bytes).map(|i| i.dimensions()), Ok((64, 48)));
        // A whole camera buffer: the frame, then zeros to its end.
        bytes.extend(vec![0u8; 200_000]);
        assert_eq!(decode(&bytes).map(|i| i.dimensions()), Ok((64, 48)));
    }

    #[test]
    fn truncated_garbled_and_foreign_data_are_errors_not_unwinds() {
        let bytes = good();
        assert_eq!(decode(&bytes[..bytes.len() / 2]), Err(JpegError::Truncated));
        assert_eq!(decode(b"GIF89a"), Err(JpegError::NotJpeg));
        // A frame whose header is broken (the first marker after SOI destroyed) and one whose
        // image data was overwritten: libjpeg's fatal error comes back as a message.
        let mut header = bytes.clone();
        header[2..40].fill(0x00);
        let Err(JpegError::Corrupt(why)) = decode(&header) else {
            panic!("a broken header decoded");
        };
        assert!(!why.is_empty());
        let mut garbled = bytes.clone();
        let sos = garbled
            .windows(2)
            .position(|w| w == [0xff, 0xda])
            .expect("a scan");
        let end = garbled.len() - 2;
        for (i, b) in garbled[sos + 2..end].iter_mut().enumerate() {
            *b = if i % 3 == 0 { 0xff } else { (i * 37) as u8 };
        }
        // Either refused or decoded to the full size: never an unwind out of here.
        if let Ok(img) = decode(&garbled) {
            assert_eq!(img.dimensions(), (64, 48));
        }
    }
}
