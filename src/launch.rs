//! From flags and the settings file to a running configuration: the flags the overlay and
//! `sitwell watch` share (a contract for scripts), how they override the settings, where the
//! baseline comes from, and the bundled demo.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::config::{self, Overrides, Settings, baseline_file, table};
use crate::history;
use crate::live::{HistoryOptions, LiveOptions, Pacing, SourceSpec};
use crate::pose::LandmarkModel;
use crate::posture::{BaselineError, CameraPlace};

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

/// `--dwell SECONDS`, checked against the setting's range.
pub fn dwell_flag(text: &str) -> Result<f64, String> {
    table::DWELL_S.parse_flag(text)
}

/// `--sensitivity FACTOR`, checked against the setting's range.
pub fn sensitivity_flag(text: &str) -> Result<f32, String> {
    table::SENSITIVITY.parse_flag(text)
}

/// `--model lite|full`.
pub fn model_flag(text: &str) -> Result<LandmarkModel, String> {
    table::MODEL.parse_flag(text)
}

/// `--camera-at laptop|monitor|other`.
pub fn camera_place_flag(text: &str) -> Result<CameraPlace, String> {
    table::CAMERA_PLACE.parse_flag(text)
}

/// Flags shared by `sitwell` (the overlay) and `sitwell watch`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct LiveArgs {
    /// Camera index or name, or a file or folder to replay through the same pipeline
    /// (default: the setting `camera`, else camera 0).
    #[arg(long, value_name = "INPUT")]
    pub source: Option<String>,
    /// Use this baseline (from `sitwell calibrate`) and skip calibration.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    #[arg(long, value_name = "SECONDS", help = table::DWELL_S.flag_help(), value_parser = dwell_flag)]
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
    #[arg(long, value_name = "MODEL", help = table::MODEL.flag_help(), value_parser = model_flag)]
    pub model: Option<LandmarkModel>,
    #[arg(long, value_name = "PLACE", help = table::CAMERA_PLACE.flag_help(), value_parser = camera_place_flag)]
    pub camera_at: Option<CameraPlace>,
    #[arg(long, value_name = "FACTOR", help = table::SENSITIVITY.flag_help(), value_parser = sensitivity_flag)]
    pub sensitivity: Option<f32>,
    #[arg(long, help = table::START_PAUSED.flag_help())]
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
    #[error("--exit-after must be a positive number of seconds (got {0})")]
    ExitAfter(f64),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    #[error("the demo clip {0} is missing; reinstall Sitwell or run it from its source folder")]
    DemoMissing(PathBuf),
}

/// A resolved launch: what to run and how.
pub struct Launch {
    pub live: LiveOptions,
    /// The settings as the file has them (the flags are in `overrides`).
    pub settings: Settings,
    pub settings_path: Option<PathBuf>,
    /// What was wrong in the settings file, line by line (the file is never changed for it).
    pub settings_problems: Vec<String>,
    /// The saved calibration could not be used (made by an older Sitwell, say): why, for the
    /// user; Sitwell calibrates again.
    pub baseline_problem: Option<String>,
    pub exit_after: Option<Duration>,
    pub demo: bool,
    /// This run's flags (and the demo's short dwell): they stay in force when the settings
    /// panel saves new settings.
    pub overrides: Overrides,
}

/// The demo's flags: its short dwell unless `--dwell` says otherwise.
pub fn demo_overrides(flags: Overrides) -> Overrides {
    Overrides {
        dwell_s: Some(flags.dwell_s.unwrap_or(DEMO_DWELL_S)),
        ..flags
    }
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
        let baseline_path = baseline_file::default_path().filter(|_| camera);
        let mut baseline_problem = None;
        let baseline = match &baseline_path {
            Some(path) if path.exists() => match baseline_file::load(path) {
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
            model: settings.model,
            baseline,
            baseline_save: baseline_path,
            judge: settings.judge_config(),
            engine: settings.engine_config(),
            events_path: None,
            start_paused: settings.start_paused,
            battery_saver: settings.battery_saver,
            history,
            detect_calls: settings.detect_calls && camera,
        };
        (options, baseline_problem)
    }

    /// The bundled demo clip with `settings` (with [`demo_overrides`] laid over them: the
    /// demo's short dwell), played at `pacing`. It never reads or writes the user's baseline.
    pub fn demo(settings: &Settings, pacing: Pacing) -> Result<LiveOptions, LaunchError> {
        let clip = asset_path(DEMO_CLIP);
        if !clip.exists() {
            return Err(LaunchError::DemoMissing(clip));
        }
        let (options, _) = LiveOptions::from_settings(SourceSpec::Path(clip), settings, pacing);
        Ok(options)
    }
}

impl LiveArgs {
    /// The settings these flags outrank for this run.
    pub fn overrides(&self) -> Overrides {
        let flags = Overrides {
            dwell_s: self.dwell,
            sensitivity: self.sensitivity,
            model: self.model,
            camera_place: self.camera_at,
            start_paused: self.paused,
        };
        if self.demo {
            demo_overrides(flags)
        } else {
            flags
        }
    }

    /// Reads the settings and lays the flags over them. `pacing` is how a file is played.
    pub fn resolve(&self, pacing: Pacing) -> Result<Launch, LaunchError> {
        let settings_path = self.config.clone().or_else(config::default_path);
        let loaded = settings_path
            .as_deref()
            .map(config::file::load)
            .unwrap_or_default();
        let settings = loaded.settings;
        let overrides = self.overrides();
        let effective = overrides.apply(&settings);
        let exit_after = match self.exit_after {
            Some(s) if s > 0.0 && s.is_finite() => Some(Duration::from_secs_f64(s)),
            Some(s) => return Err(LaunchError::ExitAfter(s)),
            None => None,
        };
        let (mut live, mut baseline_problem) = if self.demo {
            (LiveOptions::demo(&effective, pacing)?, None)
        } else {
            let source = SourceSpec::parse(self.source.as_deref().unwrap_or(&effective.camera));
            LiveOptions::from_settings(source, &effective, pacing)
        };
        if let Some(path) = &self.baseline {
            live.baseline = Some(baseline_file::load(path)?);
            live.baseline_save = None;
            baseline_problem = None;
        }
        if let Some(path) = &self.db {
            // A replay is remembered only here, so that trying a clip never mixes into the
            // user's own history.
            live.history = Some(HistoryOptions {
                path: path.clone(),
                retention_days: settings.history_days,
            });
        }
        live.events_path = self.events.clone();
        live.detect_calls |= self.detect_calls;
        Ok(Launch {
            live,
            settings,
            settings_path,
            settings_problems: loaded.problems,
            baseline_problem,
            exit_after,
            demo: self.demo,
            overrides,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_settings_and_are_range_checked() {
        let scratch = tempfile::tempdir().expect("a temp folder");
        let dir = scratch.path().to_path_buf();
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

        // The flags' own ranges are the settings' (checked as the command line is parsed).
        assert_eq!(
            dwell_flag("5"),
            Err("dwell_s = 5: must be between 10 and 600 s".to_owned())
        );
        assert_eq!(sensitivity_flag("2"), Ok(2.0));
        assert!(model_flag("huge").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_broken_settings_file_runs_on_defaults_and_says_so() {
        let scratch = tempfile::tempdir().expect("a temp folder");
        let dir = scratch.path().to_path_buf();
        std::fs::create_dir_all(&dir).ok();
        let config = dir.join("settings.toml");
        std::fs::write(&config, "dwell_s = \n").ok();
        let args = LiveArgs {
            source: Some("clip.mp4".into()),
            config: Some(config),
            ..LiveArgs::default()
        };
        let launch = args.resolve(Pacing::Realtime).ok();
        assert_eq!(launch.as_ref().map(|l| l.settings_problems.len()), Some(1));
        assert_eq!(launch.map(|l| l.live.engine.dwell_s), Some(60.0));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
