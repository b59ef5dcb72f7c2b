# Shared by up.sh and down.sh: settings, the run directory and small helpers.
# Sourced, not run.
#
# Settings (environment; the defaults run the stack a newcomer expects):
#   PAYSTREAM_RUN_DIR         logs, pids, private data        <repo>/.run
#   PAYSTREAM_EDGE_PORT       the edge (API origin)           8000
#   PAYSTREAM_PAYMENTS_PORT   payments-service                8081
#   PAYSTREAM_REFUNDS_PORT    refund-service                  8082
#   PAYSTREAM_WEBHOOKS_PORT   webhook-service                 8083
#   PAYSTREAM_DASHBOARD_PORT  dashboard app                   3000
#   PAYSTREAM_CHECKOUT_PORT   checkout app                    3001
#   PAYSTREAM_BIND            address everything listens on   127.0.0.1
#   PAYSTREAM_DB              database created and used       paystream
#   PAYSTREAM_POSTGRES        auto: reuse DATABASE_URL or 127.0.0.1:5432, else a private server;
#                             private: always a private server under the run directory
#   PAYSTREAM_REDIS           auto | private (as above, for REDIS_URL / 127.0.0.1:6379)
#   PAYSTREAM_DB_ROLES        true: each service connects as its own role, limited to its schema
#                             (deploy/k8s/base/postgres-roles.sql, as in compose and Kubernetes);
#                             not with DATABASE_URL                                    false
#   PAYSTREAM_PG_PORT         port of a private PostgreSQL    as last time, else 5432 when free, else the
#                             next free from 55432 (a running one keeps its port)
#   PAYSTREAM_REDIS_PORT      port of a private Redis         as last time, else 6379 when free, else the
#                             next free from 56379 (a running one keeps its port)
#   PAYSTREAM_BUILD           auto: build what is missing or older than its sources;
#                             missing: only what is missing; never
#   PAYSTREAM_JAVA_OPTS       JVM options of the services     -Xms64m -Xmx384m -XX:+UseSerialGC
#   PAYSTREAM_START_TIMEOUT   seconds to wait for health      240

# Debian installs nginx (and PostgreSQL's and Redis' servers' helpers) under /usr/sbin, which is
# not on an ordinary user's PATH.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUN_DIR=${PAYSTREAM_RUN_DIR:-$ROOT/.run}
mkdir -p "$RUN_DIR"
RUN_DIR=$(cd "$RUN_DIR" && pwd)
LOGS=$RUN_DIR/logs
PIDS=$RUN_DIR/pids
STATE=$RUN_DIR/state.env

EDGE_PORT=${PAYSTREAM_EDGE_PORT:-8000}
PAYMENTS_PORT=${PAYSTREAM_PAYMENTS_PORT:-8081}
REFUNDS_PORT=${PAYSTREAM_REFUNDS_PORT:-8082}
WEBHOOKS_PORT=${PAYSTREAM_WEBHOOKS_PORT:-8083}
DASHBOARD_PORT=${PAYSTREAM_DASHBOARD_PORT:-3000}
CHECKOUT_PORT=${PAYSTREAM_CHECKOUT_PORT:-3001}
BIND=${PAYSTREAM_BIND:-127.0.0.1}
# $BIND as the host of a URL or an nginx address (an IPv6 address in brackets), and where a client
# on this machine reaches what listens there (loopback, when it is every address).
case "$BIND" in
  *:*) BIND_HOST="[$BIND]" ;;
  *) BIND_HOST=$BIND ;;
esac
case "$BIND" in
  0.0.0.0) LOCAL_HOST=127.0.0.1 ;;
  ::) LOCAL_HOST='[::1]' ;;
  *) LOCAL_HOST=$BIND_HOST ;;
esac
# Whether the stack listens on loopback alone. Then webhooks to this machine's own and private
# addresses (a receiver running beside the stack) are allowed: reached from elsewhere, the seeded
# test merchant's public credentials would let anyone send requests into the private network and
# read their answers in the delivery log (WEBHOOK_ALLOW_PRIVATE_TARGETS set explicitly wins). And
# the edge, the apps (loopback-hosts.inc) and the services (PAYSTREAM_HTTP_LOCAL_NAMES_ONLY) answer
# only to this machine's names.
case "$BIND" in
  127.*|::1|localhost) LOOPBACK_ONLY=true ;;
  *) LOOPBACK_ONLY=false ;;
esac
PRIVATE_TARGETS_DEFAULT=$LOOPBACK_ONLY

# name:module:port of each service, in start order.
SERVICES=(
  "payments-service:payments-service:$PAYMENTS_PORT"
  "refund-service:refund-service:$REFUNDS_PORT"
  "webhook-service:webhook-service:$WEBHOOKS_PORT"
)
APPS=(checkout-ui dashboard-ui)

# True when a service module is part of the build (listed in the root pom.xml).
has_service() {
  grep -q "<module>$1</module>" "$ROOT/pom.xml"
}

# True when a web app is in this checkout.
has_app() {
  [ -f "$ROOT/$1/package.json" ]
}

log() { printf '[paystream] %s\n' "$*"; }
die() { printf '[paystream] error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# Where a private PostgreSQL keeps its data and its log: under the run directory, unless root runs
# a checkout the postgres user cannot reach (one in /root, say): then in /var/lib/paystream/<a
# hash of the run directory>, where down.sh finds it too.
pg_home() {
  if is_root && ! runuser -u postgres -- test -x "$RUN_DIR" 2>/dev/null; then
    echo "/var/lib/paystream/run-$(printf '%s' "$RUN_DIR" | cksum | cut -d ' ' -f 1)"
  else
    echo "$RUN_DIR/pg"
  fi
}

# The pid in pids/<name>.pid when that process is alive and is still what we started (its
# command line contains <pattern>: a recycled pid is never taken for ours). Fails otherwise.
live_pid() {
  local file=$PIDS/$1.pid pattern=$2 pid dir
  [ -f "$file" ] || return 1
  pid=$(head -n 1 "$file" 2>/dev/null | tr -dc 0-9)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$pattern" || return 1
  # Redis names only its address and port, which the machine's own may share: ours also works in
  # the run directory's redis/ (its --dir).
  if [ "$1" = redis ]; then
    dir=$(cd "$RUN_DIR/redis" 2>/dev/null && pwd -P) || return 1
    [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$dir" ] || return 1
  fi
  echo "$pid"
}

# What the command line of each component we start contains, and no other program's (see
# live_pid): after a reboot, a pid file left behind may hold the pid of the machine's own
# PostgreSQL, Redis or nginx, which down.sh must never stop.
pattern_of() {
  local home port
  case "$1" in
    postgres)
      home=$(state_get PG_HOME)
      echo "-D ${home:-$(pg_home)}/data "
      ;;
    redis) # Redis shows "redis-server <address>:<port>" as its command line.
      port=$(state_get REDIS_PORT)
      echo "redis-server 127.0.0.1:${port:-none} "
      ;;
    nginx) echo "-p $RUN_DIR/nginx " ;;
    *) echo "$RUN_DIR/apps/$1/quarkus-run.jar" ;;
  esac
}

# A URL with the password of its user part, if any, shown as ***: postgresql://app:***@db/pay.
without_password() {
  sed -E 's#^([a-z]+://[^:/@]*):[^/]*@#\1:***@#' <<<"$1"
}

# True when something accepts TCP connections on host:port.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# The first port from $1 on that nothing listens on (checked on 127.0.0.1).
free_port_from() {
  local p=$1
  while port_open 127.0.0.1 "$p"; do p=$((p + 1)); done
  echo "$p"
}

# HTTP status of a GET (000 when nothing answers).
http_status() {
  curl -s -o /dev/null -m 3 -w '%{http_code}' "$1" 2>/dev/null || true
}

# Remembered choices of earlier runs (which PostgreSQL/Redis, their URLs).
state_get() {
  [ -f "$STATE" ] || return 0
  sed -n "s/^$1=//p" "$STATE" | tail -n 1
}
state_set() {
  local tmp
  tmp=$(mktemp "$RUN_DIR/.state.XXXXXX")
  [ -f "$STATE" ] && grep -v "^$1=" "$STATE" >"$tmp" || true
  printf '%s=%s\n' "$1" "$2" >>"$tmp"
  mv "$tmp" "$STATE"
}
