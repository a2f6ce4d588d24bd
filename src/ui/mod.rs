//! The pipeline's last part, the *UI*: the always-on-top egui overlay (eframe, glow). [`view`]
//! turns a pipeline snapshot into what is drawn; [`app`] is the eframe application around it.

use eframe::egui;
pub mod app;
pub mod countdown;
pub mod dashboard;
pub mod desktop;
pub mod figure;
pub mod notify;
pub mod pipeline;
pub mod settings_panel;
pub mod shortcuts;
pub mod timed_exit;
pub mod tray;
pub mod view;
pub mod window_chores;
pub mod window_state;

use std::path::PathBuf;

use crate::launch::Launch;

pub use app::{AfterClose, AppSetup, SitwellApp};

/// Errors starting the window.
#[derive(Debug, thiserror::Error)]
pub enum UiError {
    #[error(transparent)]
    NoDisplay(#[from] crate::platform::window::NoDisplay),
    #[error("cannot open the overlay window: {0}")]
    Window(String),
}

/// Sitwell's own icon for the window (the 64-pixel rendering of `assets/icons`).
pub fn window_icon() -> Option<std::sync::Arc<egui::IconData>> {
    let png = include_bytes!("../../assets/icons/hicolor/64x64/apps/io.github.sitwell.Sitwell.png");
    let image = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .map_err(|e| tracing::warn!("the window icon does not decode: {e}"))
        .ok()?
        .into_rgba8();
    Some(std::sync::Arc::new(egui::IconData {
        width: image.width(),
        height: image.height(),
        rgba: image.into_raw(),
    }))
}

/// Opens the overlay and runs until the user quits (or `--exit-after`).
pub fn run(launch: Launch, print_stats: bool, screenshot: Option<PathBuf>) -> Result<(), UiError> {
    let wayland_note = crate::platform::window::prepare_display()?;
    let window = window_state::WindowState::load();
    // A utility window: window managers leave it out of the taskbar and of Alt-Tab.
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Sitwell")
        .with_app_id(crate::APP_ID)
        .with_inner_size(view::FIRST_SIZE)
        .with_always_on_top()
        .with_decorations(false)
        .with_transparent(true)
        .with_resizable(false)
        .with_taskbar(false)
        .with_window_type(egui::X11WindowType::Utility)
        .with_position(window.opening_position());
    if let Some(icon) = window_icon() {
        viewport = viewport.with_icon(icon);
    }
    let options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        ..eframe::NativeOptions::default()
    };
    for problem in &launch.settings_problems {
        eprintln!("{problem}");
    }
    // On the panel, one short line: the details are on the terminal (and in the file).
    let settings_note = match launch.settings_problems.len() {
        0 => None,
        1 => Some(
            "A line of your settings file was not used; Sitwell says which when started \
                   from a terminal."
                .to_owned(),
        ),
        n => Some(format!(
            "{n} lines of your settings file were not used; Sitwell says which when started from \
             a terminal."
        )),
    };
    let startup_note = settings_note
        .or(launch.baseline_problem.clone())
        .or(wayland_note.clone());
    if let Some(note) = launch.baseline_problem.as_ref().or(wayland_note.as_ref()) {
        eprintln!("{note}");
    }
    let after_close = AfterClose::default();
    let setup = AppSetup {
        after_close: after_close.clone(),
        live: launch.live,
        settings: launch.settings,
        settings_path: launch.settings_path,
        startup_note,
        exit_after: launch.exit_after,
        screenshot,
        overrides: launch.overrides,
    };
    let ran = eframe::run_native(
        "Sitwell",
        options,
        Box::new(move |cc| {
            use raw_window_handle::HasWindowHandle;
            let window = cc.window_handle().ok().map(|h| h.as_raw());
            Ok(Box::new(SitwellApp::new(setup, &cc.egui_ctx, window)))
        }),
    )
    .map_err(|e| UiError::Window(e.to_string()));
    // The window is gone: now the pipeline may take its time to stop (camera released,
    // history committed).
    let left = after_close
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take();
    if let Some((mut live, meter)) = left {
        live.stop();
        if print_stats {
            meter.report(&live).print();
        }
    }
    ran
}
