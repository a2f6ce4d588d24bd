#!/usr/bin/env bash
# The smaller-model study of docs/speed.md ("Smaller models: int8 and fp16"): int8 and fp16
# versions of the four shipped ONNX models, their parity with the shipped ones on real and
# rendered crops, and what each costs (latency, file size, memory). Works in
# target/model-variants (a Python venv, the variants, the crops, data/*.log and data/tables.md);
# needs ffmpeg and PyPI. About an hour on 2 cores, most of it the latency runs.
#   bash scripts/model-variants/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export SITWELL_ROOT=$(cd "$here/../.." && pwd)
export PYTHONPATH=$here
work=$SITWELL_ROOT/target/model-variants
mkdir -p "$work/data" "$work/models" && cd "$work"
# The versions the figures in docs/speed.md were made with.
if [ ! -e venv/.installed ]; then
  python3 -m venv venv
  venv/bin/pip install -q onnxruntime==1.32.0 onnx==1.23.2 onnxconverter-common==1.16.0 numpy pillow
  touch venv/.installed
fi
py=venv/bin/python
sh "$here/extract_frames.sh"
$py "$here/inspect_models.py" "$SITWELL_ROOT"/models/*.onnx > data/inspect.txt
$py "$here/make_variants.py"              # fp32x (folded), fp16, int8dyn, int8dyn_pc
$py "$here/smoke.py"                      # fp32x gives the shipped outputs; every variant loads
$py "$here/make_crops.py"                 # data/crops.npz: calibration and evaluation crops
$py "$here/det_inputs.py"                 # data/det.npz: the detector's letterboxes
$py "$here/make_static.py" MinMax         # int8qdq
$py "$here/make_static.py" Percentile     # int8qdq_pct
$py "$here/make_mixed.py" 0.5; $py "$here/make_mixed.py" 0.25
$py "$here/parity.py" > data/parity.log
for r in 1 2 3; do $py "$here/bench.py" run$r; done > data/bench.log
$py "$here/rss.py" > data/rss.log
$py "$here/refine_flips.py"
$py "$here/make_tables.py"                # data/tables.md
echo "tables: $work/data/tables.md"
