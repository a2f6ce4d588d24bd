#!/usr/bin/env bash
# Tests the Windows build on this Debian machine under Wine, as a Windows user meets it:
#   1. the library's unit tests, cross-built and run under Wine;
#   2. the portable zip unpacked into an empty folder with a fresh Wine prefix:
#      `sitwell.exe --version`; `analyze` on stills gives the Linux build's keypoints (within
#      0.01 px); `watch --headless` on a recorded MJPEG camera stream nudges within 0.5 s of the
#      Linux build; `report` reads the history it wrote;
#   3. the installer: a silent install puts the program and its Start-menu shortcut in place,
#      the installed copy runs, the silent uninstall removes the program and keeps the user's
#      data;
#   4. the overlay on a virtual desktop (tests/desktop/desk.sh: Xvfb + openbox): the panel is
#      shown, screenshotted and read by OCR (its score word), and exits by itself.
# Needs scripts/package-windows to have run (it makes the zip and the installer) and the Linux
# build (target/debug/sitwell, from scripts/test.sh; built here if missing).
#   scripts/test-windows.sh            all of it
#   KEEP=1 scripts/test-windows.sh     keep the work folder for a look
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
started=$SECONDS
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
name=sitwell-$version-x86_64-windows
zip=target/windows/$name.zip
setup=target/windows/sitwell-$version-x86_64-setup.exe
for f in "$zip" "$setup"; do
  [ -f "$f" ] || { echo "test-windows: $f is missing; run scripts/package-windows first" >&2; exit 2; }
done
linux=$ROOT/target/debug/sitwell
[ -x "$linux" ] || cargo build --bin sitwell
WINE64=$(command -v wine64 || echo /usr/lib/wine/wine64)
WINESERVER=$(command -v wineserver || echo /usr/lib/wine/wineserver)

work=$(mktemp -d /tmp/sitwell-windows.XXXXXX)
cleanup() {
  WINEPREFIX=$work/prefix "$WINESERVER" -k 2> /dev/null || true
  if [ "${KEEP:-0}" = 1 ]; then echo "test-windows: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
failures=0
check() { # check DESCRIPTION COMMAND...: runs COMMAND, says ok (with its lines starting "= ") or FAILED
  local what=$1 t0=$SECONDS
  shift
  if "$@" > "$work/check.log" 2>&1; then
    echo "ok   $what ($((SECONDS - t0)) s)"
    grep '^= ' "$work/check.log" | sed 's/^= /     /' || true
  else
    echo "FAILED $what ($((SECONDS - t0)) s):"
    sed 's/^/    /' "$work/check.log" | tail -40
    failures=$((failures + 1))
  fi
}

# 1. Unit tests under Wine (the dist profile: the same dependencies the package was built with).
source scripts/windows/env.sh
unit_tests() {
  local status=0
  wincargo test --locked --profile dist --no-default-features --lib > "$work/unit.log" 2>&1 || status=$?
  cat "$work/unit.log"
  echo "= $(grep '^test result' "$work/unit.log")"
  return "$status"
}
check "unit tests under Wine" unit_tests

# 2. The portable zip, in an empty folder, with a fresh prefix (no ONNX Runtime but its own).
export WINEPREFIX=$work/prefix WINEDEBUG=-all
unset ORT_DYLIB_PATH WINEPATH
bash scripts/windows/wine-run.sh --init-only "$WINEPREFIX"
mkdir -p "$work/app" "$work/home"
unzip -q "$zip" -d "$work/app"
exe=$work/app/$name/sitwell.exe
win() { timeout 600 "$WINE64" "$exe" "$@"; }

version_prints() {
  win --version | tee /dev/stderr | grep -qx "sitwell $version"
}
check "sitwell.exe --version" version_prints

stills=(tests/fixtures/real/face_recognition__biden_standing.jpg
        tests/fixtures/real/mahotas__luispedro_3quarter.jpg
        tests/fixtures/synthetic/D1_slouch_050.jpg)
analyze_matches_linux() {
  "$linux" analyze "${stills[@]}" > "$work/analyze-linux.jsonl"
  win analyze "${stills[@]}" > "$work/analyze-windows.jsonl"
  python3 - "$work/analyze-linux.jsonl" "$work/analyze-windows.jsonl" <<'EOF'
import json, sys
lin = [json.loads(l) for l in open(sys.argv[1])]
win = [json.loads(l) for l in open(sys.argv[2])]
assert len(lin) == len(win) == 3, (len(lin), len(win))
worst = 0.0
for a, b in zip(lin, win):
    assert a.get("keypoints") and b.get("keypoints"), "a person in every still"
    for p, q in zip(a["keypoints"], b["keypoints"]):
        worst = max(worst, abs(p[0] - q[0]), abs(p[1] - q[1]))
print(f"= 3 stills, 33 keypoints each: largest difference {worst:.4f} px")
assert worst <= 0.01, worst
EOF
}
check "analyze: the Linux build's keypoints within 0.01 px" analyze_matches_linux

# A recorded camera: the demo clip (upright, then a slouch) as a 30 fps MJPEG stream.
ffmpeg -loglevel error -i assets/demo/seated_slouch_demo.mp4 -r 30 -q:v 4 -f mjpeg "$work/stream.mjpeg"
first_nudge() {
  python3 -c '
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("kind") == "nudge":
        print(e["t"]); break
else:
    sys.exit("no nudge in " + sys.argv[1])' "$1"
}
watch_nudges_as_linux() {
  HOME=$work/home "$linux" watch --headless --source "$work/stream.mjpeg" --dwell 10 \
    --events "$work/events-linux.jsonl" --db "$work/linux.sqlite" > /dev/null
  win watch --headless --source "$work/stream.mjpeg" --dwell 10 \
    --events "$work/events-windows.jsonl" --db "$work/windows.sqlite" > /dev/null
  local a b
  a=$(first_nudge "$work/events-linux.jsonl")
  b=$(first_nudge "$work/events-windows.jsonl")
  echo "= first nudge: Linux at $a s, Windows at $b s"
  python3 -c "import sys; sys.exit(abs($a - $b) > 0.5)"
}
check "watch --headless on an MJPEG stream: first nudge within 0.5 s of Linux" watch_nudges_as_linux

report_reads_history() {
  win report --db "$work/windows.sqlite" --format csv > "$work/report.csv"
  cat "$work/report.csv"
  # Today's row counts the nudge the run above logged.
  python3 - "$work/report.csv" <<'EOF2'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows and sum(int(r["nudges"]) for r in rows) >= 1, rows
EOF2
}
check "report reads the history the Windows build wrote" report_reads_history

# 3. The installer, silently, into the fresh prefix's user profile.
profile=$(find "$WINEPREFIX/drive_c/users" -mindepth 1 -maxdepth 1 -type d ! -name Public | head -1)
installed=$profile/AppData/Local/Programs/Sitwell
shortcut=$profile/AppData/Roaming/Microsoft/Windows/Start\ Menu/Programs/Sitwell.lnk
install_and_uninstall() {
  mkdir -p "$profile/AppData/Local/sitwell"
  echo "kept" > "$profile/AppData/Local/sitwell/user-data.txt"
  "$WINE64" "$setup" /S
  "$WINESERVER" --wait
  [ -f "$installed/sitwell.exe" ] || { echo "no $installed/sitwell.exe"; return 1; }
  [ -f "$installed/onnxruntime.dll" ] || { echo "no onnxruntime.dll"; return 1; }
  [ -f "$shortcut" ] || { echo "no Start-menu shortcut at $shortcut"; return 1; }
  timeout 120 "$WINE64" "$installed/sitwell.exe" --version | grep -qx "sitwell $version"
  "$WINE64" "$installed/uninstall.exe" /S
  "$WINESERVER" --wait
  # The uninstaller copies itself aside and returns at once: wait for it to finish.
  for _ in $(seq 60); do [ -e "$installed/sitwell.exe" ] || break; sleep 1; done
  [ ! -e "$installed/sitwell.exe" ] || { echo "the uninstaller left sitwell.exe"; return 1; }
  [ ! -e "$shortcut" ] || { echo "the uninstaller left the shortcut"; return 1; }
  [ -f "$profile/AppData/Local/sitwell/user-data.txt" ] || { echo "the uninstaller removed the user's data"; return 1; }
  echo "= installed to $installed with its shortcut; uninstalled, the user's data kept"
}
check "the installer installs and uninstalls silently" install_and_uninstall

# 4. The overlay on a virtual desktop: the demo plays; the panel is read by OCR, its menu opened
# with a real mouse click (tests/desktop/lib.sh, as the Linux desktop tests do), and it quits by
# itself, leaving its own screenshot.
overlay_shows_the_panel() {
  mkdir -p "$work/desk"
  cat > "$work/overlay.sh" <<EOF
set -e
source "\$DESKTOP_TESTS/lib.sh"
timeout 300 "$WINE64" "$exe" --demo --exit-after 40 --screenshot "$work/panel.png" &
app=\$!
# Until the panel shows a score (a busy machine starts Wine slowly), at most 30 s.
for _ in \$(seq 15); do
  sleep 2
  shot live
  grep -qiE "upright|slouch|forward|head" "\$OUT/live.words" && break
done
click_and_wait live Menu
shot menu
wait \$app
EOF
  OUT=$work/desk LOG=$work/desk/log DESKTOP_TESTS=$ROOT/tests/desktop \
    bash tests/desktop/desk.sh bash "$work/overlay.sh" 2> "$work/desk/stderr" || true
  cat "$work/desk/log"
  grep -qiE "upright|slouch|forward|head" "$work/desk/live.words" || { echo "no score word on the panel"; return 1; }
  grep -qi "Recalibrate" "$work/desk/menu.words" || { echo "the menu did not open on the click"; return 1; }
  [ -f "$work/panel.png" ] || { echo "the overlay saved no screenshot before quitting"; return 1; }
  echo "= the panel at the end reads: $(python3 tests/desktop/ocr.py "$work/panel.png")"
}
check "the overlay under Wine: the panel read, its menu clicked open, quits by itself" overlay_shows_the_panel

echo "test-windows: $failures failed, took $((SECONDS - started)) s"
[ "$failures" -eq 0 ]
