//! Calls on Linux: which programs record from the microphone (`pactl list source-outputs`,
//! PulseAudio or PipeWire, else the running ALSA capture devices in
//! `/proc/asound/card*/pcm*c/sub*/status`) and which screens are shared (PipeWire's video
//! sources that are not cameras, from `pw-dump`: Wayland desktops, and X11 desktops whose apps
//! use the screen-cast portal). Level meters and noise filters that record all the time are
//! not calls. Nothing is recorded or listened to: only the list of programs.

use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

/// The programs recording from a microphone or sharing a screen now; `None` when this desktop
/// cannot tell (no sound server and no ALSA).
pub fn users() -> Option<Vec<String>> {
    let mut users = microphone_users(Path::new("/proc/asound"))?;
    users.extend(screen_shares());
    Some(users)
}

/// Programs that record all the time without being a call: level meters (the volume
/// panels' "Peak detect" streams) and noise filters.
const NOT_CALLS: [&str; 7] = [
    "pavucontrol",
    "gnome-control-center",
    "plasmashell",
    "easyeffects",
    "noisetorch",
    "pipewire",
    "sitwell",
];

/// Sound-server processes: a capture they hold says nothing about who wants the microphone.
const SOUND_SERVERS: [&str; 3] = ["pipewire", "pulseaudio", "wireplumber"];

/// The indices of monitor sources (what the speakers play), from `pactl list short sources`:
/// recording those is a screen recorder or a visualiser, not a call.
pub fn monitor_sources(text: &str) -> Vec<u32> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let index = fields.next()?.trim().parse().ok()?;
            fields
                .next()
                .is_some_and(|name| name.ends_with(".monitor"))
                .then_some(index)
        })
        .collect()
}

/// The programs recording from a microphone, from the text of `LC_ALL=C pactl list
/// source-outputs`. Left out: level meters and filters, streams the sound server made itself
/// (no client, no application: loopback, echo cancelling) and recordings of `monitors`.
pub fn recorders_from_pactl(text: &str, monitors: &[u32]) -> Vec<String> {
    let mut recorders = Vec::new();
    for block in text.split("Source Output #").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|line| {
                let line = line.trim();
                let (k, v) = line.split_once(" = ").or_else(|| line.split_once(": "))?;
                (k == key).then(|| v.trim_matches('"').to_owned())
            })
        };
        let binary = field("application.process.binary").unwrap_or_default();
        let name = field("application.name").unwrap_or_default();
        let media = field("media.name").unwrap_or_default();
        let from_a_client = field("Client").is_some_and(|c| c != "n/a");
        let of_a_monitor = field("Source")
            .and_then(|s| s.parse::<u32>().ok())
            .is_some_and(|s| monitors.contains(&s));
        let is_meter = media.eq_ignore_ascii_case("Peak detect");
        let is_filter = NOT_CALLS
            .iter()
            .any(|n| binary.eq_ignore_ascii_case(n) || name.eq_ignore_ascii_case(n));
        let named = !(name.is_empty() && binary.is_empty());
        if from_a_client && named && !of_a_monitor && !is_meter && !is_filter {
            recorders.push(if name.is_empty() { binary } else { name });
        }
    }
    recorders
}

/// The owner of a running ALSA capture substream, from its `status` file ("closed" when idle).
pub fn running_capture_owner(status: &str) -> Option<u32> {
    if !status.lines().any(|l| l.trim() == "state: RUNNING") {
        return None;
    }
    status.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == "owner_pid").then(|| v.trim().parse().ok())?
    })
}

/// Who records from a microphone now: `Some(programs)` (empty: nobody), `None` when this
/// desktop gives no way to tell.
pub fn microphone_users(asound: &Path) -> Option<Vec<String>> {
    if let Some(outputs) = pactl(&["list", "source-outputs"]) {
        // Monitor sources only rule recordings out: ask for them only when someone records.
        let recorders = recorders_from_pactl(&outputs, &[]);
        if recorders.is_empty() {
            return Some(recorders);
        }
        let monitors = pactl(&["list", "short", "sources"])
            .map(|text| monitor_sources(&text))
            .unwrap_or_default();
        return Some(recorders_from_pactl(&outputs, &monitors));
    }
    let cards = std::fs::read_dir(asound).ok()?;
    let mut users = Vec::new();
    for card in cards.flatten() {
        let Ok(pcms) = std::fs::read_dir(card.path()) else {
            continue;
        };
        for pcm in pcms.flatten() {
            let name = pcm.file_name().to_string_lossy().into_owned();
            if !(name.starts_with("pcm") && name.ends_with('c')) {
                continue;
            }
            let Ok(subs) = std::fs::read_dir(pcm.path()) else {
                continue;
            };
            for sub in subs.flatten() {
                let status = std::fs::read_to_string(sub.path().join("status")).unwrap_or_default();
                if let Some(pid) = running_capture_owner(&status) {
                    let comm = std::fs::read_to_string(format!("/proc/{pid}/comm"))
                        .map(|c| c.trim().to_owned())
                        .unwrap_or_else(|_| "a program".to_owned());
                    let unknowable = SOUND_SERVERS
                        .iter()
                        .chain(NOT_CALLS.iter())
                        .any(|n| comm.eq_ignore_ascii_case(n));
                    if !unknowable {
                        users.push(comm);
                    }
                }
            }
        }
    }
    Some(users)
}

/// The screens being shared now, from `pw-dump`'s JSON: running PipeWire video sources that
/// are not a camera (a camera source names its device API, v4l2 or libcamera). Each is named by
/// what made it ("screen shared by gnome-shell").
pub fn screen_shares_from_pw_dump(json: &str) -> Vec<String> {
    let Ok(serde_json::Value::Array(objects)) = serde_json::from_str::<serde_json::Value>(json)
    else {
        return Vec::new();
    };
    objects
        .iter()
        .filter(|o| o["type"] == "PipeWire:Interface:Node")
        .filter(|o| o["info"]["state"] == "running")
        .filter_map(|o| {
            let props = &o["info"]["props"];
            let class = props["media.class"].as_str()?;
            let camera = props["device.api"].is_string() || props["api.v4l2.path"].is_string();
            (class == "Video/Source" && !camera).then(|| {
                let by = ["application.name", "node.description", "node.name"]
                    .iter()
                    .find_map(|k| props[*k].as_str())
                    .unwrap_or("a program");
                format!("screen shared by {by}")
            })
        })
        .collect()
}

/// Screens shared through PipeWire now; empty without `pw-dump` (no PipeWire, or X11 apps
/// that grab the screen directly, which nothing can see).
pub fn screen_shares() -> Vec<String> {
    let mut command = Process::new("pw-dump");
    output_within(&mut command, PACTL_TIMEOUT)
        .map(|json| screen_shares_from_pw_dump(&json))
        .unwrap_or_default()
}

/// How long `pactl` may take before it is given up on (a stuck sound server must not hold up
/// quitting).
const PACTL_TIMEOUT: Duration = Duration::from_secs(2);

/// `pactl ARGS` in the C locale: its output, or `None` when it is missing, fails or hangs.
fn pactl(args: &[&str]) -> Option<String> {
    let mut command = Process::new("pactl");
    command.args(args).env("LC_ALL", "C");
    output_within(&mut command, PACTL_TIMEOUT)
}

/// Runs `command` and returns what it printed if it succeeds within `timeout`; a program that
/// takes longer is killed.
fn output_within(command: &mut Process, timeout: Duration) -> Option<String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| tracing::debug!("{command:?}: {e}"))
        .ok()?;
    // Read while it runs: a long listing would otherwise fill the pipe and stall the program.
    // The reader ends when the program exits or is killed (its end of the pipe closes).
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).map(|_| text)
    });
    let deadline = Instant::now() + timeout;
    let succeeded = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.success(),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Ok(None) | Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                break false;
            }
        }
    };
    if !succeeded {
        // Not waited for: a program it started may still hold the pipe open (a `sh` wrapper's
        // `sleep`); the reader ends by itself when the pipe closes.
        return None;
    }
    reader.join().ok()?.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACTL: &str = r#"Source Output #41
	Driver: PipeWire
	Owner Module: n/a
	Client: 40
	Source: 57
	Sample Specification: float32le 1ch 25Hz
	Properties:
		media.name = "Peak detect"
		application.name = "PulseAudio Volume Control"
		application.process.binary = "pavucontrol"
Source Output #73
	Driver: PipeWire
	Owner Module: n/a
	Client: 72
	Source: 57
	Sample Specification: s16le 1ch 48000Hz
	Properties:
		media.name = "RecordStream"
		application.name = "ZOOM VoiceEngine"
		application.process.id = "48213"
		application.process.binary = "zoom"
"#;

    const LOOPBACK: &str = r#"Source Output #12
	Driver: module-loopback.c
	Owner Module: 23
	Client: n/a
	Source: 57
	Properties:
		media.name = "Loopback to Built-in Audio"
"#;

    const SOURCES: &str = "56\talsa_output.pci-0000_00_1f.3.analog-stereo.monitor\tPipeWire\ts32le 2ch 48000Hz\tSUSPENDED\n\
                           57\talsa_input.pci-0000_00_1f.3.analog-stereo\tPipeWire\ts32le 2ch 48000Hz\tRUNNING\n";

    #[test]
    fn a_call_app_records_and_a_level_meter_does_not_count() {
        assert_eq!(recorders_from_pactl(PACTL, &[]), vec!["ZOOM VoiceEngine"]);
        let meter_only = PACTL.split("Source Output #73").next().unwrap_or_default();
        assert!(recorders_from_pactl(meter_only, &[]).is_empty());
        assert!(recorders_from_pactl("", &[]).is_empty());
    }

    #[test]
    fn the_sound_servers_own_streams_and_recordings_of_the_speakers_do_not_count() {
        assert!(recorders_from_pactl(LOOPBACK, &[]).is_empty());
        let monitors = monitor_sources(SOURCES);
        assert_eq!(monitors, vec![56]);
        // A screen recorder taking the desktop's sound is not a call; from the mic it might be.
        let obs = PACTL.replace("Source: 57", "Source: 56");
        assert!(recorders_from_pactl(&obs, &monitors).is_empty());
        assert_eq!(recorders_from_pactl(PACTL, &monitors).len(), 1);
    }

    #[test]
    fn a_running_alsa_capture_names_its_owner() {
        let running = "state: RUNNING\nowner_pid   : 4242\ntrigger_time: 1.0\n";
        assert_eq!(running_capture_owner(running), Some(4242));
        assert_eq!(running_capture_owner("closed\n"), None);
        assert_eq!(
            running_capture_owner("state: PREPARED\nowner_pid   : 7\n"),
            None
        );
    }

    #[test]
    fn a_running_screen_cast_is_a_share_and_a_camera_or_an_idle_one_is_not() {
        // The shape of `pw-dump`'s output: a GNOME screen cast (running), the webcam as a
        // PipeWire source (v4l2), an idle screen cast, and an audio node.
        let json = r#"[
          {"id": 31, "type": "PipeWire:Interface:Node", "info": {"state": "running",
            "props": {"media.class": "Video/Source", "node.name": "gnome-shell-screencast",
                      "application.name": "gnome-shell"}}},
          {"id": 44, "type": "PipeWire:Interface:Node", "info": {"state": "running",
            "props": {"media.class": "Video/Source", "device.api": "v4l2",
                      "node.name": "v4l2_input.pci-0000_00_14.0-usb-0_6_1.0"}}},
          {"id": 52, "type": "PipeWire:Interface:Node", "info": {"state": "suspended",
            "props": {"media.class": "Video/Source", "node.name": "xdpw_stream"}}},
          {"id": 60, "type": "PipeWire:Interface:Node", "info": {"state": "running",
            "props": {"media.class": "Audio/Sink", "node.name": "speakers"}}},
          {"id": 7, "type": "PipeWire:Interface:Client", "info": {"props": {}}}
        ]"#;
        assert_eq!(
            screen_shares_from_pw_dump(json),
            ["screen shared by gnome-shell"]
        );
        assert!(screen_shares_from_pw_dump("not json").is_empty());
        // A share starts "a call" like a recording does.
        let mut sense = crate::live::calls::CallSense::default();
        let shares = screen_shares_from_pw_dump(json);
        assert_eq!(sense.observe(&shares, 0.0), None);
        assert!(
            sense
                .observe(&shares, crate::live::calls::ON_AFTER_S + 0.1)
                .is_some()
        );
    }

    #[test]
    fn a_long_listing_is_read_whole_and_a_stuck_program_is_given_up_on() {
        // More than a pipe holds (64 KiB): read while the program writes, not after.
        let mut long = Process::new("sh");
        long.args(["-c", "head -c 200000 /dev/zero | tr '\\0' x"]);
        let text = output_within(&mut long, Duration::from_secs(10));
        assert_eq!(text.map(|t| t.len()), Some(200_000));

        let mut stuck = Process::new("sleep");
        stuck.arg("30");
        let started = Instant::now();
        assert_eq!(output_within(&mut stuck, Duration::from_millis(200)), None);
        assert!(started.elapsed() < Duration::from_secs(10));
        // A wrapper script whose own child keeps the pipe open after the wrapper is killed
        // (what a stuck `pactl` behind a shell looks like): given up on just as soon.
        let mut wrapped = Process::new("sh");
        wrapped.args(["-c", "sleep 30; echo late"]);
        let started = Instant::now();
        assert_eq!(
            output_within(&mut wrapped, Duration::from_millis(200)),
            None
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );

        let mut failing = Process::new("sh");
        failing.args(["-c", "echo partial; exit 3"]);
        assert_eq!(output_within(&mut failing, Duration::from_secs(10)), None);
    }
}
