#!/usr/bin/env bash
# Prints a hash of every file a build of steward reads (Go sources without
# tests, go.mod, go.sum, embedded files) under the directory given, so that
# it names one commit's source whether that is a git checkout or the tarball
# a runner downloads for a ref. action/install.sh keys its cache by it, and
# scripts/release.sh records it beside the checksums of a release.
set -euo pipefail
cd "${1:?usage: source-hash.sh DIR}"
sha() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
find . -path ./.git -prune -o -type f \( \
    \( -name '*.go' ! -name '*_test.go' \) -o -name go.mod -o -name go.sum \
    -o -path '*/testdata/*' -o -path ./roster.yaml \) -print |
  LC_ALL=C sort | tr '\n' '\0' | xargs -0 sh -c 'for f; do cat "$f"; printf "\n%s\n" "$f"; done' _ |
  sha | cut -c1-40
