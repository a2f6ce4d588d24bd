//! Power on Linux: whether the machine runs on its battery, from the kernel's power-supply
//! class (`/sys/class/power_supply`, what UPower itself reads): on battery when a battery is
//! there and no mains adapter is online.

use std::path::Path;

/// Whether the machine runs on its battery now; `None` when it cannot tell (no power-supply
/// information).
pub fn on_battery() -> Option<bool> {
    on_battery_in(Path::new("/sys/class/power_supply"))
}

fn on_battery_in(class: &Path) -> Option<bool> {
    let read = |dir: &Path, file: &str| {
        std::fs::read_to_string(dir.join(file))
            .map(|s| s.trim().to_owned())
            .unwrap_or_default()
    };
    let (mut battery, mut mains, mut mains_online) = (false, false, false);
    for entry in std::fs::read_dir(class).ok()?.flatten() {
        let dir = entry.path();
        match read(&dir, "type").as_str() {
            // A battery that powers the system (not a mouse's: scope "Device").
            "Battery" if read(&dir, "scope") != "Device" => battery = true,
            "Mains" | "USB" => {
                mains = true;
                mains_online |= read(&dir, "online") == "1";
            }
            _ => {}
        }
    }
    if !battery && !mains {
        return None;
    }
    Some(battery && !mains_online)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn supply(class: &Path, name: &str, files: &[(&str, &str)]) {
        let dir = class.join(name);
        std::fs::create_dir_all(&dir).expect("folder");
        for (file, text) in files {
            std::fs::write(dir.join(file), format!("{text}\n")).expect("written");
        }
    }

    #[test]
    fn a_laptop_unplugged_is_on_battery_and_a_desktop_never() {
        let scratch = tempfile::tempdir().expect("a temp folder");
        let class = scratch.path().to_path_buf();
        let _ = std::fs::remove_dir_all(&class);
        std::fs::create_dir_all(&class).expect("folder");
        assert_eq!(
            on_battery_in(&class),
            None,
            "a desktop without power-supply information"
        );
        supply(&class, "AC", &[("type", "Mains"), ("online", "1")]);
        supply(
            &class,
            "BAT0",
            &[("type", "Battery"), ("status", "Charging")],
        );
        assert_eq!(on_battery_in(&class), Some(false));
        supply(&class, "AC", &[("type", "Mains"), ("online", "0")]);
        assert_eq!(on_battery_in(&class), Some(true));
        // A wireless mouse's battery says nothing about the machine's.
        let _ = std::fs::remove_dir_all(class.join("BAT0"));
        supply(
            &class,
            "hidpp_battery_0",
            &[("type", "Battery"), ("scope", "Device")],
        );
        assert_eq!(on_battery_in(&class), Some(false));
        let _ = std::fs::remove_dir_all(&class);
    }
}
