//! Replay sources from still images: one file, or a folder played as a sequence.

use std::path::{Path, PathBuf};

use super::{CaptureError, Frame, FrameSource, SourceKind, is_image_path, jpeg};

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
        std::panic::catch_unwind(|| image::load_from_memory(&bytes))
            .map_err(|payload| jpeg::panic_message(payload.as_ref()))
            .and_then(|result| result.map(|img| img.into_rgb8()).map_err(|e| e.to_string()))
    };
    decoded.map_err(|reason| CaptureError::BadImage {
        path: path.to_path_buf(),
        reason,
    })
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
