//! The overlay's states, rendered and compared with the snapshots in `tests/snapshots/`
//! (look at them: they are what a user sees), and its buttons driven through AccessKit.
//!
//! Record new snapshots with `UPDATE_SNAPSHOTS=1 cargo test --test overlay`.

mod common;

use eframe::egui;
use egui_kittest::kittest::Queryable;
use egui_kittest::{Harness, SnapshotResults};

use sitwell::coach::{ActiveNudge, UserAction};
use sitwell::live::{Phase, Snapshot};
use sitwell::posture::{CameraPlace, Pattern};
use sitwell::ui::view::{self, Countdown, Panel, UiAction, View};

/// What the test's panel remembers between frames: the last action clicked, whether a drag
/// of the window started, and the size the window should have.
struct State {
    view: View,
    picture: Option<egui::TextureHandle>,
    note: Option<String>,
    paused: bool,
    in_call: bool,
    clicked: Option<UiAction>,
    dragged: bool,
    fits: egui::Vec2,
}

fn state(view: View) -> State {
    State {
        view,
        picture: None,
        note: None,
        paused: false,
        in_call: false,
        clicked: None,
        dragged: false,
        fits: egui::Vec2::ZERO,
    }
}

/// The panel in a window of the view's width; [`fit`] then gives it the height the app would.
fn harness(state: State, dark: bool) -> Harness<'static, State> {
    let size = egui::vec2(state.view.width(), view::FIRST_SIZE.y);
    common::themed_harness(size, dark).build_ui_state(
        |ui, s: &mut State| {
            // The app draws on the whole window; kittest's own ui keeps a margin.
            let window = ui.ctx().content_rect();
            let ui = &mut ui.new_child(egui::UiBuilder::new().max_rect(window));
            let out = view::panel(
                ui,
                &Panel {
                    view: &s.view,
                    picture: s.picture.as_ref(),
                    note: s.note.as_deref(),
                    paused: s.paused,
                    in_call: s.in_call,
                    opacity: 1.0,
                },
            );
            if out.action.is_some() {
                s.clicked = out.action;
            }
            s.dragged |= out.drag_started;
            s.fits = out.fits;
        },
        state,
    )
}

/// Sizes the window as the app does (the view's width, or wider for an open menu; the height
/// the content asks for) until it stops changing.
fn fit(h: &mut Harness<'_, State>) {
    h.run();
    for _ in 0..4 {
        let fits = h.state().fits;
        let size = egui::vec2(h.state().view.width().max(fits.x), fits.y);
        if (size - h.ctx.content_rect().size()).abs().max_elem() < 1.0 {
            return;
        }
        h.set_size(size);
        h.run();
    }
    panic!("the panel's size does not settle: {:?}", h.state().fits);
}

fn snap(results: &mut SnapshotResults, name: &str, state: State, dark: bool) {
    let mut h = harness(state, dark);
    fit(&mut h);
    h.snapshot(name);
    results.extend_harness(&mut h);
}

fn nudge() -> ActiveNudge {
    ActiveNudge {
        pattern: Pattern::UpperCrossed,
        move_id: "chin_tuck",
        shown_at: 28.0,
    }
}

#[test]
fn live_score_states() {
    let mut results = SnapshotResults::new();
    snap(
        &mut results,
        "live_upright_dark",
        state(View::Monitoring {
            score: Some(96.0),
            pattern: Some(Pattern::Upright),
            dwell_progress: 0.0,
            in_call: false,
        }),
        true,
    );
    snap(
        &mut results,
        "live_upright_light",
        state(View::Monitoring {
            score: Some(96.0),
            pattern: Some(Pattern::Upright),
            dwell_progress: 0.0,
            in_call: false,
        }),
        false,
    );
    snap(
        &mut results,
        "live_slouching_dark",
        state(View::Monitoring {
            score: Some(54.0),
            pattern: Some(Pattern::UpperCrossed),
            dwell_progress: 0.6,
            in_call: true,
        }),
        true,
    );
    snap(
        &mut results,
        "live_slouching_light",
        state(View::Monitoring {
            score: Some(54.0),
            pattern: Some(Pattern::ForwardHead),
            dwell_progress: 0.6,
            in_call: false,
        }),
        false,
    );
    snap(
        &mut results,
        "live_side_lean_light",
        state(View::Monitoring {
            score: Some(72.0),
            pattern: Some(Pattern::SideLean),
            dwell_progress: 0.3,
            in_call: false,
        }),
        false,
    );
    results.unwrap();
}

#[test]
fn cards() {
    let mut results = SnapshotResults::new();
    snap(
        &mut results,
        "nudge_card",
        state(View::Nudge {
            nudge: nudge(),
            countdown: None,
            in_call: true,
        }),
        true,
    );
    snap(
        &mut results,
        "nudge_card_counting_down",
        state(View::Nudge {
            nudge: nudge(),
            countdown: Some(Countdown { left_s: 95.0 }),
            in_call: false,
        }),
        false,
    );
    snap(
        &mut results,
        "break_card",
        state(View::Break {
            move_id: "doorway_stretch",
            countdown: None,
        }),
        true,
    );
    // A sideways lean's nudge says so and offers its own seated move.
    snap(
        &mut results,
        "nudge_card_side_lean",
        state(View::Nudge {
            nudge: ActiveNudge {
                pattern: Pattern::SideLean,
                move_id: "seated_side_reset",
                shown_at: 28.0,
            },
            countdown: None,
            in_call: false,
        }),
        false,
    );
    // 40 s into the 75 s of wall angels: the fifth of eight reps.
    snap(
        &mut results,
        "break_card_counting_reps",
        state(View::Break {
            move_id: "wall_angels",
            countdown: Some(Countdown { left_s: 35.0 }),
        }),
        false,
    );
    results.unwrap();
}

/// Every move's figure, at the start of its loop, 0.3 into it and at the middle, in a grid with
/// the move's name: the keyframes as a user sees them on the cards.
#[test]
fn every_move_has_its_figure() {
    use sitwell::coach::moves::CATALOGUE;
    use sitwell::ui::figure;
    let mut results = SnapshotResults::new();
    for (name, phase) in [
        ("move_figures_start", 0.0),
        ("move_figures_early", 0.3),
        ("move_figures_hold", 0.5),
    ] {
        let mut h = common::themed_harness(egui::vec2(560.0, 420.0), false).build_ui(move |ui| {
            egui::Grid::new("figures")
                .spacing([8.0, 4.0])
                .show(ui, |ui| {
                    for (i, mv) in CATALOGUE.iter().enumerate() {
                        ui.vertical(|ui| {
                            let f = figure::for_move(mv.id).expect("a figure");
                            figure::show(ui, f, f64::from(f.period_s) * phase);
                            ui.label(egui::RichText::new(mv.id).small());
                        });
                        if i % 5 == 4 {
                            ui.end_row();
                        }
                    }
                });
        });
        h.run_steps(2);
        h.snapshot(name);
        results.extend_harness(&mut h);
    }
    results.unwrap();
}

#[test]
fn quiet_and_problem_states() {
    let mut results = SnapshotResults::new();
    let mut paused = state(View::Paused {
        left_s: Some(14.0 * 60.0 + 5.0),
    });
    paused.paused = true;
    snap(&mut results, "paused", paused, true);
    snap(&mut results, "away", state(View::Away), true);
    snap(&mut results, "too_dark", state(View::TooDark), false);
    snap(&mut results, "starting", state(View::Starting), true);
    snap(
        &mut results,
        "no_camera",
        state(View::NoCamera {
            message: "no camera found; plug one in, or check `sitwell devices`".into(),
        }),
        true,
    );
    snap(
        &mut results,
        "camera_busy",
        state(View::CameraBusy {
            message: "camera #0 is busy: another application is using it; close that application and try again".into(),
            retry_in_s: 8.0,
        }),
        true,
    );
    snap(
        &mut results,
        "model_missing",
        state(View::Broken {
            message: "model file models/pose_landmark_lite.onnx is missing; run scripts/setup.sh or reinstall Sitwell".into(),
        }),
        true,
    );
    snap(&mut results, "replay_ended", state(View::Ended), true);
    results.unwrap();
}

#[test]
fn calibration_view_shows_the_camera_picture_with_the_skeleton() {
    // A real photo through the real model, drawn as the calibration view draws it.
    let image = common::fixtures_dir().join("real/skimage__astronaut.png");
    let rgb = sitwell::capture::images::read_rgb(&image).expect("fixture image");
    let mut estimator = sitwell::pose::PoseEstimator::new(
        sitwell::pose::LandmarkModel::Lite,
        sitwell::pose::Mode::Static,
    )
    .expect("pose model");
    let pose = estimator.estimate(&rgb, 0.0).expect("pose");
    assert!(pose.is_some(), "the astronaut is a person");
    let drawn = sitwell::pose::draw::draw_pose(&rgb, pose.as_ref());
    let small = image::imageops::resize(&drawn, 320, 320, image::imageops::FilterType::Triangle);

    let mut h = harness(
        state(View::Calibrating {
            progress: 0.4,
            place: CameraPlace::Laptop,
            seen: Some("a laptop camera looking up at you (about 17°)".into()),
        }),
        true,
    );
    let picture = egui::ColorImage::from_rgb([320, 320], small.as_raw());
    let texture = |h: &Harness<'_, State>| {
        h.ctx
            .load_texture("calibration", picture.clone(), egui::TextureOptions::LINEAR)
    };
    h.state_mut().picture = Some(texture(&h));
    fit(&mut h);
    h.snapshot("calibrating");
    let mut results = SnapshotResults::new();
    results.extend_harness(&mut h);

    let refused = state(View::CalibrationRefused {
        reason: "shoulders or ears not clearly visible in 12 of 25 frames: sit back so both shoulders are in the picture".into(),
        place: CameraPlace::Other,
    });
    let mut h = harness(refused, true);
    h.state_mut().picture = Some(texture(&h));
    fit(&mut h);
    h.snapshot("calibration_refused");
    results.extend_harness(&mut h);
    results.unwrap();
    h.get_by_label("Try again").click();
    h.run();
    assert_eq!(h.state().clicked, Some(UiAction::Recalibrate));
    // The camera question: a real click on another answer asks to calibrate for it.
    h.get_by_label("On top of a monitor").click();
    h.run();
    assert_eq!(
        h.state().clicked,
        Some(UiAction::CameraPlace(CameraPlace::Monitor))
    );
}

/// Every control's click is a pointer press and release at its centre, hit-tested as a real
/// mouse is: the window-moving background behind the controls must not take them.
#[test]
fn nudge_buttons_answer_the_engine_and_do_not_move_the_window() {
    for (label, expected) in [
        ("Done", UiAction::Act(UserAction::Done)),
        ("Snooze 30 min", UiAction::Act(UserAction::Snooze)),
        ("Not now", UiAction::Act(UserAction::NotNow)),
        ("Start the timer (2:30)", UiAction::StartCountdown),
    ] {
        let mut h = harness(
            state(View::Nudge {
                nudge: nudge(),
                countdown: None,
                in_call: false,
            }),
            true,
        );
        fit(&mut h);
        h.get_by_label(label).click();
        h.run();
        assert_eq!(h.state().clicked, Some(expected), "{label}");
        assert!(!h.state().dragged, "{label} started a window move");
    }
}

#[test]
fn dragging_the_background_or_a_text_moves_the_window() {
    let live = View::Monitoring {
        score: Some(90.0),
        pattern: Some(Pattern::Upright),
        dwell_progress: 0.0,
        in_call: false,
    };
    // The panel's background near its bottom-right corner, and the pattern's word.
    let background = |h: &Harness<'_, State>| h.ctx.content_rect().max - egui::vec2(12.0, 4.0);
    let text = |h: &Harness<'_, State>| h.get_by_label("upright").rect().center();
    for at in [background, text] {
        let mut h = harness(state(live.clone()), true);
        fit(&mut h);
        let from = at(&h);
        h.hover_at(from);
        h.drag_at(from);
        h.run();
        h.hover_at(from + egui::vec2(30.0, 12.0));
        h.run();
        h.drop_at(from + egui::vec2(30.0, 12.0));
        h.run();
        assert!(
            h.state().dragged,
            "a drag from {from:?} did not move the window"
        );
        assert_eq!(h.state().clicked, None);
    }
}

/// Opens the menu of `view` in a window sized as the app sizes it, and checks that every entry
/// is inside the window.
fn open_menu(view: View, paused: bool, entries: &[&str]) -> Harness<'static, State> {
    let mut s = state(view);
    s.paused = paused;
    let mut h = harness(s, true);
    fit(&mut h);
    h.get_by_label("Menu").click();
    fit(&mut h);
    let window = h.ctx.content_rect();
    for entry in entries {
        let rect = h.get_by_label(entry).rect();
        assert!(
            window.contains_rect(rect),
            "menu entry {entry:?} at {rect:?} is outside the {window:?} window"
        );
    }
    h
}

const MENU: [&str; 8] = [
    "Pause 15 min",
    "Pause 60 min",
    "Pause until I resume",
    "In a call (quiet)",
    "Recalibrate",
    "History…",
    "Settings…",
    "Quit",
];

#[test]
fn the_menu_fits_its_window_and_answers_clicks() {
    let live = View::Monitoring {
        score: Some(90.0),
        pattern: Some(Pattern::Upright),
        dwell_progress: 0.0,
        in_call: false,
    };
    let mut h = open_menu(live.clone(), false, &MENU);
    h.remove_cursor();
    h.run();
    h.snapshot("menu_open");
    let mut results = SnapshotResults::new();
    results.extend_harness(&mut h);
    h.get_by_label("Pause 15 min").click();
    h.run();
    assert_eq!(
        h.state().clicked,
        Some(UiAction::Act(UserAction::Pause {
            seconds: Some(900.0)
        }))
    );

    let mut h = open_menu(live.clone(), false, &MENU);
    h.get_by_label("In a call (quiet)").click();
    h.run();
    assert_eq!(
        h.state().clicked,
        Some(UiAction::Act(UserAction::InCall(true)))
    );
    let mut h = open_menu(live, false, &MENU);
    h.get_by_label("Quit").click();
    h.run();
    assert_eq!(h.state().clicked, Some(UiAction::Quit));

    // Paused: the menu offers Resume (as does the paused view); a card's window fits it too.
    let h = open_menu(
        View::Paused { left_s: None },
        true,
        &["In a call (quiet)", "Quit"],
    );
    let resume: Vec<_> = h.get_all_by_label("Resume").collect();
    assert_eq!(resume.len(), 2, "the paused view's Resume and the menu's");
    resume[1].click();
    let mut h = h;
    h.run();
    assert_eq!(h.state().clicked, Some(UiAction::Act(UserAction::Resume)));
    open_menu(
        View::Nudge {
            nudge: nudge(),
            countdown: None,
            in_call: false,
        },
        false,
        &MENU,
    );
    results.unwrap();
}

#[test]
fn a_snapshot_becomes_the_view_the_user_expects() {
    let snapshot = Snapshot {
        phase: Phase::Monitoring,
        t: 100.0,
        score: Some(62.0),
        pattern: Some(Pattern::ForwardHead),
        dwell_progress: 0.5,
        ..Snapshot::default()
    };
    assert!(matches!(
        View::of(&snapshot, None),
        View::Monitoring { dwell_progress, .. } if dwell_progress == 0.5
    ));
    let busy = Snapshot {
        phase: Phase::CameraBusy {
            message: "busy".into(),
            retry_in_s: 4.0,
        },
        ..Snapshot::default()
    };
    assert!(matches!(View::of(&busy, None), View::CameraBusy { .. }));
}

/// The settings panel on its own, remembering what the user decided.
struct PanelState {
    panel: sitwell::ui::settings_panel::SettingsPanel,
    outcome: Option<sitwell::ui::settings_panel::Outcome>,
}

fn settings_harness(
    panel: sitwell::ui::settings_panel::SettingsPanel,
    height: f32,
) -> Harness<'static, PanelState> {
    Harness::builder()
        .with_size(egui::vec2(view::SETTINGS_WIDTH, height))
        .wgpu()
        .build_ui_state(
            |ui, s: &mut PanelState| {
                if let Some(outcome) = s.panel.show(ui) {
                    s.outcome = Some(outcome);
                }
            },
            PanelState {
                panel,
                outcome: None,
            },
        )
}

#[test]
fn settings_panel_edits_a_draft_and_saves_or_cancels() {
    use sitwell::config::Settings;
    use sitwell::ui::settings_panel::{Outcome, SettingsPanel};

    // No camera found (as in CI): the camera is typed in.
    let build = || {
        settings_harness(
            SettingsPanel::with_cameras(Settings::default(), Vec::new()),
            400.0,
        )
    };
    let mut h = build();
    h.run();
    h.snapshot("settings_panel");
    h.get_by_label("Start paused (camera off)").click();
    h.run();
    h.get_by_label("Save").click();
    h.run();
    let expected = Settings {
        start_paused: true,
        ..Settings::default()
    };
    assert_eq!(h.state().outcome, Some(Outcome::Save(Box::new(expected))));
    let mut results = SnapshotResults::new();
    results.extend_harness(&mut h);

    let mut h = build();
    h.run();
    h.get_by_label("Cancel").click();
    h.run();
    assert_eq!(h.state().outcome, Some(Outcome::Cancel));
    results.extend_harness(&mut h);
    results.unwrap();
}

/// With cameras found, the settings list them by name (infrared ones left out); choosing one
/// saves its index.
#[test]
fn the_settings_list_the_cameras_by_name_and_save_the_one_chosen() {
    use sitwell::capture::camera::DeviceInfo;
    use sitwell::config::Settings;
    use sitwell::ui::settings_panel::{Outcome, SettingsPanel};

    let device = |index: &str, name: &str| DeviceInfo {
        index: index.into(),
        name: name.into(),
        description: String::new(),
    };
    let cameras = sitwell::capture::camera::usable(vec![
        device("0", "Integrated Camera: Integrated C"),
        device("2", "Integrated IR Camera"),
        device("4", "HD Pro Webcam C920"),
    ]);
    let mut h = settings_harness(
        SettingsPanel::with_cameras(Settings::default(), cameras),
        460.0,
    );
    h.run();
    h.get_by_label("Camera").click();
    h.run();
    h.snapshot("settings_camera_list");
    assert!(h.query_by_label("Integrated IR Camera").is_none());
    h.get_by_label("HD Pro Webcam C920").click();
    h.run();
    h.get_by_label("Save").click();
    h.run();
    let Some(Outcome::Save(saved)) = &h.state().outcome else {
        panic!("not saved: {:?}", h.state().outcome);
    };
    assert_eq!(saved.camera, "4");
}

/// The in-call dot: nothing personal on a shared screen, a ring when a move waits, a click
/// opens the panel, a drag moves it.
#[test]
fn the_call_dot_shows_nothing_personal_and_opens_on_a_click() {
    struct Dot {
        waiting: bool,
        clicked: Option<UiAction>,
        dragged: bool,
    }
    let build = |waiting: bool, dark: bool| {
        common::themed_harness(view::DOT_SIZE, dark).build_ui_state(
            |ui, s: &mut Dot| {
                let window = ui.ctx().content_rect();
                let ui = &mut ui.new_child(egui::UiBuilder::new().max_rect(window));
                let out = view::call_dot(ui, s.waiting);
                assert_eq!(out.fits, view::DOT_SIZE);
                s.clicked = s.clicked.or(out.action);
                s.dragged |= out.drag_started;
            },
            Dot {
                waiting,
                clicked: None,
                dragged: false,
            },
        )
    };
    let mut results = SnapshotResults::new();
    for (name, waiting, dark) in [
        ("call_dot_dark", false, true),
        ("call_dot_light", false, false),
        ("call_dot_move_waiting", true, true),
    ] {
        let mut h = build(waiting, dark);
        h.run();
        h.snapshot(name);
        results.extend_harness(&mut h);
    }
    results.unwrap();
    // No score and no words, for a screen reader a name.
    let mut h = build(false, true);
    h.run();
    let dot = h.get_by_label("Sitwell, in a call (click to open)");
    dot.click();
    h.run();
    assert_eq!(h.state().clicked, Some(UiAction::OpenPanel));
    let mut h = build(true, true);
    h.run();
    let centre = egui::pos2(14.0, 14.0);
    h.hover_at(centre);
    h.drag_at(centre);
    h.run();
    h.hover_at(centre + egui::vec2(40.0, 20.0));
    h.run();
    h.drop_at(centre + egui::vec2(40.0, 20.0));
    h.run();
    assert!(h.state().dragged && h.state().clicked.is_none());
}
