package action

import (
	"context"
	"io"
	"time"

	"github.com/support-steward/steward/internal/clock"
)

// RunOn is Run with the clients waiting on clk: jobs emulated at once
// share the sandboxes' time.
func RunOn(ctx context.Context, getenv func(string) string, out io.Writer, now func() time.Time, clk clock.Clock) int {
	return runOn(ctx, getenv, out, now, clk)
}
