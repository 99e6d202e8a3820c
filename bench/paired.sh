#!/usr/bin/env bash
# Paired single-thread throughput of two screen-bench binaries on a noisy machine: runs them
# alternately ROUNDS times and prints each run, then each binary's best and median.
# Usage: bench/paired.sh OLD_BIN NEW_BIN [ROUNDS] [QUERIES]
# With ALERTS=1, the alerts-only screening's throughput (a binary without it prints nothing).
set -euo pipefail
old=$1 new=$2 rounds=${3:-5} n=${4:-20000}
if [ "${ALERTS:-0}" = 1 ]; then
  pattern='s/^single thread, alerts only: \([0-9]*\) queries\/s.*/\1/p'
else
  pattern='s/^single thread: .*: \([0-9]*\) queries\/s.*/\1/p'
fi
declare -A runs
for ((i = 0; i < rounds; i++)); do
  for b in "$old" "$new"; do
    q=$("$b" --queries "$n" --recall 0 --scale 0 --max-threads 0 | sed -n "$pattern")
    echo "$b $q"
    runs[$b]="${runs[$b]:-} $q"
  done
done
for b in "$old" "$new"; do
  echo "$b: best $(tr ' ' '\n' <<<"${runs[$b]}" | sort -n | tail -1), median $(tr ' ' '\n' <<<"${runs[$b]}" | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
done
