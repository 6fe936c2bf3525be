#!/usr/bin/env bash
# Issue 15's offline check that real-time events help: a model trained on a data set's train part
# is served by the real service (started in the benchmark's JVM), each holdout user's events are
# posted in time order through POST /events, and before each purchase (and each first touch of an
# item) the answer of GET /recommendations is scored against the model's own list (ndcg@10, hit
# rate@10). See ReplayBenchmark's javadoc.
#   bench/replay.sh [data sets="online-retail online-retail-pairs demo"]
# (demo also replays customers the model never saw: demo-new-customers)
#   REPLAY_DATA=<folder>        train.csv, test.csv, events.csv (gzipped or not) of online-retail;
#                               ../shared/data/online-retail beside the project when present, else
#                               datasets/online-retail (the same files, gzipped)
#   REPLAY_USERS=<n>            a seeded sample of n users per data set (default 0: every user)
#   REPLAY_THREADS=<n>          users replayed at once (default 2)
#   REPLAY_NEW_CUSTOMERS=<n>    demo customers the model never saw (default 2000)
#   REPLAY_EVENTS_PER_USER=<n>  the service's partrec.events.realtime-events-per-user (default: its 100)
# Prints a table per data set, then one JSON line per data set (dataset, points, ndcg_at_10_model,
# ndcg_at_10_realtime, hit_at_10_model, hit_at_10_realtime, ...). About 10 minutes on 2 cores shared
# with other jobs, every user replayed (the demo's store and model take about half of it).
set -euo pipefail
[ -z "${REPLAY_DATA:-}" ] || REPLAY_DATA=$(realpath -m "$REPLAY_DATA") # named from the caller's folder
cd "$(dirname "$0")/.."
DATASETS=${1:-"online-retail online-retail-pairs demo"}
if [ -z "${REPLAY_DATA:-}" ]; then
  if [ -f ../shared/data/online-retail/train.csv ]; then
    REPLAY_DATA=$(realpath ../shared/data/online-retail)
  else
    REPLAY_DATA=$PWD/datasets/online-retail
  fi
fi
METHODS=()
for d in $DATASETS; do
  case $d in
    online-retail) METHODS+=(onlineRetail) ;;
    online-retail-pairs) METHODS+=(onlineRetailPairs) ;;
    demo) METHODS+=(demo) ;;
    *) echo "unknown data set '$d' (online-retail, online-retail-pairs, demo)"; exit 1 ;;
  esac
done
TESTS="ReplayBenchmark#$(IFS=+; echo "${METHODS[*]}")"
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
echo "replay: $DATASETS; online-retail from $REPLAY_DATA"
EXTRA=()
[ -z "${REPLAY_EVENTS_PER_USER:-}" ] || EXTRA+=(-Dpartrec.bench.events-per-user="$REPLAY_EVENTS_PER_USER")
./mvnw -q -B test -Dgroups=benchmark -DexcludedTestGroups=none -Dtest="$TESTS" -Dsurefire.failIfNoSpecifiedTests=false \
  -Dpartrec.bench.online-retail="$REPLAY_DATA" -Dpartrec.bench.replay-users="${REPLAY_USERS:-0}" \
  -Dpartrec.bench.replay-threads="${REPLAY_THREADS:-2}" -Dpartrec.bench.demo-new-customers="${REPLAY_NEW_CUSTOMERS:-2000}" \
  "${EXTRA[@]}" > "$LOG" 2>&1 || { tail -50 "$LOG"; exit 1; }
# the tables (each data set's heading and its lines), then the JSON lines
awk '/^[a-z-]+: .*users \(/ {on = 1} /^\{"dataset"/ {on = 0} on' "$LOG"
grep '^{"dataset"' "$LOG"
