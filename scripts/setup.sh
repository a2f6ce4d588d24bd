#!/usr/bin/env bash
# One-time set-up for building Sitwell from source: the compiler and system libraries (apt on
# Debian/Ubuntu, dnf on Fedora), a check of the Rust version, then ONNX Runtime. Idempotent;
# safe to run again. Needs root or sudo to install packages.
#   --tests     also what the tests need (a virtual X server with a window manager, a session
#               bus, a notification server, OCR and the AT-SPI bus for the real-window tests)
#   --package   also what scripts/package needs (dpkg-dev, lintian, desktop-file-utils,
#               appstream, xvfb, ffmpeg)
# Elsewhere: install a C compiler, pkg-config, libclang, FFmpeg's development files and
# python3 with your package manager, then run this script again (it then only checks Rust and
# fetches ONNX Runtime).
set -euo pipefail
cd "$(dirname "$0")/.."

RUST_NEEDED=1.95
want=${1:-}
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

if command -v apt-get >/dev/null; then
  # A C compiler and pkg-config (sqlite, mozjpeg and the V4L2 bindings build C code), libclang
  # (nokhwa's V4L2 bindings), libav* (video files: the default `ffmpeg` feature), python3 and
  # CA certificates (fetching ONNX Runtime).
  packages=(build-essential pkg-config libclang-dev python3 ca-certificates
            libavcodec-dev libavformat-dev libavutil-dev libswscale-dev
            libavdevice-dev libavfilter-dev libswresample-dev)
  case "$want" in
    # The real-window tests (a virtual X server, a window manager, xdotool, OCR, a session bus,
    # a notification server, the AT-SPI bus) and the snapshot tests, which render with wgpu
    # on Mesa's software Vulkan (lavapipe) or EGL.
    --tests) packages+=(xvfb xauth x11-utils xdotool dbus dunst openbox imagemagick
                        tesseract-ocr tesseract-ocr-eng at-spi2-core python3-pyatspi
                        libegl1 libegl-mesa0 libgl1-mesa-dri mesa-vulkan-drivers libvulkan1) ;;
    --package) packages+=(dpkg-dev lintian desktop-file-utils appstream xvfb xauth file ffmpeg) ;;
  esac
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
elif command -v dnf >/dev/null; then
  # Fedora: FFmpeg's libraries as Fedora ships them (ffmpeg-free).
  packages=(gcc gcc-c++ make pkgconf-pkg-config clang-devel python3 ca-certificates
            ffmpeg-free-devel libavdevice-free-devel)
  case "$want" in
    --tests) packages+=(xorg-x11-server-Xvfb xorg-x11-xauth xprop xdotool dbus-daemon dunst openbox
                        ImageMagick tesseract tesseract-langpack-eng at-spi2-core python3-pyatspi
                        mesa-libEGL mesa-dri-drivers mesa-vulkan-drivers vulkan-loader) ;;
    --package) echo "scripts/package makes a Debian package: run it on Debian or Ubuntu" >&2 ;;
  esac
  $sudo_cmd dnf install -y -q "${packages[@]}"
else
  echo "setup.sh knows apt (Debian, Ubuntu) and dnf (Fedora); elsewhere install a C compiler," \
       "pkg-config, libclang, FFmpeg's development files and python3, then run it again." >&2
fi

if ! command -v cargo >/dev/null; then
  echo "cargo not found: install Rust $RUST_NEEDED or newer from https://rustup.rs" \
       "(curl --proto '=https' -sSf https://sh.rustup.rs | sh), then open a new terminal" >&2
  exit 1
fi
have=$(rustc --version | sed -n 's/^rustc \([0-9]*\.[0-9]*\).*/\1/p')
if [ "$(printf '%s\n%s\n' "$RUST_NEEDED" "$have" | sort -V | head -1)" != "$RUST_NEEDED" ]; then
  echo "Sitwell needs Rust $RUST_NEEDED or newer; this is $have. With rustup: rustup update" \
       "stable (a distribution's own rustc is often older: use rustup, https://rustup.rs)" >&2
  exit 1
fi
bash scripts/fetch-ort.sh
