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
# A display number nobody holds: Xvfb's lock file and socket say who does.
display=90
while [ -e "/tmp/.X$display-lock" ] || [ -e "/tmp/.X11-unix/X$display" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 1600x900x24 -nolisten tcp > /dev/null 2>&1 & xvfb=$!
wm=""
cleanup() { [ -n "$wm" ] && kill "$wm" 2> /dev/null; kill "$xvfb" 2> /dev/null; wait 2> /dev/null || true; }
trap cleanup EXIT
export DISPLAY=":$display"
# Wait for the server to answer, then for the window manager to announce itself on the root
# window (EWMH's _NET_SUPPORTING_WM_CHECK), each for at most 10 s.
for _ in $(seq 100); do xprop -root > /dev/null 2>&1 && break; sleep 0.1; done
xprop -root > /dev/null 2>&1 || { echo "desk.sh: Xvfb did not start on $DISPLAY" >&2; exit 3; }
openbox > /dev/null 2>&1 & wm=$!
for _ in $(seq 100); do xprop -root _NET_SUPPORTING_WM_CHECK 2> /dev/null | grep -q 'window id' && break; sleep 0.1; done
xprop -root _NET_SUPPORTING_WM_CHECK 2> /dev/null | grep -q 'window id' \
  || { echo "desk.sh: the window manager did not start" >&2; exit 3; }
dbus-run-session -- "$@"
