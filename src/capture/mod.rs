//! The pipeline's first part, *capture*: frame sources behind one trait.
//!
//! The camera and the replay sources (an image, a folder of images, a video file) all yield
//! the same [`Frame`], so everything downstream — `sitwell analyze`, the tests, the live
//! monitor — runs through one code path.

pub mod camera;
pub mod images;
pub mod jpeg;
pub mod mjpeg;
#[cfg(feature = "ffmpeg")]
pub mod video;

use std::path::{Path, PathBuf};

use image::RgbImage;

/// One decoded frame.
#[derive(Debug, Clone)]
pub struct Frame {
    pub rgb: RgbImage,
    /// Seconds since the source started (a video's presentation time; camera: wall clock).
    pub t_s: f64,
    /// 0-based position in the source.
    pub index: u64,
    /// The file this frame came from, when a source spans several files.
    pub file: Option<PathBuf>,
}

/// What kind of footage a source delivers, which decides how poses are found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Independent still images: each is judged on its own.
    Stills,
    /// Consecutive frames of one scene (video, camera): the person is tracked.
    Motion,
}

/// A source of frames.
///
/// After an error, calling [`FrameSource::next_frame`] again moves on to the next frame when
/// the source can (a folder skips the unreadable file); otherwise it reports the end.
pub trait FrameSource {
    /// Human-readable name for messages (a path, a camera name).
    fn name(&self) -> &str;
    fn kind(&self) -> SourceKind;
    /// The next frame, `Ok(None)` at the end.
    fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError>;
    /// Moves on by one frame, decoding its pixels only when `wanted(t_s)` says so (`wanted`
    /// must be a pure test of the time). Sources that can skip the decoding of frames nobody
    /// analyses — intra-coded video such as MJPEG, a camera's compressed frames — do; the
    /// others decode and drop.
    fn grab(&mut self, wanted: &dyn Fn(f64) -> bool) -> Result<Option<Grabbed>, CaptureError> {
        Ok(self.next_frame()?.map(|frame| {
            if wanted(frame.t_s) {
                Grabbed::Frame(frame)
            } else {
                Grabbed::Skipped {
                    t_s: frame.t_s,
                    index: frame.index,
                }
            }
        }))
    }
    /// Whether running out of frames is the end of the footage (files, recordings) rather
    /// than a camera gone quiet, which is reopened.
    fn ends(&self) -> bool {
        true
    }
}

/// One step of [`FrameSource::grab`].
#[derive(Debug, Clone)]
pub enum Grabbed {
    /// A frame someone wants, decoded.
    Frame(Frame),
    /// A frame passed over: only its time and position.
    Skipped { t_s: f64, index: u64 },
}

impl Grabbed {
    /// The frame, if it was decoded (for sources whose `next_frame` is a `grab` of all).
    pub fn into_frame(self) -> Option<Frame> {
        match self {
            Grabbed::Frame(frame) => Some(frame),
            Grabbed::Skipped { .. } => None,
        }
    }

    pub fn t_s(&self) -> f64 {
        match self {
            Grabbed::Frame(frame) => frame.t_s,
            Grabbed::Skipped { t_s, .. } => *t_s,
        }
    }
}

/// What can go wrong getting frames.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not a readable image ({reason})")]
    BadImage { path: PathBuf, reason: String },
    #[error("{path}: not a readable video ({reason})")]
    BadVideo { path: PathBuf, reason: String },
    #[error("{path}: unsupported file type; Sitwell reads images (png, jpg, ppm) and {videos}")]
    Unsupported { path: PathBuf, videos: &'static str },
    #[error("{path}: no images in this folder")]
    EmptyDir { path: PathBuf },
    #[error("no camera found; plug one in, or check `sitwell devices`")]
    NoCamera,
    #[error(
        "camera {name} is busy: another application is using it; close that application and try again"
    )]
    CameraBusy { name: String },
    #[error("camera {name} could not be opened: {reason}")]
    CameraOpen { name: String, reason: String },
    #[error("camera {name} stopped delivering frames (unplugged?): {reason}")]
    CameraLost { name: String, reason: String },
    #[error("camera {name} sent a frame that could not be decoded ({reason}); skipping it")]
    CameraFrame { name: String, reason: String },
    #[error("the capture stopped after an internal error ({reason}); starting it again")]
    CaptureFailed { reason: String },
    #[error("the camera sent no picture for {seconds:.0} s; opening it again")]
    CameraSilent { seconds: f64 },
    /// The camera cannot be opened again yet because a read that hung still holds it.
    #[error(
        "the camera sent no picture; waiting for its last read to let it go before opening it again"
    )]
    CameraHeld,
}

/// The widest or tallest picture Sitwell decodes. Cameras give 640–3840 px; a header claiming
/// more is a broken file or a decompression bomb.
pub const MAX_SIDE_PX: u32 = 16_384;
/// The most pixels Sitwell decodes in one picture (300 MB as RGB).
pub const MAX_PIXELS: u64 = 100_000_000;

/// A picture whose claimed size is refused before anything is allocated for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SizeError {
    #[error("has no pixels ({width} × {height})")]
    Empty { width: u32, height: u32 },
    #[error(
        "claims {width} × {height} pixels, more than Sitwell decodes ({MAX_SIDE_PX} a side, \
         {} million in all)",
        MAX_PIXELS / 1_000_000
    )]
    TooLarge { width: u32, height: u32 },
}

/// Checks the size a picture's header claims, before it is decoded.
pub fn check_size(width: u32, height: u32) -> Result<(), SizeError> {
    if width == 0 || height == 0 {
        return Err(SizeError::Empty { width, height });
    }
    if width > MAX_SIDE_PX
        || height > MAX_SIDE_PX
        || u64::from(width) * u64::from(height) > MAX_PIXELS
    {
        return Err(SizeError::TooLarge { width, height });
    }
    Ok(())
}

/// File extensions read as still images.
pub const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg", "ppm", "pgm", "pnm"];
/// File extensions read as videos.
pub const VIDEO_EXTENSIONS: &[&str] = &[
    "mp4", "m4v", "mov", "mkv", "webm", "avi", "y4m", "mpg", "mpeg", "ogv",
];

const VIDEO_SUPPORT: &str = if cfg!(feature = "ffmpeg") {
    "camera recordings (mjpeg) and videos (mp4, mkv, webm, avi, mov, y4m)"
} else {
    "camera recordings (mjpeg) but no videos (this build lacks the `ffmpeg` feature)"
};

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

pub fn is_image_path(path: &Path) -> bool {
    IMAGE_EXTENSIONS.contains(&extension(path).as_str())
}

pub fn is_video_path(path: &Path) -> bool {
    VIDEO_EXTENSIONS.contains(&extension(path).as_str()) || mjpeg::is_stream_path(path)
}

/// Opens a file or folder as a frame source; a folder is played at `fps` frames per second.
pub fn open_path(path: &Path, fps: f64) -> Result<Box<dyn FrameSource>, CaptureError> {
    let meta = std::fs::metadata(path).map_err(|source| CaptureError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return Ok(Box::new(images::ImageDir::open(path, fps)?));
    }
    if is_image_path(path) {
        return Ok(Box::new(images::ImageFile::new(path)));
    }
    if mjpeg::is_stream_path(path) {
        let stream = mjpeg::MjpegStream::open(path, mjpeg::FPS, mjpeg::Timing::AsFast)?;
        return Ok(Box::new(stream));
    }
    if is_video_path(path) {
        #[cfg(feature = "ffmpeg")]
        return Ok(Box::new(video::VideoFile::open(path)?));
    }
    Err(CaptureError::Unsupported {
        path: path.to_path_buf(),
        videos: VIDEO_SUPPORT,
    })
}
