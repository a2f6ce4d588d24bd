"""Shared helpers: ROI geometry and crop sampling (mirrors src/pose/{geometry,crop,face}.rs)."""
import json, math, os

import numpy as np

ROI_SCALE = 1.25
ROI_SIDE_PER_FACE = 2.0
EYE_MOUTH_WEIGHT = 1.3

def roi_letterbox(w, h):
    return (w / 2.0, h / 2.0, float(max(w, h)), 0.0)

def norm_rad(a):
    return a - 2 * math.pi * math.floor((a + math.pi) / (2 * math.pi))

def roi_from_alignment(c, s):
    size = 2.0 * math.hypot(s[0] - c[0], s[1] - c[1]) * ROI_SCALE
    ang = math.atan2(-(s[1] - c[1]), s[0] - c[0])
    return (c[0], c[1], size, norm_rad(math.pi / 2 - ang))

def image_from_crop(roi, u, v):
    cx, cy, size, rot = roi
    sn, cs = math.sin(rot), math.cos(rot)
    dx = (np.asarray(u) - 0.5) * size
    dy = (np.asarray(v) - 0.5) * size
    return cx + cs * dx - sn * dy, cy + sn * dx + cs * dy

def sample_roi(img, roi, side):
    """img: HxWx3 uint8. Bilinear, replicate border, [0,1] float, NHWC [1,side,side,3].
    Tensor pixel (u,v) reads the image at image_from_crop(u/side, v/side) (as Sitwell does;
    Sitwell additionally rounds to OpenCV's 1/32-px grid, which we skip)."""
    h, w, _ = img.shape
    uu, vv = np.meshgrid(np.arange(side) / side, np.arange(side) / side)
    x, y = image_from_crop(roi, uu, vv)
    x0 = np.floor(x).astype(np.int64); y0 = np.floor(y).astype(np.int64)
    fx = (x - x0)[..., None]; fy = (y - y0)[..., None]
    def g(xx, yy):
        return img[np.clip(yy, 0, h - 1), np.clip(xx, 0, w - 1)].astype(np.float32)
    out = (g(x0, y0) * (1 - fx) * (1 - fy) + g(x0 + 1, y0) * fx * (1 - fy)
           + g(x0, y0 + 1) * (1 - fx) * fy + g(x0 + 1, y0 + 1) * fx * fy)
    out = np.round(out) / 255.0
    return out[None].astype(np.float32)

def face_roi_from_pose(pts):
    """pts: (33,2) image px. Mirrors src/pose/face.rs roi_from_pose."""
    face = pts[:11]
    centre = face.mean(axis=0)
    ears = np.linalg.norm(pts[7] - pts[8])
    eyes = (pts[2] + pts[5]) / 2; mouth = (pts[9] + pts[10]) / 2
    size = max(ears, EYE_MOUTH_WEIGHT * np.linalg.norm(eyes - mouth))
    right, left = pts[5], pts[2]  # right eye (image left) = idx 5, left eye = idx 2
    ang = math.atan2(-(left[1] - right[1]), left[0] - right[0])
    return (float(centre[0]), float(centre[1]), float(ROI_SIDE_PER_FACE * size), norm_rad(-ang))

def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def calibration_set():
    """The crops' metadata, the crops, and a reader factory over the calibration ('cal') ones
    (for onnxruntime.quantization.quantize_static); read from ./data (run.sh's work folder)."""
    from onnxruntime.quantization import CalibrationDataReader
    meta = json.load(open(os.path.join(os.getcwd(), "data", "crops_meta.json")))
    crops = np.load(os.path.join(os.getcwd(), "data", "crops.npz"))
    cal = [i for i, m in enumerate(meta) if m["split"] == "cal"]

    class Reader(CalibrationDataReader):
        def __init__(self, arr):
            self.it = iter([{"input_1": arr[i][None]} for i in cal])

        def get_next(self):
            return next(self.it, None)

    return meta, crops, cal, Reader
