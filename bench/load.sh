#!/usr/bin/env bash
# Load benchmark of the storefront API on loopback, against the same server's liveness endpoint
# as the baseline (measured in the same run: the machines are noisy, so the ratio is the figure).
#   bench/load.sh [duration_s=10] [connections="4 16 64"] [paced_connections=16]
# After the saturation table, each API endpoint runs again paced at about half the rate it reached with
# paced_connections (each connection waits between requests, through wrk's delay()), for the
# latency at half load.
# Installs wrk from Debian's packages if it is missing; builds the jar if needed; starts the
# service on the demo store, waits for a trained model, then loads each endpoint with real ids.
# Against a service already running (bench/scale.sh does this), set its ports and ids instead:
#   LOAD_API=<port> [LOAD_OPS=<management port>, default LOAD_API]: start nothing, load that service
#   LOAD_USERS=<count>      customers C0000000 .. C<count - 1> (%07d); the demo's 30000 by default
#   LOAD_ITEMS=<file>       part ids, one a line (required with LOAD_API; the demo's otherwise)
#   LOAD_FILTER=<query>     the filtered path's query string (default fits=GM%20LS), or
#   LOAD_FILTERS=<file>     query strings, one a line, one picked at random for each request
#   LOAD_WARMUP_ROUNDS=<n>  rounds of 5 s on liveness and on each path before measuring (default 2)
#   LOAD_JSON=<file>        also write the figures there as one JSON object: liveness and each path
#                           (recommendations, filtered, similar, basket) by connection count (rps,
#                           p50_ms, p99_ms, errors; ratio to liveness for the paths), and each path's
#                           paced run (connections, target_rps, rps, p50_ms, p99_ms, errors)
set -euo pipefail
for v in LOAD_ITEMS LOAD_FILTERS LOAD_JSON; do # files named from the caller's folder
  [ -z "${!v:-}" ] || printf -v "$v" '%s' "$(realpath -m "${!v}")"
done
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-"4 16 64"}
PACED=${3:-16}
WORK=$(mktemp -d)
trap 'kill $(cat "$WORK/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { sudo -n true 2>/dev/null && SUDO=sudo || SUDO=; $SUDO apt-get install -y wrk >/dev/null; }

if [ -n "${LOAD_API:-}${LOAD_OPS:-}" ]; then # a service already running: load it as it is
  API=${LOAD_API:?LOAD_API (the API port) is needed with LOAD_OPS}
  OPS=${LOAD_OPS:-$API}
  : "${LOAD_ITEMS:?LOAD_ITEMS (a file of part ids) is needed with LOAD_API}"
  curl -sf "localhost:$OPS/actuator/health/liveness" > /dev/null || { echo "nothing live on localhost:$OPS"; exit 1; }
else
  API=18080
  OPS=18081
  [ -f target/partrec.jar ] && [ -z "$(find src/main sql pom.xml -newer target/partrec.jar -print -quit)" ] \
  || ./mvnw -q -B package -DskipTests # again when the code is newer than the jar

  java --add-modules jdk.incubator.vector -jar target/partrec.jar --server.port=$API --management.server.port=$OPS \
    > "$WORK/server.log" 2>&1 &
  echo $! > "$WORK/pid"
  for _ in $(seq 1 120); do
    curl -sf "localhost:$OPS/actuator/model" 2>/dev/null | grep -q '"source":"model"' && break
    sleep 1
  done
  curl -sf "localhost:$OPS/actuator/model" | grep -q '"source":"model"' || { echo "no model after 120 s"; exit 1; }

  # real ids: the demo store's customers and parts (the same seed and sizes as configs/dev.yaml)
  if [ -z "${LOAD_ITEMS:-}" ]; then
    java -jar target/partrec.jar demo-data --out "$WORK/demo" > /dev/null
    awk -F, 'NR > 1 && !seen[$2]++ {print $2}' "$WORK/demo/events.csv" | head -n 5000 > "$WORK/items.txt" || true
    LOAD_ITEMS=$WORK/items.txt
  fi
fi
USERS=${LOAD_USERS:-30000}
if [ -n "${LOAD_FILTERS:-}" ]; then
  grep -v '^[[:space:]]*$' "$LOAD_FILTERS" > "$WORK/filters.txt" || { echo "no query strings in $LOAD_FILTERS"; exit 1; }
else
  echo "${LOAD_FILTER:-fits=GM%20LS}" > "$WORK/filters.txt"
fi
# the filtered path's name: the first query string's keys ("GET /recommendations?fits=" for the demo)
FILTERED="GET /recommendations?$(head -n 1 "$WORK/filters.txt" | sed -E 's/=[^&]*/=/g')"
W=$(( ${#FILTERED} > 26 ? ${#FILTERED} : 26 ))

cat > "$WORK/ids.lua" <<LUA
local items = {}
for line in io.lines("$LOAD_ITEMS") do items[#items + 1] = line end
local filters = {}
for line in io.lines("$WORK/filters.txt") do filters[#filters + 1] = line end
math.randomseed(42)
function pick() return items[math.random(#items)] end
function filter() if #filters == 1 then return filters[1] end return filters[math.random(#filters)] end
LUA
cat > "$WORK/user.lua" <<LUA
dofile("$WORK/ids.lua")
request = function() return wrk.format("GET", string.format("/recommendations/C%07d?limit=10", math.random(0, $USERS - 1))) end
LUA
cat > "$WORK/filtered.lua" <<LUA
dofile("$WORK/ids.lua")
request = function()
  return wrk.format("GET", string.format("/recommendations/C%07d?limit=10&", math.random(0, $USERS - 1)) .. filter())
end
LUA
cat > "$WORK/similar.lua" <<LUA
dofile("$WORK/ids.lua")
request = function() return wrk.format("GET", "/similar/" .. pick() .. "?limit=10") end
LUA
cat > "$WORK/basket.lua" <<LUA
dofile("$WORK/ids.lua")
request = function()
  return wrk.format("POST", "/recommendations?limit=10", {["Content-Type"] = "application/json"},
    '{"items": ["' .. pick() .. '", "' .. pick() .. '", "' .. pick() .. '"]}')
end
LUA
# the API paths: table name | JSON key | script
PATHS=("GET /recommendations|recommendations|$WORK/user.lua" "$FILTERED|filtered|$WORK/filtered.lua"
  "GET /similar|similar|$WORK/similar.lua" "POST /recommendations|basket|$WORK/basket.lua")

run() { # name url script connections -> "rps|p50|p99|errors"
  local out
  if [ -n "$3" ]; then
    out=$(wrk -t2 -c"$4" -d"${DURATION}s" --latency -s "$3" "$2" 2>&1)
  else
    out=$(wrk -t2 -c"$4" -d"${DURATION}s" --latency "$2")
  fi
  local rps p50 p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {s = s $0 "; "} END {print (s == "" ? "0" : s)}')
  echo "$rps|$p50|$p99|$errors"
}
: > "$WORK/figures.tsv" # kind, path, connections, rps, p50, p99, target rate, errors: for LOAD_JSON
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$WORK/figures.tsv"; }

# warm the JIT on every path first, LOAD_WARMUP_ROUNDS times (default 2) 5 s each; these figures are
# thrown away. At the scale model one round is not enough: C2 still compiles for tens of seconds
# after it, on one of the two cores, and the paths measured first would look faster than the rest.
for _ in $(seq 1 "${LOAD_WARMUP_ROUNDS:-2}"); do
  wrk -t2 -c16 -d5s "http://localhost:$OPS/actuator/health/liveness" > /dev/null
  for spec in "${PATHS[@]}"; do
    wrk -t2 -c16 -d5s -s "${spec##*|}" "http://localhost:$API" > /dev/null
  done
done

printf "%-${W}s %5s %10s %9s %9s %7s  %s\n" endpoint conns "req/s" p50 p99 ratio errors
for c in $CONNECTIONS; do
  base=$(run liveness "http://localhost:$OPS/actuator/health/liveness" "" "$c")
  base_rps=${base%%|*}
  IFS='|' read -r r p50 p99 e <<< "$base"
  printf "%-${W}s %5s %10s %9s %9s %7s  %s\n" "liveness (baseline)" "$c" "$r" "$p50" "$p99" "1.00" "$e"
  record saturated liveness "$c" "$r" "$p50" "$p99" "" "$e"
  for spec in "${PATHS[@]}"; do
    IFS='|' read -r name key script <<< "$spec"
    IFS='|' read -r r p50 p99 e <<< "$(run "$name" "http://localhost:$API" "$script" "$c")"
    printf "%-${W}s %5s %10s %9s %9s %7.2f  %s\n" "$name" "$c" "$r" "$p50" "$p99" "$(echo "$r / $base_rps" | bc -l)" "$e"
    record saturated "$key" "$c" "$r" "$p50" "$p99" "" "$e"
  done
done

# latency at half the saturated rate: the same scripts, each connection pausing between requests
printf "\n%-${W}s %5s %10s %10s %9s %9s  %s\n" "paced at half rate" conns "target/s" "req/s" p50 p99 errors
for spec in "${PATHS[@]}"; do
  IFS='|' read -r name key script <<< "$spec"
  full=$(run "$name" "http://localhost:$API" "$script" "$PACED")
  target=$(echo "${full%%|*} / 2" | bc -l)
  # a connection sends, waits for the answer, then pauses: the pause is the period less the latency
  IFS='|' read -r _ full_p50 _ _ <<< "$full"
  p50_ms=$(echo "$full_p50" | awk '/us$/ {print $1 / 1000; next} /ms$/ {print $1 + 0; next} {print $1 * 1000}')
  delay_ms=$(echo "d = 1000 * $PACED / $target - $p50_ms; if (d < 0) 0 else d" | bc -l)
  # wrk takes whole milliseconds from delay(): a fraction is kept on average by rounding up at random
  paced() {
    { cat "$script"; echo "local pause = $1"
      echo "function delay() local f = math.floor(pause) if math.random() < pause - f then return f + 1 end return f end"
    } > "$WORK/paced.lua"
    run "$name" "http://localhost:$API" "$WORK/paced.lua" "$PACED"
  }
  IFS='|' read -r r p50 p99 e <<< "$(paced "$delay_ms")"
  # the latency at half rate is below the saturated one the pause was set from: one correction
  # by the period measured, when the rate is more than 10% off
  if [ "$(echo "$r > 1.1 * $target || $r < 0.9 * $target" | bc -l)" = 1 ]; then
    delay_ms=$(echo "d = $delay_ms + 1000 * $PACED / $target - 1000 * $PACED / $r; if (d < 0) 0 else d" | bc -l)
    IFS='|' read -r r p50 p99 e <<< "$(paced "$delay_ms")"
  fi
  printf "%-${W}s %5s %10.0f %10s %9s %9s  %s\n" "$name" "$PACED" "$target" "$r" "$p50" "$p99" "$e"
  record paced "$key" "$PACED" "$r" "$p50" "$p99" "$target" "$e"
done

if [ -n "${LOAD_JSON:-}" ]; then
  python3 - "$WORK/figures.tsv" "$DURATION" "$LOAD_JSON" <<'PY'
import json, re, sys

figures, duration, out = sys.argv[1:4]

def ms(latency):  # wrk's latency with its unit (us, ms, s, m) -> milliseconds
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m|h)", latency.strip())
    if not m:
        return None
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}[m.group(2)]
    return round(float(m.group(1)) * scale, 3)

def errors(text):  # wrk's non-2xx/3xx responses and socket errors, counted
    n = sum(int(x) for x in re.findall(r"responses: (\d+)", text))
    return n + sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", text))

result = {"duration_s": float(duration), "connections": [], "paced_connections": None,
          "liveness": {"by_connections": {}}}
live = {}
for line in open(figures):
    kind, path, conns, rps, p50, p99, target, errs = line.rstrip("\n").split("\t")
    f = {"rps": float(rps), "p50_ms": ms(p50), "p99_ms": ms(p99), "errors": errors(errs)}
    if kind == "saturated":
        if path == "liveness":
            live[conns] = f["rps"]
            result["connections"].append(int(conns))
        else:
            f["ratio"] = round(f["rps"] / live[conns], 3) if live.get(conns) else None
        result.setdefault(path, {"by_connections": {}})["by_connections"][conns] = f
    else:
        result["paced_connections"] = int(conns)
        f = {"connections": int(conns), "target_rps": round(float(target), 1), **f}
        result.setdefault(path, {"by_connections": {}})["paced"] = f
with open(out, "w") as o:
    json.dump(result, o)
    o.write("\n")
PY
fi
