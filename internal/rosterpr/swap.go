package rosterpr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// Change is a roster edit proposed as a pull request: a swap or a cover.
// It is a plan: PlanSwap and PlanCover compute it from the roster's bytes,
// ProposeChange opens it, and --dry-run prints it.
type Change struct {
	Title  string
	Branch string
	Body   string
	// Roster is the rewritten roster.yaml: only shifts or overrides differ.
	Roster []byte
	// Diff is the roster change as a unified diff, for people to read.
	Diff      string
	Reviewers []string
}

// How far ahead a change's schedule diff looks.
const changeHorizon = 26 * 7

// SwapRequest names the two engineers and, optionally, which of their
// confirmed shifts: the one holding that day. A zero date means the
// engineer's first confirmed shift that has not ended by Today.
type SwapRequest struct {
	A, B         string
	ADay, BDay   civil.Date
	Today        civil.Date
	Path         string // the roster's name in messages and the diff
	RosterBefore []byte
}

// PlanSwap exchanges two confirmed shifts (design.md, Rotation, rule 7):
// only the two github handles in shifts change.
func PlanSwap(q SwapRequest) (Change, error) {
	r, probs := roster.Parse(q.Path, q.RosterBefore)
	if r == nil {
		return Change{}, fmt.Errorf("%s is not valid; fix it first:\n%w", q.Path, probs.Errors())
	}
	if strings.EqualFold(q.A, q.B) {
		return Change{}, fmt.Errorf("@%s cannot swap with themselves: name two people", q.A)
	}
	a, ea, err := pickShift(r, q.A, q.ADay, q.Today, -1)
	if err != nil {
		return Change{}, err
	}
	b, eb, err := pickShift(r, q.B, q.BDay, q.Today, a)
	if err != nil {
		return Change{}, err
	}
	after, err := roster.SwapShifts(q.RosterBefore, a, b)
	if err != nil {
		return Change{}, err
	}
	sa, sb := r.Shifts[a], r.Shifts[b]
	title := fmt.Sprintf("Support Stewards: %s and %s swap shifts (%s and %s)", ea.Name, eb.Name, sa.Start, sb.Start)
	intro := fmt.Sprintf("@%s and @%s swap confirmed shifts:\n\n"+
		"| Shift | Before | After |\n|---|---|---|\n"+
		"| %s to %s | %s (@%s) | %s (@%s) |\n"+
		"| %s to %s | %s (@%s) | %s (@%s) |\n\n"+
		"Only these two handles change in `shifts`. Both of you: approve if this is what you agreed.",
		ea.GitHub, eb.GitHub,
		sa.Start, sa.End, ea.Name, ea.GitHub, eb.Name, eb.GitHub,
		sb.Start, sb.End, eb.Name, eb.GitHub, ea.Name, ea.GitHub)
	return finish(q.Path, q.Today, r, probs, q.RosterBefore, after, Change{
		Title:     title,
		Branch:    fmt.Sprintf("steward/swap-%s-%s-%s", strings.ToLower(ea.GitHub), strings.ToLower(eb.GitHub), sa.Start),
		Reviewers: []string{ea.GitHub, eb.GitHub},
	}, intro)
}

// pickShift finds handle's confirmed shift holding day, or its first that
// starts after today (one that has started is history); not the shift at
// index not.
func pickShift(r *roster.Roster, handle string, day, today civil.Date, not int) (int, *roster.Engineer, error) {
	e, ok := r.Engineer(handle)
	if !ok {
		return 0, nil, fmt.Errorf("%q is not on the roster", handle)
	}
	best := -1
	for i, s := range r.Shifts {
		if i == not || !strings.EqualFold(s.GitHub, handle) {
			continue
		}
		switch {
		case !day.IsZero():
			if !day.Before(s.Start) && day.Before(s.End) {
				return i, e, nil
			}
		case s.Start.After(today) && (best < 0 || s.Start.Before(r.Shifts[best].Start)):
			best = i
		}
	}
	if best >= 0 {
		return best, e, nil
	}
	what := "starting after " + today.String()
	if !day.IsZero() {
		what = "on " + day.String()
	}
	return 0, nil, fmt.Errorf("@%s has no confirmed shift %s: a swap exchanges shifts confirmed in roster.yaml "+
		"(rotation pull requests confirm each one before its handoff); for a one-off stand-in use steward cover", e.GitHub, what)
}

// CoverRequest puts GitHub on duty for For from From to To, inclusive.
type CoverRequest struct {
	Cover        roster.Override
	Today        civil.Date
	Path         string
	RosterBefore []byte
}

// PlanCover appends a cover to overrides (design.md, Rotation, rule 8):
// no shift or handoff moves.
func PlanCover(q CoverRequest) (Change, error) {
	r, probs := roster.Parse(q.Path, q.RosterBefore)
	if r == nil {
		return Change{}, fmt.Errorf("%s is not valid; fix it first:\n%w", q.Path, probs.Errors())
	}
	o := q.Cover
	by, ok := r.Engineer(o.GitHub)
	if !ok {
		return Change{}, fmt.Errorf("%q is not on the roster", o.GitHub)
	}
	of, ok := r.Engineer(o.For)
	if !ok {
		return Change{}, fmt.Errorf("%q is not on the roster", o.For)
	}
	o.GitHub, o.For = by.GitHub, of.GitHub
	if strings.EqualFold(o.GitHub, o.For) {
		return Change{}, fmt.Errorf("%q cannot cover for themselves", o.GitHub)
	}
	if err := coverable(r, o); err != nil {
		return Change{}, err
	}
	after, err := roster.SetOverrides(q.RosterBefore, append(slices.Clone(r.Overrides), o))
	if err != nil {
		return Change{}, err
	}
	title := fmt.Sprintf("Support Stewards: %s covers %s, %s to %s", by.Name, of.Name, o.From, o.To)
	intro := fmt.Sprintf("@%s stands in for @%s from %s to %s (inclusive). No shift or handoff moves, and @%s keeps their turn in the rotation. "+
		"Both of you: approve if this is what you agreed.", by.GitHub, of.GitHub, o.From, o.To, of.GitHub)
	if o.Note != "" {
		intro += "\n\nNote: " + o.Note
	}
	return finish(q.Path, q.Today, r, probs, q.RosterBefore, after, Change{
		Title:     title,
		Branch:    fmt.Sprintf("steward/cover-%s-for-%s-%s", strings.ToLower(by.GitHub), strings.ToLower(of.GitHub), o.From),
		Reviewers: []string{by.GitHub, of.GitHub},
	}, intro)
}

// coverable refuses a cover of nobody: the covered steward must be on duty
// on at least one of its days, and it must lie within the schedule's range.
func coverable(r *roster.Roster, o roster.Override) error {
	end := o.To.AddDays(1)
	if !end.After(o.From) {
		return fmt.Errorf("--to %s is before --from %s", o.To, o.From)
	}
	if err := rotation.CheckRange(o.From, end); err != nil {
		return err
	}
	for _, sh := range rotation.Compute(r, o.From, end).Shifts {
		// Compute gives the shifts overlapping [From, end).
		if strings.EqualFold(sh.GitHub, o.For) {
			return nil
		}
	}
	return fmt.Errorf("@%s is not a steward on any day from %s to %s: there is nothing to cover (steward schedule --engineer %s shows their shifts)", o.For, o.From, o.To, o.For)
}

// finish validates the rewritten roster and writes the body: the intro,
// what the schedule does differently, and any finding about the change.
func finish(path string, today civil.Date, before *roster.Roster, beforeProbs roster.Problems, old, new []byte, c Change, intro string) (Change, error) {
	head, probs := roster.Parse(path, new)
	if head == nil {
		return Change{}, fmt.Errorf("the change would make %s invalid:\n%w", path, probs.Errors())
	}
	if past := rotation.PastWarnings(rotation.RewritesPast(before, head, today)); len(past) > 0 {
		return Change{}, fmt.Errorf("the change rewrites the past, which stays as it was:\n- %s", strings.Join(past, "\n- "))
	}
	c.Roster = new
	c.Diff = unifiedDiff(path, old, new)
	from, until := today, today.AddDays(changeHorizon)
	d := rotation.Compare(rotation.Compute(before, from, until), rotation.Compute(head, from, until), from, until)
	var b strings.Builder
	b.WriteString(intro + "\n\n")
	d.WriteMarkdown(&b)
	var notes []string
	oldWarn := map[string]bool{}
	for _, p := range append(beforeProbs.Warnings(), rotation.Check(before, today)...) {
		oldWarn[p.Path+p.Message] = true
	}
	for _, p := range append(probs.Warnings(), rotation.Check(head, today)...) {
		if !oldWarn[p.Path+p.Message] {
			notes = append(notes, fmt.Sprintf("- ⚠️ %s line %d: %s", path, p.Line, p.Message))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n#### Findings about this change\n\n" + strings.Join(notes, "\n") + "\n")
	}
	b.WriteString("\n<details><summary>roster change</summary>\n\n```diff\n" + c.Diff + "```\n</details>\n")
	c.Body = b.String()
	return c, nil
}

// unifiedDiff shows old -> new as one hunk around the changed lines, with
// unchanged lines inside it as context. Swaps and covers change a few
// lines, so nothing cleverer is needed.
func unifiedDiff(path string, old, new []byte) string {
	split := func(s string) []string {
		l := strings.SplitAfter(s, "\n")
		if l[len(l)-1] == "" {
			l = l[:len(l)-1]
		}
		return l
	}
	a, b := split(string(old)), split(string(new))
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	if p == len(a) && p == len(b) {
		return ""
	}
	const ctx = 2
	lo := max(p-ctx, 0)
	hiA, hiB := min(len(a)-s+ctx, len(a)), min(len(b)-s+ctx, len(b))
	var out strings.Builder
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n@@ -%d,%d +%d,%d @@\n", path, path, lo+1, hiA-lo, lo+1, hiB-lo)
	line := func(prefix, l string) {
		out.WriteString(prefix + strings.TrimSuffix(l, "\n") + "\n")
	}
	for _, l := range a[lo:p] {
		line(" ", l)
	}
	midA, midB := a[p:len(a)-s], b[p:len(b)-s]
	if len(midA) == len(midB) {
		// Line for line (a swap): unchanged lines stay context.
		for i := range midA {
			if midA[i] == midB[i] {
				line(" ", midA[i])
			} else {
				line("-", midA[i])
				line("+", midB[i])
			}
		}
	} else {
		for _, l := range midA {
			line("-", l)
		}
		for _, l := range midB {
			line("+", l)
		}
	}
	for _, l := range a[len(a)-s : hiA] {
		line(" ", l)
	}
	return out.String()
}
