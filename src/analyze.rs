//! `sitwell analyze`: run files through capture → pose and write one record per frame.
//!
//! The JSON-lines output is a contract for other tools: one object per frame with at least
//! `source`, `frame`, `t`, `person`, `keypoints` (33 × [x_px, y_px, z, visibility] in BlazePose
//! order, or null) and `world` (33 × [x_m, y_m, z_m], or null); `face` is the face mesh's
//! view (null without a face): `score`, `centre` [x_px, y_px] (the mean of its 468 points) and
//! `anchors`, 7 × [x_px, y_px, z_px] in [`FaceAnchor::ALL`] order (nose tip, forehead, chin,
//! right and left cheek outline, right and left outer eye corner).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Value, json};

use crate::capture::{self, FrameSource, SourceKind};
use crate::coach::EngineConfig;
use crate::pose::draw;
use crate::pose::{FaceAnchor, KeypointId, LandmarkModel, Mode, Pose, PoseError, PoseEstimator};
use crate::posture::{Baseline, JudgeConfig, SourceTag};
use crate::timeline::{Judged, Timeline};
use crate::{platform, stats};

/// Output format of the per-frame records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    #[default]
    Jsonl,
    Csv,
}

/// How frames of one input relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ModeChoice {
    /// Videos are tracked, images (and folders of images) judged one by one.
    #[default]
    Auto,
    Static,
    Tracking,
}

impl ModeChoice {
    /// The pose mode for a source of this kind.
    pub fn for_source(self, kind: SourceKind) -> Mode {
        match (self, kind) {
            (ModeChoice::Static, _) | (ModeChoice::Auto, SourceKind::Stills) => Mode::Static,
            (ModeChoice::Tracking, _) | (ModeChoice::Auto, SourceKind::Motion) => Mode::Tracking,
        }
    }
}

/// The clock the tracker smooths its crop with (the records' `t` is always the input's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum TrackClock {
    /// The input's own timestamps: what the camera path does.
    #[default]
    Video,
    /// MediaPipe's Python API's: frame i at i × 33.333 ms whatever the video's rate. Use it to
    /// compare with `mp.solutions.pose` output frame for frame.
    Mediapipe,
}

/// Seconds between frames on MediaPipe's Python API's clock: it stamps frame i at
/// i × 33 333 µs whatever the video's rate (our reference outputs were made on it).
const MEDIAPIPE_FRAME_S: f64 = 33_333e-6;

impl TrackClock {
    /// Seconds at which the tracker sees frame `index` stamped `t_s` by its source.
    pub fn time_of(self, index: u64, t_s: f64) -> f64 {
        match self {
            TrackClock::Video => t_s,
            TrackClock::Mediapipe => index as f64 * MEDIAPIPE_FRAME_S,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AnalyzeOptions {
    pub model: LandmarkModel,
    /// Playback rate of image folders (frame i at i / fps seconds).
    pub fps: f64,
    pub format: OutputFormat,
    pub mode: ModeChoice,
    pub clock: TrackClock,
    /// Write each frame with the skeleton drawn, as PNG, here.
    pub annotate_dir: Option<PathBuf>,
    /// Judge posture against this baseline and run the nudge engine (one time line per input).
    pub judging: Option<Judging>,
}

/// What `--baseline` adds: the user's calibration and the settings of judge and engine.
#[derive(Debug, Clone)]
pub struct Judging {
    pub baseline: Baseline,
    pub judge: JudgeConfig,
    pub engine: EngineConfig,
}

/// The posture fields `--baseline` adds to a JSON record (nulls where there is no person).
pub fn add_judgement(record: &mut Value, judged: &Judged) {
    let r = judged.reading.as_ref();
    let num = |f: fn(&crate::posture::Reading) -> f32, digits| {
        r.filter(|r| r.measured)
            .map(|r| round(f64::from(f(r)), digits))
    };
    record["cva_deg"] = json!(num(|r| r.cva_deg, 2));
    record["cva_drop_deg"] = json!(num(|r| r.cva_drop_deg, 2));
    record["shoulder_angle_deg"] = json!(num(|r| r.shoulder_angle_deg, 2));
    record["shoulder_drop_deg"] = json!(num(|r| r.shoulder_drop_deg, 2));
    record["pattern"] = json!(r.map(|r| r.pattern.as_str()));
    record["score"] = json!(judged.score.map(|s| round(f64::from(s), 1)));
    record["head_pitch_deg"] = json!(num(|r| r.head_pitch_deg, 2));
    record["head_yaw_deg"] = json!(num(|r| r.head_yaw_deg, 2));
    record["head_roll_deg"] = json!(num(|r| r.head_roll_deg, 2));
    record["lean_deg"] = json!(num(|r| r.lean_deg, 2));
    record["side_lean_deg"] = json!(num(|r| r.side_lean_deg, 2));
    record["head_tilt_deg"] = json!(num(|r| r.head_tilt_deg, 2));
    record["distance_change_pct"] = json!(num(|r| r.distance_change_pct, 1));
    record["confidence"] = json!(num(|r| r.confidence, 3));
    record["slouch_level"] = json!(num(|r| r.slouch_level, 3));
    record["score_costs"] = json!(r.map(|r| {
        r.costs
            .iter()
            .map(|c| json!({"cue": c.cue, "points": round(f64::from(c.points), 1)}))
            .collect::<Vec<_>>()
    }));
    record["events"] = Value::Array(judged.effects.iter().map(|e| e.to_json()).collect());
}

/// Timings and counts over a run.
#[derive(Debug, Clone, Default)]
pub struct RunStats {
    pub frames: usize,
    pub person: usize,
    pub pose_cpu_ms: Vec<f64>,
    pub pose_wall_ms: Vec<f64>,
    pub decode_ms: Vec<f64>,
}

impl RunStats {
    /// The one-line JSON summary tools read; a figure with no sample behind it is null.
    pub fn to_json(&self) -> Value {
        let r3 = |v: Option<f64>| v.map(|v| round(v, 3));
        json!({"stats": {
            "frames": self.frames,
            "person": self.person,
            "pose_cpu_ms_median": r3(stats::median(&self.pose_cpu_ms)),
            "pose_cpu_ms_mean": r3(stats::mean(&self.pose_cpu_ms)),
            "pose_wall_ms_median": r3(stats::median(&self.pose_wall_ms)),
            "pose_wall_ms_mean": r3(stats::mean(&self.pose_wall_ms)),
            "decode_ms_mean": r3(stats::mean(&self.decode_ms)),
            "peak_rss_mb": round(platform::process::peak_rss_mb(), 1),
        }})
    }

    /// The same for people ("–" where there was nothing to measure).
    pub fn to_text(&self) -> String {
        let ms = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:.2} ms"));
        format!(
            "frames {}, person found in {}; pose stage per frame: CPU median {}, mean {}; \
             wall median {}, mean {}; decoding mean {}; peak RSS {:.1} MiB",
            self.frames,
            self.person,
            ms(stats::median(&self.pose_cpu_ms)),
            ms(stats::mean(&self.pose_cpu_ms)),
            ms(stats::median(&self.pose_wall_ms)),
            ms(stats::mean(&self.pose_wall_ms)),
            ms(stats::mean(&self.decode_ms)),
            platform::process::peak_rss_mb()
        )
    }
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stats: RunStats,
    /// One message per input (or frame) that could not be read.
    pub failures: Vec<String>,
}

fn round(v: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (v * f).round() / f
}

/// Columns `--baseline` appends to each CSV row.
pub const CSV_JUDGEMENT_HEADER: [&str; 7] = [
    "cva_deg",
    "cva_drop_deg",
    "shoulder_angle_deg",
    "shoulder_drop_deg",
    "pattern",
    "score",
    "events",
];

fn csv_judgement(judged: &Judged) -> [String; 7] {
    let r = judged.reading.as_ref();
    let num = |v: Option<f32>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
    let events: Vec<&str> = judged.effects.iter().map(|e| e.effect.kind()).collect();
    [
        num(r.map(|r| r.cva_deg)),
        num(r.map(|r| r.cva_drop_deg)),
        num(r.map(|r| r.shoulder_angle_deg)),
        num(r.map(|r| r.shoulder_drop_deg)),
        r.map(|r| r.pattern.as_str().to_owned()).unwrap_or_default(),
        judged.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
        events.join(" "),
    ]
}

/// One frame's record as JSON.
pub fn record_json(source: &str, frame: u64, t_s: f64, pose: Option<&Pose>) -> Value {
    let keypoints = pose.map(|p| {
        p.keypoints
            .iter()
            .map(|k| {
                json!([
                    round(f64::from(k.x_px), 2),
                    round(f64::from(k.y_px), 2),
                    round(f64::from(k.z), 4),
                    round(f64::from(k.visibility), 4)
                ])
            })
            .collect::<Vec<_>>()
    });
    let world = pose.map(|p| {
        p.world
            .iter()
            .map(|w| {
                json!([
                    round(f64::from(w.x_m), 4),
                    round(f64::from(w.y_m), 4),
                    round(f64::from(w.z_m), 4)
                ])
            })
            .collect::<Vec<_>>()
    });
    let face = pose.and_then(|p| p.face.as_ref()).map(|f| {
        let centre = f.centre_px();
        let anchors: Vec<Value> = FaceAnchor::ALL
            .iter()
            .map(|&a| {
                let q = f.point(a);
                json!([
                    round(f64::from(q.x_px), 2),
                    round(f64::from(q.y_px), 2),
                    round(f64::from(q.z_px), 2)
                ])
            })
            .collect();
        json!({
            "score": round(f64::from(f.score), 4),
            "centre": [round(f64::from(centre.x), 2), round(f64::from(centre.y), 2)],
            "anchors": anchors,
        })
    });
    json!({
        "source": source,
        "frame": frame,
        "t": round(t_s, 4),
        "person": pose.is_some(),
        "presence": pose.map(|p| round(f64::from(p.presence), 4)),
        "keypoints": keypoints,
        "world": world,
        "face": face,
    })
}

/// The CSV header: source, frame, t, person, then per keypoint x, y, z, visibility, and world
/// x, y, z (metres), named like `nose_x`, `nose_wx`.
pub fn csv_header() -> Vec<String> {
    let mut cols = vec![
        "source".to_owned(),
        "frame".into(),
        "t".into(),
        "person".into(),
    ];
    for id in KeypointId::ALL {
        for suffix in ["x", "y", "z", "visibility", "wx", "wy", "wz"] {
            cols.push(format!("{}_{suffix}", id.name()));
        }
    }
    cols
}

/// Writes one CSV record as a line, each cell quoted where it needs it.
pub fn write_csv<I, T>(out: &mut dyn Write, cells: I) -> std::io::Result<()>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut writer = crate::history::report::csv_writer(out);
    writer.write_record(cells)?;
    writer.flush()
}

/// One frame's CSV row (empty cells where there is no person).
pub fn csv_row(source: &str, frame: u64, t_s: f64, pose: Option<&Pose>) -> Vec<String> {
    let mut cells = vec![
        source.to_owned(),
        frame.to_string(),
        format!("{t_s:.4}"),
        pose.is_some().to_string(),
    ];
    for id in KeypointId::ALL {
        match pose {
            Some(p) => {
                let (k, w) = (p.keypoint(id), p.world_point(id));
                cells.push(format!("{:.2}", k.x_px));
                cells.push(format!("{:.2}", k.y_px));
                cells.push(format!("{:.4}", k.z));
                cells.push(format!("{:.4}", k.visibility));
                cells.push(format!("{:.4}", w.x_m));
                cells.push(format!("{:.4}", w.y_m));
                cells.push(format!("{:.4}", w.z_m));
            }
            None => cells.extend(std::iter::repeat_n(String::new(), 7)),
        }
    }
    cells
}

/// File name for an annotated frame: `<source stem>_<frame>.png`.
pub fn annotated_name(source: &Path, frame: u64) -> String {
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "frame".into());
    format!("{stem}_{frame:05}.png")
}

/// Errors that stop a whole run (as opposed to one unreadable input).
#[derive(Debug, thiserror::Error)]
pub enum AnalyzeError {
    #[error(transparent)]
    Pose(#[from] PoseError),
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    #[error("{input}: {source}")]
    Baseline {
        input: String,
        #[source]
        source: crate::posture::BaselineError,
    },
    #[error("cannot write annotated frame {path}: {reason}")]
    Annotate { path: PathBuf, reason: String },
}

/// Runs every input through the pose stage, writing records to `out`. Unreadable inputs are
/// reported in [`Outcome::failures`] (and on `log`) and skipped; the rest are still processed.
pub fn run(
    estimator: &mut PoseEstimator,
    inputs: &[PathBuf],
    opts: &AnalyzeOptions,
    out: &mut dyn Write,
    log: &mut dyn Write,
) -> Result<Outcome, AnalyzeError> {
    let mut outcome = Outcome::default();
    if opts.format == OutputFormat::Csv {
        let mut header = csv_header();
        if opts.judging.is_some() {
            header.extend(CSV_JUDGEMENT_HEADER.map(str::to_owned));
        }
        write_csv(out, &header)?;
    }
    if let Some(dir) = &opts.annotate_dir {
        crate::files::create_private_dir(dir).map_err(|e| AnalyzeError::Annotate {
            path: dir.clone(),
            reason: e.to_string(),
        })?;
    }
    for input in inputs {
        let mut source = match capture::open_path(input, opts.fps) {
            Ok(s) => s,
            Err(e) => {
                writeln!(log, "error: {e}")?;
                outcome.failures.push(e.to_string());
                continue;
            }
        };
        estimator.set_mode(opts.mode.for_source(source.kind()));
        run_source(
            estimator,
            source.as_mut(),
            input,
            opts,
            out,
            log,
            &mut outcome,
        )?;
    }
    out.flush()?;
    Ok(outcome)
}

fn run_source(
    estimator: &mut PoseEstimator,
    source: &mut dyn FrameSource,
    input: &Path,
    opts: &AnalyzeOptions,
    out: &mut dyn Write,
    log: &mut dyn Write,
    outcome: &mut Outcome,
) -> Result<(), AnalyzeError> {
    // A video or an image folder is one time line for the engine; each input starts afresh.
    let mut timeline = opts
        .judging
        .as_ref()
        .map(|j| Timeline::new(j.baseline.clone(), j.judge, j.engine));
    loop {
        let decode_start = Instant::now();
        let frame = match source.next_frame() {
            Ok(Some(frame)) => frame,
            Ok(None) => return Ok(()),
            Err(e) => {
                // The source moves on past a bad frame if it can (a folder skips the file) and
                // reports the end otherwise (a broken video).
                writeln!(log, "error: {e}")?;
                outcome.failures.push(e.to_string());
                continue;
            }
        };
        let decode_ms = decode_start.elapsed().as_secs_f64() * 1e3;

        let (cpu0, wall0) = (platform::process::cpu_time(), Instant::now());
        let pose = estimator.estimate(&frame.rgb, opts.clock.time_of(frame.index, frame.t_s))?;
        let pose_wall_ms = wall0.elapsed().as_secs_f64() * 1e3;
        let pose_cpu_ms = platform::process::cpu_time()
            .saturating_sub(cpu0)
            .as_secs_f64()
            * 1e3;

        let st = &mut outcome.stats;
        st.frames += 1;
        st.person += usize::from(pose.is_some());
        st.decode_ms.push(decode_ms);
        st.pose_cpu_ms.push(pose_cpu_ms);
        st.pose_wall_ms.push(pose_wall_ms);

        let file = frame.file.as_deref().unwrap_or(input);
        let source_name = file.display().to_string();
        // Frames of a folder are numbered within the folder; a lone image is frame 0.
        let judged = match timeline.as_mut() {
            Some(timeline) => {
                let tag = SourceTag {
                    camera: None,
                    width: frame.rgb.width(),
                    height: frame.rgb.height(),
                };
                if let Err(source) = timeline.check_source(&tag) {
                    let e = AnalyzeError::Baseline {
                        input: source_name,
                        source,
                    };
                    writeln!(log, "error: {e}")?;
                    outcome.failures.push(e.to_string());
                    return Ok(());
                }
                Some(timeline.observe(pose.as_ref(), tag.width, tag.height, frame.t_s))
            }
            None => None,
        };
        match opts.format {
            OutputFormat::Jsonl => {
                let mut record = record_json(&source_name, frame.index, frame.t_s, pose.as_ref());
                if let Some(judged) = &judged {
                    add_judgement(&mut record, judged);
                }
                writeln!(out, "{record}")?
            }
            OutputFormat::Csv => {
                let mut row = csv_row(&source_name, frame.index, frame.t_s, pose.as_ref());
                if let Some(judged) = &judged {
                    row.extend(csv_judgement(judged));
                }
                write_csv(out, &row)?
            }
        }
        if let Some(dir) = &opts.annotate_dir {
            let path = dir.join(annotated_name(
                file,
                if frame.file.is_some() { 0 } else { frame.index },
            ));
            crate::files::save_png(&draw::draw_pose(&frame.rgb, pose.as_ref()), &path).map_err(
                |e| AnalyzeError::Annotate {
                    path: path.clone(),
                    reason: e.to_string(),
                },
            )?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_clocks() {
        assert_eq!(TrackClock::Video.time_of(30, 6.0), 6.0);
        // MediaPipe's Python API: 33 333 µs per frame whatever the video's rate.
        assert!((TrackClock::Mediapipe.time_of(30, 6.0) - 0.99999).abs() < 1e-9);
    }

    #[test]
    fn no_person_record_has_nulls() {
        let v = record_json("a.png", 3, 0.5, None);
        assert_eq!(v["person"], json!(false));
        assert!(v["keypoints"].is_null() && v["world"].is_null());
        assert_eq!(v["frame"], json!(3));
        assert_eq!(v["source"], json!("a.png"));
    }

    #[test]
    fn csv_rows_line_up_with_the_header() {
        let header_cols = csv_header().len();
        assert_eq!(header_cols, 4 + 33 * 7);
        let mut out = Vec::new();
        write_csv(&mut out, csv_row("dir/with,comma.png", 0, 0.0, None)).expect("written");
        let line = String::from_utf8(out).expect("utf-8");
        assert!(line.starts_with("\"dir/with,comma.png\",0,"), "{line}");
        assert!(line.ends_with('\n') && !line.ends_with("\r\n"));
        // Read back, the quoted comma is one cell.
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(line.as_bytes());
        let record = reader
            .records()
            .next()
            .and_then(Result::ok)
            .expect("a record");
        assert_eq!(record.len(), header_cols);
        assert_eq!(&record[0], "dir/with,comma.png");
    }

    #[test]
    fn annotated_names_are_per_frame() {
        assert_eq!(
            annotated_name(Path::new("x/clip.mp4"), 12),
            "clip_00012.png"
        );
    }
}
