#!/usr/bin/env bash
# Scale run: the project's generator at a million customers, 100,000 parts and 20M events, loaded
# into the embedded warehouse, trained by the service with the defaults (configs/dev.yaml) inside a
# fixed heap, then the service restarted on the stored model. Prints:
#   - the demo load time, each step of the training run, the run's metrics;
#   - peak heap (the largest heap occupancy before a collection, from the GC log) and full GCs;
#   - the artifact's size;
#   - time from process start to serving the stored model, heap after a collection and RSS while
#     serving, and, once the lists ranked ahead are ranked (the service idles), bench/load.sh
#     against it at 16 and 64 connections, then paced at half rate
#     (liveness baseline, /recommendations, /recommendations?fits=<platform>&category=<category>,
#     /similar and the basket, with real customer and part ids);
#   - HNSW over the model's item vectors against exact scans (SCALE_HNSW=0 skips it;
#     SCALE_HNSW_PARAMS="M/efC/ef,..." sets the graphs tried).
#   bench/scale.sh [customers=1000000] [parts=100000] [events=20000000] [heap=3g] [load_s=10]
# The export is switched off unless SCALE_EXPORT=1: it ranks every customer (about 10 minutes here).
# The restart is timed with and without class-data sharing by bench/startup.sh (SCALE_RESTARTS
# times each, default 3). SCALE_RESTART_ONLY=1 with SCALE_DIR holding a store from an earlier run
# skips generating and training (and, after the restarts, everything else); SCALE_SKIP_TRAIN=1 with
# such a SCALE_DIR skips generating and training only (a re-run in a few minutes).
# The last line is one JSON object of the figures (fit_s, run_s, peak_heap_mb, artifact_mb,
# restart_to_model_s, idle_after_model_s, index_build_s, ann_recall_at_10, similar_recall_at_10,
# liveness_rps (16 connections), and for each path <p> (recommendations, similar, filtered, basket)
# <p>_ratio, the lower of its 16- and 64-connection ratios to liveness, and <p>_p99_half_ms;
# export_s with SCALE_EXPORT=1); null where not measured (the training figures when it was
# skipped; the metrics then come from the stored model's header).
# With SCALE_SKIP_TRAIN=1 the sizes given should be the earlier run's (the load's customer ids).
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
[ -f target/partrec.jar ] && [ -z "$(find src/main sql pom.xml -newer target/partrec.jar -print -quit)" ] \
  || ./mvnw -q -B package -DskipTests # again when the code is newer than the jar
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

header() { # artifact -> its JSON header (magic, format version, header length, then the header)
  python3 - "$1" <<'PY'
import json, struct, sys
with open(sys.argv[1], "rb") as f:
    if f.read(8) != b"PARTREC\n":
        sys.exit("%s: not a partrec model artifact" % sys.argv[1])
    _, length = struct.unpack("<ii", f.read(8))
    print(json.dumps(json.loads(f.read(length))))
PY
}
artifact() { # the stored model LATEST names, else the newest
  local latest
  latest=$(awk '{print $2}' "$WORK/data/model-store/LATEST" 2>/dev/null || true)
  if [ -n "$latest" ] && [ -f "$WORK/data/model-store/$latest" ]; then
    echo "$WORK/data/model-store/$latest"
  else
    ls -t "$WORK"/data/model-store/models/*.partrec | head -n 1
  fi
}

echo "scale run: $CUSTOMERS customers, $PARTS parts, $EVENTS events, heap $HEAP, in $WORK"

restarts() { # the restart with and without class-data sharing, on the store just trained
  echo "restarts on the stored model, with and without class-data sharing (bench/startup.sh):"
  STARTUP_DIR=$WORK STARTUP_JVM="-Xmx$HEAP" STARTUP_API_PORT=$API STARTUP_OPS_PORT=$OPS \
    STARTUP_ARGS="--partrec.demo.load=false --partrec.export.enabled=false" bench/startup.sh "${SCALE_RESTARTS:-3}"
}
STORED=0
ls "$WORK"/data/model-store/models/*.partrec > /dev/null 2>&1 && STORED=1
if [ "${SCALE_RESTART_ONLY:-0}" = 1 ] && [ $STORED = 1 ]; then
  restarts
  exit 0
fi
SKIP_TRAIN=${SCALE_SKIP_TRAIN:-0}
if [ "$SKIP_TRAIN" = 1 ] && [ $STORED = 0 ]; then
  echo "SCALE_SKIP_TRAIN=1 needs SCALE_DIR holding a store from an earlier run (data/model-store/models/*.partrec)"
  exit 1
fi
# the figures of the last line, gathered as they come
RUN_RECORD=$WORK/summary-run.json # the training run's record; absent when training was skipped
EXPORT_RECORD=$WORK/summary-export.json
rm -f "$RUN_RECORD" "$EXPORT_RECORD" "$WORK/summary-load.json" "$WORK/summary-header.json"
TRAIN_PEAK=""
RESTART_S=""

if [ "$SKIP_TRAIN" = 1 ]; then
  echo "SCALE_SKIP_TRAIN=1: no generating or training, the store in $WORK as it is"
else
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
echo "$run" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)["recent"][0]))' > "$RUN_RECORD"
grep -o "loaded the demo store.*" "$WORK/train.log" || true
python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print("training run %s: %s" % (r["id"], r["status"]))
total = 0
for s in r["steps"]:
    total += s["seconds"] or 0
    print("  %-10s %7.1f s  %s" % (s["name"], s["seconds"] or 0, json.dumps(s["details"])))
print("  %-10s %7.1f s" % ("run", total))
print("  metrics: " + ", ".join("%s %.4f" % kv for kv in r["metrics"].items()))
' "$RUN_RECORD"
read -r peak fulls <<< "$(peak_heap "$WORK/train-gc.log")"
TRAIN_PEAK=$peak
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
  [ -z "$export" ] || echo "$export" > "$EXPORT_RECORD"
  read -r peak fulls <<< "$(peak_heap "$WORK/train-gc.log")"
  echo "peak heap until the export ended: ${peak} MB, full GCs: $fulls"
fi
stop
fi
ARTIFACT=$(artifact)
ls -l "$ARTIFACT" | awk '{printf "artifact: %s, %.1f MB\n", $NF, $5 / 1048576}'
header "$ARTIFACT" > "$WORK/summary-header.json" || rm -f "$WORK/summary-header.json"
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
RESTART_S=$(echo "$T1 - $T0" | bc -l)
printf "restart: serving the stored model %.1f s after the process started\n" "$RESTART_S"
grep -o "serving stored model.*" "$WORK/serve.log" || true
# the lists ranked ahead are ranked once the service is ready, on every core (minutes at this size):
# the load waits until the service idles (under 0.2 s of CPU in 2 s, twice running), 15 minutes at most
HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$(cat "$WORK/pid")/stat"; }
SETTLE_S=""
idle=0
for _ in $(seq 1 450); do
  a=$(cpu_ticks)
  sleep 2
  if [ $(( $(cpu_ticks) - a )) -lt $(( HZ / 5 )) ]; then idle=$(( idle + 1 )); else idle=0; fi
  if [ $idle = 2 ]; then
    SETTLE_S=$(echo "$(date +%s.%N) - $T1" | bc -l)
    break
  fi
done
if [ -n "$SETTLE_S" ]; then
  printf "idle (ranked ahead) %.0f s after serving\n" "$SETTLE_S"
else
  echo "still busy 15 minutes after serving: the load runs anyway"
fi
grep -o "model [^ ]*: [0-9]* of [0-9]* recommendations per user .*" "$WORK/serve.log" || true

# the load, by bench/load.sh: real customer ids, part ids taken from their recommendations, and for
# the filtered path the platform and category of those parts (the answers give the category; the
# platform, which they do not give, comes from the stored model's catalogue)
for c in $(seq 0 997 $(( CUSTOMERS < 100000 ? CUSTOMERS - 1 : 99999 ))); do
  curl -sf "localhost:$API/recommendations/$(printf 'C%07d' "$c")?limit=10" || true
  echo
done > "$WORK/answers.jsonl"
python3 - "$WORK/answers.jsonl" "$ARTIFACT" "$WORK/items.txt" "$WORK/filters.txt" "$CUSTOMERS" <<'PY'
import json, struct, sys, urllib.parse

answers, artifact, items_out, filters_out, customers = sys.argv[1:6]
items = {}  # part id -> [category, fitment], as the answers give them
for line in open(answers):
    if line.strip():
        for i in json.loads(line)["items"]:
            items.setdefault(i["itemId"], [i.get("category"), i.get("fitment")])

def catalogue(path):  # part id -> (category, fitment), from the artifact's item ids and catalog sections
    def string(b, p):
        n = struct.unpack_from("<i", b, p)[0]
        return (None, p + 4) if n < 0 else (b[p + 4:p + 4 + n].decode(), p + 4 + n)
    with open(path, "rb") as f:
        f.read(8)
        _, length = struct.unpack("<ii", f.read(8))
        h = json.loads(f.read(length))
        s, n = h["sections"], h["items"]
        f.seek(16 + length + 32 + s["user_ids"])
        offsets = struct.unpack("<%di" % (n + 1), f.read(4 * (n + 1)))
        utf8 = f.read(offsets[n])
        ids = [utf8[offsets[k]:offsets[k + 1]].decode() for k in range(n)]
        f.seek(16 + length + 32 + sum(s[k] for k in
                                      ("user_ids", "item_ids", "user_factors", "item_factors", "interactions", "purchased")))
        b = f.read(s["catalog"])
    out, p = {}, 0
    for k in range(n):
        present, p = b[p], p + 1
        if present:
            _, p = string(b, p)  # name
            _, p = string(b, p)  # brand
            category, p = string(b, p)
            fitment, p = string(b, p)
            p += 9 if present == 1 else 17  # price, in stock (and, in a row of kind 2, the margin)
            out[ids[k]] = (category, fitment)
    return out

if any(f is None for _, f in items.values()):
    rows = catalogue(artifact)
    for part, info in items.items():
        row = rows.get(part, (None, None))
        info[0] = info[0] or row[0]
        info[1] = info[1] or row[1]
pairs = {(f, c) for c, f in items.values() if f and c}
platforms = {p for p in pairs if p[0].lower() != "universal"} or pairs  # a vehicle platform, as a shopper asks
q = lambda v: urllib.parse.quote(v, safe="")
with open(items_out, "w") as o:
    o.writelines(part + "\n" for part in sorted(items))
with open(filters_out, "w") as o:
    o.writelines("fits=%s&category=%s\n" % (q(f), q(c)) for f, c in sorted(platforms))
print("load ids: customers C%%07d below %s, %d parts from %d answers, %d platform and category filters"
      % (customers, len(items), sum(1 for l in open(answers) if l.strip()), len(platforms)))
PY
LOAD_WARMUP_ROUNDS=${LOAD_WARMUP_ROUNDS:-3} LOAD_API=$API LOAD_OPS=$OPS LOAD_USERS=$CUSTOMERS LOAD_ITEMS=$WORK/items.txt LOAD_FILTERS=$WORK/filters.txt \
  LOAD_JSON=$WORK/summary-load.json bench/load.sh "$LOAD_S" "16 64" 16
pid=$(cat "$WORK/pid")
jcmd "$pid" GC.run > /dev/null
jcmd "$pid" GC.heap_info | awk '/garbage-first heap/ {gsub(/K,?/, "", $6); printf "while serving: heap %.0f MB after a full collection", $6 / 1024}'
awk '/VmRSS/ {printf ", resident set %.0f MB\n", $2 / 1024}' "/proc/$pid/status"
read -r peak fulls <<< "$(peak_heap "$WORK/serve-gc.log")"
echo "peak heap while loading and serving: ${peak} MB, full GCs: $fulls (one is the jcmd GC.run above)"
stop

# 3. HNSW over the stored model's item vectors: build time, recall and query time against exact
if [ "${SCALE_HNSW:-1}" = 1 ]; then
  ./mvnw -q -B test -Dgroups=benchmark -DexcludedTestGroups=none -Dtest='CoreBenchmark#hnswOverAStoredModel' \
    -Dpartrec.bench.artifact="$ARTIFACT" -Dpartrec.bench.hnsw="${SCALE_HNSW_PARAMS:-16/100/100,16/200/200}" \
    -Dsurefire.failIfNoSpecifiedTests=false 2>&1 | grep -E "items, dot|us/query" || echo "the HNSW benchmark printed nothing"
fi

# the figures, one JSON object on the last line
python3 - "$RUN_RECORD" "$WORK/summary-header.json" "$WORK/summary-load.json" "$EXPORT_RECORD" "$ARTIFACT" \
  "$TRAIN_PEAK" "$RESTART_S" "${SCALE_EXPORT:-0}" "$SETTLE_S" <<'PY'
import json, math, os, sys

run_path, header_path, load_path, export_path, artifact, peak, restart, export, settle = sys.argv[1:10]
load = lambda p: json.load(open(p)) if os.path.exists(p) else None
run, header, figures, exported = load(run_path), load(header_path), load(load_path), load(export_path)

def number(v):  # a metric as a number, or null ("NaN" and absent ones)
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) else None

metrics = (run or {}).get("metrics") or (header or {}).get("metrics") or {}
steps = (run or {}).get("steps") or []
end = next((s.get("details") or {} for s in steps if s["name"] == "end"), {})
out = {
    "fit_s": next((s["seconds"] for s in steps if s["name"] == "train"), None),
    "run_s": round(sum(s["seconds"] or 0 for s in steps), 3) if run else None,
    "peak_heap_mb": int(peak) if peak else None,
    "artifact_mb": round(os.path.getsize(artifact) / 1048576, 1),
    "restart_to_model_s": round(float(restart), 2) if restart else None,
    "idle_after_model_s": round(float(settle), 1) if settle else None,
    "index_build_s": number(end.get("index_build_s")),
    "ann_recall_at_10": number(metrics.get("hnsw_recall@10")),
    "similar_recall_at_10": number(metrics.get("similar_recall@10")),
    "liveness_rps": None,
}
if figures:
    out["liveness_rps"] = figures["liveness"]["by_connections"].get("16", {}).get("rps")
for p in ("recommendations", "similar", "filtered", "basket"):
    ratios = [f["ratio"] for c, f in ((figures or {}).get(p) or {}).get("by_connections", {}).items()
              if c in ("16", "64") and f.get("ratio") is not None]
    out[p + "_ratio"] = min(ratios) if ratios else None
    out[p + "_p99_half_ms"] = (((figures or {}).get(p) or {}).get("paced") or {}).get("p99_ms")
if export == "1":
    out["export_s"] = number((exported or {}).get("seconds"))
print(json.dumps(out))
PY
