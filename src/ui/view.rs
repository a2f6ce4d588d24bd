//! What the overlay shows, as data ([`View`], derived from a pipeline snapshot) and as egui
//! drawing (`show`). Drawing is a function of the view: no threads, no pipeline, so every
//! state can be rendered in tests and snapshotted.

use eframe::egui;
use egui::{Color32, RichText, Ui, vec2};

use crate::coach::moves::{self, Move, SAFETY_NOTE};
use crate::coach::{ActiveNudge, UserAction};
use crate::live::{Phase, Snapshot};
use crate::posture::{CameraPlace, Pattern};

/// Logical width of the compact panel, and of the panel with a card, the calibration view, a
/// problem or the settings. Heights follow the content ([`PanelOutput::fits`]).
pub const COMPACT_WIDTH: f32 = 240.0;
pub const CARD_WIDTH: f32 = 340.0;
pub const CALIBRATION_WIDTH: f32 = 340.0;
pub const PROBLEM_WIDTH: f32 = 260.0;
pub const SETTINGS_WIDTH: f32 = 340.0;
/// The in-call dot's window: a small square.
pub const DOT_SIZE: egui::Vec2 = vec2(28.0, 28.0);
/// The window's size before its first frame has measured the content.
pub const FIRST_SIZE: egui::Vec2 = vec2(COMPACT_WIDTH, 96.0);

/// A running countdown on a card.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Countdown {
    /// Seconds left (0 when finished).
    pub left_s: f64,
}

/// Everything the overlay can show; one per state a user must be able to tell apart.
#[derive(Debug, Clone, PartialEq)]
pub enum View {
    Starting,
    /// The model or ONNX Runtime is missing, or the source cannot be read.
    Broken {
        message: String,
    },
    NoCamera {
        message: String,
    },
    CameraBusy {
        message: String,
        retry_in_s: f64,
    },
    Calibrating {
        progress: f32,
        /// Where the user said the camera is.
        place: CameraPlace,
        /// What the frames so far say of the camera ("a laptop camera looking up at you …").
        seen: Option<String>,
    },
    CalibrationRefused {
        reason: String,
        place: CameraPlace,
    },
    Monitoring {
        score: Option<f32>,
        pattern: Option<Pattern>,
        dwell_progress: f32,
        in_call: bool,
    },
    Nudge {
        nudge: ActiveNudge,
        countdown: Option<Countdown>,
        in_call: bool,
    },
    Break {
        move_id: &'static str,
        countdown: Option<Countdown>,
    },
    Paused {
        left_s: Option<f64>,
    },
    Away,
    /// Nobody found, and too little light to find anyone: not "away".
    TooDark,
    /// A replay (the demo) has played to its end.
    Ended,
}

/// What the user did on the overlay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UiAction {
    Act(UserAction),
    StartCountdown,
    Recalibrate,
    /// The user said where the camera is (calibration starts again for it).
    CameraPlace(CameraPlace),
    /// The in-call dot was clicked: show the whole panel until the call ends.
    OpenPanel,
    OpenSettings,
    OpenHistory,
    PlayDemo,
    Quit,
}

impl View {
    /// The view for a snapshot; `countdown` is the card's timer, if the user started it.
    pub fn of(snapshot: &Snapshot, countdown: Option<Countdown>) -> View {
        match &snapshot.phase {
            Phase::Starting => View::Starting,
            Phase::Broken { message } => View::Broken {
                message: message.clone(),
            },
            Phase::NoCamera { message } => View::NoCamera {
                message: message.clone(),
            },
            Phase::CameraBusy {
                message,
                retry_in_s,
            } => View::CameraBusy {
                message: message.clone(),
                retry_in_s: *retry_in_s,
            },
            Phase::Calibrating { progress } => View::Calibrating {
                progress: *progress,
                place: snapshot.camera_place,
                seen: snapshot.camera_seen.clone(),
            },
            Phase::CalibrationRefused { reason } => View::CalibrationRefused {
                reason: reason.clone(),
                place: snapshot.camera_place,
            },
            Phase::Ended => View::Ended,
            Phase::Monitoring => {
                if snapshot.paused.is_some() {
                    View::Paused {
                        left_s: snapshot.pause_left_s(),
                    }
                } else if let Some(nudge) = snapshot.nudge {
                    View::Nudge {
                        nudge,
                        countdown,
                        in_call: snapshot.in_call,
                    }
                } else if let Some(move_id) = snapshot.break_due {
                    View::Break { move_id, countdown }
                } else if snapshot.too_dark && (snapshot.away || snapshot.pattern.is_none()) {
                    View::TooDark
                } else if snapshot.away {
                    View::Away
                } else {
                    View::Monitoring {
                        score: snapshot.score,
                        pattern: snapshot.pattern,
                        dwell_progress: snapshot.dwell_progress,
                        in_call: snapshot.in_call,
                    }
                }
            }
        }
    }

    /// The window width this view is laid out at.
    pub fn width(&self) -> f32 {
        match self {
            View::Nudge { .. } | View::Break { .. } => CARD_WIDTH,
            View::Calibrating { .. } | View::CalibrationRefused { .. } => CALIBRATION_WIDTH,
            View::Broken { .. } | View::NoCamera { .. } | View::CameraBusy { .. } => PROBLEM_WIDTH,
            _ => COMPACT_WIDTH,
        }
    }

    /// Whether the view runs a clock the user watches (it must be redrawn every second).
    pub fn ticks(&self) -> bool {
        matches!(
            self,
            View::Paused { left_s: Some(_) }
                | View::CameraBusy { .. }
                | View::Nudge {
                    countdown: Some(_),
                    ..
                }
                | View::Break {
                    countdown: Some(_),
                    ..
                }
        )
    }
}

/// A word for a pattern, as the overlay says it.
pub fn pattern_word(pattern: Option<Pattern>) -> &'static str {
    match pattern {
        Some(Pattern::Upright) => "upright",
        Some(Pattern::ForwardHead) => "forward head",
        Some(Pattern::RoundedShoulders) => "rounded shoulders",
        Some(Pattern::UpperCrossed) => "head & shoulders",
        Some(Pattern::LookDown) => "looking down",
        Some(Pattern::SideLean) => "leaning sideways",
        Some(Pattern::HeadTilt) => "head tilted",
        Some(Pattern::Away) => "away",
        Some(Pattern::Unknown) => "can't see you well",
        None => "looking for you…",
    }
}

/// The score's colour, readable on light and dark panels.
pub fn score_colour(score: f32, dark: bool) -> Color32 {
    match (score >= 80.0, score >= 60.0, dark) {
        (true, _, true) => Color32::from_rgb(0x5c, 0xd6, 0x7a),
        (true, _, false) => Color32::from_rgb(0x1b, 0x7f, 0x3b),
        (false, true, true) => Color32::from_rgb(0xf2, 0xb8, 0x4b),
        (false, true, false) => Color32::from_rgb(0x9a, 0x5b, 0x00),
        (false, false, true) => Color32::from_rgb(0xff, 0x7b, 0x6b),
        (false, false, false) => Color32::from_rgb(0xb4, 0x23, 0x18),
    }
}

fn clock(seconds: f64) -> String {
    let s = seconds.max(0.0).ceil() as u64;
    format!("{}:{:02}", s / 60, s % 60)
}

/// Tallest the calibration picture is drawn (a 4:3 camera picture at full panel width).
const PICTURE_MAX_HEIGHT: f32 = 240.0;

/// Everything around the view that the panel draws.
pub struct Panel<'a> {
    pub view: &'a View,
    /// The calibration view's picture (camera frame with the skeleton), uploaded by the app.
    pub picture: Option<&'a egui::TextureHandle>,
    /// A message for the user (broken settings file, a skipped frame, ...).
    pub note: Option<&'a str>,
    pub paused: bool,
    pub in_call: bool,
    /// Opacity of the panel's background, 0.3–1.
    pub opacity: f32,
}

/// What happened on the panel in one frame, and how big its window must be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PanelOutput {
    /// What the user chose, if anything.
    pub action: Option<UiAction>,
    /// The user started dragging the panel's background: the window should follow the mouse.
    pub drag_started: bool,
    /// The window size that shows everything drawn: the content's height, and while the menu
    /// is open the width and height that show it whole (0 = no need beyond the view's width).
    pub fits: egui::Vec2,
}

/// The area behind every control that moves the window. Call it before drawing anything:
/// widgets drawn later lie on top of it, so a press on a button is the button's click, and
/// only a drag from the background (or from plain text) moves the window.
///
/// It senses clicks as well as drags so that egui waits until the pointer has really moved
/// before calling it a drag: a drag-only area would start dragging on the press itself, even
/// under a button, and the window manager would then take the press away from the button.
pub fn drag_background(ui: &mut Ui) -> egui::Response {
    // Selectable text would take presses for itself (to select), hiding the background.
    ui.style_mut().interaction.selectable_labels = false;
    ui.interact(
        ui.max_rect(),
        ui.scope_id().with("sitwell-drag"),
        egui::Sense::click_and_drag(),
    )
}

/// Draws the whole panel: background, header with the menu, the view, the note, at the width
/// the `ui` offers and the height its content needs.
pub fn panel(ui: &mut Ui, p: &Panel<'_>) -> PanelOutput {
    let background = drag_background(ui);
    let base = ui.visuals().panel_fill;
    let alpha = (p.opacity.clamp(0.3, 1.0) * 255.0) as u8;
    let fill = Color32::from_rgba_unmultiplied(base.r(), base.g(), base.b(), alpha);
    let mut action = None;
    let mut menu_need = egui::Vec2::ZERO;
    let frame = egui::Frame::new()
        .fill(fill)
        .corner_radius(10.0)
        .inner_margin(10.0)
        .stroke(ui.visuals().window_stroke)
        .show(ui, |ui| {
            ui.set_min_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new("Sitwell").small().weak());
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    (action, menu_need) = menu(ui, p.paused, p.in_call);
                });
            });
            if let Some(texture) = p.picture {
                // Fit the picture in the width and at most PICTURE_MAX_HEIGHT, centred.
                let natural = texture.size_vec2();
                let scale = (ui.available_width() / natural.x.max(1.0))
                    .min(PICTURE_MAX_HEIGHT / natural.y.max(1.0));
                ui.vertical_centered(|ui| {
                    ui.add(egui::Image::new((texture.id(), natural * scale)));
                });
            }
            if let Some(a) = show(ui, p.view) {
                action = Some(a);
            }
            if let Some(note) = p.note {
                ui.label(
                    RichText::new(note)
                        .small()
                        .color(ui.visuals().warn_fg_color),
                );
            }
        });
    let origin = ui.max_rect().min;
    PanelOutput {
        action,
        drag_started: background.drag_started(),
        fits: egui::vec2(
            menu_need.x,
            frame.response.rect.bottom().max(menu_need.y) - origin.y,
        )
        .ceil(),
    }
}

/// Space kept between an open menu and the window's edge.
const MENU_EDGE: f32 = 8.0;

/// The overlay's menu: pause, call mode, recalibrate, settings, quit. Returns the choice and,
/// while the menu is open, the width and the bottom edge (in window coordinates) a window
/// needs to show it whole below its button: measured on the frame before, zero until then.
fn menu(ui: &mut Ui, paused: bool, in_call: bool) -> (Option<UiAction>, egui::Vec2) {
    let mut action = None;
    let button = ui.menu_button("Menu", |ui| {
        if paused {
            if ui.button("Resume").clicked() {
                action = Some(UiAction::Act(UserAction::Resume));
            }
        } else {
            for (label, minutes) in [("Pause 15 min", 15.0), ("Pause 60 min", 60.0)] {
                if ui.button(label).clicked() {
                    action = Some(UiAction::Act(UserAction::Pause {
                        seconds: Some(minutes * 60.0),
                    }));
                }
            }
            if ui.button("Pause until I resume").clicked() {
                action = Some(UiAction::Act(UserAction::Pause { seconds: None }));
            }
        }
        let mut call = in_call;
        if ui.checkbox(&mut call, "In a call (quiet)").changed() {
            action = Some(UiAction::Act(UserAction::InCall(call)));
        }
        ui.separator();
        if ui.button("Recalibrate").clicked() {
            action = Some(UiAction::Recalibrate);
        }
        if ui.button("History…").clicked() {
            action = Some(UiAction::OpenHistory);
        }
        if ui.button("Settings…").clicked() {
            action = Some(UiAction::OpenSettings);
        }
        if ui.button("Quit").clicked() {
            action = Some(UiAction::Quit);
        }
    });
    let popup = egui::Popup::default_response_id(&button.response);
    let need = match (button.inner, ui.ctx().read_response(popup)) {
        (Some(()), Some(popup)) => {
            // egui slides a popup sideways to keep it in the window: only its width counts.
            let width = popup.rect.width() + 2.0 * MENU_EDGE;
            let bottom = button.response.rect.bottom() + popup.rect.height() + MENU_EDGE;
            egui::vec2(width, bottom)
        }
        (Some(()), None) => {
            // Just opened: measured on the next frame, which must come even if nothing moves.
            ui.ctx().request_repaint();
            egui::Vec2::ZERO
        }
        (None, _) => egui::Vec2::ZERO,
    };
    (action, need)
}

/// The panel in a call (setting `call_look = "dot"`): a small neutral dot with no score and no
/// words, so that a shared screen shows nothing personal. A ring round it says a move is
/// waiting; a click opens the full panel, a drag moves it.
pub fn call_dot(ui: &mut Ui, nudge_waiting: bool) -> PanelOutput {
    let background = drag_background(ui);
    let rect = ui.max_rect();
    let centre = rect.center();
    let radius = rect.width().min(rect.height()) / 2.0 - 4.0;
    let grey = if ui.visuals().dark_mode {
        Color32::from_gray(120)
    } else {
        Color32::from_gray(150)
    };
    let painter = ui.painter();
    painter.circle_filled(centre, radius, grey.gamma_multiply(0.85));
    if nudge_waiting {
        painter.circle_stroke(centre, radius + 2.5, egui::Stroke::new(1.5, grey));
    }
    background.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Button,
            true,
            if nudge_waiting {
                "Sitwell, in a call: a move is waiting (click to open)"
            } else {
                "Sitwell, in a call (click to open)"
            },
        )
    });
    PanelOutput {
        action: background.clicked().then_some(UiAction::OpenPanel),
        drag_started: background.drag_started(),
        fits: DOT_SIZE,
    }
}

/// Draws `view`; returns what the user clicked.
pub fn show(ui: &mut Ui, view: &View) -> Option<UiAction> {
    let mut action = None;
    match view {
        View::Starting => {
            title(ui, "Sitwell", None);
            ui.label("Starting: opening the camera and the pose model…");
        }
        View::Broken { message } => {
            title(ui, "Sitwell can't run", Some(ui.visuals().error_fg_color));
            ui.label(RichText::new(message).small());
            if ui.button("Quit").clicked() {
                action = Some(UiAction::Quit);
            }
        }
        View::NoCamera { message } => {
            title(ui, "No camera", Some(ui.visuals().warn_fg_color));
            ui.label(RichText::new(message).small());
            ui.horizontal(|ui| {
                ui.label(RichText::new("Retrying…").small().weak());
                if ui.small_button("Play the demo").clicked() {
                    action = Some(UiAction::PlayDemo);
                }
            });
        }
        View::CameraBusy {
            message,
            retry_in_s,
        } => {
            title(ui, "Camera busy", Some(ui.visuals().warn_fg_color));
            ui.label(RichText::new(message).small());
            ui.label(
                RichText::new(format!(
                    "Monitoring waits; trying again in {}",
                    clock(*retry_in_s)
                ))
                .small()
                .weak(),
            );
        }
        View::Calibrating {
            progress,
            place,
            seen,
        } => {
            title(ui, "Calibrating", None);
            ui.label("Sit tall, shoulders relaxed, and look at your screen.");
            ui.add(egui::ProgressBar::new(*progress).show_percentage());
            action = camera_question(ui, *place);
            if let Some(seen) = seen {
                ui.label(
                    RichText::new(format!("Sitwell sees {seen}."))
                        .small()
                        .weak(),
                );
            }
        }
        View::CalibrationRefused { reason, place } => {
            title(
                ui,
                "Calibration didn't work",
                Some(ui.visuals().warn_fg_color),
            );
            ui.label(RichText::new(reason).small());
            if ui.button("Try again").clicked() {
                action = Some(UiAction::Recalibrate);
            }
            if let Some(chosen) = camera_question(ui, *place) {
                action = Some(chosen);
            }
        }
        View::Monitoring {
            score,
            pattern,
            dwell_progress,
            in_call,
        } => {
            let dark = ui.visuals().dark_mode;
            ui.horizontal(|ui| {
                match score {
                    Some(score) => ui.label(
                        RichText::new(format!("{score:.0}"))
                            .size(34.0)
                            .strong()
                            .color(score_colour(*score, dark)),
                    ),
                    None => ui.label(RichText::new("–").size(34.0).weak()),
                };
                ui.vertical(|ui| {
                    ui.add_space(6.0);
                    ui.label(RichText::new(pattern_word(*pattern)).size(15.0).strong());
                    if *in_call {
                        ui.label(RichText::new("in a call · quiet").small().weak());
                    }
                });
            });
            let bar = egui::ProgressBar::new(*dwell_progress)
                .desired_height(5.0)
                .fill(score_colour(40.0, dark));
            ui.add(bar)
                .on_hover_text("Fills while you slouch; a move is suggested when it is full");
        }
        View::Nudge {
            nudge,
            countdown,
            in_call,
        } => {
            let mv = moves::by_id(nudge.move_id);
            let why = match nudge.pattern {
                Pattern::RoundedShoulders => "Your shoulders have rounded forward for a while.",
                Pattern::UpperCrossed => "Head forward and shoulders rounded for a while.",
                Pattern::SideLean => "You have been leaning to one side for a while.",
                Pattern::HeadTilt => "Your head has been tilted to one side for a while.",
                _ => "Your head has drifted forward for a while.",
            };
            ui.label(RichText::new(why).small().weak());
            if let Some(mv) = mv {
                action = move_card(ui, mv, *countdown);
            }
            if *in_call {
                ui.label(
                    RichText::new("Call-safe: seated and silent.")
                        .small()
                        .weak(),
                );
            }
            ui.horizontal(|ui| {
                if ui.button("Done").clicked() {
                    action = Some(UiAction::Act(UserAction::Done));
                }
                if ui.button("Snooze 30 min").clicked() {
                    action = Some(UiAction::Act(UserAction::Snooze));
                }
                if ui.button("Not now").clicked() {
                    action = Some(UiAction::Act(UserAction::NotNow));
                }
            });
        }
        View::Break { move_id, countdown } => {
            ui.label(
                RichText::new("You've been sitting for a while: time to stand up.")
                    .small()
                    .weak(),
            );
            if let Some(mv) = moves::by_id(move_id) {
                action = move_card(ui, mv, *countdown);
            }
            ui.horizontal(|ui| {
                if ui.button("Took a break").clicked() {
                    action = Some(UiAction::Act(UserAction::BreakTaken));
                }
                if ui.button("Later").clicked() {
                    action = Some(UiAction::Act(UserAction::BreakLater));
                }
            });
        }
        View::Paused { left_s } => {
            title(ui, "Paused", None);
            let text = match left_s {
                Some(left) => format!("Camera off · back in {}", clock(*left)),
                None => "Camera off until you resume.".to_owned(),
            };
            ui.label(RichText::new(text).small());
            if ui.button("Resume").clicked() {
                action = Some(UiAction::Act(UserAction::Resume));
            }
        }
        View::Away => {
            title(ui, "Away", None);
            ui.label(
                RichText::new("No one at the desk: paused until you're back.")
                    .small()
                    .weak(),
            );
        }
        View::TooDark => {
            title(ui, "Too dark to see you well", None);
            ui.label(
                RichText::new("Turn on a light or face a window; Sitwell waits meanwhile.")
                    .small()
                    .weak(),
            );
        }
        View::Ended => {
            title(ui, "Replay finished", None);
            ui.label(RichText::new("The clip has played to its end.").small());
            if ui.button("Quit").clicked() {
                action = Some(UiAction::Quit);
            }
        }
    }
    action
}

/// "Where is your camera?" with the three answers; the current one is selected. Choosing
/// another starts the calibration again for it.
fn camera_question(ui: &mut Ui, place: CameraPlace) -> Option<UiAction> {
    let mut action = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Where is your camera?").small());
        for option in CameraPlace::ALL {
            if ui
                .selectable_label(place == option, RichText::new(option.label()).small())
                .clicked()
                && option != place
            {
                action = Some(UiAction::CameraPlace(option));
            }
        }
    });
    action
}

fn title(ui: &mut Ui, text: &str, colour: Option<Color32>) {
    let mut rich = RichText::new(text).size(16.0).strong();
    if let Some(colour) = colour {
        rich = rich.color(colour);
    }
    ui.label(rich);
}

/// A move: name and dose, its looping figure beside the steps, the countdown with the rep it
/// has reached (or its start button), the safety note.
fn move_card(ui: &mut Ui, mv: &Move, countdown: Option<Countdown>) -> Option<UiAction> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new(mv.name).size(17.0).strong());
        ui.label(RichText::new(format!("— {}", mv.dose)).size(15.0));
    });
    ui.horizontal_top(|ui| {
        if let Some(figure) = super::figure::for_move(mv.id) {
            let t = ui.input(|i| i.time);
            super::figure::show(ui, figure, t);
        }
        ui.vertical(|ui| {
            for (i, step) in mv.steps.iter().enumerate() {
                ui.label(RichText::new(format!("{}. {step}", i + 1)).small());
            }
        });
    });
    ui.horizontal(|ui| match countdown {
        Some(Countdown { left_s }) if left_s > 0.0 => {
            ui.label(RichText::new(clock(left_s)).size(20.0).monospace().strong());
            let total = f64::from(mv.duration_s.max(1));
            if let Some(rep) = moves::rep_at(mv, total - left_s) {
                ui.label(RichText::new(format!("rep {rep} of {}", mv.reps)).strong());
            }
            ui.add(egui::ProgressBar::new((1.0 - left_s / total) as f32).desired_width(110.0));
        }
        Some(_) => {
            ui.label(RichText::new("Well done.").strong());
        }
        None => {
            if ui
                .button(format!(
                    "Start the timer ({})",
                    clock(f64::from(mv.duration_s))
                ))
                .clicked()
            {
                action = Some(UiAction::StartCountdown);
            }
        }
    });
    ui.label(RichText::new(SAFETY_NOTE).small().weak())
        .on_hover_text(mv.cautions);
    action
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_states_map_to_views() {
        let mut snapshot = Snapshot {
            phase: Phase::Monitoring,
            score: Some(91.0),
            pattern: Some(Pattern::Upright),
            ..Snapshot::default()
        };
        assert!(matches!(View::of(&snapshot, None), View::Monitoring { .. }));
        snapshot.away = true;
        assert_eq!(View::of(&snapshot, None), View::Away);
        let dark = Snapshot {
            too_dark: true,
            ..snapshot.clone()
        };
        assert_eq!(View::of(&dark, None), View::TooDark);
        snapshot.nudge = Some(ActiveNudge {
            pattern: Pattern::ForwardHead,
            move_id: "chin_tuck",
            shown_at: 3.0,
        });
        assert!(matches!(View::of(&snapshot, None), View::Nudge { .. }));
        snapshot.paused = Some(Some(snapshot.t + 90.0));
        assert_eq!(
            View::of(&snapshot, None),
            View::Paused { left_s: Some(90.0) }
        );
        assert_eq!(View::of(&snapshot, None).width(), COMPACT_WIDTH);
    }

    #[test]
    fn colours_and_words() {
        assert_ne!(score_colour(90.0, true), score_colour(50.0, true));
        assert_eq!(
            pattern_word(Some(Pattern::UpperCrossed)),
            "head & shoulders"
        );
        assert_eq!(clock(61.2), "1:02");
    }
}
