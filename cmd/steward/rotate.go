package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/freshdesk"
	"github.com/support-steward/steward/internal/gh"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rosterpr"
)

// rotator builds the pull-request engine from the roster's configuration
// and the environment's credentials.
func rotator(e env, r *roster.Roster, today civil.Date, lead int) (*rosterpr.Rotator, []string, error) {
	ig := r.Integrations.GitHub
	if ig == nil {
		return nil, nil, errors.New("roster.yaml has no integrations.github: set repo (and roster_repo if roster.yaml lives elsewhere)")
	}
	repo := ig.RosterRepo
	if repo == "" {
		repo = ig.Repo
	}
	owner, name, _ := strings.Cut(repo, "/")
	path := ig.RosterPath
	if path == "" {
		path = "roster.yaml"
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	gcfg, err := gh.ConfigFromEnv(e.getenv)
	if err != nil {
		return nil, nil, err
	}
	gcfg.Log, gcfg.CacheDir, gcfg.Repo = log, e.getenv("STEWARD_CACHE_DIR"), repo
	ghc, err := gh.New(gcfg)
	if err != nil {
		return nil, nil, err
	}
	var notes []string
	var fdc *freshdesk.Client
	if fi := r.Integrations.Freshdesk; fi != nil {
		fcfg, err := freshdesk.ConfigFromEnv(e.getenv, fi.Domain)
		if err == nil {
			fcfg.Log = log
			fdc, err = freshdesk.New(fcfg)
		}
		if err != nil {
			notes = append(notes, "FreshDesk skipped: "+err.Error())
			fdc = nil
		}
	}
	return &rosterpr.Rotator{GH: ghc, FD: fdc, Today: today, Lead: lead, Repo: rosterpr.Repo{
		Owner: owner, Name: name, Path: path, Base: ig.BaseBranch, CalendarPath: ig.CalendarPath,
		Issues: ig.Repo, SupportLabel: ig.Label()}}, notes, nil
}

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
	lead := 7
	if ig := r.Integrations.GitHub; ig != nil && ig.RotationLead.Days > 0 {
		lead = ig.RotationLead.Days
	}
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
	rot, notes, err := rotator(e, r, today, lead)
	if err != nil {
		return fail(e, "rotate", err)
	}
	res, err := rot.Rotate(ctx, *dry)
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
	rot, _, err := rotator(e, r, r.Today(e.now()), 7)
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
