//! The history dashboard, drawn from a real SQLite history seeded with synthetic workdays and
//! compared with the snapshots in `tests/snapshots/` (look at them). Times are UTC here so the
//! pictures do not depend on the machine's time zone.
//!
//! Record new snapshots with `UPDATE_SNAPSHOTS=1 cargo test --test dashboard`.

mod common;

use chrono::{NaiveDate, Utc};
use eframe::egui;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotResults};

use sitwell::history::summary::{self, Dashboard};
use sitwell::history::{Store, sample};
use sitwell::ui::dashboard::{self, Options, WINDOW_SIZE};

fn seeded(tag: &str, days: u64) -> Dashboard {
    let dir = common::temp_dir("dash", tag);
    let (mut store, _) = Store::open(&dir.join("history.sqlite")).expect("a history");
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).expect("a Friday");
    if days > 0 {
        sample::fill(&mut store, day, days, &Utc).expect("seeded");
    }
    let mut data = summary::dashboard(&store, day, &Utc).expect("dashboard data");
    // The load time is shown; fix it so the picture is stable.
    data.loaded_in = std::time::Duration::from_millis(12);
    data
}

struct State {
    data: Dashboard,
    options: Options,
}

fn harness(data: Dashboard, dark: bool) -> Harness<'static, State> {
    common::themed_harness(egui::vec2(WINDOW_SIZE[0], WINDOW_SIZE[1]), dark).build_ui_state(
        |ui, s: &mut State| {
            egui::Frame::central_panel(ui.style()).show(ui, |ui| {
                dashboard::show(ui, &s.data, &mut s.options);
            });
        },
        State {
            data,
            options: Options::default(),
        },
    )
}

#[test]
fn a_month_of_history_reads_at_a_glance_in_both_themes() {
    let data = seeded("month", 30);
    let mut results = SnapshotResults::new();
    for dark in [true, false] {
        let mut h = harness(data.clone(), dark);
        h.run();
        // The headline numbers and the sentence that answers "how did I sit today?".
        h.get_by_label("mean score");
        h.get_by_label("longest sit");
        let verdict = dashboard::verdict(&data);
        assert!(verdict.starts_with("Upright "), "{verdict}");
        assert!(verdict.contains("slump most around"), "{verdict}");
        h.get_by_label(&verdict);
        results.add(h.try_snapshot(if dark {
            "dashboard_dark"
        } else {
            "dashboard_light"
        }));
    }
}

#[test]
fn the_trend_switches_between_seven_and_thirty_days() {
    let mut h = harness(seeded("trend", 30), true);
    h.run();
    assert_eq!(h.state().options.trend_days, 7);
    h.get_by_label("30 days").click();
    h.run();
    assert_eq!(h.state().options.trend_days, 30);
    let mut results = SnapshotResults::new();
    results.add(h.try_snapshot("dashboard_30_days"));
}

#[test]
fn an_empty_history_says_what_will_appear() {
    let data = seeded("empty", 0);
    assert!(data.timeline.is_empty());
    let mut h = harness(data.clone(), false);
    h.run();
    h.get_by_label(&dashboard::verdict(&data));
    assert!(dashboard::verdict(&data).starts_with("Nothing judged yet today"));
    assert_eq!(h.query_all_by_label("none yet").count(), 3);
}
