#!/usr/bin/env bash
# Posted events (issue 15) on the demo store, on loopback, the storefront load from wrk as in
# bench/load.sh and the events from EventsBenchmark (src/test/java/org/partrec/bench):
#   bench/events.sh [duration_s=10] [connections=4] [storefront_connections=16]
#   1. effect: customer after customer, GET /recommendations, POST /events with a purchase of the
#      answer's first part, GET again until that part is gone; the time from the POST's start to
#      that answer, alone and then under the storefront load (wrk, storefront_connections over a mix
#      of the four paths of load.sh, saturating)
#   2. ingestion: batches of 100 new events at full rate, one connection and `connections`, for
#      duration_s each; the same batches with a bad last event (read whole, refused, nothing
#      stored) for the ceiling of the client and of reading JSON; then ingestion at EVENTS_RATE
#      (5,000 events a second, the target's, from `connections` on a fixed schedule) while
#      liveness and each storefront path are loaded in turn for duration_s (wrk,
#      storefront_connections), each path's rate against liveness's measured during the same
#      ingestion (the ratio is the figure, as in load.sh); then the same ingestion for duration_s
#      while the mix of the four paths is saturated, and again while it is paced at half the rate
#      it reached (each connection pausing between requests, as load.sh paces its paths)
#   3. crash: events posted at full rate from `connections`, every fifth batch with 10 ids sent
#      again and 5 ids twice, the JVM killed (kill -9) EVENTS_CRASH_S seconds (default 5) after the
#      first batch was acknowledged, the service restarted on the same data folder (no training at
#      start-up: it serves the stored model) and one event posted to it, so that it opens the
#      warehouse and replays its log, then stopped; then the warehouse file is read: every
#      acknowledged id there once, none twice?
#   4. store: DuckDbWarehouse.store alone, in the client's process (no HTTP, no service), 300
#      batches of 100 into a new file: each batch's time and the CPU time a batch takes
# The last line is one JSON object: effect_p50_ms, effect_p99_ms (under load), effect_idle_p99_ms,
# effect_post_p99_ms, background_rps; ingest_events_per_s, ingest_p99_ms (during the storefront
# measurement), ingest_alone_*, ingest_1conn_*, client_ceiling_events_per_s; liveness_rps (during
# ingestion), liveness_idle_rps, <path>_ratio for recommendations, filtered, similar, basket, and
# paths_min_ratio; ingest_mix_p99_ms and mix_rps (the mix saturated), ingest_half_p99_ms,
# mix_half_target_rps, mix_half_rps and mix_half_p99_ms (the mix paced at half); acked, stored, duplicates, lost, stored_not_acked, in_flight, crash_repeated,
# restart_s; store_alone_*; *_cpu_ms_per_batch, the service's CPU time a batch (all threads).
# Settings: EVENTS_USERS customers in the effect test (default 300 each), EVENTS_RATE events a
# second posted while the paths are measured (default 5,000: the target's), EVENTS_CRASH_S,
# EVENTS_WARMUP_ROUNDS rounds of 5 s on liveness and each path, and 5 s of ingestion (default 2),
# EVENTS_PHASES (default "effect ingest crash store") the phases to run, the others' figures null,
# EVENTS_SERVICE_ARGS the service's extra arguments, EVENTS_JSON=<file> also writes the last line there, EVENTS_DIR=<folder> works there and keeps
# it (the service's log, its data folder, the acknowledged ids).
# Installs wrk from Debian's packages if it is missing; builds the jar and the test classes if needed.
set -euo pipefail
[ -z "${EVENTS_JSON:-}" ] || EVENTS_JSON=$(realpath -m "$EVENTS_JSON")
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-4}
STOREFRONT=${3:-16}
USERS=${EVENTS_USERS:-300}
RATE=${EVENTS_RATE:-5000} # events a second posted while the storefront paths are measured (the target's)
CUSTOMERS=30000 # the demo's, configs/dev.yaml
API=48080
OPS=48081
WORK=${EVENTS_DIR:-$(mktemp -d)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
stop() { # kill -TERM, or the signal given; waits for the JVM to end
  local pid
  pid=$(cat "$WORK/pid" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "-${1:-TERM}" "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$WORK/pid"
}
trap 'stop; [ -n "${EVENTS_DIR:-}" ] || rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { sudo -n true 2>/dev/null && SUDO=sudo || SUDO=; $SUDO apt-get install -y wrk >/dev/null; }
[ -f target/partrec.jar ] && [ -z "$(find src/main sql pom.xml -newer target/partrec.jar -print -quit)" ] \
  || ./mvnw -q -B package -DskipTests # again when the code is newer than the jar
DRIVER=src/test/java/org/partrec/bench/EventsBenchmark.java
[ target/test-classes/org/partrec/bench/EventsBenchmark.class -nt "$DRIVER" ] || ./mvnw -q -B test-compile
JAR=$PWD/target/partrec.jar
rm -rf "$WORK/app"
java -Djarmode=tools -jar "$JAR" extract --destination "$WORK/app" > /dev/null # its lib/: Jackson, DuckDB
driver() { java -cp "$PWD/target/test-classes:$WORK/app/partrec.jar:$WORK/app/lib/*" org.partrec.bench.EventsBenchmark "$@" | tail -n 1; }

start() { # log service-arguments...: the service on the demo store, its data in $WORK/run
  local log=$1
  shift
  mkdir -p "$WORK/run"
  (cd "$WORK/run" && exec java --add-modules jdk.incubator.vector -jar "$JAR" --server.port=$API \
    --management.server.port=$OPS "$@" > "$log" 2>&1) &
  echo $! > "$WORK/pid"
  disown # killed on purpose: no notice from the shell
}
serving() { curl -sf "localhost:$OPS/actuator/model" 2>/dev/null | grep -q '"serving":{[^}]*"source":"model"'; }

rm -rf "$WORK/run" # a fresh data folder: the demo store is generated and a model trained
start "$WORK/server.log" ${EVENTS_SERVICE_ARGS:-} # extra service arguments, e.g. --partrec.api.max-concurrent=1000
for _ in $(seq 1 300); do # the model, then its batch export (which writes to the same warehouse)
  curl -sf "localhost:$OPS/actuator/retrain" 2>/dev/null | grep -q '"export":{"status":"exported"' && break
  kill -0 "$(cat "$WORK/pid")" 2>/dev/null || { echo "the service stopped:"; tail -20 "$WORK/server.log"; exit 1; }
  sleep 1
done
serving || { echo "no model after 300 s"; tail -20 "$WORK/server.log"; exit 1; }

# real ids, as load.sh takes them: the demo store's parts (the same seed and sizes as configs/dev.yaml)
java -jar "$JAR" demo-data --out "$WORK/demo" > /dev/null
awk -F, 'NR > 1 && !seen[$2]++ {print $2}' "$WORK/demo/events.csv" | head -n 5000 > "$WORK/items.txt" || true
ITEMS=$WORK/items.txt

# load.sh's four paths, and a mix of them for the load under which effects are timed
cat > "$WORK/ids.lua" <<LUA
local items = {}
for line in io.lines("$ITEMS") do items[#items + 1] = line end
math.randomseed(42)
function pick() return items[math.random(#items)] end
function user() return string.format("/recommendations/C%07d?limit=10", math.random(0, $CUSTOMERS - 1)) end
function basket()
  return wrk.format("POST", "/recommendations?limit=10", {["Content-Type"] = "application/json"},
    '{"items": ["' .. pick() .. '", "' .. pick() .. '", "' .. pick() .. '"]}')
end
LUA
lua() { { echo "dofile(\"$WORK/ids.lua\")"; echo "request = function() $2 end"; } > "$WORK/$1.lua"; }
lua user 'return wrk.format("GET", user())'
lua filtered 'return wrk.format("GET", user() .. "&fits=GM%20LS")'
lua similar 'return wrk.format("GET", "/similar/" .. pick() .. "?limit=10")'
lua basket 'return basket()'
lua mix 'local k = math.random(4)
  if k == 1 then return wrk.format("GET", user()) end
  if k == 2 then return wrk.format("GET", user() .. "&fits=GM%20LS") end
  if k == 3 then return wrk.format("GET", "/similar/" .. pick() .. "?limit=10") end
  return basket()'
PATHS=("GET /recommendations|recommendations|user" "GET /recommendations?fits=|filtered|filtered"
  "GET /similar|similar|similar" "POST /recommendations|basket|basket")
LIVENESS=http://localhost:$OPS/actuator/health/liveness
rps() { awk '/Requests\/sec/ {print $2}'; }
errors() { awk '/Non-2xx|Socket errors/ {s = s $0 "; "} END {print (s == "" ? "0" : s)}'; }

for r in $(seq 1 "${EVENTS_WARMUP_ROUNDS:-2}"); do # the JIT on every path and on the events' path
  wrk -t2 -c16 -d5s "$LIVENESS" > /dev/null
  for spec in "${PATHS[@]}"; do wrk -t2 -c16 -d5s -s "$WORK/${spec##*|}.lua" "http://localhost:$API" > /dev/null; done
  driver ingest $API "$CONNECTIONS" 5 "warm$r" "$ITEMS" $CUSTOMERS > /dev/null
done

HZ=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$(cat "$WORK/pid")/stat"; }
cpu_per_batch() { # ticks-before driver-json -> the service's CPU milliseconds a batch
  python3 -c 'import json, sys; b = json.loads(sys.argv[3])["batches"]; print(round((int(sys.argv[2]) - int(sys.argv[1])) * 1000 / int(sys.argv[4]) / b, 2) if b else "null")' \
    "$1" "$(cpu_ticks)" "$2" "$HZ"
}
EFFECT_IDLE={} EFFECT={} BG_RPS=null CEILING={} ONE={} ALONE={} DURING={} IDLE_RPS=null LIVE_RPS=null CRASH={} COUNT={}
RESTART_S=null PROBE={} STORE={} ONE_CPU=null ALONE_CPU=null MIXFULL={} MIX_RPS=null HALF={} HALF_RPS=null HALF_TARGET=null
HALF_P99=
: > "$WORK/paths.tsv"
PHASES=" ${EVENTS_PHASES:-effect ingest crash store} "

if [[ $PHASES == *" effect "* ]]; then # 1. event to effect
  EFFECT_IDLE=$(driver effect $API "$USERS" 0 $CUSTOMERS)
  echo "effect, alone:                   $EFFECT_IDLE"
  wrk -t2 -c"$STOREFRONT" -d3600s --latency -s "$WORK/mix.lua" "http://localhost:$API" > "$WORK/background.txt" 2>&1 &
  BG=$!
  sleep 2
  EFFECT=$(driver effect $API "$USERS" "$USERS" $CUSTOMERS)
  kill -INT $BG
  wait $BG || true
  BG_RPS=$(rps < "$WORK/background.txt")
  echo "effect, under $STOREFRONT connections of the four paths ($BG_RPS req/s, errors: $(errors < "$WORK/background.txt")):"
  echo "                                 $EFFECT"
fi

if [[ $PHASES == *" ingest "* ]]; then # 2. ingestion
  CEILING=$(driver ingest $API "$CONNECTIONS" "$DURATION" refused "$ITEMS" $CUSTOMERS reject)
  echo "batches refused, read whole:     $CEILING"
  t=$(cpu_ticks)
  ONE=$(driver ingest $API 1 "$DURATION" one "$ITEMS" $CUSTOMERS)
  ONE_CPU=$(cpu_per_batch "$t" "$ONE")
  echo "ingestion, 1 connection:         $ONE, service CPU $ONE_CPU ms a batch"
  t=$(cpu_ticks)
  ALONE=$(driver ingest $API "$CONNECTIONS" "$DURATION" alone "$ITEMS" $CUSTOMERS)
  ALONE_CPU=$(cpu_per_batch "$t" "$ALONE")
  echo "ingestion, $CONNECTIONS connections:         $ALONE, service CPU $ALONE_CPU ms a batch"
  IDLE_RPS=$(wrk -t2 -c"$STOREFRONT" -d"${DURATION}s" "$LIVENESS" | rps)
  echo "liveness without ingestion:      $IDLE_RPS req/s"
  # the target's load: EVENTS_RATE events a second (5,000), while each path is saturated in turn
  driver ingest $API "$CONNECTIONS" $(( 5 * DURATION + 1 )) during "$ITEMS" $CUSTOMERS "rate=$RATE" \
    > "$WORK/during.json" &
  ING=$!
  sleep 1
  out=$(wrk -t2 -c"$STOREFRONT" -d"${DURATION}s" "$LIVENESS")
  LIVE_RPS=$(rps <<< "$out")
  printf "during ingestion: %-26s %10s req/s  1.00  errors %s\n" liveness "$LIVE_RPS" "$(errors <<< "$out")"
  for spec in "${PATHS[@]}"; do
    IFS='|' read -r name key script <<< "$spec"
    out=$(wrk -t2 -c"$STOREFRONT" -d"${DURATION}s" -s "$WORK/$script.lua" "http://localhost:$API")
    r=$(rps <<< "$out")
    printf "during ingestion: %-26s %10s req/s  %.2f  errors %s\n" "$name" "$r" "$(echo "$r / $LIVE_RPS" | bc -l)" \
      "$(errors <<< "$out")"
    printf '%s\t%s\n' "$key" "$r" >> "$WORK/paths.tsv"
  done
  wait $ING
  DURING=$(tail -n 1 "$WORK/during.json")
  echo "ingestion at $RATE events/s, $CONNECTIONS connections, meanwhile: $DURING"
  # the same ingestion while the storefront is loaded as a service is run: the mix of the four paths
  # paced at half the rate it reaches saturated (during ingestion too), as load.sh paces its paths
  alongside() { # tag script: ingestion at RATE (its line in $WORK/<tag>.json) beside wrk running script (in $out)
    driver ingest $API "$CONNECTIONS" $(( DURATION + 2 )) "$1" "$ITEMS" $CUSTOMERS "rate=$RATE" > "$WORK/$1.json" &
    local ing=$!
    sleep 1
    out=$(wrk -t2 -c"$STOREFRONT" -d"${DURATION}s" --latency -s "$2" "http://localhost:$API")
    wait $ing
  }
  alongside mixfull "$WORK/mix.lua"
  MIX_RPS=$(rps <<< "$out")
  MIX_P50_MS=$(awk '$1 == "50%" {v = $2; if (v ~ /us$/) print v / 1000; else if (v ~ /ms$/) print v + 0; else print v * 1000}' <<< "$out")
  MIXFULL=$(tail -n 1 "$WORK/mixfull.json")
  echo "ingestion while the mix is saturated ($MIX_RPS req/s): $MIXFULL"
  HALF_TARGET=$(echo "$MIX_RPS / 2" | bc -l)
  delay_ms=$(echo "d = 1000 * $STOREFRONT / $HALF_TARGET - $MIX_P50_MS; if (d < 0) 0 else d" | bc -l)
  # wrk takes whole milliseconds from delay(): a fraction is kept on average by rounding up at random
  half() {
    { cat "$WORK/mix.lua"; echo "local pause = $1"
      echo "function delay() local f = math.floor(pause) if math.random() < pause - f then return f + 1 end return f end"
    } > "$WORK/mixhalf.lua"
    alongside mixhalf "$WORK/mixhalf.lua"
  }
  half "$delay_ms"
  HALF_RPS=$(rps <<< "$out")
  # the latency at half rate is below the saturated one the pause was set from: one correction by
  # the period measured, when the rate is more than 10% off (as load.sh paces its paths)
  if [ "$(echo "$HALF_RPS > 1.1 * $HALF_TARGET || $HALF_RPS < 0.9 * $HALF_TARGET" | bc -l)" = 1 ]; then
    delay_ms=$(echo "d = $delay_ms + 1000 * $STOREFRONT / $HALF_TARGET - 1000 * $STOREFRONT / $HALF_RPS; if (d < 0) 0 else d" | bc -l)
    half "$delay_ms"
    HALF_RPS=$(rps <<< "$out")
  fi
  HALF_P99=$(awk '$1 == "99%" {print $2}' <<< "$out")
  HALF=$(tail -n 1 "$WORK/mixhalf.json")
  printf "ingestion while the mix is paced at half that (%.0f req/s asked, %s answered, p99 %s): %s\n" \
    "$HALF_TARGET" "$HALF_RPS" "$HALF_P99" "$HALF"
fi

if [[ $PHASES == *" crash "* ]]; then # 3. kill -9 while events are posted at full rate, restart, count
  driver crash $API "$CONNECTIONS" 600 crash "$ITEMS" $CUSTOMERS "$WORK/acked.txt" > "$WORK/crash.json" &
  CRASHER=$!
  for _ in $(seq 1 600); do [ -f "$WORK/acked.txt.started" ] && break; sleep 0.1; done # a first batch taken
  sleep "${EVENTS_CRASH_S:-5}"
  stop KILL
  wait $CRASHER
  CRASH=$(tail -n 1 "$WORK/crash.json")
  echo "posted until kill -9:            $CRASH"
  T0=$(date +%s.%N)
  start "$WORK/restart.log" --partrec.training.at-startup=false
  for _ in $(seq 1 1200); do
    serving && break
    kill -0 "$(cat "$WORK/pid")" 2>/dev/null || { echo "the restarted service stopped:"; tail -20 "$WORK/restart.log"; exit 1; }
    sleep 0.1
  done
  serving || { echo "the restarted service does not serve after 120 s"; exit 1; }
  RESTART_S=$(echo "$(date +%s.%N) - $T0" | bc -l)
  # one event, so that the restarted service opens the warehouse (and replays its log) itself
  PROBE=$(curl -sf -XPOST "localhost:$API/events" -H 'Content-Type: application/json' -d "{\"events\": [{\"eventId\":
    \"after-restart\", \"userId\": \"C0000000\", \"itemId\": \"$(head -n 1 "$ITEMS")\", \"type\": \"view\",
    \"timestamp\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}]}" || echo "{}")
  printf "restarted, serving after %.1f s; one event posted: %s\n" "$RESTART_S" "$PROBE"
  stop
  COUNT=$(driver count "$WORK/run/data/warehouse.duckdb" "$WORK/acked.txt" crash-)
  echo "the warehouse after the restart: $COUNT"
fi
stop

if [[ $PHASES == *" store "* ]]; then # DuckDbWarehouse.store alone, in the driver's process, no HTTP
  STORE=$(driver store "$WORK/store.duckdb" 300 "$ITEMS" $CUSTOMERS)
  echo "DuckDbWarehouse.store alone:     $STORE"
fi

python3 - "$EFFECT_IDLE" "$EFFECT" "$BG_RPS" "$CEILING" "$ONE" "$ALONE" "$DURING" "$IDLE_RPS" "$LIVE_RPS" \
  "$WORK/paths.tsv" "$CRASH" "$COUNT" "$RESTART_S" "$PROBE" "$STORE" "$ONE_CPU" "$ALONE_CPU" \
  "$MIXFULL" "$MIX_RPS" "$HALF" "$HALF_RPS" "$HALF_TARGET" "$HALF_P99" <<'PY' | tee "${EVENTS_JSON:-/dev/null}"
import json, sys
a = sys.argv[1:]
idle, effect, bg, ceiling, one, alone, during, idle_rps, live = [json.loads(x) for x in a[:9]]
ratios = {}
for line in open(a[9]):
    key, rps = line.split("\t")
    ratios[key + "_ratio"] = round(float(rps) / live, 3)
crash, count, restart_s, probe, store, one_cpu, alone_cpu = [json.loads(x) for x in a[10:17]]
mixfull, mix_rps, half, half_rps, half_target = [json.loads(x) for x in a[17:22]]

def ms(latency):  # wrk's latency with its unit -> milliseconds
    import re
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", latency.strip())
    return round(float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[m.group(2)], 3) if m else None
out = {
    "effect_p50_ms": effect.get("effect_p50_ms"), "effect_p99_ms": effect.get("effect_p99_ms"),
    "effect_max_ms": effect.get("effect_max_ms"), "effect_users": effect.get("users"),
    "effect_not_gone": effect.get("not_gone_in_10s", 0) + effect.get("errors", 0) if effect else None,
    "effect_post_p99_ms": effect.get("post_p99_ms"), "background_rps": bg,
    "effect_idle_p50_ms": idle.get("effect_p50_ms"), "effect_idle_p99_ms": idle.get("effect_p99_ms"),
    "ingest_events_per_s": during.get("events_per_s"), "ingest_p50_ms": during.get("p50_ms"),
    "ingest_p99_ms": during.get("p99_ms"), "ingest_batches": during.get("batches"),
    "ingest_errors": during.get("errors"), "ingest_connections": during.get("connections"),
    "ingest_mix_events_per_s": mixfull.get("events_per_s"), "ingest_mix_p99_ms": mixfull.get("p99_ms"),
    "mix_rps": mix_rps, "ingest_half_events_per_s": half.get("events_per_s"), "ingest_half_p50_ms": half.get("p50_ms"),
    "ingest_half_p99_ms": half.get("p99_ms"), "mix_half_target_rps": round(half_target) if half_target else None,
    "mix_half_rps": half_rps, "mix_half_p99_ms": ms(a[22]),
    "ingest_alone_events_per_s": alone.get("events_per_s"), "ingest_alone_p50_ms": alone.get("p50_ms"),
    "ingest_alone_p99_ms": alone.get("p99_ms"), "ingest_alone_cpu_ms_per_batch": alone_cpu,
    "ingest_1conn_events_per_s": one.get("events_per_s"), "ingest_1conn_p50_ms": one.get("p50_ms"),
    "ingest_1conn_p99_ms": one.get("p99_ms"), "ingest_1conn_cpu_ms_per_batch": one_cpu,
    "client_ceiling_events_per_s": ceiling.get("refused_events_per_s"), "client_ceiling_p99_ms": ceiling.get("p99_ms"),
    "store_alone_events_per_s": store.get("events_per_s"), "store_alone_p50_ms": store.get("p50_ms"),
    "store_alone_p99_ms": store.get("p99_ms"), "store_alone_cpu_ms_per_batch": store.get("cpu_ms_per_batch"),
    "liveness_rps": live, "liveness_idle_rps": idle_rps, **ratios,
    "paths_min_ratio": min(ratios.values()) if ratios else None,
    "acked": count.get("acked"), "stored": count.get("stored"), "duplicates": count.get("duplicates"),
    "lost": count.get("lost"), "stored_not_acked": count.get("stored_not_acked"), "in_flight": crash.get("in_flight"),
    "crash_repeated": crash.get("repeated"), "crash_posting_s": crash.get("seconds"),
    "restart_s": round(restart_s, 2) if restart_s is not None else None, "restart_event_added": probe.get("added"),
}
print(json.dumps(out))
PY
