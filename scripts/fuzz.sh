#!/usr/bin/env bash
# Fuzzes what Sitwell reads from outside — JPEG frames, MJPEG recordings, the settings file,
# the baseline file — for a bounded time per target, with cargo-fuzz (libFuzzer).
#   scripts/fuzz.sh [SECONDS]     each target for SECONDS (default 60), one after another
# Installs cargo-fuzz from crates.io if missing. The stable toolchain builds the fuzzers with
# RUSTC_BOOTSTRAP=1 (cargo-fuzz asks for nightly flags). New corpus entries land in
# tests/fuzz/corpus/<target>/ and crashes in tests/fuzz/artifacts/<target>/. Commit every crash,
# and a minimized corpus (`cargo fuzz cmin`, then the smallest entries): the ordinary tests replay
# both (tests/fuzz_corpus.rs). Prints each target's runs and coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
command -v cargo-fuzz > /dev/null || cargo install --locked cargo-fuzz
bash scripts/fetch-ort.sh
export RUSTC_BOOTSTRAP=1
status=0
for target in jpeg mjpeg settings baseline; do
  started=$SECONDS
  log=$(mktemp)
  # No sanitizer: Sitwell's own code has no unsafe memory handling to check, and libjpeg (C)
  # is not instrumented either; -rss_limit bounds memory as the size limits promise.
  if cargo fuzz run --fuzz-dir tests/fuzz --sanitizer none "$target" -- \
      -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=1024 -max_len=262144 > "$log" 2>&1; then
    result=ok
  else
    result=FAILED
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  corpus=$(find "tests/fuzz/corpus/$target" -type f | wc -l)
  echo "$target: $result, ${runs:-?} runs in $((SECONDS - started)) s (build included), coverage ${cov:-?} edges, corpus $corpus files"
  [ "$result" = ok ] || tail -40 "$log"
  rm -f "$log"
done
exit $status
