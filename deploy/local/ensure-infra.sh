#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432, user postgres reachable without a password) and Redis
# (127.0.0.1:6379) answer. Reuses servers already running; otherwise starts the installed ones;
# otherwise, as root on Debian, installs them first. Safe to run any number of times.
#   --packages-only   only install what is missing (up.sh starts private servers itself)
set -euo pipefail

log() { printf '[infra] %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  log "installing $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null \
    || { as_root apt-get update -q >/dev/null && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null; }
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
redis_up() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; }

ensure_postgres() {
  command -v pg_isready >/dev/null || apt_install postgresql postgresql-client
  if pg_up; then log "PostgreSQL is up"; return; fi
  local fresh=no
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
    fresh=yes
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ "$fresh" = yes ]; then
    # A cluster we just installed: let local TCP connections in without a password, as on the
    # project's machines (development and CI only).
    local hba="/etc/postgresql/$version/main/pg_hba.conf"
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  log "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { log "PostgreSQL did not come up"; exit 1; }
}

ensure_redis() {
  command -v redis-server >/dev/null || apt_install redis-server
  command -v redis-cli >/dev/null || apt_install redis-tools
  if redis_up; then log "Redis is up"; return; fi
  log "starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/paystream.log
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  redis_up || { log "Redis did not come up"; exit 1; }
}

if [ "${1:-}" = --packages-only ]; then
  command -v pg_isready >/dev/null && ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
    || apt_install postgresql postgresql-client
  command -v redis-server >/dev/null || apt_install redis-server
  command -v redis-cli >/dev/null || apt_install redis-tools
  exit 0
fi
ensure_postgres
ensure_redis
