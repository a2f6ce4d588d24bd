#!/usr/bin/env bash
# Fetch ONNX Runtime for Sitwell: the shared library from the PyPI wheel
# onnxruntime==1.31.1, checked by sha256, into target/ort/. Idempotent; needs only
# python3 (its standard library: no pip, no Python packages installed). The wheel is
# found in PyPI's simple index ($PIP_INDEX_URL if set) by its sha256. Sitwell finds the
# library there at run time (or set ORT_DYLIB_PATH).
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
wheel="$tmp/onnxruntime-$VERSION.whl"
python3 - "$VERSION" "$WHEEL_SHA256" "$wheel" "${PIP_INDEX_URL:-https://pypi.org/simple}" <<'PY'
import re, sys, urllib.request
version, sha, out, index = sys.argv[1:]
page = urllib.request.urlopen(f"{index.rstrip('/')}/onnxruntime/", timeout=120).read().decode()
links = [l for l in re.findall(r'href="([^"]+)"', page) if sha in l]
if not links:
    sys.exit(f"onnxruntime {version} (sha256 {sha}) is not in {index}")
url = urllib.request.urljoin(f"{index.rstrip('/')}/onnxruntime/", links[0].split("#")[0])
with urllib.request.urlopen(url, timeout=600) as r, open(out, "wb") as f:
    while chunk := r.read(1 << 20):
        f.write(chunk)
PY
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
