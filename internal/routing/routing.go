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
	// Asks and Declines count, per engineer, the support issues they were
	// asked to take and gave back (unassigned themselves) in the window
	// the history covers; used by the fairness report.
	Asks, Declines map[string]int
}

// Request is one issue to route.
type Request struct {
	Issue int
	// Skills wanted, from the issue's labels.
	Skills []string
	// Asked are the engineers this issue was assigned to before: never again.
	Asked []string
}

// Choice is who to ask, and why.
type Choice struct {
	GitHub string `json:"github"`
	Name   string `json:"name"`
	// Reason is why, in the third person ("has the skills asked for ..."),
	// for logs and summaries: "asking @ada, who " + Reason.
	Reason string `json:"reason"`
	// reasons are the same facts, kept apart so they can be said to the
	// engineer too (ReasonToYou).
	reasons []reason
}

// reason is one fact behind a choice, said with the verb in the third
// person and in the second.
type reason struct{ they, you string }

// ReasonToYou says the reason to the engineer chosen, in the second person
// ("you have the skills asked for ..."): "steward chose you because you " +
// ReasonToYou.
func (c Choice) ReasonToYou() string {
	parts := make([]string, len(c.reasons))
	for i, r := range c.reasons {
		parts[i] = r.you
	}
	return strings.Join(parts, "; ")
}

// NoOne says why nobody can be asked. AtCapacity is set when people are
// available but every one of them holds max_open_support open issues
// already: the stewards should hear of it rather than anyone be loaded
// past the cap.
type NoOne struct {
	Reason     string
	AtCapacity bool
}

func (n NoOne) Error() string { return n.Reason }

type candidate struct {
	e       roster.Engineer
	key     string
	skilled bool
	steward bool
	last    time.Time
	open    int
}

// Choose picks the engineer to ask for req on today. Engineers with
// routing: false are never asked; with support.max_open_support set,
// nobody at the cap is asked.
func Choose(r *roster.Roster, today civil.Date, h History, req Request) (Choice, error) {
	onDuty := map[string]bool{}
	for _, s := range rotation.Who(r, today).OnDuty {
		onDuty[strings.ToLower(s.GitHub)] = true
	}
	limit := r.Support.MaxOpenSupport
	var all []candidate
	excluded, full := 0, 0
	for _, e := range r.Engineers {
		k := strings.ToLower(e.GitHub)
		if !e.Routable() || !available(e, today) {
			continue
		}
		if slices.ContainsFunc(req.Asked, func(a string) bool { return strings.EqualFold(a, e.GitHub) }) {
			excluded++
			continue
		}
		if limit > 0 && h.Open[k] >= limit {
			full++
			continue
		}
		all = append(all, candidate{e: e, key: k, skilled: hasAny(e.Skills, req.Skills), steward: onDuty[k], last: h.LastAsked[k], open: h.Open[k]})
	}
	if len(all) == 0 {
		switch {
		case full > 0:
			return Choice{}, NoOne{Reason: fmt.Sprintf("everyone available today already holds %d open support issue%s (support.max_open_support)", limit, plural(limit)), AtCapacity: true}
		case excluded > 0:
			return Choice{}, NoOne{Reason: fmt.Sprintf("everyone available today has been asked about #%d already", req.Issue)}
		}
		return Choice{}, NoOne{Reason: "nobody on the roster is available today"}
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
	// LastAsked is compared as an instant, not a day: two asks on one day
	// still tell who was asked first.
	slices.SortFunc(pool, func(a, b candidate) int {
		return cmp.Or(a.last.Compare(b.last), cmp.Compare(a.open, b.open),
			strings.Compare(strings.ToLower(a.e.Name), strings.ToLower(b.e.Name)), strings.Compare(a.key, b.key))
	})
	c := pool[0]
	var why []reason
	switch {
	case len(req.Skills) > 0 && c.skilled:
		sk := strings.Join(overlap(c.e.Skills, req.Skills), ", ")
		why = append(why, reason{"has the skills asked for (" + sk + ")", "have the skills asked for (" + sk + ")"})
	case len(req.Skills) > 0:
		why = append(why, reason{"was chosen although nobody available has " + strings.Join(req.Skills, " or "),
			"were chosen although nobody available has " + strings.Join(req.Skills, " or ")})
	}
	if c.last.IsZero() {
		why = append(why, reason{"has not been asked for a support issue yet", "have not been asked for a support issue yet"})
	} else {
		when := c.last.In(r.Location()).Format("2006-01-02 15:04")
		why = append(why, reason{"was asked least recently (" + when + ")", "were asked least recently (" + when + ")"})
	}
	n := fmt.Sprintf("%d open support issue%s", c.open, plural(c.open))
	why = append(why, reason{"has " + n, "have " + n})
	if stewardsOnly {
		why = append(why, reason{"is a steward on duty, asked because nobody else is available today",
			"are a steward on duty, asked because nobody else is available today"})
	}
	ch := Choice{GitHub: c.e.GitHub, Name: c.e.Name, reasons: why}
	they := make([]string, len(why))
	for i, w := range why {
		they[i] = w.they
	}
	ch.Reason = strings.Join(they, "; ")
	return ch, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// available: on the team today, in no away range.
func available(e roster.Engineer, today civil.Date) bool {
	_, away := e.AwayOn(today)
	return e.OnTeam(today) && !away
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
