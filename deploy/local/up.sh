#!/usr/bin/env bash
# Runs the whole of Paystream on this machine, in the background, without Docker:
#   PostgreSQL and Redis  reused when they answer on the standard ports (or DATABASE_URL /
#                         REDIS_URL are given), else private ones under the run directory
#   payments-service 8081, refund-service 8082, webhook-service 8083   (java -jar)
#   edge 8000, dashboard 3000, checkout 3001                           (one nginx)
# Builds what is missing or older than its sources first, waits until everything is healthy and
# prints the URLs and the test merchant. Running it again is harmless: what runs is left alone
# (with the settings it started with), what died is started again. deploy/local/down.sh stops
# what this started. A running service keeps its port and address: asking for others is refused
# (down.sh first). Logs: .run/logs/.
#
# The services' variables of API.md pass through (TEST_MODE, TEST_PROCESSING_DELAY,
# TEST_PAYMENT_SUCCESS, WEBHOOK_RETRY_INTERVALS_TEST, ADMIN_TOKEN, ENCRYPTION_KEY, LOG_JSON, …);
# WEBHOOK_ALLOW_PRIVATE_TARGETS defaults to true here while PAYSTREAM_BIND is a loopback address
# (false otherwise); bound to loopback, the edge, the apps and the services answer only to this
# machine's names. Ports and the rest: see lib.sh.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/lib.sh"

BUILD=${PAYSTREAM_BUILD:-auto}
DB_NAME=${PAYSTREAM_DB:-paystream}
JAVA_OPTS=${PAYSTREAM_JAVA_OPTS:--Xms64m -Xmx384m -XX:+UseSerialGC}
START_TIMEOUT=${PAYSTREAM_START_TIMEOUT:-240}
mkdir -p "$LOGS" "$PIDS"

# ---------------------------------------------------------------- tools

need_tools() {
  command -v java >/dev/null || die "java (JDK 17+) is needed"
  command -v curl >/dev/null || die "curl is needed"
  command -v nginx >/dev/null || "$ROOT/deploy/local/ensure-tools.sh" nginx
  if ! command -v psql >/dev/null || ! command -v redis-server >/dev/null; then
    is_root || die "PostgreSQL and Redis tools are missing: apt-get install postgresql redis-server"
    log "installing PostgreSQL and Redis (Debian packages)"
    "$ROOT/deploy/local/ensure-infra.sh" --packages-only
  fi
}

# ---------------------------------------------------------------- build

# True when $1 is missing, or (PAYSTREAM_BUILD=auto) a file under the other arguments is newer.
stale() {
  local target=$1
  shift
  [ -e "$target" ] || return 0
  [ "$BUILD" = auto ] || return 1
  [ -n "$(find "$@" -type f -newer "$target" -not -path '*/node_modules/*' \
    -not -path '*/target/*' -not -path '*/dist/*' -print -quit 2>/dev/null)" ]
}

build() {
  [ "$BUILD" = never ] && return 0
  local modules=() entry module jar
  for entry in "${SERVICES[@]}"; do
    module=$(cut -d: -f2 <<<"$entry")
    has_service "$module" || continue
    jar=$ROOT/$module/target/quarkus-app/quarkus-run.jar
    if stale "$jar" "$ROOT/pom.xml" "$ROOT/shared-model/pom.xml" "$ROOT/shared-model/src/main" \
      "$ROOT/$module/pom.xml" "$ROOT/$module/src/main"; then
      modules+=("$module")
    fi
  done
  if [ ${#modules[@]} -gt 0 ]; then
    local list
    list=$(IFS=,; echo "${modules[*]}")
    log "building $list (log: $LOGS/build.log)"
    (cd "$ROOT" && ./mvnw -q -B -DskipTests -Dspotless.check.skip=true package -pl "$list" -am) \
      >"$LOGS/build.log" 2>&1 || { tail -n 40 "$LOGS/build.log" >&2; die "the build failed"; }
  fi
  local app
  for app in "${APPS[@]}"; do
    has_app "$app" || continue
    if [ -z "$(ls -A "$ROOT/$app/dist" 2>/dev/null)" ] \
      || stale "$ROOT/$app/dist" "$ROOT/$app/src" "$ROOT/$app/package.json" \
        $(ls -d "$ROOT/$app"/*.mjs "$ROOT/$app"/*.js "$ROOT/$app/index.html" "$ROOT/$app/public" 2>/dev/null); then
      "$ROOT/deploy/local/ensure-tools.sh" node >/dev/null # Node.js 20+ with npm, or a clear error
      log "building $app (log: $LOGS/build-$app.log)"
      (cd "$ROOT/$app" && { [ -d node_modules ] || npm install --no-audit --no-fund --loglevel=error; } \
        && npm run build) >"$LOGS/build-$app.log" 2>&1 \
        || { tail -n 40 "$LOGS/build-$app.log" >&2; die "building $app failed"; }
    fi
  done
}

# ---------------------------------------------------------------- PostgreSQL

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
  echo "$dir"
}

# Runs a PostgreSQL server command as the user that owns the private data: initdb and postgres
# refuse to run as root, so as root that is the system's postgres user.
as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

# True when <url> takes a query without being asked for a password (psql -w never prompts: a
# server that wants one it was not given cannot be used). A server that is full ("too many
# clients") is asked again for up to <seconds> (default 30): it is there, just busy.
can_use_pg() { # can_use_pg <url> [seconds]
  local deadline=$((SECONDS + ${2:-30})) err
  while :; do
    err=$(psql "$1" -w -X -q -tAc 'select 1' 2>&1 >/dev/null) && return 0
    case "$err" in *"too many clients"* | *"starting up"* | *"remaining connection slots"*) ;; *) return 1 ;; esac
    [ $SECONDS -lt $deadline ] || return 1
    sleep 1
  done
}

# not_applied <variable> <port> <what>: says so when <variable> asks for another port than the one
# <what>, left running, listens on.
not_applied() {
  local wanted=${!1:-}
  if [ -n "$wanted" ] && [ "$wanted" != "$2" ]; then
    log "$1=$wanted not applied: $3 already runs on port $2 (deploy/local/down.sh stops it)"
  fi
}

start_private_pg() {
  local bin home data port pid pglog
  bin=$(pg_bin)
  home=$(pg_home)
  data=$home/data
  if [ "$home" = "$RUN_DIR/pg" ]; then pglog=$LOGS/postgres.log; else pglog=$home/postgres.log; fi
  # A running server keeps its port; otherwise PAYSTREAM_PG_PORT wins over the port of last time.
  if pid=$(live_pid postgres "$(pattern_of postgres)"); then
    port=$(state_get PG_PORT)
    not_applied PAYSTREAM_PG_PORT "$port" "the private PostgreSQL"
  else
    pid=
    port=${PAYSTREAM_PG_PORT:-$(state_get PG_PORT)}
  fi
  if [ -z "$port" ]; then
    if port_open 127.0.0.1 5432; then port=$(free_port_from 55432); else port=5432; fi
  fi
  PG_URL="postgresql://postgres@127.0.0.1:$port"
  if [ -n "$pid" ]; then
    log "PostgreSQL (private, pid $pid) on 127.0.0.1:$port"
  else
    if is_root; then
      id postgres >/dev/null 2>&1 || die "no postgres user to run a private PostgreSQL as (apt-get install postgresql)"
    fi
    mkdir -p "$home"
    touch "$pglog"
    state_set PG_HOME "$home"
    if is_root; then
      chown postgres: "$home" "$pglog"
      runuser -u postgres -- test -w "$home" \
        || die "the postgres user cannot reach $home: set PAYSTREAM_RUN_DIR elsewhere, or DATABASE_URL"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      log "creating a private PostgreSQL cluster in $data"
      as_pg "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-instructions >>"$pglog" 2>&1 \
        || { tail -n 20 "$pglog" >&2; die "initdb failed"; }
      as_pg sh -c "printf '%s\n' \"listen_addresses = '127.0.0.1'\" \"unix_socket_directories = ''\" \
        'max_connections = 200' 'fsync = on' >> '$data/postgresql.conf'"
    fi
    if port_open 127.0.0.1 "$port"; then
      die "port $port (private PostgreSQL) is taken: set PAYSTREAM_PG_PORT"
    fi
    log "starting a private PostgreSQL on 127.0.0.1:$port"
    as_pg "$bin/pg_ctl" -D "$data" -l "$pglog" -o "-p $port" -w -t 60 start >/dev/null \
      || { tail -n 20 "$pglog" >&2; die "PostgreSQL did not start"; }
    head -n 1 "$data/postmaster.pid" >"$PIDS/postgres.pid"
  fi
  state_set PG_KIND private
  state_set PG_PORT "$port"
}

# Sets PG_URL (server, no database) and DATABASE_URL (the Paystream database).
setup_postgres() {
  local mode=${PAYSTREAM_POSTGRES:-auto} given=${DATABASE_URL:-}
  if [ -n "$given" ]; then
    local base=${given%%\?*}
    PG_URL=${base%/*}
    DB_NAME=${base##*/}
    PG_NOTE="given by DATABASE_URL"
    can_use_pg "$given" || can_use_pg "$PG_URL/postgres" || die "cannot connect to DATABASE_URL"
    state_set PG_KIND given
  elif [ "$mode" != private ] && [ "$(state_get PG_KIND)" = reused ]; then
    # An earlier run chose this server: keep it (its data is this stack's), never switch.
    PG_URL="postgresql://postgres@127.0.0.1:5432"
    PG_NOTE="reused: already running"
    can_use_pg "$PG_URL/postgres" 60 \
      || die "PostgreSQL on 127.0.0.1:5432, which this stack uses, does not answer (down.sh --wipe forgets that choice)"
  elif [ "$mode" != private ] && [ "$(state_get PG_KIND)" != private ] \
    && can_use_pg "postgresql://postgres@127.0.0.1:5432/postgres"; then
    PG_URL="postgresql://postgres@127.0.0.1:5432"
    PG_NOTE="reused: already running"
    state_set PG_KIND reused
  else
    start_private_pg
    PG_NOTE="private: $(pg_home), stopped by down.sh"
  fi
  create_database
  DATABASE_URL=${given:-$PG_URL/$DB_NAME}
  export DATABASE_URL
  if [ "${PAYSTREAM_DB_ROLES:-false}" = true ]; then
    [ -z "$given" ] || die "PAYSTREAM_DB_ROLES needs a server up.sh may create roles on, not DATABASE_URL"
    create_roles
  fi
}

# The database role of a service (postgres-roles.sql).
role_of() {
  case "$1" in
    payments-service) echo payments ;;
    refund-service) echo refunds ;;
    webhook-service) echo webhooks ;;
  esac
}

# One role per service, owning its schema and nothing else; passwords made once, kept in state.env.
create_roles() {
  local role pw args=()
  for role in payments refunds webhooks; do
    pw=$(state_get "ROLE_PASSWORD_$role")
    if [ -z "$pw" ]; then
      pw=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')
      state_set "ROLE_PASSWORD_$role" "$pw"
    fi
    args+=(-v "${role}_password=$pw")
  done
  psql "$PG_URL/postgres" -w -X -q -v ON_ERROR_STOP=1 -v dbname="$DB_NAME" "${args[@]}" \
    -f "$ROOT/deploy/k8s/base/postgres-roles.sql" >>"$LOGS/postgres-client.log" 2>&1 \
    || { tail -n 10 "$LOGS/postgres-client.log" >&2; die "creating the services' database roles failed"; }
  PG_NOTE="$PG_NOTE; one role per service"
}

# DATABASE_URL of a service: its own role's with PAYSTREAM_DB_ROLES, else the stack's.
database_url_of() {
  local role pw
  if [ "${PAYSTREAM_DB_ROLES:-false}" = true ]; then
    role=$(role_of "$1")
    pw=$(state_get "ROLE_PASSWORD_$role")
    echo "postgresql://$role:$pw@${PG_URL#postgresql://*@}/$DB_NAME"
  else
    echo "$DATABASE_URL"
  fi
}

create_database() {
  local exists
  exists=$(psql "$PG_URL/postgres" -w -X -q -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" 2>/dev/null || true)
  if [ "$exists" != 1 ]; then
    if psql "$PG_URL/postgres" -w -X -q -c "CREATE DATABASE \"$DB_NAME\"" >/dev/null 2>>"$LOGS/postgres-client.log"; then
      log "created database $DB_NAME"
      FRESH_DATABASE=yes
    else
      # A restricted role may not see or create databases; then the database must exist already.
      can_use_pg "$PG_URL/$DB_NAME" || die "database $DB_NAME does not exist and cannot be created"
    fi
  fi
}

# ---------------------------------------------------------------- Redis

redis_ping() { [ "$(redis-cli -h 127.0.0.1 -p "$1" ping 2>/dev/null)" = PONG ]; }

start_private_redis() {
  local port pid
  # A running server keeps its port; otherwise PAYSTREAM_REDIS_PORT wins over the port of last time.
  port=$(state_get REDIS_PORT)
  if [ -n "$port" ] && pid=$(live_pid redis "$(pattern_of redis)") && redis_ping "$port"; then
    not_applied PAYSTREAM_REDIS_PORT "$port" "the private Redis"
  else
    pid=
    port=${PAYSTREAM_REDIS_PORT:-$port}
  fi
  if [ -z "$port" ]; then
    if port_open 127.0.0.1 6379; then port=$(free_port_from 56379); else port=6379; fi
  fi
  if [ -n "$pid" ]; then
    log "Redis (private, pid $pid) on 127.0.0.1:$port"
  else
    port_open 127.0.0.1 "$port" && die "port $port (private Redis) is taken: set PAYSTREAM_REDIS_PORT"
    mkdir -p "$RUN_DIR/redis"
    log "starting a private Redis on 127.0.0.1:$port (append-only file in $RUN_DIR/redis)"
    nohup redis-server --port "$port" --bind 127.0.0.1 --dir "$RUN_DIR/redis" \
      --appendonly yes --appendfsync everysec --save "" --daemonize no \
      >>"$LOGS/redis.log" 2>&1 </dev/null &
    echo $! >"$PIDS/redis.pid"
    for _ in $(seq 1 50); do redis_ping "$port" && break; sleep 0.2; done
    redis_ping "$port" || { tail -n 20 "$LOGS/redis.log" >&2; die "Redis did not start"; }
  fi
  state_set REDIS_KIND private
  state_set REDIS_PORT "$port"
  REDIS_URL="redis://127.0.0.1:$port"
}

# Sets REDIS_URL.
setup_redis() {
  local mode=${PAYSTREAM_REDIS:-auto}
  if [ -n "${REDIS_URL:-}" ]; then
    REDIS_NOTE="given by REDIS_URL"
    state_set REDIS_KIND given
  elif [ "$mode" != private ] && [ "$(state_get REDIS_KIND)" = reused ]; then
    REDIS_URL="redis://127.0.0.1:6379${PAYSTREAM_REDIS_DB:+/$PAYSTREAM_REDIS_DB}"
    REDIS_NOTE="reused: already running"
    for _ in $(seq 1 30); do redis_ping 6379 && break; sleep 1; done
    redis_ping 6379 || die "Redis on 127.0.0.1:6379, which this stack uses, does not answer (down.sh --wipe forgets that choice)"
  elif [ "$mode" != private ] && [ "$(state_get REDIS_KIND)" != private ] && redis_ping 6379; then
    REDIS_URL="redis://127.0.0.1:6379${PAYSTREAM_REDIS_DB:+/$PAYSTREAM_REDIS_DB}"
    REDIS_NOTE="reused: already running"
    state_set REDIS_KIND reused
  else
    start_private_redis
    REDIS_NOTE="private: $RUN_DIR/redis, stopped by down.sh"
  fi
  export REDIS_URL
  # Streams left by a stack on another database would be read as this one's events.
  if [ "${FRESH_DATABASE:-no}" = yes ] && [ -n "$(redis-cli -u "$REDIS_URL" --scan --pattern 'paystream:*' 2>/dev/null | head -n 1)" ]; then
    log "warning: $(without_password "$REDIS_URL") already holds Paystream streams of another database; use an empty one"
    log "         (PAYSTREAM_REDIS_DB=<index>, PAYSTREAM_REDIS=private, or REDIS_URL)"
  fi
}

# ---------------------------------------------------------------- services

# What a service reads from the environment at its start (docs/api.md; passed on by up.sh).
SERVICE_SETTINGS=(TEST_MODE TEST_PROCESSING_DELAY TEST_PAYMENT_SUCCESS WEBHOOK_RETRY_INTERVALS_TEST
  WEBHOOK_ALLOW_PRIVATE_TARGETS ADMIN_TOKEN ENCRYPTION_KEY LOG_JSON RATE_LIMIT_PER_SECOND
  RATE_LIMIT_BURST DB_POOL_SIZE INSTANCE_ID ACCESS_LOG)
KEPT_RUNNING=() # services found running and left alone

# A service left running keeps the address and port it listens on: the edge, pointed at others,
# would find nothing there. Asking for others is refused before anything changes.
check_kept_places() {
  local entry name module port key was_port was_bind
  was_bind=$(state_get BIND)
  for entry in "${SERVICES[@]}"; do
    IFS=: read -r name module port <<<"$entry"
    live_pid "$name" "$(pattern_of "$name")" >/dev/null || continue
    key=PORT_${name//-/_}
    was_port=$(state_get "$key")
    if [ "${was_port:-$port}" != "$port" ] || [ "${was_bind:-$BIND}" != "$BIND" ]; then
      die "$name runs on ${was_bind:-$BIND} port ${was_port:-$port}: stop the stack first (${PAYSTREAM_RUN_DIR:+PAYSTREAM_RUN_DIR=$RUN_DIR }deploy/local/down.sh) to start it on $BIND port $port"
    fi
  done
}

start_service() { # start_service <name> <module> <port>
  local name=$1 module=$2 port=$3 jar pid
  jar=$ROOT/$module/target/quarkus-app/quarkus-run.jar
  if ! has_service "$module"; then
    log "skipped $name: it is not part of this checkout's build yet"
    return
  fi
  if pid=$(live_pid "$name" "$(pattern_of "$name")"); then
    KEPT_RUNNING+=("$name")
    if [ "$jar" -nt "$PIDS/$name.pid" ]; then
      log "$name (pid $pid) runs an older build: down.sh then up.sh restarts it"
    else
      log "$name already running (pid $pid)"
    fi
    return
  fi
  [ -f "$jar" ] || die "$jar is missing (PAYSTREAM_BUILD=$BUILD)"
  port_open "$BIND" "$port" && die "port $port ($name) is taken by another program: set its PAYSTREAM_*_PORT"
  log "starting $name on $BIND:$port"
  # It runs from a copy: a rebuild of target/ while it runs must not pull classes from under it.
  rm -rf "$RUN_DIR/apps/$name"
  mkdir -p "$RUN_DIR/apps"
  cp -r "$ROOT/$module/target/quarkus-app" "$RUN_DIR/apps/$name"
  printf '\n===== %s started by up.sh =====\n' "$(date -u +%FT%TZ)" >>"$LOGS/$name.log"
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of options
  env PORT="$port" \
    DATABASE_URL="$(database_url_of "$name")" \
    INSTANCE_ID="${INSTANCE_ID:-$name-local}" \
    QUARKUS_HTTP_HOST="$BIND" \
    WEBHOOK_ALLOW_PRIVATE_TARGETS="${WEBHOOK_ALLOW_PRIVATE_TARGETS:-$PRIVATE_TARGETS_DEFAULT}" \
    PAYSTREAM_HTTP_LOCAL_NAMES_ONLY="$LOOPBACK_ONLY" \
    LOG_JSON="${LOG_JSON:-false}" \
    ACCESS_LOG="${ACCESS_LOG:-true}" \
    QUARKUS_HTTP_RECORD_REQUEST_START_TIME="${QUARKUS_HTTP_RECORD_REQUEST_START_TIME:-true}" \
    QUARKUS_HTTP_ACCESS_LOG_PATTERN="${QUARKUS_HTTP_ACCESS_LOG_PATTERN:-%h \"%r\" %s %b %Dms request_id=%{o,X-Request-Id}}" \
    nohup java $JAVA_OPTS -jar "$RUN_DIR/apps/$name/quarkus-run.jar" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
  state_set "PORT_${name//-/_}" "$port"
  state_set BIND "$BIND"
}

# A service left running keeps the environment it started with: says so when settings are given.
note_kept_settings() {
  local var given=()
  [ ${#KEPT_RUNNING[@]} -gt 0 ] || return 0
  for var in "${SERVICE_SETTINGS[@]}"; do
    [ -z "${!var+set}" ] || given+=("$var")
  done
  [ ${#given[@]} -gt 0 ] || return 0
  log "note: services already running keep the settings they started with (${KEPT_RUNNING[*]}):"
  log "      ${given[*]} not applied to them; ${PAYSTREAM_RUN_DIR:+PAYSTREAM_RUN_DIR=$RUN_DIR }deploy/local/down.sh then up.sh applies them"
}

# ---------------------------------------------------------------- edge and apps (nginx)

# render <template> <output>: fills the ${VARS} below (as the nginx image's envsubst does in
# compose), leaving nginx's own $variables alone. Plain bash: nothing to install.
render() {
  local text name value
  text=$(<"$1")
  shopt -u patsub_replacement 2>/dev/null || true # "&" in a value is literal
  for name in RUN_DIR NGINX_USER_LINE EDGE_LISTEN PAYMENTS_UPSTREAM REFUNDS_UPSTREAM WEBHOOKS_UPSTREAM \
    DASHBOARD_LISTEN DASHBOARD_ROOT CHECKOUT_LISTEN CHECKOUT_ROOT PUBLIC_API_URL PUBLIC_CHECKOUT_URL; do
    value=${!name-}
    text=${text//"\${$name}"/$value}
  done
  printf '%s\n' "$text" >"$2"
}

start_nginx() {
  local conf=$RUN_DIR/nginx pid
  mkdir -p "$conf/paystream" "$conf/tmp"
  cp "$ROOT"/deploy/edge/nginx/*.inc "$conf/paystream/"
  if [ "$LOOPBACK_ONLY" = true ]; then
    cp "$ROOT/deploy/local/loopback-hosts.inc" "$conf/paystream/hosts.inc"
  fi
  export RUN_DIR
  export EDGE_LISTEN="$BIND_HOST:$EDGE_PORT" DASHBOARD_LISTEN="$BIND_HOST:$DASHBOARD_PORT" CHECKOUT_LISTEN="$BIND_HOST:$CHECKOUT_PORT"
  # The services listen on $BIND too: the edge reaches them there.
  export PAYMENTS_UPSTREAM="$LOCAL_HOST:$PAYMENTS_PORT" REFUNDS_UPSTREAM="$LOCAL_HOST:$REFUNDS_PORT" WEBHOOKS_UPSTREAM="$LOCAL_HOST:$WEBHOOKS_PORT"
  # The apps are served from copies too (a rebuild empties dist/ for a moment).
  local app
  for app in dashboard-ui checkout-ui; do
    has_app "$app" || continue
    rm -rf "$RUN_DIR/web/$app.new"
    mkdir -p "$RUN_DIR/web"
    cp -r "$ROOT/$app/dist" "$RUN_DIR/web/$app.new"
    rm -rf "$RUN_DIR/web/$app"
    mv "$RUN_DIR/web/$app.new" "$RUN_DIR/web/$app"
  done
  export DASHBOARD_ROOT="$RUN_DIR/web/dashboard-ui" CHECKOUT_ROOT="$RUN_DIR/web/checkout-ui"
  export PUBLIC_API_URL="http://localhost:$EDGE_PORT" PUBLIC_CHECKOUT_URL="http://localhost:$CHECKOUT_PORT"
  NGINX_USER_LINE=""
  if is_root; then
    # Workers drop to nobody when nobody can read the apps' files; else (a checkout under a
    # private home directory) they keep root's rights, bound to $BIND only.
    if runuser -u nobody -- test -r "$CHECKOUT_ROOT/checkout.html" 2>/dev/null; then
      NGINX_USER_LINE="user nobody nogroup;"
      chown -R nobody: "$conf/tmp"
    else
      NGINX_USER_LINE="user root root;"
    fi
  fi
  export NGINX_USER_LINE
  render "$ROOT/deploy/local/nginx.conf.template" "$conf/nginx.conf"
  render "$ROOT/deploy/edge/nginx/edge.conf.template" "$conf/edge.conf"
  render "$ROOT/deploy/edge/nginx/apps.conf.template" "$conf/apps.conf"
  nginx -q -t -p "$conf" -c nginx.conf 2>>"$LOGS/nginx-error.log" \
    || { tail -n 10 "$LOGS/nginx-error.log" >&2; die "the nginx configuration is invalid"; }
  if pid=$(live_pid nginx "$(pattern_of nginx)"); then
    log "edge and apps already running (nginx pid $pid): configuration reloaded"
    nginx -p "$conf" -c nginx.conf -s reload 2>>"$LOGS/nginx-error.log"
    return
  fi
  local port
  for port in "$EDGE_PORT" "$DASHBOARD_PORT" "$CHECKOUT_PORT"; do
    port_open "$BIND" "$port" && die "port $port is taken by another program: set PAYSTREAM_EDGE_PORT / _DASHBOARD_PORT / _CHECKOUT_PORT"
  done
  log "starting the edge on $BIND_HOST:$EDGE_PORT and the apps on $DASHBOARD_PORT, $CHECKOUT_PORT (nginx)"
  nginx -p "$conf" -c nginx.conf 2>>"$LOGS/nginx-error.log" \
    || { tail -n 10 "$LOGS/nginx-error.log" >&2; die "nginx did not start"; }
}

# ---------------------------------------------------------------- health

wait_healthy() {
  local deadline=$((SECONDS + START_TIMEOUT)) pending entry name module port code
  log "waiting until everything is healthy (at most ${START_TIMEOUT}s)"
  while :; do
    pending=()
    for entry in "${SERVICES[@]}"; do
      IFS=: read -r name module port <<<"$entry"
      has_service "$module" || continue
      if ! live_pid "$name" "$(pattern_of "$name")" >/dev/null; then
        tail -n 30 "$LOGS/$name.log" >&2
        die "$name exited: see $LOGS/$name.log"
      fi
      [ "$(http_status "http://$LOCAL_HOST:$port/q/health/ready")" = 200 ] || pending+=("$name")
    done
    [ "$(http_status "http://$LOCAL_HOST:$EDGE_PORT/health")" = 200 ] || pending+=("edge /health")
    for entry in "dashboard-ui:$DASHBOARD_PORT" "checkout-ui:$CHECKOUT_PORT"; do
      IFS=: read -r name port <<<"$entry"
      has_app "$name" || continue
      code=$(http_status "http://$LOCAL_HOST:$port/")
      case "$code" in 200 | 30?) ;; *) pending+=("$name") ;; esac
    done
    [ ${#pending[@]} -eq 0 ] && return 0
    [ $SECONDS -lt $deadline ] || die "not healthy after ${START_TIMEOUT}s: ${pending[*]} (logs: $LOGS)"
    sleep 1
  done
}

summary() {
  local merchant key email host=$BIND_HOST
  [ "$BIND" = 0.0.0.0 ] || [ "$BIND" = 127.0.0.1 ] && host=localhost
  merchant=$(curl -s -m 5 "http://$LOCAL_HOST:$EDGE_PORT/api/v1/test/merchant" || true)
  key=$(sed -n 's/.*"api_key":"\([^"]*\)".*/\1/p' <<<"$merchant")
  email=$(sed -n 's/.*"email":"\([^"]*\)".*/\1/p' <<<"$merchant")
  cat <<EOF

Paystream is up.
  API (edge)         http://$host:$EDGE_PORT          health: http://$host:$EDGE_PORT/health
  dashboard          http://$host:$DASHBOARD_PORT          login ${email:-test@example.com} / password
  checkout           http://$host:$CHECKOUT_PORT/checkout?order_id=<order id>   (demo shop: http://$host:$CHECKOUT_PORT/)
  payments-service   http://$host:$PAYMENTS_PORT   refund-service http://$host:$REFUNDS_PORT   webhook-service http://$host:$WEBHOOKS_PORT
  PostgreSQL         $(without_password "$DATABASE_URL")   ($PG_NOTE)
  Redis              $(without_password "$REDIS_URL")   ($REDIS_NOTE)
  logs               $LOGS
  stop               ${PAYSTREAM_RUN_DIR:+PAYSTREAM_RUN_DIR=$RUN_DIR }deploy/local/down.sh

Test merchant: X-Api-Key: ${key:-key_test_abc123}   X-Api-Secret: secret_test_xyz789   (webhook secret whsec_test_abc123 until rotated)
  curl -s http://$host:$EDGE_PORT/api/v1/orders -H 'X-Api-Key: ${key:-key_test_abc123}' -H 'X-Api-Secret: secret_test_xyz789' \\
       -H 'Content-Type: application/json' -d '{"amount": 50000}'
EOF
}

need_tools
check_kept_places
build
setup_postgres
setup_redis
state_set DATABASE_URL "$DATABASE_URL"
state_set REDIS_URL "$REDIS_URL"
for entry in "${SERVICES[@]}"; do
  IFS=: read -r name module port <<<"$entry"
  start_service "$name" "$module" "$port"
done
start_nginx
wait_healthy
summary
note_kept_settings
