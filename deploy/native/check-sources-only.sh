#!/usr/bin/env bash
# Checks that each service stays native-image friendly, where no GraalVM/Mandrel exists: runs the
# native build up to its inputs (`-Pnative -Dquarkus.native.sources-only=true`, which writes
# target/native-sources/ with native-image.args and the reflection configuration) and then
# NativeSourcesCheck.java checks what those inputs must register.
#
# Builds in a copy of the tracked sources under target/native-check/, so the jars in the
# working tree (used by running stacks and other builds) are never replaced.
# Usage: deploy/native/check-sources-only.sh [service ...]   (default: every service in the build)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/target/native-check
services=("$@")
if [ ${#services[@]} -eq 0 ]; then
  for s in payments-service refund-service webhook-service; do
    grep -q "<module>$s</module>" "$root/pom.xml" && services+=("$s")
  done
fi
[ ${#services[@]} -gt 0 ] || { echo "[native] no service in the build"; exit 1; }

echo "[native] copying the sources to $work/tree"
rm -rf "$work/tree"
mkdir -p "$work/tree"
(cd "$root" && git ls-files -z --cached --others --exclude-standard \
  | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$work/tree"
list=$(IFS=,; echo "${services[*]}")
echo "[native] native sources-only build of $list (log: $work/build.log)"
start=$SECONDS
(cd "$work/tree" && ./mvnw -B -q package -Pnative -Dquarkus.native.sources-only=true \
  -DskipTests -Dspotless.check.skip=true -pl "$list" -am) >"$work/build.log" 2>&1 \
  || { tail -n 40 "$work/build.log"; echo "[native] the native sources-only build failed"; exit 1; }
echo "[native] built in $((SECONDS - start))s"

args=()
for s in "${services[@]}"; do args+=("$work/tree/$s"); done
java "$root/deploy/native/NativeSourcesCheck.java" "$work/tree/shared-model" "${args[@]}"
