#!/usr/bin/env python3
"""Reads a screenshot the way a person would: the words on it and where each one is.

  ocr.py SHOT.png               prints the words in reading order
  ocr.py SHOT.png --find WORD   prints 'X Y', the centre of WORD in SHOT's pixels (exit 1 if
                                it is not there; case and trailing punctuation are ignored)
  ocr.py SHOT.png --boxes       prints every word with its centre: 'WORD<TAB>X<TAB>Y' per line

The picture is enlarged (UI text is small), turned grey, and inverted when it is mostly dark
(tesseract reads dark text on a light ground), then read by tesseract, whose word boxes are
mapped back to the screenshot's pixels. Used by tests/desktop.rs on screenshots of the panel.
Needs the Debian packages imagemagick, tesseract-ocr and tesseract-ocr-eng."""
import os
import subprocess
import sys
import tempfile

SCALE = 3


def words(shot):
    mean = subprocess.run(["convert", shot, "-colorspace", "gray", "-format", "%[fx:mean]", "info:"],
                          capture_output=True, text=True, check=True).stdout.strip()
    handle, big = tempfile.mkstemp(suffix=".png")
    os.close(handle)
    try:
        command = ["convert", shot, "-colorspace", "gray"]
        if float(mean or 1.0) < 0.5:
            command.append("-negate")
        subprocess.run(command + ["-resize", f"{SCALE * 100}%", big], check=True)
        tsv = subprocess.run(["tesseract", big, "-", "--psm", "3", "tsv"],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.remove(big)
    found = []
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) != 12 or not cells[11].strip():
            continue
        left, top, width, height = (int(v) for v in cells[6:10])
        found.append((cells[11].strip(), (left + width / 2) / SCALE, (top + height / 2) / SCALE))
    return found


def main(argv):
    if len(argv) not in (2, 3, 4) or (len(argv) == 4 and argv[2] != "--find") \
            or (len(argv) == 3 and argv[2] != "--boxes"):
        sys.exit(__doc__)
    seen = words(argv[1])
    if len(argv) == 3:
        for word, x, y in seen:
            print(f"{word}\t{x:.1f}\t{y:.1f}")
        return 0
    if len(argv) == 4:
        wanted = argv[3].lower()
        for word, x, y in seen:
            if word.lower().rstrip(".,:;!?…") == wanted:
                print(f"{x:.0f} {y:.0f}")
                return 0
        return 1
    print(" ".join(word for word, _, _ in seen))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
