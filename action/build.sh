#!/usr/bin/env bash
# Builds steward from the action's own source, unless the binary for this
# source (STEWARD_KEY) is already there: restored by actions/cache from an
# earlier run, or built by an earlier step of this job. A restored binary
# needs no Go at all.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dir="${RUNNER_TEMP:?RUNNER_TEMP is not set}/steward"
key=${STEWARD_KEY:?STEWARD_KEY is not set: run action/install.sh first}
if [ -x "$dir/steward" ] && [ "$(cat "$dir/key" 2>/dev/null)" = "$key" ]; then
  echo "steward for this source is cached ($key): nothing to build"
  exit 0
fi
if ! command -v go >/dev/null; then
  echo "::error::building steward from source needs Go, and there is none on PATH (the action's setup-go step installs it)" >&2
  exit 1
fi
mkdir -p "$dir"
start=$(date +%s)
# The same flags as a release: static, reproducible, stripped.
(cd "$src" && CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags="-s -w -buildid=" -o "$dir/steward" ./cmd/steward)
echo "$key" > "$dir/key"
echo "built steward from source in $(( $(date +%s) - start ))s ($key)"
