#!/usr/bin/env bash
# Refund creation throughput and latency, and this machine's ceiling for the same work, in one run.
#
#   refund-service/bench/bench.sh            # 20 s per measurement
#   DURATION=60 refund-service/bench/bench.sh
#   PROCESSING_DELAY=600000 refund-service/bench/bench.sh   # the request path alone (refunds
#                                             # are processed after the run, not during it)
#   HOLD=120 refund-service/bench/bench.sh    # keep the seeded service up for a look first
#
# It starts the packaged refund-service (TEST_MODE, 127.0.0.1 only) against its own database
# (paystream_refunds_bench) and an empty Redis database index (7), seeds the payments projection directly
# in PostgreSQL, then measures POST /api/v1/payments/{id}/refunds with wrk at 32 connections:
#   1. spread over many payments (each request refunds 1 paise of a random one of 10,000);
#   2. on a single payment (the contended case: every refund locks the same projection row).
# The ceiling is pgbench running the service's own single statement (the guarded update, the
# refund, its two outbox rows) at the same concurrency, with the service stopped. Everything it
# starts it stops; the database and Redis index it used are dropped/flushed at the end.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar="$root/refund-service/target/quarkus-app/quarkus-run.jar"
db=paystream_refunds_bench
redis_db=${BENCH_REDIS_DB:-7}
pg_host=127.0.0.1
pg_user=postgres
duration=${DURATION:-20}
warmup=${WARMUP:-8}
connections=32
threads=2
payments=10000
merchant=550e8400-e29b-41d4-a716-446655440000
key=key_test_abc123
secret=secret_test_xyz789
work=$(mktemp -d /tmp/refund-bench.XXXXXX)
service_pid=
flush_redis=no # yes once the Redis index is known to be this run's (empty at the start)

log() { printf '[bench] %s\n' "$*" >&2; }
psql_db() { psql -w -X -q -v ON_ERROR_STOP=1 -h "$pg_host" -U "$pg_user" -d "$db" "$@"; }

stop_service() {
  [ -n "$service_pid" ] || return 0
  kill "$service_pid" 2>/dev/null || true
  for _ in $(seq 1 75); do kill -0 "$service_pid" 2>/dev/null || break; sleep 0.2; done
  kill -9 "$service_pid" 2>/dev/null || true
  wait "$service_pid" 2>/dev/null || true
  service_pid=
}

cleanup() {
  stop_service
  dropdb -w -h "$pg_host" -U "$pg_user" --if-exists "$db" 2>/dev/null || true
  [ "$flush_redis" = no ] || redis-cli -h 127.0.0.1 -n "$redis_db" flushdb >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"$root/deploy/local/ensure-infra.sh" >/dev/null
"$root/deploy/local/ensure-tools.sh" load >/dev/null
for tool in wrk pgbench psql createdb dropdb redis-cli java curl python3; do
  command -v "$tool" >/dev/null || { log "$tool is required"; exit 1; }
done
if [ ! -f "$jar" ]; then
  log "building the packaged service"
  (cd "$root" && ./mvnw -q -pl refund-service -am package -DskipTests)
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

# Never flush someone else's data: the index must be empty (set BENCH_REDIS_DB to choose another).
if [ "$(redis-cli -h 127.0.0.1 -n "$redis_db" dbsize)" != 0 ]; then
  log "Redis database $redis_db is in use; choose an empty one with BENCH_REDIS_DB"
  exit 1
fi
flush_redis=yes
log "fresh database $db and Redis index $redis_db"
dropdb -w -h "$pg_host" -U "$pg_user" --if-exists "$db"
createdb -w -h "$pg_host" -U "$pg_user" "$db"
log "starting refund-service on $base"
DATABASE_URL="postgresql://$pg_user@$pg_host:5432/$db" \
REDIS_URL="redis://127.0.0.1:6379/$redis_db" \
QUARKUS_HTTP_HOST=127.0.0.1 PORT="$port" INSTANCE_ID=bench \
TEST_MODE=true TEST_PROCESSING_DELAY="${PROCESSING_DELAY:-1000}" RATE_LIMIT_PER_SECOND=0 LOG_JSON=false \
  java -jar "$jar" >"$work/service.log" 2>&1 &
service_pid=$!
for _ in $(seq 1 300); do
  curl -fsS "$base/q/health/ready" >/dev/null 2>&1 && break
  kill -0 "$service_pid" 2>/dev/null || { cat "$work/service.log" >&2; exit 1; }
  sleep 0.2
done
curl -fsS "$base/q/health/ready" >/dev/null || { log "service not ready"; exit 1; }

# The projections, as merchant and payment events would have left them: the test merchant and
# 10,000 successful payments with room for every refund of the run.
secret_hash=$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)
psql_db <<SQL
INSERT INTO refunds.merchants (id, name, api_key, api_secret_hash, version_at, version_rank, updated_at)
VALUES ('$merchant', 'Test Merchant', '$key', decode('$secret_hash', 'hex'), now(), 0, now());
INSERT INTO refunds.payments (id, merchant_id, amount, currency, status, captured, refunded, created_at, seen_at)
SELECT 'pay_b' || lpad(i::text, 15, '0'), '$merchant', 1000000000000000, 'INR', 'success', false, 0, now(), now()
FROM generate_series(0, $payments) AS i;
ANALYZE refunds.payments;
SQL

cat >"$work/many.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"amount":1,"reason":"bench"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = "$key"
wrk.headers["X-Api-Secret"] = "$secret"
request = function()
  local id = string.format("pay_b%015d", math.random(1, $payments))
  return wrk.format(nil, "/api/v1/payments/" .. id .. "/refunds")
end
LUA
sed -e 's/string.format("pay_b%015d", math.random(1, [0-9]*))/"pay_b000000000000000"/' \
  "$work/many.lua" >"$work/one.lua"

# CPU seconds the service process has used so far (user + system).
service_cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.3f", ($14 + $15) / hz }' "/proc/$service_pid/stat"; }

# wrk: prints "<req/s> <p50 ms> <p99 ms> <non-2xx> <service CPU ms per request>" for a run of $1
# seconds with script $2.
run_wrk() {
  local cpu_before
  cpu_before=$(service_cpu)
  wrk -t"$threads" -c"$connections" -d"$1s" --timeout 10s --latency -s "$2" "$base" >"$work/wrk.out"
  awk -v cpu="$(service_cpu)" -v cpu0="$cpu_before" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec:/ { rps = $2 }
    /requests in/ { n = $1 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { bad = $5 }
    END { printf "%.0f %.2f %.2f %d %.2f\n", rps, p50, p99, bad + 0, n ? (cpu - cpu0) * 1000 / n : 0 }' "$work/wrk.out"
}

# pgbench with the service's statement: "<tps> <p50 ms> <p99 ms>".
run_pgbench() {
  (cd "$work" && rm -f pgbench_log.* &&
    pgbench -h "$pg_host" -U "$pg_user" -n -M prepared -c "$connections" -j "$threads" \
      -T "$duration" -l -f "$1" "$db" >"$work/pgbench.out" 2>&1) ||
    { cat "$work/pgbench.out" >&2; return 1; }
  tps=$(awk '/^tps = / { printf "%.0f", $3 }' "$work/pgbench.out")
  cat "$work"/pgbench_log.* | awk '{ print $3 / 1000 }' | sort -n >"$work/lat.txt"
  n=$(wc -l <"$work/lat.txt")
  p50=$(awk -v n="$n" 'NR == int(n * 0.50) + 1 { printf "%.2f", $1; exit }' "$work/lat.txt")
  p99=$(awk -v n="$n" 'NR == int(n * 0.99) + 1 { printf "%.2f", $1; exit }' "$work/lat.txt")
  echo "$tps $p50 $p99"
}

pgbench_script() { # $1: SQL expression for the payment id
  # The outbox row (one per change, its two events' streams and payloads as arrays, as OutboxSql
  # writes it): payloads as long as a real refund.created envelope; their text does not
  # matter to PostgreSQL. No literal holds a colon: pgbench would read ":name" as a variable.
  cat <<SQL
\\set p random(1, $payments)
WITH p AS (UPDATE refunds.payments SET refunded = refunded + 1 WHERE id = $1 AND merchant_id = '$merchant' AND status = 'success' AND refunded + 1 <= amount RETURNING id), r AS (INSERT INTO refunds.refunds (id, payment_id, merchant_id, amount, reason, status, process_after, created_at, processed_at) SELECT 'rfnd_' || substr(md5(random()::text || clock_timestamp()::text), 1, 16), p.id, '$merchant', 1, 'bench', 'pending', now() + interval '1 second', now(), NULL FROM p RETURNING id), ev AS (INSERT INTO refunds.outbox (streams, payloads) SELECT ARRAY['paystream' || chr(58) || 'refund-events', 'paystream' || chr(58) || 'refund-jobs'], ARRAY[repeat('x', 420), repeat('x', 420)] WHERE EXISTS (SELECT 1 FROM r)) SELECT (SELECT count(*) FROM r) AS created, s.merchant_id, s.status FROM (SELECT 1) one LEFT JOIN refunds.payments s ON s.id = $1;
SQL
}
pgbench_script "'pay_b' || lpad(:p::text, 15, '0')" >"$work/many.sql"
pgbench_script "'pay_b000000000000000'" >"$work/one.sql"

if [ -n "${HOLD:-}" ]; then
  log "service on $base (key $key); holding for ${HOLD}s"
  sleep "$HOLD"
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

log "warm-up ${warmup}s"
run_wrk "$warmup" "$work/many.lua" >/dev/null
log "refunds over $payments payments, ${duration}s at $connections connections"
read -r many_rps many_p50 many_p99 many_bad many_cpu < <(run_wrk "$duration" "$work/many.lua")
log "refunds of one payment, ${duration}s at $connections connections"
run_wrk 3 "$work/one.lua" >/dev/null
read -r one_rps one_p50 one_p99 one_bad one_cpu < <(run_wrk "$duration" "$work/one.lua")
refunds_made=$(psql_db -tA -c "SELECT count(*) FROM refunds.refunds")
over=$(psql_db -tA -c "SELECT count(*) FROM refunds.payments WHERE refunded > amount OR refunded <> (SELECT coalesce(sum(amount), 0) FROM refunds.refunds r WHERE r.payment_id = payments.id)")

log "stopping the service; the ceiling runs the same statement with pgbench"
stop_service
read -r pg_many_tps pg_many_p50 pg_many_p99 < <(run_pgbench "$work/many.sql")
read -r pg_one_tps pg_one_p50 pg_one_p99 < <(run_pgbench "$work/one.sql")
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
cat <<OUT

refund-service benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)
machine: $(nproc) cores ($cpu), load average $load_before before, $load_after after
service: TEST_MODE, 1 instance, ${connections} connections, ${duration}s per run; $refunds_made refunds created, $over payments with a wrong total

                                     req/s    p50 ms    p99 ms   non-2xx  CPU ms/req
POST refunds, many payments   $(printf '%10s %9s %9s %9s %11s' "$many_rps" "$many_p50" "$many_p99" "$many_bad" "$many_cpu")
POST refunds, one payment     $(printf '%10s %9s %9s %9s %11s' "$one_rps" "$one_p50" "$one_p99" "$one_bad" "$one_cpu")
(CPU ms/req: the service process's own CPU time, processing and relaying included, per request)

ceiling: the same statement in pgbench (-M prepared, $connections clients), service stopped
                                       tps    p50 ms    p99 ms
statement, many payments      $(printf '%10s %9s %9s' "$pg_many_tps" "$pg_many_p50" "$pg_many_p99")
statement, one payment        $(printf '%10s %9s %9s' "$pg_one_tps" "$pg_one_p50" "$pg_one_p99")

service / ceiling: many payments $(awk -v a="$many_rps" -v b="$pg_many_tps" 'BEGIN { printf "%.2f", b ? a / b : 0 }'), one payment $(awk -v a="$one_rps" -v b="$pg_one_tps" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
OUT
