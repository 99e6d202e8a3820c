#!/usr/bin/env bash
# The OpenSanctions matcher (nomenklatura logic-v2, yente's default) against Chokepoint on the
# same person queries, in one run on one machine: Chokepoint's single-thread screening rate
# (screen-bench), then logic-v2 scoring the 50 candidates per query that yente would score.
# Needs network access once, to install nomenklatura into a virtual environment outside the
# repository (NK_VENV, default /tmp/chokepoint-nk-venv).
#
# Usage: bench/nomenklatura.sh [QUERIES]   (default 500)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-500}"
VENV="${NK_VENV:-/tmp/chokepoint-nk-venv}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "nomenklatura==4.17.4"
fi
cargo build --release -q -p chokepoint -p chokepoint-bench
export CHOKEPOINT_DB="$WORK/store.db"

# Chokepoint on the same queries (also writes them for the matcher).
DUMP_QUERIES="$WORK/queries.jsonl" ./target/release/screen-bench --queries 10000 --recall 0 --scale 0 \
  | grep -E "machine|index|single thread"

# The candidates: Chokepoint's 50 best per query, as yente's search would hand over 50.
./target/release/chokepoint lists export --out "$WORK/entities.ftm.json" 2>/dev/null
"$VENV/bin/python" - "$WORK/queries.jsonl" "$WORK/queries.csv" "$N" <<'PY'
import csv, json, sys
qs = [json.loads(l) for l in open(sys.argv[1])][: int(sys.argv[3])]
with open(sys.argv[2], "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["id", "name", "type", "birth_date", "country"])
    for i, q in enumerate(qs):
        w.writerow([f"q{i}", q["name"], "person", q.get("birth_date") or "", q.get("country") or ""])
PY
./target/release/chokepoint screen --batch "$WORK/queries.csv" --top-k 50 --out "$WORK/cands.jsonl" 2>/dev/null
"$VENV/bin/python" bench/nomenklatura_bench.py "$WORK/entities.ftm.json" "$WORK/queries.jsonl" "$WORK/cands.jsonl" "$N"
