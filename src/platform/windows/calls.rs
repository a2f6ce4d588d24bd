//! Calls on Windows: which programs use the microphone or a camera now, as Windows itself
//! records it for its privacy settings and the "in use" icon in the taskbar (the capability
//! access manager's consent store in the user's registry: an app's `LastUsedTimeStop` is 0
//! while it records). Sitwell's own use of the camera does not count. Nothing is recorded or
//! listened to: only the list of programs.

use super::registry::{self, HKEY_CURRENT_USER};

const CONSENT_STORE: &str =
    r"Software\Microsoft\Windows\CurrentVersion\CapabilityAccessManager\ConsentStore";

/// The programs recording from a microphone or holding a camera now; `None` when this
/// Windows does not keep the record (before Windows 10 1903).
pub fn users() -> Option<Vec<String>> {
    let own = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.file_name().map(|n| n.to_string_lossy().into_owned()));
    let mut users = in_use("microphone")?;
    users.extend(
        in_use("webcam")
            .unwrap_or_default()
            .into_iter()
            .filter(|name| Some(name) != own.as_ref()),
    );
    Some(users)
}

/// The apps using `capability` now: store apps by package name, desktop programs (under
/// `NonPackaged`) by their file's name.
fn in_use(capability: &str) -> Option<Vec<String>> {
    let store = format!(r"{CONSENT_STORE}\{capability}");
    let mut keys: Vec<String> = registry::subkeys(HKEY_CURRENT_USER, &store)?
        .into_iter()
        .filter(|k| k != "NonPackaged")
        .map(|k| format!(r"{store}\{k}"))
        .collect();
    let desktop = format!(r"{store}\NonPackaged");
    keys.extend(
        registry::subkeys(HKEY_CURRENT_USER, &desktop)
            .unwrap_or_default()
            .into_iter()
            .map(|k| format!(r"{desktop}\{k}")),
    );
    Some(
        keys.iter()
            .filter(|key| {
                let start = registry::read_u64(HKEY_CURRENT_USER, key, "LastUsedTimeStart");
                let stop = registry::read_u64(HKEY_CURRENT_USER, key, "LastUsedTimeStop");
                using_now(start, stop)
            })
            .map(|key| program_name(key))
            .collect(),
    )
}

/// An app uses the device now when it started at some time and has not stopped since.
fn using_now(start: Option<u64>, stop: Option<u64>) -> bool {
    start.is_some_and(|s| s > 0) && stop == Some(0)
}

/// A short name for a consent-store key: the file's name of a desktop program (its path is
/// written with `#` for `\`), else the package name.
fn program_name(key: &str) -> String {
    let last = key.rsplit('\\').next().unwrap_or(key);
    last.rsplit('#').next().unwrap_or(last).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_records_from_its_start_until_its_stop_is_written() {
        assert!(using_now(Some(133_500_000_000_000_000), Some(0)));
        assert!(!using_now(
            Some(133_500_000_000_000_000),
            Some(133_500_000_100_000_000)
        ));
        assert!(!using_now(None, Some(0)));
        assert!(!using_now(Some(0), Some(0)));
    }

    #[test]
    fn programs_are_named_by_their_file_or_package() {
        assert_eq!(
            program_name(r"…\microphone\NonPackaged\C:#Program Files#Zoom#bin#Zoom.exe"),
            "Zoom.exe"
        );
        assert_eq!(
            program_name(r"…\microphone\MicrosoftTeams_8wekyb3d8bbwe"),
            "MicrosoftTeams_8wekyb3d8bbwe"
        );
    }
}
