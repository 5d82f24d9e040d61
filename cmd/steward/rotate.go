package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/support-steward/steward/internal/app"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/workdays"
)

func cmdRotate(ctx context.Context, e env, args []string) int {
	fs := flags(e, "rotate", "[--roster FILE] [--dry-run] [--lead 7d] [--now DATE] [--format text|json]")
	path := rosterFlag(fs, e)
	dry := fs.Bool("dry-run", false, "say what would change, change nothing")
	leadFlag := fs.String("lead", "", "open the pull request this long before the handoff (Nd or Nw; default integrations.github.rotation_lead, else 7d)")
	var now dateFlag
	fs.Var(&now, "now", "act as if today were DATE (YYYY-MM-DD)")
	format := fs.String("format", "text", "text or json")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if err := oneOf("format", *format, "text", "json"); err != nil {
		return fail(e, "rotate", err)
	}
	r := loadRoster(e, *path)
	if r == nil {
		return exitFindings
	}
	c := app.Connect(appEnv(e), r)
	lead := c.Lead()
	if *leadFlag != "" {
		var d roster.Duration
		if err := d.UnmarshalText([]byte(*leadFlag)); err != nil {
			return fail(e, "rotate", usagef("--lead: %v", err))
		}
		lead = d.Days
	}
	today := now.d
	if today.IsZero() {
		today = r.Today(e.now())
	}
	rot, err := c.Rotator(today, lead)
	if err != nil {
		return fail(e, "rotate", err)
	}
	var notes []string
	if c.FDErr != nil {
		notes = append(notes, "FreshDesk off: "+c.FDErr.Error())
	}
	res, err := rot.Rotate(ctx, *dry)
	if err == nil && !*dry {
		// An unmerged rotation pull request is reminded the working day
		// before its handoff and on the day (issue #17).
		reminded, rerr := rot.RemindUnmerged(ctx, workdays.New(r.Location(), r.Holidays).IsWorkingDay)
		for _, m := range reminded {
			notes = append(notes, m.Message)
		}
		err = rerr
	}
	out := struct {
		Rotation   rosterpr.Result            `json:"rotation"`
		Membership *rosterpr.MembershipResult `json:"membership,omitempty"`
		Notes      []string                   `json:"notes,omitempty"`
	}{Rotation: res, Notes: notes}
	if err == nil && !*dry {
		m, merr := rosterpr.Membership{GH: rot.GH, FD: rot.FD}.Sync(ctx, r, today)
		out.Membership, err = &m, merr
	}
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	} else {
		fmt.Fprintln(e.stdout, res.Message)
		if m := out.Membership; m != nil {
			fmt.Fprintf(e.stdout, "Stewards on duty: %s.", strings.Join(m.Stewards, ", "))
			if len(m.TeamAdded)+len(m.TeamRemoved) > 0 || m.GroupChanged {
				fmt.Fprintf(e.stdout, " Team: added %v, removed %v; FreshDesk group changed: %v.", m.TeamAdded, m.TeamRemoved, m.GroupChanged)
			}
			fmt.Fprintln(e.stdout)
			for _, s := range m.Skipped {
				fmt.Fprintln(e.stdout, "Skipped: "+s)
			}
		}
		for _, n := range notes {
			fmt.Fprintln(e.stdout, n)
		}
	}
	if err != nil {
		return fail(e, "rotate", err)
	}
	return exitOK
}

func cmdCheckRoster(ctx context.Context, e env, args []string) int {
	fs := flags(e, "check-roster", "--base REF --head REF [--pr N] [--roster FILE]")
	path := rosterFlag(fs, e)
	base := fs.String("base", "", "the branch or commit the change merges into (required)")
	head := fs.String("head", "", "the branch or commit with the change (required)")
	pr := fs.Int("pr", 0, "the pull request to comment on (default: found from --head)")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if *base == "" || *head == "" {
		return fail(e, "check-roster", usagef("--base and --head are required"))
	}
	r := loadRoster(e, *path)
	if r == nil {
		return exitFindings
	}
	c := app.Connect(appEnv(e), r)
	rot, err := c.Rotator(r.Today(e.now()), c.Lead())
	if err != nil {
		return fail(e, "check-roster", err)
	}
	res, err := rot.CheckRoster(ctx, *base, *head, *pr)
	if err != nil {
		return fail(e, "check-roster", err)
	}
	fmt.Fprintf(e.stdout, "%s\n\n%s", res.Title, res.Summary)
	if res.Errors > 0 {
		return exitFindings
	}
	return exitOK
}
