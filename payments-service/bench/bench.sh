#!/usr/bin/env bash
# Benchmark of POST /api/v1/payments (auth, validation, order lock, payment + events + job in the
# outbox, idempotency) against a locally started payments-service in TEST_MODE, with the
# machine's own ceilings measured in the same run:
#   - a bare Vert.x handler doing one INSERT + one XADD on the same jars (Bare.java), measured in
#     pairs with the service (each service run is followed by a run of the bare handler at the
#     same concurrency, and the ratio is the median of the pairs' ratios: a shared machine's speed
#     drifts within minutes, and a ceiling measured at another moment would not be the ceiling),
#   - pgbench of one INSERT + one UPDATE, and redis-benchmark of XADD.
# Also: idempotent replays, and whether payment processing keeps up (the backlog drains).
# Talks only to 127.0.0.1, uses its own database and Redis index, stops what it started and drops
# its database and empties its Redis index at the end (BENCH_KEEP=1 keeps them).
#
# Usage: payments-service/bench/bench.sh        (DURATION=10 RUNS=3 by default)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-10}
WARM_ROUNDS=${WARM_ROUNDS:-8}
JIT_QUIET=${JIT_QUIET:-100}
PORT=${BENCH_PORT:-18081}
BARE_PORT=${BENCH_BARE_PORT:-18091}
DB=${BENCH_DB:-paystream_bench}
REDIS_DB=${BENCH_REDIS_DB:-8}
ORDERS=${BENCH_ORDERS:-2000000}
THREADS=2
OUT=$ROOT/payments-service/target/bench
mkdir -p "$OUT"

"$ROOT/deploy/local/ensure-infra.sh" >/dev/null
"$ROOT/deploy/local/ensure-tools.sh" load >/dev/null

JAR=$ROOT/payments-service/target/quarkus-app/quarkus-run.jar
if [ ! -f "$JAR" ]; then
  (cd "$ROOT" && ./mvnw -q -pl shared-model,payments-service -am package -DskipTests)
fi

PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q -X)
APP_PID=""
BARE_PID=""
cleanup() {
  for pid in $APP_PID $BARE_PID; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  # Millions of rows and stream entries: gone with the run, unless BENCH_KEEP=1 keeps them to look at.
  if [ "${BENCH_KEEP:-0}" != 1 ]; then
    redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null 2>&1 || true
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

echo "preparing database $DB and Redis index $REDIS_DB"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null

echo "starting payments-service on 127.0.0.1:$PORT"
env DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB" \
  TEST_MODE=true TEST_PROCESSING_DELAY=1000 RATE_LIMIT_PER_SECOND=0 PORT="$PORT" LOG_JSON=false \
  INSTANCE_ID=bench QUARKUS_LOG_LEVEL=WARN QUARKUS_HTTP_HOST=127.0.0.1 \
  java -Xms512m -Xmx512m -jar "$JAR" >"$OUT/payments-service.log" 2>&1 &
APP_PID=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$PORT/q/health/ready" >/dev/null || { echo "service did not start; see $OUT"; exit 1; }

echo "creating $ORDERS orders"
"${PSQL[@]}" -d "$DB" -v first=1 -v last="$ORDERS" -f "$HERE/orders.sql"

echo "starting the bare handler on 127.0.0.1:$BARE_PORT"
"${PSQL[@]}" -d "$DB" -c "CREATE SCHEMA bench; CREATE TABLE bench.bare (id text PRIMARY KEY, body text, created_at timestamptz DEFAULT now());
  CREATE TABLE bench.pg (id bigserial PRIMARY KEY, body text);
  CREATE TABLE bench.orders AS SELECT g AS id, 'created'::text AS status FROM generate_series(1, 100000) g; ALTER TABLE bench.orders ADD PRIMARY KEY (id);"
BENCH_DB=$DB BENCH_REDIS_DB=$REDIS_DB java -Xms512m -Xmx512m -cp "$ROOT/payments-service/target/quarkus-app/lib/main/*" \
  "$HERE/Bare.java" "$BARE_PORT" >"$OUT/bare.log" 2>&1 &
BARE_PID=$!
for _ in $(seq 1 60); do
  curl -fs -o /dev/null -X POST -d '{}' "http://127.0.0.1:$BARE_PORT/" && break
  sleep 0.5
done

# The next unused order number lives in a file: runs happen in subshells.
echo 0 >"$OUT/next-order"
result() { grep '^RESULT' | tail -n 1; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

jobs() { curl -fs "http://127.0.0.1:$PORT/api/v1/test/jobs/status"; }
backlog() { jobs | python3 -c 'import json,sys; q=json.load(sys.stdin)["queues"]["payments"]; print(q["pending"]+q["processing"])'; }
drain() { # seconds until no payment is pending
  local start=$SECONDS
  for _ in $(seq 1 600); do
    [ "$(backlog)" = "0" ] && { echo $((SECONDS - start)); return; }
    sleep 0.5
  done
  echo "never"
}

create_run() { # create_run <connections> <seconds> [delay_ms] [keyed]
  local line base
  base=$(cat "$OUT/next-order")
  line=$(WRK_THREADS=$THREADS ORDER_BASE=$base DELAY_MS=${3:-0} KEYED=${4:-0} \
    wrk -t"$THREADS" -c"$1" -d"$2s" --timeout 5s -s "$HERE/create-payment.lua" "http://127.0.0.1:$PORT" | result)
  echo "$(echo "$line" | field next)" >"$OUT/next-order"
  echo "$line"
}

series() { # series <name> <command...>: RUNS runs, median rps/p50/p99
  local name=$1; shift
  local rps=() p50=() p99=() errors=0 line
  for _ in $(seq 1 "$RUNS"); do
    line=$("$@")
    rps+=("$(echo "$line" | field rps)"); p50+=("$(echo "$line" | field p50_ms)"); p99+=("$(echo "$line" | field p99_ms)")
    errors=$((errors + $(echo "$line" | field errors)))
  done
  printf '%-44s %8s req/s   p50 %6s ms   p99 %7s ms   errors %s\n' "$name" \
    "$(printf '%s\n' "${rps[@]}" | median)" "$(printf '%s\n' "${p50[@]}" | median)" \
    "$(printf '%s\n' "${p99[@]}" | median)" "$errors" | tee -a "$OUT/results.txt"
}

: >"$OUT/results.txt"
bare_run() { wrk -t"$THREADS" -c"$1" -d"$2s" -s "$HERE/bare.lua" "http://127.0.0.1:$BARE_PORT" | result; }
# Warm-up: rounds of load until the JIT is quiet, for the service and for the bare handler alike.
# On two cores the JVM has one C2 compiler thread; the service's code keeps it busy for minutes
# (a minute in, compiling still took a quarter of the service's CPU), where the bare handler's few
# paths settle in seconds. A round is quiet when it compiled fewer than JIT_QUIET methods (jstat);
# the figures are the steady state's, not a mix with the compiler's work. The keyed path is warmed
# up too, and its keys are in the table when it is first analyzed: a statement keeps the plan it was
# prepared with until the next analyze (or for its connection's minute), and a plan made for an
# empty key table reads all of it for every key.
compiled() { jstat -compiler "$1" | awk 'NR == 2 {print $1}'; }
warm() { # warm <name> <pid> <round command>: rounds until one compiles fewer than JIT_QUIET methods
  local name=$1 pid=$2 round=$3 before after deltas=()
  for _ in $(seq 1 "$WARM_ROUNDS"); do
    before=$(compiled "$pid"); "$round"; after=$(compiled "$pid")
    deltas+=("$((after - before))")
    [ $((after - before)) -lt "$JIT_QUIET" ] && break
  done
  echo "warmed up $name: methods compiled per round ${deltas[*]}"
}
service_round() {
  create_run 8 10 >/dev/null
  create_run 8 5 0 1 >/dev/null
  create_run 64 "$WARMUP" >/dev/null
}
bare_round() { bare_run 8 5 >/dev/null; bare_run 64 5 >/dev/null; }
warm payments-service "$APP_PID" service_round
warm "the bare handler" "$BARE_PID" bare_round
echo "draining the warm-up backlog: $(drain) s"

# This machine's PostgreSQL may run with autovacuum off: vacuum between runs as it would.
vacuum() { "${PSQL[@]}" -d "$DB" -c "VACUUM ANALYZE payments.payments, payments.orders, payments.outbox, payments.payment_outcome_increments, payments.idempotency_keys"; }

paired() { # paired <name> <connections> <keyed>: RUNS pairs of a service run and a bare-handler run
  local name=$1 c=$2 keyed=$3
  local rps=() p50=() p99=() brps=() bp50=() bp99=() ratio=() errors=0 line bline drained=0 d
  for _ in $(seq 1 "$RUNS"); do
    vacuum
    line=$(create_run "$c" "$DURATION" 0 "$keyed")
    # The bare handler runs once this run's payments are finished, so it never competes with them.
    d=$(drain); [ "$d" = never ] && drained=never; [ "$drained" != never ] && [ "$d" -gt "$drained" ] && drained=$d
    bline=$(bare_run "$c" "$DURATION")
    rps+=("$(echo "$line" | field rps)"); p50+=("$(echo "$line" | field p50_ms)"); p99+=("$(echo "$line" | field p99_ms)")
    brps+=("$(echo "$bline" | field rps)"); bp50+=("$(echo "$bline" | field p50_ms)"); bp99+=("$(echo "$bline" | field p99_ms)")
    errors=$((errors + $(echo "$line" | field errors)))
    ratio+=("$(python3 -c "print(f'{$(echo "$line" | field rps) / max($(echo "$bline" | field rps), 1):.2f}')")")
  done
  printf '%-44s %8s req/s   p50 %6s ms   p99 %7s ms   errors %s\n' "$name, $c connections" \
    "$(printf '%s\n' "${rps[@]}" | median)" "$(printf '%s\n' "${p50[@]}" | median)" \
    "$(printf '%s\n' "${p99[@]}" | median)" "$errors" | tee -a "$OUT/results.txt"
  printf '%-44s %8s req/s   p50 %6s ms   p99 %7s ms\n' "  bare Vert.x INSERT + XADD, paired runs" \
    "$(printf '%s\n' "${brps[@]}" | median)" "$(printf '%s\n' "${bp50[@]}" | median)" \
    "$(printf '%s\n' "${bp99[@]}" | median)" | tee -a "$OUT/results.txt"
  printf '%-44s %8s x      (pairs: %s; backlog drained within %s s of each run)\n' "  ratio: $name, $c connections" \
    "$(printf '%s\n' "${ratio[@]}" | median)" "${ratio[*]}" "$drained" | tee -a "$OUT/results.txt"
}

echo
echo "== POST /api/v1/payments, each run paired with one of the bare handler (medians of $RUNS x ${DURATION}s) =="
for c in 8 64; do paired "payments-service" "$c" 0; done
for c in 8 64; do paired "with an Idempotency-Key each" "$c" 1; done

echo
echo "== idempotent replay of a stored response =="
REPLAY_ORDER=$(printf 'order_%016d' $(($(cat "$OUT/next-order") + 1)))
echo $(($(cat "$OUT/next-order") + 10)) >"$OUT/next-order"
# The first request stores the response; every measured one replays it.
curl -fs -o /dev/null -H 'Content-Type: application/json' -H 'X-Api-Key: key_test_abc123' \
  -H 'X-Api-Secret: secret_test_xyz789' -H "Idempotency-Key: bench-replay-$REPLAY_ORDER" \
  -d "{\"order_id\":\"$REPLAY_ORDER\",\"method\":\"upi\",\"vpa\":\"user@paytm\"}" "http://127.0.0.1:$PORT/api/v1/payments"
replay_run() { REPLAY_ORDER=$REPLAY_ORDER wrk -t"$THREADS" -c"$1" -d"$2s" -s "$HERE/replay.lua" "http://127.0.0.1:$PORT" | result; }
for c in 8 64; do series "replay, $c connections" replay_run "$c" "$DURATION"; done

echo
echo "== payment processing under a steady load =="
# About half of the measured peak, for 20 s, sampling the backlog every second.
PEAK=$(grep '^payments-service, 64 connections' "$OUT/results.txt" | awk '{print $4}')
RATE=$((PEAK / 2))
DELAY=$((64 * 1000 / (RATE > 0 ? RATE : 1)))
MAX_BACKLOG=0
( create_run 64 20 "$DELAY" >"$OUT/steady.txt" ) &
STEADY=$!
while kill -0 "$STEADY" 2>/dev/null; do
  b=$(backlog || echo 0); [ "$b" -gt "$MAX_BACKLOG" ] && MAX_BACKLOG=$b
  sleep 1
done
wait "$STEADY" || true
STEADY_RPS=$(field rps <"$OUT/steady.txt")
printf 'steady load %s req/s for 20 s (aimed at %s): backlog at most %s (about %s s of arrivals), drained %s s after\n' \
  "$STEADY_RPS" "$RATE" "$MAX_BACKLOG" "$(python3 -c "print(round($MAX_BACKLOG/max($STEADY_RPS,1),1))")" "$(drain)" | tee -a "$OUT/results.txt"

kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""
kill "$BARE_PID"; wait "$BARE_PID" 2>/dev/null || true; BARE_PID=""

echo
echo "== the database and Redis alone, same machine, same run =="
cat >"$OUT/pgbench.sql" <<'SQL'
\set n random(1, 100000)
INSERT INTO bench.pg (body) VALUES ('{"order_id":"order_0000000000000001","method":"upi"}');
UPDATE bench.orders SET status = 'attempted' WHERE id = :n;
SQL
for c in 8 64; do
  tps=$(pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$c" -j 2 -T "$DURATION" -f "$OUT/pgbench.sql" "$DB" 2>/dev/null \
    | sed -n 's/^tps = \([0-9.]*\).*/\1/p' | head -n 1)
  printf '%-44s %8.0f tx/s\n' "pgbench INSERT + UPDATE, $c clients" "$tps" | tee -a "$OUT/results.txt"
done
xadd=$(redis-benchmark -h 127.0.0.1 --dbnum "$REDIS_DB" -c 50 -n 300000 -q XADD bench:rb MAXLEN '~' 100000 '*' e \
  '{"order_id":"order_0000000000000001","method":"upi","vpa":"user@paytm"}' | tr '\r' '\n' | sed -n 's/.*: \([0-9.]*\) requests per second.*/\1/p' | tail -n 1)
printf '%-44s %8.0f ops/s\n' "redis-benchmark XADD, 50 clients" "$xadd" | tee -a "$OUT/results.txt"

echo
echo "== full path / bare handler (median of the paired runs' ratios) =="
grep '^  ratio: ' "$OUT/results.txt" | sed 's/^  ratio: //'
echo "(cores: $(nproc); results also in $OUT/results.txt)"
