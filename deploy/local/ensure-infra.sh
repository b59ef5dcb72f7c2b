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

# Logs in as postgres over TCP without a password (-w: never prompts; neither PGPASSWORD nor a
# password file: a path that cannot exist); prints psql's error when that fails.
pg_login() {
  # shellcheck disable=SC2069 # stderr to the caller, stdout dropped
  env -u PGPASSWORD PGPASSFILE=/dev/null/pgpass \
    psql -w -X -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc 'select 1' 2>&1 >/dev/null
}

# The lines that let local TCP connections in without a password, as on the project's machines
# (development and CI only).
TRUST_LINES=("host all all 127.0.0.1/32 trust" "host all all ::1/128 trust")

# hba_trusts_local <pg_hba.conf>: true when its first two rules are the trust lines (first match
# wins, so only there do they take effect).
hba_trusts_local() {
  local first
  # shellcheck disable=SC2016 # awk's own $1
  first=$(as_root awk '!/^[[:space:]]*(#|$)/ { $1 = $1; print; if (++n == 2) exit }' "$1")
  [ "$first" = "$(printf '%s\n' "${TRUST_LINES[@]}")" ]
}

# hba_add_trust <pg_hba.conf>: puts the trust lines at the top, unless they are there already
# (running it again changes nothing). Owner and mode of the file stay. False when nothing changed.
hba_add_trust() {
  local hba=$1 tmp
  hba_trusts_local "$hba" && return 1
  tmp=$(mktemp)
  { printf '# local TCP without a password (deploy/local/ensure-infra.sh; development and CI only)\n'
    printf '%s\n' "${TRUST_LINES[@]}"
    as_root cat "$hba"; } >"$tmp"
  # shellcheck disable=SC2016 # the inner shell's arguments
  as_root sh -c 'cat "$1" >"$2"' sh "$tmp" "$hba"
  rm -f "$tmp"
}

# The Debian cluster serving 127.0.0.1:5432 ("<version> <name>"), if any.
debian_cluster() {
  command -v pg_lsclusters >/dev/null || return 1
  pg_lsclusters -h 2>/dev/null | awk '$3 == 5432 && $4 ~ /^online/ { print $1, $2; found = 1; exit } END { exit !found }'
}

# The promise of the header: user postgres logs in over 127.0.0.1 without a password. When the
# server asks for one and is a Debian cluster of this machine, the trust lines go at the top of its
# pg_hba.conf; a server that already lets postgres in is never changed.
ensure_pg_login() {
  local err version cluster hba
  if err=$(pg_login); then
    log "user postgres logs in over 127.0.0.1 without a password (pg_hba.conf left as it is)"
    return
  fi
  case "$err" in
    *"no password supplied"* | *"authentication failed"* | *"no pg_hba.conf entry"*)
      if read -r version cluster < <(debian_cluster) && hba=/etc/postgresql/$version/$cluster/pg_hba.conf \
        && [ -f "$hba" ]; then
        if hba_add_trust "$hba"; then
          log "letting local TCP connections in without a password: trust lines added to $hba"
        fi
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" reload || true
        for _ in $(seq 1 20); do err=$(pg_login) && break; sleep 0.5; done
        if err=$(pg_login); then
          log "user postgres logs in over 127.0.0.1 without a password"
          return
        fi
      fi
      ;;
  esac
  {
    log "user postgres cannot log in to PostgreSQL on 127.0.0.1:5432 without a password:"
    log "  ${err//$'\n'/ }"
    log "Let it in: put 'host all all 127.0.0.1/32 trust' and 'host all all ::1/128 trust' first in"
    log "that server's pg_hba.conf and reload it (development and CI only); the role postgres must exist."
  } >&2
  exit 1
}

ensure_postgres() {
  { command -v pg_isready && command -v psql; } >/dev/null || apt_install postgresql postgresql-client
  if pg_up; then
    log "PostgreSQL is up"
  else
    ls /etc/postgresql/*/main >/dev/null 2>&1 || apt_install postgresql
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    log "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_up && break; sleep 1; done
    pg_up || { log "PostgreSQL did not come up" >&2; exit 1; }
  fi
  ensure_pg_login
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
  redis_up || { log "Redis did not come up" >&2; exit 1; }
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
