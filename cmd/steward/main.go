// Command steward runs a support team's process: the Support Steward
// rotation, the FreshDesk-to-GitHub mirror, response targets and routing.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdout: os.Stdout, stderr: os.Stderr, now: time.Now, getenv: os.Getenv})
	stop()
	os.Exit(code)
}
