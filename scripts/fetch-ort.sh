#!/usr/bin/env bash
# Fetch ONNX Runtime for Sitwell: the shared library from the PyPI wheel
# onnxruntime==1.31.1, checked by sha256, into target/ort/. Idempotent; no
# Python packages are installed. Sitwell finds the library there at run time
# (or set ORT_DYLIB_PATH, or put it next to the sitwell executable).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=1.31.1
WHEEL_SHA256=5752bd508126ae7c49894d3b9d2e83f0c3d487319246d04c444b393308d7ad7f
LIB_SHA256=fc44112fbe06d7d689c57e11d3862031f64711007e4ee020f8eed5185fd2c1d3
DEST=target/ort
LIB="$DEST/libonnxruntime.so.$VERSION"

if [ -f "$LIB" ] && echo "$LIB_SHA256  $LIB" | sha256sum --check --status; then
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps --only-binary=:all: \
  --python-version 3.11 --platform manylinux_2_28_x86_64 \
  -d "$tmp" "onnxruntime==$VERSION"
wheel=$(ls "$tmp"/onnxruntime-"$VERSION"-*.whl)
echo "$WHEEL_SHA256  $wheel" | sha256sum --check --quiet
mkdir -p "$DEST"
python3 - "$wheel" "$DEST" "$VERSION" <<'PY'
import sys, zipfile
wheel, dest, version = sys.argv[1:]
name = f"onnxruntime/capi/libonnxruntime.so.{version}"
with zipfile.ZipFile(wheel) as z, open(f"{dest}/libonnxruntime.so.{version}", "wb") as out:
    out.write(z.read(name))
PY
echo "$LIB_SHA256  $LIB" | sha256sum --check --quiet
chmod 755 "$LIB"
echo "ONNX Runtime $VERSION -> $LIB"
