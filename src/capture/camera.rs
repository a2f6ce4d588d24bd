//! The live camera through nokhwa: device listing, opening with a modest native format, and
//! frames through the same [`FrameSource`] trait as the replay sources.
//!
//! The stream is closed when the source is dropped, so the camera light goes off with it.

use std::time::Instant;

use nokhwa::pixel_format::RgbFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, CameraInfo, FrameFormat, RequestedFormat,
    RequestedFormatType, Resolution,
};
use nokhwa::{Buffer, Camera};

use super::{CaptureError, Frame, FrameSource, Grabbed, SourceKind, jpeg};

/// A camera the system offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceInfo {
    pub index: String,
    pub name: String,
    pub description: String,
}

/// Lists the cameras (empty when there are none).
pub fn list_devices() -> Result<Vec<DeviceInfo>, CaptureError> {
    let cameras = nokhwa::query(ApiBackend::Auto).map_err(|e| CaptureError::CameraOpen {
        name: "(listing)".into(),
        reason: e.to_string(),
    })?;
    Ok(cameras.iter().map(device_info).collect())
}

/// The cameras worth offering: those the system lists, without infrared ones (a laptop's
/// face-unlock sensor shows a dim grey picture nobody can be judged on).
pub fn usable(found: Vec<DeviceInfo>) -> Vec<DeviceInfo> {
    found.into_iter().filter(|d| !d.is_infrared()).collect()
}

impl DeviceInfo {
    /// A face-unlock (infrared) sensor, by its name: "Integrated IR Camera", "Infrared Camera".
    pub fn is_infrared(&self) -> bool {
        let name = self.name.to_lowercase();
        name.contains("infrared")
            || name
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "ir")
    }
}

fn device_info(info: &CameraInfo) -> DeviceInfo {
    DeviceInfo {
        index: info.index().to_string(),
        name: info.human_name(),
        description: info.description().to_owned(),
    }
}

/// Which camera to open: a number from `sitwell devices`, or part of its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraChoice {
    Index(u32),
    Name(String),
}

impl std::str::FromStr for CameraChoice {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.parse::<u32>() {
            Ok(i) => CameraChoice::Index(i),
            Err(_) => CameraChoice::Name(s.to_owned()),
        })
    }
}

/// The largest frame Sitwell asks for: the pose models look at 224–256 px anyway.
pub const REQUESTED_WIDTH: u32 = 640;
pub const REQUESTED_HEIGHT: u32 = 480;
/// Sitwell analyses at most a few frames a second: ask for a low rate so the camera (and its
/// USB transfers) idle; the closest format the camera offers is taken.
pub const REQUESTED_FPS: u32 = 5;

/// A live camera.
pub struct CameraSource {
    camera: Camera,
    name: String,
    started: Instant,
    next_index: u64,
    lost: bool,
}

/// Whether an OS's words for a failed open or read mean another program holds the camera:
/// Linux's EBUSY ("Device or resource busy", os error 16); Windows' Media Foundation, which
/// opens a held camera and fails its first read with 0xC00D3704 (the hardware could not start
/// streaming: another app has it).
fn says_busy(reason: &str) -> bool {
    let lower = reason.to_ascii_lowercase();
    lower.contains("busy")
        || lower.contains("os error 16")
        || lower.contains("c00d3704")
        || lower.contains("in use by another")
}

fn classify_open_error(name: &str, reason: String) -> CaptureError {
    let lower = reason.to_ascii_lowercase();
    if says_busy(&reason) {
        CaptureError::CameraBusy {
            name: name.to_owned(),
        }
    } else if lower.contains("no such file") || lower.contains("os error 2") {
        CaptureError::NoCamera
    } else {
        CaptureError::CameraOpen {
            name: name.to_owned(),
            reason,
        }
    }
}

impl CameraSource {
    /// Opens a camera at ≤ 640×480, preferring MJPEG and falling back to YUYV and NV12.
    pub fn open(choice: &CameraChoice) -> Result<Self, CaptureError> {
        let devices = nokhwa::query(ApiBackend::Auto).unwrap_or_default();
        let index = match choice {
            CameraChoice::Index(i) => CameraIndex::Index(*i),
            CameraChoice::Name(wanted) => {
                let wanted_lower = wanted.to_lowercase();
                let found = devices
                    .iter()
                    .find(|d| d.human_name().to_lowercase().contains(&wanted_lower))
                    .ok_or(CaptureError::NoCamera)?;
                found.index().clone()
            }
        };
        let label = match choice {
            CameraChoice::Index(i) => format!("#{i}"),
            CameraChoice::Name(n) => format!("\"{n}\""),
        };
        let mut last_error = None;
        // MJPEG first (small over USB), then the raw formats cameras offer: YUYV (most), NV12
        // (many Windows drivers).
        for format in [FrameFormat::MJPEG, FrameFormat::YUYV, FrameFormat::NV12] {
            let wanted = CameraFormat::new(
                Resolution::new(REQUESTED_WIDTH, REQUESTED_HEIGHT),
                format,
                REQUESTED_FPS,
            );
            let request = RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(wanted));
            match Camera::new(index.clone(), request) {
                Ok(mut camera) => {
                    camera
                        .open_stream()
                        .map_err(|e| classify_open_error(&label, e.to_string()))?;
                    let name = camera.info().human_name();
                    return Ok(Self {
                        camera,
                        name,
                        started: Instant::now(),
                        next_index: 0,
                        lost: false,
                    });
                }
                Err(e) => last_error = Some(e.to_string()),
            }
        }
        let reason = last_error.unwrap_or_else(|| "no usable format".into());
        Err(classify_open_error(&label, reason))
    }
}

impl FrameSource for CameraSource {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> SourceKind {
        SourceKind::Motion
    }

    fn ends(&self) -> bool {
        // No frame from a camera means it was lost: it is reopened.
        false
    }

    fn next_frame(&mut self) -> Result<Option<Frame>, CaptureError> {
        Ok(self.grab(&|_| true)?.and_then(Grabbed::into_frame))
    }

    /// Waits for the camera's next frame; decodes it (MJPEG or YUYV to RGB) only if wanted.
    fn grab(&mut self, wanted: &dyn Fn(f64) -> bool) -> Result<Option<Grabbed>, CaptureError> {
        if self.lost {
            return Ok(None);
        }
        let buffer = match self.camera.frame() {
            Ok(buffer) => buffer,
            Err(e) => {
                // A camera that stopped delivering is gone for this source: reopen to retry.
                self.lost = true;
                if self.next_index == 0 && says_busy(&e.to_string()) {
                    return Err(CaptureError::CameraBusy {
                        name: self.name.clone(),
                    });
                }
                return Err(CaptureError::CameraLost {
                    name: self.name.clone(),
                    reason: e.to_string(),
                });
            }
        };
        let t_s = self.started.elapsed().as_secs_f64();
        let index = self.next_index;
        self.next_index += 1;
        if !wanted(t_s) {
            return Ok(Some(Grabbed::Skipped { t_s, index }));
        }
        let rgb = decode_frame(&buffer).map_err(|reason| CaptureError::CameraFrame {
            name: self.name.clone(),
            reason,
        })?;
        Ok(Some(Grabbed::Frame(Frame {
            rgb,
            t_s,
            index,
            file: None,
        })))
    }
}

/// Decodes one frame as a camera delivered it: MJPEG through [`jpeg::decode`] (a truncated or
/// corrupt frame is an error, never an unwind), YUYV through nokhwa's conversion, contained
/// the same way. Recorded camera streams ([`super::mjpeg`]) decode through here too.
pub fn decode_frame(buffer: &Buffer) -> Result<image::RgbImage, String> {
    if buffer.source_frame_format() == FrameFormat::MJPEG {
        return jpeg::decode(buffer.buffer()).map_err(|e| e.to_string());
    }
    let decoded = std::panic::catch_unwind(|| buffer.decode_image::<RgbFormat>())
        .map_err(|payload| jpeg::panic_message(payload.as_ref()))?
        .map_err(|e| e.to_string())?;
    let (w, h) = (decoded.width(), decoded.height());
    image::RgbImage::from_raw(w, h, decoded.into_raw()).ok_or_else(|| "frame size mismatch".into())
}

impl Drop for CameraSource {
    fn drop(&mut self) {
        // Turn the camera (and its light) off now, not whenever the OS notices.
        let _ = self.camera.stop_stream();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device(index: &str, name: &str) -> DeviceInfo {
        DeviceInfo {
            index: index.into(),
            name: name.into(),
            description: String::new(),
        }
    }

    #[test]
    fn infrared_cameras_are_not_offered() {
        let found = vec![
            device("0", "Integrated Camera: Integrated C"),
            device("2", "Integrated Camera: Integrated I"),
            device("4", "Integrated IR Camera"),
            device("6", "Infrared Camera"),
            device("8", "HD Pro Webcam C920"),
            // "ir" only as part of a word: kept.
            device("10", "Firewire Cam"),
        ];
        let names: Vec<String> = usable(found).into_iter().map(|d| d.name).collect();
        assert_eq!(
            names,
            [
                "Integrated Camera: Integrated C",
                "Integrated Camera: Integrated I",
                "HD Pro Webcam C920",
                "Firewire Cam"
            ]
        );
    }

    #[test]
    fn camera_choice_parses_numbers_and_names() {
        assert_eq!("0".parse::<CameraChoice>(), Ok(CameraChoice::Index(0)));
        assert_eq!(
            "Logitech".parse::<CameraChoice>(),
            Ok(CameraChoice::Name("Logitech".into()))
        );
    }

    #[test]
    fn open_errors_say_what_happened() {
        let busy = classify_open_error("#0", "Device or resource busy (os error 16)".into());
        assert!(matches!(busy, CaptureError::CameraBusy { .. }));
        // Media Foundation's words for a camera another app holds.
        let held = classify_open_error(
            "#0",
            "Could not read frame: MF_E_HW_MFT_FAILED_START_STREAMING (0xC00D3704)".into(),
        );
        assert!(matches!(held, CaptureError::CameraBusy { .. }));
        let missing = classify_open_error(
            "#0",
            "V4L2 Error: No such file or directory (os error 2)".into(),
        );
        assert!(matches!(missing, CaptureError::NoCamera));
    }
}
