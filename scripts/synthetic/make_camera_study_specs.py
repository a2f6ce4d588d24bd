#!/usr/bin/env python3
"""Subject specs for the camera set-up study: three webcam families, 24 subjects each.

Writes, next to this file,
  camera_study_subjects.json   72 subjects: laptop L01-L24, monitor M01-M24, level V01-V24
  camera_study_sequences.json  4 sequence subjects not among them: LS1, LS2, MS1, VS1
in the format of study_subjects.json (what `gen_set.py --subjects-json` reads), plus two
bookkeeping keys the generator ignores: "family" and "tilt_up_deg" (camera pitch, + = up).

The generator's webcam sits `drop` m below eye level (negative = above the eyes), `dist` m in
front, aimed at a point `aim_drop` m below the eyes at the eyes' depth, so
  tilt_up = atan((drop - aim_drop) / dist),  i.e.  aim_drop = drop - dist * tan(tilt_up).
(With yaw and lateral offset the horizontal distance is slightly more than `dist`, so the
rendered pitch differs from tilt_up_deg by up to about 0.15 degrees.)

usage: python3 make_camera_study_specs.py   (needs numpy, e.g. the generator venv; fixed seed,
       same output every run)
"""
import json
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# family: drop (m), dist (m), tilt_up (deg), hfov (deg), id prefix
FAMILIES = [
    ('laptop', (0.18, 0.35), (0.40, 0.60), (10.0, 25.0), (60.0, 78.0), 'L'),
    ('monitor', (-0.12, 0.00), (0.55, 0.85), (-20.0, -5.0), (55.0, 78.0), 'M'),
    ('level', (0.05, 0.22), (0.45, 0.80), (-6.0, 6.0), (55.0, 75.0), 'V'),
]
PER_FAMILY = 24
SKINS = [(95, 62, 42), (120, 80, 55), (150, 105, 75), (185, 135, 100), (210, 165, 130),
         (232, 192, 162), (240, 205, 180)]
HAIRS = [(12, 10, 10), (25, 20, 18), (45, 30, 20), (70, 40, 25), (110, 70, 40), (160, 110, 60),
         (200, 170, 110), (90, 90, 90), (170, 170, 165)]


def camera(drop, dist, tilt_up, yaw_deg, lateral):
    aim_drop = round(drop - dist * math.tan(math.radians(tilt_up)), 4)
    tilt = round(math.degrees(math.atan2(drop - aim_drop, dist)), 2)
    return dict(dist=dist, drop=drop, yaw_deg=yaw_deg, lateral=lateral, aim_drop=aim_drop), tilt


def subject(sid, family, cam, tilt, gender, muscle, weight, race, skin, shirt, hair, hfov, bg, light):
    return dict(id=sid, family=family, tilt_up_deg=tilt, gender=gender, muscle=muscle, weight=weight,
                race=race, skin=list(skin), shirt=list(shirt), hair=list(hair), cam=cam, hfov=hfov,
                bg=bg, light=light)


def random_subject(rng, sid, family, drop_r, dist_r, tilt_r, hfov_r):
    u = lambda lo, hi, nd=3: round(float(rng.uniform(lo, hi)), nd)
    cam, tilt = camera(u(*drop_r), u(*dist_r), u(*tilt_r, 2), u(-8, 8, 1), u(-0.05, 0.05))
    race = rng.dirichlet([0.6, 0.6, 0.6])
    hair = HAIRS[rng.integers(len(HAIRS))] if rng.random() < 0.75 else tuple(int(c) for c in rng.integers(10, 230, 3))
    return subject(sid, family, cam, tilt, u(0, 1, 2), u(0.2, 0.8, 2), u(0.1, 0.95, 2),
                   [round(float(r), 2) for r in race], SKINS[rng.integers(len(SKINS))],
                   tuple(int(c) for c in rng.integers(25, 236, 3)), hair, u(*hfov_r, 1),
                   int(rng.integers(1, 6)), [u(-0.7, 0.7, 2), u(0.2, 0.9, 2), u(0.35, 0.9, 2)])


def main():
    rng = np.random.default_rng(20240611)
    subjects = []
    for family, drop_r, dist_r, tilt_r, hfov_r, prefix in FAMILIES:
        for i in range(PER_FAMILY):
            subjects.append(random_subject(rng, f'{prefix}{i + 1:02d}', family, drop_r, dist_r, tilt_r, hfov_r))
    # sequence subjects: fixed set-ups, body shapes unlike each other
    seq = []
    for sid, fam, (drop, dist, tilt, yaw, lat), (g, m, w, race), skin, shirt, hair, hfov, bg, light in [
        ('LS1', 'laptop', (0.27, 0.50, 20.0, 3.0, 0.01), (0.05, 0.35, 0.25, [0.1, 0.8, 0.1]), SKINS[5],
         (180, 60, 70), HAIRS[1], 68.0, 2, [0.4, 0.6, 0.7]),
        ('LS2', 'laptop', (0.22, 0.45, 14.0, -4.0, -0.02), (0.9, 0.55, 0.85, [0.2, 0.1, 0.7]), SKINS[3],
         (60, 90, 150), HAIRS[4], 72.0, 4, [-0.3, 0.7, 0.6]),
        ('MS1', 'monitor', (-0.06, 0.70, -17.0, 2.0, 0.02), (0.75, 0.8, 0.45, [0.85, 0.05, 0.1]), SKINS[0],
         (200, 200, 205), HAIRS[0], 62.0, 1, [0.5, 0.5, 0.7]),
        ('VS1', 'level', (0.12, 0.62, 0.0, -2.0, 0.0), (0.3, 0.4, 0.9, [0.3, 0.2, 0.5]), SKINS[6],
         (70, 120, 70), HAIRS[6], 64.0, 5, [0.2, 0.8, 0.6]),
    ]:
        cam, t = camera(drop, dist, tilt, yaw, lat)
        seq.append(subject(sid, fam, cam, t, g, m, w, race, skin, shirt, hair, hfov, bg, light))
    for name, data in (('camera_study_subjects.json', subjects), ('camera_study_sequences.json', seq)):
        with open(os.path.join(HERE, name), 'w') as fh:
            json.dump(data, fh, indent=1)
            fh.write('\n')
        print(name, len(data), 'subjects')


if __name__ == '__main__':
    main()
