#!/usr/bin/env bash
# Prints a hash of every file a build of steward reads (Go sources without
# tests, go.mod, go.sum, and the files their //go:embed lines name) under the
# directory given, so that it names one commit's source whether that is a git
# checkout or the tarball a runner downloads for a ref. Nothing else counts:
# a test's output left in a testdata directory (the page test's screenshots)
# must not change the key while another job builds. action/install.sh keys
# its cache by it, and scripts/release.sh records it beside the checksums of
# a release. With --list it prints the files instead of their hash.
set -euo pipefail
list=false
if [ "${1:-}" = --list ]; then list=true; shift; fi
cd "${1:?usage: source-hash.sh [--list] DIR}"
sha() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
sources() { find . -path ./.git -prune -o -type f -name '*.go' ! -name '*_test.go' -print; }
files() {
  sources
  find . -path ./.git -prune -o -type f \( -name go.mod -o -name go.sum \) -print
  # An embed pattern is a file, a glob or a directory (whose files count,
  # except those named . or _ first), relative to its source's directory.
  sources | while IFS= read -r f; do
    d=${f%/*}
    sed -n 's|^//go:embed[[:space:]]||p' "$f" | tr -s ' \t' '\n\n' | tr -d '"`' | sed 's|^all:||' |
      while IFS= read -r pattern; do
        [ -n "$pattern" ] || continue
        for m in "$d"/$pattern; do
          if [ -d "$m" ]; then
            find "$m" -type f ! -name '.*' ! -name '_*' -print
          elif [ -f "$m" ]; then
            printf '%s\n' "$m"
          fi
        done
      done
  done
}
if $list; then files | LC_ALL=C sort -u; exit 0; fi
files | LC_ALL=C sort -u | tr '\n' '\0' | xargs -0 sh -c 'for f; do cat "$f"; printf "\n%s\n" "$f"; done' _ |
  sha | cut -c1-40
