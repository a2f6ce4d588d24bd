//! The session's tests: each drives the pure step with frames, commands and ticks, and reads
//! what it says to do.

use std::sync::OnceLock;

use super::*;
use crate::live::camera_policy::{PEEK_FOR_S, RELEASE_AFTER_AWAY_S, STOP_PEEKING_AFTER_S};
use crate::pose::{LandmarkModel, Mode, PoseEstimator};

/// Real poses of one rendered subject, found once by the real model: upright, upright
/// again (another take) and fully slouched.
struct Poses {
    picture: RgbImage,
    upright: [Pose; 2],
    slouched: Pose,
}

fn poses() -> &'static Poses {
    static POSES: OnceLock<Poses> = OnceLock::new();
    POSES.get_or_init(|| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/synthetic");
        let mut estimator =
            PoseEstimator::new(LandmarkModel::Lite, Mode::Static).expect("the pose model loads");
        let mut pose = |name: &str| {
            let image = image::open(dir.join(name))
                .expect("fixture reads")
                .to_rgb8();
            let pose = estimator.estimate(&image, 0.0).expect("model runs");
            (pose.expect("a person is found"), image)
        };
        let (upright, picture) = pose("D1_upright.jpg");
        let (upright_var, _) = pose("D1_upright_var.jpg");
        let (slouched, _) = pose("D1_slouch_100.jpg");
        Poses {
            picture,
            upright: [upright, upright_var],
            slouched,
        }
    })
}

/// Unix time of engine time 0 in these tests.
const ORIGIN: f64 = 1_800_000_000.0;

fn setup(from_camera: bool) -> SessionSetup {
    SessionSetup {
        model: "lite",
        camera_place: CameraPlace::default(),
        baseline: None,
        judge: JudgeConfig::default(),
        engine: EngineConfig::default().with_dwell(10.0),
        start_paused: false,
        battery_saver: true,
        from_camera,
        history_origin: Some(ORIGIN),
    }
}

fn at(t: f64) -> At {
    At {
        t,
        unix: ORIGIN + t,
        since_start: t,
    }
}

/// Drives a session; keeps everything it asked for.
struct Drive {
    session: Session,
    journal: Vec<Entry>,
    effects: Vec<EffectAt>,
    t: f64,
}

impl Drive {
    fn new(setup: SessionSetup) -> Drive {
        let (session, step) = Session::new(setup);
        let mut drive = Drive {
            session,
            journal: Vec::new(),
            effects: Vec::new(),
            t: 0.0,
        };
        drive.keep(step);
        drive.input(Input::Source(SourceEvent::Opened {
            name: "test camera".into(),
        }));
        drive
    }

    fn keep(&mut self, step: Step) -> bool {
        self.journal.extend(step.journal);
        self.effects.extend(step.effects);
        step.calibrated
    }

    fn input(&mut self, input: Input<'_>) -> bool {
        let step = self.session.step(at(self.t), input);
        self.keep(step)
    }

    /// Frames showing `pose` (None: nobody) every `every_s` until `until`.
    fn frames(&mut self, pose: Option<&Pose>, until: f64, every_s: f64) -> bool {
        let picture = &poses().picture;
        let mut calibrated = false;
        while self.t < until {
            self.t += every_s;
            let look = Look {
                picture,
                pose,
                model_ran: true,
            };
            calibrated |= self.input(Input::Looked(look));
        }
        calibrated
    }

    fn command(&mut self, command: Command) {
        self.input(Input::Command(command));
    }

    fn kinds(&self) -> Vec<&'static str> {
        self.effects.iter().map(|e| e.effect.kind()).collect()
    }

    fn logged(&self, kind: &str) -> Vec<&serde_json::Value> {
        self.journal
            .iter()
            .filter_map(|e| match e {
                Entry::Log(v) if v["kind"] == kind => Some(v),
                _ => None,
            })
            .collect()
    }

    fn history_events(&self) -> Vec<EventKind> {
        self.journal
            .iter()
            .filter_map(|e| match e {
                Entry::Event(event) => Some(event.kind),
                _ => None,
            })
            .collect()
    }

    fn slices(&self) -> Vec<&Slice> {
        self.journal
            .iter()
            .filter_map(|e| match e {
                Entry::Slice(s) => Some(s),
                _ => None,
            })
            .collect()
    }
}

/// Calibrated on 6 s of upright sitting (alternating two takes, as a person moves).
fn calibrated(from_camera: bool) -> Drive {
    let mut d = Drive::new(setup(from_camera));
    let p = poses();
    assert!(d.session.calibrating());
    let mut calibrated = false;
    for i in 0..24 {
        calibrated |= d.frames(Some(&p.upright[i % 2]), 0.25 * (i + 1) as f64, 0.25);
    }
    assert!(calibrated, "{:?}", d.session.snapshot().phase);
    assert_eq!(d.session.snapshot().phase, Phase::Monitoring);
    d
}

#[test]
fn calibration_measures_then_judging_nudges_a_slouch_and_clears_it() {
    let p = poses();
    let mut d = Drive::new(setup(false));
    // While measuring: the progress, a preview picture for each frame, no score.
    d.frames(Some(&p.upright[0]), 2.5, 0.25);
    let snapshot = d.session.snapshot();
    assert!(
        matches!(snapshot.phase, Phase::Calibrating { progress } if (0.4..0.6).contains(&progress)),
        "{:?}",
        snapshot.phase
    );
    assert!(
        snapshot
            .preview
            .as_ref()
            .is_some_and(|p| p.image.width() == 320)
    );
    assert_eq!(snapshot.score, None);
    let mut d = calibrated(false);
    assert_eq!(d.logged("calibrated").len(), 1);
    assert!(d.session.baseline().is_some());
    d.frames(Some(&p.upright[0]), 15.0, 0.25);
    let upright_score = d.session.snapshot().score.expect("judged");
    assert!(upright_score > 70.0, "{upright_score}");
    assert!(d.kinds().is_empty(), "{:?}", d.kinds());
    // Slouched past the entry time and the 10 s dwell: one nudge.
    d.frames(Some(&p.slouched), 30.0, 0.25);
    assert_eq!(d.kinds(), ["nudge"]);
    let slouched_score = d.session.snapshot().score.expect("judged");
    assert!(slouched_score < upright_score - 20.0, "{slouched_score}");
    assert!(d.session.snapshot().nudge.is_some());
    // Sitting up clears it.
    d.frames(Some(&p.upright[1]), 36.0, 0.25);
    assert_eq!(d.kinds(), ["nudge", "nudge_cleared"]);
    assert!(d.session.snapshot().nudge.is_none());
    // Every effect went into the log too.
    assert_eq!(d.logged("nudge").len(), 1);
    assert_eq!(d.logged("nudge_cleared").len(), 1);
}

#[test]
fn nobody_in_front_of_the_camera_refuses_the_calibration_and_turns_the_camera_off() {
    let mut d = Drive::new(setup(true));
    d.frames(None, 6.0, 0.25);
    assert!(matches!(
        d.session.snapshot().phase,
        Phase::CalibrationRefused { .. }
    ));
    assert!(!d.session.steer().camera_wanted);
    assert_eq!(d.logged("calibration_refused").len(), 1);
    assert!(d.history_events().contains(&EventKind::CalibrationRefused));
    // A retry measures again, with the camera on.
    d.command(Command::Recalibrate);
    assert!(d.session.calibrating());
    assert!(d.session.steer().camera_wanted);
}

#[test]
fn pausing_turns_the_camera_off_and_hides_the_score_until_resumed() {
    let p = poses();
    let mut d = calibrated(true);
    d.frames(Some(&p.upright[0]), 8.0, 0.25);
    assert!(d.session.snapshot().score.is_some());
    d.command(Command::Act(UserAction::Pause {
        seconds: Some(60.0),
    }));
    let snapshot = d.session.snapshot();
    assert_eq!(snapshot.paused, Some(Some(8.0 + 60.0)));
    assert_eq!(snapshot.score, None);
    assert!(!d.session.steer().camera_wanted);
    // The pause runs out by itself.
    d.t = 70.0;
    d.input(Input::Tick);
    assert!(d.session.steer().camera_wanted);
    assert_eq!(d.kinds(), ["paused", "resumed"]);
    let events = d.history_events();
    assert!(events.contains(&EventKind::Paused) && events.contains(&EventKind::Resumed));
}

#[test]
fn nobody_in_a_dark_picture_is_too_dark_not_away() {
    let p = poses();
    let mut d = calibrated(true);
    d.frames(Some(&p.upright[0]), 8.0, 0.25);
    assert!(!d.session.snapshot().too_dark);
    // The run's first score is noted once, with the time since the pipeline started.
    let first = d.logged("first_score");
    assert_eq!(first.len(), 1, "{first:?}");
    assert!(first[0]["since_start_s"].as_f64().is_some_and(|s| s > 0.0));
    // The lit picture with nobody found: away, not too dark.
    d.frames(None, 15.0, 0.5);
    assert!(d.session.snapshot().away && !d.session.snapshot().too_dark);
    // A black picture with nobody found: too dark to tell.
    let dark = RgbImage::from_pixel(640, 480, image::Rgb([8, 8, 8]));
    d.t += 0.5;
    d.input(Input::Looked(Look {
        picture: &dark,
        pose: None,
        model_ran: true,
    }));
    assert!(d.session.snapshot().too_dark);
    // Found again: neither.
    d.frames(Some(&p.upright[0]), d.t + 1.0, 0.25);
    assert!(!d.session.snapshot().too_dark && !d.session.snapshot().away);
}

#[test]
fn away_releases_the_camera_after_two_minutes_and_peeks_now_and_then() {
    let p = poses();
    let mut d = calibrated(true);
    d.frames(Some(&p.upright[0]), 8.0, 0.25);
    // Nobody: away after the engine's 5 s.
    d.frames(None, 15.0, 0.5);
    assert_eq!(d.kinds(), ["away"]);
    assert!(d.session.snapshot().away);
    assert!(d.session.steer().camera_wanted, "still looking at first");
    // Two minutes on, the camera goes off but for a short look every 30 s.
    // The capture thread releases and reopens the camera as steered; each peek sees the
    // empty chair.
    let away_at = d.effects[0].t;
    let (mut wanted, mut camera_on) = (Vec::new(), true);
    for s in 0..120 {
        d.t = away_at + RELEASE_AFTER_AWAY_S + f64::from(s);
        let steer = d.session.steer();
        if steer.camera_wanted != camera_on {
            camera_on = steer.camera_wanted;
            d.input(Input::Source(if camera_on {
                SourceEvent::Opened {
                    name: "test camera".into(),
                }
            } else {
                SourceEvent::Released
            }));
        }
        if camera_on {
            d.frames(None, d.t + 0.5, 0.5);
        } else {
            d.input(Input::Tick);
        }
        wanted.push(d.session.steer().camera_wanted);
    }
    let on = wanted.iter().filter(|w| **w).count();
    // Four peeks of PEEK_FOR_S seconds in two minutes, give or take a second each.
    assert!(
        (4 * PEEK_FOR_S as usize..=4 * (PEEK_FOR_S as usize + 1)).contains(&on),
        "{wanted:?}"
    );
    let ons = d
        .logged("camera")
        .iter()
        .filter(|v| v["on"] == true)
        .count();
    assert!((5..=6).contains(&ons), "{ons} openings");
    // Back in view: the camera stays on.
    d.frames(Some(&p.upright[0]), d.t + 1.0, 0.25);
    assert_eq!(d.kinds(), ["away", "back"]);
    assert!(d.session.steer().camera_wanted);
}

#[test]
fn a_screen_lock_or_a_sleep_pauses_with_the_camera_off_and_its_end_resumes() {
    let p = poses();
    let mut d = calibrated(true);
    d.frames(Some(&p.upright[0]), 8.0, 0.25);
    d.command(Command::Desk(DeskChange::Locked(true)));
    assert!(!d.session.steer().camera_wanted);
    assert_eq!(d.session.snapshot().paused, Some(None));
    d.t = 20.0;
    d.command(Command::Desk(DeskChange::Locked(false)));
    assert!(d.session.steer().camera_wanted);
    assert_eq!(d.session.snapshot().paused, None);
    assert_eq!(d.kinds(), ["paused", "resumed"]);
    let locks: Vec<bool> = d
        .logged("screen_locked")
        .iter()
        .filter_map(|v| v["on"].as_bool())
        .collect();
    assert_eq!(locks, [true, false]);
    // Asleep while the user had paused by hand: waking leaves their pause alone.
    d.command(Command::Act(UserAction::Pause { seconds: None }));
    d.command(Command::Desk(DeskChange::Sleeping(true)));
    d.command(Command::Desk(DeskChange::Sleeping(false)));
    assert_eq!(d.session.snapshot().paused, Some(None));
    // Locked, then resumed by hand: the unlock does not pause or resume again.
    d.command(Command::Act(UserAction::Resume));
    d.command(Command::Desk(DeskChange::Locked(true)));
    d.command(Command::Act(UserAction::Resume));
    d.command(Command::Desk(DeskChange::Locked(false)));
    assert_eq!(d.session.snapshot().paused, None);
    // The camera stays off while locked, even when the user resumed by hand.
    d.command(Command::Desk(DeskChange::Locked(true)));
    d.command(Command::Act(UserAction::Resume));
    assert!(!d.session.steer().camera_wanted);
}

#[test]
fn long_away_the_camera_stops_peeking_and_looks_when_the_keyboard_is_touched() {
    let p = poses();
    let mut d = calibrated(true);
    d.frames(Some(&p.upright[0]), 8.0, 0.25);
    d.frames(None, 15.0, 0.5);
    let away_at = d.effects[0].t;
    // The desk tells the idle time: nobody has touched anything since they left.
    let mut on_at = Vec::new();
    for s in 0..600 {
        d.t = away_at + f64::from(s);
        d.command(Command::Desk(DeskChange::InputIdle(d.t - 8.0)));
        if d.session.steer().camera_wanted {
            on_at.push(s);
        }
    }
    let after_stop = on_at
        .iter()
        .filter(|s| f64::from(**s) > STOP_PEEKING_AFTER_S + 1.0)
        .count();
    assert_eq!(after_stop, 0, "still peeking: {on_at:?}");
    assert!(
        on_at.iter().any(|s| f64::from(*s) > RELEASE_AFTER_AWAY_S),
        "peeks first"
    );
    // A key pressed: the camera looks at once.
    d.command(Command::Desk(DeskChange::InputIdle(0.5)));
    assert!(d.session.steer().camera_wanted);
    // Nothing more for a while: off again.
    d.t += 20.0;
    d.command(Command::Desk(DeskChange::InputIdle(20.5)));
    assert!(!d.session.steer().camera_wanted);
    // The idle time stops coming (its watcher ended): peeking again, as without one.
    let peeks = (0..120)
        .filter(|_| {
            d.t += 1.0;
            d.input(Input::Tick);
            d.session.steer().camera_wanted
        })
        .count();
    assert!(peeks >= 3 * PEEK_FOR_S as usize - 2, "{peeks}");
}

#[test]
fn a_detected_call_quiets_the_coach_and_its_end_lifts_it_unless_set_by_hand() {
    let mut d = calibrated(true);
    let call = |on: bool| {
        Command::CallDetected(CallChange {
            on,
            by: on.then(|| "zoom".to_owned()),
        })
    };
    d.command(call(true));
    assert!(d.session.snapshot().in_call);
    assert!(
        d.session
            .snapshot()
            .note
            .as_deref()
            .is_some_and(|n| n.contains("zoom"))
    );
    d.command(call(false));
    assert!(!d.session.snapshot().in_call);
    let by: Vec<&str> = d
        .logged("in_call")
        .iter()
        .filter_map(|v| v["by"].as_str())
        .collect();
    assert_eq!(by, ["zoom", "detected"]);
    // Set by hand, a call stays on when the microphone goes quiet.
    d.command(Command::Act(UserAction::InCall(true)));
    d.command(call(false));
    assert!(d.session.snapshot().in_call);
    assert!(d.history_events().contains(&EventKind::InCall));
}

#[test]
fn the_history_gets_the_session_its_slices_and_its_end() {
    let p = poses();
    let mut d = calibrated(false);
    d.frames(Some(&p.upright[0]), 40.0, 0.25);
    d.frames(Some(&p.slouched), 70.0, 0.25);
    d.input(Input::Tick);
    let end = d.session.finish();
    d.journal.extend(end);
    let events = d.history_events();
    assert_eq!(events.first(), Some(&EventKind::SessionStart));
    assert_eq!(events.last(), Some(&EventKind::SessionEnd));
    assert!(events.contains(&EventKind::Calibrated));
    assert!(events.contains(&EventKind::Nudge));
    let slices = d.slices();
    // 10 s slices from the end of calibration to 70 s, each on the 10 s grid.
    assert!((6..=8).contains(&slices.len()), "{}", slices.len());
    assert!(
        slices
            .iter()
            .all(|s| s.start % crate::history::SLICE_S == 0)
    );
    let judged: f32 = slices.iter().flat_map(|s| s.pattern_s).sum();
    assert!((55.0..=65.0).contains(&judged), "{judged}");
    let slouched: f32 = slices
        .iter()
        .map(|s| crate::history::slouched(&s.pattern_s))
        .sum();
    assert!((20.0..=31.0).contains(&slouched), "{slouched}");
    // Finishing twice writes nothing more.
    assert!(d.session.finish().is_empty());
}
