#!/usr/bin/env bash
# Issue 16, point 2, measured (ComplementsBenchmark, see its javadoc): ndcg@10 and hit rate@10 of
# each holdout customer's held-out purchases with the substitutes of their recent purchases left
# out (windows 30d and 3650d) against none left out; the hit rate and recall@10 of held-out
# co-purchases in the top 10 complements by lift (PMI's order), NPMI and confidence, against the
# similar items and the most bought; and the time and memory of counting the pairs with the
# snapshot, on the data set and at the scale run's size (the count alone, no service).
#   bench/complements.sh [data sets="online-retail demo scale"]
#   COMPLEMENTS_DATA=<folder>   online-retail's train.csv and test.csv (gzipped or not):
#                               ../shared/data/online-retail beside the project when present, else
#                               datasets/online-retail (the same files, gzipped)
#   COMPLEMENTS_SCALE=<c,p,e>   customers, parts, events of the scale case (default
#                               1000000,100000,20000000, bench/scale.sh's)
# Prints each data set's JSON line as it comes, then, last, one JSON line of them all keyed by
# data set. About 5 minutes on 2 cores (the scale case's generator takes most of it).
set -euo pipefail
[ -z "${COMPLEMENTS_DATA:-}" ] || COMPLEMENTS_DATA=$(realpath -m "$COMPLEMENTS_DATA") # named from the caller's folder
cd "$(dirname "$0")/.."
DATASETS=${1:-"online-retail demo scale"}
if [ -z "${COMPLEMENTS_DATA:-}" ]; then
  if [ -f ../shared/data/online-retail/train.csv ]; then
    COMPLEMENTS_DATA=$(realpath ../shared/data/online-retail)
  else
    COMPLEMENTS_DATA=$PWD/datasets/online-retail
  fi
fi
METHODS=()
for d in $DATASETS; do
  case $d in
    online-retail) METHODS+=(onlineRetail) ;;
    demo) METHODS+=(demo) ;;
    scale) METHODS+=(scale) ;;
    *) echo "unknown data set '$d' (online-retail, demo, scale)"; exit 1 ;;
  esac
done
TESTS="ComplementsBenchmark#$(IFS=+; echo "${METHODS[*]}")"
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
echo "complements: $DATASETS; online-retail from $COMPLEMENTS_DATA"
./mvnw -q -B test -Dgroups=benchmark -DexcludedTestGroups=none -Dtest="$TESTS" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dpartrec.bench.online-retail="$COMPLEMENTS_DATA" \
  -Dpartrec.bench.scale="${COMPLEMENTS_SCALE:-1000000,100000,20000000}" > "$LOG" 2>&1 || { tail -50 "$LOG"; exit 1; }
grep -E '^(scale|demo|online-retail):' "$LOG" || true
grep '^{"complements"' "$LOG"
grep '^{"complements"' "$LOG" | python3 -c '
import json, sys
print(json.dumps({r["complements"]: r for r in map(json.loads, sys.stdin)}))'
