#!/usr/bin/env bash
# What explanations cost (issue 16): GET /recommendations with explain=true beside the same requests
# without it, in one run of bench/load.sh on the demo store (its "filtered" path is the explained one):
#   bench/explain.sh [duration_s=10] [connections=16]
# The last line is one JSON object: plain_rps, explain_rps and rps_ratio (saturated, connections),
# plain_p99_half_ms, explain_p99_half_ms and p99_ratio (each paced at half the rate it reached),
# the target being p99_ratio <= 2.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
LOAD_FILTER="explain=true" LOAD_JSON="$OUT" bench/load.sh "${1:-10}" "${2:-16}" "${2:-16}"
python3 - "$OUT" "${2:-16}" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
c = sys.argv[2]
plain, explain = f["recommendations"], f["filtered"]
out = {
    "plain_rps": plain["by_connections"][c]["rps"], "explain_rps": explain["by_connections"][c]["rps"],
    "plain_p99_ms": plain["by_connections"][c]["p99_ms"], "explain_p99_ms": explain["by_connections"][c]["p99_ms"],
    "plain_p99_half_ms": plain["paced"]["p99_ms"], "explain_p99_half_ms": explain["paced"]["p99_ms"],
}
out["rps_ratio"] = round(out["explain_rps"] / out["plain_rps"], 3)
out["p99_ratio"] = round(out["explain_p99_half_ms"] / out["plain_p99_half_ms"], 3)
print(json.dumps(out))
PY
