#!/usr/bin/env bash
# The OpenAPI document as a client sees it. Fetches /v3/api-docs from a running server, lints it
# with Redocly's recommended rules, generates a Python client from it with openapi-generator and
# calls every operation through that client, errors included (bench/openapi_client_check.py):
# each answer must deserialise into the model the document names for its status.
#   bench/openapi-client.sh              starts the packaged jar twice on free ports: the demo service
#                                        (a small store, trained at start-up) and a serving-only one
#                                        with an empty model store (503 before the first model)
#   bench/openapi-client.sh URL [COLD]   uses running servers instead (COLD: one without a model yet)
# Needs java, node (20 or later; npm fetches @redocly/cli and @openapitools/openapi-generator-cli as
# pinned in clients/package-lock.json, and the generator fetches its jar from Maven Central) and
# python3 with pydantic 2, urllib3 2, python-dateutil and typing-extensions. Writes target/openapi-client/.
# Takes about two minutes, most of it the demo service's first training run.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$PWD/target/openapi-client
rm -rf "$OUT"
mkdir -p "$OUT"

python3 -c 'import pydantic, urllib3, dateutil, typing_extensions' 2>/dev/null || {
  echo "python3 needs pydantic 2, urllib3 2, python-dateutil and typing-extensions for the generated client"; exit 1; }
[ -d clients/node_modules/@redocly ] || npm ci --prefix clients --no-audit --no-fund --loglevel=error

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PIDS=()
stop() {
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  done
}
trap stop EXIT

start() { # name extra-args... -> prints "api-port management-port pid"
  local name=$1 api ops
  shift
  api=$(free_port)
  ops=$(free_port)
  mkdir -p "$OUT/$name"
  (cd "$OUT/$name" && exec java --add-modules jdk.incubator.vector -jar "$JAR" --server.port="$api" \
    --management.server.port="$ops" --partrec.warehouse.path="$OUT/$name/warehouse.duckdb" \
    --partrec.models.path="$OUT/$name/models" --partrec.export.enabled=false "$@" > "$OUT/$name.log" 2>&1) &
  echo "$api $ops $!"
}

await() { # name url-that-must-answer-200 pid
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "$2" && return 0
    kill -0 "$3" 2>/dev/null || { echo "$1 stopped:"; tail -20 "$OUT/$1.log"; exit 1; }
    sleep 1
  done
  echo "$1: no answer from $2 within 5 minutes"; tail -20 "$OUT/$1.log"; exit 1
}

if [ $# -ge 1 ]; then
  READY=$1
  COLD=${2:-}
else
  if [ ! -f target/partrec.jar ] || [ -n "$(find src pom.xml -newer target/partrec.jar -print -quit)" ]; then
    ./mvnw -q -B package -DskipTests
  fi
  JAR=$PWD/target/partrec.jar
  read -r api ops pid <<< "$(start ready --partrec.demo.customers=3000 --partrec.demo.parts=1500 \
    --partrec.demo.events=60000 --partrec.training.factors=32)"
  PIDS+=("$pid")
  READY=http://localhost:$api
  read -r capi _ cpid <<< "$(start cold --partrec.training.enabled=false --partrec.demo.load=false)"
  PIDS+=("$cpid")
  COLD=http://localhost:$capi
  await cold "$COLD/v3/api-docs" "$cpid"
  await ready "http://localhost:$ops/actuator/health/readiness" "$pid"
fi

echo "== the served document: $READY/v3/api-docs"
curl -sf "$READY/v3/api-docs" -o "$OUT/openapi.json"
echo "== redocly lint (recommended rules)"
(cd clients && npx redocly lint --extends=recommended "$OUT/openapi.json") 2>&1 | grep -v '[║╔╚]' | sed '/^\s*$/d'
echo "== openapi-generator-cli generate -g python"
(cd clients && npx openapi-generator-cli generate -i "$OUT/openapi.json" -g python -o "$OUT/python" \
  --package-name partrec_client --additional-properties=generateSourceCodeOnly=true > "$OUT/generate.log" 2>&1) || {
  tail -30 "$OUT/generate.log"; exit 1; }
grep -c "writing file" "$OUT/generate.log" | sed 's/^/files generated: /'
echo "== every operation through the generated client"
PYTHONPATH="$OUT/python" python3 bench/openapi_client_check.py "$READY" $COLD
