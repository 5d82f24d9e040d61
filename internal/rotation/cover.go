package rotation

import (
	"cmp"
	"slices"
	"strings"

	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
)

// Cover is someone on duty in place of a steward, [Start, End) (the roster
// writes the last day, inclusive). A cover is laid over the schedule: it
// never moves a shift, a handoff or a turn (design.md, Rotation, rule 8).
type Cover struct {
	GitHub  string     `json:"github"`
	Name    string     `json:"name"`
	For     string     `json:"for"`
	ForName string     `json:"for_name"`
	Start   civil.Date `json:"start"`
	End     civil.Date `json:"end"`
	Note    string     `json:"note,omitempty"`
}

// On reports whether the cover holds on day d.
func (c Cover) On(d civil.Date) bool { return covers(c.Start, c.End, d) }

// covers returns the roster's overrides overlapping [from, until), sorted
// by start then handle.
func coversOf(r *roster.Roster, from, until civil.Date) []Cover {
	var out []Cover
	name := func(h string) (string, string) {
		if e, ok := r.Engineer(h); ok {
			return e.GitHub, e.Name
		}
		return h, h
	}
	for _, o := range r.Overrides {
		end := o.To.AddDays(1)
		if o.From.IsZero() || !end.After(o.From) || !o.From.Before(until) || !end.After(from) {
			continue
		}
		c := Cover{Start: o.From, End: end, Note: o.Note}
		c.GitHub, c.Name = name(o.GitHub)
		c.For, c.ForName = name(o.For)
		out = append(out, c)
	}
	slices.SortStableFunc(out, func(a, b Cover) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.GitHub, b.GitHub))
	})
	return out
}

// coverFor returns the cover standing in for handle on d, if any.
func (s Schedule) coverFor(handle string, d civil.Date) (Cover, bool) {
	for _, c := range s.Covers {
		if c.On(d) && strings.EqualFold(c.For, handle) {
			return c, true
		}
	}
	return Cover{}, false
}

// OnDuty returns who is actually on duty on d, covers applied: each shift
// covering d, or, where someone stands in, a Shift for the cover's span
// naming the stand-in with Covering set to the rostered steward. Use it
// wherever "who is on duty" matters (membership, routing, the dashboard).
// d must lie in the range the schedule was computed for.
func (s Schedule) OnDuty(d civil.Date) []Shift {
	out := []Shift{}
	for _, sh := range s.Shifts {
		if !covers(sh.Start, sh.End, d) {
			continue
		}
		if c, ok := s.coverFor(sh.GitHub, d); ok {
			out = append(out, Shift{GitHub: c.GitHub, Name: c.Name, Start: c.Start, End: c.End, Confirmed: true, Seat: sh.Seat, Covering: sh.GitHub})
			continue
		}
		out = append(out, sh)
	}
	return out
}

// CoversIn returns the covers overlapping [from, until).
func (s Schedule) CoversIn(from, until civil.Date) []Cover {
	out := []Cover{}
	for _, c := range s.Covers {
		if c.Start.Before(until) && c.End.After(from) {
			out = append(out, c)
		}
	}
	return out
}
