package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/wire"
)

// parseWithArgs is parse for commands that take handles as well as flags,
// in any order: it returns the positional arguments, or an exit status.
func parseWithArgs(fs *flag.FlagSet, e env, args []string, want int) ([]string, int) {
	for _, a := range args {
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(e.stdout)
			fs.Usage()
			return nil, exitOK
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, exitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
	if len(pos) != want {
		fmt.Fprintf(e.stderr, "steward %s: expected %d handle(s), found %d\n", strings.TrimPrefix(fs.Name(), "steward "), want, len(pos))
		fs.Usage()
		return nil, exitUsage
	}
	return pos, -1
}

func cmdSwap(ctx context.Context, e env, args []string) int {
	fs := flags(e, "swap", "HANDLE_A HANDLE_B [--shift DATE] [--with DATE] [--roster FILE] [--dry-run]")
	path := rosterFlag(fs, e)
	var aDay, bDay dateFlag
	fs.Var(&aDay, "shift", "HANDLE_A's confirmed shift holding this day (default: their first confirmed shift that has not started)")
	fs.Var(&bDay, "with", "HANDLE_B's confirmed shift holding this day (default: their first confirmed shift that has not started)")
	dry := fs.Bool("dry-run", false, "print the pull request's title, body and roster diff; open nothing (no credentials needed)")
	handles, code := parseWithArgs(fs, e, args, 2)
	if code >= 0 {
		return code
	}
	return proposeChange(ctx, e, "swap", *path, *dry, func(today civil.Date, rosterPath string, data []byte) (rosterpr.Change, error) {
		return rosterpr.PlanSwap(rosterpr.SwapRequest{A: handles[0], B: handles[1], ADay: aDay.d, BDay: bDay.d,
			Today: today, Path: rosterPath, RosterBefore: data})
	})
}

func cmdCover(ctx context.Context, e env, args []string) int {
	fs := flags(e, "cover", "HANDLE --for HANDLE --from DATE --to DATE [--note TEXT] [--roster FILE] [--dry-run]")
	path := rosterFlag(fs, e)
	var from, to dateFlag
	forHandle := fs.String("for", "", "the steward HANDLE stands in for (required)")
	fs.Var(&from, "from", "first day of the cover, YYYY-MM-DD (required)")
	fs.Var(&to, "to", "last day of the cover, inclusive, YYYY-MM-DD (required)")
	note := fs.String("note", "", "why, for the roster and the pull request")
	dry := fs.Bool("dry-run", false, "print the pull request's title, body and roster diff; open nothing (no credentials needed)")
	handles, code := parseWithArgs(fs, e, args, 1)
	if code >= 0 {
		return code
	}
	if *forHandle == "" || from.d.IsZero() || to.d.IsZero() {
		return fail(e, "cover", usagef("--for, --from and --to are required"))
	}
	if to.d.Before(from.d) {
		return fail(e, "cover", usagef("--to %s is before --from %s; --to is the cover's last day", to.d, from.d))
	}
	return proposeChange(ctx, e, "cover", *path, *dry, func(today civil.Date, rosterPath string, data []byte) (rosterpr.Change, error) {
		return rosterpr.PlanCover(rosterpr.CoverRequest{Cover: roster.Override{GitHub: handles[0], For: *forHandle, From: from.d, To: to.d, Note: *note},
			Today: today, Path: rosterPath, RosterBefore: data})
	})
}

// proposeChange plans a roster change against the local roster (dry run)
// or the roster on the base branch, and opens its pull request.
func proposeChange(ctx context.Context, e env, cmd, path string, dry bool, plan func(today civil.Date, rosterPath string, data []byte) (rosterpr.Change, error)) int {
	r := loadRoster(e, path)
	if r == nil {
		return exitFindings
	}
	today := r.Today(e.now())
	if dry {
		data, err := roster.ReadFile(path)
		if err != nil {
			return fail(e, cmd, err)
		}
		// Named as in its repository, as the pull request would name it.
		name := filepath.Base(path)
		if g := r.Integrations.GitHub; g != nil && g.RosterPath != "" {
			name = g.RosterPath
		}
		c, err := plan(today, name, data)
		if err != nil {
			return fail(e, cmd, err)
		}
		fmt.Fprintf(e.stdout, "Would open a pull request from %s, asking %s to review.\n\nTitle: %s\n\n%s\n",
			c.Branch, "@"+strings.Join(c.Reviewers, " and @"), c.Title, c.Body)
		return exitOK
	}
	c := wire.Connect(wireEnv(e), r)
	rot, err := c.Rotator(today, c.Lead())
	if err != nil {
		return fail(e, cmd, err)
	}
	if rot == nil {
		return fail(e, cmd, fmt.Errorf("integrations.github is not set in %s: nowhere to open the pull request (try --dry-run)", path))
	}
	res, err := rot.ProposeChange(ctx, func(data []byte) (rosterpr.Change, error) { return plan(today, rot.Repo.Path, data) })
	if err != nil {
		return fail(e, cmd, err)
	}
	fmt.Fprintln(e.stdout, res.Message)
	return exitOK
}
