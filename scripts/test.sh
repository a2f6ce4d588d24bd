#!/usr/bin/env bash
# Runs Sitwell's tests (unit, parity with MediaPipe, CLI, live pipeline, overlay snapshots and
# the real window under Xvfb), doing the set-up first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
cargo test --all-targets "$@"
