//! `sitwell analyze` end to end, as a user runs it: output contract, annotation, statistics,
//! and clear messages for bad input, a missing model and a missing ONNX Runtime.

mod common;

use std::process::{Command, Output};

use common::fixtures_dir;
use serde_json::Value;
use sitwell::pose::LandmarkModel;

fn sitwell(args: &[&str], envs: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sitwell"));
    cmd.args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    common::output_within(&mut cmd, common::SUBPROCESS_LIMIT)
}

fn fixture(rel: &str) -> String {
    fixtures_dir().join(rel).display().to_string()
}

fn temp_dir(tag: &str) -> common::Scratch {
    common::temp_dir("cli", tag)
}

/// Asserts a zero exit, showing stderr otherwise.
fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn records(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn jsonl_records_follow_the_contract() {
    let out = sitwell(&["analyze", &fixture("real/skimage__astronaut.png")], &[]);
    assert_ok(&out);
    let recs = records(&out);
    assert_eq!(recs.len(), 1);
    let r = &recs[0];
    assert_eq!(r["frame"], 0);
    assert_eq!(r["person"], true);
    assert!(
        r["source"]
            .as_str()
            .is_some_and(|s| s.ends_with("skimage__astronaut.png"))
    );
    let kps = r["keypoints"].as_array().expect("keypoints");
    let world = r["world"].as_array().expect("world");
    assert_eq!((kps.len(), world.len()), (33, 33));
    assert!(
        kps.iter()
            .all(|k| k.as_array().is_some_and(|a| a.len() == 4))
    );
    // The nose is above the shoulders, in the image and in metres (y down in both).
    let y = |v: &Value| v[1].as_f64().expect("number");
    assert!(y(&kps[0]) < y(&kps[11]) && y(&world[0]) < y(&world[11]));
}

#[test]
fn a_video_is_tracked_frame_by_frame_with_times() {
    let out = sitwell(&["analyze", &fixture("synthetic/seq_D1.mp4")], &[]);
    assert_ok(&out);
    let recs = records(&out);
    assert_eq!(recs.len(), 300, "60 s at 5 fps");
    assert!(recs.iter().all(|r| r["person"] == true));
    let t = |i: usize| recs[i]["t"].as_f64().expect("t");
    assert!(
        (t(10) - 2.0).abs() < 1e-6,
        "frame 10 of a 5 fps clip is at 2 s, got {}",
        t(10)
    );
}

#[test]
fn mediapipe_clock_tracks_like_mediapipe_and_keeps_the_video_times() {
    // seq_D1 is a 5 fps render; MediaPipe's Python API tracked it as if it were 30 fps.
    let clip = fixture("synthetic/seq_D1.mp4");
    let golden = common::Golden::load(&common::golden_dir().join("clips.json"))
        .clip("seq_D1.mp4", LandmarkModel::Lite);
    let median_error = |recs: &[Value]| {
        let errors: Vec<f64> = recs
            .iter()
            .zip(&golden)
            .filter_map(|(r, g)| Some((r["keypoints"].as_array()?, g.as_ref()?)))
            .flat_map(|(ours, theirs)| {
                let xy = |i: usize| {
                    let c = |k: usize| ours[i][k].as_f64().expect("coordinate");
                    (c(0), c(1))
                };
                common::head_errors_at(theirs, xy).into_iter().map(|e| e.1)
            })
            .collect();
        common::median(&errors)
    };
    let video = sitwell(&["analyze", &clip], &[]);
    let mediapipe = sitwell(&["analyze", "--clock", "mediapipe", &clip], &[]);
    assert_ok(&video);
    assert_ok(&mediapipe);
    let (video, mediapipe) = (records(&video), records(&mediapipe));
    assert_eq!(mediapipe.len(), 300);
    assert_eq!(
        mediapipe[10]["t"], video[10]["t"],
        "records keep the video's time"
    );
    let (on_video, on_mediapipe) = (median_error(&video), median_error(&mediapipe));
    assert!(
        on_mediapipe < 0.5 && on_mediapipe < on_video,
        "median error {on_mediapipe:.2} px on MediaPipe's clock, {on_video:.2} px on the video's"
    );
}

#[test]
fn unreadable_inputs_are_named_and_the_rest_still_processed() {
    let dir = temp_dir("bad");
    let corrupt = dir.join("corrupt.jpg");
    std::fs::write(&corrupt, b"\xff\xd8 this is not really a jpeg").expect("write");
    let missing = dir.join("missing.png");
    let good = fixture("real/skimage__astronaut.png");
    let out = sitwell(
        &[
            "analyze",
            corrupt.to_str().expect("utf8"),
            &good,
            missing.to_str().expect("utf8"),
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "non-zero exit when an input fails"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("corrupt.jpg") && err.contains("missing.png"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    let recs = records(&out);
    assert_eq!(recs.len(), 1, "the good image is still analysed");
    assert_eq!(recs[0]["person"], true);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn no_person_is_reported_as_such() {
    // A blank frame: no detection, null keypoints.
    let dir = temp_dir("blank");
    let blank = dir.join("blank.png");
    image::RgbImage::from_pixel(320, 240, image::Rgb([40, 40, 40]))
        .save(&blank)
        .expect("save");
    let out = sitwell(&["analyze", blank.to_str().expect("utf8")], &[]);
    assert!(out.status.success());
    let recs = records(&out);
    assert_eq!(recs[0]["person"], false);
    assert!(recs[0]["keypoints"].is_null() && recs[0]["world"].is_null());
    std::fs::remove_dir_all(dir).ok();
}

/// A JPEG whose header claims 60 000 × 60 000 pixels (10.8 GB of RGB) next to a good one: the
/// bomb is named and refused before any allocation, the good picture still analysed.
#[test]
fn a_decompression_bomb_is_named_and_the_rest_of_the_batch_analysed() {
    let dir = temp_dir("bomb");
    let good = fixture("real/face_recognition__obama_portrait.jpg");
    let mut bytes = std::fs::read(&good).expect("fixture");
    // Walk the segments (an EXIF thumbnail has frame headers of its own) to the picture's.
    let mut sof = 2;
    while bytes[sof + 1] != 0xc0 {
        sof += 2 + usize::from(u16::from_be_bytes([bytes[sof + 2], bytes[sof + 3]]));
    }
    bytes[sof + 5..sof + 9].copy_from_slice(&[0xea, 0x60, 0xea, 0x60]); // 60 000 high, wide
    let bomb = dir.join("bomb.jpg");
    std::fs::write(&bomb, bytes).expect("write");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sitwell"));
    cmd.args(["analyze", bomb.to_str().expect("utf8"), &good]);
    let (out, peak_mb) = common::measured_within(&mut cmd, common::SUBPROCESS_LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("bomb.jpg") && stderr.contains("60000"),
        "{stderr}"
    );
    let recs = records(&out);
    assert_eq!(
        recs.len(),
        1,
        "only the good picture has a record: {recs:?}"
    );
    assert!(
        recs[0]["source"]
            .as_str()
            .is_some_and(|s| s.ends_with("obama_portrait.jpg"))
    );
    assert_eq!(recs[0]["person"], true);
    assert!(
        recs[0]["keypoints"]
            .as_array()
            .is_some_and(|k| k.len() == 33),
        "{:?}",
        recs[0]
    );
    assert!(peak_mb < 300.0, "peak RSS {peak_mb:.0} MB");
}

#[test]
fn annotate_csv_and_stats() {
    let dir = temp_dir("annotate");
    let out = sitwell(
        &[
            "analyze",
            "--format",
            "csv",
            "--stats",
            "--annotate",
            dir.to_str().expect("utf8"),
            &fixture("real/face_recognition__obama_portrait.jpg"),
        ],
        &[],
    );
    assert_ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut lines = stdout.lines();
    assert!(
        lines
            .next()
            .is_some_and(|h| h.starts_with("source,frame,t,person,nose_x,nose_y"))
    );
    assert!(lines.next().is_some_and(|row| row.contains(",true,")));
    let png = dir.join("face_recognition__obama_portrait_00000.png");
    let drawn = image::open(&png)
        .expect("annotated PNG written")
        .into_rgb8();
    let original = image::open(fixture("real/face_recognition__obama_portrait.jpg"))
        .expect("fixture")
        .into_rgb8();
    assert_eq!(drawn.dimensions(), original.dimensions());
    assert_ne!(drawn.as_raw(), original.as_raw(), "the skeleton is drawn");
    let err = String::from_utf8_lossy(&out.stderr);
    let stats_line = err
        .lines()
        .find(|l| l.starts_with("{\"stats\""))
        .expect("JSON stats line");
    let stats: Value = serde_json::from_str(stats_line).expect("stats JSON");
    assert_eq!(stats["stats"]["frames"], 1);
    assert_eq!(stats["stats"]["person"], 1);
    for key in [
        "pose_cpu_ms_median",
        "pose_cpu_ms_mean",
        "pose_wall_ms_median",
        "decode_ms_mean",
        "peak_rss_mb",
    ] {
        assert!(
            stats["stats"][key].as_f64().is_some_and(|v| v > 0.0),
            "{key}"
        );
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn missing_onnx_runtime_gets_one_clear_sentence() {
    let out = sitwell(
        &["analyze", &fixture("real/skimage__astronaut.png")],
        &[("ORT_DYLIB_PATH", "/nonexistent/libonnxruntime.so.1.31.1")],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("scripts/fetch-ort.sh") && err.contains("ORT_DYLIB_PATH"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn missing_and_corrupt_models_are_explained() {
    let dir = temp_dir("models");
    let analyze_with_models_in_dir = || {
        sitwell(
            &["analyze", &fixture("real/skimage__astronaut.png")],
            &[("SITWELL_MODEL_DIR", dir.to_str().expect("utf8"))],
        )
    };
    let out = analyze_with_models_in_dir();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pose_detection.onnx") && err.contains("missing"),
        "{err}"
    );

    let models = fixtures_dir().join("../../models");
    std::fs::copy(
        models.join("pose_detection.onnx"),
        dir.join("pose_detection.onnx"),
    )
    .expect("copy");
    let truncated = std::fs::read(models.join("pose_landmark_lite.onnx")).expect("read");
    std::fs::write(
        dir.join("pose_landmark_lite.onnx"),
        &truncated[..truncated.len() / 2],
    )
    .expect("write");
    let out = analyze_with_models_in_dir();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pose_landmark_lite.onnx") && err.contains("corrupt"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn calibrate_then_analyze_with_baseline_adds_the_judgement() {
    let dir = temp_dir("judge");
    let baseline = dir.join("me.json").display().to_string();
    let out = sitwell(
        &[
            "calibrate",
            "--out",
            &baseline,
            &fixture("synthetic/D2_upright.jpg"),
        ],
        &[],
    );
    assert_ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("Calibrated from 1 frames"));

    let out = sitwell(
        &[
            "analyze",
            "--baseline",
            &baseline,
            &fixture("synthetic/D2_slouch_100.jpg"),
            &fixture("synthetic/D2_distr_moved_closer.jpg"),
        ],
        &[],
    );
    assert_ok(&out);
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    for key in [
        "cva_deg",
        "cva_drop_deg",
        "shoulder_angle_deg",
        "shoulder_drop_deg",
        "pattern",
        "score",
        "events",
    ] {
        assert!(recs[0].get(key).is_some(), "{key} missing");
    }
    assert_eq!(recs[0]["pattern"], "upper_crossed");
    assert!(recs[0]["score"].as_f64().expect("score") < 50.0);
    assert!(
        recs[0]["score_costs"]
            .as_array()
            .is_some_and(|c| !c.is_empty())
    );
    // Moving closer to the screen is not slouching.
    assert_eq!(recs[1]["pattern"], "upright");
    assert!(recs[1]["score"].as_f64().expect("score") > 80.0);
    // The keypoint contract is unchanged.
    assert_eq!(recs[0]["keypoints"].as_array().map(Vec::len), Some(33));
}

#[test]
fn calibration_refusals_and_bad_baselines_are_explained() {
    let dir = temp_dir("refuse");
    let baseline = dir.join("me.json");
    // A head-and-neck photo with no shoulders: refused with the reason, nothing written.
    let out = sitwell(
        &[
            "calibrate",
            "--out",
            &baseline.display().to_string(),
            &fixture("real/mahotas__luispedro_3quarter.jpg"),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("calibration refused"), "{err}");
    assert!(!baseline.exists());

    // An upright render shifted up until the eyes leave the top edge (a camera aimed too low):
    // refused, with which way to tilt the camera.
    let upright = image::open(fixture("synthetic/D1_upright.jpg")).expect("fixture decodes");
    let (w, h) = (upright.width(), upright.height());
    let mut cut = image::RgbImage::new(w, h);
    image::imageops::replace(
        &mut cut,
        &upright.crop_imm(0, 140, w, h - 140).to_rgb8(),
        0,
        0,
    );
    let cut_path = dir.join("head_cut.png");
    cut.save(&cut_path).expect("write the shifted render");
    let out = sitwell(
        &[
            "calibrate",
            "--out",
            &baseline.display().to_string(),
            &cut_path.display().to_string(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("tilt the camera up"), "{err}");
    assert!(!baseline.exists());

    // A baseline from 640×480 renders is not applied to a 512×512 photo.
    let b = baseline.display().to_string();
    assert_ok(&sitwell(
        &[
            "calibrate",
            "--out",
            &b,
            &fixture("synthetic/D1_upright.jpg"),
        ],
        &[],
    ));
    let out = sitwell(
        &[
            "analyze",
            "--baseline",
            &b,
            &fixture("real/skimage__astronaut.png"),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("640×480") && err.contains("512×512"), "{err}");

    // A broken baseline file is named, with what to do.
    std::fs::write(&baseline, "not json").expect("write");
    let out = sitwell(
        &[
            "analyze",
            "--baseline",
            &b,
            &fixture("synthetic/D1_upright.jpg"),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("calibrate again") && err.contains("me.json"),
        "{err}"
    );

    // Dwell outside 10 s – 10 min is refused.
    let out = sitwell(
        &[
            "analyze",
            "--baseline",
            &b,
            "--dwell",
            "5",
            &fixture("synthetic/D1_upright.jpg"),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--dwell") && stderr.contains("must be between 10 and 600 s"),
        "{stderr}"
    );
}

/// The flags' help is made from the settings table: each flag that outranks a setting names it
/// and, for a number, its range as the table states it.
#[test]
fn the_flags_help_says_what_the_settings_table_says() {
    use sitwell::config::ALL;
    for command in [&["--help"][..], &["watch", "--help"][..]] {
        let out = sitwell(command, &[]);
        assert!(out.status.success());
        // clap wraps long help lines: compare with the whitespace folded.
        let help = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for setting in ALL.iter().filter(|s| s.flag().is_some()) {
            let flag = format!("--{}", setting.flag().unwrap_or_default());
            if flag == "--source" {
                continue;
            }
            assert!(help.contains(&flag), "{flag} missing from {command:?}");
            assert!(
                help.contains(&format!("outranks the setting `{}`", setting.key())),
                "{flag}: {help}"
            );
            if setting.kind() == "number" {
                assert!(help.contains(&setting.allowed_text()), "{flag}: {help}");
            }
        }
    }
}
