#!/usr/bin/env bash
# When the first nudge comes on the camera path: each generated sequence (seq_<id>.mp4 with its
# seq_<id>.json, as gen_posture_study.py --seq writes them) re-encoded as a 30 fps MJPEG camera
# stream and watched in real time at --dwell 10, calibrated on its first 5 s. Prints, per
# sequence, its labelled events and the nudges (time on the camera's clock, from launch).
# Takes each sequence's length in real time. Needs ffmpeg and a release build.
#   bash scripts/camera-timing.sh SEQ_DIR...
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${SITWELL:-target/release/sitwell}
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "ffmpeg is needed: apt-get install ffmpeg" >&2; exit 1; }
work=target/camera-timing
mkdir -p "$work"
for dir in "$@"; do
  for mp4 in "$dir"/seq_*.mp4; do
    name=$(basename "$dir")_$(basename "$mp4" .mp4)
    stream=$work/$name.mjpeg
    [ -s "$stream" ] || ffmpeg -loglevel error -y -i "$mp4" -vf fps=30 -c:v mjpeg -q:v 5 -f mjpeg "$stream"
    home=$(mktemp -d)
    events=$work/$name.events.jsonl
    rm -f "$events"
    HOME=$home XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data \
      "$bin" watch --headless --realtime --dwell 10 --events "$events" --source "$stream" > /dev/null 2>&1
    rm -rf "$home"
    python3 - "${mp4%.mp4}.json" "$events" "$name" <<'PY'
import json, os, sys
labels, events, name = sys.argv[1:]
spans = []
if os.path.exists(labels):
    spans = [(e["label"], e["start_s"], e["end_s"]) for e in json.load(open(labels)).get("events", [])
             if e["label"] != "upright"]
nudges = []
if os.path.exists(events):
    nudges = [(round(l["t"], 2), l.get("pattern")) for l in map(json.loads, open(events))
              if l.get("kind") == "nudge"]
print(f"{name}: labelled {spans}; nudges {nudges}")
PY
  done
done
