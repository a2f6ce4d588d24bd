//! Shared helpers for the integration tests: fixture paths and MediaPipe's golden outputs.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sitwell::capture;
use sitwell::pose::{KeypointId, LandmarkModel, Pose, PoseEstimator};

/// A test's scratch folder, removed when the test ends — kept when it fails, for a look at
/// what was written there (its path is in the failure's output).
pub struct Scratch(PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<OsStr> for Scratch {
    fn as_ref(&self) -> &OsStr {
        self.0.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("kept for a look: {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A fresh, empty temp dir `sitwell-<suite>-<tag>-<pid>`, removed when the test passes.
pub fn temp_dir(suite: &str, tag: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("sitwell-{suite}-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    Scratch(dir)
}

/// The longest any program a test starts may run: a hang fails its test, never the whole run.
pub const SUBPROCESS_LIMIT: Duration = Duration::from_secs(300);

/// Runs `command` to its end and collects its output, as `Command::output` does, but at most
/// `limit`: past it, the program and everything it started (its process group) are killed and
/// the test fails with what they printed.
pub fn output_within(command: &mut Command, limit: Duration) -> Output {
    measured_within(command, limit).0
}

/// [`output_within`], also giving the program's peak resident memory in MB (from `wait4`'s
/// resource usage of that one child, so other tests' children do not count).
#[allow(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which clippy does not see"
)]
pub fn measured_within(command: &mut Command, limit: Duration) -> (Output, f64) {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("{command:?} cannot start: {e}"));
    let read = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = read(Box::new(child.stdout.take().expect("stdout piped")));
    let stderr = read(Box::new(child.stderr.take().expect("stderr piped")));
    let started = Instant::now();
    let pid = child.id() as libc::pid_t;
    let (status, peak_kb) = loop {
        let mut raw = 0;
        // SAFETY: `rusage` is plain data that wait4 fills; `pid` is our own child, not yet reaped.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        let reaped = unsafe { libc::wait4(pid, &mut raw, libc::WNOHANG, &mut usage) };
        if reaped == pid {
            use std::os::unix::process::ExitStatusExt;
            break (std::process::ExitStatus::from_raw(raw), usage.ru_maxrss);
        }
        assert!(reaped == 0, "{command:?} cannot be waited for");
        if started.elapsed() > limit {
            // SAFETY: kills the process group this test started (its id is the child's pid).
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            let err = stderr.join().unwrap_or_default();
            panic!(
                "{command:?} ran past {} s and was killed; its stderr:\n{}",
                limit.as_secs(),
                String::from_utf8_lossy(&err)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let output = Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    };
    (output, peak_kb as f64 / 1024.0)
}

/// Polls `done` every 100 ms until it holds or `within` has passed; returns whether it held.
pub fn wait_until(within: Duration, mut done: impl FnMut() -> bool) -> bool {
    let until = Instant::now() + within;
    loop {
        if done() {
            return true;
        }
        if Instant::now() > until {
            return false;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The bundled demo clip (a CC0 render: upright, a slouch, recovery).
pub fn demo_clip() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/demo/seated_slouch_demo.mp4")
        .display()
        .to_string()
}

/// The JSON lines of an event log (none when it was never written); a line that is not JSON
/// fails the test.
pub fn events(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each event line is JSON"))
        .collect()
}

/// Runs sitwell with HOME (settings, baseline, window state, history) in `home`, for at most
/// [`SUBPROCESS_LIMIT`].
pub fn sitwell_at_home(args: &[&str], home: &Path) -> Output {
    output_within(
        Command::new(env!("CARGO_BIN_EXE_sitwell"))
            .args(args)
            .env("HOME", home)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME"),
        SUBPROCESS_LIMIT,
    )
}

/// [`sitwell_at_home`] for a run that must succeed; a failure shows Sitwell's stderr.
pub fn sitwell_ok(args: &[&str], home: &Path) -> std::process::Output {
    let out = sitwell_at_home(args, home);
    assert!(
        out.status.success(),
        "sitwell {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Runs the shell `script` on a fresh Xvfb display of `screen` ("1024x600x24"), with HOME in
/// `home` and X11 only (as under XWayland).
pub fn under_xvfb(screen: &str, script: &str, home: &Path) -> Output {
    assert!(
        Command::new("xvfb-run").arg("--help").output().is_ok(),
        "xvfb-run is missing: install xvfb, xauth, x11-utils and xdotool (scripts/test.sh does)"
    );
    output_within(
        Command::new("xvfb-run")
            .args([
                "-a",
                "-s",
                &format!("-screen 0 {screen}"),
                "sh",
                "-c",
                script,
            ])
            .env("HOME", home)
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("WAYLAND_DISPLAY"),
        SUBPROCESS_LIMIT,
    )
}

/// Like [`under_xvfb`], on a session bus of its own (`dbus-run-session`), for the tray and
/// notification tests; the script is written to `home/<name>.sh` first.
pub fn under_xvfb_on_bus(screen: &str, script: &str, home: &Path, name: &str) -> Output {
    let file = home.join(format!("{name}.sh"));
    std::fs::write(&file, script).expect("script written");
    under_xvfb(
        screen,
        &format!("dbus-run-session -- sh \"{}\"", file.display()),
        home,
    )
}

/// `sitwell report --format json` on the history `db`.
pub fn report_json(db: &Path, home: &Path) -> Value {
    let out = sitwell_at_home(
        &[
            "report",
            "--db",
            db.to_str().expect("utf-8"),
            "--format",
            "json",
        ],
        home,
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// `../shared/data`, the evaluation data beside the repository (present in CI and on
/// developers' machines; not part of the repository).
pub fn shared_data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

/// `relative` in `../shared/data`; the test fails, saying so, when it is not there (such a test
/// is `#[ignore = "needs ../shared/data"]` and must never pass without its data).
pub fn shared_data(relative: &str) -> PathBuf {
    let path = shared_data_dir().join(relative);
    assert!(
        path.exists(),
        "{} is missing: this test needs ../shared/data beside the repository",
        path.display()
    );
    path
}

/// MediaPipe's landmarks for one frame: 33 × [x_px, y_px, z, visibility].
pub type Landmarks = Vec<[f64; 4]>;

/// One golden file (`real_stills.json`, `synthetic_stills.json`, `clips.json`).
pub struct Golden(Value);

fn model_key(model: LandmarkModel) -> &'static str {
    model.name()
}

fn landmarks(v: &Value) -> Option<Landmarks> {
    let lms = v.get("landmarks")?.as_array()?;
    Some(
        lms.iter()
            .map(|p| {
                let a = p.as_array().expect("landmark is an array");
                [0, 1, 2, 3].map(|i| a[i].as_f64().expect("number"))
            })
            .collect(),
    )
}

impl Golden {
    pub fn load(path: &Path) -> Self {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Golden(serde_json::from_str(&text).expect("golden JSON parses"))
    }

    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.0["items"]
            .as_object()
            .expect("items")
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }

    /// MediaPipe's answer for a still: `None` = no person.
    pub fn still(&self, name: &str, model: LandmarkModel) -> Option<Landmarks> {
        let item = &self.0["items"][name][model_key(model)];
        assert!(item.is_object(), "no golden entry for {name}");
        item.get("pose").and_then(landmarks)
    }

    /// MediaPipe's answer per frame of a clip.
    pub fn clip(&self, name: &str, model: LandmarkModel) -> Vec<Option<Landmarks>> {
        let frames = self.0["items"][name][model_key(model)]["frames"]
            .as_array()
            .unwrap_or_else(|| panic!("no golden frames for {name}"));
        frames.iter().map(landmarks).collect()
    }
}

/// Errors in pixels on head and shoulder points that MediaPipe sees (visibility > 0.5).
pub fn head_errors(expected: &Landmarks, pose: &Pose) -> Vec<(KeypointId, f64)> {
    head_errors_at(expected, |i| {
        let k = &pose.keypoints[i];
        (f64::from(k.x_px), f64::from(k.y_px))
    })
}

/// [`head_errors`] for points given by index (`xy(i)` = keypoint i in image pixels).
pub fn head_errors_at(
    expected: &Landmarks,
    xy: impl Fn(usize) -> (f64, f64),
) -> Vec<(KeypointId, f64)> {
    KeypointId::HEAD_AND_SHOULDERS
        .filter(|&i| expected[i][3] > 0.5)
        .map(|i| {
            let (x, y) = xy(i);
            (
                KeypointId::ALL[i],
                (x - expected[i][0]).hypot(y - expected[i][1]),
            )
        })
        .collect()
}

/// The median of errors measured; measuring nothing is a failure, never a perfect 0.
pub fn median(values: &[f64]) -> f64 {
    sitwell::stats::median(values).expect("a median of no measurements")
}

/// Runs one still image through the same capture path as `sitwell analyze`.
pub fn run_still(estimator: &mut PoseEstimator, path: &Path) -> Option<Pose> {
    let mut source = capture::open_path(path, 1.0).expect("fixture opens");
    let frame = source
        .next_frame()
        .expect("fixture decodes")
        .expect("one frame");
    estimator
        .estimate(&frame.rgb, frame.t_s)
        .expect("inference")
}

/// A kittest harness of `size` in the dark or light theme, rendered with wgpu (as the snapshots
/// in `tests/snapshots/` are).
pub fn themed_harness<S>(size: eframe::egui::Vec2, dark: bool) -> egui_kittest::HarnessBuilder<S> {
    let theme = if dark {
        eframe::egui::Theme::Dark
    } else {
        eframe::egui::Theme::Light
    };
    egui_kittest::Harness::builder()
        .with_size(size)
        .with_theme(theme)
        .wgpu()
}
