package main

import (
	"context"
	"strconv"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/wire"
)

func cmdFairness(ctx context.Context, e env, args []string) int {
	fs := flags(e, "fairness", "[--roster FILE] [--since 90d|YYYY-MM-DD] [--format text|json|markdown]")
	path := rosterFlag(fs, e)
	since := fs.String("since", "90d", "the window: a number of days back (90d) or a first day (YYYY-MM-DD)")
	format := fs.String("format", "text", "text, json, or markdown")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if err := oneOf("format", *format, "text", "json", "markdown"); err != nil {
		return fail(e, "fairness", err)
	}
	r := loadRoster(e, *path)
	if r == nil {
		return exitFindings
	}
	today := r.Today(e.now())
	from, err := sinceDay(*since, today)
	if err != nil {
		return fail(e, "fairness", err)
	}
	t, err := wire.Connect(wireEnv(e), r).Triage()
	if err != nil {
		return fail(e, "fairness", err)
	}
	f, err := t.Fairness(ctx, from)
	if err != nil {
		return fail(e, "fairness", err)
	}
	switch *format {
	case "json":
		err = f.WriteJSON(e.stdout)
	case "markdown":
		err = f.WriteMarkdown(e.stdout)
	default:
		err = f.WriteText(e.stdout)
	}
	if err != nil {
		return fail(e, "fairness", err)
	}
	return exitOK
}

// sinceDay reads --since: Nd days back from today, or a date not after it.
func sinceDay(s string, today civil.Date) (civil.Date, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 1 || days > 3660 {
			return civil.Date{}, usagef("--since %q: give a number of days from 1 to 3660, like 90d, or a date", s)
		}
		return today.AddDays(-days), nil
	}
	d, err := civil.Parse(s)
	if err != nil || d.After(today) {
		return civil.Date{}, usagef("--since %q: give a number of days like 90d, or a date (YYYY-MM-DD) not after today", s)
	}
	return d, nil
}
