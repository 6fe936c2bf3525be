#!/usr/bin/env bash
# Spark's ALS (the train step's Spark job, src/spark) against partrec's own trainer on the same data,
# the same 2 cores and the same mapped parameters (issue 13):
#   bench/spark.sh [events]        events: online-retail (the default) or a count of demo events (1000000, ...)
# online-retail: datasets/online-retail's train and test split, the protocol's parameters (64 factors,
# 15 iterations, lambda 0.05, alpha 1, log1p, seed 42). A count: the demo generator's events
# (java -jar target/partrec.jar demo-data; customers = events / 20, parts = events / 200 within
# 10,000..100,000), each event weighted as the service's transform weighs it (view 1, cart 3,
# purchase 5, times the quantity capped at 10; returns left out), split by datasets/online-retail/prepare.py
# (the protocol's split), lambda 20 (configs/dev.yaml's, chosen on the demo).
# Both fits see the train split's pairs:
#   - Spark: TrainJob in local[2] on the pairs as Parquet (as the service writes them), then its artifact
#     scored by `evaluate --model` (the same evaluator, the same exclusions);
#   - partrec: `evaluate` on the same files, --threads 2 (its train_s comes after a JIT warm-up fit).
# Environment: LAMBDA, LAMBDA_SCALING (as-partrec | spark), FACTORS, ITERATIONS, HEAP (-Xmx of both JVMs,
# default 6g), SPARK_BLOCKS (ALS's user and item blocks; Spark's default 10), SPARK_SHUFFLE_PARTITIONS (8: a
# cluster's default of 200 tiny tasks per shuffle cost the 1M run 4 minutes of reading), BENCH_DIR (keep the files).
# Every JVM runs under nice -n 19. Peak memory is the largest resident set of each JVM (/usr/bin/time).
# The last line is one JSON object: events, pairs, users, items, spark_fit_s, local_fit_s, fit_ratio,
# spark_ndcg_at_10, local_ndcg_at_10, ndcg_ratio, spark_peak_mb, local_peak_mb, spark_job_s, reg_param, ...
set -euo pipefail
cd "$(dirname "$0")/.."
EVENTS=${1:-online-retail}
HEAP=${HEAP:-6g}
FACTORS=${FACTORS:-64}
ITERATIONS=${ITERATIONS:-15}
SCALING=${LAMBDA_SCALING:-as-partrec}
WORK=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$WORK"
trap '[ -n "${BENCH_DIR:-}" ] || rm -rf "$WORK"' EXIT
NICE="nice -n 19"
[ -x /usr/bin/time ] || { sudo -n true 2>/dev/null && SUDO=sudo || SUDO=; $SUDO apt-get install -y time >/dev/null; }

# the service's jar and the job's, each built again when its code is newer
[ -f target/partrec.jar ] && [ -z "$(find src/main sql pom.xml -newer target/partrec.jar -print -quit)" ] \
  || $NICE ./mvnw -q -B package -DskipTests
JOB=target/spark-job/partrec-spark-job.jar
[ -f "$JOB" ] && [ -d target/spark-job/test-classes ] && [ -z "$(find src/spark src/main -newer "$JOB" -print -quit)" ] \
  || $NICE ./mvnw -q -B -f src/spark/pom.xml test-compile jar:jar -DskipTests
$NICE ./mvnw -q -B -f src/spark/pom.xml dependency:build-classpath -Dmdep.outputFile="$WORK/spark.classpath" >/dev/null
CP="$PWD/$JOB:$PWD/target/spark-job/test-classes:$(cat "$WORK/spark.classpath")"
# long timeouts: a process paused for a while (a stopped job, a busy machine) must not lose its own executor
SPARK_CONF=(-Dspark.master='local[2]' -Dspark.driver.bindAddress=127.0.0.1 -Dspark.driver.host=127.0.0.1
  -Dspark.ui.enabled=false -Dspark.network.timeout=3600s -Dspark.executor.heartbeatInterval=600s
  -Dspark.sql.shuffle.partitions="${SPARK_SHUFFLE_PARTITIONS:-8}")
[ -z "${SPARK_BLOCKS:-}" ] || SPARK_CONF+=(-Dspark.partrec.als.blocks="$SPARK_BLOCKS")
export SPARK_LOCAL_IP=127.0.0.1

if [ "$EVENTS" = online-retail ]; then
  TRAIN=datasets/online-retail/train.csv.gz
  TEST=datasets/online-retail/test.csv.gz
  LAMBDA=${LAMBDA:-0.05}
  N_EVENTS=$(( $(zcat datasets/online-retail/events.csv.gz | wc -l) - 1 ))
else
  [[ "$EVENTS" =~ ^[0-9]+$ ]] || { echo "bench/spark.sh: events must be online-retail or a whole number, got '$EVENTS'" >&2; exit 2; }
  CUSTOMERS=$(( EVENTS / 20 ))
  PARTS=$(( EVENTS / 200 )); (( PARTS < 10000 )) && PARTS=10000; (( PARTS > 100000 )) && PARTS=100000
  LAMBDA=${LAMBDA:-20}
  echo "demo data: $EVENTS events, $CUSTOMERS customers, $PARTS parts" >&2
  $NICE java --add-modules jdk.incubator.vector -jar target/partrec.jar demo-data --out "$WORK/demo" --customers "$CUSTOMERS" --parts "$PARTS" \
    --events "$EVENTS" >&2
  N_EVENTS=$(( $(wc -l < "$WORK/demo/events.csv") - 1 ))
  # one row per pair (the split's input): the transform's weights, the pair's latest time
  $NICE awk -F, 'NR > 1 && $3 != "return" {
      w = ($3 == "view" ? 1 : $3 == "add_to_cart" ? 3 : $3 == "purchase" ? 5 : 0) * ($4 < 10 ? $4 : 10)
      if (w <= 0) next
      k = $1 "," $2; s[k] += w; if ($5 > t[k]) t[k] = $5 }
    END { print "user_id,item_id,weight,timestamp"; for (k in s) print k "," s[k] "," t[k] }' \
    "$WORK/demo/events.csv" > "$WORK/pairs.csv"
  rm -f "$WORK/demo/events.csv"
  $NICE python3 datasets/online-retail/prepare.py --from-events "$WORK/pairs.csv" --out "$WORK" >&2
  rm -f "$WORK/pairs.csv"
  TRAIN=$WORK/train.csv
  TEST=$WORK/test.csv
fi
PARAMS=(--factors "$FACTORS" --iterations "$ITERATIONS" --regularization "$LAMBDA" --alpha 1.0 --weighting log1p
  --seed 42)

echo "input: $TRAIN as Parquet" >&2
$NICE java -Xmx"$HEAP" "${SPARK_CONF[@]}" -cp "$CP" org.partrec.spark.InteractionsParquet "$TRAIN" "$WORK/input" \
  2> "$WORK/parquet.log" >&2

echo "Spark: TrainJob in local[2]" >&2
$NICE /usr/bin/time -f '%M' -o "$WORK/spark.rss" java -Xmx"$HEAP" "${SPARK_CONF[@]}" -cp "$CP" \
  org.partrec.spark.TrainJob --input "$WORK/input" --output "file://$WORK/out/spark.partrec" \
  --version 20261206T000000Z-0 "${PARAMS[@]}" --lambda-scaling "$SCALING" > "$WORK/spark.json" 2> "$WORK/spark.log" \
  || { tail -20 "$WORK/spark.log" >&2; exit 1; }
grep '^partrec-spark' "$WORK/spark.log" >&2

echo "Spark's artifact scored by evaluate --model" >&2
$NICE java -Xmx"$HEAP" --add-modules jdk.incubator.vector -jar target/partrec.jar evaluate --train "$TRAIN" --test "$TEST" --threads 2 \
  --model "$WORK/out/spark.partrec" > "$WORK/spark-eval.json" 2> "$WORK/spark-eval.log" \
  || { tail -5 "$WORK/spark-eval.log" >&2; exit 1; }

echo "partrec: evaluate --threads 2" >&2
$NICE /usr/bin/time -f '%M' -o "$WORK/local.rss" java -Xmx"$HEAP" --add-modules jdk.incubator.vector \
  -jar target/partrec.jar evaluate \
  --train "$TRAIN" --test "$TEST" --threads 2 "${PARAMS[@]}" > "$WORK/local.json" 2> "$WORK/local.log" \
  || { tail -5 "$WORK/local.log" >&2; exit 1; }

python3 - "$WORK" "$EVENTS" "$N_EVENTS" "$LAMBDA" "$SCALING" "${SPARK_BLOCKS:-10}" <<'PY'
import json, sys
work, name, events, lam, scaling, blocks = sys.argv[1:7]
last = lambda f: json.loads(open(f"{work}/{f}").read().strip().splitlines()[-1])
rss = lambda f: round(int(open(f"{work}/{f}").read().strip().splitlines()[-1]) / 1024)
spark, scored, local = last("spark.json"), last("spark-eval.json"), last("local.json")
out = {
    "data": name, "events": int(events), "pairs": spark["pairs"], "users": spark["users"], "items": spark["items"],
    "factors": local["factors"], "iterations": local["iterations"], "lambda": float(lam),
    "lambda_scaling": scaling, "reg_param": spark["reg_param"], "als_blocks": int(blocks),
    "spark_fit_s": spark["fit_s"], "local_fit_s": local["train_s"],
    "fit_ratio": round(spark["fit_s"] / local["train_s"], 2),
    "spark_job_s": spark["job_s"],
    "spark_ndcg_at_10": scored["ndcg@10"], "local_ndcg_at_10": local["ndcg@10"],
    "ndcg_ratio": round(scored["ndcg@10"] / local["ndcg@10"], 4),
    "spark_precision_at_10": scored["precision@10"], "local_precision_at_10": local["precision@10"],
    "popular_ndcg_at_10": local["popular_ndcg@10"],
    "spark_peak_mb": rss("spark.rss"), "local_peak_mb": rss("local.rss"),
}
print(json.dumps(out))
PY
