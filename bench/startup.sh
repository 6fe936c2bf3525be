#!/usr/bin/env bash
# Restart: time from process start to serving the stored model, with and without class-data
# sharing (CDS), the three ways alternating so that a busy machine slows each of them alike:
#   jar        java --add-modules jdk.incubator.vector -jar target/partrec.jar     (the fat jar)
#   extracted  the same on the extracted jar (java -Djarmode=tools ... extract)
#   cds        the extracted jar with -XX:SharedArchiveFile=partrec.jsa, the archive written by a
#              training run (-XX:ArchiveClassesAtExit, -Dspring.context.exit=onRefresh), as the
#              Dockerfile does
#   aot        the extracted jar with -XX:AOTCache=partrec.aot, the JDK's AOT cache (JDK 25 or later:
#              classes loaded and linked, and method profiles, from a training run with
#              -XX:AOTCacheOutput); run on JAVA_AOT (default: JAVA)
# "Serving" is GET /actuator/model answering "source":"model" (the stored model, read and
# verified by its checksum); polled every 0.1 s. Prints each restart (with the CPU time the JVM
# had used by then, which a busy machine disturbs less than the wall time), then the medians and
# ratios of both.
#   bench/startup.sh [restarts=5]
# Without STARTUP_DIR it works in a new temporary folder: a first start creates the demo store and
# trains a model (about a minute), then it is stopped. With STARTUP_DIR=<folder> whose data/ holds
# a store (bench/scale.sh passes its own), the restarts use that store.
# STARTUP_JVM adds JVM options (scale.sh: -Xmx3g), STARTUP_ARGS service arguments, STARTUP_MODES
# picks the ways (default "jar extracted cds"); a way "<way>-b" is <way> with the service arguments
# STARTUP_B_ARGS as well, to compare a setting. JAVA picks the java (default: java on the PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
RESTARTS=${1:-5}
MODES=${STARTUP_MODES:-jar extracted cds}
JAVA=${JAVA:-java}
JAVA_AOT=${JAVA_AOT:-$JAVA}
JVM=(--add-modules jdk.incubator.vector ${STARTUP_JVM:-})
API=${STARTUP_API_PORT:-38080}
OPS=${STARTUP_OPS_PORT:-38081}
PORTS=(--server.port="$API" --management.server.port="$OPS")
# a restart only serves: no training run at start-up (it would begin once the stored model serves)
SERVE=("${PORTS[@]}" --partrec.training.at-startup=false ${STARTUP_ARGS:-})
WORK=${STARTUP_DIR:-$(mktemp -d)}
mkdir -p "$WORK"
WORK=$(cd "$WORK" && pwd)
PID=""
stop() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill "$PID"
    while kill -0 "$PID" 2>/dev/null; do sleep 0.2; done
  fi
  PID=""
}
trap 'stop; [ -n "${STARTUP_DIR:-}" ] || rm -rf "$WORK"' EXIT

[ -f target/partrec.jar ] && [ -z "$(find src/main sql pom.xml -newer target/partrec.jar -print -quit)" ] \
  || ./mvnw -q -B package -DskipTests # again when the code is newer than the jar
FAT=$PWD/target/partrec.jar
APP=$WORK/cds-app # the extracted jar: partrec.jar and lib/, as in the image's /app
rm -rf "$APP" "$WORK/cds-tmp"
"$JAVA" -Djarmode=tools -jar "$FAT" extract --destination "$APP" > /dev/null
# the training run, as in the Dockerfile: the context is refreshed (every singleton created), then
# the JVM exits and writes the classes it loaded; nothing touches the store being measured
T0=$(date +%s.%N)
(cd "$WORK" && "$JAVA" -XX:ArchiveClassesAtExit="$APP/partrec.jsa" -Dspring.context.exit=onRefresh "${JVM[@]}" \
  -jar "$APP/partrec.jar" --partrec.demo.load=false --partrec.warehouse.path="$WORK/cds-tmp/warehouse.duckdb" \
  --partrec.models.path="$WORK/cds-tmp/model-store" > "$WORK/cds-training.log" 2>&1)
rm -rf "$WORK/cds-tmp"
printf "CDS training run: %.1f s, archive %.0f MB\n" "$(echo "$(date +%s.%N) - $T0" | bc -l)" \
  "$(echo "$(stat -c %s "$APP/partrec.jsa") / 1048576" | bc -l)"
if [[ " $MODES " == *" aot"* ]]; then # the same training run, writing the JDK's AOT cache instead
  T0=$(date +%s.%N)
  (cd "$WORK" && "$JAVA_AOT" -XX:AOTCacheOutput="$APP/partrec.aot" -Dspring.context.exit=onRefresh "${JVM[@]}" \
    -jar "$APP/partrec.jar" --partrec.demo.load=false --partrec.warehouse.path="$WORK/cds-tmp/warehouse.duckdb" \
    --partrec.models.path="$WORK/cds-tmp/model-store" > "$WORK/aot-training.log" 2>&1)
  rm -rf "$WORK/cds-tmp"
  [ -s "$APP/partrec.aot" ] || { echo "no AOT cache written (JDK 25 or later needed):"; tail -5 "$WORK/aot-training.log"; exit 1; }
  printf "AOT training run: %.1f s, cache %.0f MB\n" "$(echo "$(date +%s.%N) - $T0" | bc -l)" \
    "$(echo "$(stat -c %s "$APP/partrec.aot") / 1048576" | bc -l)"
fi

command_of() { # mode -> the java command line
  case $1 in
    jar) echo "$JAVA ${JVM[*]} -jar $FAT" ;;
    extracted) echo "$JAVA ${JVM[*]} -jar $APP/partrec.jar" ;;
    cds) echo "$JAVA -XX:SharedArchiveFile=$APP/partrec.jsa ${JVM[*]} -jar $APP/partrec.jar" ;;
    aot) echo "$JAVA_AOT -XX:AOTCache=$APP/partrec.aot ${JVM[*]} -jar $APP/partrec.jar" ;;
    *-b) echo "$(command_of "${1%-b}") ${STARTUP_B_ARGS:-}" ;;
    *) echo "unknown way $1" >&2; exit 2 ;;
  esac
}

start() { # mode log service-arguments...
  local mode=$1 log=$2
  shift 2
  # shellcheck disable=SC2046 # the command line is split into words on purpose
  (cd "$WORK" && exec $(command_of "$mode") "$@" > "$log" 2>&1) &
  PID=$!
}

serving() { curl -sf "localhost:$OPS/actuator/model" 2>/dev/null | grep -q '"serving":{[^}]*"source":"model"'; }

if ! ls "$WORK"/data/model-store/models/*.partrec > /dev/null 2>&1; then
  echo "no stored model in $WORK/data: a first start creates the demo store and trains one"
  start extracted "$WORK/first.log" "${PORTS[@]}" ${STARTUP_ARGS:-}
  for _ in $(seq 1 1800); do
    curl -sf "localhost:$OPS/actuator/retrain" 2>/dev/null | grep -q '"export":{"status":"exported"' && break
    kill -0 "$PID" 2>/dev/null || { echo "the service stopped:"; tail -20 "$WORK/first.log"; exit 1; }
    sleep 1
  done
  serving || { echo "no model after 30 minutes"; tail -20 "$WORK/first.log"; exit 1; }
  stop
fi
ls -l "$WORK"/data/model-store/models/*.partrec | awk '{printf "stored model: %s, %.1f MB\n", $NF, $5 / 1048576}'
for m in $MODES; do echo "$m: $(command_of "$m") ${SERVE[*]}"; done

printf "%-3s %-10s %10s %10s %10s %10s\n" "#" way serving cpu spring model
: > "$WORK/times.txt"
for r in $(seq 1 "$RESTARTS"); do
  for m in $MODES; do
    log=$WORK/restart-$m-$r.log
    T0=$(date +%s.%N)
    start "$m" "$log" "${SERVE[@]}"
    for _ in $(seq 1 3000); do
      serving && break
      kill -0 "$PID" 2>/dev/null || { echo "$m: the service stopped:"; tail -20 "$log"; exit 1; }
      sleep 0.1
    done
    serving || { echo "$m: not serving the stored model after 300 s"; exit 1; }
    t=$(echo "$(date +%s.%N) - $T0" | bc -l)
    cpu=$(awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$PID/stat")
    # Spring's own figure (context refreshed, web servers started) and the model's read-verify-index
    spring=$(grep -o 'process running for [0-9.]*' "$log" | awk '{print $4}')
    model=$(grep -o 'serving stored model .* after [0-9.]* s' "$log" | awk '{print $(NF - 1)}')
    stop
    printf "%-3s %-10s %9.2fs %9.2fs %9ss %9ss\n" "$r" "$m" "$t" "$cpu" "${spring:-?}" "${model:-?}"
    echo "$m $t $cpu" >> "$WORK/times.txt"
  done
done
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
column() { awk -v m="$1" -v c="$2" '$1 == m {print $c}' "$WORK/times.txt"; } # way, column -> values
first=""
firstcpu=""
for m in $MODES; do
  med=$(column "$m" 2 | median)
  cpu=$(column "$m" 3 | median)
  first=${first:-$med}
  firstcpu=${firstcpu:-$cpu}
  printf "median %-10s serving %6.2f s (%.2f to %.2f), %.2fx the first; CPU %6.2f s, %.2fx\n" "$m" "$med" \
    "$(column "$m" 2 | sort -n | head -1)" "$(column "$m" 2 | sort -n | tail -1)" "$(echo "$med / $first" | bc -l)" \
    "$cpu" "$(echo "$cpu / $firstcpu" | bc -l)"
done
