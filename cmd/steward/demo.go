package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	stewardrepo "github.com/support-steward/steward"
	"github.com/support-steward/steward/internal/demo"
)

func cmdDemo(ctx context.Context, e env, args []string) int {
	fs := flags(e, "demo", "[--roster FILE] [--format text|json]")
	path := fs.String("roster", "", "play this roster instead of the built-in sample (any valid roster; what it does not configure is stood in for)")
	format := fs.String("format", "text", "text or json")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if err := oneOf("format", *format, "text", "json"); err != nil {
		return fail(e, "demo", err)
	}
	sample := stewardrepo.SampleRoster
	if *path != "" {
		data, err := os.ReadFile(*path)
		if err != nil {
			return fail(e, "demo", err)
		}
		sample = data
	}
	story, _, err := demo.Run(ctx, sample, e.now())
	if err != nil {
		return fail(e, "demo", err)
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(story)
		return exitOK
	}
	fmt.Fprintf(e.stdout, "steward demo: the whole cycle, as of %s, against the built-in GitHub, FreshDesk and Slack sandboxes.\n", story.Today)
	for _, ch := range story.Chapters {
		fmt.Fprintf(e.stdout, "\n== %s\n", ch.Title)
		for _, l := range ch.Lines {
			fmt.Fprintf(e.stdout, "  %s\n", l)
		}
	}
	return exitOK
}
