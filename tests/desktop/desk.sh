#!/usr/bin/env bash
# desk.sh COMMAND [ARGS...]: runs COMMAND on a virtual desktop of its own, as a person's desktop
# holds a window: an X server (Xvfb, 1600x900), a stacking window manager that honours
# always-on-top, focus and moves (openbox), and a session bus. DISPLAY is set for COMMAND.
# Everything started here is stopped when COMMAND ends. Used by tests/desktop.rs.
# Needs the Debian packages xvfb, openbox, x11-utils and dbus (scripts/setup.sh --tests).
set -euo pipefail
for tool in Xvfb openbox xprop dbus-run-session; do
  command -v "$tool" > /dev/null || { echo "desk.sh: $tool is missing (scripts/setup.sh --tests)" >&2; exit 3; }
done
# Xvfb picks a display number nobody holds and writes it to a file (-displayfd), so two desks
# started at once never share a server.
number=$(mktemp)
wm_log=$(mktemp)
Xvfb -displayfd 3 -screen 0 1600x900x24 -nolisten tcp -noreset 3> "$number" > /dev/null 2>&1 & xvfb=$!
wm=""
cleanup() {
  [ -n "$wm" ] && kill "$wm" 2> /dev/null
  kill "$xvfb" 2> /dev/null
  rm -f "$number" "$wm_log"
  wait 2> /dev/null || true
}
trap cleanup EXIT
# Wait for the server to answer, then for the window manager to announce itself on the root
# window (EWMH's _NET_SUPPORTING_WM_CHECK), each for at most 30 s (a busy machine is slow).
for _ in $(seq 300); do [ -s "$number" ] && break; sleep 0.1; done
[ -s "$number" ] || { echo "desk.sh: Xvfb did not start" >&2; exit 3; }
export DISPLAY=":$(head -1 "$number")"
for _ in $(seq 300); do xprop -root > /dev/null 2>&1 && break; sleep 0.1; done
xprop -root > /dev/null 2>&1 || { echo "desk.sh: Xvfb did not answer on $DISPLAY" >&2; exit 3; }
# A window manager that dies while starting (seen once in CI on a loaded machine) is started
# again, up to three times; what it said is shown if it never comes up.
wm_up() { xprop -root _NET_SUPPORTING_WM_CHECK 2> /dev/null | grep -q 'window id'; }
for attempt in 1 2 3; do
  openbox > "$wm_log" 2>&1 & wm=$!
  for _ in $(seq 300); do
    wm_up && break
    kill -0 "$wm" 2> /dev/null || break
    sleep 0.1
  done
  wm_up && break
  echo "desk.sh: the window manager did not start (attempt $attempt):" >&2
  sed 's/^/  openbox: /' "$wm_log" >&2
  kill "$wm" 2> /dev/null || true
  wait "$wm" 2> /dev/null || true
  wm=""
done
wm_up || { echo "desk.sh: the window manager did not start" >&2; exit 3; }
dbus-run-session -- "$@"
