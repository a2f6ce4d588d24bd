//! The history dashboard (egui + egui_plot): today at a glance — score, time upright, nudges,
//! sitting — then today's timeline, time per pattern, moves done, sitting streaks, 7- and
//! 30-day trends and the hours you slump. Data is loaded on a background thread; the window
//! never waits on the database.

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use eframe::egui::{self, Color32, RichText, Ui};
use egui_plot::{Bar, BarChart, Line, LineStyle, Plot, PlotPoints, Points, VLine};

use crate::coach::moves;
use crate::history::summary::{self, Dashboard, DaySummary};
use crate::history::{PATTERNS, Store};
use crate::posture::Pattern;

use super::timed_exit::TimedExit;
use super::view::score_colour;

/// Size the window opens at.
pub const WINDOW_SIZE: [f32; 2] = [760.0, 860.0];
/// How often an open dashboard reloads (the history grows every 30 s).
const RELOAD_EVERY: Duration = Duration::from_secs(60);

/// The colour of a pattern, on light or dark backgrounds.
pub fn pattern_colour(pattern: Pattern, dark: bool) -> Color32 {
    let (light, dark_c) = match pattern {
        Pattern::Upright => ((0x1b, 0x7f, 0x3b), (0x5c, 0xd6, 0x7a)),
        Pattern::ForwardHead => ((0xb0, 0x6a, 0x00), (0xf2, 0xb8, 0x4b)),
        Pattern::RoundedShoulders => ((0x7a, 0x3f, 0xb0), (0xc3, 0x9b, 0xf0)),
        Pattern::UpperCrossed => ((0xb4, 0x23, 0x18), (0xff, 0x7b, 0x6b)),
        Pattern::LookDown => ((0x1f, 0x5f, 0xa8), (0x7a, 0xb6, 0xff)),
        Pattern::SideLean => ((0x00, 0x7d, 0x7d), (0x4f, 0xd1, 0xc5)),
        Pattern::HeadTilt => ((0xa3, 0x1f, 0x6e), (0xf0, 0x86, 0xc4)),
        Pattern::Unknown => ((0x80, 0x80, 0x80), (0x9a, 0x9a, 0x9a)),
        Pattern::Away => ((0xc0, 0xc0, 0xc0), (0x5a, 0x5a, 0x5a)),
    };
    let (r, g, b) = if dark { dark_c } else { light };
    Color32::from_rgb(r, g, b)
}

/// A pattern as the dashboard names it.
pub fn pattern_label(pattern: Pattern) -> &'static str {
    match pattern {
        Pattern::Upright => "upright",
        Pattern::ForwardHead => "forward head",
        Pattern::RoundedShoulders => "rounded shoulders",
        Pattern::UpperCrossed => "both (upper-crossed)",
        Pattern::LookDown => "looking down",
        Pattern::SideLean => "leaning to one side",
        Pattern::HeadTilt => "head tilted",
        Pattern::Unknown => "not judgeable",
        Pattern::Away => "away",
    }
}

fn hours_minutes(seconds: f64) -> String {
    crate::history::report::hours_minutes(seconds, " min")
}

fn clock(hour: f64) -> String {
    let minutes = (hour * 60.0).round().max(0.0) as i64;
    format!("{:02}:{:02}", minutes / 60 % 24, minutes % 60)
}

/// What the dashboard remembers between frames besides its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Days in the trend chart: 7 or 30.
    pub trend_days: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options { trend_days: 7 }
    }
}

/// Draws the dashboard for `data`.
pub fn show(ui: &mut Ui, data: &Dashboard, options: &mut Options) {
    let dark = ui.visuals().dark_mode;
    header(ui, data);
    ui.add_space(6.0);
    tiles(ui, &data.today, dark);
    ui.add_space(4.0);
    ui.label(verdict(data));
    ui.add_space(8.0);
    ui.horizontal_wrapped(|ui| {
        ui.strong("Today's timeline");
        ui.add_space(8.0);
        legend(ui, data, dark);
    });
    timeline(ui, data, dark);
    ui.add_space(8.0);
    ui.columns(3, |columns| {
        columns[0].strong("Time in each pattern");
        pattern_bars(&mut columns[0], &data.today, dark);
        columns[1].strong("Moves done today");
        moves_done(&mut columns[1], data);
        columns[2].strong("Sitting streaks");
        streaks(&mut columns[2], data);
    });
    ui.add_space(8.0);
    ui.horizontal(|ui| {
        ui.strong("Trend");
        ui.selectable_value(&mut options.trend_days, 7, "7 days");
        ui.selectable_value(&mut options.trend_days, 30, "30 days");
        ui.add_space(8.0);
        ui.label(RichText::new("bars: mean score ·").small());
        let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
        ui.painter()
            .circle_filled(rect.center(), 4.0, pattern_colour(Pattern::LookDown, dark));
        ui.label(RichText::new("% of the time upright").small());
    });
    trend(ui, data, options.trend_days, dark);
    ui.add_space(8.0);
    ui.strong("When you slouch (last 30 days)");
    by_hour(ui, data, dark);
}

fn header(ui: &mut Ui, data: &Dashboard) {
    ui.horizontal(|ui| {
        ui.heading(data.day.format("%A %-d %B %Y").to_string());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(
                RichText::new(format!("loaded in {} ms", data.loaded_in.as_millis()))
                    .small()
                    .weak(),
            );
        });
    });
}

fn tile(ui: &mut Ui, value: String, label: &str, colour: Option<Color32>) {
    egui::Frame::group(ui.style())
        .inner_margin(egui::Margin::symmetric(10, 6))
        .show(ui, |ui| {
            ui.set_min_width(84.0);
            ui.vertical(|ui| {
                let mut text = RichText::new(value).size(20.0).strong();
                if let Some(c) = colour {
                    text = text.color(c);
                }
                ui.label(text);
                ui.label(RichText::new(label).small().weak());
            });
        });
}

fn tiles(ui: &mut Ui, today: &DaySummary, dark: bool) {
    ui.horizontal_wrapped(|ui| {
        let score = today.mean_score();
        tile(
            ui,
            score.map_or_else(|| "–".into(), |s| format!("{s:.0}")),
            "mean score",
            score.map(|s| score_colour(s.round() as f32, dark)),
        );
        tile(
            ui,
            today
                .upright_share()
                .map_or_else(|| "–".into(), |s| format!("{:.0}%", s * 100.0)),
            "of the time upright",
            None,
        );
        tile(ui, hours_minutes(today.present_s()), "at the desk", None);
        tile(
            ui,
            today.nudges.to_string(),
            &format!(
                "nudges · {} done · {} snoozed",
                today.moves_done, today.snoozed
            ),
            None,
        );
        tile(
            ui,
            hours_minutes(today.longest_streak_s() as f64),
            "longest sit",
            None,
        );
        tile(ui, today.breaks().to_string(), "breaks (up ≥ 2 min)", None);
    });
}

/// One sentence that answers "how did I sit today?".
pub fn verdict(data: &Dashboard) -> String {
    let today = &data.today;
    let Some(upright) = today.upright_share() else {
        return "Nothing judged yet today. Sitwell fills this in while it watches.".into();
    };
    let mut text = format!(
        "Upright {:.0}% of {} judged",
        upright * 100.0,
        hours_minutes(today.posture_s())
    );
    let worst = PATTERNS
        .iter()
        .filter(|p| p.is_slouch())
        .max_by(|a, b| today.seconds_in(**a).total_cmp(&today.seconds_in(**b)));
    if let Some(worst) = worst.filter(|p| today.seconds_in(**p) >= 60.0) {
        text.push_str(&format!("; mostly {} when slouched", pattern_label(*worst)));
    }
    let slump = data
        .by_hour
        .iter()
        .enumerate()
        .filter_map(|(h, t)| t.slouched_share().map(|s| (h, s)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((hour, share)) = slump.filter(|(_, s)| *s >= 0.2) {
        text.push_str(&format!(
            ". You slump most around {hour:02}:00 ({:.0}% slouched)",
            share * 100.0
        ));
    }
    text.push('.');
    text
}

/// The timeline's key: a dot per pattern seen today, and the nudge mark.
fn legend(ui: &mut Ui, data: &Dashboard, dark: bool) {
    for pattern in PATTERNS {
        if !data.timeline.iter().any(|p| p.pattern == pattern) {
            continue;
        }
        let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
        ui.painter()
            .circle_filled(rect.center(), 4.0, pattern_colour(pattern, dark));
        ui.label(RichText::new(pattern_label(pattern)).small());
    }
    if !data.nudges.is_empty() {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(6.0, 12.0), egui::Sense::hover());
        ui.painter().line_segment(
            [rect.center_top(), rect.center_bottom()],
            egui::Stroke::new(1.5, NUDGE_COLOUR),
        );
        ui.label(RichText::new("nudge").small());
    }
}

/// The colour of the nudge marks.
const NUDGE_COLOUR: Color32 = Color32::from_rgb(0xe0, 0x6c, 0x00);

fn timeline(ui: &mut Ui, data: &Dashboard, dark: bool) {
    let (lo, hi) = data
        .timeline
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), p| {
            (lo.min(p.hour), hi.max(p.hour))
        });
    let (lo, hi) = if lo <= hi {
        ((lo - 0.25).max(0.0), (hi + 0.25).min(24.0))
    } else {
        (8.0, 18.0)
    };
    Plot::new("timeline")
        .height(190.0)
        .include_y(0.0)
        .include_y(100.0)
        .default_x_bounds(lo, hi)
        .allow_drag(egui::Vec2b::new(true, false))
        .allow_zoom(egui::Vec2b::new(true, false))
        .allow_scroll(false)
        .x_axis_formatter(|mark, _| clock(mark.value))
        .label_formatter(|hover| {
            let p = match hover {
                egui_plot::HoverPosition::NearDataPoint { position, .. }
                | egui_plot::HoverPosition::Elsewhere { position } => position,
            };
            Some(format!("{}  score {:.0}", clock(p.x), p.y))
        })
        .show(ui, |plot| {
            for pattern in PATTERNS {
                let points: Vec<[f64; 2]> = data
                    .timeline
                    .iter()
                    .filter(|p| p.pattern == pattern)
                    .map(|p| [p.hour, f64::from(p.score.unwrap_or(0.0))])
                    .collect();
                if points.is_empty() {
                    continue;
                }
                plot.points(
                    Points::new(pattern_label(pattern), PlotPoints::from(points))
                        .color(pattern_colour(pattern, dark))
                        .radius(1.8),
                );
            }
            for (hour, _) in &data.nudges {
                plot.vline(
                    VLine::new("nudge", *hour)
                        .color(NUDGE_COLOUR)
                        .style(LineStyle::dashed_loose())
                        .width(1.5),
                );
            }
        });
}

fn pattern_bars(ui: &mut Ui, today: &DaySummary, dark: bool) {
    let total: f64 = today.pattern_s.iter().sum();
    if total <= 0.0 {
        ui.label(RichText::new("none yet").weak());
        return;
    }
    for pattern in PATTERNS {
        let seconds = today.seconds_in(pattern);
        if seconds < 1.0 {
            continue;
        }
        ui.horizontal(|ui| {
            let width = 56.0 * (seconds / total) as f32;
            let (rect, _) = ui.allocate_exact_size(egui::vec2(56.0, 12.0), egui::Sense::hover());
            ui.painter()
                .rect_filled(rect, 2.0, ui.visuals().extreme_bg_color);
            let mut bar = rect;
            bar.set_width(width.max(1.0));
            ui.painter()
                .rect_filled(bar, 2.0, pattern_colour(pattern, dark));
            ui.label(format!(
                "{} {}",
                pattern_label(pattern),
                hours_minutes(seconds)
            ));
        });
    }
}

fn moves_done(ui: &mut Ui, data: &Dashboard) {
    if data.moves_done.is_empty() {
        ui.label(RichText::new("none yet").weak());
        return;
    }
    for (id, times) in &data.moves_done {
        let name = moves::by_id(id).map_or(id.as_str(), |m| m.name);
        ui.add(egui::Label::new(format!("{name} × {times}")).wrap());
    }
}

fn streaks(ui: &mut Ui, data: &Dashboard) {
    if data.streaks.is_empty() {
        ui.label(RichText::new("none yet").weak());
        return;
    }
    // The longest five, in time order.
    let mut longest = data.streaks.clone();
    longest.sort_by(|a, b| (b.1 - b.0).total_cmp(&(a.1 - a.0)));
    longest.truncate(5);
    longest.sort_by(|a, b| a.0.total_cmp(&b.0));
    for (start, end) in longest {
        ui.label(format!(
            "{}–{}  {}",
            clock(start),
            clock(end),
            hours_minutes((end - start) * 3600.0)
        ));
    }
    if data.streaks.len() > 5 {
        ui.label(RichText::new(format!("… {} in all", data.streaks.len())).weak());
    }
}

fn trend(ui: &mut Ui, data: &Dashboard, days: usize, dark: bool) {
    let shown = &data.days[data.days.len().saturating_sub(days)..];
    let first = shown.first().map_or(data.day, |d| d.date);
    let x = |d: NaiveDate| (d - first).num_days() as f64;
    let bars: Vec<Bar> = shown
        .iter()
        .filter_map(|d| {
            let score = d.mean_score()?;
            Some(
                Bar::new(x(d.date), score)
                    .fill(score_colour(score.round() as f32, dark).gamma_multiply(0.8))
                    .name(d.date.format("%a %-d %b").to_string()),
            )
        })
        .collect();
    let upright: Vec<[f64; 2]> = shown
        .iter()
        .filter_map(|d| Some([x(d.date), d.upright_share()? * 100.0]))
        .collect();
    let dates: Vec<NaiveDate> = shown.iter().map(|d| d.date).collect();
    Plot::new(("trend", days))
        .height(150.0)
        .include_y(0.0)
        .include_y(100.0)
        .default_x_bounds(-0.6, dates.len() as f64 - 0.4)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() > 1e-6 || i < 0.0 {
                return String::new();
            }
            dates
                .get(i as usize)
                .map_or_else(String::new, |d| d.format("%a %-d").to_string())
        })
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("mean score", bars).width(0.7));
            plot.line(
                Line::new("% of the time upright", PlotPoints::from(upright.clone()))
                    .color(pattern_colour(Pattern::LookDown, dark))
                    .width(2.5),
            );
            plot.points(
                Points::new("% of the time upright", PlotPoints::from(upright))
                    .color(pattern_colour(Pattern::LookDown, dark))
                    .radius(3.5),
            );
        });
}

fn by_hour(ui: &mut Ui, data: &Dashboard, dark: bool) {
    let bars: Vec<Bar> = data
        .by_hour
        .iter()
        .enumerate()
        .filter_map(|(h, t)| {
            let share = t.slouched_share()? * 100.0;
            Some(
                Bar::new(h as f64 + 0.5, share)
                    .fill(pattern_colour(Pattern::ForwardHead, dark).gamma_multiply(0.85))
                    .name(format!("{h:02}:00")),
            )
        })
        .collect();
    if bars.is_empty() {
        ui.label(RichText::new("not enough history yet").weak());
        return;
    }
    let (lo, hi) = data
        .by_hour
        .iter()
        .enumerate()
        .filter(|(_, t)| t.posture_s >= 60.0)
        .fold((24.0f64, 0.0f64), |(lo, hi), (h, _)| {
            (lo.min(h as f64), hi.max(h as f64 + 1.0))
        });
    Plot::new("by_hour")
        .height(110.0)
        .include_y(0.0)
        .include_y(50.0)
        .default_x_bounds(lo - 0.2, hi + 0.2)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_axis_formatter(|mark, _| format!("{:02}:00", mark.value.round() as i64))
        .y_axis_formatter(|mark, _| format!("{:.0}%", mark.value))
        .y_grid_spacer(egui_plot::uniform_grid_spacer(|_| [10.0, 25.0, 50.0]))
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("% slouched", bars).width(0.8));
        });
}

/// Loads the dashboard for `day` from the history at `db` (on the calling thread).
pub fn load(db: &std::path::Path, day: NaiveDate) -> Result<Dashboard, String> {
    let store = Store::open_existing(db).map_err(|e| e.to_string())?;
    summary::dashboard(&store, day, &chrono::Local).map_err(|e| e.to_string())
}

/// The dashboard with its loading: used by the overlay's history window and by
/// `sitwell dashboard`.
pub struct DashboardPanel {
    db: PathBuf,
    /// A fixed day, or None for today.
    day: Option<NaiveDate>,
    data: Option<Result<Dashboard, String>>,
    loading: Option<Receiver<Result<Dashboard, String>>>,
    loaded_at: Option<Instant>,
    options: Options,
}

impl DashboardPanel {
    pub fn new(db: PathBuf, day: Option<NaiveDate>) -> DashboardPanel {
        DashboardPanel {
            db,
            day,
            data: None,
            loading: None,
            loaded_at: None,
            options: Options::default(),
        }
    }

    /// Starts a reload when due and takes a finished one; never blocks.
    fn poll(&mut self, ctx: &egui::Context) {
        if let Some(rx) = &self.loading {
            match rx.try_recv() {
                Ok(result) => {
                    self.data = Some(result);
                    self.loading = None;
                    self.loaded_at = Some(Instant::now());
                }
                Err(TryRecvError::Empty) => return,
                Err(TryRecvError::Disconnected) => {
                    self.loading = None;
                    self.loaded_at = Some(Instant::now());
                }
            }
        }
        let due = self.loaded_at.is_none_or(|t| t.elapsed() >= RELOAD_EVERY);
        if due && self.loading.is_none() {
            let (tx, rx) = std::sync::mpsc::channel();
            let db = self.db.clone();
            let day = self
                .day
                .unwrap_or_else(|| chrono::Local::now().date_naive());
            let ctx = ctx.clone();
            let spawned = std::thread::Builder::new()
                .name("sitwell-dashboard".into())
                .spawn(move || {
                    let _ = tx.send(load(&db, day));
                    ctx.request_repaint();
                });
            match spawned {
                Ok(_) => self.loading = Some(rx),
                Err(e) => self.data = Some(Err(format!("cannot load the history: {e}"))),
            }
        }
        if let Some(t) = self.loaded_at {
            ctx.request_repaint_after(RELOAD_EVERY.saturating_sub(t.elapsed()));
        }
    }

    /// Draws the panel as the whole of `ui` (a viewport's root).
    pub fn ui(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        self.poll(&ctx);
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| match &self.data {
                None => {
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Reading your history…");
                    });
                }
                Some(Err(message)) => {
                    ui.heading("No history to show");
                    ui.label(message);
                }
                Some(Ok(data)) => show(ui, data, &mut self.options),
            });
        });
    }
}

/// The history window's title.
const TITLE: &str = "Sitwell — history";

/// The history window: an ordinary window (not on top, not click-through), beside the overlay
/// or on its own.
pub fn viewport() -> egui::ViewportBuilder {
    egui::ViewportBuilder::default()
        .with_title(TITLE)
        .with_app_id("sitwell")
        .with_inner_size(WINDOW_SIZE)
}

/// `sitwell dashboard`: the dashboard in its own window.
pub fn run_window(
    db: PathBuf,
    day: Option<NaiveDate>,
    exit_after: Option<f64>,
    screenshot: Option<PathBuf>,
) -> Result<(), super::UiError> {
    crate::platform::window::prepare_display()?;
    let options = eframe::NativeOptions {
        viewport: viewport(),
        renderer: eframe::Renderer::Glow,
        ..eframe::NativeOptions::default()
    };
    let exit = TimedExit::new(
        exit_after
            .filter(|s| *s > 0.0 && s.is_finite())
            .map(Duration::from_secs_f64),
        screenshot,
    );
    let app = DashboardApp {
        panel: DashboardPanel::new(db, day),
        exit,
    };
    eframe::run_native(TITLE, options, Box::new(|_| Ok(Box::new(app))))
        .map_err(|e| super::UiError::Window(e.to_string()))
}

struct DashboardApp {
    panel: DashboardPanel,
    exit: TimedExit,
}

impl eframe::App for DashboardApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.panel.ui(ui);
        let ctx = ui.ctx().clone();
        self.exit.update(&ctx);
    }
}
