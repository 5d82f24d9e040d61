// Package routing owns the fair choice of an engineer for a support issue:
// someone available today, with the skills when anyone has them, asked
// least recently, with the fewest open support issues; stewards on duty
// only when nobody else can be asked; never the same person twice for one
// issue.
package routing

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// History is what GitHub says about past asks and present load.
type History struct {
	// LastAsked is when each engineer (by lower-case handle) was last
	// assigned a support issue.
	LastAsked map[string]time.Time
	// Open counts each engineer's open support issues.
	Open map[string]int
}

// Request is one issue to route.
type Request struct {
	Issue int
	// Skills wanted, from the issue's labels.
	Skills []string
	// Asked are the engineers this issue was assigned to before: never again.
	Asked []string
}

// Choice is who to ask, and why, in words for the issue comment.
type Choice struct {
	GitHub string `json:"github"`
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// NoOne says why nobody can be asked.
type NoOne struct{ Reason string }

func (n NoOne) Error() string { return n.Reason }

type candidate struct {
	e       roster.Engineer
	key     string
	skilled bool
	steward bool
	last    time.Time
	open    int
}

// Choose picks the engineer to ask for req on today.
func Choose(r *roster.Roster, today civil.Date, h History, req Request) (Choice, error) {
	onDuty := map[string]bool{}
	for _, s := range rotation.Who(r, today).OnDuty {
		onDuty[strings.ToLower(s.GitHub)] = true
	}
	var all []candidate
	excluded := 0
	for _, e := range r.Engineers {
		k := strings.ToLower(e.GitHub)
		if !available(e, today) {
			continue
		}
		if slices.ContainsFunc(req.Asked, func(a string) bool { return strings.EqualFold(a, e.GitHub) }) {
			excluded++
			continue
		}
		all = append(all, candidate{e: e, key: k, skilled: hasAny(e.Skills, req.Skills), steward: onDuty[k], last: h.LastAsked[k], open: h.Open[k]})
	}
	if len(all) == 0 {
		if excluded > 0 {
			return Choice{}, NoOne{fmt.Sprintf("everyone available today has been asked about #%d already", req.Issue)}
		}
		return Choice{}, NoOne{"nobody on the roster is available today"}
	}
	// Prefer people who are not stewards, then people with the skills.
	pool := filter(all, func(c candidate) bool { return !c.steward })
	stewardsOnly := len(pool) == 0
	if stewardsOnly {
		pool = all
	}
	skilled := filter(pool, func(c candidate) bool { return c.skilled })
	if len(req.Skills) > 0 && len(skilled) > 0 {
		pool = skilled
	}
	slices.SortFunc(pool, func(a, b candidate) int {
		return cmp.Or(a.last.Compare(b.last), cmp.Compare(a.open, b.open),
			strings.Compare(strings.ToLower(a.e.Name), strings.ToLower(b.e.Name)), strings.Compare(a.key, b.key))
	})
	c := pool[0]
	var why []string
	switch {
	case len(req.Skills) > 0 && c.skilled:
		why = append(why, fmt.Sprintf("has the skills asked for (%s)", strings.Join(overlap(c.e.Skills, req.Skills), ", ")))
	case len(req.Skills) > 0:
		why = append(why, fmt.Sprintf("nobody available has %s", strings.Join(req.Skills, " or ")))
	}
	if c.last.IsZero() {
		why = append(why, "has not been asked for a support issue yet")
	} else {
		why = append(why, fmt.Sprintf("was asked least recently (%s)", c.last.Format("2006-01-02")))
	}
	why = append(why, fmt.Sprintf("has %d open support issue(s)", c.open))
	if stewardsOnly {
		why = append(why, "is a steward on duty, asked because nobody else is available today")
	}
	return Choice{GitHub: c.e.GitHub, Name: c.e.Name, Reason: strings.Join(why, "; ")}, nil
}

// available: on the team today, in no away range.
func available(e roster.Engineer, today civil.Date) bool {
	if (!e.Joined.IsZero() && e.Joined.After(today)) || (!e.Left.IsZero() && !e.Left.After(today)) {
		return false
	}
	for _, a := range e.Away {
		if !today.Before(a.From) && !today.After(a.To) {
			return false
		}
	}
	return true
}

func filter(cs []candidate, keep func(candidate) bool) []candidate {
	var out []candidate
	for _, c := range cs {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

func hasAny(have, want []string) bool { return len(overlap(have, want)) > 0 }

func overlap(have, want []string) []string {
	var out []string
	for _, w := range want {
		if slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, w) }) {
			out = append(out, w)
		}
	}
	return out
}

// Skills maps an issue's labels to skills: a label named like a skill, or
// mapped to one in integrations.github.skill_labels.
func Skills(r *roster.Roster, labels []string) []string {
	known := map[string]string{}
	for _, e := range r.Engineers {
		for _, s := range e.Skills {
			known[strings.ToLower(s)] = s
		}
	}
	var mapping map[string]string
	if g := r.Integrations.GitHub; g != nil {
		mapping = g.SkillLabels
	}
	var out []string
	for _, l := range labels {
		s := l
		for k, v := range mapping {
			if strings.EqualFold(k, l) {
				s = v
			}
		}
		if sk, ok := known[strings.ToLower(s)]; ok && !slices.Contains(out, sk) {
			out = append(out, sk)
		}
	}
	return out
}
