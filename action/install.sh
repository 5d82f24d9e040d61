#!/usr/bin/env bash
# The Action's first step: find the steward this checkout of the action
# should run. When action/checksums.txt pins a release of this very source
# (a release tag), download that binary and check it against the pinned
# SHA-256: a binary that does not match is refused. Otherwise (a branch, a
# commit, `uses: ./`) say so, with the cache key of this source, and the next
# steps restore or build it (action/build.sh). Writes mode, dir and key to
# GITHUB_OUTPUT.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
dir="${RUNNER_TEMP:?RUNNER_TEMP is not set: this runs inside a GitHub Actions runner}/steward"
mkdir -p "$dir"
out=${GITHUB_OUTPUT:-/dev/null}

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) target=linux_amd64 ;;
  Linux/aarch64 | Linux/arm64) target=linux_arm64 ;;
  Darwin/x86_64) target=darwin_amd64 ;;
  Darwin/arm64) target=darwin_arm64 ;;
  *) echo "::error::steward has no build for $(uname -s)/$(uname -m)" >&2; exit 1 ;;
esac

# sha256sum on Linux, shasum on macOS runners.
sha() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }

version=$(sed -n 's/^# version: //p' "$here/checksums.txt")
pinned=$(sed -n 's/^# source: //p' "$here/checksums.txt")
srchash=$(bash "$here/source-hash.sh" "$src")
if [ -z "$version" ] || { [ -n "$pinned" ] && [ "$pinned" != "$srchash" ]; }; then
  # No release of this very source: steward is built from it, once, and
  # cached by the source's hash (the commit's content), OS and architecture.
  # A branch that moved on after a release pins that release's checksums
  # but not its source, so it builds too.
  {
    echo "mode=source"
    echo "dir=$dir"
    echo "key=steward-source-$srchash-$target"
  } >> "$out"
  if [ -z "$version" ]; then
    echo "No release is pinned in action/checksums.txt: steward runs from this action's own source ($srchash, $target)."
  else
    echo "action/checksums.txt pins $version, built from other source than this ref's: steward runs from this action's own source ($srchash, $target)."
  fi
  exit 0
fi

file="steward_${target}"
want=$(awk -v f="$file" '$2 == f {print $1}' "$here/checksums.txt")
if [ -z "$want" ]; then
  echo "::error::action/checksums.txt pins $version but has no checksum for $file" >&2
  exit 1
fi
base=${STEWARD_RELEASE_BASE_URL:-https://github.com/support-steward/steward/releases/download}
curl -fsSL --retry 3 -o "$dir/steward.download" "$base/${version}/${file}"
got=$(sha "$dir/steward.download" | cut -d' ' -f1)
if [ "$got" != "$want" ]; then
  rm -f "$dir/steward.download"
  echo "::error::$file of $version does not match its pinned checksum (got $got, want $want): refused" >&2
  exit 1
fi
chmod +x "$dir/steward.download"
mv "$dir/steward.download" "$dir/steward"
{
  echo "mode=release"
  echo "dir=$dir"
} >> "$out"
echo "steward $version ($target) installed"
