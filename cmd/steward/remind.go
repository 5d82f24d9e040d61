package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/triage"
)

// newTriage builds the dashboard and routing engine from the roster and
// the environment; FreshDesk is optional (no tickets on the dashboard).
func newTriage(e env, r *roster.Roster) (*triage.Triage, []string, error) {
	ig := r.Integrations.GitHub
	if ig == nil {
		return nil, nil, errors.New("roster.yaml has no integrations.github: set repo, where support issues live")
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	gcfg, err := gh.ConfigFromEnv(e.getenv)
	if err != nil {
		return nil, nil, err
	}
	gcfg.Log, gcfg.CacheDir, gcfg.Repo = log, e.getenv("STEWARD_CACHE_DIR"), ig.Repo
	ghc, err := gh.New(gcfg)
	if err != nil {
		return nil, nil, err
	}
	owner, name, _ := strings.Cut(ig.Repo, "/")
	t := &triage.Triage{GH: ghc, Roster: r, Owner: owner, Repo: name, Label: ig.Label(), Now: e.now()}
	var notes []string
	if fi := r.Integrations.Freshdesk; fi != nil {
		fcfg, err := freshdesk.ConfigFromEnv(e.getenv, fi.Domain)
		if err == nil {
			fcfg.Log = log
			t.FD, err = freshdesk.New(fcfg)
		}
		if err != nil {
			t.FD = nil
			notes = append(notes, "FreshDesk skipped: "+err.Error())
		}
	} else {
		notes = append(notes, "FreshDesk skipped: roster.yaml has no integrations.freshdesk")
	}
	return t, notes, nil
}

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
	t, notes, err := newTriage(e, r)
	if err != nil {
		return fail(e, "remind", err)
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
		fmt.Fprintf(e.stdout, "steward %s the dashboard: %d open ticket(s), %d overdue; %d new lapse comment(s).\n", verb, res.Open, res.Lapses, res.Comments)
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
	t, _, err := newTriage(e, r)
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
