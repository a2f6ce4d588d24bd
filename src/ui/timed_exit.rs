//! `--exit-after` for a window: close after a while, taking a screenshot first when asked
//! (how the docs' pictures and the window tests are made).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use eframe::egui;

/// Closes the window `limit` after it was created.
pub struct TimedExit {
    started: Instant,
    limit: Option<Duration>,
    screenshot: Option<PathBuf>,
    pending: Option<Receiver<Arc<egui::ColorImage>>>,
}

impl TimedExit {
    pub fn new(limit: Option<Duration>, screenshot: Option<PathBuf>) -> TimedExit {
        TimedExit {
            started: Instant::now(),
            limit,
            screenshot,
            pending: None,
        }
    }

    /// Call every frame: asks for the screenshot when the time is up, saves it when it
    /// arrives, then closes the viewport.
    pub fn update(&mut self, ctx: &egui::Context) {
        let Some(overdue) = self.overdue(ctx) else {
            return;
        };
        if let Some(path) = self.screenshot.clone() {
            match &self.pending {
                None => {
                    let (tx, rx) = channel();
                    ctx.request_screenshot(move |image| {
                        let _ = tx.send(image);
                    });
                    self.pending = Some(rx);
                    ctx.request_repaint();
                    return;
                }
                Some(rx) => match rx.try_recv() {
                    Ok(image) => {
                        if let Err(e) = save_png(&image, &path) {
                            eprintln!("cannot save the screenshot {}: {e}", path.display());
                        }
                        self.screenshot = None;
                    }
                    Err(_) if overdue < Duration::from_secs(5) => {
                        ctx.request_repaint_after(Duration::from_millis(50));
                        return;
                    }
                    Err(_) => eprintln!("no screenshot arrived; exiting without it"),
                },
            }
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    /// For a hidden window (no frames are drawn, so no screenshot): closes when the time is up.
    pub fn close_if_due(&self, ctx: &egui::Context) {
        if self.overdue(ctx).is_some() {
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// How long past the limit it is; before the limit, `None`, with a repaint asked for when
    /// it is reached.
    fn overdue(&self, ctx: &egui::Context) -> Option<Duration> {
        let limit = self.limit?;
        let elapsed = self.started.elapsed();
        if elapsed < limit {
            ctx.request_repaint_after(limit - elapsed);
            None
        } else {
            Some(elapsed - limit)
        }
    }
}

fn save_png(image: &egui::ColorImage, path: &Path) -> Result<(), image::ImageError> {
    let [w, h] = image.size;
    let pixels: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
    let rgba = image::RgbaImage::from_raw(w as u32, h as u32, pixels).ok_or_else(|| {
        image::ImageError::Parameter(image::error::ParameterError::from_kind(
            image::error::ParameterErrorKind::DimensionMismatch,
        ))
    })?;
    crate::files::save_png(&rgba, path)
}
