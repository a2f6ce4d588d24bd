#!/usr/bin/env bash
# Re-create models/*.onnx from MediaPipe's TFLite originals (registry packages only).
# Not part of the build: the converted files are committed, and this is how they were made.
# Needs ~2 GB for a scratch venv (tensorflow-cpu for tf2onnx). Usage: scripts/convert-models.sh [SCRATCH_DIR [MODEL...]]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$repo/target/convert}
mkdir -p "$work/tfl" "$work/dl"
cd "$work"

[ -x venv/bin/python ] || python3 -m venv venv
venv/bin/pip install --quiet tf2onnx==1.17.0 tensorflow-cpu==2.21.0 onnx==1.23.2 ai-edge-litert==2.3.0 onnxruntime==1.31.1

# Detector and full landmark model: the mediapipe 0.10.21 wheel. Lite: the npm package @mediapipe/pose.
[ -f dl/mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl ] ||
  python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
    --platform manylinux_2_28_x86_64 -d dl mediapipe==0.10.21
[ -f dl/mediapipe-pose-0.5.1675469404.tgz ] || (cd dl && npm pack --silent @mediapipe/pose@0.5.1675469404)
unzip -o -q -j dl/mediapipe-0.10.21-*.whl \
  mediapipe/modules/pose_detection/pose_detection.tflite \
  mediapipe/modules/pose_landmark/pose_landmark_full.tflite \
  mediapipe/modules/face_landmark/face_landmark.tflite -d tfl
tar -xzf dl/mediapipe-pose-0.5.1675469404.tgz -O package/pose_landmark_lite.tflite > tfl/pose_landmark_lite.tflite

sha256sum --check --quiet <<SUMS
9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c  tfl/pose_detection.tflite
f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61  tfl/pose_landmark_lite.tflite
e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f  tfl/pose_landmark_full.tflite
1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814  tfl/face_landmark.tflite
SUMS

# Pass model names (pose_detection pose_landmark_lite pose_landmark_full face_landmark) to
# convert only those: the others keep their committed bytes.
venv/bin/python "$repo/scripts/convert_models.py" --tflite-dir tfl --out "$repo/models" ${2:+--only "${@:2}"}
echo "Now update the sha256 values in src/pose/model_files.rs and models/README.md."
