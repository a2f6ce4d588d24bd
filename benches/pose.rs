//! Criterion benches of the pose part on a 640×480 frame: crop/preprocess, detector, landmark
//! models lite and full, the face mesh, a whole frame in tracking mode, the extra looks in a dim
//! room, and the judge's share of a frame (sighting → level-view cues → reading).
//!
//! Run: `cargo bench --bench pose` (ONNX Runtime from `scripts/fetch-ort.sh`).

use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use sitwell::capture::images::read_rgb;
use sitwell::pose::detector::PoseDetector;
use sitwell::pose::face::FaceMesh;
use sitwell::pose::landmarks::LandmarkDetector;
use sitwell::pose::model_files::{self, DETECTOR, FACE_MESH, LandmarkModel};
use sitwell::pose::{Mode, PoseEstimator, light, runtime};
use sitwell::posture::{Baseline, CameraPlace, Cues, JudgeConfig, Sighting, SourceTag, judge};

fn frame() -> image::RgbImage {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/synthetic/D1_upright.jpg");
    read_rgb(&path).expect("640x480 fixture")
}

fn detector() -> PoseDetector {
    let bytes =
        model_files::read_model(&model_files::model_dir(), DETECTOR).expect("detector model");
    PoseDetector::new(runtime::session_from_bytes(&bytes, "detector").expect("session"))
        .expect("detector")
}

fn landmarks(model: LandmarkModel) -> LandmarkDetector {
    let bytes =
        model_files::read_model(&model_files::model_dir(), model.file()).expect("landmark model");
    LandmarkDetector::new(runtime::session_from_bytes(&bytes, "landmarks").expect("session"))
        .expect("landmarks")
}

fn benches(c: &mut Criterion) {
    let frame = frame();
    assert_eq!(frame.dimensions(), (640, 480));
    let mut det = detector();
    let roi = det
        .detect(&frame)
        .expect("inference")
        .expect("a person in the fixture")
        .roi();

    let mut group = c.benchmark_group("pose_640x480");
    group.sample_size(30);
    group.bench_function("preprocess_detector_letterbox_224", |b| {
        b.iter(|| det.preprocess(&frame))
    });
    let mut lite = landmarks(LandmarkModel::Lite);
    group.bench_function("preprocess_landmark_crop_256", |b| {
        b.iter(|| lite.preprocess(&frame, &roi))
    });
    group.bench_function("detector", |b| {
        b.iter(|| det.detect(&frame).expect("inference"))
    });
    group.bench_function("landmark_lite", |b| {
        b.iter(|| lite.run(&frame, &roi).expect("inference"))
    });
    let mut full = landmarks(LandmarkModel::Full);
    group.bench_function("landmark_full", |b| {
        b.iter(|| full.run(&frame, &roi).expect("inference"))
    });
    for model in [LandmarkModel::Lite, LandmarkModel::Full] {
        let mut estimator = PoseEstimator::new(model, Mode::Tracking).expect("models");
        let mut t = 0.0;
        group.bench_function(format!("tracking_frame_{}", model.name()), |b| {
            b.iter(|| {
                t += 1.0 / 30.0;
                estimator.estimate(&frame, t).expect("inference")
            })
        });
    }
    let face_bytes =
        model_files::read_model(&model_files::model_dir(), FACE_MESH).expect("face mesh model");
    let mut mesh =
        FaceMesh::new(runtime::session_from_bytes(&face_bytes, "face").expect("session"))
            .expect("face mesh");
    let mut estimator = PoseEstimator::new(LandmarkModel::Lite, Mode::Static).expect("models");
    let pose = estimator
        .estimate(&frame, 0.0)
        .expect("inference")
        .expect("a person in the fixture");
    group.bench_function("face_mesh", |b| {
        b.iter(|| mesh.run(&frame, &pose).expect("inference"))
    });
    // A dim room: the extra looks when nobody is found (`pose::light`). The smoothing and the
    // brightening of a 640×480 frame, and a frame with nobody in it, lit (one look) and dim
    // (three looks: as it is, smoothed, smoothed and brightened).
    let dim = image::RgbImage::from_fn(640, 480, |x, y| {
        let v = (20 + (x * 7 + y * 13) % 17) as u8;
        image::Rgb([v, v, v])
    });
    let luma = light::mean_luma(&dim);
    assert!(luma < light::DIM_LUMA);
    group.bench_function("dim_denoise", |b| b.iter(|| light::denoised(&dim)));
    group.bench_function("dim_brighten", |b| b.iter(|| light::brightened(&dim, luma)));
    let lit = image::RgbImage::from_pixel(640, 480, image::Rgb([160, 160, 160]));
    let mut nobody = PoseEstimator::new(LandmarkModel::Lite, Mode::Static).expect("models");
    group.bench_function("nobody_lit_frame", |b| {
        b.iter(|| nobody.estimate(&lit, 0.0).expect("inference"))
    });
    group.bench_function("nobody_dim_frame", |b| {
        b.iter(|| nobody.estimate(&dim, 0.0).expect("inference"))
    });
    // The judge's share of a frame, against a baseline calibrated on the same frame.
    let (w, h) = frame.dimensions();
    let tag = SourceTag {
        camera: None,
        width: w,
        height: h,
    };
    let baseline = Baseline::calibrate(
        &[Some(Sighting::of(&pose, w, h))],
        tag,
        "lite",
        CameraPlace::Other,
    )
    .expect("the fixture calibrates");
    let config = JudgeConfig::default();
    group.bench_function("judge", |b| {
        b.iter(|| {
            let sighting = Sighting::of(&pose, w, h);
            let cues = Cues::measure(&sighting, &baseline.camera).expect("judgeable");
            judge(&cues, &baseline, &config)
        })
    });
    group.finish();
}

criterion_group!(pose, benches);
criterion_main!(pose);
