#!/usr/bin/env bash
# One-time set-up on Debian/Ubuntu: system libraries for the build, then ONNX Runtime.
# Idempotent; safe to run again. Needs root or sudo for apt.
#   --tests   also the packages the tests need (a virtual X server, a session bus and a
#             notification server for the window, tray and notification tests).
set -euo pipefail
cd "$(dirname "$0")/.."

# libclang: nokhwa's V4L2 bindings; libav*: video files (the default `ffmpeg` feature).
packages=(libclang-dev pkg-config libavcodec-dev libavformat-dev libavutil-dev libswscale-dev
          libavdevice-dev libavfilter-dev libswresample-dev)
if [ "${1:-}" = "--tests" ]; then
  packages+=(xvfb xauth x11-utils xdotool dbus dunst openbox imagemagick tesseract-ocr tesseract-ocr-eng)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v cargo >/dev/null || { echo "cargo not found: install Rust from https://rustup.rs" >&2; exit 1; }
bash scripts/fetch-ort.sh
