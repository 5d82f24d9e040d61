#!/usr/bin/env bash
# Installs the pinned steward release for this runner, checking it against
# the checksums committed beside this script (written by scripts/release.sh
# when the release was made). Nothing is compiled.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(sed -n 's/^# version: //p' "$here/checksums.txt")
if [ -z "$version" ]; then
  echo "::error::action/checksums.txt names no release: this checkout of steward has not been released; use a released tag, e.g. support-steward/steward@v0.1.0" >&2
  exit 1
fi
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) target=linux_amd64 ;;
  Linux/aarch64 | Linux/arm64) target=linux_arm64 ;;
  Darwin/x86_64) target=darwin_amd64 ;;
  Darwin/arm64) target=darwin_arm64 ;;
  *) echo "::error::steward has no release binary for $(uname -s)/$(uname -m)" >&2; exit 1 ;;
esac
file="steward_${target}"
want=$(awk -v f="$file" '$2 == f {print $1}' "$here/checksums.txt")
if [ -z "$want" ]; then
  echo "::error::action/checksums.txt has no checksum for $file" >&2
  exit 1
fi
dir="${RUNNER_TEMP:-/tmp}/steward"
mkdir -p "$dir"
url="https://github.com/support-steward/steward/releases/download/${version}/${file}"
curl -fsSL --retry 3 -o "$dir/steward" "$url"
got=$(sha256sum "$dir/steward" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  echo "::error::$file of $version does not match its pinned checksum ($got, want $want)" >&2
  rm -f "$dir/steward"
  exit 1
fi
chmod +x "$dir/steward"
echo "steward $version ($target) installed"
