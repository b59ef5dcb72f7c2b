#!/usr/bin/env bash
# Benchmark of webhook-service's delivery path against a fast local receiver, with the machine's
# own ceilings measured in the same run (see Bench.java):
#   - deliveries per second with 1 and 2 replicas (20,000 events written at once),
#   - event -> first attempt latency p50/p99 at 1,000 events/s,
#   - both again during a retry storm (1,000 failing deliveries in retry, more arriving, and one
#     endpoint that never answers),
#   - ceilings: a bare Vert.x consumer (XREADGROUP -> HMAC -> POST -> INSERT -> XACK, Bare.java)
#     before and after, the receiver alone under wrk, and redis-benchmark XADD.
# Talks only to 127.0.0.1, uses its own database and Redis index, and stops what it started.
#
# Usage: webhook-service/bench/bench.sh      (EVENTS=20000 RATE=1000 SECONDS=10 by default)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DB=${BENCH_DB:-paystream_webhooks_bench}
REDIS_DB=${BENCH_REDIS_DB:-12}
OUT=$ROOT/webhook-service/target/bench
mkdir -p "$OUT"

"$ROOT/deploy/local/ensure-infra.sh" >/dev/null
"$ROOT/deploy/local/ensure-tools.sh" load >/dev/null

JAR=$ROOT/webhook-service/target/quarkus-app/quarkus-run.jar
if [ ! -f "$JAR" ]; then
  (cd "$ROOT" && ./mvnw -q -pl shared-model,webhook-service -am package -DskipTests)
fi

PSQL=(psql -w -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q -X)
DRIVER_PID=""
cleanup() {
  # The driver stops the replicas and the bare consumer it started (its shutdown hook).
  [ -n "$DRIVER_PID" ] && kill "$DRIVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT

echo "preparing database $DB and Redis index $REDIS_DB"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null

ROOT=$ROOT OUT=$OUT BENCH_DB=$DB BENCH_REDIS_DB=$REDIS_DB \
  java -Xms256m -Xmx1g -cp "$ROOT/webhook-service/target/quarkus-app/lib/main/*" "$HERE/Bench.java" \
  > >(tee "$OUT/results.txt") 2>&1 &
DRIVER_PID=$!
wait "$DRIVER_PID"
DRIVER_PID=""
echo "(logs and results in $OUT)"
