#!/usr/bin/env bash
# Scale run: the project's generator at a million customers, 100,000 parts and 20M events, loaded
# into the embedded warehouse, trained by the service with the defaults (configs/dev.yaml) inside a
# fixed heap, then the service restarted on the stored model. Prints:
#   - the demo load time, each step of the training run, the run's metrics;
#   - peak heap (the largest heap occupancy before a collection, from the GC log) and full GCs;
#   - the artifact's size;
#   - time from process start to serving the stored model, heap after a collection and RSS while
#     serving, and a short load (liveness baseline, then /recommendations and /similar);
#   - HNSW over the model's item vectors against exact scans (SCALE_HNSW=0 skips it;
#     SCALE_HNSW_PARAMS="M/efC/ef,..." sets the graphs tried).
#   bench/scale.sh [customers=1000000] [parts=100000] [events=20000000] [heap=3g] [load_s=10]
# The export is switched off unless SCALE_EXPORT=1: it ranks every customer (about 10 minutes here).
# The restart is timed with and without class-data sharing by bench/startup.sh (SCALE_RESTARTS
# times each, default 3). SCALE_RESTART_ONLY=1 with SCALE_DIR holding a store from an earlier run
# skips generating and training (and, after the restarts, everything else).
# Takes about 10 minutes on 2 cores and writes about 1 GB under a temporary folder (SCALE_DIR to keep it).
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${1:-1000000}
PARTS=${2:-100000}
EVENTS=${3:-20000000}
HEAP=${4:-3g}
LOAD_S=${5:-10}
API=28080
OPS=28081
WORK=${SCALE_DIR:-$(mktemp -d)}
mkdir -p "$WORK"
stop() {
  local pid
  pid=$(cat "$WORK/pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
}
trap 'stop; [ -n "${SCALE_DIR:-}" ] || rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { sudo -n true 2>/dev/null && SUDO=sudo || SUDO=; $SUDO apt-get install -y wrk >/dev/null; }
[ -f target/partrec.jar ] || ./mvnw -q -B package -DskipTests
JAR=$PWD/target/partrec.jar

start() { # log gc-log extra-args...
  local log=$1 gc=$2
  shift 2
  (cd "$WORK" && exec java -Xmx"$HEAP" -Xlog:gc:file="$gc" --add-modules jdk.incubator.vector -jar "$JAR" \
    --server.port=$API --management.server.port=$OPS "$@" > "$log" 2>&1) &
  echo $! > "$WORK/pid"
}

peak_heap() { # gc-log -> "peak_MB full_gcs"
  awk '/Pause/ && match($0, /[0-9]+M->[0-9]+M/) { split(substr($0, RSTART, RLENGTH), a, "M->"); if (a[1] + 0 > p) p = a[1] + 0 }
       /Pause Full/ { f++ } END { print p + 0, f + 0 }' "$1"
}

echo "scale run: $CUSTOMERS customers, $PARTS parts, $EVENTS events, heap $HEAP, in $WORK"

restarts() { # the restart with and without class-data sharing, on the store just trained
  echo "restarts on the stored model, with and without class-data sharing (bench/startup.sh):"
  STARTUP_DIR=$WORK STARTUP_JVM="-Xmx$HEAP" STARTUP_API_PORT=$API STARTUP_OPS_PORT=$OPS \
    STARTUP_ARGS="--partrec.demo.load=false --partrec.export.enabled=false" bench/startup.sh "${SCALE_RESTARTS:-3}"
}
if [ "${SCALE_RESTART_ONLY:-0}" = 1 ] && ls "$WORK"/data/model-store/models/*.partrec > /dev/null 2>&1; then
  restarts
  exit 0
fi

# 1. generate and load, then the training run the service starts at start-up
T0=$(date +%s.%N)
start "$WORK/train.log" "$WORK/train-gc.log" --partrec.demo.customers="$CUSTOMERS" --partrec.demo.parts="$PARTS" \
  --partrec.demo.events="$EVENTS" --partrec.export.enabled="$([ "${SCALE_EXPORT:-0}" = 1 ] && echo true || echo false)"
run=""
for _ in $(seq 1 3600); do
  run=$(curl -sf "localhost:$OPS/actuator/retrain" 2>/dev/null || true)
  echo "$run" | grep -q '"recent":\[{' && break
  kill -0 "$(cat "$WORK/pid")" 2>/dev/null || { echo "the service stopped:"; tail -20 "$WORK/train.log"; exit 1; }
  sleep 1
done
echo "$run" | grep -q '"recent":\[{' || { echo "no training run ended within an hour"; exit 1; }
T1=$(date +%s.%N)
grep -o "loaded the demo store.*" "$WORK/train.log" || true
echo "$run" | python3 -c '
import json, sys
r = json.load(sys.stdin)["recent"][0]
print("training run %s: %s" % (r["id"], r["status"]))
total = 0
for s in r["steps"]:
    total += s["seconds"] or 0
    print("  %-10s %7.1f s  %s" % (s["name"], s["seconds"] or 0, json.dumps(s["details"])))
print("  %-10s %7.1f s" % ("run", total))
print("  metrics: " + ", ".join("%s %.4f" % kv for kv in r["metrics"].items()))
'
read -r peak fulls <<< "$(peak_heap "$WORK/train-gc.log")"
echo "peak heap while loading and training: ${peak} MB (limit $HEAP), full GCs: $fulls"
printf "process start to run ended: %.1f s\n" "$(echo "$T1 - $T0" | bc -l)"
if [ "${SCALE_EXPORT:-0}" = 1 ]; then # the batch export of the promoted model, on its own thread
  export=""
  for _ in $(seq 1 7200); do
    export=$(curl -sf "localhost:$OPS/actuator/retrain" | python3 -c \
      'import json, sys; e = json.load(sys.stdin)["recent"][0]["export"]; print(json.dumps(e) if e.get("status") in ("exported", "failed") else "")' \
      || true)
    [ -n "$export" ] && break
    sleep 1
  done
  echo "export: ${export:-not ended within two hours}"
  read -r peak fulls <<< "$(peak_heap "$WORK/train-gc.log")"
  echo "peak heap until the export ended: ${peak} MB, full GCs: $fulls"
fi
stop
ls -l "$WORK"/data/model-store/models/*.partrec | awk '{printf "artifact: %s, %.1f MB\n", $NF, $5 / 1048576}'
restarts
[ "${SCALE_RESTART_ONLY:-0}" = 1 ] && exit 0

# 2. restart on the stored model: no training at start-up, so nothing competes with the load
T0=$(date +%s.%N)
start "$WORK/serve.log" "$WORK/serve-gc.log" --partrec.demo.load=false --partrec.training.at-startup=false \
  --partrec.export.enabled=false
for _ in $(seq 1 1200); do
  curl -sf "localhost:$OPS/actuator/model" 2>/dev/null | grep -q '"source":"model"' && break
  sleep 0.1
done
curl -sf "localhost:$OPS/actuator/model" | grep -q '"source":"model"' || { echo "not serving after 120 s"; exit 1; }
T1=$(date +%s.%N)
printf "restart: serving the stored model %.1f s after the process started\n" "$(echo "$T1 - $T0" | bc -l)"
grep -o "serving stored model.*" "$WORK/serve.log" || true

# a short load: real customer ids, and part ids taken from their recommendations
for c in $(seq 0 997 99999); do
  curl -sf "localhost:$API/recommendations/$(printf 'C%07d' "$c")?limit=10" | grep -o '"itemId":"[^"]*"' | cut -d'"' -f4
done | sort -u > "$WORK/items.txt"
cat > "$WORK/user.lua" <<LUA
math.randomseed(42)
request = function() return wrk.format("GET", string.format("/recommendations/C%07d?limit=10", math.random(0, $CUSTOMERS - 1))) end
LUA
cat > "$WORK/similar.lua" <<LUA
local items = {}
for line in io.lines("$WORK/items.txt") do items[#items + 1] = line end
math.randomseed(42)
request = function() return wrk.format("GET", "/similar/" .. items[math.random(#items)] .. "?limit=10") end
LUA
wrk -t2 -c16 -d5s -s "$WORK/user.lua" "http://localhost:$API" > /dev/null # JIT warm-up, not reported
printf "%-22s %10s %9s %9s %7s  %s\n" "load, 16 connections" "req/s" p50 p99 ratio errors
base=""
for spec in "liveness (baseline)|http://localhost:$OPS/actuator/health/liveness|" \
    "GET /recommendations|http://localhost:$API|$WORK/user.lua" "GET /similar|http://localhost:$API|$WORK/similar.lua"; do
  IFS='|' read -r name url script <<< "$spec"
  out=$(wrk -t2 -c16 -d"${LOAD_S}s" --latency ${script:+-s "$script"} "$url")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  base=${base:-$rps}
  printf "%-22s %10s %9s %9s %7.2f  %s\n" "$name" "$rps" "$(echo "$out" | awk '$1 == "50%" {print $2}')" \
    "$(echo "$out" | awk '$1 == "99%" {print $2}')" "$(echo "$rps / $base" | bc -l)" \
    "$(echo "$out" | awk '/Non-2xx|Socket errors/ {s = s $0 "; "} END {print (s == "" ? "0" : s)}')"
done
pid=$(cat "$WORK/pid")
jcmd "$pid" GC.run > /dev/null
jcmd "$pid" GC.heap_info | awk '/garbage-first heap/ {gsub(/K,?/, "", $6); printf "while serving: heap %.0f MB after a full collection", $6 / 1024}'
awk '/VmRSS/ {printf ", resident set %.0f MB\n", $2 / 1024}' "/proc/$pid/status"
read -r peak fulls <<< "$(peak_heap "$WORK/serve-gc.log")"
echo "peak heap while loading and serving: ${peak} MB, full GCs: $fulls (one is the jcmd GC.run above)"
stop

# 3. HNSW over the stored model's item vectors: build time, recall and query time against exact
if [ "${SCALE_HNSW:-1}" = 1 ]; then
  artifact=$(ls "$WORK"/data/model-store/models/*.partrec | head -n 1)
  ./mvnw -q -B test -Dgroups=benchmark -DexcludedTestGroups=none -Dtest='CoreBenchmark#hnswOverAStoredModel' \
    -Dpartrec.bench.artifact="$artifact" -Dpartrec.bench.hnsw="${SCALE_HNSW_PARAMS:-16/100/100,16/200/200}" \
    -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep -E "items, dot|us/query" || echo "the HNSW benchmark printed nothing"
fi
