#!/usr/bin/env bash
# What merchandising rules cost on GET /recommendations/{userId}: one server on the demo store with
# a rules file, the same load (wrk, random customers, limit=10) with no rule and with a few rules,
# switched by POST /actuator/rules in the same process and alternated round by round (none, rules,
# none, rules, ...), so that the ratio of the two is measured in the same run on the same JIT.
#   bench/rules.sh [duration_s=10] [connections=16] [rounds=4]
# The rules: exclude one brand, boost a brand (x1.5), bury parts out of stock (x0.5), promote a
# category to 20% of the slots, at most 3 of one brand per page (README "Merchandising rules");
# RULES_FILE=<yaml> measures those rules instead.
set -euo pipefail
[ -z "${RULES_FILE:-}" ] || RULES_FILE=$(realpath "$RULES_FILE")
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNECTIONS=${2:-16}
ROUNDS=${3:-4}
API=18090
OPS=18091
WORK=$(mktemp -d)
trap 'kill $(cat "$WORK/pid" 2>/dev/null) 2>/dev/null || true; rm -rf "$WORK"' EXIT
command -v wrk >/dev/null || { sudo -n true 2>/dev/null && SUDO=sudo || SUDO=; $SUDO apt-get install -y wrk >/dev/null; }
[ -f target/partrec.jar ] && [ -z "$(find src/main sql pom.xml -newer target/partrec.jar -print -quit)" ] \
  || ./mvnw -q -B package -DskipTests

cat > "$WORK/none.yaml" <<'YAML'
rules: []
YAML
cat > "$WORK/some.yaml" <<'YAML'
rules:
  - name: no-walbro
    action: exclude
    brand: Walbro
  - name: holley-up
    action: boost
    brand: Holley
    factor: 1.5
  - name: out-of-stock-down
    action: bury
    in-stock: false
    factor: 0.5
  - name: gauges-promoted
    action: promote
    category: gauges
    share: 0.2
  - name: three-a-brand
    action: cap
    per: brand
    max: 3
YAML
[ -z "${RULES_FILE:-}" ] || cp "$RULES_FILE" "$WORK/some.yaml"
cp "$WORK/none.yaml" "$WORK/rules.yaml"
java --add-modules jdk.incubator.vector -jar target/partrec.jar --server.port=$API --management.server.port=$OPS \
  --partrec.warehouse.path="$WORK/warehouse.duckdb" --partrec.models.path="$WORK/models" \
  --partrec.rules.file="$WORK/rules.yaml" --partrec.rules.check-every=0s > "$WORK/server.log" 2>&1 &
echo $! > "$WORK/pid"
for _ in $(seq 1 180); do
  curl -sf "localhost:$OPS/actuator/model" 2>/dev/null | grep -q '"source":"model"' && break
  sleep 1
done
curl -sf "localhost:$OPS/actuator/model" | grep -q '"source":"model"' || { echo "no model after 180 s"; exit 1; }
# then the first run's end and its lists ranked ahead: neither may share the cores with the load
for _ in $(seq 1 180); do
  curl -sf "localhost:$OPS/actuator/retrain" | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin).get("current") is not None)' \
    && curl -sf "localhost:$OPS/actuator/model" | grep -q '"perUser":[1-9]' && break
  sleep 1
done

cat > "$WORK/user.lua" <<'LUA'
math.randomseed(42)
request = function() return wrk.format("GET", string.format("/recommendations/C%07d?limit=10", math.random(0, 29999))) end
LUA
use() { # none | some: put those rules in force
  cp "$WORK/$1.yaml" "$WORK/rules.yaml"
  curl -sf -X POST "localhost:$OPS/actuator/rules" > /dev/null
}
run() { # -> "rps|p50|p99"
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/user.lua" "http://localhost:$API")
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}')|$(echo "$out" | awk '$1 == "50%" {print $2}')|$(echo "$out" | awk '$1 == "99%" {print $2}')"
}
ms() { echo "$1" | awk '/us$/ {print $1 / 1000; next} /ms$/ {print $1 + 0; next} {print $1 * 1000}'; }

for rules in none some none some none some; do # warm-up (the JIT), thrown away
  use $rules
  wrk -t2 -c"$CONNECTIONS" -d10s -s "$WORK/user.lua" "http://localhost:$API" > /dev/null
done
printf "%-6s %-6s %10s %9s %9s\n" round rules "req/s" p50_ms p99_ms
sum_none_rps=0; sum_some_rps=0; sum_none_p99=0; sum_some_p99=0
for round in $(seq 1 "$ROUNDS"); do
  for rules in none some; do
    use $rules
    IFS='|' read -r r p50 p99 <<< "$(run)"
    printf "%-6s %-6s %10s %9.2f %9.2f\n" "$round" "$rules" "$r" "$(ms "$p50")" "$(ms "$p99")"
    if [ $rules = none ]; then
      sum_none_rps=$(echo "$sum_none_rps + $r" | bc -l); sum_none_p99=$(echo "$sum_none_p99 + $(ms "$p99")" | bc -l)
    else
      sum_some_rps=$(echo "$sum_some_rps + $r" | bc -l); sum_some_p99=$(echo "$sum_some_p99 + $(ms "$p99")" | bc -l)
    fi
  done
done
printf "\nwith rules / without, mean of %s rounds: throughput %.2f, p99 %.2f\n" "$ROUNDS" \
  "$(echo "$sum_some_rps / $sum_none_rps" | bc -l)" "$(echo "$sum_some_p99 / $sum_none_p99" | bc -l)"
curl -sf "localhost:$OPS/actuator/rules" | python3 -c 'import json,sys; print("hits:", {r["name"]: r["hits"] for r in json.load(sys.stdin)["rules"]})'
