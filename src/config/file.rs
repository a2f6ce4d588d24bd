//! The user's `settings.toml`: read leniently (a bad value or an unknown key is named with its
//! line and the rest of the file still counts) and changed in place — only the keys a save
//! changes are rewritten, so comments, unknown keys and every other line stay as the user
//! wrote them. A file that is not TOML at all is never written over.

use std::path::{Path, PathBuf};

use toml_edit::Document;

use super::Settings;

/// What reading the settings gave: what to run with, and what to tell the user.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub settings: Settings,
    /// One sentence per problem, with the file and line ("settings …, line 3: …"). The file is
    /// never changed because of them.
    pub problems: Vec<String>,
}

/// Why the settings could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("no settings file location (set HOME or use --config FILE)")]
    NoPath,
    #[error("cannot read settings {path}: {cause}")]
    Read {
        path: PathBuf,
        cause: std::io::Error,
    },
    #[error(
        "settings not saved: {path}, line {line}, is not valid TOML ({message}); fix or remove \
         that line and save again (your change counts until Sitwell quits)"
    )]
    Unparseable {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error(
        "settings not saved: in {path}, `{key}` (line {line}) holds a table, not a value; \
         rename it and save again (your change counts until Sitwell quits)"
    )]
    NotAValue {
        path: PathBuf,
        key: &'static str,
        line: usize,
    },
    #[error("cannot write settings {path}: {cause}")]
    Write {
        path: PathBuf,
        cause: std::io::Error,
    },
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line (from 1) of `key` in `document` (parsed from `text`), else of its value.
fn line_of_key(document: &Document<&str>, key: &str, item: &toml_edit::Item, text: &str) -> usize {
    document
        .as_table()
        .key(key)
        .and_then(|k| k.span())
        .or_else(|| item.span())
        .map_or(1, |span| line_of(text, span.start))
}

/// Reads `path`: a missing file gives the defaults quietly; a file that cannot be read or is not
/// TOML gives the defaults and the reason; a bad value keeps that setting's default and an
/// unknown key is ignored, each named with its line, while the rest of the file counts.
pub fn load(path: &Path) -> Loaded {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Loaded::default(),
        Err(cause) => {
            return Loaded {
                settings: Settings::default(),
                problems: vec![format!(
                    "cannot read settings {}: {cause}; running on defaults",
                    path.display()
                )],
            };
        }
    };
    parse(&text, path)
}

/// [`load`] on text already read (`path` only names it in the messages).
pub fn parse(text: &str, path: &Path) -> Loaded {
    let mut loaded = Loaded::default();
    let at = |line: usize| format!("settings {}, line {line}", path.display());
    let document = match Document::parse(text) {
        Ok(document) => document,
        Err(e) => {
            let line = e.span().map_or(1, |span| line_of(text, span.start));
            loaded.problems.push(format!(
                "{}: {}; running on defaults (the file is left as it is)",
                at(line),
                e.message().trim()
            ));
            return loaded;
        }
    };
    for (key, item) in document.as_table().iter() {
        let line = line_of_key(&document, key, item, text);
        let result = match item.as_value() {
            Some(value) => loaded.settings.read_key(key, value),
            None => None,
        };
        match result {
            Some(Ok(())) => {}
            Some(Err(message)) => {
                let default = Settings::default()
                    .value_of(key)
                    .map(|v| v.to_string().trim().to_owned())
                    .unwrap_or_default();
                loaded
                    .problems
                    .push(format!("{}: {message}; using {default}", at(line)));
            }
            None => loaded.problems.push(format!(
                "{}: `{key}` is not a Sitwell setting (kept in the file, not used; the settings \
                 are listed in docs/settings.md)",
                at(line)
            )),
        }
    }
    loaded
}

/// The first line of a settings file Sitwell creates.
const NEW_FILE_HEADER: &str =
    "# Sitwell settings: every key, its range and its default are in docs/settings.md.\n";

/// Saves the change from `before` to `after` into `path`: only the keys whose values differ
/// are written, into the file as it is on disk now (comments, unknown keys and every other
/// line kept); a missing file is created with just those keys. A file that is not TOML is
/// left alone and the save refused with the reason.
pub fn save_changes(path: &Path, before: &Settings, after: &Settings) -> Result<(), SaveError> {
    if before.changed_keys(after).is_empty() {
        return Ok(());
    }
    let (header, text) = match std::fs::read_to_string(path) {
        Ok(text) => ("", text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (NEW_FILE_HEADER, String::new()),
        Err(cause) => {
            return Err(SaveError::Read {
                path: path.to_path_buf(),
                cause,
            });
        }
    };
    let edited = header.to_owned() + &edit(&text, path, before, after)?;
    crate::files::write_atomic(path, edited.as_bytes()).map_err(|cause| SaveError::Write {
        path: path.to_path_buf(),
        cause,
    })
}

/// `text` (a settings file's) with the keys that differ between `before` and `after` set to
/// `after`'s values and nothing else changed. `path` only names the file in the messages.
pub fn edit(
    text: &str,
    path: &Path,
    before: &Settings,
    after: &Settings,
) -> Result<String, SaveError> {
    let parsed = Document::parse(text).map_err(|e| SaveError::Unparseable {
        path: path.to_path_buf(),
        line: e.span().map_or(1, |span| line_of(text, span.start)),
        message: e.message().trim().to_owned(),
    })?;
    let changed = before.changed_keys(after);
    // A key that holds a table would be replaced whole: refused before anything changes.
    for &key in &changed {
        if let Some(item) = parsed.get(key).filter(|item| !item.is_value()) {
            return Err(SaveError::NotAValue {
                path: path.to_path_buf(),
                key,
                line: line_of_key(&parsed, key, item, text),
            });
        }
    }
    let mut document = parsed.into_mut();
    for key in changed {
        let Some(mut value) = after.value_of(key) else {
            continue;
        };
        match document
            .get_mut(key)
            .and_then(toml_edit::Item::as_value_mut)
        {
            Some(old) => {
                // The same line: its spacing and any comment after the value stay.
                *value.decor_mut() = old.decor().clone();
                *old = value;
            }
            None => {
                document.insert(key, toml_edit::Item::Value(value));
            }
        }
    }
    Ok(document.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CallLook;
    use crate::pose::LandmarkModel;

    /// A folder of its own for one test, removed when dropped.
    fn temp_dir(name: &str) -> tempfile::TempDir {
        tempfile::Builder::new()
            .prefix(&format!("sitwell-config-{name}-"))
            .tempdir()
            .expect("a temp folder")
    }

    #[test]
    fn a_missing_file_gives_the_defaults_quietly() {
        let loaded = load(Path::new("/nonexistent/sitwell/settings.toml"));
        assert_eq!(loaded.settings, Settings::default());
        assert!(loaded.problems.is_empty());
    }

    #[test]
    fn one_line_keeps_the_other_defaults() {
        let loaded = parse("dwell_s = 120\n", Path::new("s.toml"));
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        assert_eq!(loaded.settings.dwell_s, 120.0);
        assert_eq!(loaded.settings.model, LandmarkModel::Lite);
    }

    #[test]
    fn a_bad_value_and_an_unknown_key_are_named_by_their_lines_and_the_rest_counts() {
        let text = "# mine\nmodel = \"full\"\ndwel_s = 90\ndwell_s = 5\ncall_look = \"hidden\"\n";
        let loaded = parse(text, Path::new("s.toml"));
        assert_eq!(loaded.settings.model, LandmarkModel::Full);
        assert_eq!(loaded.settings.call_look, CallLook::Hidden);
        assert_eq!(loaded.settings.dwell_s, 60.0);
        assert_eq!(loaded.problems.len(), 2, "{:?}", loaded.problems);
        assert!(
            loaded.problems[0]
                .starts_with("settings s.toml, line 3: `dwel_s` is not a Sitwell setting"),
            "{}",
            loaded.problems[0]
        );
        assert_eq!(
            loaded.problems[1],
            "settings s.toml, line 4: dwell_s = 5: must be between 10 and 600 s; using 60"
        );
    }

    #[test]
    fn a_syntax_error_is_named_by_its_line_even_at_the_start_of_a_line() {
        // The error sits at column 0 of line 3 (a key with no value).
        let loaded = parse("model = \"lite\"\ndwell_s = 90\n= 2\n", Path::new("s.toml"));
        assert_eq!(loaded.settings, Settings::default());
        assert_eq!(loaded.problems.len(), 1);
        assert!(
            loaded.problems[0].contains("line 3"),
            "{}",
            loaded.problems[0]
        );
        let loaded = parse("dwell_s = 90\nsensitivity = = 2\n", Path::new("s.toml"));
        assert!(
            loaded.problems[0].contains("line 2"),
            "{}",
            loaded.problems[0]
        );
    }

    #[test]
    fn a_save_changes_only_its_keys_and_keeps_comments_unknown_keys_and_bad_lines() {
        let dir = temp_dir("save");
        let path = dir.path().join("settings.toml");
        let text = "# my settings\nmodel = \"full\"   # the big one\nmy_note = \"keep me\"\n\
                    dwell_s = 5\n[later]\nx = 1\n";
        std::fs::write(&path, text).expect("written");
        let before = load(&path).settings;
        let mut after = before.clone();
        after.camera_place = crate::posture::CameraPlace::Laptop;
        after.model = LandmarkModel::Lite;
        save_changes(&path, &before, &after).expect("saved");
        let saved = std::fs::read_to_string(&path).expect("read");
        assert_eq!(
            saved,
            "# my settings\nmodel = \"lite\"   # the big one\nmy_note = \"keep me\"\n\
             dwell_s = 5\ncamera_place = \"laptop\"\n[later]\nx = 1\n"
        );
        let again = load(&path);
        assert_eq!(again.settings.model, LandmarkModel::Lite);
        assert_eq!(
            again.settings.camera_place,
            crate::posture::CameraPlace::Laptop
        );
    }

    #[test]
    fn a_file_that_is_not_toml_is_never_written_over() {
        let dir = temp_dir("broken");
        let path = dir.path().join("settings.toml");
        let text = "model = \"full\"\ndwell_s = = 90\n";
        std::fs::write(&path, text).expect("written");
        let before = load(&path).settings;
        let after = Settings {
            dwell_s: 120.0,
            ..before.clone()
        };
        let refused = save_changes(&path, &before, &after);
        assert!(
            matches!(refused, Err(SaveError::Unparseable { line: 2, .. })),
            "{refused:?}"
        );
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some(text));
    }

    #[test]
    fn a_first_save_writes_only_what_changed_and_reads_back() {
        let dir = temp_dir("first");
        let path = dir.path().join("sub/settings.toml");
        let before = Settings::default();
        let after = Settings {
            camera: "Logitech".into(),
            dwell_s: 45.0,
            overlay_opacity: 0.8,
            click_through: true,
            ..Settings::default()
        };
        save_changes(&path, &before, &after).expect("saved");
        let saved = std::fs::read_to_string(&path).expect("read");
        assert!(saved.starts_with(NEW_FILE_HEADER), "{saved}");
        assert!(saved.contains("camera = \"Logitech\"\n"), "{saved}");
        assert!(saved.contains("overlay_opacity = 0.8\n"), "{saved}");
        assert!(!saved.contains("model"), "{saved}");
        assert_eq!(load(&path).settings, after);
        // Nothing changed: nothing written.
        std::fs::remove_file(&path).ok();
        save_changes(&path, &after, &after).expect("nothing to do");
        assert!(!path.exists());
    }
}
