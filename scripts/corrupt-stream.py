#!/usr/bin/env python3
"""Spoils a share of the frames of a raw MJPEG stream, as a flaky USB webcam would.

Half of the chosen frames are cut off (a lost packet: no end-of-image marker), half have
their header overwritten (libjpeg gives up with a fatal error). Deterministic for a seed.

    python3 scripts/corrupt-stream.py in.mjpeg out.mjpeg --percent 8
"""
import argparse
import random
import re


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--percent", type=float, default=8.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    data = open(args.src, "rb").read()
    starts = [m.start() for m in re.finditer(b"\xff\xd8\xff", data)]
    frames = [data[a:b] for a, b in zip(starts, starts[1:] + [len(data)])]
    rng = random.Random(args.seed)
    spoilt = 0
    out = []
    for frame in frames:
        if rng.random() * 100 < args.percent:
            spoilt += 1
            if spoilt % 2:
                frame = frame[: len(frame) * 2 // 3]
            else:
                frame = frame[:4] + b"\x5a" * 196 + frame[200:]
        out.append(frame)
    open(args.dst, "wb").write(b"".join(out))
    print(f"{args.dst}: {spoilt} of {len(frames)} frames spoilt ({100 * spoilt / len(frames):.1f} %)")


if __name__ == "__main__":
    main()
