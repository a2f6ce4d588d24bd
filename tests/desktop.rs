//! The real window on a virtual desktop, used as a person uses it: a screenshot, the word found
//! on it by OCR, a real mouse click there (xdotool), and the effect checked in the event log,
//! the settings file or the window itself. kittest reaches widgets directly; these tests go
//! through the window manager, the window's real size and egui's hit-testing.
//!
//! Runs inside the project's own harness, `tests/desktop/desk.sh` (Xvfb, openbox, a session
//! bus), with `tests/desktop/ocr.py` (tesseract) and `tests/desktop/lib.sh`;
//! `scripts/setup.sh --tests` installs the packages, and a missing one fails the test with its
//! name.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

/// What a desktop session left behind: its home (settings, events), the log of what the
/// script saw and did, and the process's output.
struct Session {
    home: common::Scratch,
    log: String,
    output: std::process::Output,
}

impl Session {
    fn context(&self) -> String {
        format!(
            "--- what the script saw and did:\n{}\n--- stderr:\n{}",
            self.log,
            String::from_utf8_lossy(&self.output.stderr)
        )
    }

    fn events(&self, name: &str) -> Vec<Value> {
        std::fs::read_to_string(self.home.join(name))
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    fn kinds(&self, name: &str) -> Vec<String> {
        self.events(name)
            .iter()
            .filter_map(|e| e["kind"].as_str().map(str::to_owned))
            .collect()
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.home.join(name)).unwrap_or_default()
    }
}

/// One virtual desktop at a time: two would race for a display number, and the timing of
/// what the scripts wait for suffers on a loaded machine.
static ONE_DESK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The project's desktop harness: `desk.sh`, `ocr.py`, `lib.sh`, `a11y.py`.
fn harness() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/desktop")
}

/// Runs `script` (bash, with `tests/desktop/lib.sh` sourced, `$SITWELL` the binary, `$OUT`
/// the home folder for screenshots, `$DESKTOP_TESTS` the harness folder) on a virtual desktop
/// (at most 300 s).
fn on_desk(tag: &str, script: &str) -> Session {
    let _desk = ONE_DESK
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let home = common::temp_dir("desktop", tag);
    let log = home.join("desk.log");
    let file = home.join("script.sh");
    let tools = harness();
    let lib = tools.join("lib.sh");
    std::fs::write(
        &file,
        format!(
            "set -u\nsource \"{}\"\ncd \"$OUT\"\n{script}\n",
            lib.display()
        ),
    )
    .expect("script written");
    let output = common::output_within(
        std::process::Command::new("bash")
            .arg(tools.join("desk.sh"))
            .arg("bash")
            .arg(&file)
            .env("HOME", &home)
            .env("OUT", &home)
            .env("LOG", &log)
            .env("DESKTOP_TESTS", &tools)
            .env("SITWELL", env!("CARGO_BIN_EXE_sitwell"))
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("XDG_DATA_HOME")
            .env_remove("WAYLAND_DISPLAY"),
        common::SUBPROCESS_LIMIT,
    );
    Session {
        log: std::fs::read_to_string(&log).unwrap_or_default(),
        home,
        output,
    }
}

#[test]
fn a_nudge_card_answers_snooze_and_done_clicked_with_the_mouse() {
    // Two runs of the demo (its nudge comes at about 29 s): Snooze on the first card, Done on
    // the second. Each waits for the card to be on screen before clicking.
    let s = on_desk(
        "card",
        r#"
for answer in Snooze Done; do
  "$SITWELL" --demo --exit-after 45 --events "events-$answer.jsonl" 2> "stderr-$answer.txt" & pid=$!
  for i in $(seq 60); do grep -q '"nudge"' "events-$answer.jsonl" 2>/dev/null && break; sleep 1; done
  sleep 1.5
  shot "card-$answer"
  click_and_wait "card-$answer" "$answer"
  shot "after-$answer"
  wait $pid
done
"#,
    );
    assert!(s.output.status.success(), "{}", s.context());
    for (answer, reason) in [("Snooze", "snoozed"), ("Done", "done")] {
        let cleared: Vec<Value> = s
            .events(&format!("events-{answer}.jsonl"))
            .into_iter()
            .filter(|e| e["kind"] == "nudge_cleared")
            .collect();
        assert_eq!(
            cleared.first().map(|e| e["reason"].clone()),
            Some(Value::from(reason)),
            "{answer}: {cleared:?}\n{}",
            s.context()
        );
    }
    // The card's window fitted its content, and after the answer the panel is compact again.
    assert!(
        s.log.contains("shot card-Done: window at") && s.log.contains("Not now"),
        "{}",
        s.context()
    );
    let after = s
        .log
        .lines()
        .find(|l| l.starts_with("shot after-Done"))
        .unwrap_or_default();
    assert!(after.contains("240x"), "{after}\n{}", s.context());
}

#[test]
fn the_menu_shows_every_entry_pauses_and_opens_the_settings() {
    let s = on_desk(
        "menu",
        r#"
"$SITWELL" --demo --exit-after 40 --events events.jsonl 2> stderr.txt & pid=$!
for i in $(seq 30); do grep -q '"calibrated"' events.jsonl 2>/dev/null && break; sleep 1; done
sleep 1
shot live
click_and_wait live Menu
shot menu
click_and_wait menu Pause
shot paused
click_and_wait paused Menu
shot menu-paused
click_and_wait menu-paused Settings
shot settings
click settings paused; sleep 0.5
shot ticked
click_and_wait ticked Save
shot saved
# Drag the panel by its background (its left edge, below the header) 200 px right and down.
read -r x y w h < <(geometry)
echo "before drag: $x $y" >> "$LOG"
xdotool mousemove $((x + 4)) $((y + h / 2)) mousedown 1 sleep 0.3 \
  mousemove $((x + 60)) $((y + h / 2 + 40)) sleep 0.3 mousemove $((x + 204)) $((y + h / 2 + 200)) \
  sleep 0.3 mouseup 1
sleep 1
echo "after drag: $(geometry)" >> "$LOG"
wait $pid
"#,
    );
    assert!(s.output.status.success(), "{}", s.context());
    let seen = |shot: &str| {
        s.log
            .lines()
            .find(|l| l.starts_with(&format!("shot {shot}:")))
            .unwrap_or_default()
            .to_owned()
    };
    let menu = seen("menu");
    // OCR reads "In a call" as "Ina call" and "until I resume" as "until! resume" at times.
    for entry in [
        "Pause 15 min",
        "Pause 60 min",
        "Pause until",
        "resume",
        "call (quiet)",
        "Recalibrate",
        "History",
        "Settings",
        "Quit",
    ] {
        assert!(
            menu.contains(entry),
            "{entry:?} not on screen: {menu}\n{}",
            s.context()
        );
    }
    assert!(
        s.kinds("events.jsonl").contains(&"paused".to_owned()),
        "{}",
        s.context()
    );
    assert!(seen("paused").contains("Paused"), "{}", s.context());
    // The paused menu over the paused view (OCR garbles the two Resumes drawn over each other).
    let paused_menu = seen("menu-paused");
    assert!(
        paused_menu.contains("Recalibrate") && !paused_menu.contains("Pause 15"),
        "{}",
        s.context()
    );
    assert!(seen("settings").contains("Nudge after"), "{}", s.context());
    // Save wrote what changed (and only that) and closed the panel.
    assert!(
        s.read(".config/sitwell/settings.toml")
            .ends_with("start_paused = true\n"),
        "{}\n{}",
        s.read(".config/sitwell/settings.toml"),
        s.context()
    );
    assert!(!seen("saved").contains("Nudge after"), "{}", s.context());
    let position = |prefix: &str| -> Vec<i64> {
        s.log
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_default()
            .split_whitespace()
            .take(2)
            .filter_map(|v| v.parse().ok())
            .collect()
    };
    let (before, after) = (position("before drag: "), position("after drag: "));
    assert!(
        before.len() == 2
            && after.len() == 2
            && after[0] - before[0] > 100
            && after[1] - before[1] > 100,
        "the drag moved the window from {before:?} to {after:?}\n{}",
        s.context()
    );
}

#[test]
fn the_camera_question_calibrates_for_the_place_clicked() {
    let s = on_desk(
        "camera",
        r#"
"$SITWELL" --demo --exit-after 40 --events events.jsonl 2> stderr.txt & pid=$!
# Calibration takes 5 s of the clip: the answer must land while it runs. On a loaded machine the
# first view may be gone before OCR has read it; then Recalibrate (key C) asks again.
wid > /dev/null
for attempt in 1 2 3; do
  pos=""
  for i in $(seq 50); do
    shot calibrating
    pos=$(find_word calibrating monitor) && break
    sleep 0.2
  done
  echo "click monitor at $pos ($(date +%T.%N | cut -c1-12))" >> "$LOG"
  # shellcheck disable=SC2086
  xdotool mousemove $pos click 1
  for i in $(seq 40); do grep -q '"calibrated"' events.jsonl 2>/dev/null && break; sleep 0.25; done
  grep '"calibrated"' events.jsonl | tail -1 | grep -q '"monitor"' && break
  echo "attempt $attempt: calibrated before the answer; recalibrating" >> "$LOG"
  xdotool windowfocus "$(wid)"; sleep 0.3; xdotool key --window "$(wid)" c
done
shot calibrated
wait $pid
"#,
    );
    assert!(s.output.status.success(), "{}", s.context());
    let seen = s
        .log
        .lines()
        .filter(|l| l.starts_with("shot calibrating"))
        .any(|l| l.contains("On top of a monitor"));
    assert!(seen, "the camera question was never seen\n{}", s.context());
    let calibrated: Vec<Value> = s
        .events("events.jsonl")
        .into_iter()
        .filter(|e| e["kind"] == "calibrated")
        .collect();
    assert_eq!(
        calibrated.last().map(|c| c["camera"].clone()),
        Some(Value::from("monitor")),
        "{calibrated:?}\n{}",
        s.context()
    );
    // The demo's camera is not the user's: their settings are not touched.
    assert!(
        !s.home.join(".config/sitwell/settings.toml").exists(),
        "the demo wrote the user's settings: {}\n{}",
        s.read(".config/sitwell/settings.toml"),
        s.context()
    );
}

/// The user's own settings file — a comment, a key Sitwell does not know and a value out of
/// range — survives Sitwell: both problems are named with their lines, and Save in the panel
/// changes only the key it changed.
#[test]
fn a_users_settings_file_keeps_every_line_through_a_save_in_the_panel() {
    let mine = "# my settings, by hand\nmodel = \"full\"  # the accurate one\n\
                my_note = \"keep me\"\ndwell_s = 5\n";
    let s = on_desk(
        "own-settings",
        &format!(
            r#"
mkdir -p .config/sitwell
printf '%s' '{mine}' > .config/sitwell/settings.toml
"$SITWELL" --demo --exit-after 60 --events events.jsonl 2> stderr.txt & pid=$!
for i in $(seq 300); do grep -q '"calibrated"' events.jsonl 2>/dev/null && break; sleep 0.2; done
sleep 1
shot live
click_and_wait live Menu
shot menu
click_and_wait menu Settings
shot settings
click settings paused; sleep 0.5
shot ticked
click_and_wait ticked Save
shot saved
kill $pid; wait $pid
"#
        ),
    );
    let stderr = s.read("stderr.txt");
    assert!(
        stderr.contains("line 3: `my_note` is not a Sitwell setting"),
        "{stderr}\n{}",
        s.context()
    );
    assert!(
        stderr.contains("line 4: dwell_s = 5: must be between 10 and 600 s; using 60"),
        "{stderr}"
    );
    let saved = s.read(".config/sitwell/settings.toml");
    assert_eq!(
        saved,
        format!("{mine}start_paused = true\n"),
        "{}",
        s.context()
    );
}

#[test]
fn in_a_call_the_panel_is_a_neutral_dot_that_opens_on_a_click() {
    let s = on_desk(
        "dot",
        r#"
"$SITWELL" --demo --exit-after 30 --events events.jsonl 2> stderr.txt & pid=$!
for i in $(seq 30); do grep -q '"calibrated"' events.jsonl 2>/dev/null && break; sleep 1; done
sleep 1
shot live
click_and_wait live Menu
shot menu
click_and_wait menu call
shot dot
echo "dot geometry: $(geometry)" >> "$LOG"
read -r x y w h < <(geometry)
xdotool mousemove $((x + w / 2)) $((y + h / 2)) sleep 0.3 click 1
sleep 1.5
echo "opened geometry: $(geometry)" >> "$LOG"
shot opened
wait $pid
"#,
    );
    assert!(s.output.status.success(), "{}", s.context());
    let line = |prefix: &str| {
        s.log
            .lines()
            .find(|l| l.starts_with(prefix))
            .unwrap_or_default()
            .to_owned()
    };
    // The dot: a small square window with nothing to read on it.
    let dot = line("dot geometry: ");
    assert!(dot.ends_with(" 28 28"), "{dot}\n{}", s.context());
    let dot_words = line("shot dot:");
    let read = dot_words.split("reads:").nth(1).unwrap_or_default().trim();
    assert!(
        !read.chars().any(|c| c.is_ascii_digit()) && !read.contains("upright"),
        "the dot shows {read:?}\n{}",
        s.context()
    );
    // A click on it opens the whole panel (its Menu button to read), still in the call.
    let opened = line("opened geometry: ");
    let width = opened.split_whitespace().nth(4).unwrap_or_default();
    assert_eq!(width, "240", "{opened}\n{}", s.context());
    assert!(line("shot opened:").contains("Menu"), "{}", s.context());
    let calls: Vec<Value> = s
        .events("events.jsonl")
        .into_iter()
        .filter(|e| e["kind"] == "in_call")
        .collect();
    assert_eq!(
        calls.first().map(|e| e["on"].clone()),
        Some(Value::from(true))
    );
}

#[test]
fn a_screen_reader_reads_the_panel_and_presses_its_buttons() {
    let s = on_desk(
        "a11y",
        r#"
# As Orca does when it starts: tell the desktop a screen reader is on.
dbus-send --session --print-reply --dest=org.a11y.Bus /org/a11y/bus \
  org.freedesktop.DBus.Properties.Set string:org.a11y.Status \
  string:ScreenReaderEnabled variant:boolean:true >> "$LOG" 2>&1
"$SITWELL" --demo --exit-after 40 --events events.jsonl 2> stderr.txt & pid=$!
for i in $(seq 30); do grep -q '"calibrated"' events.jsonl 2>/dev/null && break; sleep 1; done
sleep 1
/usr/bin/python3 "$DESKTOP_TESTS/a11y.py" --press Menu > tree.txt 2>> "$LOG"
shot after-press
wait $pid
"#,
    );
    assert!(s.output.status.success(), "{}", s.context());
    let tree = s.read("tree.txt");
    let (before, after) = tree.split_once("after pressing:").unwrap_or((&tree, ""));
    // The panel as a screen reader reads it: the button, the pattern, the slouch meter.
    for node in [
        "application: sitwell",
        "frame: Sitwell",
        "push button: Menu",
        "label: upright",
        "progress bar: Fills while you slouch",
    ] {
        assert!(
            before.contains(node),
            "{node:?} not read:\n{tree}\n{}",
            s.context()
        );
    }
    // Pressed through AT-SPI, Menu opened the menu: its entries are read out.
    for entry in ["Pause 15 min", "Recalibrate", "Settings", "Quit"] {
        assert!(
            after.contains(entry),
            "{entry:?} not read after pressing Menu:\n{tree}"
        );
    }
}

#[test]
fn the_panel_is_the_same_size_in_points_and_clickable_at_scale_one_and_a_half_and_two() {
    let s = on_desk(
        "hidpi",
        r#"
for scale in 1.5 2; do
  WINIT_X11_SCALE_FACTOR=$scale "$SITWELL" --demo --exit-after 25 --events ev-$scale.jsonl \
    2> stderr-$scale.txt & pid=$!
  for i in $(seq 30); do grep -q '"calibrated"' ev-$scale.jsonl 2>/dev/null && break; sleep 1; done
  sleep 1
  shot live-$scale
  echo "scale $scale live: $(geometry)" >> "$LOG"
  click_and_wait live-$scale Menu
  shot menu-$scale
  echo "scale $scale menu: $(geometry)" >> "$LOG"
  wait $pid
done
"#,
    );
    assert!(s.output.status.success(), "{}", s.context());
    let size = |prefix: &str| -> Vec<f64> {
        s.log
            .lines()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_default()
            .split_whitespace()
            .skip(2)
            .filter_map(|v| v.parse().ok())
            .collect()
    };
    for (scale, name) in [(1.5, "1.5"), (2.0, "2")] {
        // 240 points wide at any scale: 360 and 480 pixels.
        let live = size(&format!("scale {name} live: "));
        assert_eq!(
            live.first().copied(),
            Some(240.0 * scale),
            "{live:?}\n{}",
            s.context()
        );
        let menu = size(&format!("scale {name} menu: "));
        assert!(
            menu.get(1).is_some_and(|h| *h > live[1] * 2.0),
            "the menu did not open at scale {name}: {menu:?}\n{}",
            s.context()
        );
        let shot = s
            .log
            .lines()
            .find(|l| l.starts_with(&format!("shot menu-{name}:")))
            .unwrap_or_default()
            .to_owned();
        assert!(
            shot.contains("Recalibrate") && shot.contains("Quit"),
            "{shot}\n{}",
            s.context()
        );
    }
}
