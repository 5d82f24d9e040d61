#!/usr/bin/env bash
# Probes steward with hostile input and writes the "## Hostile input" section
# of BENCHMARKS.md (only that section). It builds steward, runs `steward
# serve` as a real process on 127.0.0.1 under five probes (a flood of large
# unsigned bodies, signed bodies of small numbers, a burst of signed
# deliveries for few issues, SIGTERM with GitHub unreachable and the queue
# full, slow clients beside signed deliveries), then every BenchmarkHostile*
# benchmark in the module. Each probe is bounded in count and time; the
# whole run takes about two minutes on two cores.
#
# The slow-client probe also measures steward as it was before issue #24's
# fix (item 5: the front door charged a body what it announced before a
# byte of it arrived), built from SLOW_BEFORE (a revision; empty skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/steward" ./cmd/steward
go build -o "$work/hostile" ./scripts/hostile
before_rev=${SLOW_BEFORE-66ac85ba9183c5d4a716c26e9c6f2854c2545635}
if [ -n "$before_rev" ] && ! git cat-file -e "$before_rev^{commit}" 2>/dev/null; then
  echo "no revision $before_rev here: the slow probe measures this tree only" >&2
  before_rev=
fi
if [ -n "$before_rev" ]; then
  mkdir "$work/before"
  git archive "$before_rev" | tar -x -C "$work/before"
  (cd "$work/before" && go build -o "$work/steward-before" ./cmd/steward)
fi

rows="$work/rows.md"
: > "$rows"
status=0
for probe in flood numbers burst sigterm slow; do
  echo "== probe: $probe" >&2
  if [ "$probe" = slow ] && [ -n "$before_rev" ]; then
    "$work/hostile" -steward "$work/steward" -before "$work/steward-before" "$probe" | tee -a "$rows" || status=1
  else
    "$work/hostile" -steward "$work/steward" "$probe" | tee -a "$rows" || status=1
  fi
done
echo "== go test -run '^\$' -bench Hostile ./..." >&2
go test -run '^$' -bench Hostile -benchtime "${BENCHTIME:-1x}" ./... | tee "$work/bench.txt" >&2 || status=1
"$work/hostile" -bench-rows < "$work/bench.txt" >> "$rows"

section="$work/section.md"
{
  echo "## Hostile input"
  echo
  echo "Regenerate with \`scripts/hostile.sh\`. The first rows are \`steward serve\` run as a real process"
  echo "on 127.0.0.1 and probed from another process (peak memory is the server's VmHWM from"
  echo "\`/proc/PID/status\`); the rest are the \`BenchmarkHostile*\` benchmarks"
  echo "(\`go test -run '^\$' -bench Hostile ./...\`). Issue #12 asks for: under 200 MiB and \`/healthz\`"
  echo "answering under 300 × 5 MB unsigned bodies; no 503 and every issue's work done, none twice at"
  echo "once, for 2,000 deliveries on 50 issues; an exit within 35 s of SIGTERM with GitHub unreachable."
  echo
  echo "- Machine: $(uname -sm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"
  echo "- Go: $(go version | cut -d' ' -f3)"
  echo "- Date: $(date -u +%Y-%m-%d)"
  echo
  echo "| probe | tried | survived | time | peak memory |"
  echo "|---|---|---|---|---|"
  cat "$rows"
  echo
} > "$section"

# Replace the section (up to the next "## " heading), or append it.
awk -v section="$section" '
  BEGIN { while ((getline line < section) > 0) text = text line "\n" }
  /^## Hostile input$/ { printf "%s", text; skip = 1; done = 1; next }
  skip && /^## / { skip = 0 }
  !skip { print }
  END { if (!done) printf "\n%s", text }
' BENCHMARKS.md > "$work/BENCHMARKS.md"
cp "$work/BENCHMARKS.md" BENCHMARKS.md
echo "wrote the Hostile input section of BENCHMARKS.md" >&2
exit $status
