"""Scores the same queries with the OpenSanctions matcher (nomenklatura's logic-v2, yente's
default) against the same candidates Chokepoint considers, single-threaded, and reports
queries per second at yente's 50 candidates per query.

Inputs (made by bench/nomenklatura.sh): the lists as FollowTheMoney JSON lines, the queries as
JSON lines, and for each query Chokepoint's 50 best candidates (screen --batch --top-k 50).
Only the matcher's scoring is timed; yente's candidate search in Elasticsearch is not counted,
which favours the matcher.
"""

import json
import sys
import time

from followthemoney import model
from nomenklatura.matching import get_algorithm
from nomenklatura.matching.types import ScoringConfig


def main(entities_path: str, queries_path: str, candidates_path: str, limit: int) -> None:
    entities = {}
    with open(entities_path, encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            entities[data["id"]] = data
    queries = [json.loads(l) for l in open(queries_path, encoding="utf-8")][:limit]
    cands = [json.loads(l) for l in open(candidates_path, encoding="utf-8")][:limit]
    matcher = get_algorithm("logic-v2")
    config = ScoringConfig.defaults()

    def proxy(data):
        return model.get_proxy(data)

    cache = {}
    pairs = []
    for i, (q, c) in enumerate(zip(queries, cands)):
        props = {"name": [q["name"]]}
        if q.get("birth_date"):
            props["birthDate"] = [q["birth_date"]]
        if q.get("country"):
            props["nationality"] = [q["country"].lower()]
        query = proxy({"id": f"q{i}", "schema": "Person", "properties": props})
        for m in c["matches"]:
            fid = "".join(ch if ch.isascii() and (ch.isalnum() or ch in ".-") else "-" for ch in m["entity_id"])
            if fid not in entities:
                continue
            if fid not in cache:
                cache[fid] = proxy(entities[fid])
            pairs.append((i, query, cache[fid]))
    # Warm-up on a few pairs, then the timed run.
    for _, a, b in pairs[:200]:
        matcher.compare(a, b, config)
    t = time.perf_counter()
    alerts = 0
    for _, a, b in pairs:
        if matcher.compare(a, b, config).score >= 0.7:
            alerts += 1
    secs = time.perf_counter() - t
    n = len(queries)
    print(
        f"nomenklatura {matcher.NAME}: {n} queries, {len(pairs)} pairs "
        f"({len(pairs) / n:.1f} candidates per query) in {secs:.1f} s: "
        f"{len(pairs) / secs:.0f} pairs/s, {n / secs:.1f} queries/s single thread; "
        f"{alerts} pairs at or above 0.70"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 500)
