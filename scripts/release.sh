#!/usr/bin/env bash
# Builds steward's release binaries reproducibly and pins them for the
# Action, with the hash of the source they were built from (so a later
# commit, whose source differs, builds from source instead of installing an
# older release): run it, commit action/checksums.txt, tag the commit
# VERSION and push the tag; .github/workflows/release.yml builds the same bytes again,
# checks them against the committed checksums and publishes them.
#   scripts/release.sh v0.1.0 [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:?usage: scripts/release.sh VERSION [OUTDIR]}
out=${2:-dist}
case "$version" in v[0-9]*.[0-9]*.[0-9]*) ;; *) echo "VERSION must look like v1.2.3" >&2; exit 2 ;; esac
mkdir -p "$out"
: > "$out/checksums.txt"
for target in linux_amd64 linux_arm64 darwin_amd64 darwin_arm64; do
  GOOS=${target%_*} GOARCH=${target#*_} CGO_ENABLED=0 \
    go build -trimpath -buildvcs=false -ldflags="-s -w -buildid=" -o "$out/steward_${target}" ./cmd/steward
  (cd "$out" && sha256sum "steward_${target}") >> "$out/checksums.txt"
done
{
  echo "# The release binaries the Action installs, by SHA-256, written by scripts/release.sh."
  echo "# version: $version"
  echo "# source: $(bash action/source-hash.sh .)"
  echo "# go: $(go version | cut -d' ' -f3)"
  cat "$out/checksums.txt"
} > action/checksums.txt
echo "built $version into $out; action/checksums.txt pins it" >&2
