// Command steward runs a support team's process: the Support Steward
// rotation, the FreshDesk-to-GitHub mirror, response targets and routing.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	// The zone database is built in: a roster's time zone resolves on a
	// scratch image or a runner without zoneinfo, with ZONEINFO unset.
	_ "time/tzdata"

	"github.com/support-steward/steward/internal/clock"
)

func main() {
	// STEWARD_NOW, when set, is the moment every command runs as.
	c, err := clock.FromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "steward: %v\n", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr, now: c.Now, getenv: os.Getenv})
	stop()
	os.Exit(code)
}
