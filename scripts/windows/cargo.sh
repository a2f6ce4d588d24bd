#!/usr/bin/env bash
# cargo for Windows x86_64 without sourcing env.sh: scripts/windows/cargo.sh SUBCOMMAND [ARGS...]
# (same as `source scripts/windows/env.sh; wincargo ...`).
set -euo pipefail
source "$(dirname "$0")/env.sh"
wincargo "$@"
