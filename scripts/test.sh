#!/usr/bin/env bash
# Runs Sitwell's tests (unit, parity with MediaPipe, CLI), doing the set-up first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --all-targets "$@"
