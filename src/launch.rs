//! From flags and the settings file to a running configuration: the flags the overlay and
//! `sitwell watch` share (a contract for scripts), how they override the settings, where the
//! baseline comes from, and the bundled demo.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::coach::engine::DWELL_RANGE_S;
use crate::history;
use crate::live::{HistoryOptions, LiveOptions, Pacing, SourceSpec};
use crate::pose::LandmarkModel;
use crate::posture::{Baseline, BaselineError, baseline};
use crate::settings::{self, SENSITIVITY_RANGE, Settings, SettingsError};

/// The demo clip: a CC0 render of a person sitting upright, slouching for half a minute,
/// recovering and glancing at a phone (60 s at 5 fps). A build without FFmpeg (the packages:
/// they link no video libraries, so they install anywhere) plays the same frames from a
/// folder of JPEGs that `scripts/package` makes from the clip.
#[cfg(feature = "ffmpeg")]
pub const DEMO_CLIP: &str = "demo/seated_slouch_demo.mp4";
#[cfg(not(feature = "ffmpeg"))]
pub const DEMO_CLIP: &str = "demo/seated_slouch_demo";
/// The demo's dwell, so that a newcomer sees a nudge within the first minute.
pub const DEMO_DWELL_S: f64 = 10.0;

/// Flags shared by `sitwell` (the overlay) and `sitwell watch`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LiveArgs {
    /// Camera index or name, or a file or folder to replay through the same pipeline
    /// (default: the camera from the settings, else camera 0).
    #[arg(long, value_name = "INPUT")]
    pub source: Option<String>,
    /// Use this baseline (from `sitwell calibrate`) and skip calibration.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Seconds a slouch must last before a nudge (10–600).
    #[arg(long, value_name = "SECONDS")]
    pub dwell: Option<f64>,
    /// Append every engine effect as a JSON line (`kind`, `t`, ...) to this file.
    #[arg(long, value_name = "FILE")]
    pub events: Option<PathBuf>,
    /// Quit after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    pub exit_after: Option<f64>,
    /// Settings file (default: $XDG_CONFIG_HOME/sitwell/settings.toml).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Landmark model: lite (lighter) or full.
    #[arg(long, value_enum)]
    pub model: Option<LandmarkModel>,
    /// Where the camera is, for a fresh calibration (default: the settings' `camera_place`).
    #[arg(long, value_enum, value_name = "PLACE")]
    pub camera_at: Option<crate::posture::CameraPlace>,
    /// How strict the judge is (0.25–4).
    #[arg(long)]
    pub sensitivity: Option<f32>,
    /// Start paused (camera off) until resumed.
    #[arg(long)]
    pub paused: bool,
    /// Save a PNG of the overlay just before --exit-after ends the run (the overlay only).
    #[arg(long, value_name = "FILE", requires = "exit_after")]
    pub screenshot: Option<PathBuf>,
    /// Keep the posture history in this SQLite file (default: $XDG_DATA_HOME/sitwell/
    /// history.sqlite for a camera; a replayed file is remembered only with --db).
    #[arg(long, value_name = "FILE")]
    pub db: Option<PathBuf>,
    /// Play the bundled demo clip (no camera needed): calibration, a slouch and a nudge.
    #[arg(long, conflicts_with_all = ["source", "baseline"])]
    pub demo: bool,
    /// Notice calls while replaying a file too (normally only with a camera, so that a replay
    /// never depends on this machine's microphone).
    #[arg(long, hide = true)]
    pub detect_calls: bool,
}

/// Problems with the flags or the files they name.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("--dwell must be between 10 and 600 seconds (got {0})")]
    Dwell(f64),
    #[error("--sensitivity must be between 0.25 and 4 (got {0})")]
    Sensitivity(f32),
    #[error("--exit-after must be a positive number of seconds (got {0})")]
    ExitAfter(f64),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    #[error("the demo clip {0} is missing; reinstall Sitwell or run it from its source folder")]
    DemoMissing(PathBuf),
}

/// Checks the judging flags' ranges (shared by the live app and `analyze`).
pub fn check_judging(dwell: f64, sensitivity: f32) -> Result<(), LaunchError> {
    if !DWELL_RANGE_S.contains(&dwell) {
        return Err(LaunchError::Dwell(dwell));
    }
    if !SENSITIVITY_RANGE.contains(&sensitivity) {
        return Err(LaunchError::Sensitivity(sensitivity));
    }
    Ok(())
}

/// A resolved launch: what to run and how.
pub struct Launch {
    pub live: LiveOptions,
    pub settings: Settings,
    pub settings_path: Option<PathBuf>,
    /// The settings file was broken: defaults are in use and this says why.
    pub settings_problem: Option<SettingsError>,
    /// The saved calibration could not be used (made by an older Sitwell, say): why, for the
    /// user; Sitwell calibrates again.
    pub baseline_problem: Option<String>,
    pub exit_after: Option<Duration>,
    pub demo: bool,
    /// Dwell and sensitivity set by flags (or the demo) for this run: they stay in force when
    /// the settings panel saves new settings.
    pub dwell_override: Option<f64>,
    pub sensitivity_override: Option<f32>,
}

/// Finds a bundled asset (`share/sitwell/assets/…` of the install, or a source tree's).
pub fn asset_path(relative: &str) -> PathBuf {
    crate::files::bundled(&Path::new("assets").join(relative))
}

impl LiveOptions {
    /// What `settings` say to run on `source`: a camera's saved calibration (a file
    /// calibrates on its first seconds and never overwrites the user's own), the judge, the
    /// coach, the model, a camera's history (when kept) and its call detection. Also returns
    /// why a saved calibration could not be used, for the user (Sitwell calibrates again).
    pub fn from_settings(
        source: SourceSpec,
        settings: &Settings,
        pacing: Pacing,
    ) -> (LiveOptions, Option<String>) {
        let camera = source.is_camera();
        let baseline_path = baseline::default_path().filter(|_| camera);
        let mut baseline_problem = None;
        let baseline = match &baseline_path {
            Some(path) if path.exists() => match Baseline::load(path) {
                Ok(b) => Some(b),
                Err(e) => {
                    baseline_problem = Some(e.to_string());
                    None
                }
            },
            _ => None,
        };
        let history = history::default_path()
            .filter(|_| camera && settings.history)
            .map(|path| HistoryOptions {
                path,
                retention_days: settings.history_days,
            });
        let options = LiveOptions {
            camera_place: settings.camera_place,
            pacing: if camera { Pacing::Realtime } else { pacing },
            source,
            folder_fps: 5.0,
            model: settings.landmark_model().unwrap_or(LandmarkModel::Lite),
            baseline,
            baseline_save: baseline_path,
            judge: settings.judge_config(),
            engine: settings.engine_config(),
            events_path: None,
            start_paused: settings.start_paused,
            history,
            detect_calls: settings.detect_calls && camera,
        };
        (options, baseline_problem)
    }

    /// The bundled demo clip with `settings` and the demo's short dwell ([`DEMO_DWELL_S`]),
    /// played at `pacing`.
    pub fn demo(settings: &Settings, pacing: Pacing) -> Result<LiveOptions, LaunchError> {
        let clip = asset_path(DEMO_CLIP);
        if !clip.exists() {
            return Err(LaunchError::DemoMissing(clip));
        }
        let (mut options, _) = LiveOptions::from_settings(SourceSpec::Path(clip), settings, pacing);
        options.engine = options.engine.with_dwell(DEMO_DWELL_S);
        Ok(options)
    }
}

impl LiveArgs {
    /// Reads the settings and applies the flags over them. `pacing` is how a file is played.
    pub fn resolve(&self, pacing: Pacing) -> Result<Launch, LaunchError> {
        let settings_path = self.config.clone().or_else(settings::default_path);
        let loaded = match &settings_path {
            Some(path) => Settings::load_or_default(path),
            None => settings::Loaded {
                settings: Settings::default(),
                problem: None,
            },
        };
        let settings = loaded.settings;
        let dwell = match (self.dwell, self.demo) {
            (Some(d), _) => d,
            (None, true) => DEMO_DWELL_S,
            (None, false) => settings.dwell_s,
        };
        let sensitivity = self.sensitivity.unwrap_or(settings.sensitivity);
        check_judging(dwell, sensitivity)?;
        let exit_after = match self.exit_after {
            Some(s) if s > 0.0 && s.is_finite() => Some(Duration::from_secs_f64(s)),
            Some(s) => return Err(LaunchError::ExitAfter(s)),
            None => None,
        };
        let (mut live, mut baseline_problem) = if self.demo {
            (LiveOptions::demo(&settings, pacing)?, None)
        } else {
            let source = SourceSpec::parse(self.source.as_deref().unwrap_or(&settings.camera));
            LiveOptions::from_settings(source, &settings, pacing)
        };
        // The flags, over the settings.
        if let Some(path) = &self.baseline {
            live.baseline = Some(Baseline::load(path)?);
            live.baseline_save = None;
            baseline_problem = None;
        }
        live.engine = live.engine.with_dwell(dwell);
        live.judge.sensitivity = sensitivity;
        if let Some(path) = &self.db {
            // A replay is remembered only here, so that trying a clip never mixes into the
            // user's own history.
            live.history = Some(HistoryOptions {
                path: path.clone(),
                retention_days: settings.history_days,
            });
        }
        if let Some(model) = self.model {
            live.model = model;
        }
        if let Some(place) = self.camera_at {
            live.camera_place = place;
        }
        live.events_path = self.events.clone();
        live.start_paused |= self.paused;
        live.detect_calls |= self.detect_calls;
        Ok(Launch {
            live,
            settings,
            settings_path,
            settings_problem: loaded.problem,
            baseline_problem,
            exit_after,
            demo: self.demo,
            dwell_override: self.dwell.or(self.demo.then_some(DEMO_DWELL_S)),
            sensitivity_override: self.sensitivity,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_settings_and_are_range_checked() {
        let dir = std::env::temp_dir().join(format!("sitwell-launch-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok();
        let config = dir.join("settings.toml");
        std::fs::write(&config, "dwell_s = 120\nsensitivity = 2.0\n").ok();
        let args = LiveArgs {
            source: Some("clip.mp4".into()),
            dwell: Some(30.0),
            config: Some(config.clone()),
            ..LiveArgs::default()
        };
        let launch = args.resolve(Pacing::LockStep);
        let launch = launch.as_ref().ok();
        assert_eq!(launch.map(|l| l.live.engine.dwell_s), Some(30.0));
        assert_eq!(launch.map(|l| l.live.judge.sensitivity), Some(2.0));
        assert_eq!(launch.map(|l| l.live.pacing), Some(Pacing::LockStep));
        assert!(launch.is_some_and(|l| l.live.baseline_save.is_none()));

        let too_short = LiveArgs {
            dwell: Some(5.0),
            config: Some(config),
            ..LiveArgs::default()
        };
        assert!(matches!(
            too_short.resolve(Pacing::Realtime),
            Err(LaunchError::Dwell(_))
        ));
    }

    #[test]
    fn a_broken_settings_file_runs_on_defaults_and_says_so() {
        let dir = std::env::temp_dir().join(format!("sitwell-launch-b-{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok();
        let config = dir.join("settings.toml");
        std::fs::write(&config, "dwell_s = \n").ok();
        let args = LiveArgs {
            source: Some("clip.mp4".into()),
            config: Some(config),
            ..LiveArgs::default()
        };
        let launch = args.resolve(Pacing::Realtime).ok();
        assert!(
            launch
                .as_ref()
                .is_some_and(|l| l.settings_problem.is_some())
        );
        assert_eq!(launch.map(|l| l.live.engine.dwell_s), Some(60.0));
    }
}
