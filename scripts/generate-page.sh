#!/usr/bin/env bash
# Regenerates internal/page/page_templ.go from internal/page/page.templ, and
# internal/health/section_templ.go from internal/health/section.templ (the
# support health section), with templ's generator, pinned to the version of
# the runtime in go.mod:
#   github.com/a-h/templ v0.3.1100 (https://github.com/a-h/templ, MIT)
# Run it after every edit of page.templ and commit both files; the build and
# the tests read only the generated Go, so they need neither this script nor
# the network. go run fetches the generator from the Go module proxy into the
# module cache; it is not a dependency in go.mod (the page imports only
# templ's small runtime).
set -euo pipefail
cd "$(dirname "$0")/.."
TEMPL=github.com/a-h/templ/cmd/templ@v0.3.1100
go run "$TEMPL" generate -f internal/page/page.templ
go run "$TEMPL" generate -f internal/health/section.templ
gofmt -l internal/page internal/health
