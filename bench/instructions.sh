#!/usr/bin/env bash
# Screening cost in machine instructions, which do not vary with the load of a shared machine
# the way queries per second do: cachegrind counts the instructions (and simulated cache
# misses) of screen-bench with 2,000 and with 4,000 queries, each screened once (single thread
# only); the difference, divided by the 2,000 screenings it adds, is the cost of one
# screening, index build excluded. MODE=top10 (default) times the ten best matches,
# MODE=alerts the alerts-only screening (binaries from before session 17 know only top10).
#
# Usage: [MODE=alerts] bench/instructions.sh [SCREEN_BENCH_BINARY]   (default: build target/release/screen-bench)
# Needs valgrind. About four minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${1:-}"
if [ -z "$BIN" ]; then
  cargo build --release -q -p chokepoint-bench --bin screen-bench
  BIN=target/release/screen-bench
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for n in 2000 4000; do
  valgrind --tool=cachegrind --cache-sim=yes --LL=1048576,16,64 --cachegrind-out-file="$WORK/cg.$n" \
    "$BIN" --queries "$n" --recall 0 --scale 0 --max-threads 0 --mode "${MODE:-top10}" >/dev/null 2>&1
done
python3 - "$WORK" <<'PY'
import sys
work = sys.argv[1]
def totals(path):
    events = None
    for line in open(path):
        if line.startswith("events:"):
            events = line.split()[1:]
        if line.startswith("summary:"):
            return dict(zip(events, map(int, line.split()[1:])))
a, b = totals(f"{work}/cg.2000"), totals(f"{work}/cg.4000")
d = {k: (b[k] - a[k]) / 2000 for k in a}
print(f"per screening: {d['Ir']:,.0f} instructions, {d['D1mr'] + d['D1mw']:,.0f} L1 data misses, "
      f"{d['DLmr'] + d['DLmw']:,.0f} last-level misses (cachegrind's simulated caches)")
PY
