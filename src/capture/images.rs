//! Replay sources from still images: one file, or a folder played as a sequence.

use std::path::{Path, PathBuf};

use super::{
    CaptureError, Frame, FrameSource, MAX_PIXELS, MAX_SIDE_PX, SourceKind, check_size,
    is_image_path, jpeg,
};

/// Decodes an image file to RGB, naming the file in any error. JPEGs go through
/// [`jpeg::decode`]; other formats are recognised by content, not by extension. A decoder
/// that fails in any way (even by panicking) is a [`CaptureError::BadImage`], never the end of
/// the run.
pub fn read_rgb(path: &Path) -> Result<image::RgbImage, CaptureError> {
    let bytes = std::fs::read(path).map_err(|source| CaptureError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let decoded = if bytes.starts_with(&[0xff, 0xd8]) {
        jpeg::decode(&bytes).map_err(|e| e.to_string())
    } else {
        std::panic::catch_unwind(|| decode_other(&bytes))
            .map_err(|payload| jpeg::panic_message(payload.as_ref()))
            .and_then(|result| result)
    };
    decoded.map_err(|reason| CaptureError::BadImage {
        path: path.to_path_buf(),
        reason,
    })
}

/// PNG and PNM through the `image` crate: the header's size is checked first, and the
/// decoder runs within the same limits.
fn decode_other(bytes: &[u8]) -> Result<image::RgbImage, String> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| e.to_string())
    };
    let (width, height) = reader()?.into_dimensions().map_err(|e| e.to_string())?;
    check_size(width, height).map_err(|e| e.to_string())?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    // Room for the decoded picture at 16 bits per channel with alpha, and its RGB copy.
    limits.max_alloc = Some(MAX_PIXELS * 11);
    let mut reader = reader()?;
    reader.limits(limits);
    let picture = reader.decode().map_err(|e| e.to_string())?;
    Ok(picture.into_rgb8())
}

/// A single still image: one frame at t = 0.
pub struct ImageFile {
    path: PathBuf,
    name: String,
    done: bool,
}

impl ImageFile {
    pub fn new(path: &Path) -> Self {
        Self {
            path: path.to_path_buf(),
            name: path.display().to_string(),
            done: false,
        }
    }
}

impl FrameSource for ImageFile {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Stills
    }

    fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError> {
        if std::mem::replace(&mut self.done, true) {
            return Ok(None);
        }
        Ok(Some(Frame {
            rgb: read_rgb(&self.path)?,
            t_s: 0.0,
            index: 0,
            file: Some(self.path.clone()),
        }))
    }
}

/// The images of a folder in name order, frame `i` at `i / fps` seconds. An unreadable image
/// is reported and skipped; the rest still play.
pub struct ImageDir {
    name: String,
    files: Vec<PathBuf>,
    next: usize,
    fps: f64,
}

impl ImageDir {
    pub fn open(dir: &Path, fps: f64) -> Result<Self, CaptureError> {
        let entries = std::fs::read_dir(dir).map_err(|source| CaptureError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && is_image_path(p))
            .collect();
        if files.is_empty() {
            return Err(CaptureError::EmptyDir {
                path: dir.to_path_buf(),
            });
        }
        files.sort();
        Ok(Self {
            name: dir.display().to_string(),
            files,
            next: 0,
            fps: if fps > 0.0 { fps } else { 1.0 },
        })
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl FrameSource for ImageDir {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Stills
    }

    fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError> {
        let Some(path) = self.files.get(self.next).cloned() else {
            return Ok(None);
        };
        let index = self.next;
        self.next += 1;
        Ok(Some(Frame {
            rgb: read_rgb(&path)?,
            t_s: index as f64 / self.fps,
            index: index as u64,
            file: Some(path),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file ending in `name` holding `bytes`, removed when dropped.
    fn temp_file(name: &str, bytes: &[u8]) -> tempfile::TempPath {
        let mut file = tempfile::Builder::new()
            .prefix("sitwell-images-")
            .suffix(name)
            .tempfile()
            .expect("a temp file");
        std::io::Write::write_all(&mut file, bytes).expect("written");
        file.into_temp_path()
    }

    /// The CRC-32 of PNG chunks (ISO 3309), to keep a patched header valid.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    /// A real PNG whose header then claims `width` × `height` (its CRC made right again).
    fn png_claiming(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = Vec::new();
        image::RgbImage::new(8, 8)
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .expect("encoded");
        // Signature (8), length (4), "IHDR" (4), width, height, 5 more bytes, CRC.
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    #[test]
    fn png_and_pnm_headers_claiming_huge_pictures_are_refused_by_size() {
        let ok = temp_file("ok.png", &png_claiming(8, 8));
        assert_eq!(read_rgb(&ok).map(|i| i.dimensions()).ok(), Some((8, 8)));
        for (name, bytes) in [
            ("bomb.png", png_claiming(60_000, 60_000)),
            ("bomb.ppm", b"P6\n60000 60000\n255\n\0\0\0".to_vec()),
        ] {
            let path = temp_file(name, &bytes);
            let message = read_rgb(&path).map(|_| ()).unwrap_err().to_string();
            assert!(
                message.contains(name) && message.contains("claims 60000 × 60000 pixels"),
                "{message}"
            );
        }
        for (name, bytes) in [
            ("empty.ppm", b"P6\n0 0\n255\n".to_vec()),
            ("empty.png", png_claiming(0, 8)),
        ] {
            let path = temp_file(name, &bytes);
            assert!(read_rgb(&path).is_err(), "{name} decoded");
        }
    }
}
