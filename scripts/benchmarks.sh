#!/usr/bin/env bash
# Runs every benchmark and writes the top of BENCHMARKS.md: the figures, the
# machine, the Go version and the command. The sections other scripts own
# (## Hostile input from scripts/hostile.sh, and those written by hand, such
# as ## Binary size and ## Slack) are kept as they are. API-call counts come from the sandboxes'
# request accounting; times are this machine's.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go test -run '^$' -bench 'Schedule|APICalls' -benchtime "${BENCHTIME:-20x}" ./internal/rotation ./internal/usecase | tee "$out" >&2
go test -run '^$' -bench Backfill -benchtime 1x ./internal/usecase | grep Benchmark >> "$out"
go test -run '^$' -bench Deliveries -benchtime 3x ./internal/server | grep Benchmark >> "$out"
# Every section after "What the figures mean" belongs to someone else.
kept=$(awk '/^## / && $0 != "## What the figures mean" {keep = 1} keep' BENCHMARKS.md 2>/dev/null || true)
new=$(mktemp)
trap 'rm -f "$out" "$new"' EXIT
{
  echo "# Benchmarks"
  echo
  echo "Regenerate with \`scripts/benchmarks.sh\` (it runs \`go test -run '^\$' -bench 'Schedule|APICalls' -benchtime 20x\` on the"
  echo "packages below, and the 5,000-ticket backfill once). API-call counts come from the sandboxes'"
  echo "request accounting, so they are exact and the same on every machine; times are this machine's."
  echo
  echo "- Machine: $(uname -sm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2 | sed 's/^ //')"
  echo "- Go: $(go version | cut -d' ' -f3)"
  echo "- Date: $(date -u +%Y-%m-%d)"
  echo
  echo "| benchmark | figures |"
  echo "|---|---|"
  grep '^Benchmark' "$out" | sort | awk '{
    name = $1; sub(/-[0-9]+$/, "", name)
    figures = ""
    for (i = 3; i < NF; i += 2) figures = figures (figures == "" ? "" : ", ") $i " " $(i+1)
    printf "| `%s` | %s |\n", name, figures
  }'
  echo
  cat <<'NOTES'
## What the figures mean

- `BenchmarkSchedule200Engineers10Years`: computing the whole schedule for 200 engineers
  (with absences, late joiners and a year of confirmed history) over ten years. Target: under 5 ms.
- `BenchmarkAPICalls/steady-state`: a sync run when nothing changed in its window. Target (issues
  #23, #25): one FreshDesk request and at most two GitHub requests that count against the rate
  limit, with a new token for every run as an App or the Actions token gives. The two are the
  support issues changed since the list the client keeps (`GET /issues?since=`, one request when
  none did: GitHub's ETags belong to the token, so conditional reads across runs earn nothing;
  `TestAQuietRunWithANewTokenCostsTwoGitHubRequests` checks it with a token per run) and the
  board, reconciled on every run (one GraphQL document: the project's fields with its first 100
  items). `freshdesk-credits` are what FreshDesk charges: 1 a request and 2 more per `include`.
- `BenchmarkAPICalls/per-new-ticket`: the cost of mirroring one new ticket (ten per run): the issue,
  created with what was synced already recorded in its body; its board item; one aliased GraphQL
  document setting Status, Priority, iteration and its place by impact; and its private link note
  in FreshDesk. Target: 3 GitHub + 1 FreshDesk per ticket. The fractions above that are the run's
  own reads shared by its ten tickets: the ticket list, the support issues changed since the kept
  list, and the board (read once per run, 100 items a page). Below 3: the board's mutations for ten
  new items go in documents of at most 20 mutations (issue #25), two here, shared by the ten.
- `BenchmarkAPICalls/per-status-change`: a ticket resolved or reopened in FreshDesk, carried to its
  issue (ten per run): a comment, and one edit that changes the state and records it: 2 GitHub
  requests per change, the target (+ 1 FreshDesk when the ticket side changes). With a board, issue
  #16 also asks that a closed issue's item go to Done at the bottom, and come back when reopened:
  the run's board pass puts every item's change in one generated GraphQL document (at most 20
  mutations a document; `Board.SetMany`), after one read of the board. The fractions above 2 are those per-run
  requests shared by the run's ten changes: the support issues changed since the kept list, read
  before the writes and again after them (0.2), and with a board its read and its one document
  (0.2).
- Routing one issue for an `issues.labeled` delivery is not a benchmark but a test
  (`TestRoutingOneDeliveryCostsTheSameHoweverManySupportIssues` in internal/usecase): at most
  `RouteBudget` (20) + 8 GitHub requests, the same with 300 support issues as with 20.
- `BenchmarkBackfill5000`: 5,000 tickets mirrored in one run under a FreshDesk limit of 100 requests
  a minute. `freshdesk-429s` must be 0: the client paces itself. `emulated-minutes` is the time the
  run spends waiting for FreshDesk's and GitHub's limits on the sandboxes' clock; on real GitHub the
  secondary limit on content creation (500 an hour) would make such a backfill take about ten hours.
- `BenchmarkDeliveries`: 16 clients send 6,400 signed `issues.labeled` deliveries (12 KB each) over
  loopback, first to a minimal `net/http` handler that only checks the HMAC, then to `steward serve`,
  which also answers malformed JSON with 400 (so it parses and validates every body with
  encoding/json, after one allocation-free scan that refuses what GitHub never sends: about 96 us a
  12 KB delivery, against 25 us with valyala/fastjson before issue #22; `BenchmarkParseEnvelope` in
  internal/server) and queues the work. Targets: p99 under 10 ms, and a throughput ratio against
  the minimal handler of at least 0.8, which encoding/json does not meet on two cores shared with
  the load driver (0.51 to 0.62, against 0.70 to 0.77 with fastjson, measured the same day): the
  difference is 70 us of one core per delivery, which no GitHub App receives often enough to see
  (GitHub sends at most a few deliveries a second to one installation), so issue #22 chose the
  standard library.
NOTES
  if [ -n "$kept" ]; then printf '\n%s\n' "$kept"; fi
} > "$new"
mv "$new" BENCHMARKS.md
echo "wrote BENCHMARKS.md" >&2
