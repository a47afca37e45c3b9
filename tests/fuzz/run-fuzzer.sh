#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS over a working copy of its seeds
# (new inputs go to the build dir, never into the source tree) and prints
# how many inputs it ran. A crash leaves crash-* in WORKDIR; copy it to
# tests/fuzz/<target>/regression-<what> once fixed.
#   run-fuzzer.sh FUZZER SEED-DIR WORKDIR SECONDS
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 seconds=$4
mkdir -p "$work/corpus"
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
# A fixed seed (TERN_FUZZ_SEED to change it) makes the CI run explore the
# same inputs each time, so that what it finds can be reproduced.
"$fuzzer" -seed="${TERN_FUZZ_SEED:-1}" -max_total_time="$seconds" -max_len=65536 -timeout=30 \
  -rss_limit_mb=2048 \
  -detect_leaks=0 -print_final_stats=1 -artifact_prefix="$work/" \
  "$work/corpus" "$seeds" >"$work/log" 2>&1 || status=$?
tail -n 40 "$work/log"
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$' || echo 0)
echo "$(basename "$fuzzer"): $runs executions in $seconds s (status $status)"
# libFuzzer exits 77 when it finds a bug, which meson would count as a skip.
[[ $status -eq 77 ]] && status=1
exit $status
