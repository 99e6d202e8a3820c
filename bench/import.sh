#!/usr/bin/env bash
# Import benchmark: load every shipped official list into a fresh SQLite store, N times.
# Reports wall time and peak resident memory (GNU time) per run, and the median.
# Usage: bench/import.sh [RUNS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release -q -p chokepoint
bin=target/release/chokepoint
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)"; exit 1; }
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/Mem:/{print $2}') GiB"
times=(); mems=()
for i in $(seq 1 "$runs"); do
  rm -f "$tmp"/s.db*
  /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" --db "$tmp/s.db" lists load-bundled >/dev/null
  read -r secs kb < "$tmp/t"
  echo "run $i: ${secs}s wall, $((kb / 1024)) MiB peak RSS"
  times+=("$secs"); mems+=("$kb")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }
ents=$("$bin" --db "$tmp/s.db" lists status --json | python3 -c 'import json,sys; print(sum(s["entities"] for s in json.load(sys.stdin)))')
snaps=$("$bin" --db "$tmp/s.db" lists status --json | python3 -c 'import json,sys; print(sum(s["snapshots"] for s in json.load(sys.stdin)))')
echo "median: $(median "${times[@]}")s wall, $(( $(median "${mems[@]}") / 1024 )) MiB peak RSS; $snaps snapshots, $ents entities in the newest snapshots"
