#!/usr/bin/env bash
# Stops exactly what deploy/local/up.sh started (by its pid files in $PAYSTREAM_RUN_DIR/pids):
# the services, nginx, and the private PostgreSQL / Redis when up.sh started them. A PostgreSQL or
# Redis that up.sh merely reused is never touched. Data (private database, Redis append-only file)
# and logs stay; `down.sh --wipe` also deletes the private data.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/lib.sh"

WIPE=no
[ "${1:-}" = --wipe ] && WIPE=yes

# stop <name> <seconds>: SIGTERM (graceful: in-flight work finishes), SIGKILL after <seconds>.
stop() {
  local name=$1 grace=$2 pid
  if pid=$(live_pid "$name" "$(pattern_of "$name")"); then
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((grace * 5))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name did not stop within ${grace}s: killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$PIDS/$name.pid"
}

for entry in "${SERVICES[@]}"; do
  IFS=: read -r name _ _ <<<"$entry"
  stop "$name" 25
done

if pid=$(live_pid nginx "$(pattern_of nginx)"); then
  log "stopping the edge and apps (nginx pid $pid)"
  nginx -p "$RUN_DIR/nginx" -c nginx.conf -s quit 2>/dev/null || kill -QUIT "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
fi
rm -f "$PIDS/nginx.pid"

# Private Redis: SIGTERM makes it flush its append-only file and exit.
stop redis 10

# Where up.sh put the private PostgreSQL, as it recorded it.
PG_HOME=$(state_get PG_HOME)
PG_HOME=${PG_HOME:-$(pg_home)}
if pid=$(live_pid postgres "$(pattern_of postgres)"); then
  log "stopping the private PostgreSQL"
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  if is_root; then
    runuser -u postgres -- "$bin/pg_ctl" -D "$PG_HOME/data" -m fast -w stop >/dev/null || kill -INT "$pid" || true
  else
    "$bin/pg_ctl" -D "$PG_HOME/data" -m fast -w stop >/dev/null || kill -INT "$pid" || true
  fi
fi
rm -f "$PIDS/postgres.pid"

if [ "$WIPE" = yes ]; then
  log "deleting the private data in $PG_HOME and $RUN_DIR/redis"
  rm -rf "$PG_HOME" "$RUN_DIR/redis"
  rm -f "$STATE"
fi
log "stopped (logs stay in $LOGS)"
