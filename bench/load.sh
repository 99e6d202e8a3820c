#!/usr/bin/env bash
# HTTP load test on loopback: `chokepoint serve` on the embedded SQLite store with the shipped
# lists, and wrk (Debian's package) posting person screenings with attributes — the same
# queries as screen-bench — for DURATION seconds over CONNECTIONS connections. Every request is
# authenticated, screened and written to the audit log. Prints wrk's latency distribution and
# the audit check afterwards (every request recorded, chain intact).
#
# Usage: bench/load.sh [DURATION_S] [CONNECTIONS] [WRK_THREADS]   (default 30 16 1)
set -euo pipefail
cd "$(dirname "$0")/.."
DUR="${1:-30}"
CONN="${2:-16}"
THREADS="${3:-1}"
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
WORK="$(mktemp -d)"
cleanup() { [ -n "${PID:-}" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
cargo build --release -q -p chokepoint -p chokepoint-bench
export CHOKEPOINT_DB="$WORK/store.db"
DUMP_QUERIES="$WORK/queries.jsonl" ./target/release/screen-bench --queries 2000 --recall 0 --scale 0 >/dev/null

./target/release/chokepoint serve --listen 127.0.0.1:0 >"$WORK/serve.out" 2>"$WORK/serve.err" &
PID=$!
for _ in $(seq 1 120); do grep -q "listening on" "$WORK/serve.out" 2>/dev/null && break; sleep 0.5; done
BASE=$(grep -o "listening on http://[0-9.:]*" "$WORK/serve.out" | cut -d' ' -f3)
ADMIN=$(grep -o "cpk_[0-9a-f]*" "$WORK/serve.out" | head -1)
TOKEN=$(curl -sf -XPOST "$BASE/v1/users" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"name":"load","role":"screener"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

python3 - "$WORK/queries.jsonl" "$TOKEN" > "$WORK/load.lua" <<'PY'
import json, sys
qs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def lua(s): return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'
print("local bodies = {")
for q in qs:
    b = {"name": q["name"], "type": "person"}
    if q.get("birth_date"): b["birth_date"] = q["birth_date"]
    if q.get("country"): b["country"] = q["country"]
    print("  " + lua(json.dumps(b, ensure_ascii=False)) + ",")
print("}")
print('local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer %s"}' % sys.argv[2])
print('''local i = 0
setup = function(thread) thread:set("offset", math.random(#bodies)) end
request = function()
  i = i + 1
  return wrk.format("POST", "/v1/screen", headers, bodies[((i + (offset or 0)) % #bodies) + 1])
end
done = function(summary, latency, requests)
  local s = summary.duration / 1e6
  io.write(string.format("requests %d in %.1f s: %.0f requests/s; non-2xx %d, socket errors %d\\n",
    summary.requests, s, summary.requests / s, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end''')
PY
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "wrk: ${THREADS} thread(s), ${CONN} connections, ${DUR} s, POST /v1/screen (person, with birth date and country)"
wrk -t"$THREADS" -c"$CONN" -d"${DUR}s" --timeout 5s -s "$WORK/load.lua" "$BASE" | grep -E "^(requests|latency)"
ADA=$(curl -sf -XPOST "$BASE/v1/users" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d '{"name":"ada","role":"auditor"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -sf "$BASE/v1/audit/verify" -H "Authorization: Bearer $ADA" \
  | python3 -c 'import json,sys; v=json.load(sys.stdin); print("audit: %d records, chain %s" % (v["records"], "BROKEN" if v["problems"] else "intact"))'
