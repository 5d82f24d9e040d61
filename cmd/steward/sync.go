package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/support-steward/steward/internal/mirror"
	"github.com/support-steward/steward/internal/wire"
)

// appEnv is what the wiring reads of the process: the environment, the
// clock, and warnings logged to stderr.
func wireEnv(e env) wire.Env {
	return wire.Env{Getenv: e.getenv, Now: e.now, Log: slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))}
}

func cmdSync(ctx context.Context, e env, args []string) int {
	fs := flags(e, "sync", "[--roster FILE] [--dry-run] [--since DURATION] [--format text|json]")
	path := rosterFlag(fs, e)
	dry := fs.Bool("dry-run", false, "print the plan and change nothing")
	since := fs.Duration("since", 24*time.Hour, "how far back to read changed tickets (overlap the schedule's interval)")
	format := fs.String("format", "text", "text or json")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if err := oneOf("format", *format, "text", "json"); err != nil {
		return fail(e, "sync", err)
	}
	if *since <= 0 {
		return fail(e, "sync", usagef("--since %s: give a positive duration such as 2h", *since))
	}
	r := loadRoster(e, *path)
	if r == nil {
		return exitFindings
	}
	a, setup, err := wire.Connect(wireEnv(e), r).Mirror()
	if err != nil {
		return fail(e, "sync", withFix(err))
	}
	rep, err := a.Sync(ctx, setup.Config, setup.Label, *since, *dry)
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		writeSync(e.stdout, rep, err)
	}
	if err != nil {
		return fail(e, "sync", withFix(err))
	}
	if rep.Failed() > 0 {
		return exitFindings
	}
	return exitOK
}

// writeSync prints what a sync did. A sync that failed (failed) before it
// could plan says nothing here: the error, printed by the caller, is the
// whole story, and "in step" would be a claim nobody checked.
func writeSync(w io.Writer, r mirror.Report, failed error) {
	verb := "did"
	if r.DryRun {
		verb = "would do"
	}
	if len(r.Planned) == 0 {
		if failed == nil {
			fmt.Fprintln(w, "Everything is in step: nothing to do.")
		}
		return
	}
	fmt.Fprintf(w, "steward %s %d piece(s) of work:\n", verb, len(r.Planned))
	if r.DryRun {
		for _, wk := range r.Planned {
			for _, a := range wk.Actions {
				fmt.Fprintf(w, "  ticket %d %s: %s (%s)\n", wk.Ticket, issueRef(wk.Issue), a.Kind, a.Reason)
			}
		}
		return
	}
	for _, o := range r.Outcomes {
		status := "ok"
		if o.Error != "" {
			status = "FAILED: " + o.Error
		}
		fmt.Fprintf(w, "  ticket %d %s: %s (%s): %s\n", o.Ticket, issueRef(o.Issue), o.Kind, o.Reason, status)
	}
	fmt.Fprintf(w, "%d issue(s) created, %d step(s) failed; failed steps are retried by the next run.\n", r.Created(), r.Failed())
}

// withFix adds what to do about err, when steward knows.
func withFix(err error) error {
	if fix := wire.Fix(err); fix != "" {
		return fmt.Errorf("%w\nTo fix: %s", err, fix)
	}
	return err
}

func issueRef(n int) string {
	if n == 0 {
		return "(new issue)"
	}
	return fmt.Sprintf("#%d", n)
}
