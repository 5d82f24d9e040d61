package rotation

import (
	"fmt"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// PastLookback is how far back RewritesPast compares: further back, the
// roster's confirmed shifts are the record.
const PastLookback = 365

// RewritesPast returns how a roster edit (old -> new) changes who was, or
// is, on duty up to and including today: the shifts and covers that had
// started by today in one schedule and not in the other. Once a projected
// shift has started it is history, even before a rotation pull request
// confirms it; check-roster flags an edit that rewrites it. An empty Diff
// means the edit only changes the future.
func RewritesPast(old, new *roster.Roster, today civil.Date) Diff {
	from, until := today.AddDays(-PastLookback), today.AddDays(1)
	started := func(r *roster.Roster) Schedule {
		s := Compute(r, from, until)
		var out Schedule
		for _, sh := range s.Shifts {
			if !sh.Start.After(today) {
				out.Shifts = append(out.Shifts, sh)
			}
		}
		for _, c := range s.Covers {
			if !c.Start.After(today) {
				out.Covers = append(out.Covers, c)
			}
		}
		return out
	}
	d := Compare(started(old), started(new), from, until)
	d.NewGaps, d.Counts = nil, nil
	return d
}

// PastWarnings words a RewritesPast diff as findings for check-roster, one
// a changed shift or cover.
func PastWarnings(d Diff) []string {
	var out []string
	for _, s := range d.Removed {
		out = append(out, fmt.Sprintf("%s (@%s)'s shift from %s (until %s) has started: this change rewrites it; who was on duty stays as it was — change only the future",
			s.Name, s.GitHub, s.Start, s.End))
	}
	for _, s := range d.Added {
		if !containsStart(d.Removed, s.Start) {
			out = append(out, fmt.Sprintf("%s (@%s) would have been on duty from %s, in the past: change only the future", s.Name, s.GitHub, s.Start))
		}
	}
	for _, c := range d.CoversAdded {
		out = append(out, fmt.Sprintf("the cover by @%s for @%s from %s is in the past: change only the future", c.GitHub, c.For, c.Start))
	}
	for _, c := range d.CoversRemoved {
		out = append(out, fmt.Sprintf("the cover by @%s for @%s from %s has started: removing it rewrites who was on duty", c.GitHub, c.For, c.Start))
	}
	return out
}

func containsStart(ss []Shift, d civil.Date) bool {
	for _, s := range ss {
		if s.Start == d {
			return true
		}
	}
	return false
}

// ReminderDue says whether an unmerged rotation pull request for the
// handoff on handoff should get a reminder today: on the working day
// before the handoff and on the handoff day itself (issue #17). Until it
// merges, who is on duty follows the roster on the base branch.
// isWorkingDay is the team's calendar (workdays.Calendar.IsWorkingDay).
func ReminderDue(handoff, today civil.Date, isWorkingDay func(civil.Date) bool) bool {
	if today == handoff {
		return true
	}
	if !today.Before(handoff) || !isWorkingDay(today) {
		return false
	}
	// today is the working day before the handoff: no working day between.
	for d := today.AddDays(1); d.Before(handoff); d = d.AddDays(1) {
		if isWorkingDay(d) {
			return false
		}
	}
	return true
}

// ReminderBody is the comment ReminderDue's reminder puts on the pull
// request, mentioning its reviewers.
func ReminderBody(handoff, today civil.Date, reviewers []string) string {
	when := "on " + handoff.String()
	if today == handoff {
		when = "today"
	}
	var at []string
	for _, r := range reviewers {
		at = append(at, "@"+r)
	}
	return fmt.Sprintf("%s: this handoff is %s and this pull request is not merged. Until it is, the stewards on duty follow roster.yaml on the base branch "+
		"(the GitHub team and FreshDesk group included). Please review and merge it, or close it to keep the current stewards.", strings.Join(at, " "), when)
}
