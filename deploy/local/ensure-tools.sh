#!/usr/bin/env bash
# Makes sure the tools the tests, benchmarks and local run use are installed (Debian packages):
#   chromium  browser tests (driven by playwright-core; nothing downloads a browser)
#   nginx     the edge on port 8000 and the apps' origins
#   wrk, hey  load generators for the benchmarks, and python3 (their scripts use it)
#   node/npm  front-end builds: Node.js 20 or later must be on the machine already (Debian 12's
#             nodejs is 18, too old for the apps); checked, never installed
#   cc        a C compiler (gcc): tests build a small library that steps a service's wall clock
#   promtool  checks and unit-tests the Prometheus alerts (deploy/k8s/components/monitoring):
#             taken out of Debian's prometheus package into /usr/local/bin, without installing
#             the package, whose server would start and listen on port 9090
# Usage: ensure-tools.sh [chromium] [nginx] [load] [node] [cc] [promtool]   (no argument: all)
set -euo pipefail
# Debian installs nginx under /usr/sbin, which is not on an ordinary user's PATH.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac

log() { printf '[tools] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
want() { # want <command> <package>
  command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}

# True when node is there, version 20 or later, and npm with it.
node_ok() {
  local major
  major=$(node --version 2>/dev/null) || return 1
  major=${major#v}
  major=${major%%.*}
  [[ $major =~ ^[0-9]+$ ]] && [ "$major" -ge 20 ] && command -v npm >/dev/null 2>&1
}

# promtool alone, from the package's files (see above).
install_promtool() {
  local download files
  download=$(mktemp -d)
  files=$(mktemp -d)
  # Run as root, apt-get downloads as its own user (_apt): that user gets the folder, and no one
  # else may write there (what is extracted from it is installed as root).
  if [ "$(id -u)" = 0 ] && id -u _apt >/dev/null 2>&1; then chown _apt "$download"; fi
  log "installing promtool (from Debian's prometheus package)"
  (cd "$download" && apt-get download -q prometheus >/dev/null 2>&1) \
    || { as_root apt-get update -q >/dev/null && (cd "$download" && apt-get download -q prometheus >/dev/null); }
  dpkg-deb -x "$download"/prometheus_*.deb "$files"
  as_root install -m 0755 "$files/usr/bin/promtool" /usr/local/bin/promtool
  rm -rf "$download" "$files"
}

node_unfit=no
promtool_missing=no
wanted=("$@")
[ ${#wanted[@]} -eq 0 ] && wanted=(chromium nginx load node cc promtool)
for w in "${wanted[@]}"; do
  case "$w" in
    chromium) want chromium chromium ;;
    nginx) want nginx nginx-light ;;
    load) want wrk wrk; want hey hey; want python3 python3 ;;
    node) node_ok || node_unfit=yes ;;
    cc) want cc gcc ;;
    promtool) command -v promtool >/dev/null 2>&1 || promtool_missing=yes ;;
    *) log "unknown tool group: $w"; exit 2 ;;
  esac
done

if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
    || { as_root apt-get update -q >/dev/null \
         && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
fi
[ "$promtool_missing" = no ] || install_promtool
if [ "$node_unfit" = yes ]; then
  log "Node.js 20 or later, with npm, is required to build the apps (found: $(node --version 2>/dev/null || echo no node)$(command -v npm >/dev/null 2>&1 || echo ', no npm'))." >&2
  log "Install it (nodejs.org, or your distribution's nodejs 20+) and run again." >&2
  exit 1
fi
log "ready: ${wanted[*]}"
