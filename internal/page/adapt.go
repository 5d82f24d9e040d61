package page

import (
	"github.com/support-steward/steward/internal/civil"
	"github.com/support-steward/steward/internal/roster"
	"github.com/support-steward/steward/internal/rotation"
)

// Weeks is how many weeks the page shows when no range is asked for.
const Weeks = 12

// DefaultRange is the timeline the page shows when none is asked for: the
// twelve weeks from the Monday of today's week, so the shifts running now
// are in sight from the start.
func DefaultRange(today civil.Date) (from, until civil.Date) {
	from = today.AddDays(-int((today.Weekday() + 6) % 7))
	return from, from.AddDays(Weeks * 7)
}

// FromRotation is the adapter from the rotation package's output to the
// page's view model: the roster's schedule over [from, until), who is on
// duty on today and the next handoff, the roster's holidays and events.
// It is the one place that knows both shapes.
//
// Covers come from the rotation package's covers once it reports them
// (design.md rule 8); until then the roster has none to map and Covers
// stays empty.
func FromRotation(r *roster.Roster, today, from, until civil.Date, links Links) Model {
	m := Model{
		Team: r.Team, TimeZone: r.Timezone.Name, Today: today, From: from, Until: until,
		Holidays: r.Holidays, Links: links,
	}
	s := rotation.Compute(r, from, until)
	for _, sh := range s.Shifts {
		m.Shifts = append(m.Shifts, shift(sh))
	}
	for _, g := range s.Gaps {
		m.Gaps = append(m.Gaps, Gap{Start: g.Start, End: g.End})
	}
	for _, e := range r.Events {
		m.Events = append(m.Events, Event{Name: e.Name, Hub: e.Hub, From: e.From, To: e.To})
	}
	st := rotation.Who(r, today)
	for _, sh := range st.OnDuty {
		m.OnDuty = append(m.OnDuty, Duty{Person: person(sh), Until: sh.End, Confirmed: sh.Confirmed})
	}
	for _, g := range st.Unfilled {
		m.Unfilled = append(m.Unfilled, Gap{Start: g.Start, End: g.End})
	}
	if h := st.Next; h != nil {
		m.Next = &Handoff{Date: h.Date, Joining: people(h.Joining), Leaving: people(h.Leaving), Staying: people(h.Staying)}
	}
	return m
}

func person(s rotation.Shift) Person { return Person{Handle: s.GitHub, Name: s.Name} }

func shift(s rotation.Shift) Shift {
	return Shift{Person: person(s), Start: s.Start, End: s.End, Confirmed: s.Confirmed}
}

func people(ss []rotation.Shift) []Person {
	out := make([]Person, len(ss))
	for i, s := range ss {
		out[i] = person(s)
	}
	return out
}
