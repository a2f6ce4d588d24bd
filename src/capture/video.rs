//! Replay source for video files (mp4, mkv, webm, avi, y4m, ...) through FFmpeg's libraries.

use std::path::{Path, PathBuf};

use ffmpeg::format::Pixel;
use ffmpeg::software::scaling::{Context as Scaler, Flags};
use ffmpeg::util::frame::video::Video;
use ffmpeg_next as ffmpeg;

use super::{CaptureError, Frame, FrameSource, Grabbed, SourceKind};

/// Codecs whose every frame decodes on its own, so frames nobody wants need not be decoded.
const INTRA_ONLY: &[ffmpeg::codec::Id] = &[
    ffmpeg::codec::Id::MJPEG,
    ffmpeg::codec::Id::PNG,
    ffmpeg::codec::Id::RAWVIDEO,
    ffmpeg::codec::Id::PRORES,
    ffmpeg::codec::Id::FFVHUFF,
];

/// A video file decoded frame by frame to RGB, with presentation timestamps.
///
/// FFmpeg's contexts are not `Send`: create the source on the thread that reads it.
pub struct VideoFile {
    path: PathBuf,
    name: String,
    input: ffmpeg::format::context::Input,
    decoder: ffmpeg::decoder::Video,
    scaler: Option<Scaler>,
    stream_index: usize,
    /// Every frame stands alone (MJPEG and the like): unwanted packets are not decoded.
    intra_only: bool,
    time_base_s: f64,
    fallback_fps: f64,
    decoded: Video,
    next_index: u64,
    draining: bool,
    finished: bool,
}

impl VideoFile {
    pub fn open(path: &Path) -> Result<Self, CaptureError> {
        let bad = |reason: String| CaptureError::BadVideo {
            path: path.to_path_buf(),
            reason,
        };
        ffmpeg::init().map_err(|e| bad(format!("FFmpeg failed to start: {e}")))?;
        // Errors reach the user through ours; FFmpeg's own notices would only be noise.
        ffmpeg::util::log::set_level(ffmpeg::util::log::Level::Fatal);
        let input = ffmpeg::format::input(path).map_err(|e| bad(e.to_string()))?;
        let stream = input
            .streams()
            .best(ffmpeg::media::Type::Video)
            .ok_or_else(|| bad("no video stream".into()))?;
        let stream_index = stream.index();
        let time_base = stream.time_base();
        let rate = stream.avg_frame_rate();
        let context = ffmpeg::codec::context::Context::from_parameters(stream.parameters())
            .map_err(|e| bad(e.to_string()))?;
        let decoder = context.decoder().video().map_err(|e| bad(e.to_string()))?;
        // A stream whose header claims a picture past the limits is refused before a frame
        // buffer is made for it.
        super::check_size(decoder.width(), decoder.height()).map_err(|e| bad(e.to_string()))?;
        let intra_only = INTRA_ONLY.contains(&decoder.id());
        let ratio = |r: ffmpeg::Rational| {
            if r.denominator() != 0 {
                f64::from(r.numerator()) / f64::from(r.denominator())
            } else {
                0.0
            }
        };
        let fps = ratio(rate);
        Ok(Self {
            path: path.to_path_buf(),
            name: path.display().to_string(),
            input,
            decoder,
            scaler: None,
            stream_index,
            intra_only,
            time_base_s: ratio(time_base),
            fallback_fps: if fps > 0.0 { fps } else { 25.0 },
            decoded: Video::empty(),
            next_index: 0,
            draining: false,
            finished: false,
        })
    }

    fn bad(&self, reason: String) -> CaptureError {
        CaptureError::BadVideo {
            path: self.path.clone(),
            reason,
        }
    }

    /// Seconds of a presentation timestamp, or of the frame's position when there is none.
    fn time_of(&self, timestamp: Option<i64>, index: u64) -> f64 {
        match timestamp {
            Some(ts) if self.time_base_s > 0.0 => ts as f64 * self.time_base_s,
            _ => index as f64 / self.fallback_fps,
        }
    }

    /// Converts the frame in `self.decoded` to an RGB image.
    fn convert_to_rgb(&mut self) -> Result<image::RgbImage, CaptureError> {
        let (w, h, format) = (
            self.decoded.width(),
            self.decoded.height(),
            self.decoded.format(),
        );
        let rebuild = match &self.scaler {
            Some(s) => s.input().width != w || s.input().height != h || s.input().format != format,
            None => true,
        };
        if rebuild {
            // Bicubic, as OpenCV's FFmpeg reader uses (it matters only for chroma upsampling).
            let scaler = Scaler::get(format, w, h, Pixel::RGB24, w, h, Flags::BICUBIC)
                .map_err(|e| self.bad(format!("cannot convert {format:?} to RGB: {e}")))?;
            self.scaler = Some(scaler);
        }
        let mut rgb = Video::empty();
        let scaler = self.scaler.as_mut().ok_or_else(|| CaptureError::BadVideo {
            path: self.path.clone(),
            reason: "no colour converter".into(),
        })?;
        scaler
            .run(&self.decoded, &mut rgb)
            .map_err(|e| CaptureError::BadVideo {
                path: self.path.clone(),
                reason: format!("colour conversion failed: {e}"),
            })?;
        let stride = rgb.stride(0);
        let data = rgb.data(0);
        let row = w as usize * 3;
        let mut pixels = Vec::with_capacity(row * h as usize);
        for y in 0..h as usize {
            pixels.extend_from_slice(&data[y * stride..y * stride + row]);
        }
        image::RgbImage::from_raw(w, h, pixels)
            .ok_or_else(|| self.bad("frame size mismatch".into()))
    }
}

impl FrameSource for VideoFile {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Motion
    }

    fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError> {
        Ok(self.grab(&|_| true)?.and_then(Grabbed::into_frame))
    }

    fn grab(&mut self, wanted: &dyn Fn(f64) -> bool) -> Result<Option<Grabbed>, CaptureError> {
        while !self.finished {
            if self.decoder.receive_frame(&mut self.decoded).is_ok() {
                let index = self.next_index;
                self.next_index += 1;
                let t_s = self.time_of(self.decoded.timestamp(), index);
                if !wanted(t_s) {
                    return Ok(Some(Grabbed::Skipped { t_s, index }));
                }
                let rgb = self.convert_to_rgb()?;
                return Ok(Some(Grabbed::Frame(Frame {
                    rgb,
                    t_s,
                    index,
                    file: None,
                })));
            }
            if self.draining {
                self.finished = true;
                break;
            }
            let mut packet = ffmpeg::Packet::empty();
            match packet.read(&mut self.input) {
                Ok(()) if packet.stream() == self.stream_index => {
                    if self.intra_only {
                        let t_s = self.time_of(packet.pts(), self.next_index);
                        if !wanted(t_s) {
                            let index = self.next_index;
                            self.next_index += 1;
                            return Ok(Some(Grabbed::Skipped { t_s, index }));
                        }
                    }
                    if let Err(e) = self.decoder.send_packet(&packet) {
                        self.finished = true;
                        return Err(
                            self.bad(format!("corrupt data after frame {}: {e}", self.next_index))
                        );
                    }
                }
                Ok(()) => {}
                Err(ffmpeg::Error::Eof) => {
                    self.draining = true;
                    self.decoder.send_eof().ok();
                }
                Err(e) => {
                    self.finished = true;
                    return Err(
                        self.bad(format!("read failed after frame {}: {e}", self.next_index))
                    );
                }
            }
        }
        Ok(None)
    }
}
