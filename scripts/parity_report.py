"""Compare `sitwell analyze` output with MediaPipe's golden output (../shared/data/golden).

usage: python3 scripts/parity_report.py GOLDEN.json lite|full RECORDS.jsonl

Per still: same person decision, and on head/shoulder points 0-12 that MediaPipe sees with
visibility > 0.5, the median and max error in pixels. Per clip: person rate over MediaPipe's
person frames and the median / p95 / max error. Matching is by file name.
"""
import json
import os
import statistics
import sys

HEAD = range(13)


def errors(golden, ours):
    return [
        ((golden[k][0] - ours[k][0]) ** 2 + (golden[k][1] - ours[k][1]) ** 2) ** 0.5
        for k in HEAD
        if golden[k][3] > 0.5
    ]


def main():
    golden_path, model, records_path = sys.argv[1:4]
    items = json.load(open(golden_path))["items"]
    by_source = {}
    for line in open(records_path):
        r = json.loads(line)
        by_source.setdefault(os.path.basename(r["source"]), []).append(r)
    for name, recs in sorted(by_source.items()):
        if name not in items:
            print(f"{name}: no golden entry")
            continue
        gold = items[name][model]
        if "frames" in gold:
            errs, mp_person, both = [], 0, 0
            for g, r in zip(gold["frames"], recs):
                g = g and g.get("landmarks")
                mp_person += g is not None
                if g is not None and r["person"]:
                    both += 1
                    errs += errors(g, r["keypoints"])
            errs.sort()
            print(
                f"{name} [{model}]: frames {len(recs)}/{len(gold['frames'])}, person {both}/{mp_person} "
                f"({100 * both / max(mp_person, 1):.1f}%), median {statistics.median(errs):.2f} px, "
                f"p95 {errs[int(0.95 * len(errs))]:.2f} px, max {errs[-1]:.2f} px"
            )
        else:
            g = gold["pose"] and gold["pose"]["landmarks"]
            r = recs[0]
            if (g is not None) != r["person"]:
                print(f"{name} [{model}]: PERSON MISMATCH (MediaPipe {g is not None}, Sitwell {r['person']})")
            elif g is None:
                print(f"{name} [{model}]: no person (agree)")
            else:
                e = errors(g, r["keypoints"])
                print(f"{name} [{model}]: median {statistics.median(e):.2f} px, max {max(e):.2f} px")


if __name__ == "__main__":
    main()
