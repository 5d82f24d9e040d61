package rotation

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/untrusted"
)

// Diff is how a roster change moves the schedule over a range.
type Diff struct {
	From, Until civil.Date
	// Removed and Added are the shifts only the base, or only the head, has.
	Removed, Added []Shift
	// Counts is shifts per engineer before and after, for those that change.
	Counts []CountChange
	// NewGaps are gaps only the head has.
	NewGaps []Gap
	// CoversAdded and CoversRemoved are covers only the head, or only the
	// base, has.
	CoversAdded, CoversRemoved []Cover
}

// CountChange is one engineer's number of shifts before and after.
type CountChange struct {
	GitHub, Name  string
	Before, After int
}

// Empty reports whether the change moves nothing.
func (d Diff) Empty() bool {
	return len(d.Removed) == 0 && len(d.Added) == 0 && len(d.NewGaps) == 0 && len(d.CoversAdded) == 0 && len(d.CoversRemoved) == 0
}

func key(s Shift) string {
	return strings.ToLower(s.GitHub) + "|" + s.Start.String() + "|" + s.End.String()
}

// Compare diffs two schedules of the same range.
func Compare(base, head Schedule, from, until civil.Date) Diff {
	d := Diff{From: from, Until: until}
	inBase, inHead := map[string]bool{}, map[string]bool{}
	for _, s := range base.Shifts {
		inBase[key(s)] = true
	}
	for _, s := range head.Shifts {
		inHead[key(s)] = true
	}
	count := map[string]*CountChange{}
	var order []string
	tally := func(s Shift, after bool) {
		k := strings.ToLower(s.GitHub)
		c, ok := count[k]
		if !ok {
			c = &CountChange{GitHub: s.GitHub, Name: s.Name}
			count[k] = c
			order = append(order, k)
		}
		if after {
			c.After++
		} else {
			c.Before++
		}
	}
	for _, s := range base.Shifts {
		tally(s, false)
		if !inHead[key(s)] {
			d.Removed = append(d.Removed, s)
		}
	}
	for _, s := range head.Shifts {
		tally(s, true)
		if !inBase[key(s)] {
			d.Added = append(d.Added, s)
		}
	}
	slices.Sort(order)
	for _, k := range order {
		if c := count[k]; c.Before != c.After {
			d.Counts = append(d.Counts, *c)
		}
	}
	baseGaps := map[string]bool{}
	for _, g := range base.Gaps {
		baseGaps[g.Start.String()+g.End.String()] = true
	}
	for _, g := range head.Gaps {
		if !baseGaps[g.Start.String()+g.End.String()] {
			d.NewGaps = append(d.NewGaps, g)
		}
	}
	d.CoversAdded, d.CoversRemoved = onlyIn(head.Covers, base.Covers), onlyIn(base.Covers, head.Covers)
	return d
}

// onlyIn returns the covers of a that b does not have.
func onlyIn(a, b []Cover) []Cover {
	var out []Cover
	for _, c := range a {
		if !slices.ContainsFunc(b, func(x Cover) bool {
			return strings.EqualFold(x.GitHub, c.GitHub) && strings.EqualFold(x.For, c.For) && x.Start == c.Start && x.End == c.End
		}) {
			out = append(out, c)
		}
	}
	return out
}

// WriteMarkdown renders the diff for a pull request comment or summary.
func (d Diff) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "#### Schedule changes, %s to %s\n\n", d.From, d.Until)
	if d.Empty() {
		b.WriteString("No shift moves: the schedule is the same.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	if len(d.Removed)+len(d.Added) > 0 {
		b.WriteString("| From | Before | After |\n|---|---|---|\n")
		type row struct {
			start         civil.Date
			before, after string
		}
		var rows []row
		added := slices.Clone(d.Added)
		for _, r := range d.Removed {
			i := slices.IndexFunc(added, func(a Shift) bool { return a.Start == r.Start })
			if i >= 0 {
				rows = append(rows, row{r.Start, who(r), who(added[i])})
				added = slices.Delete(added, i, i+1)
				continue
			}
			rows = append(rows, row{r.Start, who(r), "—"})
		}
		for _, a := range added {
			rows = append(rows, row{a.Start, "—", who(a)})
		}
		slices.SortStableFunc(rows, func(x, y row) int { return x.start.Compare(y.start) })
		for _, r := range rows {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", r.start, r.before, r.after)
		}
		b.WriteString("\n")
	}
	if len(d.Counts) > 0 {
		b.WriteString("Shifts per engineer in this range:\n\n")
		for _, c := range d.Counts {
			fmt.Fprintf(&b, "- %s: %d → %d\n", mdPerson(c.Name, c.GitHub), c.Before, c.After)
		}
		b.WriteString("\n")
	}
	for _, g := range d.NewGaps {
		fmt.Fprintf(&b, "⚠️ New gap: nobody is available from %s until %s.\n", g.Start, g.End)
	}
	for _, c := range d.CoversAdded {
		fmt.Fprintf(&b, "New cover: %s stands in for %s from %s to %s (inclusive); no shift moves.\n", mdPerson(c.Name, c.GitHub), mdPerson(c.ForName, c.For), c.Start, c.End.AddDays(-1))
	}
	for _, c := range d.CoversRemoved {
		fmt.Fprintf(&b, "Cover removed: %s no longer stands in for %s from %s to %s (inclusive).\n", mdPerson(c.Name, c.GitHub), mdPerson(c.ForName, c.For), c.Start, c.End.AddDays(-1))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func who(s Shift) string {
	return mdPerson(s.Name, s.GitHub) + " until " + s.End.String()
}

// mdPerson names an engineer for a Markdown body. The roster may come from a
// fork's pull request: its names and handles are escaped, so they read as
// written and neither ping anyone nor become markup.
func mdPerson(name, handle string) string {
	return untrusted.Of(name).Markdown() + " (" + untrusted.Of("@"+handle).Markdown() + ")"
}
