#!/usr/bin/env bash
# Builds the static release binary as scripts/release.sh and the Dockerfile
# do, and fails when it is over 16 MiB (16,777,216 bytes), the budget issue
# #22 set: room for the built-in zone database and the standard library. It prints the size, and with -v what reflects on methods (a
# call such as text/template's MethodByName keeps every exported method
# of the binary alive: html/template cost 6.3 MB that way).
#   scripts/binary-size.sh [-v]
set -euo pipefail
cd "$(dirname "$0")/.."
limit=$((16 * 1024 * 1024))
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o "$out/steward" ./cmd/steward
size=$(wc -c < "$out/steward")
printf 'release binary: %d bytes (%s MiB), budget %d bytes (16 MiB)\n' "$size" "$(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }')" "$limit"
if [ "${1:-}" = -v ]; then
  CGO_ENABLED=0 go build -trimpath -ldflags=-dumpdep -o /dev/null ./cmd/steward 2>&1 | grep '<ReflectMethod>' || echo "nothing reflects on methods"
fi
if [ "$size" -gt "$limit" ]; then
  echo "over budget by $((size - limit)) bytes: see BENCHMARKS.md \"Binary size\" for what each dependency costs" >&2
  exit 1
fi
