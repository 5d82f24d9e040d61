package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/localgit"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rosterpr"
	"github.com/support-steward/steward/internal/usecase"
	"github.com/support-steward/steward/internal/wire"
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
	c := wire.Connect(wireEnv(e), r)
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
	if err != nil && *dry {
		// Without GitHub, a dry run still shows the pull request it would
		// open, from the roster on disk.
		return previewRotation(e, *path, today, lead, *format, err)
	}
	if err != nil {
		return fail(e, "rotate", withFix(err))
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
		Rotation   rosterpr.Result           `json:"rotation"`
		Membership *usecase.MembershipResult `json:"membership,omitempty"`
		Notes      []string                  `json:"notes,omitempty"`
	}{Rotation: res, Notes: notes}
	if err == nil && !*dry {
		m, merr := c.Membership().Sync(ctx, r, today)
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

func previewRotation(e env, path string, today civil.Date, lead int, format string, why error) int {
	content, err := os.ReadFile(path)
	if err != nil {
		return fail(e, "rotate", err)
	}
	p, err := rosterpr.PreviewRotation(filepath.Base(path), content, today, lead)
	if err != nil {
		return fail(e, "rotate", err)
	}
	note := fmt.Sprintf("A preview from %s alone (%v): the hand-over checklist of the leaver's open issues and tickets is added when steward can reach GitHub and FreshDesk.", path, why)
	if format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		enc.Encode(struct {
			Preview rosterpr.Preview `json:"preview"`
			Notes   []string         `json:"notes"`
		}{p, []string{note}})
		return exitOK
	}
	fmt.Fprintln(e.stdout, p.Message)
	if p.Title != "" {
		fmt.Fprintf(e.stdout, "\n== Title\n%s\n\n== Body\n%s\n== The change to %s\n%s", p.Title, p.Body, path, p.Diff)
	}
	fmt.Fprintf(e.stdout, "\n%s\n", note)
	return exitOK
}

func cmdCheckRoster(ctx context.Context, e env, args []string) int {
	fs := flags(e, "check-roster", "--base REF --head REF [--pr N] [--annotate] [--roster FILE]")
	path := rosterFlag(fs, e)
	base := fs.String("base", "", "the branch or commit the change merges into (required)")
	head := fs.String("head", "", "the branch or commit with the change (required)")
	pr := fs.Int("pr", 0, "the pull request to comment on (default: found from --head)")
	annotate := fs.Bool("annotate", false, "also print each problem as a workflow annotation (::error file=...) at its line")
	if code := parse(fs, e, args); code >= 0 {
		return code
	}
	if *base == "" || *head == "" {
		return fail(e, "check-roster", usagef("--base and --head are required"))
	}
	// The check itself needs only the two versions of the file: from this
	// checkout's git history when it has them, so no credentials and no
	// integrations are needed. The check run and the comment follow when
	// GitHub can be reached.
	headData, headFound, localErr := localgit.File(ctx, *head, *path)
	var baseData []byte
	if localErr == nil {
		if !headFound {
			return fail(e, "check-roster", fmt.Errorf("%s is not in %s", *path, *head))
		}
		var found bool
		baseData, found, localErr = localgit.File(ctx, *base, *path)
		if !found {
			baseData = nil
		}
	}
	var local *rosterpr.CheckResult
	today := todayFor(e, headData, baseData)
	if localErr == nil {
		res, probs := rosterpr.Check(*path, headData, baseData, today)
		local = &res
		fmt.Fprintf(e.stdout, "%s\n\n%s", res.Title, res.Summary)
		if *annotate {
			for _, p := range probs {
				fmt.Fprintln(e.stdout, annotation(p))
			}
		}
		if err := appendSummary(e, "## "+res.Title+"\n\n"+res.Summary); err != nil {
			return fail(e, "check-roster", err)
		}
	}

	rot, why := checkRotator(e, headData, *path, today)
	switch {
	case rot == nil && local == nil:
		return fail(e, "check-roster", fmt.Errorf("%v; and %v", localErr, why))
	case rot == nil:
		fmt.Fprintf(e.stderr, "steward check-roster: no check run or comment: %v\n", why)
	default:
		res, err := rot.CheckRoster(ctx, *base, *head, *pr)
		switch {
		case err != nil && local == nil:
			return fail(e, "check-roster", withFix(err))
		case err != nil:
			// The check is done and shown; only posting it failed (a fork's
			// read-only token, say). Say so where the run's reader looks.
			msg := fmt.Sprintf("the check is above, but posting it to GitHub failed: %v", withFix(err))
			fmt.Fprintf(e.stderr, "steward check-roster: %s\n", msg)
			if e.getenv("GITHUB_ACTIONS") == "true" {
				fmt.Fprintf(e.stdout, "::warning::%s\n", strings.ReplaceAll(msg, "\n", "%0A"))
			}
		case local == nil:
			local = &res
			fmt.Fprintf(e.stdout, "%s\n\n%s", res.Title, res.Summary)
			if err := appendSummary(e, "## "+res.Title+"\n\n"+res.Summary); err != nil {
				return fail(e, "check-roster", err)
			}
		}
	}
	if local.Errors > 0 {
		return exitFindings
	}
	return exitOK
}

// todayFor is today in the time zone of the roster being checked, or UTC.
func todayFor(e env, versions ...[]byte) civil.Date {
	for _, v := range versions {
		if r, _ := roster.Parse("roster.yaml", v); r != nil {
			return r.Today(e.now())
		}
	}
	return civil.Of(e.now().UTC())
}

// checkRotator connects to the repository holding the roster: the one
// integrations.github names, else the workflow's own (GITHUB_REPOSITORY).
func checkRotator(e env, head []byte, path string, today civil.Date) (*usecase.Rotator, error) {
	r, _ := roster.Parse(path, head)
	if r == nil {
		// The head could not be read here: the working copy says where to
		// ask GitHub.
		r, _, _ = roster.Load(path)
	}
	repo := e.getenv("GITHUB_REPOSITORY")
	if r != nil && r.Integrations.GitHub != nil {
		c := wire.Connect(wireEnv(e), r)
		return c.Rotator(today, c.Lead())
	}
	if repo == "" {
		return nil, errors.New("roster.yaml has no integrations.github and GITHUB_REPOSITORY is not set")
	}
	return wire.RepoRotator(wireEnv(e), repo, path, today)
}

// appendSummary adds md to the job summary when there is one.
func appendSummary(e env, md string) error {
	file := e.getenv("GITHUB_STEP_SUMMARY")
	if file == "" {
		return nil
	}
	f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	if _, err := f.WriteString(md + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("GITHUB_STEP_SUMMARY: %w", err)
	}
	return f.Close()
}
