#!/usr/bin/env bash
# Issue 16, point 1, measured (GarageBenchmark, see its javadoc): on the demo store (30,000
# customers, 10,000 parts, 600,000 events; the holdout split of a training run), the fit rate (the
# share of recommended parts that fit the customer's planted vehicle, or are universal) and ndcg@10
# (held-out purchases, and every held-out part) of each holdout customer's top 10, with the garage
# (fits=auto, the default) and without it (fits=any); other inference rules and the planted truth
# (the oracle) beside them; then the inference's time and memory at the scale run's size (1M
# customers, 100,000 parts, rows of 20 touched and 3 bought parts). Prints the table, each case's
# JSON line, then one JSON line of both. About 2 minutes on 2 cores.
#   bench/garage.sh
set -euo pipefail
cd "$(dirname "$0")/.."
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
./mvnw -q -B test -Dgroups=benchmark -DexcludedTestGroups=none -Dtest='GarageBenchmark#demo+scaleCost' \
  -Dsurefire.failIfNoSpecifiedTests=false > "$LOG" 2>&1 || { tail -50 "$LOG"; exit 1; }
grep -E '^demo' "$LOG" || true
grep '^{"garage"' "$LOG"
grep '^{"garage"' "$LOG" | python3 -c '
import json, sys
print(json.dumps({r["garage"]: r for r in map(json.loads, sys.stdin)}))'
