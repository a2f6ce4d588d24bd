"""Show which heatmap window MediaPipe's Python pose solution really refines landmarks with.

usage: mp/bin/python scripts/mediapipe_refine_window.py VIDEO [--frames N]

mp/ is a venv with mediapipe==0.10.21 and opencv (see docs/speed.md). The pose graph
asks RefineLandmarksFromHeatmapCalculator for a 7x7 kernel. This runs the standard
`mp.solutions.pose` (lite, tracking, smoothing off: how the golden files were made) twice, in
separate processes: as shipped, and with the calculator's options module imported on the Python
side first. It prints the nose and the next tracking ROI per frame. If the two differ, the option
did not reach the calculator in the shipped run, which then used the calculator's default (9);
`src/pose/landmarks.rs` follows the shipped behaviour.
"""
import argparse
import json
import subprocess
import sys


def run(video, frames, import_options):
    if import_options:
        import mediapipe.calculators.util.refine_landmarks_from_heatmap_calculator_pb2  # noqa: F401
    import cv2
    from mediapipe.python.solution_base import SolutionBase
    from mediapipe.python.solutions import pose

    class Probe(SolutionBase):
        def __init__(self):
            super().__init__(
                binary_graph_path=pose._BINARYPB_FILE_PATH,
                side_inputs={
                    "model_complexity": 0,
                    "smooth_landmarks": False,
                    "enable_segmentation": False,
                    "smooth_segmentation": False,
                    "use_prev_landmarks": True,
                },
                outputs=["pose_landmarks", "pose_rect_from_landmarks"],
            )

    pose._download_oss_pose_landmark_model(0)  # as pose.Pose() does; a no-op when present
    probe = Probe()
    capture = cv2.VideoCapture(video)
    rows = []
    for index in range(frames):
        ok, bgr = capture.read()
        if not ok:
            break
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        height, width = rgb.shape[:2]
        result = probe.process(rgb)
        if result.pose_landmarks is None:
            rows.append({"frame": index, "person": False})
            continue
        nose = result.pose_landmarks.landmark[0]
        roi = result.pose_rect_from_landmarks
        rows.append(
            {
                "frame": index,
                "nose_px": [round(nose.x * width, 3), round(nose.y * height, 3)],
                "next_roi_px": round(roi.width * width, 2),
            }
        )
    print(json.dumps(rows))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("video")
    parser.add_argument("--frames", type=int, default=3)
    parser.add_argument("--child", choices=["shipped", "imported"])
    args = parser.parse_args()
    if args.child:
        run(args.video, args.frames, args.child == "imported")
        return
    results = {}
    for variant in ("shipped", "imported"):
        out = subprocess.run(
            [sys.executable, __file__, args.video, "--frames", str(args.frames), "--child", variant],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results[variant] = json.loads(out.strip().splitlines()[-1])
    for shipped, imported in zip(results["shipped"], results["imported"]):
        print(f"frame {shipped['frame']}: shipped {shipped} | options imported {imported}")


if __name__ == "__main__":
    main()
