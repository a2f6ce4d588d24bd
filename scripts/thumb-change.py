#!/usr/bin/env python3
"""Could the picture alone say when to look? (docs/speed.md, "A picture-change trigger").

Computes the change test's 32x24 thumbnail (`live::pace::Thumbnail`: the mean grey level of
every second pixel of every second row, per block) for the frames of a video, and prints how much
it changes between frames dt seconds apart: the mean block difference (grey levels) and the number
of blocks that moved by more than 16 levels.

  clip VIDEO FPS         a real upright clip, sampled at FPS: every pair dt = 1, 2, 4 s apart
  seq SEQ.json [...]     generated sequences (tests/judge.rs SITWELL_SEQUENCES): pairs within the
                         upright stretch before the slouch, and the frame 1 s before the slouch
                         against frames 0.2-2 s after it began

Needs numpy and ffmpeg. usage: python3 scripts/thumb-change.py clip|seq ...
"""
import json
import subprocess
import sys

import numpy as np

GRID_W, GRID_H = 32, 24
WIDTH, HEIGHT = 640, 480


def frames(path, fps=None):
    """The video's frames as RGB arrays at 640x480 (optionally resampled to fps)."""
    vf = f"scale={WIDTH}:{HEIGHT}" + (f",fps={fps}" if fps else "")
    out = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", path, "-vf", vf, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(out, np.uint8).reshape(-1, HEIGHT, WIDTH, 3)


def thumbnail(rgb):
    """As Thumbnail::of: every second pixel of every second row, averaged per grid block."""
    h, w = rgb.shape[:2]
    sub = rgb[0:h:2, 0:w:2].astype(np.uint32)
    grey = (sub[..., 0] * 77 + sub[..., 1] * 150 + sub[..., 2] * 29) >> 8
    gy = (np.arange(0, h, 2) * GRID_H // h).clip(0, GRID_H - 1)
    gx = (np.arange(0, w, 2) * GRID_W // w).clip(0, GRID_W - 1)
    sums = np.zeros((GRID_H, GRID_W))
    counts = np.zeros((GRID_H, GRID_W))
    np.add.at(sums, (gy[:, None], gx[None, :]), grey)
    np.add.at(counts, (gy[:, None], gx[None, :]), 1)
    return sums / counts


def change(a, b):
    d = np.abs(a - b)
    return float(d.mean()), int((d > 16).sum())


def clip(path, fps):
    thumbs = [thumbnail(f) for f in frames(path, fps)]
    for dt in (1, 2, 4):
        k = int(dt * fps)
        pairs = np.array([change(thumbs[i], thumbs[i + k]) for i in range(len(thumbs) - k)])
        for j, name in enumerate(("mean change", "blocks > 16")):
            v = pairs[:, j]
            print(
                f"{path.split('/')[-1]} dt={dt} s {name}: median {np.percentile(v, 50):.1f}, "
                f"p90 {np.percentile(v, 90):.1f}, max {v.max():.1f}"
            )


def sequences(paths):
    for path in paths:
        seq = json.load(open(path))
        fps = seq["fps"]
        thumbs = [thumbnail(f) for f in frames(path.replace(".json", ".mp4"))]
        labels = [f["label"] for f in seq["frames"]]
        onset = next(i for i, label in enumerate(labels) if label != "upright")
        print(f"{path.split('/')[-1]}: the slouch begins at {onset / fps:.1f} s")
        for dt in (1, 2, 4):
            k = int(dt * fps)
            quiet = [change(thumbs[i], thumbs[i + k]) for i in range(onset - k)]
            print(
                f"  upright, dt={dt} s: mean change max {max(q[0] for q in quiet):.2f}, "
                f"blocks > 16 max {max(q[1] for q in quiet)}"
            )
        before = onset - int(fps)
        for after in (0.2, 0.6, 1.0, 2.0):
            now = onset + int(after * fps)
            mean, blocks = change(thumbs[before], thumbs[now])
            print(f"  1 s before vs {after} s after ({labels[now]}): mean change {mean:.2f}, blocks > 16 {blocks}")


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "clip":
        clip(sys.argv[2], float(sys.argv[3]))
    elif len(sys.argv) >= 3 and sys.argv[1] == "seq":
        sequences(sys.argv[2:])
    else:
        sys.exit(__doc__)
