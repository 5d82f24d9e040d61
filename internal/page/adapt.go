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
// It is the one place that knows both shapes. Covers (the roster's
// overrides, design.md rule 8) are marked in the timeline, and on duty
// shows the stand-in with the steward they cover for.
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
	for _, c := range s.CoversIn(from, until) {
		m.Covers = append(m.Covers, Cover{Who: Person{Handle: c.GitHub, Name: c.Name}, For: Person{Handle: c.For, Name: c.ForName},
			From: c.Start, To: c.End.AddDays(-1)})
	}
	for _, e := range r.Events {
		m.Events = append(m.Events, Event{Name: e.Name, Hub: e.Hub, From: e.From, To: e.To})
	}
	st := rotation.Who(r, today)
	for _, sh := range st.OnDuty {
		d := Duty{Person: person(sh), Until: sh.End, Confirmed: sh.Confirmed}
		if sh.Covering != "" {
			p := Person{Handle: sh.Covering, Name: sh.Covering}
			if e, ok := r.Engineer(sh.Covering); ok {
				p = Person{Handle: e.GitHub, Name: e.Name}
			}
			d.CoveringFor = &p
		}
		m.OnDuty = append(m.OnDuty, d)
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
