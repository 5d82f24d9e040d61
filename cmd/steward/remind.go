package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/support-steward/steward/internal/wire"
)

func cmdRemind(ctx context.Context, e env, args []string) int {
	fs := flags(e, "remind", "[--roster FILE] [--dry-run] [--format text|json|markdown]")
	path := rosterFlag(fs, e)
	dry := fs.Bool("dry-run", false, "print the dashboard, write nothing")
	format := fs.String("format", "text", "text, json, or markdown (the dashboard itself)")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if err := oneOf("format", *format, "text", "json", "markdown"); err != nil {
		return fail(e, "remind", err)
	}
	r := loadRoster(e, *path)
	if r == nil {
		return exitFindings
	}
	c := wire.Connect(wireEnv(e), r)
	t, err := c.Triage()
	if err != nil {
		return fail(e, "remind", err)
	}
	var notes []string
	if c.FDErr != nil {
		notes = append(notes, "FreshDesk off: "+c.FDErr.Error())
	}
	res, err := t.Remind(ctx, *dry)
	if err != nil {
		return fail(e, "remind", err)
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(res)
	case "markdown":
		fmt.Fprint(e.stdout, res.Body)
	default:
		verb := "kept"
		if *dry {
			verb = "would keep"
		}
		fmt.Fprintf(e.stdout, "steward %s the dashboard: %d open ticket(s), %d overdue; %d new lapse comment(s).\n", verb, res.Open, len(res.Overdue), res.Comments)
		for _, n := range notes {
			fmt.Fprintln(e.stdout, n)
		}
	}
	return exitOK
}

func cmdRoute(ctx context.Context, e env, args []string) int {
	fs := flags(e, "route", "ISSUE [--roster FILE] [--dry-run]")
	path := rosterFlag(fs, e)
	dry := fs.Bool("dry-run", false, "say who would be asked, change nothing")
	// The issue number comes first, flags after it.
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if code := parse(fs, e, args); code >= 0 {
			return code
		}
		return fail(e, "route", usagef("give the issue number: steward route 42"))
	}
	n, err := strconv.Atoi(strings.TrimPrefix(args[0], "#"))
	if err != nil || n <= 0 {
		return fail(e, "route", usagef("%q is not an issue number", args[0]))
	}
	if code := parse(fs, e, args[1:]); code >= 0 {
		return code
	}
	r := loadRoster(e, *path)
	if r == nil {
		return exitFindings
	}
	t, err := wire.Connect(wireEnv(e), r).Triage()
	if err != nil {
		return fail(e, "route", err)
	}
	res, err := t.Route(ctx, n, *dry)
	if err != nil {
		return fail(e, "route", err)
	}
	fmt.Fprintln(e.stdout, res.Message)
	return exitOK
}
