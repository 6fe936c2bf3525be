#!/usr/bin/env bash
# Load benchmark of the storefront API on loopback, against the same server's liveness endpoint
# as the baseline (measured in the same run: the machines are noisy, so the ratio is the figure).
#   bench/load.sh [duration_s=10] [connections="4 16 64"] [paced_connections=16]
# After the saturation table, each API endpoint runs again paced at about half the rate it reached with
# paced_connections (each connection waits between requests, through wrk's delay()), for the
# latency at half load.
# Installs wrk from Debian's packages if it is missing; builds the jar if needed; starts the
# service on the demo store, waits for a trained model, then loads each endpoint with real ids.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-"4 16 64"}
PACED=${3:-16}
API=18080
OPS=18081
WORK=$(mktemp -d)
trap 'kill $(cat "$WORK/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT

command -v wrk >/dev/null || { sudo -n true 2>/dev/null && SUDO=sudo || SUDO=; $SUDO apt-get install -y wrk >/dev/null; }
[ -f target/partrec.jar ] || ./mvnw -q -B package -DskipTests

java --add-modules jdk.incubator.vector -jar target/partrec.jar --server.port=$API --management.server.port=$OPS \
  > "$WORK/server.log" 2>&1 &
echo $! > "$WORK/pid"
for _ in $(seq 1 120); do
  curl -sf "localhost:$OPS/actuator/model" 2>/dev/null | grep -q '"source":"model"' && break
  sleep 1
done
curl -sf "localhost:$OPS/actuator/model" | grep -q '"source":"model"' || { echo "no model after 120 s"; exit 1; }

# real ids: the demo store's customers and parts (the same seed and sizes as configs/dev.yaml)
java -jar target/partrec.jar demo-data --out "$WORK/demo" > /dev/null
awk -F, 'NR > 1 && !seen[$2]++ {print $2}' "$WORK/demo/events.csv" | head -n 5000 > "$WORK/items.txt" || true
cat > "$WORK/ids.lua" <<LUA
local items = {}
for line in io.lines("$WORK/items.txt") do items[#items + 1] = line end
math.randomseed(42)
function pick() return items[math.random(#items)] end
LUA
cat > "$WORK/user.lua" <<LUA
dofile("$WORK/ids.lua")
request = function() return wrk.format("GET", string.format("/recommendations/C%07d?limit=10", math.random(0, 29999))) end
LUA
cat > "$WORK/filtered.lua" <<LUA
dofile("$WORK/ids.lua")
request = function() return wrk.format("GET", string.format("/recommendations/C%07d?limit=10&fits=GM%%20LS", math.random(0, 29999))) end
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

run() { # name url script connections -> "rps p50 p99 errors"
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

# warm the JIT on every path first; these figures are thrown away
run warm "http://localhost:$OPS/actuator/health/liveness" "" 16 > /dev/null
for script in "$WORK/user.lua" "$WORK/filtered.lua" "$WORK/similar.lua" "$WORK/basket.lua"; do
  wrk -t2 -c16 -d5s -s "$script" "http://localhost:$API" > /dev/null
done

printf "%-26s %5s %10s %9s %9s %7s  %s\n" endpoint conns "req/s" p50 p99 ratio errors
for c in $CONNECTIONS; do
  base=$(run liveness "http://localhost:$OPS/actuator/health/liveness" "" "$c")
  base_rps=${base%%|*}
  IFS='|' read -r r p50 p99 e <<< "$base"
  printf "%-26s %5s %10s %9s %9s %7s  %s\n" "liveness (baseline)" "$c" "$r" "$p50" "$p99" "1.00" "$e"
  for spec in "GET /recommendations|$WORK/user.lua" "GET /recommendations?fits=|$WORK/filtered.lua" \
      "GET /similar|$WORK/similar.lua" "POST /recommendations|$WORK/basket.lua"; do
    name=${spec%%|*}
    script=${spec##*|}
    IFS='|' read -r r p50 p99 e <<< "$(run "$name" "http://localhost:$API" "$script" "$c")"
    printf "%-26s %5s %10s %9s %9s %7.2f  %s\n" "$name" "$c" "$r" "$p50" "$p99" "$(echo "$r / $base_rps" | bc -l)" "$e"
  done
done

# latency at half the saturated rate: the same scripts, each connection pausing between requests
printf "\n%-26s %5s %10s %10s %9s %9s  %s\n" "paced at half rate" conns "target/s" "req/s" p50 p99 errors
for spec in "GET /recommendations|$WORK/user.lua" "GET /recommendations?fits=|$WORK/filtered.lua" \
    "GET /similar|$WORK/similar.lua" "POST /recommendations|$WORK/basket.lua"; do
  name=${spec%%|*}
  script=${spec##*|}
  full=$(run "$name" "http://localhost:$API" "$script" "$PACED")
  target=$(echo "${full%%|*} / 2" | bc -l)
  # a connection sends, waits for the answer, then pauses: the pause is the period less the latency
  IFS='|' read -r _ full_p50 _ _ <<< "$full"
  p50_ms=$(echo "$full_p50" | awk '/us$/ {print $1 / 1000; next} /ms$/ {print $1 + 0; next} {print $1 * 1000}')
  delay_ms=$(echo "d = 1000 * $PACED / $target - $p50_ms; if (d < 0) 0 else d" | bc -l)
  { cat "$script"; echo "function delay() return $delay_ms end"; } > "$WORK/paced.lua"
  IFS='|' read -r r p50 p99 e <<< "$(run "$name" "http://localhost:$API" "$WORK/paced.lua" "$PACED")"
  printf "%-26s %5s %10.0f %10s %9s %9s  %s\n" "$name" "$PACED" "$target" "$r" "$p50" "$p99" "$e"
done
