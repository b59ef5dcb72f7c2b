#!/usr/bin/env bash
# Memory of the three services' JVM images under their Kubernetes limits.
#
# Each service runs with the JVM options its image starts it with (its Dockerfile.jvm, read as the
# base image's launcher reads it) inside its own cgroup with its Deployment's limits (memory and
# CPU, read from deploy/k8s/base), so the JVM sizes its heap and its threads as in a pod, and the
# kernel kills it where a pod would be OOM-killed. Under load (payments at 64 connections, each
# processed and projected by refund-service; then Redis flushed, so that every service re-drives
# its outbox, while refunds come in at 64 connections and webhook-service delivers every event to
# a local receiver) it samples each service's resident memory and prints, per service: the limit,
# the heap the JVM allowed itself, the peak resident memory, the cgroup's peak (which also counts
# page cache the kernel can drop), OOM kills, whether the service is still up, and its garbage
# collections. Exit status 1 when a service died or came within 10 % of its limit.
#
# Needs root (it makes cgroups, v1 or v2). Talks only to 127.0.0.1, uses its own database and
# Redis index, and stops what it started.
#
# Usage: deploy/bench/memory.sh        (DURATION=60: seconds of each load phase)
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-64}
CPU_LIMITS=${CPU_LIMITS:-1} # 0: memory limits only
EXTRA_JAVA_OPTIONS=${EXTRA_JAVA_OPTIONS:-} # after the image's own, to try a change
DB=${MEMORY_DB:-paystream_memory}
REDIS_DB=${MEMORY_REDIS_DB:-10}
RECEIVER_PORT=${MEMORY_RECEIVER_PORT:-18190}
ORDERS=${MEMORY_ORDERS:-400000}
SERVICES=(payments-service refund-service webhook-service)
declare -A PORTS=([payments-service]=18181 [refund-service]=18182 [webhook-service]=18183)
OUT=$ROOT/deploy/bench/target/memory
mkdir -p "$OUT"

# The JVM options of a service's image, as the base image's launcher makes them
# (registry.access.redhat.com/ubi9/openjdk-17-runtime: run-java.sh and
# /opt/jboss/container/java/jvm/java-default-options) from the Dockerfile's ENV: JAVA_OPTS alone
# where it is set; else its defaults (MaxRAMPercentage from JAVA_MAX_MEM_RATIO, 80; ParallelGC or
# GC_CONTAINER_OPTIONS; the GC_* ratios), then JAVA_OPTS_APPEND.
image_java_options() {
  local envs
  envs=$(sed -n 's/^ENV \([A-Z_][A-Z0-9_]*\)="\{0,1\}\([^"]*\)"\{0,1\}$/\1=\2/p' "$ROOT/$1/src/main/docker/Dockerfile.jvm")
  get() { grep "^$1=" <<<"$envs" | head -n 1 | cut -d= -f2- || true; }
  if grep -q '^JAVA_OPTS=' <<<"$envs"; then
    get JAVA_OPTS
    return
  fi
  local ratio gc opts=""
  ratio=$(get JAVA_MAX_MEM_RATIO)
  [ "$ratio" = 0 ] || opts="-XX:MaxRAMPercentage=$(printf '%.0f.0' "${ratio:-80}")"
  gc=$(get GC_CONTAINER_OPTIONS)
  opts+=" ${gc:--XX:+UseParallelGC} -XX:MinHeapFreeRatio=$(get GC_MIN_HEAP_FREE_RATIO | grep . || echo 10)"
  opts+=" -XX:MaxHeapFreeRatio=$(get GC_MAX_HEAP_FREE_RATIO | grep . || echo 20)"
  opts+=" -XX:GCTimeRatio=$(get GC_TIME_RATIO | grep . || echo 4)"
  opts+=" -XX:AdaptiveSizePolicyWeight=$(get GC_ADAPTIVE_SIZE_POLICY_WEIGHT | grep . || echo 90)"
  [ -z "$(get GC_MAX_METASPACE_SIZE)" ] || opts+=" -XX:MaxMetaspaceSize=$(get GC_MAX_METASPACE_SIZE)m"
  [ -z "$(get GC_METASPACE_SIZE)" ] || opts+=" -XX:MetaspaceSize=$(get GC_METASPACE_SIZE)m"
  echo "$opts -XX:+ExitOnOutOfMemoryError $(get JAVA_OPTS_APPEND)"
}

[ "$(id -u)" = 0 ] || { echo "memory.sh makes cgroups: run it as root"; exit 2; }
"$ROOT/deploy/local/ensure-infra.sh" >/dev/null
"$ROOT/deploy/local/ensure-tools.sh" load node >/dev/null

for svc in "${SERVICES[@]}"; do
  if [ ! -f "$ROOT/$svc/target/quarkus-app/quarkus-run.jar" ]; then
    (cd "$ROOT" && ./mvnw -B -q -pl "shared-model,$svc" -am package -DskipTests)
  fi
done

# --- cgroups (v1 where the memory controller is mounted on its own, else v2) -------------------
if [ -f /sys/fs/cgroup/memory/memory.limit_in_bytes ]; then CGROUPS=1; else CGROUPS=2; fi
GROUP=paystream-memory-$$
cg_dirs() { # the directories of a service's cgroups
  if [ $CGROUPS = 1 ]; then
    echo "/sys/fs/cgroup/memory/$GROUP-$1 /sys/fs/cgroup/cpu/$GROUP-$1"
  else
    echo "/sys/fs/cgroup/$GROUP-$1"
  fi
}
cg_make() { # cg_make <service> <memory bytes> <CPU millicores>
  local dirs
  read -ra dirs <<<"$(cg_dirs "$1")"
  if [ $CGROUPS = 1 ]; then
    mkdir "${dirs[0]}" "${dirs[1]}"
    echo "$2" >"${dirs[0]}/memory.limit_in_bytes"
    echo 0 >"${dirs[0]}/memory.swappiness" 2>/dev/null || true
    echo 100000 >"${dirs[1]}/cpu.cfs_period_us"
    if [ "$CPU_LIMITS" = 1 ]; then echo $(($3 * 100)) >"${dirs[1]}/cpu.cfs_quota_us"; fi
  else
    echo "+memory +cpu" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
    mkdir "${dirs[0]}"
    echo "$2" >"${dirs[0]}/memory.max"
    echo 0 >"${dirs[0]}/memory.swap.max" 2>/dev/null || true
    if [ "$CPU_LIMITS" = 1 ]; then echo "$(($3 * 100)) 100000" >"${dirs[0]}/cpu.max"; fi
  fi
}
cg_peak() { # bytes: the cgroup's peak usage, page cache included
  local dirs
  read -ra dirs <<<"$(cg_dirs "$1")"
  if [ $CGROUPS = 1 ]; then cat "${dirs[0]}/memory.max_usage_in_bytes"; else cat "${dirs[0]}/memory.peak" 2>/dev/null || echo 0; fi
}
cg_ooms() { # how often the kernel killed a process of the cgroup for memory
  local dirs
  read -ra dirs <<<"$(cg_dirs "$1")"
  if [ $CGROUPS = 1 ]; then
    awk '$1 == "oom_kill" {n = $2} END {print n + 0}' "${dirs[0]}/memory.oom_control"
  else
    awk '$1 == "oom_kill" {n = $2} END {print n + 0}' "${dirs[0]}/memory.events"
  fi
}

# Limits of a service's container in deploy/k8s/base/<service>.yaml: "<bytes> <millicores>".
k8s_limits() {
  awk '
    /^ *#/ { next }
    /^ *limits:/ { inside = 1; next }
    inside && /^ *memory:/ { m = $2 }
    inside && /^ *cpu:/ { c = $2; gsub(/"/, "", c) }
    inside && !/^ *(memory|cpu):/ { inside = 0 }
    END {
      if (m ~ /Mi$/) { sub(/Mi$/, "", m); m = m * 1048576 } else if (m ~ /Gi$/) { sub(/Gi$/, "", m); m = m * 1073741824 }
      if (c ~ /m$/) { sub(/m$/, "", c) } else { c = c * 1000 }
      if (m + 0 <= 0 || c + 0 <= 0) { print "no memory and CPU limits found" > "/dev/stderr"; exit 1 }
      printf "%d %d\n", m, c
    }' "$ROOT/deploy/k8s/base/$1.yaml"
}

# --- start and stop ----------------------------------------------------------------------------
declare -A PIDS=() PEAK_RSS=()
RECEIVER_PID=""
cleanup() {
  for pid in "${PIDS[@]}" $RECEIVER_PID; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for svc in "${SERVICES[@]}"; do
    for dir in $(cg_dirs "$svc"); do [ -d "$dir" ] && rmdir "$dir" 2>/dev/null || true; done
  done
}
trap cleanup EXIT

PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -q -X)
echo "preparing database $DB and Redis index $REDIS_DB"
"${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB"
redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null
: >"$OUT/options"

# Every delivery is answered 200 at once; the count shows that deliveries flowed.
node -e '
  let n = 0;
  require("http").createServer((req, res) => { req.resume(); req.on("end", () => { n++; res.end("ok"); }); })
    .listen(+process.argv[1], "127.0.0.1");
  setInterval(() => require("fs").writeFileSync(process.argv[2], String(n)), 1000);
' "$RECEIVER_PORT" "$OUT/received" &
RECEIVER_PID=$!

start() { # start <service>: in its cgroups, as its image starts it
  local svc=$1 limits options
  read -r -a limits <<<"$(k8s_limits "$svc")"
  [ -n "${limits[1]:-}" ] || { echo "$svc: no limits in deploy/k8s/base/$svc.yaml"; exit 1; }
  cg_make "$svc" "${limits[0]}" "${limits[1]}"
  options="$(image_java_options "$svc") $EXTRA_JAVA_OPTIONS"
  echo "$svc: java $options" >>"$OUT/options"
  # shellcheck disable=SC2086 # the options are words
  env DATABASE_URL="postgresql://postgres@127.0.0.1:5432/$DB" REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB" \
    TEST_MODE=true TEST_PROCESSING_DELAY=1000 RATE_LIMIT_PER_SECOND=0 PORT="${PORTS[$svc]}" \
    QUARKUS_HTTP_HOST=127.0.0.1 INSTANCE_ID=memory WEBHOOK_ALLOW_PRIVATE_TARGETS=true \
    WEBHOOK_RETRY_INTERVALS_TEST=true LOG_JSON=false \
    bash -c 'for d in '"$(cg_dirs "$svc")"'; do echo $$ >"$d/cgroup.procs"; done; exec "$@"' -- \
    java $options -jar "$ROOT/$svc/target/quarkus-app/quarkus-run.jar" \
    >"$OUT/$svc.log" 2>&1 &
  PIDS[$svc]=$!
  PEAK_RSS[$svc]=0
}
java -version 2>&1 | head -n 1 | sed 's/^/java: /'
for svc in "${SERVICES[@]}"; do start "$svc"; done
for svc in "${SERVICES[@]}"; do
  for _ in $(seq 1 240); do
    curl -fs "http://127.0.0.1:${PORTS[$svc]}/q/health/ready" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "http://127.0.0.1:${PORTS[$svc]}/q/health/ready" >/dev/null || { echo "$svc did not start; see $OUT/$svc.log"; exit 1; }
done

echo "creating $ORDERS orders"
"${PSQL[@]}" -d "$DB" -v first=1 -v last="$ORDERS" -f "$ROOT/payments-service/bench/orders.sql"

sample() { # the highest resident memory (kB) seen of each service
  local svc rss
  for svc in "${SERVICES[@]}"; do
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/${PIDS[$svc]}/status" 2>/dev/null || echo 0)
    [ "${rss:-0}" -gt "${PEAK_RSS[$svc]}" ] && PEAK_RSS[$svc]=$rss
  done
  return 0
}
load() { # load <label> <wrk arguments...>: wrk in the background, sampling every second meanwhile
  local label=$1 wrk_pid
  shift
  wrk "$@" >"$OUT/$label.wrk" 2>&1 &
  wrk_pid=$!
  while kill -0 "$wrk_pid" 2>/dev/null; do sample; sleep 1; done
  wait "$wrk_pid" || true
  printf '%-10s %s\n' "$label" "$(grep -E '^RESULT|Requests/sec' "$OUT/$label.wrk" | tail -n 1)"
}

echo "load: payments at $CONNECTIONS connections for ${DURATION}s"
WRK_THREADS=2 ORDER_BASE=0 load payments -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s \
  -s "$ROOT/payments-service/bench/create-payment.lua" "http://127.0.0.1:${PORTS[payments-service]}"
for _ in $(seq 1 20); do sample; sleep 1; done # the last payments finish

AUTH=(-H "X-Api-Key: key_test_abc123" -H "X-Api-Secret: secret_test_xyz789" -H "Content-Type: application/json")
echo "registering a webhook endpoint (the receiver on 127.0.0.1:$RECEIVER_PORT)"
curl -fs -o /dev/null "${AUTH[@]}" -d "{\"url\":\"http://127.0.0.1:$RECEIVER_PORT/hook\"}" \
  "http://127.0.0.1:${PORTS[webhook-service]}/api/v1/webhook-endpoints"
# Redis loses everything (a restart without persistence): every service re-drives its outbox from
# PostgreSQL while the refunds come in, and webhook-service now delivers every payment event too.
# A re-drive starts after the last row every reader had finished; back at the start, it sends all
# the outbox holds, as it does while a reader has never run (the worst case, which this measures).
"${PSQL[@]}" -d "$DB" -c "UPDATE payments.outbox_cursor SET acked_txid = '0', acked_id = 0" \
  -c "UPDATE refunds.outbox_cursor SET acked_txid = '0', acked_id = 0"
redis-cli -n "$REDIS_DB" FLUSHDB >/dev/null
echo "Redis index $REDIS_DB flushed; load: refunds at $CONNECTIONS connections for ${DURATION}s, every event delivered"
ids=$("${PSQL[@]}" -d "$DB" -At -c "SELECT string_agg('\"' || id || '\"', ',') FROM (SELECT id FROM payments.payments WHERE status = 'success' LIMIT 2000) p")
[ -n "$ids" ] || { echo "no payment succeeded; see $OUT"; exit 1; }
cat >"$OUT/refunds.lua" <<LUA
local ids = {$ids}
wrk.method = "POST"
wrk.body = '{"amount":1,"reason":"memory"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Api-Key"] = "key_test_abc123"
wrk.headers["X-Api-Secret"] = "secret_test_xyz789"
request = function()
  return wrk.format(nil, "/api/v1/payments/" .. ids[math.random(#ids)] .. "/refunds")
end
LUA
load refunds -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -s "$OUT/refunds.lua" \
  "http://127.0.0.1:${PORTS[refund-service]}"
for _ in $(seq 1 30); do sample; sleep 1; done # refunds finish, deliveries catch up

# --- report ------------------------------------------------------------------------------------
mib() { awk -v b="$1" 'BEGIN { printf "%.0f MiB", b / 1048576 }'; }
echo
"${PSQL[@]}" -d "$DB" -At -c "SELECT 'payments: ' || count(*) || ' (' || count(*) FILTER (WHERE status = 'pending') || ' pending)' FROM payments.payments" \
  -c "SELECT 'refunds: ' || count(*) || ' (' || count(*) FILTER (WHERE status = 'pending') || ' pending)' FROM refunds.refunds" \
  -c "SELECT 'webhook deliveries: ' || count(*) || ' (' || count(*) FILTER (WHERE status = 'pending') || ' pending)' FROM webhooks.deliveries"
echo "deliveries received: $(cat "$OUT/received" 2>/dev/null || echo 0)"
echo
printf '%-17s %9s %9s %9s %14s %5s %6s   %s\n' service limit "heap max" "peak RSS" "cgroup peak*" OOMs alive \
  "GCs young/full, seconds"
status=0
for svc in "${SERVICES[@]}"; do
  read -r -a limits <<<"$(k8s_limits "$svc")"
  pid=${PIDS[$svc]}
  alive=no
  heap=0
  gcs=-
  if kill -0 "$pid" 2>/dev/null; then
    alive=yes
    gcs=$(jstat -gcutil "$pid" 2>/dev/null | awk 'NR == 2 {print $(NF-6) "/" $(NF-4) ", " $NF}' || echo -)
    heap=$(jcmd "$pid" VM.flags 2>/dev/null | grep -o 'MaxHeapSize=[0-9]*' | cut -d= -f2 || echo 0)
    hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${hwm:-0}" -gt "${PEAK_RSS[$svc]}" ] && PEAK_RSS[$svc]=$hwm
  fi
  peak=$((PEAK_RSS[$svc] * 1024))
  printf '%-17s %9s %9s %9s %14s %5s %6s   %s\n' "$svc" "$(mib "${limits[0]}")" "$(mib "${heap:-0}")" \
    "$(mib "$peak")" "$(mib "$(cg_peak "$svc")")" "$(cg_ooms "$svc")" "$alive" "$gcs"
  if [ "$alive" = no ] || [ "$peak" -gt $((limits[0] * 9 / 10)) ]; then status=1; fi
done
echo "* page cache included, which the kernel reclaims before it kills anything"
exit $status
