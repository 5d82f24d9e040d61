package rotation

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// Problems are every problem of a roster as of today, in line order: what
// roster.Parse found (parsed), and, for a roster that parsed, the
// schedule's (Check). validate, the Action's validate and the roster check
// on pull requests all report these, so each says the same.
func Problems(r *roster.Roster, parsed roster.Problems, today civil.Date) roster.Problems {
	out := slices.Clone(parsed)
	if r != nil {
		out = append(out, Check(r, today)...)
	}
	slices.SortStableFunc(out, func(a, b roster.Problem) int { return cmp.Or(a.Line-b.Line, a.Col-b.Col) })
	return out
}

// Check returns the warnings about r that need the schedule, each at its
// line in the roster, around today (a year back, three ahead): handoffs
// that fall on holidays, and covers that do nothing or double someone up.
// roster.Parse finds the rest.
func Check(r *roster.Roster, today civil.Date) roster.Problems {
	from, until := today.AddDays(-365), today.AddDays(3*365)
	s := Compute(r, from, until)
	var out roster.Problems
	warn := func(path, format string, args ...any) {
		line, col := r.Line(path)
		out = append(out, roster.Problem{File: r.File, Line: line, Col: col, Path: path,
			Message: fmt.Sprintf(format, args...), Severity: roster.Warning})
	}
	holiday := map[civil.Date]int{}
	for i, h := range r.Holidays {
		holiday[h] = i + 1
	}
	for _, sh := range s.Shifts {
		if k := holiday[sh.Start]; k > 0 && !sh.Confirmed && !sh.Start.Before(today) {
			warn(fmt.Sprintf("holidays[%d]", k-1), "%s is a handoff day (%s joins): the leaving steward hands over on the working day before",
				sh.Start, sh.Name)
			holiday[sh.Start] = 0 // once a day
		}
	}
	duty := map[string][]span{} // by handle, lower case: merged shifts
	for _, sh := range s.Shifts {
		k := strings.ToLower(sh.GitHub)
		duty[k] = append(duty[k], span{sh.Start, sh.End})
	}
	for k, sp := range duty {
		duty[k] = merge(sp) // Shifts are sorted by start
	}
	for i, o := range r.Overrides {
		lo, hi := civil.Max(o.From, from), civil.Min(o.To.AddDays(1), until)
		if o.From.IsZero() || !hi.After(lo) {
			continue
		}
		p := fmt.Sprintf("overrides[%d]", i)
		if off := minus(span{lo, hi}, duty[strings.ToLower(o.For)]); len(off) > 0 {
			warn(p+".for", "%q is not a steward on %s: the cover does nothing then; cover only days of their shift", o.For, spans(off))
		}
		if double := within(span{lo, hi}, duty[strings.ToLower(o.GitHub)]); len(double) > 0 {
			warn(p+".github", "%q is a steward themselves on %s: pick someone off duty to cover", o.GitHub, spans(double))
		}
	}
	return out
}

// within returns the parts of sorted, merged sp inside w.
func within(w span, sp []span) []span {
	var out []span
	for _, a := range sp {
		lo, hi := civil.Max(a.from, w.from), civil.Min(a.to, w.to)
		if lo.Before(hi) {
			out = append(out, span{lo, hi})
		}
	}
	return out
}

// minus returns the parts of w outside sorted, merged sp.
func minus(w span, sp []span) []span {
	var out []span
	cur := w.from
	for _, a := range within(w, sp) {
		if cur.Before(a.from) {
			out = append(out, span{cur, a.from})
		}
		cur = a.to
	}
	if cur.Before(w.to) {
		out = append(out, span{cur, w.to})
	}
	return out
}

// spans writes day ranges with their last day inclusive, as the roster
// does: 2026-02-08 to 2026-02-10, 2026-02-14.
func spans(sp []span) string {
	var parts []string
	for _, a := range sp {
		last := a.to.AddDays(-1)
		if last == a.from {
			parts = append(parts, a.from.String())
		} else {
			parts = append(parts, a.from.String()+" to "+last.String())
		}
	}
	return strings.Join(parts, ", ")
}
