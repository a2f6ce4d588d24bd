#!/usr/bin/env bash
# Where one analysed frame's time goes: the live pipeline under callgrind (instruction counts,
# steady on a noisy machine), stage by stage. The budget clip's first 60 s as a recorded camera
# (`budget-clip.sh --stream`), monitoring with a baseline made from its first 5 s, played frame
# by frame (no --realtime: every frame the pace asks for is analysed, none is lost to the
# slowdown). Needs valgrind and a release build; takes about 10 minutes.
#   bash scripts/profile-frame.sh            # prints the table, keeps target/profile/
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "ffmpeg is needed: apt-get install ffmpeg" >&2; exit 1; }
bin=${SITWELL:-target/release/sitwell}
[ -x "$bin" ] || { echo "build first: cargo build --release" >&2; exit 1; }
out=target/profile
mkdir -p "$out"
stream=$(bash scripts/budget-clip.sh --stream)
clip=$out/upright_60s.mjpeg
[ -s "$clip" ] || ffmpeg -loglevel error -y -i "$stream" -t 60 -c:v copy -f mjpeg "$clip"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME=$home XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data
"$bin" calibrate --out "$out/baseline.json" "$clip" > /dev/null
valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
  "$bin" watch --headless --stats --baseline "$out/baseline.json" --source "$clip" --db "$home/history.sqlite" \
  2> "$out/watch.log" > /dev/null
callgrind_annotate --inclusive=yes --threshold=100 "$out/callgrind.out" > "$out/annotate.txt"
python3 - "$out/annotate.txt" "$out/watch.log" <<'EOF'
import json, re, sys
annotate, log = sys.argv[1], sys.argv[2]
stats = next(json.loads(l)["watch_stats"] for l in open(log) if l.startswith('{"watch_stats"'))
ir = {}
for line in open(annotate):
    m = re.match(r"\s*([\d,]+) \([\s\d.]+%\)\s+\S*?:(.+?) \[", line)
    if m:
        ir.setdefault(m.group(2), int(m.group(1).replace(",", "")))
    elif "PROGRAM TOTALS" in line:
        ir["PROGRAM"] = int(line.split()[0].replace(",", ""))
def get(name):
    return ir.get(name)  # None: not in the profile (never called, or inlined into its caller)
stages = [  # (label, function, once per run rather than per look)
    ("the whole process", "PROGRAM", False),
    ("loading ONNX Runtime and the models", "sitwell::pose::tracker::PoseEstimator::from_dir", True),
    ("  of which checking the models' sha256 (no SHA-NI under valgrind)", "sitwell::pose::model_files::read_model", True),
    ("opening the recording (finding its frames)", "sitwell::capture::mjpeg::MjpegStream::open", True),
    ("decoding the frames wanted (JPEG)", "sitwell::capture::jpeg::decode", False),
    ("the change test's thumbnail", "sitwell::live::pace::Thumbnail::of", False),
    ("a look: the pose stage", "sitwell::pose::tracker::PoseEstimator::estimate", False),
    ("  the detector (only when the person is lost)", "sitwell::pose::detector::PoseDetector::detect", False),
    ("  the landmark model, its crop included", "sitwell::pose::landmarks::LandmarkDetector::run", False),
    ("  the face mesh, its crop included", "sitwell::pose::face::FaceMesh::run", False),
    ("  the two crops (landmark 256 px, face 192 px)", "sitwell::pose::crop::sample_roi", False),
    ("  ONNX Runtime's runs (all the models)", "ort::session::run::<impl ort::session::Session>::run", False),
    ("the session: judge, coach, history rows", "sitwell::live::session::Session::step", False),
    ("  the judge's cues", "sitwell::posture::cues::Cues::measure", False),
    ("writing the event log and history", "sitwell::live::journal::Journal::write", False),
    ("the history's writer thread (SQLite)", "sitwell::history::writer::run", False),
    ("handing the snapshot to the UI", "sitwell::live::inference::publish", False),
]
total = ir["PROGRAM"]
looks = stats["model_runs"]
print(f"{stats['frames_analysed']} frames analysed, {looks} by the model; "
      f"{total/1e6:,.0f} M instructions in all")
print(f"{'stage':66} {'M instr':>9} {'share':>6} {'k instr a look':>15}")
for label, name, once in stages:
    v = total if name == "PROGRAM" else get(name)
    if v is None:
        print(f"{label:66} {'not found (inlined?)':>33}")
        continue
    per = "-" if once else f"{v/1e3/max(looks,1):,.0f}"
    print(f"{label:66} {v/1e6:9,.1f} {100*v/total:5.1f}% {per:>15}")
EOF
