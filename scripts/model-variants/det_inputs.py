"""Letterboxed 224x224 detector inputs in [-1,1] for every source image -> data/det.npz."""
import os, numpy as np
from common import sample_roi, roi_letterbox
from make_crops import sources, load, HERE
xs = []
for split, group, name, path in sources():
    img = load(path); h, w, _ = img.shape
    # Sitwell's detector letterbox pads with zeros (Border::Zero): pad to a black square first
    n = max(w, h); sq = np.zeros((n, n, 3), np.uint8)
    oy, ox = (n - h) // 2, (n - w) // 2
    sq[oy:oy + h, ox:ox + w] = img
    x = sample_roi(sq, roi_letterbox(n, n), 224)[0] * 2 - 1
    xs.append(x)
np.savez_compressed(f"{HERE}/data/det.npz", det=np.stack(xs))
print(len(xs))
