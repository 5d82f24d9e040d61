package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	cycle "github.com/support-steward/steward/internal/run"
	"github.com/support-steward/steward/internal/wire"
)

func cmdRun(ctx context.Context, e env, args []string) int {
	fs := flags(e, "run", "[--roster FILE] [--dry-run] [--since DURATION] [--format text|json|markdown]")
	path := rosterFlag(fs, e)
	dry := fs.Bool("dry-run", false, "say what would change, change nothing")
	since := fs.Duration("since", 24*time.Hour, "how far back sync reads changed tickets")
	format := fs.String("format", "text", "text, json, or markdown (the job summary)")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if err := oneOf("format", *format, "text", "json", "markdown"); err != nil {
		return fail(e, "run", err)
	}
	r := loadRoster(e, *path)
	if r == nil {
		return exitFindings
	}
	opts := cycle.Options{DryRun: *dry, Since: *since}
	if err := cycle.EventFromEnv(e.getenv, &opts); err != nil {
		return fail(e, "run", err)
	}
	rep := cycle.Run(ctx, wire.Connect(wireEnv(e), r), opts)
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	case "markdown":
		rep.WriteMarkdown(e.stdout)
	default:
		if !rep.Configured() {
			fmt.Fprintln(e.stdout, "steward wrote nothing: roster.yaml configures no integrations yet.")
		}
		for _, p := range rep.Parts {
			switch {
			case p.Error != "":
				fmt.Fprintf(e.stdout, "%-8s FAILED: %s\n", p.Name, strings.TrimSpace(p.Message+" "+p.Error))
				if p.Fix != "" {
					fmt.Fprintf(e.stdout, "%-8s to fix: %s\n", "", p.Fix)
				}
			case p.Skipped != "":
				fmt.Fprintf(e.stdout, "%-8s skipped: %s\n", p.Name, p.Skipped)
			default:
				fmt.Fprintf(e.stdout, "%-8s %s\n", p.Name, p.Message)
			}
		}
	}
	if rep.Failed() {
		return exitFindings
	}
	return exitOK
}
