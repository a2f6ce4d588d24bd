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
    /// The header claims a size Sitwell does not decode (a decompression bomb, or no pixels).
    #[error("{0}")]
    Size(#[from] super::SizeError),
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
        Ok(result) => result,
        Err(payload) => Err(JpegError::Corrupt(panic_message(payload.as_ref()))),
    }
}

fn decode_unguarded(bytes: &[u8]) -> Result<image::RgbImage, JpegError> {
    let corrupt = |e: std::io::Error| JpegError::Corrupt(e.to_string());
    // Only the header is read here: the size it claims is checked before any pixel buffer.
    let header = mozjpeg::Decompress::new_mem(bytes).map_err(corrupt)?;
    super::check_size(
        u32::try_from(header.width()).unwrap_or(u32::MAX),
        u32::try_from(header.height()).unwrap_or(u32::MAX),
    )?;
    let mut started = header.rgb().map_err(corrupt)?;
    let (w, h) = (started.width() as u32, started.height() as u32);
    let pixels = started.read_scanlines::<u8>().map_err(corrupt)?;
    started.finish().map_err(corrupt)?;
    image::RgbImage::from_raw(w, h, pixels).ok_or_else(|| JpegError::Corrupt("too few rows".into()))
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

    /// `bytes` with the frame header's height and width replaced (SOF0: FF C0, length, precision,
    /// then height and width, big-endian).
    pub(crate) fn claiming(mut bytes: Vec<u8>, width: u16, height: u16) -> Vec<u8> {
        let sof = bytes
            .windows(2)
            .position(|w| w == [0xff, 0xc0])
            .expect("a baseline frame header");
        bytes[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        bytes[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        bytes
    }

    #[test]
    fn a_header_claiming_a_huge_or_empty_picture_is_refused_before_decoding() {
        // 60 000 × 60 000 would be 10.8 GB of RGB.
        let bomb = claiming(good(), 60_000, 60_000);
        assert_eq!(
            decode(&bomb).map(|i| i.dimensions()),
            Err(JpegError::Size(super::super::SizeError::TooLarge {
                width: 60_000,
                height: 60_000
            }))
        );
        // Under the side limit but past the pixel count: 16 000 × 16 000 = 256 Mpx.
        assert!(matches!(
            decode(&claiming(good(), 16_000, 16_000)),
            Err(JpegError::Size(_))
        ));
        // No rows at all: refused with a reason (libjpeg's own or ours), never an unwind.
        assert!(decode(&claiming(good(), 64, 0)).is_err());
        assert!(decode(&claiming(good(), 0, 48)).is_err());
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
