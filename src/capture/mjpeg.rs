//! A recorded camera: a `.mjpeg` file (raw concatenated JPEG frames, as `ffmpeg -f mjpeg`
//! or a webcam's MJPEG stream gives them) played the way the camera delivered it.
//!
//! Its frames go through the camera's own decoder ([`super::camera::decode_frame`]) and, played on
//! the wall clock, arrive like a camera's: one every 1/fps seconds, the ones nobody was ready
//! for lost, and after a release and a reopen the stream goes on at the frame the clock has
//! reached, as a camera shows the present. The live pipeline treats it as a camera (released
//! while paused or away, reopened with backoff); `sitwell analyze` plays it frame by frame.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use nokhwa::Buffer;
use nokhwa::utils::{FrameFormat, Resolution};

use super::camera::decode_frame;
use super::{CaptureError, Frame, FrameSource, Grabbed, SourceKind};

/// The frame rate a recording is played at: raw MJPEG carries no timestamps, and 30 fps is
/// what webcams (and `ffmpeg -f mjpeg` from them) deliver.
pub const FPS: f64 = 30.0;

/// The largest frame read from a recording: a webcam's MJPEG frame is well under 1 MB even at
/// 4K; more is a broken file, never read into memory whole.
pub const MAX_FRAME_BYTES: u64 = 64 << 20;

/// File extensions read as recorded camera streams.
pub const EXTENSIONS: &[&str] = &["mjpeg", "mjpg"];

/// Whether `path` names a recorded camera stream.
pub fn is_stream_path(path: &Path) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| EXTENSIONS.contains(&e.as_str()))
}

/// Where each frame starts: every start-of-image marker followed by another marker, found by
/// reading the file once in chunks. (Entropy-coded data never holds `FF D8`: a byte `FF` there
/// is always followed by `00` or a restart marker.)
pub fn frame_starts<R: Read + Seek>(file: &mut R, chunk: usize) -> std::io::Result<Vec<u64>> {
    let mut starts = Vec::new();
    let mut buf = vec![0u8; chunk + 2];
    // The last two bytes of the previous chunk, kept in front of the next.
    let (mut kept, mut offset) = (0usize, 0u64);
    file.seek(SeekFrom::Start(0))?;
    loop {
        let n = file.read(&mut buf[kept..])?;
        if n == 0 {
            return Ok(starts);
        }
        let filled = kept + n;
        let base = offset - kept as u64;
        // Every FF (found with SIMD) followed by D8 FF; overlapping ones too (FF D8 FF D8 FF
        // starts twice), so the starts do not depend on where the chunks end.
        let data = &buf[..filled];
        starts.extend(
            memchr::memchr_iter(0xff, data)
                .filter(|&i| data.get(i + 1..i + 3) == Some(&[0xd8, 0xff][..]))
                .map(|i| base + i as u64),
        );
        offset += n as u64;
        kept = filled.min(2);
        buf.copy_within(filled - kept..filled, 0);
    }
}

/// How frames are timed.
#[derive(Debug, Clone, Copy)]
pub enum Timing {
    /// Frame `i` at `i / fps`, each as soon as it is asked for (analysis, tests).
    AsFast,
    /// On the wall clock from `epoch` (the moment the recording "started"), as a camera.
    Wall { epoch: Instant },
}

/// A `.mjpeg` file as a frame source. Frames are read from the file one at a time (a
/// 5-minute recording is 80 MB; only the offsets of its frames are kept).
pub struct MjpegStream {
    name: String,
    path: PathBuf,
    file: File,
    starts: Vec<u64>,
    end: u64,
    fps: f64,
    timing: Timing,
    opened: Instant,
    next: usize,
    bytes: Vec<u8>,
}

impl MjpegStream {
    /// Opens a recording and finds its frames. A file with no frame in it is a
    /// [`CaptureError::BadVideo`].
    pub fn open(path: &Path, fps: f64, timing: Timing) -> Result<Self, CaptureError> {
        let io = |source| CaptureError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(io)?;
        let starts = frame_starts(&mut file, 1 << 20).map_err(io)?;
        if starts.is_empty() {
            return Err(CaptureError::BadVideo {
                path: path.to_path_buf(),
                reason: "no JPEG frames in this MJPEG stream".into(),
            });
        }
        let end = file.metadata().map_err(io)?.len();
        let opened = Instant::now();
        let next = match timing {
            Timing::AsFast => 0,
            Timing::Wall { epoch } => (opened.duration_since(epoch).as_secs_f64() * fps) as usize,
        };
        Ok(MjpegStream {
            name: path.display().to_string(),
            path: path.to_path_buf(),
            file,
            starts,
            end,
            fps,
            timing,
            opened,
            next,
            bytes: Vec::new(),
        })
    }

    /// Number of frames in the recording.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Reads frame `i`'s bytes into the reused buffer.
    fn read(&mut self, i: usize) -> std::io::Result<()> {
        let start = self.starts[i];
        let end = self.starts.get(i + 1).copied().unwrap_or(self.end);
        if end - start > MAX_FRAME_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "frame {i} is {} MB, more than a camera sends ({} MB at most)",
                    (end - start) >> 20,
                    MAX_FRAME_BYTES >> 20
                ),
            ));
        }
        self.bytes.resize((end - start) as usize, 0);
        self.file.seek(SeekFrom::Start(start))?;
        self.file.read_exact(&mut self.bytes)
    }
}

impl FrameSource for MjpegStream {
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
        let (index, t_s) = match self.timing {
            Timing::AsFast => (self.next, self.next as f64 / self.fps),
            Timing::Wall { epoch } => {
                // The frame the clock has reached, or the next one, waited for as a camera's.
                let now_frame = (epoch.elapsed().as_secs_f64() * self.fps) as usize;
                let index = self.next.max(now_frame);
                let due = epoch + Duration::from_secs_f64(index as f64 / self.fps);
                std::thread::sleep(due.saturating_duration_since(Instant::now()));
                (index, self.opened.elapsed().as_secs_f64())
            }
        };
        if index >= self.starts.len() {
            return Ok(None);
        }
        self.next = index + 1;
        if !wanted(t_s) {
            return Ok(Some(Grabbed::Skipped {
                t_s,
                index: index as u64,
            }));
        }
        self.read(index).map_err(|source| CaptureError::Io {
            path: self.path.clone(),
            source,
        })?;
        // As the camera hands it over: the format it was sent in, the size unknown until decoded.
        let buffer = Buffer::new(Resolution::new(0, 0), &self.bytes, FrameFormat::MJPEG);
        let rgb = decode_frame(&buffer).map_err(|reason| CaptureError::CameraFrame {
            name: format!("{} (frame {index})", self.name),
            reason,
        })?;
        Ok(Some(Grabbed::Frame(Frame {
            rgb,
            t_s,
            index: index as u64,
            file: Some(self.path.clone()),
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(shade: u8) -> Vec<u8> {
        let mut bytes = Vec::new();
        let img = image::RgbImage::from_pixel(32, 24, image::Rgb([shade, shade, shade]));
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
            .encode_image(&img)
            .expect("encoded");
        bytes
    }

    /// A recording of `frames`, removed when dropped.
    fn stream(frames: &[Vec<u8>]) -> tempfile::TempPath {
        let mut file = tempfile::Builder::new()
            .prefix("sitwell-mjpeg-")
            .suffix(".mjpeg")
            .tempfile()
            .expect("a temp file");
        std::io::Write::write_all(&mut file, &frames.concat()).expect("written");
        file.into_temp_path()
    }

    #[test]
    fn frames_split_and_a_corrupt_one_is_an_error_the_stream_goes_on_after() {
        let good = jpeg(200);
        let cut = good[..good.len() / 2].to_vec();
        let path = stream(&[good.clone(), cut, good.clone(), good]);
        let mut s = MjpegStream::open(&path, 10.0, Timing::AsFast).expect("opened");
        assert_eq!(s.len(), 4);
        let mut seen = Vec::new();
        loop {
            match s.next_frame() {
                Ok(Some(frame)) => seen.push((frame.index, frame.t_s, frame.rgb.dimensions())),
                Ok(None) => break,
                Err(e) => {
                    assert!(e.to_string().contains("frame 1"), "{e}");
                    assert!(e.to_string().contains("truncated"), "{e}");
                }
            }
        }
        assert_eq!(
            seen,
            [(0, 0.0, (32, 24)), (2, 0.2, (32, 24)), (3, 0.3, (32, 24))]
        );
    }

    #[test]
    fn frames_are_found_across_the_reading_chunks() {
        let frames: Vec<Vec<u8>> = (0..7).map(|i| jpeg(i * 30)).collect();
        let path = stream(&frames);
        let mut expected = vec![0u64];
        for f in &frames {
            expected.push(expected.last().copied().unwrap_or(0) + f.len() as u64);
        }
        expected.pop();
        for chunk in [1, 2, 3, 7, 100, 1 << 20] {
            let mut file = File::open(&path).expect("opens");
            assert_eq!(
                frame_starts(&mut file, chunk).expect("reads"),
                expected,
                "{chunk}"
            );
        }
    }

    #[test]
    fn overlapping_starts_are_all_found_whatever_the_chunk() {
        // A frame cut off right after its start marker, then a whole one: FF D8 FF D8 FF ...
        let bytes = [
            0x00, 0xff, 0xd8, 0xff, 0xd8, 0xff, 0xe0, 0x01, 0xff, 0xd8, 0xff,
        ];
        for chunk in [1, 2, 3, 4, 5, 7, 1 << 20] {
            let mut reader = std::io::Cursor::new(&bytes[..]);
            assert_eq!(
                frame_starts(&mut reader, chunk).expect("reads"),
                vec![1, 3, 8],
                "{chunk}"
            );
        }
    }

    #[test]
    fn on_the_wall_clock_a_reopened_stream_goes_on_where_the_clock_is() {
        let frames: Vec<Vec<u8>> = (0..40).map(|i| jpeg(i * 5)).collect();
        let path = stream(&frames);
        // The recording "started" 1.5 s ago at 20 fps: a fresh open shows the frame the clock
        // has reached (30, or later on a machine that stalls between these lines).
        let epoch = Instant::now() - Duration::from_millis(1500);
        let before = epoch.elapsed().as_secs_f64();
        let mut s = MjpegStream::open(&path, 20.0, Timing::Wall { epoch }).expect("opened");
        let first = s.next_frame().expect("decodes").expect("a frame");
        let after = epoch.elapsed().as_secs_f64();
        let reached = (before * 20.0) as u64..=(after * 20.0) as u64 + 1;
        assert!(
            reached.contains(&first.index),
            "{} not in {reached:?}",
            first.index
        );
        assert!(first.t_s <= after - before + 0.05, "{}", first.t_s);
        // Frames nobody wants are not decoded, and the stream ends with the recording.
        let mut last = first.index;
        while let Some(g) = s.grab(&|_| false).expect("no decoding") {
            let Grabbed::Skipped { index, .. } = g else {
                panic!("an unwanted frame was decoded");
            };
            assert!(index > last);
            last = index;
        }
        assert_eq!(last, 39);
        assert!(
            MjpegStream::open(&stream(&[b"not a jpeg".to_vec()]), 20.0, Timing::AsFast).is_err()
        );
    }
}
