#!/usr/bin/env python3
"""Builds assets/windows/sitwell.ico from the hicolor PNGs (16 to 256 px), each stored as PNG
inside the ICO (Windows Vista and later read those). Run after the icon changes:
    python3 scripts/windows/make-ico.py
"""
import pathlib
import struct

ROOT = pathlib.Path(__file__).resolve().parents[2]
SIZES = [16, 24, 32, 48, 64, 128, 256]
NAME = "io.github.sitwell.Sitwell.png"

images = [(ROOT / f"assets/icons/hicolor/{s}x{s}/apps/{NAME}").read_bytes() for s in SIZES]
header = struct.pack("<HHH", 0, 1, len(images))
offset = len(header) + 16 * len(images)
directory = b""
for size, png in zip(SIZES, images):
    side = 0 if size >= 256 else size  # 0 means 256 in an ICO directory
    directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
    offset += len(png)
out = ROOT / "assets/windows/sitwell.ico"
out.write_bytes(header + directory + b"".join(images))
print(f"{out.relative_to(ROOT)}: {out.stat().st_size} bytes, sizes {SIZES}")
