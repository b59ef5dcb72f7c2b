#!/usr/bin/env bash
# Makes sure the tools the tests, benchmarks and local run use are installed (Debian packages):
#   chromium  browser tests (driven by playwright-core; nothing downloads a browser)
#   nginx     the edge on port 8000 and the apps' origins
#   wrk, hey  load generators for the benchmarks
#   node/npm  front-end builds (expected on the machine; installed from Debian if missing)
# Usage: ensure-tools.sh [chromium] [nginx] [load] [node]   (no argument: all of them)
set -euo pipefail

log() { printf '[tools] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
want() { # want <command> <package>
  command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}

wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(chromium nginx load node)
for w in "${wanted[@]}"; do
  case "$w" in
    chromium) want chromium chromium ;;
    nginx) want nginx nginx-light ;;
    load) want wrk wrk; want hey hey ;;
    node) want node nodejs; want npm npm ;;
    *) log "unknown tool group: $w"; exit 2 ;;
  esac
done

if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { as_root apt-get update -q >/dev/null \
         && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi
log "ready: ${wanted[*]}"
